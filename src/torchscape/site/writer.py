"""Writing a site: every file of a build is held in memory until the build has succeeded.

A failed build therefore leaves the previous site untouched; a folder that torchscape did not make
is never overwritten. Committing is then one of two things:

- a new output folder is written beside the target and renamed into place at once;
- an existing site is updated in place: only files whose bytes changed are written, all of them
  first beside their places under temporary names (if one cannot be written, a full disk say,
  they are removed and the site is as it was), then renamed into place (so no reader ever sees
  half a file), new content-hashed assets and data before the pages that name them, files the
  new build no longer has removed last. A rebuild with nothing changed writes nothing.

An unchanged file is recognised by reading it back: cheaper than writing it, and right even
when a file was edited by hand since the last build. Forked workers do that reading themselves
for the files they render (`Collector` with the live site) and hand over only the files that
differ.

A build into a new folder may call `start_writing()` once it has nothing left to fork: from then
on its files go into the staging folder as they come, on a thread, so the kernel's work of
writing them overlaps with the rendering of the rest (the staging folder is invisible until the
rename, so this changes nothing of the above).
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import tempfile
import threading
from pathlib import Path, PurePosixPath
from stat import S_ISREG
from typing import Protocol

from torchscape.errors import UsageError

#: The process's umask (read once, at import: setting it back at once is the only way to read it).
_UMASK = os.umask(0o022)
os.umask(_UMASK)

MARKER = ".torchscape-site"
MARKER_TEXT = b"built by torchscape\n"


#: Staging folders of builds in progress in this process: removed by the CLI's SIGTERM handler,
#: which ends the process at once (see `cli`).
STAGING_FOLDERS: set[Path] = set()


class FileSink(Protocol):
    """Where a build step puts its files: the `SiteWriter`, or a `Collector` in a worker."""

    def write(self, relative: str, data: bytes | str) -> None: ...


class Collector:
    """Keeps the files a build step writes (in a forked worker), to hand them to the writer.

    Given the live site of an in-place update, it compares each file with the one there itself
    (in parallel with the other workers) and keeps only the size of those that are the same.
    """

    def __init__(self, live: Path | None = None) -> None:
        self.files: list[tuple[str, bytes | int]] = []
        self._live = live

    def write(self, relative: str, data: bytes | str) -> None:
        parts = _parts(relative)
        payload = _payload(data)
        if self._live is not None and _same(self._live.joinpath(*parts), payload):
            self.files.append((relative, len(payload)))
        else:
            self.files.append((relative, payload))


class FolderSink:
    """Writes a build step's files straight into a staging folder (in a forked worker)."""

    def __init__(self, folder: Path) -> None:
        self._folder = _Folder(folder)
        self.files: list[tuple[str, int]] = []

    def write(self, relative: str, data: bytes | str) -> None:
        payload = _payload(data)
        self._folder.write(_parts(relative), payload)
        self.files.append((relative, len(payload)))


