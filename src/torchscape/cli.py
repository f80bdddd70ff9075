"""The `torchscape` command: parse flags, call one function per command, map errors to exit codes.

Exit codes: 0 success; 1 the input has problems (or a command failed); 2 usage errors; 130 when
interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import multiprocessing
import os
import shlex
import shutil
import signal
import stat
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from torchscape import __version__
from torchscape.catalog import FILE_KINDS
from torchscape.errors import (
    SHOWN_PER_KIND,
    CatalogError,
    Code,
    Problem,
    Severity,
    TorchscapeError,
    UsageError,
    capped_warnings,
    left_out_lines,
    printable,
    printable_json,
)
from torchscape.paths import Sources, display_path, resolve_sources
from torchscape.site import NO_SETTINGS_NOTE

if TYPE_CHECKING:
    from torchscape.catalog.fixes import Fix
    from torchscape.catalog.model import Landscape
    from torchscape.refresh import Client
    from torchscape.site.build import BuildReport, BuildRequest

# Each command imports the modules it needs (the catalog's pydantic models, the site's Jinja,
# Pillow and networkx, ...) when it runs: `--help` imports none of them, `validate` none of the
# site's (tests/test_cli.py checks the first).

Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    previous = _end_on_sigterm()
    try:
        return handler(args)
    except TorchscapeError as exc:
        # (paths and values from the command line are in some messages: no terminal escapes)
        text = "\n".join(printable(line) for line in str(exc).split("\n"))
        print(f"torchscape: error: {text}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("torchscape: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `torchscape validate | head`
        return 1
    except OSError as exc:  # a file the system refused (read-only, full, not a folder): one line
        from torchscape.outputs import os_reason

        where = f"{printable(str(exc.filename))}: " if exc.filename is not None else ""
        print(f"torchscape: error: {where}{os_reason(exc)}", file=sys.stderr)
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _end_on_sigterm() -> Any:
    """SIGTERM (a CI job cancelled, `timeout`) ends a command at once, but first removes what a
    build was writing (its staging folder) rather than leaving it behind, and ends the build's
    worker processes. (Not by unwinding as Ctrl-C does: `timeout` signals the whole process group,
    and a worker that dies holding its pool's lock would keep the pool's shutdown waiting.)
    Processes forked from this one die of it as before."""
    own = os.getpid()

    def terminate(signum: int, frame: object) -> None:
        if os.getpid() != own:  # a forked worker: the default, ending at once
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        for child in multiprocessing.active_children():
            child.kill()
        writer = sys.modules.get("torchscape.site.writer")  # no build started: nothing staged
        for folder in list(writer.STAGING_FOLDERS if writer else ()):
            shutil.rmtree(folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            sys.stderr.write("torchscape: terminated\n")
            sys.stderr.flush()
        os._exit(128 + signal.SIGTERM)

    try:
        return signal.signal(signal.SIGTERM, terminate)  # the handler before, to put back
    except ValueError:  # not the main thread (main() called from a test's thread)
        return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="torchscape",
        description="Build and keep true a landscape of software projects (landscape2 format).",
    )
    parser.add_argument("--version", action="version", version=f"torchscape {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check a landscape's data, settings and guide files; report every problem",
        description="Check a landscape and report every problem at once, with its place.",
    )
    add_source_flags(validate)
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.add_argument(
        "--all",
        action="store_true",
        help=f"list every warning (by default, after {SHOWN_PER_KIND} of one kind, the rest are counted)",
    )
    validate.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    validate.set_defaults(handler=cmd_validate)

    build = commands.add_parser(
        "build",
        help="build the static site from a landscape",
        description="Build the landscape's static site (works on any static host, and with JS off).",
    )
    add_source_flags(build)
    build.add_argument("--output-dir", default="site", help="where the site goes (default: ./site)")
    build.add_argument(
        "--cache-dir", help="cache of observed data and processed logos (default: the user cache)"
    )
    build.add_argument(
        "--force",
        action="store_true",
        help="build even when nothing changed since the last build into this folder",
    )
    build.set_defaults(handler=cmd_build)

    serve = commands.add_parser(
        "serve",
        help="build and serve the site on 127.0.0.1, rebuilding and reloading on change",
        description="Serve the landscape locally; rebuild when its files change and reload open pages.",
    )
    add_source_flags(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port (default: 8000; 0: any free one)")
    serve.add_argument("--landscape-dir", help="serve this already built site as it is")
    serve.add_argument("--cache-dir", help="cache of observed data and processed logos")
    serve.set_defaults(handler=cmd_serve)

    refresh = commands.add_parser(
        "refresh",
        help="fetch observed data (GitHub, package index) and the settings' images into the cache",
        description=(
            "Fetch what GitHub and the package index say about each item into the cache, and the "
            "images the settings name by URL (header logo, favicon, link-preview picture)."
        ),
    )
    add_source_flags(refresh)
    refresh.add_argument("--cache-dir", help="cache folder (default: the user cache)")
    refresh.add_argument(
        "--only", choices=("github", "packages", "images"), help="fetch from one source only"
    )
    refresh.add_argument(
        "--max-age", default="24h", help="refetch only data older than this (default: 24h; 0 = all)"
    )
    refresh.add_argument("--index-url", help="the package index's simple API (default: pip's configuration)")
    refresh.set_defaults(handler=cmd_refresh)

    audit = commands.add_parser(
        "audit",
        help="report where the catalog and the world disagree (status, repositories, links, logos)",
        description="Audit a landscape against observed data (and, with --online, its links).",
    )
    add_source_flags(audit)
    audit.add_argument("--cache-dir", help="cache of observed data from refresh (default: the user cache)")
    audit.add_argument(
        "--observed",
        action="append",
        default=[],
        metavar="FILE",
        help="more observed data: an observed.jsonl, or a landscape.yml whose package names are "
        "matched to items by repository URL ('bundled': the bundled PyTorch landscape); repeatable",
    )
    audit.add_argument("--online", action="store_true", help="also check every link (HEAD, then GET)")
    audit.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="output format")
    audit.add_argument(
        "--all",
        action="store_true",
        help=f"text: list every warning (by default, after {SHOWN_PER_KIND} of a kind, the rest are counted)",
    )
    audit.add_argument(
        "--fail-on",
        choices=("error", "warning"),
        default="error",
        help="exit 1 when a finding is at least this severe (default: error)",
    )
    audit.add_argument("--now", help="the date to judge activity at, YYYY-MM-DD (default: today)")
    audit.add_argument(
        "--fix", action="store_true", help="write the fixes that are facts into the data file; print a diff"
    )
    audit.set_defaults(handler=cmd_audit)

    history = commands.add_parser(
        "history",
        help="export or import the observed-data history as JSON Lines",
        description="Move the cache's history to or from a plain JSON Lines file (e.g. kept in git).",
    )
    history.add_argument("action", choices=("export", "import"), help="export to FILE, or import from FILE")
    history.add_argument("file", type=Path, help="the JSON Lines file ('-' for stdout/stdin)")
    history.add_argument("--cache-dir", help="cache folder (default: the user cache)")
    history.set_defaults(handler=cmd_history)

    new = commands.add_parser(
        "new",
        help="create a small example landscape with a CI workflow",
        description="Create an example landscape (data, settings, guide, logos, CI workflow) in DIR.",
    )
    new.add_argument("directory", metavar="DIR", type=Path, help="a new or empty folder")
    new.set_defaults(handler=cmd_new)

    add = commands.add_parser(
        "add",
        help="add an item from a GitHub repository URL or a package name",
        description="Add an item: fill it from GitHub and the package index, place it, validate, write.",
    )
    add.add_argument("target", metavar="URL|PACKAGE", help="a GitHub repository URL or a package name")
    add.add_argument("--category", help="'Category / Subcategory' (default: the best suggestion)")
    add.add_argument("--name", help="the item's name (default: the repository's or package's name)")
    add_source_flags(add)
    add.add_argument("--cache-dir", help="cache folder: facts known offline, facts fetched are kept")
    add.add_argument("--offline", action="store_true", help="fetch nothing; use what is given and known")
    add.add_argument("--dry-run", action="store_true", help="print the diff; write nothing")
    add.add_argument("--index-url", help="the package index's simple API (default: pip's configuration)")
    add.set_defaults(handler=cmd_add)

    diff = commands.add_parser(
        "diff",
        help="list items added, removed, renamed, moved and changed between two catalogs",
        description="Compare two catalog files, or git revisions (REV or REV:path) of the data file.",
    )
    diff.add_argument("old", metavar="OLD", help="a catalog file, a git revision, or REV:path")
    diff.add_argument("new", metavar="NEW", help="a catalog file, a git revision, or REV:path")
    diff.add_argument(
        "--format", choices=("text", "markdown", "json"), default="text", help="output format (default: text)"
    )
    diff.add_argument("--data-file", help="the data file a bare REV refers to (default: ./landscape.yml)")
    diff.add_argument("--settings-file", help="settings.yml, for which statuses mean retired")
    diff.set_defaults(handler=cmd_diff)

    schema = commands.add_parser(
        "schema",
        help="write the JSON Schema of the data (or settings, guide) file",
        description="Write a JSON Schema so editors (yaml-language-server) check fields.",
    )
    schema.add_argument("--kind", choices=FILE_KINDS, default="data", help="which file (default: data)")
    schema.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    schema.set_defaults(handler=cmd_schema)

    export = commands.add_parser(
        "export",
        help="write a filtered selection of items as CSV, JSON or Parquet",
        description="Export items (the columns of items.csv), optionally filtered, to a file or stdout.",
    )
    add_source_flags(export)
    export.add_argument("--format", choices=("csv", "json", "parquet"), default="csv", help="default: csv")
    export.add_argument(
        "-o", "--output", type=Path, help="write to this file (default: stdout; not for parquet)"
    )
    export.add_argument("--category", help="only items listed in this category (name or id)")
    export.add_argument("--subcategory", help="only items listed in this subcategory (name or id)")
    export.add_argument(
        "--status",
        action="append",
        default=[],
        help="only items with this curation status (repeatable; 'none')",
    )
    export.add_argument("--query", help="only items whose text contains every word of this")
    export.set_defaults(handler=cmd_export)

    poster = commands.add_parser(
        "poster",
        help="draw the whole landscape as one printable SVG (PNG/PDF with Chromium)",
        description="Draw a printable poster of the landscape: SVG, or PNG/PDF through headless Chromium.",
    )
    add_source_flags(poster)
    poster.add_argument("-o", "--output", type=Path, help="the file to write (default: poster.FORMAT)")
    poster.add_argument("--format", choices=("svg", "png", "pdf"), help="default: from --output, else svg")
    poster.add_argument("--cache-dir", help="cache of processed logos (default: the user cache)")
    poster.set_defaults(handler=cmd_poster)
    return parser


def add_source_flags(parser: argparse.ArgumentParser) -> None:
    """The landscape2 input flags shared by every command that reads a landscape."""
    group = parser.add_argument_group("input (landscape2 flag names)")
    group.add_argument(
        "--data-file",
        help="landscape.yml (default: ./landscape.yml, else the bundled PyTorch landscape)",
    )
    group.add_argument("--settings-file", help="settings.yml (default: settings.yml beside the data file)")
    group.add_argument("--guide-file", help="guide.yml (default: guide.yml beside the data file)")
    group.add_argument(
        "--logos-path", help="logos folder (default: hosted_logos/ or logos/ beside the data file)"
    )


def sources_from(args: argparse.Namespace) -> Sources:
    return resolve_sources(args.data_file, args.settings_file, args.guide_file, args.logos_path)


def cmd_validate(args: argparse.Namespace) -> int:
    from torchscape.catalog.loader import check
    from torchscape.catalog.model import Landscape

    sources = sources_from(args)
    result = check(
        sources.data_file, sources.settings_file, sources.guide_file, sources.logos_path, inspect_logos=True
    )
    problems = result.problems
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    if args.format == "json":
        print(printable_json([p.to_json() for p in problems], indent=2))
    else:
        if sources.bundled:
            print("validating the bundled PyTorch landscape (no landscape.yml in this folder)")
        for line in _listed(problems, everything=args.all):
            print(line)
        landscape = result.landscape if isinstance(result.landscape, Landscape) else None
        if landscape is not None and landscape.logos_path is None:
            print(f"note: logo files not checked: {NO_LOGOS_FOLDER}")
        if landscape is not None and (note := _all_logos_missing(landscape, problems)):
            print(f"note: {note}")
        if landscape is not None and landscape.settings is None:
            print(f"note: {NO_SETTINGS_NOTE}")
        if isinstance(result.landscape, Landscape) and (note := _unlabelled_statuses(result.landscape)):
            print(f"note: {note}")
        blocking = [p for p in problems if p.blocking]
        print(_summary(sources, result.landscape, errors, warnings, args.strict, blocking))
    failed = errors > 0 or (args.strict and warnings > 0)
    return 1 if failed else 0


def _listed(problems: Sequence[Problem], everything: bool) -> list[str]:
    """The text lines of `validate`: every problem, or with warnings capped per kind
    (`capped_warnings`) unless `everything`."""
    if everything:
        return [_colour(problem) for problem in problems]
    kept, left_out = capped_warnings(problems)
    return [_colour(problem) for problem in kept] + left_out_lines(left_out)


def _all_logos_missing(landscape: Landscape, problems: Sequence[Problem]) -> str | None:
    """A hint when no item's logo file is in the logos folder: the folder is likely not the
    one they are in (each missing file is its own error above)."""
    data_file = landscape.data_file.name
    missing = sum(1 for p in problems if p.code is Code.LOGO_MISSING and p.file.endswith(data_file))
    if landscape.logos_path is None or missing < 10 or missing < len(landscape):
        return None
    return (
        f"none of the {missing} logo files is in {display_path(landscape.logos_path)}: "
        "is --logos-path the folder they are in?"
    )


def _unlabelled_statuses(landscape: Landscape) -> str | None:
    """A hint for a landscape whose settings say nothing of its curation statuses (`project:`
    values), which are then shown as written: `archived` beside a repository's own state reads
    as a dead project (Pyro and PyTorch3D on the public PyTorch Landscape)."""
    settings = landscape.settings.torchscape if landscape.settings else None
    if settings is not None and settings.statuses:
        return None
    # Values that featured_items already labels are shown with that label.
    counts = Counter(
        item.status.value for item in landscape if item.status and item.status.value not in landscape.statuses
    )
    if not counts:
        return None
    shown = ", ".join(f"{printable(value)}: {n}" for value, n in sorted(counts.items()))
    return (
        f"curation statuses are shown as written ({shown}); to say what they mean in this landscape, "
        "give them labels under torchscape.statuses in the settings, as in "
        '`archived: {label: "Retired from the ecosystem", retired: true}` (docs/settings.md)'
    )


#: Why no logo can be read (validate notes it; build says it is why tiles show monograms).
NO_LOGOS_FOLDER = (
    "no logos folder: hosted_logos/ or logos/ beside the data file (not a link to outside its "
    "folder), or --logos-path"
)


def _summary(
    sources: Sources,
    landscape: object,
    errors: int,
    warnings: int,
    strict: bool = False,
    blocking: Sequence[Problem] = (),
) -> str:
    from torchscape.catalog.model import Landscape

    given = (sources.data_file, sources.settings_file, sources.guide_file)
    files = [printable(display_path(p)) for p in given if p]
    count = f"{len(landscape)} items, " if isinstance(landscape, Landscape) else ""
    if errors:
        verdict = "not valid"
    elif strict and warnings:
        verdict = "not valid under --strict (warnings count)"
    else:
        verdict = "valid"
    # Errors without a blocking one (a missing logo file, a logo URL): `build` still builds;
    # with some, where they are: among many errors, those are the ones to fix first.
    builds = " (none stops `build`)" if errors and isinstance(landscape, Landscape) else ""
    if blocking:
        builds = f" ({len(blocking)} stop{'s' if len(blocking) == 1 else ''} `build`: {_places(blocking)})"
    return f"{verdict}: {count}{errors} error(s){builds}, {warnings} warning(s) in {', '.join(files)}"


def _places(problems: Sequence[Problem], limit: int = 5) -> str:
    """`landscape.yml:329, 412` (at most `limit` lines, each once, then how many more lines),
    file by file."""
    places = list(dict.fromkeys((problem.file or "?", problem.line) for problem in problems))
    lines: dict[str, list[int]] = {}
    for file, line in places[:limit]:
        lines.setdefault(file, []).append(line)
    shown = "; ".join(f"{file}:{', '.join(map(str, numbers))}" for file, numbers in lines.items())
    return shown + (f" and {len(places) - limit} more" if len(places) > limit else "")


def _colour(problem: Problem) -> str:
    text = problem.format()
    if not sys.stdout.isatty():
        return text
    colour = "31" if problem.severity is Severity.ERROR else "33"
    label = str(problem.severity)
    return text.replace(f": {label}: ", f": \x1b[{colour}m{label}\x1b[0m: ", 1)


def _port(text: str) -> int:
    """A TCP port number, 0 to 65535 (argparse turns the refusal into a usage error)."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"'{printable(text[:20])}' is not a port number (0 to 65535)")
    return port


