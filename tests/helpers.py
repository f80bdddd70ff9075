"""Small builders for test catalogs."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import torchscape
from torchscape.catalog.loader import CheckResult


def item(name: str = "Alpha", **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "name": name,
        "homepage_url": "https://alpha.example",
        "logo": "alpha.svg",
        "description": "Does alpha things.",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not ...}


def catalog(*items: dict[str, object], category: str = "Cat", subcategory: str = "Sub") -> dict[str, object]:
    return {
        "categories": [{"name": category, "subcategories": [{"name": subcategory, "items": list(items)}]}]
    }


def dump(data: object) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def run_check(
    tmp: Path,
    data: object | str,
    settings: object | str | None = None,
    guide: object | str | None = None,
    logos: dict[str, str] | None = None,
) -> CheckResult:
    data_file = tmp / "landscape.yml"
    data_file.write_text(data if isinstance(data, str) else dump(data), encoding="utf-8")
    settings_file = guide_file = None
    if settings is not None:
        settings_file = tmp / "settings.yml"
        settings_file.write_text(settings if isinstance(settings, str) else dump(settings), encoding="utf-8")
    if guide is not None:
        guide_file = tmp / "guide.yml"
        guide_file.write_text(guide if isinstance(guide, str) else dump(guide), encoding="utf-8")
    logos_dir = None
    if logos is not None:
        logos_dir = tmp / "logos"
        logos_dir.mkdir(exist_ok=True)
        for name, content in logos.items():
            (logos_dir / name).write_text(content, encoding="utf-8")
    return torchscape.check(
        data_file, settings_file, guide_file, logos_dir, inspect_logos=True
    )  # as validate


def lines(result: CheckResult) -> list[str]:
    """Problems as text, with the temporary folder removed from file names."""
    return [Path(p.file).name + p.format()[len(p.file) :] for p in result.problems]


#: A landscape in the legacy style (`- category:` null keys): an item with a second place,
#: an empty `items: []` and an `items:` with nothing.
LEGACY_SAMPLE = """\
landscape:
  - category:
    name: Modeling
    subcategories:
      - subcategory:
        name: Vision
        items:
          - item:
            name: torchvision
            homepage_url: https://pytorch.org/vision
            logo: torchvision.svg
            description: Images.
            project: ecosystem
            crunchbase: null
            extra:
              accepted: '2022-09-07'
          - item:
            name: Kornia
            homepage_url: https://kornia.github.io
            logo: kornia.svg
            description: Geometry.
            second_path:
              - Modeling / Empty
      - subcategory:
        name: Empty
        items: []
      - subcategory:
        name: Nothing
        items:
"""


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """`folder` unwritable for the block, for root too: `chattr +i` as root (root writes through
    any mode), `chmod 555` otherwise. Skips the test where neither holds (a file system without
    the attribute), after checking that a file really cannot be made there."""
    as_root = os.geteuid() == 0
    if as_root:
        if shutil.which("chattr") is None:
            pytest.skip("root, and no chattr to make a folder read-only")
        made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
        if made.returncode != 0:
            pytest.skip(f"chattr +i does not work here: {made.stderr.decode(errors='replace').strip()}")
    else:
        folder.chmod(0o555)
    try:
        probe = folder / ".probe"
        try:
            probe.write_text("", encoding="utf-8")
        except OSError:
            pass
        else:
            probe.unlink()
            pytest.skip(f"{folder} could not be made read-only")
        yield
    finally:
        if as_root:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        else:
            folder.chmod(0o755)
