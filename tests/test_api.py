"""The public Python API is pinned: what `import torchscape` offers, and how load() behaves."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

import torchscape
from helpers import catalog, dump, item

EXPORTED = {
    "CatalogError",
    "Category",
    "CheckResult",
    "Item",
    "Landscape",
    "Placement",
    "Problem",
    "Severity",
    "Status",
    "Subcategory",
    "TorchscapeError",
    "UsageError",
    "__version__",
    "check",
    "load",
}


def test_exported_members() -> None:
    assert set(torchscape.__all__) == EXPORTED
    assert all(hasattr(torchscape, name) for name in EXPORTED)


def test_import_does_no_work() -> None:
    """Importing opens no file and no socket (the import system itself uses io.open_code)."""
    code = (
        "import builtins, socket\n"
        "opened = []\n"
        "real_open = builtins.open\n"
        "builtins.open = lambda *a, **k: (opened.append(a[0]), real_open(*a, **k))[1]\n"
        "socket.socket.connect = lambda *a: opened.append('socket')\n"
        "import torchscape\n"
        "print(opened)\n"
    )
    out = subprocess.check_output([sys.executable, "-c", code], text=True)
    assert out.strip() == "[]"


def test_load_returns_a_frozen_landscape(tmp_path: Path) -> None:
    path = tmp_path / "landscape.yml"
    path.write_text(dump(catalog(item(homepage_url="http://a.example"))), encoding="utf-8")
    landscape = torchscape.load(path)
    assert isinstance(landscape, torchscape.Landscape)
    alpha = landscape.item("alpha")
    with pytest.raises(dataclasses.FrozenInstanceError):
        alpha.name = "x"  # type: ignore[misc]
    assert [w.code for w in landscape.warnings] == ["insecure-url"]
    assert landscape.to_records()[0]["id"] == "alpha"


def test_load_raises_one_error_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "landscape.yml"
    path.write_text(
        dump(catalog(item(homepage_url="javascript:x"), item("B", logo="../b.svg"))),
        encoding="utf-8",
    )
    with pytest.raises(torchscape.CatalogError) as raised:
        torchscape.load(path)
    assert [p.code for p in raised.value.problems] == ["unsafe-url", "logo-outside-folder"]


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(torchscape.UsageError, match="data file not found"):
        torchscape.load(tmp_path / "nope.yml")
