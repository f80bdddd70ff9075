"""`torchscape build`: the catalog in, a static site out. `build_site` lists every stage in order."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from torchscape.catalog.loader import check
from torchscape.catalog.model import Item, Landscape
from torchscape.catalog.urls import scheme_of
from torchscape.catalog.validate_data import logo_path_problem
from torchscape.errors import CatalogError, UsageError, printable
from torchscape.paths import Sources, display_path
from torchscape.relations import relate
from torchscape.site import NO_SETTINGS_NOTE, incremental, pages
from torchscape.site.datasets import write_datasets
from torchscape.site.feed import feed_text
from torchscape.site.logos import LogoProcessor, ProcessedLogo
from torchscape.site.model import SiteModel, base_url, site_model, site_title, with_upstream_descriptions
from torchscape.site.relation_pages import write_relation_pages
from torchscape.site.reuse import write_reuse_files
from torchscape.site.shipped import without_comments
from torchscape.site.theme import theme_css
from torchscape.site.writer import SiteWriter
from torchscape.sources.observed import Thresholds, load_observed
from torchscape.sources.settings_images import (
    cached_image,
    image_files,
    image_urls,
    read_image_file,
    url_stem,
)

#: Static files, dependencies before the modules that import them (imports are rewritten to the
#: content-hashed names).
STATIC_FILES = (
    "site.css",
    "search.js",
    "filters.js",
    "gradual.js",
    "explorer.js",
    "compare.js",
    "reuse.js",
    "site.js",
    "embed.css",
    "embed.js",
)
#: Stylesheets that start with the landscape's theme (its colours, from the settings): each page
#: loads one stylesheet.
THEMED = ("site.css", "embed.css")
DEV_FILES = ("reload.js",)


@dataclass(frozen=True, slots=True)
class BuildRequest:
    """What to build, where, and how."""

    sources: Sources
    output_dir: Path
    cache_dir: Path | None = None
    dev: bool = False  # serve mode: adds the live-reload script
    force: bool = False  # build even when nothing changed since the last build (see `incremental`)


@dataclass(slots=True)
class BuildReport:
    """What a build produced, for the command's summary and for tests."""

    output_dir: Path
    items: int = 0
    pages: int = 0
    files: int = 0
    changed: int = 0  # files written; a rebuild into the same folder writes only what changed
    unchanged: bool = False  # nothing changed since the last build: nothing was rendered
    bytes: int = 0
    seconds: float = 0.0
    placeholders: list[str] = field(default_factory=list)
    #: why each of `placeholders` got a monogram (empty for a build found unchanged)
    logo_problems: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    landscape: Landscape | None = None

    def summary(self) -> str:
        size = self.bytes / 1_000_000
        if self.unchanged:
            output = printable(str(self.output_dir))
            return (
                f"nothing changed since the last build of {output}: {self.items} items, "
                f"{self.pages} pages, {self.files} files ({size:.1f} MB); checked in {self.seconds:.2f} s"
            )
        return (
            f"built {self.items} items: {self.pages} pages, {self.files} files ({size:.1f} MB) "
            f"into {printable(str(self.output_dir))} in {self.seconds:.2f} s"
            + ("" if self.changed == self.files else f" ({self.changed} files changed)")
        )


