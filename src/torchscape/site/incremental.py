"""Knowing when a build has nothing to do.

After each build, a record goes into the cache folder: a fingerprint of everything the build read
(the data, settings and guide files, the observed-data snapshot beside them, the logos folder,
the observed-data cache, the git commit the feed reads, torchscape's own files, and the request)
and the size and modification time of every file it left in the output folder. A later build into
the same folder whose fingerprint is the same, and which finds every one of those files there as it
was left, has nothing to do: it checks the catalog (so its problems are still reported) and stops.
Other files in the folder (a `CNAME`, the owner's own) do not count: builds leave them alone.

Anything else (an edited input, a file touched or removed in the output, a torchscape upgrade, an
interrupted build) means a full build. Without a cache folder there is no record and every build
is a full one; `torchscape build --force` rebuilds regardless.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Any

from torchscape import __version__
from torchscape.sources.cache import FILE_NAME as CACHE_FILE
from torchscape.sources.observed import SNAPSHOT_NAME
from torchscape.sources.settings_images import FOLDER as SETTINGS_IMAGES

RECORD_VERSION = 1


@dataclass(slots=True)
class Record:
    """What the last build into a folder read and left there."""

    fingerprint: str
    items: int
    pages: int
    bytes: int
    placeholders: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (size, mtime_ns)


def fingerprint(
    sources: Any,
    output_dir: Path,
    dev: bool,
    cache_dir: Path,
    files: Sequence[Path] = (),
    logos: Path | None = None,
) -> str:
    """A digest of every input of a build (see the module's docstring); `files`: other files
    it reads (images the settings name by path); `logos`: the logos folder the build reads
    (`--logos-path`, or the one found beside the data file)."""
    digest = hashlib.sha256()

    def add(label: str, value: str | bytes) -> None:
        data = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    add("version", f"{RECORD_VERSION} {__version__}")
    add("code", _code_digest())
    add("request", json.dumps([str(output_dir.resolve()), dev, str(cache_dir.resolve())]))
    data_file: Path = sources.data_file
    for label, path in (
        ("data", data_file),
        ("settings", sources.settings_file),
        ("guide", sources.guide_file),
        ("snapshot", data_file.parent / SNAPSHOT_NAME),
    ):
        add(label, str(path))
        add(label, _file_bytes(path))
    add("logos", str(logos))
    add("logos", _folder_listing(logos))
    add("settings images", _folder_listing(cache_dir / SETTINGS_IMAGES))  # fetched by refresh
    for name in (CACHE_FILE, CACHE_FILE + "-wal"):
        add("cache", _stat_text(cache_dir / name))
    add("git", _git_head(data_file.parent))
    for path in files:
        add("file", f"{path} {_stat_text(path)}")
    return digest.hexdigest()


def unchanged(output_dir: Path, cache_dir: Path, key: str) -> Record | None:
    """The last build's record when it had this fingerprint and its output is as it was left."""
    record = _load(_record_path(output_dir, cache_dir))
    if record is None or record.fingerprint != key:
        return None
    return record if _as_left(str(output_dir), record.files) else None


def forget(output_dir: Path, cache_dir: Path) -> None:
    """Drop the record before the output changes (an interrupted build leaves none)."""
    with contextlib.suppress(OSError):
        _record_path(output_dir, cache_dir).unlink()


def remember(output_dir: Path, cache_dir: Path, record: Record, written: list[str]) -> None:
    """Record a finished build: its fingerprint, figures, and each output file's size and time."""
    for relative in written:
        stat = os.stat(os.path.join(output_dir, relative))  # noqa: PTH116, PTH118 (thousands of files)
        record.files[relative] = (stat.st_size, stat.st_mtime_ns)
    path = _record_path(output_dir, cache_dir)
    with contextlib.suppress(OSError):  # a read-only cache only costs the next build its shortcut
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".record-", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(asdict(record), stream, separators=(",", ":"))
        Path(name).replace(path)


def _record_path(output_dir: Path, cache_dir: Path) -> Path:
    name = hashlib.sha256(str(output_dir.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return cache_dir / "builds" / f"{name}.json"


def _load(path: Path) -> Record | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        files = {str(k): (int(v[0]), int(v[1])) for k, v in raw.pop("files").items()}
        return Record(**raw, files=files)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None


def _as_left(root: str, files: dict[str, tuple[int, int]]) -> bool:
    """Whether each of `files` is still a regular file of its size and time, in real folders
    (a link on the way, to a folder with the same files, is not the site as it was left)."""
    folders: set[str] = set()
    for relative, expected in files.items():
        folder = relative.rpartition("/")[0]
        while folder and folder not in folders:
            try:
                if not S_ISDIR(os.lstat(os.path.join(root, folder)).st_mode):  # noqa: PTH118
                    return False
            except OSError:
                return False
            folders.add(folder)
            folder = folder.rpartition("/")[0]
        try:
            stat = os.lstat(os.path.join(root, relative))  # noqa: PTH118 (thousands of files)
        except OSError:
            return False
        if not S_ISREG(stat.st_mode) or (stat.st_size, stat.st_mtime_ns) != expected:
            return False
    return True


def _file_bytes(path: Path | None) -> bytes:
    if path is None:
        return b"-"
    if not path.is_file():  # absent; or a pipe or a device, which the build does not read
        return b"missing"
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return b"missing"


def _stat_text(path: Path) -> str:
    try:
        stat = path.stat()
    except (OSError, ValueError):  # ValueError: a NUL in a path named by the settings
        return "missing"
    return f"{stat.st_size} {stat.st_mtime_ns}"


def _folder_listing(folder: Path | None, skip: str = "") -> str:
    """Each file under `folder` with its size and modification time (not its bytes: fast)."""
    if folder is None or not folder.is_dir():
        return "-"
    lines: list[str] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d != skip]
        for name in names:
            path = os.path.join(root, name)  # noqa: PTH118 (many files)
            lines.append(f"{os.path.relpath(path, folder)}\0{_stat_text(Path(path))}")
    return "\n".join(sorted(lines))


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """torchscape's own files (code, templates, assets, the bundled catalog): names, sizes, times."""
    return hashlib.sha256(
        _folder_listing(Path(__file__).resolve().parents[1], "__pycache__").encode()
    ).hexdigest()


def _git_head(folder: Path) -> str:
    """The commit the feed reads the catalog's history from, and where a shallow clone's history
    stops ('' outside git): `git fetch --unshallow` changes the feed, not HEAD."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD", "--git-path", "shallow"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    if done.returncode != 0:
        return ""
    head, _, shallow = done.stdout.partition("\n")
    try:
        edge = (folder / shallow.strip()).read_text(encoding="ascii", errors="replace")
    except OSError:  # no such file: not a shallow clone
        edge = ""
    return f"{head.strip()} {' '.join(sorted(edge.split()))}".strip()
