"""The HTML pages, sitemap, robots.txt and 404 page of a site."""

from __future__ import annotations

import functools
import multiprocessing
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape

from torchscape.catalog.ids import claim, normalize_name
from torchscape.catalog.model import Item, Landscape
from torchscape.catalog.raw import GuideCategory
from torchscape.site.markdown import first_paragraph, to_html
from torchscape.site.model import SiteModel, item_words
from torchscape.site.related import CompareTables, item_relations
from torchscape.site.render import render
from torchscape.site.stats import charts
from torchscape.site.writer import Collector, FileSink, FolderSink, SiteWriter

_DESCRIPTION_LIMIT = 160


@dataclass(frozen=True, slots=True)
class Page:
    """Where a page lives (`path` is the folder, '' for the home page) and what it is about."""

    path: str
    title: str
    description: str

    @property
    def root(self) -> str:
        """The relative link from this page to the site root."""
        return "../" * len([p for p in self.path.split("/") if p])

    @property
    def file(self) -> str:
        return f"{self.path}index.html" if self.path else "index.html"


def item_page_tasks(
    landscape: Landscape, model: SiteModel, assets: dict[str, str], shares: int
) -> list[Task]:
    """The item pages, in `shares` tasks (items share::shares each) for `Offloaded`."""
    tables = CompareTables(landscape, model, "../../")  # item pages are at projects/<id>/
    job: _Job = (landscape, model, _common(landscape, model, assets), tables)
    return [functools.partial(_write_item_pages, job, share, shares) for share in range(shares)]


def _write_item_pages(job: _Job, share: int, shares: int, writer: FileSink) -> int:
    items = list(job[0])[share::shares]
    for item in items:
        writer.write(*_item_page(item, job))
    return len(items)


def write_pages(landscape: Landscape, model: SiteModel, assets: dict[str, str], writer: SiteWriter) -> int:
    """Write every HTML page but the item pages (`item_page_tasks`); returns how many."""
    common = _common(landscape, model, assets)
    count = 0
    one, many = item_words(landscape.settings)
    listed = f"{len(landscape)} {one if len(landscape) == 1 else many}"
    home = Page("", model.title, f"A map of the {model.foundation} ecosystem: {listed}.")
    _write(writer, "index.html", home, common)
    count += 1
    sections = _guide_sections(landscape)
    guide_ids = {section.id for section in sections}
    for category in model.categories:
        summary = _category_summary(category.name, landscape)
        page = Page(f"categories/{category.id}/", f"{category.name} · {model.title}", summary)
        guide = _guide_for(landscape, category.name, guide_ids)
        _write(writer, "category.html", page, common, category=category, guide=guide)
        count += 1
    if sections:
        page = Page("guide/", f"Guide · {model.title}", f"How to find your way around the {model.title}.")
        _write(writer, "guide.html", page, common, sections=sections)
        count += 1
    stats = Page("stats/", f"Stats · {model.title}", f"The {model.title} in numbers.")
    _write(writer, "stats.html", stats, common, charts=charts(landscape, model))
    count += 1
    about = Page(
        "about/",
        f"About · {model.title}",
        f"What the {model.title} shows and where its data comes from.",
    )
    _write(writer, "about.html", about, common)
    return count + 1


def _item_page(item: Item, job: _Job) -> tuple[str, bytes]:
    landscape, model, common, tables = job
    page = Page(f"projects/{item.id}/", f"{item.name} · {model.title}", _summary(item))
    html = render(
        "item.html",
        page=page,
        root=page.root,
        **common,
        item=item,
        observed=model.observed.get(item.id),
        **item_relations(item, landscape, model, tables),
        json_ld=_json_ld(item, model),
    )
    return page.file, html.encode("utf-8")


#: From this many items on, the heavy parts of a build (item pages, relation pages, badges and
#: embeds, API files) are rendered on every core: forked workers inherit the model, so nothing
#: but the finished files crosses between processes. Measured on 2 cores (warm builds, A/B,
#: medians of 5): 40 items 0.17 s either way, 100 items 0.36 -> 0.28 s, the real PyTorch
#: landscape (188) 0.64 -> 0.54 s and its cold build 3.93 -> 3.53 s, the bundled one (328)
#: 1.85 -> 1.34 s.
PARALLEL_FROM = 100
WORKERS = min(os.cpu_count() or 1, 8)
#: A part of a build that may run in a worker: it writes its files and returns how many pages.
Task = Callable[[FileSink], int]
_Job = tuple[Landscape, SiteModel, dict[str, Any], CompareTables]
_tasks: list[Task] | None = None
_folder: Path | None = None
_live: Path | None = None