def cache_dir(value: str | None) -> Path:
    """The cache folder: as given, else the user's cache directory for torchscape. A path that
    exists and is not a folder is refused (a build would otherwise go on without its cache, and
    say nothing)."""
    if value:
        folder = Path(value)
    else:
        from platformdirs import user_cache_path

        folder = user_cache_path("torchscape", appauthor=False)
    if folder.exists() and not folder.is_dir():
        flag = "--cache-dir " if value else "the cache folder "
        raise UsageError(f"{flag}{folder} is not a folder")
    return folder


def _build_request(args: argparse.Namespace, output: Path, dev: bool = False) -> BuildRequest:
    from torchscape.site.build import BuildRequest

    sources = sources_from(args)
    force = bool(getattr(args, "force", False))
    return BuildRequest(sources, output, cache_dir(args.cache_dir), dev=dev, force=force)


def _print_refusal(exc: CatalogError, where: str, what: str = "build") -> None:
    """The problems that refuse it, and how many others there are (`validate` lists those:
    printed here too, 160 missing logos hid the one line that stopped the build)."""
    blocking = [p for p in exc.problems if p.blocking]
    for problem in blocking:
        print(_colour(problem), file=sys.stderr)
    errors = sum(1 for p in exc.problems if p.severity is Severity.ERROR and not p.blocking)
    warnings = sum(1 for p in exc.problems if p.severity is not Severity.ERROR)
    others = f" ({errors} other error(s) and {warnings} warning(s): `torchscape validate` lists them)"
    print(
        f"{what} refused: {len(blocking)} blocking problem(s){others if errors or warnings else ''}; {where}",
        file=sys.stderr,
    )


