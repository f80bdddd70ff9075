"""Writing a site: every file of a build is held in memory until the build has succeeded.

A failed build therefore leaves the previous site untouched; a folder that torchscape did not make
is never overwritten. Committing is then one of two things:

- a new output folder (none yet, or an empty one) is written beside the target and renamed into
  place at once;
- an existing site is updated in place: only files whose bytes changed are written, all of them
  first beside their places under temporary names (if one cannot be written, a full disk say,
  they are removed and the site is as it was), then renamed into place (so no reader ever sees
  half a file), new content-hashed assets and data before the pages that name them, files the
  new build no longer has removed last. A rebuild with nothing changed writes nothing. Each file
  replaced is first kept under a second name (a hard link, no copy), so that a rename failing
  half-way (a file made immutable, say) puts every file already replaced back; when that is not
  possible the error says the site is partly updated.

The site's marker file lists the files the build wrote, and an update replaces or removes only
those: a site often shares its folder with files of its owner's (a `CNAME` and `.nojekyll` for
GitHub Pages, a README), which no build must lose. Anything else standing where the new build
puts a file or a folder stops the update before it changes anything. During an update the marker
lists the old files and the new ones together, so that an update cut short (killed, a power cut)
leaves nothing of torchscape's that the next build would take for someone else's.

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
import json
import os
import queue
import secrets
import shutil
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from stat import S_ISDIR, S_ISLNK, S_ISREG
from typing import Protocol

from torchscape.errors import UsageError, printable

#: The process's umask (read once, at import: setting it back at once is the only way to read it).
_UMASK = os.umask(0o022)
os.umask(_UMASK)

MARKER = ".torchscape-site"
MARKER_TEXT = b"built by torchscape\n"  # the marker's first line (all of it before it listed files)
_MARKER_NOTE = b"# the files it wrote, one JSON string a line: a later build replaces or removes only these\n"


#: Staging folders of builds in progress in this process, and `serve`'s temporary site: removed
#: by the CLI's SIGTERM handler, which ends the process at once (see `cli`).
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
        self.notes: list[str] = []  # for the build's summary: old files an update could not remove
        self.left: set[str] = set()  # those files (the next build must try again: no shortcut)

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
            (staging / MARKER).write_bytes(marker_bytes(self.files))
            if self.target.exists():  # an empty folder (check_target refused anything else)
                self.target.rmdir()
            staging.replace(self.target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self.written = len(self.files)

    def _update_in_place(self) -> None:
        """Update the live site: see the module's docstring. Whatever stands in the way and is not
        torchscape's is refused before anything changes (`_in_the_way`); a failure while the
        changes are made undoes those made so far (`_Update`)."""
        owned = owned_files(self.target)
        changed: list[tuple[Path, bytes]] = []
        for relative in _ordered(self._pending):
            path = self.target.joinpath(*_parts(relative))
            payload = self._pending[relative]
            if not _same(path, payload):
                changed.append((path, payload))
        aside = _in_the_way(self.target, owned, self.files, {path for path, _ in changed})
        stale = set() if owned is None else owned - self.files.keys()
        # Listed while the update runs: cut short, it leaves old files and new, all torchscape's.
        during = marker_bytes(self.files.keys() | stale)
        marker = self.target / MARKER
        update = _Update(self.target)
        try:
            for path in aside:
                update.move_aside(path)
            if not _same(marker, during):
                update.prepare(marker, during)  # renamed in first, before any new file
            for path, payload in changed:
                update.prepare(path, payload)
            update.put_in_place()
        except BaseException as exc:
            lost = update.undo()
            if lost:
                exc.add_note(
                    f"the site is partly updated: {len(lost)} file(s) could not be put back as they "
                    f"were ({lost[0]} first); build again once the cause is fixed"
                )
            else:
                exc.add_note("nothing was changed: the site is as it was")
            raise
        update.finish()
        self.left = self._remove_stale(stale)
        after = marker_bytes(self.files.keys() | self.left)
        if after != during:
            # Not being able to rewrite it only leaves removed files listed: harmless.
            with contextlib.suppress(OSError):
                temporary = _write_beside(marker, after)
                try:
                    temporary.replace(marker)
                except OSError:
                    temporary.unlink()
        self.written = len(changed)

    def _remove_stale(self, stale: set[str]) -> set[str]:
        """Remove the files of the last build that this one no longer makes (a link is removed,
        never followed; a folder now at the place of one is someone else's and stays), then the
        folders they leave empty; returns those that could not be removed (noted)."""
        kept: set[str] = set()
        emptied: set[Path] = set()
        for relative in sorted(stale):
            path = self.target.joinpath(*_parts(relative))
            try:
                if not S_ISDIR(path.lstat().st_mode):
                    path.unlink()
                    emptied.add(path.parent)
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as exc:
                kept.add(relative)
                self.notes.append(
                    f"could not remove {path} (no longer part of the site): "
                    f"{exc.strerror or exc}; the next build tries again"
                )
        for folder in sorted(emptied, key=lambda path: len(path.parts), reverse=True):
            while folder != self.target and folder.is_relative_to(self.target):
                try:
                    folder.rmdir()
                except OSError:  # not empty, or removed already (with its parents, when empty)
                    break
                folder = folder.parent
        return kept


class _Update:
    """The changes an in-place update makes to the live site, in order, each of which `undo`
    can reverse: things of an earlier build moved aside, folders made, files renamed into place
    (the file replaced kept under a second name until `finish`)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._aside: list[tuple[Path, Path]] = []  # (place, where it went)
        self._folders: list[Path] = []  # made by this update, parents first
        self._known: set[Path] = {root}  # real folders
        self._ready: list[tuple[Path, Path]] = []  # (temporary file, its place), in order
        self._next = 0  # the first of `_ready` not yet in place
        self._done: list[tuple[Path, Path | None, bool]] = []  # (place, old file kept, was one there)

    def move_aside(self, path: Path) -> None:
        """Move a file or folder of an earlier build out of the way of the new one."""
        spare = _spare_name(path)
        try:
            path.rename(spare)
        except OSError as exc:
            raise _about(path, exc) from exc
        self._aside.append((path, spare))

    def prepare(self, path: Path, payload: bytes) -> None:
        """Write `payload` beside `path` under a temporary name (making the folders it needs)."""
        folder = path.parent
        missing: list[Path] = []
        while folder not in self._known:
            mode = _mode(folder)
            if mode is not None and S_ISDIR(mode):  # a real folder (`_in_the_way` refused links)
                self._known.add(folder)
                break
            missing.append(folder)
            folder = folder.parent
        try:
            for folder in reversed(missing):
                folder.mkdir()
                self._folders.append(folder)
                self._known.add(folder)
            self._ready.append((_write_beside(path, payload), path))
        except OSError as exc:
            raise _about(path, exc) from exc

    def put_in_place(self) -> None:
        """Rename every prepared file into its place, in order, keeping each old file."""
        while self._next < len(self._ready):
            temporary, path = self._ready[self._next]
            kept: Path | None = None
            try:
                there = os.path.lexists(path)
                if there:
                    kept = _spare_name(path)
                    try:
                        os.link(path, kept, follow_symlinks=False)
                    except OSError:  # no hard links here (or none to this file): no undo for it
                        kept = None
                temporary.replace(path)
            except OSError as exc:
                if kept is not None:
                    with contextlib.suppress(OSError):
                        kept.unlink()
                raise _about(path, exc) from exc
            self._next += 1
            self._done.append((path, kept, there))

    def undo(self) -> list[Path]:
        """Reverse every change made so far; returns the places that could not be put back."""
        lost: list[Path] = []
        for path, kept, there in reversed(self._done):
            try:
                if kept is not None:
                    kept.replace(path)
                elif there:
                    lost.append(path)
                else:
                    path.unlink()
            except OSError:
                lost.append(path)
        for temporary, _ in self._ready[self._next :]:
            with contextlib.suppress(OSError):
                temporary.unlink()
        for folder in reversed(self._folders):
            with contextlib.suppress(OSError):
                folder.rmdir()
        for path, spare in reversed(self._aside):
            try:
                spare.rename(path)
            except OSError:
                lost.append(path)
        self._done.clear()
        self._ready.clear()
        self._next = 0
        return lost

    def finish(self) -> None:
        """The update is in place: drop the old files kept for `undo`."""
        for _, kept, _ in self._done:
            if kept is not None:
                with contextlib.suppress(OSError):
                    kept.unlink()
        for _, spare in self._aside:
            with contextlib.suppress(OSError):
                _remove(spare)


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


def _spare_name(path: Path) -> Path:
    """A free name beside `path` for a while (a dot file, as the temporary ones)."""
    while True:
        spare = path.with_name(f".{path.name[:200]}.{secrets.token_hex(4)}.old")
        if not os.path.lexists(spare):
            return spare


def _about(path: Path, exc: OSError) -> OSError:
    """The error of a step of an update, naming the file of the site it was for (not the
    temporary name the system names)."""
    return OSError(exc.errno, exc.strerror or str(exc), str(path))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def marker_bytes(files: Iterable[str]) -> bytes:
    """The marker file of a site of `files` (sorted: same build, same bytes)."""
    lines = b"".join(json.dumps(relative).encode("ascii") + b"\n" for relative in sorted(files))
    return MARKER_TEXT + _MARKER_NOTE + lines


def owned_files(site: Path) -> set[str] | None:
    """The files the site's marker says torchscape wrote; None when it does not say (a site
    built before markers listed files, or a marker changed by hand)."""
    try:
        lines = (site / MARKER).read_bytes().splitlines(keepends=True)
    except OSError:
        return None
    if len(lines) < 2 or lines[0] != MARKER_TEXT:
        return None
    files: set[str] = set()
    for line in lines[1:]:
        if line.startswith(b"#"):
            continue
        try:
            relative = json.loads(line)
            _parts(relative)  # a listed path outside the site is never touched
        except (ValueError, TypeError):
            return None
        files.add(relative)
    return files


def _in_the_way(root: Path, owned: set[str] | None, files: Iterable[str], changed: set[Path]) -> list[Path]:
    """What stands where the new build puts its files and their folders: raises UsageError for
    anything torchscape did not write (`owned`; None: a site whose marker does not list its
    files, where a file at a path the build writes is taken for one of torchscape's) and for a
    link where a folder goes; returns things of an earlier build to move aside (its file where a
    folder goes now, or a folder of nothing but its files where a file goes). A file of the build
    found there is replaced by rename, a link too (a rename replaces the link itself)."""
    aside: list[Path] = []
    moved: set[str] = set()  # relative paths of `aside`: everything under them is new
    folders: set[str] = set()

    def ours(relative: str) -> bool:
        return owned is None or relative in owned

    for relative in files:
        parts = _parts(relative)
        fresh = False
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder in moved:
                fresh = True
                break
            if folder in folders:
                continue
            folders.add(folder)
            path = root.joinpath(*parts[:depth])
            mode = _mode(path)
            if mode is None or S_ISDIR(mode):
                continue
            if S_ISLNK(mode) or not S_ISREG(mode) or not ours(folder):
                raise _refusal(path, "where the build makes a folder")
            aside.append(path)
            moved.add(folder)
            fresh = True
            break
        path = root.joinpath(*parts)
        if fresh or (owned is not None and relative in owned and path not in changed):
            continue  # new; or its own file, found the same (a regular file: `_same`)
        mode = _mode(path)
        if mode is None:
            continue
        if S_ISDIR(mode):
            if owned is None or not _only(path, relative, owned):
                raise _refusal(path, "where the build writes a file")
            aside.append(path)
            moved.add(relative)
        elif not ours(relative):
            raise _refusal(path, "and the build would replace it")
    return aside


def _mode(path: Path) -> int | None:
    """`path`'s type and mode, not following a link; None when there is nothing."""
    try:
        return path.lstat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None


def _only(folder: Path, relative: str, owned: set[str]) -> bool:
    """Whether a folder holds nothing but files of `owned` (in folders; links count as files)."""
    with os.scandir(folder) as entries:
        for entry in entries:
            inner = f"{relative}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                if not _only(Path(entry.path), inner, owned):
                    return False
            elif inner not in owned:
                return False
    return True


def _refusal(path: Path, why: str) -> UsageError:
    return UsageError(
        f"{printable(str(path))} was not written by torchscape {why}; the site is unchanged: move "
        "it out of the output folder (or choose another one) and build again"
    )
