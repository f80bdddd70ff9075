"""The three forms of an audit report: text (terminal), JSON (stable, for tools) and markdown
(ready to paste into an issue or a pull-request comment).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from torchscape.audit.findings import GROUPS, AuditCode, Finding, counts
from torchscape.errors import Severity, capped_warnings, left_out_lines, printable_json
from torchscape.mdtext import md_code, md_inert

JSON_VERSION = 1
MAX_VALUE = 300  # characters of one evidence value shown in text and markdown


@dataclass(frozen=True, slots=True)
class AuditReport:
    """Everything one audit found, and what it was judged against."""

    data_file: str
    items: int
    now: str  # ISO date
    findings: tuple[Finding, ...]
    sources: tuple[str, ...] = ()
    online: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> str:
        found = counts(self.findings)
        kinds = Counter(str(f.code) for f in self.findings)
        by_kind = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
        head = f"{found[Severity.ERROR]} error(s), {found[Severity.WARNING]} warning(s)"
        return head + (f" ({by_kind})" if by_kind else "")


def _short(text: str) -> str:
    """One line, without control characters (fetched text could carry terminal escapes), shortened."""
    text = "".join(ch if ch.isprintable() else " " for ch in " ".join(text.split()))
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


# --- text -----------------------------------------------------------------------------------


def to_text(report: AuditReport, everything: bool = False) -> str:
    """The report for a terminal: every finding, or with warnings capped per kind
    (`capped_warnings`, as `validate` does) unless `everything` (`--all`)."""
    lines = [f"audit of {report.data_file}: {report.items} items, as of {report.now}"]
    lines += [f"observed data: {source}" for source in report.sources] or ["observed data: none"]
    if not report.online:
        lines.append("links: not checked (add --online)")
    lines += [f"note: {note}" for note in report.notes]
    unreachable = [f for f in report.findings if f.code is AuditCode.LINK_UNREACHABLE]
    listed = [f for f in report.findings if f.code is not AuditCode.LINK_UNREACHABLE]
    left_out: Counter[str] = Counter()
    if not everything:
        listed, left_out = capped_warnings(listed)
    for item in listed:
        lines += _text_finding(item, report.data_file)
    lines += left_out_lines(left_out)
    if unreachable:
        lines.append(f"could not be reached ({len(unreachable)}):")
        for item in unreachable:
            lines += _text_finding(item, report.data_file)
    lines.append(f"audit: {report.summary()}")
    return "\n".join(lines) + "\n"


def _text_finding(item: Finding, data_file: str) -> list[str]:
    place = f"{data_file}:{item.line}" if item.line else f"logo {item.name}"
    who = f"{item.name} › {item.field}" if item.item else item.field
    lines = [f"{_short(place)}: {item.severity}: {_short(who)}: {_short(item.message)} [{item.code}]"]
    for label, value in item.evidence:
        lines.append(f"    {_short(label)}: {_short(value)}")
    if item.fix is not None:
        lines.append(f"    fix: {item.fix.field}: {_short(item.fix.old)} -> {_short(item.fix.new)}")
    return lines


# --- JSON -----------------------------------------------------------------------------------


def to_json(report: AuditReport) -> str:
    found = counts(report.findings)
    document = {
        "version": JSON_VERSION,
        "data_file": report.data_file,
        "items": report.items,
        "now": report.now,
        "online": report.online,
        "sources": list(report.sources),
        "summary": {
            "errors": found[Severity.ERROR],
            "warnings": found[Severity.WARNING],
            "by_code": dict(sorted(Counter(str(f.code) for f in report.findings).items())),
        },
        "findings": [f.to_json() for f in report.findings],
    }
    return printable_json(document, indent=2) + "\n"


# --- markdown -------------------------------------------------------------------------------


def md_escape(text: str) -> str:
    """Plain text for GitHub markdown (no markup, HTML, mentions, references), shortened."""
    return md_inert(_short(text))


def to_markdown(report: AuditReport) -> str:
    found = counts(report.findings)
    lines = [
        "### torchscape audit",
        "",
        f"{report.items} items in {md_escape(report.data_file)}, as of {report.now}"
        + ("" if report.online else " (links not checked: run with --online)")
        + ".",
        "",
        f"**{found[Severity.ERROR]} error(s), {found[Severity.WARNING]} warning(s)**",
        "",
    ]
    lines += _md_table(report.findings)
    for title, codes in GROUPS:
        group = [f for f in report.findings if f.code in codes]
        if group:
            lines += ["", f"<details><summary>{title} ({len(group)})</summary>", ""]
            lines += [row for f in group for row in _md_finding(f)]
            lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _md_table(findings: tuple[Finding, ...]) -> list[str]:
    if not findings:
        return ["Nothing to report."]
    kinds = Counter(f.code for f in findings)
    rows = ["| severity | kind | findings |", "| --- | --- | ---: |"]
    for code in AuditCode:
        if kinds[code]:
            severity = next(f.severity for f in findings if f.code is code)
            rows.append(f"| {severity} | `{code}` | {kinds[code]} |")
    return rows


def _md_finding(item: Finding) -> list[str]:
    who = f"**{md_escape(item.name)}**" + (f" › {md_escape(item.field)}" if item.field else "")
    lines = [f"- {item.severity} `{item.code}` {who}: {md_escape(item.message)}"]
    for label, value in item.evidence:
        lines.append(f"  - {md_escape(label)}: {md_escape(value)}")
    if item.fix is not None:
        lines.append(f"  - fix: {md_code(item.fix.old)} → {md_code(item.fix.new)}")
    return lines


FORMATTERS = {"text": to_text, "json": to_json, "markdown": to_markdown}
