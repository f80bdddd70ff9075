"""Helpers for built-site tests: build a site, walk its HTML, resolve its links."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from torchscape.paths import Sources, resolve_sources
from torchscape.site.build import BuildReport, BuildRequest, build_site


def build(
    data: Path | None,
    out: Path,
    cache: Path,
    *,
    settings: Path | None = None,
    guide: Path | None = None,
    logos: Path | None = None,
    cwd: Path | None = None,
    force: bool = False,
) -> BuildReport:
    sources = resolve_sources(
        str(data) if data else None,
        str(settings) if settings else None,
        str(guide) if guide else None,
        str(logos) if logos else None,
        cwd=cwd,
    )
    return build_site(BuildRequest(sources, out, cache, force=force))


def bundled_sources(empty_dir: Path) -> Sources:
    return resolve_sources(None, None, None, None, cwd=empty_dir)


class LinkParser(HTMLParser):
    """Collects href/src values, inline scripts and style attributes of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.inline_scripts: list[str] = []
        self.style_attributes = 0
        self._in_script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            value = values.get(name)
            if value is not None:
                self.links.append(value)
        if "style" in values:
            self.style_attributes += 1
        if tag == "script":
            self._in_script = values.get("type") or "text/javascript"
            if "src" not in values:
                self.inline_scripts.append(self._in_script)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


def parse(page: Path) -> LinkParser:
    parser = LinkParser()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def unresolved_links(site: Path) -> list[str]:
    """Every local href/src of every HTML page that does not lead to a file of the site."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":
            continue
        for link in parse(page).links:
            target = _local_target(site, page, link)
            if target is not None and not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
    return broken


def _local_target(site: Path, page: Path, link: str) -> Path | None:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith(("#", "data:", "mailto:")):
        return None
    base = PurePosixPath(page.relative_to(site).as_posix()).parent
    joined = PurePosixPath(*(base / unquote(parts.path)).parts)
    resolved: list[str] = []
    for part in joined.parts:
        if part == "..":
            if not resolved:
                return site / "__outside__"
            resolved.pop()
        elif part != ".":
            resolved.append(part)
    target = site.joinpath(*resolved)
    if parts.path.endswith("/") or parts.path == "" or target.is_dir():
        target = target / "index.html"
    return target


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def graph_boxes(svg: str, link: str) -> dict[str, tuple[int, int]]:
    """A graph drawing's boxes: item id -> the top left corner (columns are groups moved across)."""
    found: dict[str, tuple[int, int]] = {}
    x = 0
    pattern = (
        rf'<g transform="translate\((\d+)\)">|<a href="{re.escape(link)}([^/]+)/"[^>]*>.*?<rect y="(\d+)"'
    )
    for match in re.finditer(pattern, svg):
        if match[1]:
            x = int(match[1])
        else:
            found[match[2]] = (x, int(match[3]))
    return found