def build_site(request: BuildRequest) -> BuildReport:
    """Build the whole site in memory, then put it in place (see `SiteWriter`)."""
    started = time.perf_counter()
    landscape = load_catalog(request.sources)  # 1. read and check the catalog (blocking -> stop)
    check_apart(request, landscape)  # 1a. the site's folder holds none of the inputs
    key = _fingerprint(request, landscape)  # 1b. nothing changed since the last build? then nothing to do
    previous = None if key is None or request.force else incremental.unchanged(*_place(request), key)
    if previous is not None:
        return _unchanged_report(request, landscape, previous, started)
    writer = SiteWriter(request.output_dir)  # 3. files are held until commit (the target checked)
    workers = pages.workers_for(len(landscape))  # decided before anything forks
    # 10. The feed and (5a) the relations are worked out on the other core of a large build,
    # which has nothing else to do until the pages are rendered.
    feed = _Forked(_feed_of, (landscape, request.cache_dir), fork=workers > 1)
    related: _Forked | None = None
    offloaded: pages.Offloaded | None = None
    try:
        observed = load_observed(landscape, request.cache_dir, thresholds(landscape))  # 2. cached facts
        # 2b. descriptions the catalog lacks, from upstream: the site shows `shown` from here
        shown, upstream = with_upstream_descriptions(landscape, observed)
        related = _Forked(relate, (shown, observed), fork=workers > 1)  # 5a. see above
        logos = write_logos(landscape, request, writer)  # 4. sanitised logos
        images, image_notes = write_settings_images(landscape, request, writer)  # 4b. fetched by refresh
        relations = related.result()  # 5a. alternatives, dependencies, torch versions
        # 5b. arrange groups, categories, tiles
        model = site_model(
            shown,
            logos.paths,
            observed,
            relations,
            logos.placeholders,
            logos.tiles,
            images,
            logos.sizes,
            upstream,
        )
        assets = write_static(landscape, writer, request.dev)  # 6. CSS and JS, hashed names
        parts = heavy_parts(shown, model, assets, workers)
        offloaded = pages.Offloaded(parts, workers, writer)  # 7. on other cores, if many
        writer.start_writing()  # nothing forks from here: a new site is written as it comes
        count = pages.write_pages(shown, model, assets, writer)  # 8. home, categories, guide, stats
        pages.write_crawler_files(shown, model, writer)  # 9. sitemap, robots, 404
        feed_text, feed_notes = feed.result()  # 10. the Atom feed of catalog changes
        writer.write("feed.xml", feed_text)
        count += offloaded.deliver(writer)  # 7, done: item, relation, embed pages, API, badges
        if request.cache_dir is not None:
            incremental.forget(*_place(request))
        writer.commit()  # 11. into place: only changed files (the old site stays until here)
    except BaseException:
        if offloaded is not None:
            offloaded.close()
        if related is not None:
            related.close()
        feed.close()
        writer.abort()
        raise
    report = BuildReport(
        output_dir=request.output_dir,
        items=len(landscape),
        pages=count,
        files=len(writer.files),
        changed=writer.written,
        bytes=writer.total_bytes,
        seconds=time.perf_counter() - started,
        placeholders=list(logos.placeholders),
        logo_problems=logos.placeholders,
        notes=_settings_notes(landscape) + image_notes + feed_notes + writer.notes,
        landscape=landscape,
    )
    if key is not None and not writer.left:  # old files left over: the next build tries again
        record = incremental.Record(
            key, report.items, report.pages, report.bytes, list(logos.placeholders), report.notes
        )
        incremental.remember(*_place(request), record, list(writer.files))
    return report