def _loaded(sources: Sources, what: str, where: str) -> Landscape | None:
    """The checked catalog; None (each blocking problem printed, as build does) when refused."""
    from torchscape.site.build import load_catalog

    try:
        return load_catalog(sources)
    except CatalogError as exc:
        _print_refusal(exc, where, what=what)
        return None


def cmd_build(args: argparse.Namespace) -> int:
    from torchscape.site.build import build_site

    request = _build_request(args, Path(args.output_dir))
    if request.sources.bundled:
        print("building the bundled PyTorch landscape (no landscape.yml in this folder)")
    try:
        report = build_site(request)
    except CatalogError as exc:
        _print_refusal(exc, f"{args.output_dir} is untouched")
        return 1
    except OSError as exc:  # the disk, not the catalog: full, read-only, a name it refuses
        where = f" ({printable(str(exc.filename))})" if exc.filename else ""
        where += "".join(f"; {printable(note)}" for note in getattr(exc, "__notes__", ()))  # the site's state
        print(f"torchscape: error: could not write the site: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    print(report.summary())
    _print_build_notes(report)
    return 0


def _print_build_notes(report: BuildReport) -> None:
    """What a build has to say besides its summary: notes, the catalog's problems that did not
    stop it, the items shown with a monogram."""
    for note in report.notes:
        print(f"note: {printable(note)}")
    landscape = report.landscape
    if landscape is not None and landscape.problems:
        errors, warnings = len(landscape.errors), len(landscape.warnings)
        print(
            f"note: the catalog has {errors} error(s) and {warnings} warning(s) that do not stop a build; "
            "`torchscape validate` lists them"
        )
    if report.placeholders:
        no_folder = landscape is not None and landscape.logos_path is None
        if no_folder or not report.logo_problems:
            why = f" ({NO_LOGOS_FOLDER})" if no_folder else ""
            print(f"{len(report.placeholders)} item(s) show a monogram instead of their logo{why}")
        else:
            print(f"{len(report.placeholders)} item(s) show a monogram instead of their logo:")
            shown = sorted(report.logo_problems.items())
            for item_id, problem in shown[:10]:
                print(f"  {printable(item_id)}: {problem}")
            if len(shown) > 10:
                print(f"  ... and {len(shown) - 10} more")


def cmd_serve(args: argparse.Namespace) -> int:
    from torchscape import serve
    from torchscape.site.build import build_site

    if args.landscape_dir:
        folder = Path(args.landscape_dir)
        if not (folder / "index.html").is_file():
            raise UsageError(f"{folder} has no index.html; build it first or drop --landscape-dir")
        server = serve.make_server(folder, args.host, args.port, None)
        return serve.serve_forever(server, f"serving {folder}")
    with serve.temporary_site() as output:
        request = _build_request(args, output, dev=True)
        what = "the bundled PyTorch landscape" if request.sources.bundled else str(request.sources.data_file)
        try:
            report = build_site(request)
        except CatalogError as exc:
            _print_refusal(exc, "nothing to serve yet")
            return 1
        print(report.summary().replace(f" into {printable(str(output))}", ""))
        _print_build_notes(report)
        state = serve.ReloadState()
        server = serve.make_server(output, args.host, args.port, state)
        stop = threading.Event()
        sources = request.sources
        watched = [p for p in (sources.data_file, sources.settings_file, sources.guide_file) if p]
        logos = report.landscape.logos_path if report.landscape else None
        serve.watch_and_rebuild(
            [*watched, *([logos] if logos else [])], lambda: _rebuild(request), state, stop
        )
        try:
            return serve.serve_forever(server, f"serving {what}")
        finally:
            stop.set()


def _rebuild(request: BuildRequest) -> None:
    from torchscape.site.build import build_site

    report = build_site(request)
    print(f"rebuilt in {report.seconds:.2f} s", flush=True)


def cmd_refresh(args: argparse.Namespace) -> int:
    import os

    from torchscape.refresh import parse_duration, refresh
    from torchscape.sources.facts import utc_now

    max_age = parse_duration(args.max_age)  # a typo is told before the catalog is even read
    sources = sources_from(args)
    landscape = _loaded(sources, "refresh", "nothing fetched")
    if landscape is None:
        return 1
    factories = _source_factories(args, dict(os.environ))
    if args.only:
        factories = {args.only: factories[args.only]} if args.only in factories else {}
    folder = cache_dir(args.cache_dir)
    now = utc_now()
    with _progress() as progress:
        summaries = refresh(landscape, folder, factories, max_age=max_age, now=now, progress=progress)
    for summary in summaries:
        print(summary.line())
    images_got, images_failed = 0, 0
    if args.only in (None, "images"):
        images_got, images_failed = _refresh_settings_images(landscape, folder, max_age, now)
    print(f"cache: {printable(str(folder))}")
    failed = any(s.failed for s in summaries) or images_failed
    got = any(s.fetched or s.unchanged for s in summaries) or images_got
    return 1 if failed and not got else 0


def _refresh_settings_images(
    landscape: Landscape, folder: Path, max_age: datetime.timedelta, now: datetime.datetime
) -> tuple[int, int]:
    """Fetch the settings' images and the items' logos named by URL into the cache and print a
    line for each kind; returns how many are there (fetched or fresh) and how many failed."""
    from torchscape.sources.http import make_client
    from torchscape.sources.settings_images import fetch_images, image_urls, logo_urls

    kinds = (
        ("settings images", image_urls(landscape.settings)),
        ("logos given as URLs", logo_urls(landscape)),
    )
    there = failed = 0
    for what, urls in kinds:
        if not urls:
            continue
        with make_client(timeout=20.0, max_connections=2) as client:
            fetched, fresh, failures = fetch_images(urls, folder, client, max_age=max_age, now=now)
        line = f"{what}: {len(urls)} wanted, {fetched} fetched, {fresh} unchanged"
        print(line + (f", {len(failures)} failed" if failures else ""))
        for failure in failures:
            print(f"  {printable(failure)}")
        there, failed = there + fetched + fresh, failed + len(failures)
    return there, failed


def _source_factories(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Callable[[], Client | str]]:
    def github() -> Client | str:
        from torchscape.sources.github import GitHubClient, endpoint_from_env, tokens_from_env

        tokens = tokens_from_env(env)
        if not tokens:
            return (
                "no GitHub token: set GITHUB_TOKEN (or GITHUB_TOKENS, comma-separated) "
                "to fetch stars, commits and releases"
            )
        try:
            return GitHubClient(endpoint_from_env(env), tokens)
        except ValueError as exc:  # the endpoint or a token in the environment cannot be one
            raise UsageError(str(exc)) from exc

    def packages() -> Client | str:
        from torchscape.sources.packages import PackageIndexClient, index_url_problem, resolve_index_url

        index_url, origin = resolve_index_url(args.index_url, env)
        if problem := index_url_problem(index_url):
            raise UsageError(f"the package index from {origin} {problem}: {printable(repr(index_url))}")
        print(f"package index: {printable(index_url)} (from {origin})", file=sys.stderr)
        return PackageIndexClient(index_url)

    return {"github": github, "packages": packages}


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress bar on a terminal (stderr); nothing when output is redirected."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(source: str, done: int, total: int) -> None:
            if source not in tasks:
                tasks[source] = bar.add_task(source, total=total)
            bar.update(tasks[source], completed=done, total=total)

        yield update


def cmd_audit(args: argparse.Namespace) -> int:
    from torchscape.audit import AuditRequest, fixes_of, run_audit
    from torchscape.audit.findings import exit_code
    from torchscape.audit.report import FORMATTERS, to_text

    request = AuditRequest(
        sources=sources_from(args),
        cache_dir=cache_dir(args.cache_dir),
        now=_parse_now(args.now),
        observed=tuple(args.observed),
        online=args.online,
    )
    try:
        report = run_audit(request)
    except CatalogError as exc:
        _print_refusal(exc, "nothing audited", what="audit")
        return 1
    text = args.format == "text"
    sys.stdout.write(to_text(report, everything=args.all) if text else FORMATTERS[args.format](report))
    findings = list(report.findings)
    if args.fix:
        diff_stream = sys.stdout if args.format == "text" else sys.stderr
        applied = _apply_fixes(request.sources.data_file, fixes_of(report), diff_stream)
        findings = [f for f in findings if f.fix is None or f.fix not in applied]
    return exit_code(findings, args.fail_on)


def _parse_now(value: str | None) -> datetime.datetime:
    from torchscape.sources.facts import utc_now

    if value is None:
        return utc_now()
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(f"--now '{value}' is not a date like 2026-11-22") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _apply_fixes(data_file: Path, fixes: list[Fix], diff_stream: TextIO) -> list[Fix]:
    """Write the fixes into the data file (round-trip editing); print the diff; return those applied.

    The diff goes to `diff_stream` (stdout after a text report; stderr when stdout holds JSON or markdown).
    """
    from torchscape.catalog.roundtrip import apply_fixes

    if not fixes:
        print("fix: nothing to fix", file=sys.stderr)
        return []
    result = apply_fixes(data_file, fixes, write=True)
    diff_stream.write(result.diff)
    for fix, why in result.skipped:
        print(f"fix: skipped {fix.item} {fix.field}: {why}", file=sys.stderr)
    print(f"fix: applied {len(result.applied)} fix(es) to {display_path(data_file)}", file=sys.stderr)
    return list(result.applied)


def cmd_history(args: argparse.Namespace) -> int:
    from torchscape.sources.cache import FILE_NAME, Cache, read_lines

    folder = cache_dir(args.cache_dir)
    if args.action == "export":
        if str(args.file) != "-":  # what is wrong with the command line first, then the cache
            _check_export_target(args.file, folder)
        if not (folder / FILE_NAME).is_file():  # a mistyped --cache-dir: nothing, over the history
            shown = printable(str(folder))
            raise UsageError(f"there is no cache in {shown} (check --cache-dir); nothing was written")
        if str(args.file) == "-":
            with Cache.open(folder, readonly=True) as cache:
                count = cache.export_jsonl(sys.stdout)
        else:
            count = _export_history(args.file, folder)
        print(f"exported {count} snapshot(s)", file=sys.stderr)
        return 0
    bad: list[str] = []
    if str(args.file) == "-":
        source: TextIO = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="surrogateescape")
    else:
        source = _open_for_import(args.file)
    with source, Cache.open(folder) as cache:
        lines = read_lines(source, "standard input" if str(args.file) == "-" else str(args.file))
        count = cache.import_jsonl(lines, lambda n, why: bad.append(f"{args.file}:{n}: {why}"))
    for line in bad:
        print(f"skipped {line}", file=sys.stderr)
    print(f"imported {count} snapshot(s)", file=sys.stderr)
    return 1 if bad else 0