class Offloaded:
    """Parts of a build rendered by `workers` forked processes (`workers_for`), started at once
    while the build goes on in this process; `deliver()` hands their files to the writer. With
    one worker the parts run in `deliver()` itself."""

    def __init__(self, tasks: Sequence[Task], workers: int, writer: SiteWriter) -> None:
        global _tasks, _folder, _live
        self._tasks = list(tasks)
        self._pool: Any = None
        self._results: Any = None
        if workers < 2:
            return
        # A new site: the workers write into its staging folder themselves (nothing to send back).
        # An update in place: they send back only the files that differ from the live site's.
        _tasks, _folder, _live = self._tasks, writer.staging_folder(), writer.live_folder()
        try:  # the workers are forked here, with `_tasks`, `_folder` and `_live` set
            self._pool = multiprocessing.get_context("fork").Pool(workers, initializer=quiet_worker)
        finally:
            _tasks, _folder, _live = None, None, None
        # One task at a time, in the order given (put the longest first).
        self._results = self._pool.map_async(_run_task, range(len(self._tasks)), chunksize=1)

    def deliver(self, writer: SiteWriter) -> int:
        """Every file of every part in the writer (in the parts' order); returns how many pages."""
        if self._pool is None:
            return sum(task(writer) for task in self._tasks)
        try:
            results = self._results.get()
        finally:
            self.close()
        count = 0
        for files, pages in results:
            for relative, data in files:
                if isinstance(data, int):
                    writer.written_elsewhere(relative, data)
                else:
                    writer.write(relative, data)
            count += pages
        return count

    def close(self) -> None:
        """Stop the workers (a failed build does not wait for them)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


def _run_task(index: int) -> tuple[list[tuple[str, bytes | int]] | list[tuple[str, int]], int]:
    """One part, in a worker: its files written into the staging folder (their sizes sent
    back), or, when the site is updated in place, the files that differ from the live site's
    sent back (and the sizes of those that do not)."""
    assert _tasks is not None  # set by the parent before it forked
    if _folder is not None:
        sink = FolderSink(_folder)
        return sink.files, _tasks[index](sink)
    collector = Collector(_live)
    return collector.files, _tasks[index](collector)


def workers_for(count: int) -> int:
    """How many processes render the parts of a build of `count` items (1: this process)."""
    if count < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    # Forking is only safe while no other thread may hold a lock (`serve` builds in a thread).
    return WORKERS if threading.active_count() == 1 else 1


def _write(writer: FileSink, template: str, page: Page, common: dict[str, Any], **extra: Any) -> None:
    writer.write(page.file, render(template, page=page, root=page.root, **common, **extra))


def write_crawler_files(landscape: Landscape, model: SiteModel, writer: SiteWriter) -> None:
    """sitemap.xml and robots.txt (when the site's URL is known), and the 404 page."""
    base = model.base_url
    relations = model.relations
    optional = {"guide/": bool(_guide_sections(landscape)), "graph/": relations.has_dependencies}
    optional["torch/"] = relations.has_torch
    paths = ["", "stats/", "about/", "compare/"] + [path for path, shown in optional.items() if shown]
    paths += [f"categories/{c.id}/" for c in model.categories]
    paths += [f"projects/{i.id}/" for i in landscape]
    if base:
        urls = "".join(f"<url><loc>{escape(base + '/' + p)}</loc></url>\n" for p in paths)
        sitemap = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
        writer.write("sitemap.xml", sitemap)
        writer.write("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n")
    else:
        writer.write("robots.txt", "User-agent: *\nAllow: /\n")
    absolute_root = _site_path(urlsplit(base).path) if base else "/"
    page = Page("", f"Not found · {model.title}", "This page does not exist.")
    common = _common(landscape, model, _assets_from(writer))
    writer.write("404.html", render("404.html", page=page, root=absolute_root, **common))


def _site_path(path: str) -> str:
    """The site's path on its host as the 404 page's links start with it ("/", "/a/b/"): its
    segments percent-encoded, empty ones dropped, so that no spelling can make it name another
    host ("//host", "/\\host", a tab between two slashes, which browsers drop)."""
    segments = [quote(segment, safe="-._~!$&'()*+,;=:@%") for segment in path.split("/") if segment]
    return "/" + "".join(f"{segment}/" for segment in segments)


def quiet_worker() -> None:
    """In a worker process of the build: Ctrl-C in a terminal reaches the whole process group;
    the build's own process handles it (and ends its workers), each worker would print a
    traceback of its own. And the worker dies with the process that made it (Linux): on SIGTERM
    the build kills the workers it knows and ends, but a pool replaces a worker that the same
    SIGTERM ended, and the replacement, never signalled, waited forever on the pool's queue lock
    that a killed worker held (found in CI: an orphan `torchscape build` left after the test of a
    terminated build)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()


def _die_with_parent() -> None:
    """Ask the kernel for SIGKILL when the process (thread) that made this one ends; end at once
    if it has ended already. Where prctl is not there (not Linux), nothing is done."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent ended before the request was made
        os._exit(1)


#: prctl's option for the signal a process gets when its parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG: Final = 1


def _assets_from(writer: SiteWriter) -> dict[str, str]:
    found = {}
    for relative in writer.files:
        if relative.startswith("static/"):
            name = relative.removeprefix("static/")
            stem, _, rest = name.partition(".")
            found[f"{stem}.{rest.rpartition('.')[2]}"] = relative
    return found


def _common(landscape: Landscape, model: SiteModel, assets: dict[str, str]) -> dict[str, Any]:
    settings = landscape.settings
    footer = settings.footer if settings else None
    header = settings.header if settings else None
    return {
        "site": model,
        "assets": assets,
        "statuses": landscape.statuses,
        "footer_html": to_html(footer.text) if footer and footer.text else "",
        "motd_html": to_html(header.motd) if header and header.motd else "",
        "footer_links": sorted(
            (_SERVICES.get(k, k.capitalize()), v)
            for k, v in (footer.links.model_dump() if footer and footer.links else {}).items()
            if v
        ),
        "github_url": header.links.github if header and header.links else None,
        "corrections_url": settings.torchscape.corrections_url if settings and settings.torchscape else None,
        "has_guide": bool(landscape.guide and landscape.guide.categories),
        "item_count": len(landscape),
        "words": item_words(landscape.settings),
        "torch_shown": model.relations.has_torch,
        "graph_shown": model.relations.has_dependencies,
    }


def _summary(item: Item) -> str:
    text = item.description or f"{item.name}, listed under {item.category} / {item.subcategory}."
    return text if len(text) <= _DESCRIPTION_LIMIT else text[: _DESCRIPTION_LIMIT - 1].rsplit(" ", 1)[0] + "…"


def _category_summary(name: str, landscape: Landscape) -> str:
    count = len(landscape.items_in(name))
    one, many = item_words(landscape.settings)
    return f"{count} {one if count == 1 else many} in {name}."


def _json_ld(item: Item, model: SiteModel) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "SoftwareSourceCode" if item.repo_url else "Thing",
        "name": item.name,
        "url": item.homepage_url,
    }
    if item.description:
        data["description"] = item.description
    if item.repo_url:
        data["codeRepository"] = item.repo_url
    if item.license:
        data["license"] = f"https://spdx.org/licenses/{item.license}.html"
    if model.base_url:
        data["mainEntityOfPage"] = f"{model.base_url}/projects/{item.id}/"
    return data


