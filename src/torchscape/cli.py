"""The `torchscape` command: parse flags, call one function per command, map errors to exit codes.

Exit codes: 0 success; 1 the input has problems (or a command failed); 2 usage errors; 130 when
interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from torchscape import __version__
from torchscape.catalog.loader import check
from torchscape.catalog.model import Landscape
from torchscape.errors import Problem, Severity, TorchscapeError, UsageError
from torchscape.paths import Sources, display_path, resolve_sources
from torchscape.schema import KINDS, dumps

Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return handler(args)
    except TorchscapeError as exc:
        print(f"torchscape: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("torchscape: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `torchscape validate | head`
        return 1


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
        "--format", choices=("text", "json"), default="text", help="output format"
    )
    validate.set_defaults(handler=cmd_validate)

    schema = commands.add_parser(
        "schema",
        help="write the JSON Schema of the data (or settings, guide) file",
        description="Write a JSON Schema so editors (yaml-language-server) check fields.",
    )
    schema.add_argument("--kind", choices=KINDS, default="data", help="which file (default: data)")
    schema.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    schema.set_defaults(handler=cmd_schema)
    return parser


def add_source_flags(parser: argparse.ArgumentParser) -> None:
    """The landscape2 input flags shared by every command that reads a landscape."""
    group = parser.add_argument_group("input (landscape2 flag names)")
    group.add_argument(
        "--data-file",
        help="landscape.yml (default: ./landscape.yml, else the bundled PyTorch landscape)",
    )
    group.add_argument(
        "--settings-file", help="settings.yml (default: settings.yml beside the data file)"
    )
    group.add_argument("--guide-file", help="guide.yml (default: guide.yml beside the data file)")
    group.add_argument(
        "--logos-path", help="logos folder (default: hosted_logos/ or logos/ beside the data file)"
    )


def sources_from(args: argparse.Namespace) -> Sources:
    return resolve_sources(args.data_file, args.settings_file, args.guide_file, args.logos_path)


def cmd_validate(args: argparse.Namespace) -> int:
    sources = sources_from(args)
    result = check(sources.data_file, sources.settings_file, sources.guide_file, sources.logos_path)
    problems = result.problems
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    if args.format == "json":
        print(json.dumps([p.to_json() for p in problems], indent=2, ensure_ascii=False))
    else:
        if sources.bundled:
            print("validating the bundled PyTorch landscape (no landscape.yml in this folder)")
        for problem in problems:
            print(_colour(problem))
        print(_summary(sources, result.landscape, errors, warnings))
    failed = errors > 0 or (args.strict and warnings > 0)
    return 1 if failed else 0


def _summary(sources: Sources, landscape: object, errors: int, warnings: int) -> str:
    files = [
        display_path(p) for p in (sources.data_file, sources.settings_file, sources.guide_file) if p
    ]
    count = f"{len(landscape)} items, " if isinstance(landscape, Landscape) else ""
    verdict = "valid" if errors == 0 else "not valid"
    return f"{verdict}: {count}{errors} error(s), {warnings} warning(s) in {', '.join(files)}"


def _colour(problem: Problem) -> str:
    text = problem.format()
    if not sys.stdout.isatty():
        return text
    colour = "31" if problem.severity is Severity.ERROR else "33"
    label = str(problem.severity)
    return text.replace(f": {label}: ", f": \x1b[{colour}m{label}\x1b[0m: ", 1)


def cmd_schema(args: argparse.Namespace) -> int:
    text = dumps(args.kind)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print(f"wrote the {args.kind} schema to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
