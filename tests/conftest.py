"""Shared test fixtures, and a guard that fails any test opening a socket beyond loopback."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FIXTURE = SHARED / "fixtures" / "pytorch-landscape"

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0]
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded(real: Callable[..., Any]) -> Callable[..., Any]:
    def connect(self: socket.socket, address: Any) -> Any:
        if not _is_loopback(address):
            raise RuntimeError(f"network access outside 127.0.0.1 in a test: {address!r}")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True)
def _network_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test talks to the internet, except those marked `live` (opt-in)."""
    if request.node.get_closest_marker("live"):
        return
    monkeypatch.setattr(socket.socket, "connect", _guarded(_real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded(_real_connect_ex))


def pytest_configure(config: pytest.Config) -> None:
    """Commands run without `--cache-dir` use the user's cache folder (platformdirs: under
    XDG_CACHE_HOME on Linux): in tests, a folder of the session's own, so that no test reads or
    writes the real one, nor passes or fails by what an earlier run left there."""
    folder = Path(tempfile.mkdtemp(prefix="torchscape-test-cache-"))
    os.environ["XDG_CACHE_HOME"] = str(folder)
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`live` tests run only when asked for with `-m live`."""
    if "live" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="talks to live services; run with -m live")
    for item in items:
        if item.get_closest_marker("live"):
            item.add_marker(skip)


@pytest.fixture
def fixture_dir() -> Path:
    """The real PyTorch landscape from ../shared (skipped where that folder is absent)."""
    if not (FIXTURE / "landscape.yml").is_file():
        pytest.skip("../shared/fixtures/pytorch-landscape is absent (a user's clone has no ../shared)")
    return FIXTURE


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write a dedented text file under tmp_path and return its path."""

    def _write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def chdir_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    yield tmp_path