def _check_export_target(file: Path, folder: Path) -> None:
    """Refuses, before anything is read or written, a `history export` file that cannot be one:
    a folder, the cache's own database, a file of the landscape in the working folder
    (`history export landscape.yml`)."""
    from torchscape.outputs import check_output, landscape_files
    from torchscape.sources.cache import FILE_NAME

    database = folder / FILE_NAME
    kept = [
        *landscape_files(resolve_sources(None, None, None, None), history=False),
        *(("the cache's database", database.with_name(database.name + end)) for end in ("", "-wal", "-shm")),
    ]
    check_output(file, "history export", kept)


def _export_history(file: Path, folder: Path) -> int:
    """Write the cache's history to `file` whole (a temporary file, then a rename); returns how
    many snapshots (`file` checked by `_check_export_target`)."""
    from torchscape.outputs import os_reason, replacing
    from torchscape.sources.cache import Cache

    with Cache.open(folder, readonly=True) as cache:
        try:
            with replacing(file) as raw:
                out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
                count = cache.export_jsonl(out)
                out.flush()
                out.detach()  # `replacing` closes the file itself, after syncing it
        except OSError as exc:
            raise UsageError(f"cannot write {printable(str(file))}: {os_reason(exc)}") from exc
    return count


def _open_for_import(path: Path) -> TextIO:
    """The history file to import, open for reading: a regular file of at most
    `MAX_HISTORY_BYTES`. It is opened without waiting and checked once open, so a named pipe
    (which would wait for a writer) or a device (`/dev/zero` never ends) is refused, not read."""
    from torchscape.outputs import os_reason
    from torchscape.sources.cache import MAX_HISTORY_BYTES

    shown = printable(str(path))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise UsageError(f"cannot read {shown}: {os_reason(exc)}") from exc
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UsageError(f"{shown} is a folder: give a JSON Lines file ('-' reads standard input)")
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(
                f"{shown} is not a regular file (a pipe or a device): give a JSON Lines file "
                "('-' reads standard input)"
            )
        if info.st_size > MAX_HISTORY_BYTES:
            raise UsageError(
                f"{shown} is larger than {MAX_HISTORY_BYTES // 1024**3} GiB: not a history torchscape "
                "wrote; nothing was imported"
            )
        os.set_blocking(fd, True)
        # An open file, not a path, is what was checked; errors="surrogateescape": Cache.import_jsonl
        return open(fd, encoding="utf-8", errors="surrogateescape")  # noqa: PTH123
    except BaseException:
        os.close(fd)
        raise


