"""One audit, stage by stage: load the catalog, gather observed facts, run the offline checks,
check links when asked, and collect the findings (with the fixes that are facts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from torchscape.audit.checks import Context, item_checks
from torchscape.audit.findings import Finding, sort_findings
from torchscape.audit.links import LinkOptions, check_links, link_findings, link_targets
from torchscape.audit.logos import logo_checks
from torchscape.audit.observed import gather
from torchscape.audit.report import AuditReport
from torchscape.catalog.fixes import Fix
from torchscape.paths import Sources, display_path
from torchscape.site.build import load_catalog, thresholds


@dataclass(frozen=True, slots=True)
class AuditRequest:
    sources: Sources
    cache_dir: Path | None
    now: dt.datetime
    observed: tuple[str, ...] = ()
    online: bool = False
    links: LinkOptions = field(default_factory=LinkOptions)


def run_audit(request: AuditRequest) -> AuditReport:
    """Audit a catalog; raises CatalogError when it has blocking problems (as `build` does)."""
    landscape = load_catalog(request.sources)
    facts = gather(landscape, request.cache_dir, request.observed)
    context = Context(landscape, facts, request.now, thresholds(landscape))
    findings: list[Finding] = [*item_checks(context), *logo_checks(landscape)]
    if request.online:
        targets = link_targets(landscape)
        results = check_links((t.url for t in targets), request.links)
        findings += link_findings(targets, results)
    notes = []
    if not facts.facts:
        notes.append("no observed data: run `torchscape refresh`, or pass --observed, to judge activity")
    return AuditReport(
        data_file=display_path(landscape.data_file),
        items=len(landscape),
        now=request.now.date().isoformat(),
        findings=tuple(sort_findings(findings)),
        sources=tuple(facts.sources),
        online=request.online,
        notes=tuple(notes),
    )


#: The only fields `audit --fix` may change: links. Curation (`project:`, names, places) never.
FIXABLE_FIELDS = frozenset({"repo_url", "homepage_url", "extra.documentation_url"})


def fixes_of(report: AuditReport) -> list[Fix]:
    """The fixes that are facts, at most one per item and field (the first found wins)."""
    chosen: dict[tuple[str, str], Fix] = {}
    for finding in report.findings:
        if finding.fix is not None and finding.fix.field in FIXABLE_FIELDS:
            chosen.setdefault((finding.fix.item, finding.fix.field), finding.fix)
    return list(chosen.values())
