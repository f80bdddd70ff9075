"""Files torchscape writes: whole or not at all, through links, and never over a file in use.

Every file a command writes for the user (`export -o`, `poster -o`, `schema -o`,
`history export FILE`) and every edit of a landscape (`add`, `audit --fix`) goes through here:

- The new content goes to a temporary file in the folder of the file it replaces, then one
  rename: a reader, a crash or Ctrl-C sees the old file or the new, never half of one.
- A path that is a symbolic link is followed: the file it points to is replaced and the link
  stays (a landscape kept in another checkout and linked in is edited where it lives).
- A file the user names as an output is refused, before any work, when it is one of the files
  the command reads (`export -o landscape.yml` would leave a CSV where the catalog was), a
  folder, a block device or a socket, or in a folder that does not exist.
- A character device or a named pipe (`-o /dev/stdout`) is written as the stream it is, not
  replaced: it cannot be written whole or not at all.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from torchscape.errors import UsageError, printable
from torchscape.paths import Sources
from torchscape.sources.observed import SNAPSHOT_NAME

Kept = tuple[str, Path]  # (what it is, for the message; the file)


def os_reason(exc: OSError) -> str:
    """Why the system refused, as a message continues it: "permission denied"."""
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:]


def real_path(path: Path) -> Path:
    """The file `path` names once its links are followed (as given when they cannot be: a loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path


def landscape_files(sources: Sources, *, history: bool = True) -> list[Kept]:
    """The files of a landscape that a command reading it must not write over: its data,
    settings and guide files and, unless `history` is False (for `history export`, whose
    usual target it is), the observed-data history beside the data file."""
    kept: list[Kept] = [("the data file", sources.data_file)]
    if sources.settings_file is not None:
        kept.append(("the settings file", sources.settings_file))
    if sources.guide_file is not None:
        kept.append(("the guide file", sources.guide_file))
    if history:
        kept.append(("the observed-data history", sources.data_file.parent / SNAPSHOT_NAME))
    return kept


def _same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file: the same inode when both exist (hard links, links,
    `./x` and `x`), else the same path once links are followed."""
    with contextlib.suppress(OSError, ValueError):
        if one.samefile(other):
            return True
    return real_path(one) == real_path(other)


def read_only(path: Path) -> bool:
    """Whether the file was made read-only: no one may write it, or we may not. A file replaced
    through a temporary one would be replaced anyway (only its folder's permission counts, and
    root's writes ignore the mode), so this is asked before writing, of the mode bits too."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False  # gone or unreachable: the write that follows says why
    return not mode & 0o222 or not os.access(path, os.W_OK)


def check_output(path: Path, what: str, kept: Iterable[Kept]) -> None:
    """Refuse (a usage error naming the file) an output that cannot become the file asked for:
    one of the files in use (`kept`), a folder, or a file in a folder that does not exist.
    Called before any work, so that a long render is not lost to a typo. `what` names the flag
    or argument in the message ("--output")."""
    shown = printable(str(path))
    for name, file in kept:
        if _same_file(path, file):
            raise UsageError(
                f"{what} {shown} is {name} in use: writing there would destroy it; choose another file"
            )
    target = real_path(path)
    try:
        if target.is_dir():
            raise UsageError(f"{what} {shown} is a folder: give the name of a file to write")
        if _kind(path) in ("block device", "socket"):
            raise UsageError(f"{what} {shown} is a {_kind(path)}: give the name of a file to write")
        if not target.parent.is_dir():
            raise UsageError(f"{what} {shown}: the folder {printable(str(target.parent))} does not exist")
        if target.is_file() and read_only(target):
            raise UsageError(f"{what} {shown} is read-only: make it writable or choose another file")
    except OSError as exc:  # a name too long, a permission missing on the way ...
        raise UsageError(f"{what} {shown}: {os_reason(exc)}") from exc


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A binary handle whose bytes become the file `path` names when the block ends without an
    exception (links followed; the file's mode kept); on an exception the file is untouched and
    the temporary file removed. OSError when the folder cannot be written."""
    if _kind(path) in ("character device", "pipe"):
        # (`-o /dev/stdout`, a named pipe): written as the stream it is, through its own name
        # (/dev/stdout's link leads to no path); replacing it by a file would break it (as
        # root, `-o /dev/null` made /dev/null a plain file)
        with path.open("wb") as stream:
            yield stream
        return
    target = real_path(path)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):  # the mode of the file replaced; a new one's as the umask says
            mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
            temporary.chmod(mode)
        temporary.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def write_atomically(path: Path, data: bytes | str) -> None:
    """Replace the file `path` names with `data` (text as UTF-8, line ends as given), as
    `replacing` does. OSError when it cannot be written."""
    with replacing(path) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)


def write_output(path: Path, data: bytes | str) -> None:
    """`write_atomically` for a file the user named: a refusal is a usage error naming it."""
    try:
        write_atomically(path, data)
    except BrokenPipeError:  # `-o /dev/stdout | head`: the reader has all it wanted
        raise
    except OSError as exc:
        raise UsageError(f"cannot write {printable(str(path))}: {os_reason(exc)}") from exc


def _kind(path: Path) -> str | None:
    """What `path` is when it is neither a regular file nor a folder (None then, or when absent)."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return None
    kinds = {
        stat.S_ISCHR: "character device",
        stat.S_ISFIFO: "pipe",
        stat.S_ISBLK: "block device",
        stat.S_ISSOCK: "socket",
    }
    return next((name for test, name in kinds.items() if test(mode)), None)


def _umask() -> int:
    current = os.umask(0o022)  # read by setting it: put straight back
    os.umask(current)
    return current


__all__ = [
    "check_output",
    "landscape_files",
    "os_reason",
    "real_path",
    "replacing",
    "write_atomically",
    "write_output",
]