def cmd_add(args: argparse.Namespace) -> int:
    import os

    from torchscape import add
    from torchscape.catalog.ids import item_id
    from torchscape.site.build import load_catalog
    from torchscape.sources.facts import utc_now

    target = add.parse_target(args.target)
    sources = sources_from(args)
    if sources.bundled:
        raise UsageError("no landscape.yml here: give --data-file (the bundled landscape is not edited)")
    try:
        landscape = load_catalog(sources)
    except CatalogError as exc:
        _print_refusal(exc, "fix them first; nothing was written", what="add")
        return 1
    folder = cache_dir(args.cache_dir)
    env = dict(os.environ)
    github: Any = None
    index: Any = None
    if not args.offline:
        factories = _source_factories(args, env)
        github, index = factories["github"](), factories["packages"]()
    gathered = add.gather(
        target,
        github=github,
        index=index,
        known=add.known_facts(folder, sources.data_file.parent),
        name_hint=args.name,
    )
    notes = list(gathered.notes)
    logos = add.logos_folder(sources, landscape)
    name = args.name
    fields = add.item_fields(target, gathered, name=name, logo="", notes=notes)
    fields["logo"] = add.logo_name(logos, item_id(str(fields["name"])) or "logo")
    duplicate = add.duplicate_of(landscape, fields)
    if duplicate:
        raise add.AlreadyListed(f"{duplicate}; nothing was written")
    topics = gathered.repo.topics if gathered.repo else ()
    placement = add.place(landscape, fields, args.category, topics)
    if placement.suggested:
        print("suggested places (give --category to choose another):")
        for rank, (label, score) in enumerate(placement.suggestions, 1):
            print(f"  {rank}. {printable(label)}  (score {score:.2f})")
        print(f"using the first: {printable(f'{placement.category} / {placement.subcategory}')}")
    for note in notes:
        print(f"note: {printable(note)}", file=sys.stderr)
    try:
        result = add.add_item(sources, landscape, fields, placement, logos, dry_run=args.dry_run)
    except CatalogError as exc:
        _print_refusal(
            exc, "the catalog with the new item does not validate; nothing was written", what="add"
        )
        return 1
    if not args.dry_run and (gathered.repo or gathered.package) and not args.offline:
        add.store(folder, gathered, utc_now())
    for warning in result.warnings:
        print(warning)
    if args.dry_run:
        sys.stdout.write(result.diff)
    print(add.outcome(result, sources.data_file))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from torchscape.catalog import diff

    cwd = Path.cwd()
    data_file = Path(args.data_file) if args.data_file else cwd / "landscape.yml"
    settings = Path(args.settings_file) if args.settings_file else data_file.parent / "settings.yml"
    if args.settings_file and not settings.is_file():
        raise UsageError(f"settings file not found: {settings}")
    old_name, old_text = diff.revision_text(args.old, data_file, cwd)
    new_name, new_text = diff.revision_text(args.new, data_file, cwd)
    problems: list[str] = []
    changes = diff.diff_landscapes(
        diff.read_entries(old_text, old_name, problems),
        diff.read_entries(new_text, new_name, problems),
        retired=diff.retired_statuses(settings, given=bool(args.settings_file)),
    )
    for problem in problems:  # e.g. a key given twice: the first value was compared
        print(f"warning: {printable(problem)} (the diff reads the first value)", file=sys.stderr)
    sys.stdout.write(diff.FORMATS[args.format](changes))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from torchscape.new import create_example

    written = create_example(args.directory)
    print(f"created an example landscape in {printable(str(args.directory))} ({len(written)} files)")
    folder = str(args.directory)
    folder = f"./{folder}" if folder.startswith("-") else folder  # else `cd` takes it for an option
    print(f"next: cd {printable(shlex.quote(folder))} && torchscape serve")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from torchscape.outputs import check_output, landscape_files, write_output
    from torchscape.schema import dumps

    text = dumps(args.kind)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    # No input flags: the files in use are those of the landscape in the working folder.
    check_output(args.output, "--output", landscape_files(resolve_sources(None, None, None, None)))
    write_output(args.output, text)
    print(f"wrote the {args.kind} schema to {printable(str(args.output))}", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from torchscape.export import Selection, render, select
    from torchscape.outputs import check_output, landscape_files, write_output

    if args.format == "parquet" and args.output is None:
        raise UsageError("--format parquet writes binary data: give --output FILE")
    sources = sources_from(args)
    if args.output is not None:
        check_output(args.output, "--output", landscape_files(sources))
    landscape = _loaded(sources, "export", "nothing exported")
    if landscape is None:
        return 1
    selection = Selection(args.category, args.subcategory, tuple(args.status), args.query)
    items = select(landscape, selection)
    data = render(items, args.format)
    if args.output is None:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
    else:
        write_output(args.output, data)
    print(f"exported {len(items)} of {len(landscape)} item(s)", file=sys.stderr)
    return 0


def cmd_poster(args: argparse.Namespace) -> int:
    from torchscape.outputs import check_output, landscape_files, real_path, write_output
    from torchscape.poster import format_for, poster_svg, render_with_chromium

    fmt = format_for(args.output, args.format)
    output = args.output or Path(f"poster.{fmt}")
    sources = sources_from(args)
    check_output(output, "--output", landscape_files(sources))  # before the drawing, not after
    landscape = _loaded(sources, "poster", "nothing drawn")
    if landscape is None:
        return 1
    logos = landscape.logos_path
    if logos is not None and real_path(output).is_relative_to(real_path(logos)):  # a logo it draws
        raise UsageError(
            f"--output {printable(str(output))} is in the logos folder the poster reads: choose another place"
        )
    svg = poster_svg(landscape, cache_dir(args.cache_dir))
    if fmt == "svg":
        write_output(output, svg)
    else:
        render_with_chromium(svg, fmt, output)
    print(f"wrote a poster of {len(landscape)} items to {printable(str(output))}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