#: The footer's links (landscape2's `footer.links` keys) by the names their services go by.
_SERVICES: Final = {
    "github": "GitHub",
    "linkedin": "LinkedIn",
    "wechat": "WeChat",
    "youtube": "YouTube",
    "twitter": "X (Twitter)",
}


@dataclass(frozen=True, slots=True)
class GuideSection:
    """A guide chapter or section, its sanitised HTML, and the items it is about."""

    title: str
    id: str
    html: str
    level: int
    items: tuple[Item, ...]


def _guide_sections(landscape: Landscape) -> list[GuideSection]:
    """The guide's chapters and sections in order, each with an id of its own (a name given
    twice, which validate warns about, or two names with the same slug get `-2`, `-3`...)."""
    sections: list[GuideSection] = []
    used: set[str] = set()
    for chapter in (landscape.guide.categories or ()) if landscape.guide else ():
        chapter_id = claim(f"guide-{_slug(chapter.category)}", used)
        sections.append(GuideSection(chapter.category, chapter_id, to_html(chapter.content or ""), 2, ()))
        for sub in chapter.subcategories or ():
            items = landscape.items_in(chapter.category, sub.subcategory)
            sub_id = claim(f"{chapter_id}--{_slug(sub.subcategory)}", used)
            sections.append(GuideSection(sub.subcategory, sub_id, to_html(sub.content), 3, items))
    return [replace(s, html=_guide_links(s.html, used, "")) for s in sections]


#: A link to an anchor of the page, in our own sanitised HTML (its quotes are escaped).
_ANCHOR_LINK: Final = re.compile(r'href="#([^"]+)"')


def _guide_links(html: str, ids: set[str], page: str) -> str:
    """Guide text's links to sections by landscape2's anchors (`#category--subcategory`), which
    our guide page prefixes with `guide-`, pointed at the sections (on `page`: the guide page,
    relative to where the text is shown, or "" on the guide page itself)."""

    def point(match: re.Match[str]) -> str:
        anchor = match.group(1)
        if page == "" and anchor in ids:
            return match.group(0)
        if f"guide-{anchor}" in ids:
            return f'href="{page}#guide-{anchor}"'
        return f'href="{page}#{anchor}"' if page and anchor in ids else match.group(0)

    return _ANCHOR_LINK.sub(point, html)


def _guide_for(landscape: Landscape, category: str, ids: set[str]) -> dict[str, str]:
    """Guide text for a category page: {'': chapter html, subcategory name: section html}."""
    found: dict[str, str] = {}
    chapter: GuideCategory | None = (
        next((c for c in (landscape.guide.categories or ()) if c.category == category), None)
        if landscape.guide
        else None
    )
    if chapter is None:
        return found
    if chapter.content:
        found[""] = _guide_links(to_html(chapter.content), ids, "../../guide/")
    for sub in chapter.subcategories or ():
        found.setdefault(sub.subcategory, first_paragraph(sub.content))
    return found


def _slug(text: str) -> str:
    return normalize_name(text) or "section"
