"""Logo files: missing, unused, oversized, or carrying content a browser could run or fetch.

`build` sanitises every logo before it reaches a page, so an unsafe file never harms the site;
the audit reports it so that the file in the catalog gets cleaned too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from torchscape.audit.findings import AuditCode, Finding
from torchscape.catalog.model import Landscape

#: A logo tile is drawn a few dozen pixels wide; past this size a file is an auto-traced or
#: embedded-bitmap drawing that every visitor pays for.
MAX_LOGO_BYTES = 200 * 1024
_UNSAFE_SVG: tuple[tuple[str, re.Pattern[bytes]], ...] = (
    ("a <script> element", re.compile(rb"<\s*(?:[a-z0-9_-]+:)?script\b", re.I)),
    ("an event handler attribute", re.compile(rb"\son[a-z]+\s*=", re.I)),
    ("a <foreignObject> (embedded HTML)", re.compile(rb"<\s*(?:[a-z0-9_-]+:)?foreignObject\b", re.I)),
    ("an entity declaration", re.compile(rb"<!ENTITY", re.I)),
    ("a javascript: URL", re.compile(rb"javascript\s*:", re.I)),
    ("a reference to another site", re.compile(rb"""href\s*=\s*["']\s*(?:https?:)?//""", re.I)),
)


def logo_checks(landscape: Landscape) -> Iterator[Finding]:
    folder = landscape.logos_path
    if folder is None or not folder.is_dir():
        return
    used: dict[str, list[str]] = {}
    for item in landscape:
        used.setdefault(item.logo, []).append(item.id)
        if not (folder / item.logo).is_file():
            yield Finding(
                AuditCode.LOGO_MISSING,
                item.id,
                item.name,
                "logo",
                f"logo file {item.logo} is not in {folder.name}/",
                (("logo", item.logo),),
                line=item.line_of("logo"),
            )
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        yield from _file_checks(path, relative, used.get(relative, []))


def _file_checks(path: Path, relative: str, users: list[str]) -> Iterator[Finding]:
    size = path.stat().st_size
    users_text = ", ".join(users)
    if not users:
        yield _file_finding(AuditCode.LOGO_UNUSED, relative, "no item uses this file", [])
        return
    if size > MAX_LOGO_BYTES:
        message = f"{size // 1024} KiB (more than {MAX_LOGO_BYTES // 1024} KiB)"
        yield _file_finding(AuditCode.LOGO_OVERSIZED, relative, message, [("used by", users_text)])
    if path.suffix.lower() == ".svg":
        reasons = [why for why, pattern in _UNSAFE_SVG if pattern.search(path.read_bytes())]
        if reasons:
            message = "contains " + ", ".join(reasons) + " (build strips it; clean the file)"
            yield _file_finding(AuditCode.LOGO_UNSAFE, relative, message, [("used by", users_text)])


def _file_finding(code: AuditCode, relative: str, message: str, evidence: list[tuple[str, str]]) -> Finding:
    return Finding(code, "", relative, "logo", message, (("file", relative), *evidence))
