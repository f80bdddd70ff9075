"""What `audit` reports: findings, each with its item, evidence, severity and (for facts) a fix.

Severities are the problem vocabulary of `validate` (error, warning). Codes are stable: tools and
the JSON output match on them, and the README lists each one.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from torchscape.catalog.fixes import Fix
from torchscape.errors import Severity


class AuditCode(enum.StrEnum):
    """Stable identifiers of audit findings (documented in the README)."""

    # curation status against what is observed upstream
    RETIRED_BUT_ACTIVE = "retired-but-active"
    ARCHIVED_UPSTREAM = "archived-upstream"
    DORMANT = "dormant"
    # repositories
    REPO_RENAMED = "repo-renamed"
    REPO_GONE = "repo-gone"
    NOT_A_REPOSITORY = "not-a-repository"
    # links (--online)
    LINK_DEAD = "link-dead"
    LINK_MOVED = "link-moved"
    LINK_INSECURE = "link-insecure"
    LINK_UNREACHABLE = "link-unreachable"
    # logos
    LOGO_MISSING = "logo-missing"
    LOGO_UNUSED = "logo-unused"
    LOGO_OVERSIZED = "logo-oversized"
    LOGO_UNSAFE = "logo-unsafe"
    # duplicates and descriptions
    DUPLICATE_ITEM = "duplicate-item"
    DESCRIPTION_MISSING = "description-missing"
    DESCRIPTION_OUTDATED = "description-outdated"
    # packages
    PACKAGE_NOT_FOUND = "package-not-found"
    PACKAGE_OTHER_REPO = "package-other-repo"


#: The severity of each kind. Errors are things that are plainly wrong now; warnings ask a person.
SEVERITY: dict[AuditCode, Severity] = {
    AuditCode.RETIRED_BUT_ACTIVE: Severity.WARNING,
    AuditCode.ARCHIVED_UPSTREAM: Severity.ERROR,
    AuditCode.DORMANT: Severity.WARNING,
    AuditCode.REPO_RENAMED: Severity.WARNING,
    AuditCode.REPO_GONE: Severity.ERROR,
    AuditCode.NOT_A_REPOSITORY: Severity.WARNING,
    AuditCode.LINK_DEAD: Severity.ERROR,
    AuditCode.LINK_MOVED: Severity.WARNING,
    AuditCode.LINK_INSECURE: Severity.WARNING,
    AuditCode.LINK_UNREACHABLE: Severity.WARNING,
    AuditCode.LOGO_MISSING: Severity.ERROR,
    AuditCode.LOGO_UNUSED: Severity.WARNING,
    AuditCode.LOGO_OVERSIZED: Severity.WARNING,
    AuditCode.LOGO_UNSAFE: Severity.ERROR,
    AuditCode.DUPLICATE_ITEM: Severity.WARNING,
    AuditCode.DESCRIPTION_MISSING: Severity.WARNING,
    AuditCode.DESCRIPTION_OUTDATED: Severity.WARNING,
    AuditCode.PACKAGE_NOT_FOUND: Severity.ERROR,
    AuditCode.PACKAGE_OTHER_REPO: Severity.WARNING,
}

#: Section titles, in report order.
GROUPS: tuple[tuple[str, tuple[AuditCode, ...]], ...] = (
    (
        "Curation status against upstream",
        (AuditCode.RETIRED_BUT_ACTIVE, AuditCode.ARCHIVED_UPSTREAM, AuditCode.DORMANT),
    ),
    ("Repositories", (AuditCode.REPO_GONE, AuditCode.REPO_RENAMED, AuditCode.NOT_A_REPOSITORY)),
    ("Packages", (AuditCode.PACKAGE_NOT_FOUND, AuditCode.PACKAGE_OTHER_REPO)),
    ("Links", (AuditCode.LINK_DEAD, AuditCode.LINK_MOVED, AuditCode.LINK_INSECURE)),
    ("Links that could not be checked", (AuditCode.LINK_UNREACHABLE,)),
    (
        "Logos",
        (AuditCode.LOGO_MISSING, AuditCode.LOGO_UNSAFE, AuditCode.LOGO_OVERSIZED, AuditCode.LOGO_UNUSED),
    ),
    (
        "Duplicates and descriptions",
        (AuditCode.DUPLICATE_ITEM, AuditCode.DESCRIPTION_MISSING, AuditCode.DESCRIPTION_OUTDATED),
    ),
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the audit found. `item` is an item id ("" for findings about files, e.g. a logo)."""

    code: AuditCode
    item: str
    name: str
    field: str
    message: str
    evidence: tuple[tuple[str, str], ...] = ()  # (label, value): dates, URLs, HTTP statuses
    fix: Fix | None = None
    line: int = 0

    @property
    def severity(self) -> Severity:
        return SEVERITY[self.code]

    def sort_key(self) -> tuple[int, str, str, str, str]:
        order = list(AuditCode).index(self.code)
        return (order, self.item.lower(), self.name.lower(), self.field, self.message)

    def to_json(self) -> dict[str, object]:
        """The stable JSON form (see the README)."""
        fix = self.fix
        return {
            "code": str(self.code),
            "severity": str(self.severity),
            "item": self.item or None,
            "name": self.name,
            "line": self.line or None,
            "field": self.field or None,
            "message": self.message,
            "evidence": {label: value for label, value in self.evidence},
            "fix": None
            if fix is None
            else {"field": fix.field, "old": fix.old, "new": fix.new, "reason": fix.reason},
        }


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(set(findings), key=Finding.sort_key)


def counts(findings: Sequence[Finding]) -> Counter[Severity]:
    return Counter(f.severity for f in findings)


def exit_code(findings: Sequence[Finding], fail_on: str) -> int:
    """1 when a finding is at least as severe as `fail_on` ("error" or "warning"), else 0."""
    found = counts(findings)
    if found[Severity.ERROR]:
        return 1
    return 1 if fail_on == "warning" and found[Severity.WARNING] else 0
