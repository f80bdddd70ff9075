#!/usr/bin/env python3
"""Write a generated monogram logo for every item of a landscape.yml.

For each item, ``<logos-dir>/<item logo>`` is written with
``torchscape.site.monogram.monogram_svg(item name)`` unless the file already
exists (``--force`` rewrites it). Both landscape2 layouts are read: the
top-level ``landscape:`` list with legacy ``- category:`` / ``- item:`` null
keys, and the plain ``categories:`` list used by catalog fragments.

Usage:
    python scripts/make_catalog_logos.py [--data-file PATH] [--logos-dir DIR] [--force]

Exit status: 0 on success (items without a usable logo are reported and
skipped), 1 when the data file cannot be read or is not a landscape.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

try:
    from torchscape.site.monogram import monogram_svg
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from torchscape.site.monogram import monogram_svg

DEFAULT_DATA_FILE = Path(__file__).resolve().parents[1] / "src/torchscape/data/pytorch/landscape.yml"


class LandscapeError(Exception):
    """The data file cannot be read as a landscape."""


class SkipItem(Exception):
    """No monogram can be written for this item; the message says why."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-file", type=Path, default=DEFAULT_DATA_FILE, help="landscape.yml")
    parser.add_argument(
        "--logos-dir", type=Path, help="where logos go (default: logos/ next to the data file)"
    )
    parser.add_argument("--force", action="store_true", help="rewrite logos that already exist")
    return parser.parse_args(argv)


def load_categories(path: Path) -> list[Any]:
    """Return the list of categories of the landscape at ``path``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LandscapeError(f"{path}: cannot read: {exc}") from exc
    if isinstance(data, dict):
        for key in ("landscape", "categories"):
            if isinstance(data.get(key), list):
                return list(data[key])
    raise LandscapeError(f"{path}: no top-level 'landscape:' or 'categories:' list")


def _entries(parent: Any, key: str) -> list[dict[str, Any]]:
    """Return the mappings in ``parent[key]``, ignoring anything else."""
    children = parent.get(key) if isinstance(parent, dict) else None
    if not isinstance(children, list):
        return []
    return [child for child in children if isinstance(child, dict)]


def iter_items(categories: list[Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(path, item)`` for every item, path being "Category / Subcategory"."""
    for category in categories:
        if not isinstance(category, dict):
            continue
        for subcategory in _entries(category, "subcategories"):
            where = f"{category.get('name')} / {subcategory.get('name')}"
            for item in _entries(subcategory, "items"):
                yield where, item


def name_and_logo(item: dict[str, Any]) -> tuple[str, str]:
    """Return the item's name and logo file name, or raise SkipItem."""
    name, logo = item.get("name"), item.get("logo")
    if not isinstance(name, str) or not name.strip():
        raise SkipItem("item has no name")
    if not isinstance(logo, str) or not logo:
        raise SkipItem("item has no logo field")
    if Path(logo).name != logo or logo.startswith("."):
        raise SkipItem(f"logo {logo!r} is not a plain file name")
    if not logo.lower().endswith(".svg"):
        raise SkipItem(f"logo {logo!r} is not an SVG file")
    return name, logo


def write_logos(categories: list[Any], logos_dir: Path, *, force: bool) -> dict[str, int]:
    """Write the monograms and return counts of written, kept and skipped logos."""
    counts = {"written": 0, "kept": 0, "skipped": 0}
    seen: dict[str, str] = {}
    logos_dir.mkdir(parents=True, exist_ok=True)
    for where, item in iter_items(categories):
        try:
            name, logo = name_and_logo(item)
            if logo in seen:
                raise SkipItem(f"logo {logo!r} is already used by {seen[logo]!r}")
        except SkipItem as skip:
            print(f"warning: {where} › {item.get('name')}: {skip}", file=sys.stderr)
            counts["skipped"] += 1
            continue
        seen[logo] = name
        target = logos_dir / logo
        if target.exists() and not force:
            counts["kept"] += 1
            continue
        target.write_text(monogram_svg(name), encoding="utf-8")
        counts["written"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    """Run the script; return the exit status."""
    args = parse_args(argv)
    logos_dir = args.logos_dir or args.data_file.parent / "logos"
    try:
        categories = load_categories(args.data_file)
    except LandscapeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    counts = write_logos(categories, logos_dir, force=args.force)
    print(
        f"{logos_dir}: {counts['written']} written, {counts['kept']} already there, "
        f"{counts['skipped']} skipped"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