class _Forked:
    """`function(*args)` called in a forked process from now on, its result (or exception)
    sent back through a pipe when asked for; or, without `fork`, called when asked for.

    A bare process and a pipe, not a pool: a pool's helper threads would make the build's own
    fork for the pages unsafe (`pages.workers_for` refuses to fork while other threads run).
    The child inherits `args` (nothing is pickled on the way there)."""

    def __init__(self, function: Callable[..., Any], args: tuple[Any, ...], fork: bool) -> None:
        self._call = functools.partial(function, *args)
        self._process: Any = None
        self._pipe: Any = None
        if not fork:
            return
        context = multiprocessing.get_context("fork")
        self._pipe, sender = context.Pipe(duplex=False)
        try:
            self._process = context.Process(target=_call_in_child, args=(self._call, sender), daemon=True)
            self._process.start()
        finally:
            sender.close()

    def result(self) -> Any:
        if self._process is None:
            return self._call()
        try:
            outcome, value = self._pipe.recv()
        except EOFError:
            raise RuntimeError("a process of the build ended without a result") from None
        finally:
            self.close()
        if outcome == "error":
            raise value
        return value

    def close(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._pipe.close()
            self._process = None


def _call_in_child(call: Callable[[], Any], sender: Any) -> None:
    pages.quiet_worker()
    try:
        sender.send(("ok", call()))
    except BaseException as exc:  # handed to the parent, which raises it
        sender.send(("error", exc))
    finally:
        sender.close()


def _settings_notes(landscape: Landscape) -> list[str]:
    notes = [NO_SETTINGS_NOTE] if landscape.settings is None else []
    if landscape.members_category_inferred:
        notes.append(
            f"the category '{landscape.members_category}' is read as the members' (organisations, not "
            "projects: no torch panel, badge or comparison, and never among projects' alternatives); "
            "set members_category in the settings to name another"
        )
    return notes


def _feed_of(landscape: Landscape, cache_dir: Path | None) -> tuple[str, list[str]]:
    """feed.xml's text, and notes for the build's summary."""
    settings = landscape.settings
    return feed_text(landscape, cache_dir, base_url(settings), site_title(settings))


def check_apart(request: BuildRequest, landscape: Landscape) -> None:
    """Refuse an output folder that holds an input of the build (the data, settings or guide
    file, the logos or the cache folder), or that lies in the logos or the cache folder, before
    anything is written: a site mixed with its own inputs would have them replaced by an update,
    or read its last build back in as input."""
    output = request.output_dir
    sources = request.sources
    inputs = (
        ("data file", sources.data_file),
        ("settings file", sources.settings_file),
        ("guide file", sources.guide_file),
        ("logos folder", landscape.logos_path),
        ("cache folder", request.cache_dir),
    )
    flag = {"cache folder": "--cache-dir", "logos folder": "--logos-path"}
    for what, path in inputs:
        if path is None:
            continue
        other = f" or {flag[what]}" if what in flag else ""
        if _within(path, output):
            raise UsageError(
                f"the {what} {_shown(path)} is inside the output folder {_shown(output)}: "
                f"keep the site apart from what it is built from (choose another --output-dir{other})"
            )
        if what in flag and _within(output, path):
            raise UsageError(
                f"the output folder {_shown(output)} is inside the {what} {_shown(path)}: "
                f"keep the site apart from what it is built from (choose another --output-dir{other})"
            )


def _shown(path: Path) -> str:
    return printable(display_path(path))


def _within(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or inside it, as written or once links are followed."""
    paths, folders = _spellings(path), _spellings(folder)
    return any(p.is_relative_to(f) for p in paths for f in folders)


def _spellings(path: Path) -> set[Path]:
    """`path` made absolute, as written and with its links followed (when they can be)."""
    spellings = {Path(os.path.abspath(path))}  # noqa: PTH100 (no links followed)
    with contextlib.suppress(OSError, RuntimeError):  # RuntimeError: a loop of links
        spellings.add(path.resolve())
    return spellings


def _place(request: BuildRequest) -> tuple[Path, Path]:
    assert request.cache_dir is not None
    return request.output_dir, request.cache_dir


def _fingerprint(request: BuildRequest, landscape: Landscape) -> str | None:
    if request.cache_dir is None:
        return None
    settings_file = request.sources.settings_file
    files = image_files(landscape.settings) if settings_file is not None else {}
    paths = [settings_file.parent / name for name in files.values()] if settings_file is not None else []
    return incremental.fingerprint(
        request.sources, request.output_dir, request.dev, request.cache_dir, paths, landscape.logos_path
    )


def _unchanged_report(
    request: BuildRequest, landscape: Landscape, previous: incremental.Record, started: float
) -> BuildReport:
    return BuildReport(
        output_dir=request.output_dir,
        items=previous.items,
        pages=previous.pages,
        files=len(previous.files),
        changed=0,
        unchanged=True,
        bytes=previous.bytes,
        seconds=time.perf_counter() - started,
        placeholders=previous.placeholders,
        notes=previous.notes,
        landscape=landscape,
    )


def heavy_parts(
    landscape: Landscape, model: SiteModel, assets: dict[str, str], workers: int
) -> list[pages.Task]:
    """The parts of a build worth other cores, longest first: relation pages (graph layout),
    the API files, badges and embeds, then the item pages in slices small enough to balance
    `workers` processes."""
    shares = 4 * workers if workers > 1 else 1
    return [
        functools.partial(write_relation_pages, landscape, model, assets),
        functools.partial(write_datasets, landscape, model),
        functools.partial(write_reuse_files, landscape, model, assets),
        *pages.item_page_tasks(landscape, model, assets, shares),
    ]


def write_settings_images(
    landscape: Landscape, request: BuildRequest, writer: SiteWriter
) -> tuple[dict[str, str], list[str]]:
    """The settings' images named by URL, from the copies `refresh` fetched into the cache, and
    those named by a path, from beside the settings file, processed as logos are (sanitised,
    re-encoded) and written under logos/: returns each one's path in the site (by
    `section.field`), and a note for each left out. Pages never load images from other sites."""
    paths: dict[str, str] = {}
    notes: list[str] = []
    processor = LogoProcessor(request.cache_dir)
    for key, url in image_urls(landscape.settings).items():
        data = cached_image(request.cache_dir, url)
        if data is None:
            notes.append(
                f"settings {key} is a URL ({url}); pages never load images from other sites, so it is "
                "left out until `torchscape refresh` fetches it into the cache"
            )
            continue
        logo = processor.process_data(data, key, key, key)  # named header-logo.<hash>.svg and so on
        if logo.placeholder:
            notes.append(f"settings {key} ({url}) is left out: {logo.problem}")
            continue
        paths[key] = f"logos/{logo.filename}"
        writer.write(paths[key], logo.data)
    settings_file = request.sources.settings_file
    files = image_files(landscape.settings) if settings_file is not None else {}
    for key, value in files.items():  # files of the landscape's repository, beside the settings
        data, why = read_image_file(settings_file.parent, value)  # type: ignore[union-attr]
        if data is not None:
            logo = processor.process_data(data, key, key, key)
            if not logo.placeholder:
                paths[key] = f"logos/{logo.filename}"
                writer.write(paths[key], logo.data)
                continue
            why = logo.problem or "not a usable image"
        notes.append(f"settings {key} ({value}) is left out: {why}")
    return paths, notes


def thresholds(landscape: Landscape) -> Thresholds:
    """The activity thresholds of the landscape's settings (`torchscape.activity`), or defaults."""
    settings = landscape.settings
    activity = settings.torchscape.activity if settings and settings.torchscape else None
    return Thresholds(activity.active_days, activity.dormant_days) if activity else Thresholds()


def load_catalog(sources: Sources) -> Landscape:
    """Load the catalog; blocking problems stop the build before anything is written."""
    files = (sources.data_file, sources.settings_file, sources.guide_file, sources.logos_path)
    result = check(*files)
    if result.landscape is None:  # refused: counted as validate counts (which looks into logos)
        raise CatalogError(check(*files, inspect_logos=True).problems)
    return result.landscape


class WrittenLogos(NamedTuple):
    """What `write_logos` put in the site."""

    paths: dict[str, str]  # item id -> its logo's path in the site
    tiles: dict[str, str]  # item id -> the logo its tiles show (a thumbnail of an SVG logo)
    placeholders: dict[str, str]  # item id -> why it got a monogram
    sizes: dict[str, int]  # path in the site -> bytes, for every logo file written


def write_logos(landscape: Landscape, request: BuildRequest, writer: SiteWriter) -> WrittenLogos:
    """Each item's logo, sanitised and content-hashed; a monogram where the file is unusable."""
    processor = LogoProcessor(request.cache_dir)
    folder = landscape.logos_path
    sources = logo_sources(landscape, folder) if folder is not None else {}
    if folder is not None and request.cache_dir is not None:
        found = {source for source in sources.values() if source is not None}
        _warm_cache(processor, found, request.cache_dir)
    paths: dict[str, str] = {}
    tiles: dict[str, str] = {}
    placeholders: dict[str, str] = {}  # item id -> why its logo could not be used
    written: dict[str, int] = {}
    shared: dict[Path, ProcessedLogo] = {}  # a real logo file used by several items: read once
    for item in landscape:
        source = sources.get(item.id)
        logo = shared.get(source) if source is not None else None
        by_url = logo_from_url(processor, item, request.cache_dir)
        if by_url is not None:
            logo = by_url
        elif logo is None and folder is not None and source is None:
            why = logo_path_problem(item.logo) or "resolves outside the logos folder"
            logo = processor.placeholder(item.name, item.id, why)
        elif logo is None:
            logo = processor.process(source, item.name, item.id)
            if source is not None and not logo.placeholder:
                shared[source] = logo
        if logo.placeholder:
            placeholders[item.id] = logo.problem or "no usable logo"
        relative = f"logos/{logo.filename}"
        if relative not in written:
            writer.write(relative, logo.data)
            written[relative] = len(logo.data)
        paths[item.id] = tiles[item.id] = relative
        if logo.thumbnail is not None:
            tiles[item.id] = f"logos/{logo.thumbnail[0]}"
            if tiles[item.id] not in written:
                writer.write(tiles[item.id], logo.thumbnail[1])
                written[tiles[item.id]] = len(logo.thumbnail[1])
    return WrittenLogos(paths, tiles, placeholders, written)


def logo_from_url(processor: LogoProcessor, item: Item, cache_dir: Path | None) -> ProcessedLogo | None:
    """For a logo given as an http(s) URL: the copy `refresh` fetched into the cache, processed,
    else a monogram saying so (whether or not there is a logos folder); None for a file name."""
    url = item.logo.strip()
    if scheme_of(url) not in ("http", "https"):
        return None
    fetched = cached_image(cache_dir, url)
    if fetched is None:
        return processor.placeholder(item.name, item.id, logo_path_problem(url) or "a URL")
    return processor.process_data(fetched, url_stem(url), item.name, item.id)


def logo_sources(landscape: Landscape, folder: Path) -> dict[str, Path | None]:
    """Each item's logo file, or None when it resolves outside the logos folder (a symbolic
    link, of the file or of a folder on its way, to somewhere else is not followed out)."""
    root = folder.resolve()
    by_name: dict[str, Path | None] = {}  # items share files: each name is resolved once
    for item in landscape:
        if item.logo in by_name:
            continue
        path = None
        if not logo_path_problem(item.logo):  # a URL (reported as logo-url), an absolute path ...
            path = folder / PurePosixPath(item.logo)
            try:
                if not path.resolve().is_relative_to(root):
                    path = None
            except (OSError, RuntimeError):  # a symlink loop
                path = None
        by_name[item.logo] = path
    return {item.id: by_name[item.logo] for item in landscape}


def _warm_cache(processor: LogoProcessor, sources: set[Path], cache_dir: Path) -> None:
    """Process uncached logo files on every core first (the results land in the disk cache).
    Files with the same bytes (landscapes keep copies under several names) are processed once."""
    unique: dict[str, Path] = {}
    for path in sorted(p for p in sources if p.is_file()):
        key = processor.work_key(path)
        if key is not None:
            unique.setdefault(key, path)
    todo = list(unique.values())
    workers = min(os.cpu_count() or 1, 8)
    if len(todo) < 8 or workers < 2:
        return
    # Biggest files first, one at a time: a few multi-megabyte logos take most of the time, and
    # started last they would keep one core busy while the others wait.
    todo.sort(key=lambda path: (-path.stat().st_size, path))
    with ProcessPoolExecutor(max_workers=workers, initializer=pages.quiet_worker) as pool:
        list(pool.map(_process_into_cache, [(cache_dir, path) for path in todo], chunksize=1))


def _process_into_cache(job: tuple[Path, Path]) -> None:
    cache_dir, path = job
    LogoProcessor(cache_dir).process(path, path.stem, path.stem)


def write_static(landscape: Landscape, writer: SiteWriter, dev: bool) -> dict[str, str]:
    """Static assets under content-hashed names; returns name -> path in the site."""
    assets: dict[str, str] = {}
    folder = resources.files("torchscape.site") / "static"
    names = STATIC_FILES + (DEV_FILES if dev else ())
    theme = theme_css(landscape.settings).encode("utf-8")
    for name in names:
        text = folder.joinpath(name).read_text("utf-8")
        data = without_comments(text, script=name.endswith(".js")).encode("utf-8")
        for done, path in assets.items():
            data = data.replace(f'"./{done}"'.encode(), f'"./{path.removeprefix("static/")}"'.encode())
        if name in THEMED:
            data = theme + b"\n" + data
        assets[name] = _hashed(writer, name, data)
    return assets


def _hashed(writer: SiteWriter, name: str, data: bytes) -> str:
    stem, _, suffix = name.rpartition(".")
    relative = f"static/{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{suffix}"
    writer.write(relative, data)
    return relative


__all__ = ["BuildReport", "BuildRequest", "SiteModel", "build_site", "load_catalog"]