class _Folder:
    """Files written into a (staging) folder, each of its subfolders made once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: set[Path] = {root}

    def write(self, parts: tuple[str, ...], payload: bytes) -> None:
        path = self.root.joinpath(*parts)
        if path.parent not in self._made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(path.parent)
        path.write_bytes(payload)


def _payload(data: bytes | str) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


class SiteWriter:
    """Collects the files of one build; `commit()` puts them in place of the target."""

    def __init__(self, target: Path) -> None:
        self.target = target.resolve()
        check_target(self.target)
        # Decided once: workers forked for an in-place update compare with the live site, and
        # the commit must then be an in-place update too.
        self._in_place = self.target.is_dir() and (self.target / MARKER).is_file()
        self._pending: dict[str, bytes] = {}
        self._streamer: _Streamer | None = None
        self._staging: Path | None = None
        self.files: dict[str, int] = {}
        self.written = 0  # files actually written by the last commit (the rest were unchanged)

    def write(self, relative: str, data: bytes | str) -> None:
        """Add one file (`relative` is a POSIX path inside the site)."""
        parts = _parts(relative)
        payload = _payload(data)
        if self._streamer is not None:
            self._streamer.put(parts, payload)
        else:
            self._pending[relative] = payload
        self.files[relative] = len(payload)

    def start_writing(self) -> None:
        """For a new folder: write files into staging from now on, on a thread (see above).

        Call it only when the build will not fork again. An in-place update keeps every file
        until `commit()`, as it must not touch the live site before the build has succeeded.
        """
        if self._streamer is not None or self._in_place:
            return
        self._streamer = _Streamer(self._new_staging())
        for relative in _ordered(self._pending):
            self._streamer.put(_parts(relative), self._pending[relative])
        self._pending.clear()

    def staging_folder(self) -> Path | None:
        """For a new folder, the staging folder (made now), where forked workers may write
        files themselves (then `written_elsewhere`); None for an in-place update."""
        return None if self._in_place else self._new_staging()

    def written_elsewhere(self, relative: str, size: int) -> None:
        """Count a file that a worker wrote into the staging folder, or (for an in-place update)
        found the same in the live site: it stays as it is."""
        _parts(relative)
        self.files[relative] = size

    def live_folder(self) -> Path | None:
        """For an in-place update, the live site (workers compare their files with it)."""
        return self.target if self._in_place else None

    def commit(self) -> None:
        """Put the built site in place: a fresh folder renamed in, or an in-place update."""
        if self._streamer is not None:
            streamer, self._streamer = self._streamer, None
            self._swap_in(streamer.finish())
        elif self._in_place:
            self._update_in_place()
        else:
            self._write_fresh()
        self._pending.clear()
        STAGING_FOLDERS.discard(self._staging)
        self._staging = None

    def abort(self) -> None:
        """Forget the build (a staging folder already written to is removed)."""
        self._pending.clear()
        if self._streamer is not None:
            streamer, self._streamer = self._streamer, None
            streamer.discard()
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            STAGING_FOLDERS.discard(self._staging)
            self._staging = None

    @property
    def total_bytes(self) -> int:
        return sum(self.files.values())

    def _new_staging(self) -> Path:
        """The staging folder of a new site, made on first use."""
        if self._staging is None:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self._staging = Path(
                tempfile.mkdtemp(prefix=f".{self.target.name}.building-", dir=self.target.parent)
            )
            STAGING_FOLDERS.add(self._staging)
            # mkdtemp makes it private (0700); the site's root becomes readable like its files,
            # so that a web server running as another user can serve it.
            self._staging.chmod(0o777 & ~_UMASK)
        return self._staging

    def _write_fresh(self) -> None:
        streamer = _Streamer(self._new_staging(), thread=False)
        for relative in _ordered(self._pending):
            streamer.put(_parts(relative), self._pending[relative])
        self._swap_in(streamer.finish())

    def _swap_in(self, staging: Path) -> None:
        """Rename a complete staging folder into place."""
        try:
            (staging / MARKER).write_bytes(MARKER_TEXT)
            if self.target.exists():  # an empty folder (check_target refused anything else)
                self.target.rmdir()
            staging.replace(self.target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self.written = len(self.files)

    def _update_in_place(self) -> None:
        """Changed files are first all written beside their places under temporary names (a
        failure there, a full disk say, removes them: the site stays as it was), then renamed
        into place in order, then files the build no longer has are removed."""
        folders: set[Path] = {self.target}
        changed: list[tuple[tuple[str, ...], Path, bytes]] = []
        for relative in _ordered(self._pending):
            parts = _parts(relative)
            path = self.target.joinpath(*parts)
            payload = self._pending[relative]
            if not _same(path, payload):
                changed.append((parts, path, payload))
        ready: list[tuple[Path, Path]] = []
        try:
            for parts, path, payload in changed:
                _make_folders(self.target, parts[:-1], folders)
                ready.append((_write_beside(path, payload), path))
        except BaseException:
            for temporary, _ in ready:
                with contextlib.suppress(OSError):
                    temporary.unlink()
            raise
        for temporary, path in ready:
            if path.is_symlink() or path.is_dir():
                _remove(path)
            temporary.replace(path)
        _remove_others(self.target, set(self.files))  # files found the same are in there too
        self.written = len(changed)


class _Streamer:
    """Writes files into a staging folder, in the order given; on a thread of its own or not."""

    def __init__(self, staging: Path, thread: bool = True) -> None:
        self.staging = staging
        self._folder = _Folder(staging)
        self._error: BaseException | None = None
        self._queue: queue.SimpleQueue[tuple[tuple[str, ...], bytes] | None] | None = None
        self._thread: threading.Thread | None = None
        if thread:
            self._queue = queue.SimpleQueue()
            self._thread = threading.Thread(target=self._run, name="site-writer", daemon=True)
            self._thread.start()

    def put(self, parts: tuple[str, ...], payload: bytes) -> None:
        if self._queue is not None:
            self._queue.put((parts, payload))
        else:
            self._folder.write(parts, payload)

    def finish(self) -> Path:
        """Wait for every file; the staging folder, or the first error (the folder removed)."""
        self._stop()
        if self._error is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            raise self._error
        return self.staging

    def discard(self) -> None:
        self._stop()
        shutil.rmtree(self.staging, ignore_errors=True)

    def _stop(self) -> None:
        if self._queue is not None and self._thread is not None:
            self._queue.put(None)
            self._thread.join()

    def _run(self) -> None:
        assert self._queue is not None
        while (job := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._folder.write(*job)
                except BaseException as exc:  # raised again by finish()
                    self._error = exc


def check_target(target: Path) -> None:
    """Refuse to replace a folder with content that torchscape did not build."""
    if target.is_file():
        raise UsageError(f"the output folder {target} is a file")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise UsageError(
            f"{target} is not empty and was not built by torchscape; choose another output "
            "folder or empty it first"
        )


def _parts(relative: str) -> tuple[str, ...]:
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or pure.name == MARKER:
        raise ValueError(f"not a path inside the site: {relative!r}")
    return pure.parts


def _ordered(files: dict[str, bytes]) -> list[str]:
    """Assets and data first, HTML pages after them: a page never names a file not yet there."""
    return sorted(files, key=lambda relative: (relative.endswith(".html"), relative))


def _same(path: Path, payload: bytes) -> bool:
    """Whether `path` is a regular file holding exactly `payload`."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        stat = os.fstat(descriptor)
        if not S_ISREG(stat.st_mode) or stat.st_size != len(payload):
            return False
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            return stream.read() == payload
    finally:
        os.close(descriptor)


def _write_beside(path: Path, payload: bytes) -> Path:
    """`payload` in a new temporary file beside `path` (renamed into place later)."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name[:200]}.", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        temporary.chmod(0o644)  # as a freshly built site's files (mkstemp makes them private)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return temporary


def _make_folders(root: Path, parts: tuple[str, ...], known: set[Path]) -> None:
    """Real folders for `parts` under `root`: a file or a symlink in the way is removed first."""
    folder = root
    for part in parts:
        folder = folder / part
        if folder in known:
            continue
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            folder.unlink()
        folder.mkdir(exist_ok=True)
        known.add(folder)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _remove_others(root: Path, keep: set[str]) -> None:
    """Delete what the new build does not have (never following symlinks), then empty folders."""

    def sweep(folder: str, prefix: str) -> bool:  # True when the folder is left empty
        empty = True
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if sweep(entry.path, relative + "/"):
                        with contextlib.suppress(OSError):
                            os.rmdir(entry.path)  # noqa: PTH106 (strings: thousands of entries)
                            continue
                    empty = False
                elif relative in keep or relative == MARKER:
                    empty = False
                else:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)  # noqa: PTH108 (as above)
        return empty

    sweep(str(root), "")
