"""Logo files and cache records on disk.

A source is read only when it is a regular file with a logo's extension and at most
`MAX_SOURCE_BYTES` long. What processing it gave is stored as a record named by its content key,
written atomically and checked when read back, so a torn or damaged record is only a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from torchscape.site.logos.common import _EXTENSION_OF, MAX_SOURCE_BYTES, LogoRejected

_SOURCE_EXTENSIONS: Final = frozenset({".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"})


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What processing some source bytes gave: a usable logo, or the reason there is none."""

    data: bytes = b""
    media_type: str = ""
    problem: str | None = None


def _read_source(source: Path) -> bytes:
    """The bytes of a logo file, or LogoRejected saying why it cannot be read."""
    try:
        info = source.stat()
    except FileNotFoundError:
        raise LogoRejected("file not found") from None
    except OSError:
        raise LogoRejected("file unreadable") from None
    if not stat.S_ISREG(info.st_mode):
        raise LogoRejected("not a regular file")
    if source.suffix.lower() not in _SOURCE_EXTENSIONS:
        raise LogoRejected("unsupported format")
    if info.st_size > MAX_SOURCE_BYTES:
        raise LogoRejected("file larger than 10 MiB")
    try:
        with source.open("rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError:
        raise LogoRejected("file unreadable") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise LogoRejected("file larger than 10 MiB")
    if not data.strip():
        raise LogoRejected("empty file")
    return data


_RECORD_MAGIC: Final = b"torchscape-logo-record 1\n"


def _read_record(path: Path) -> _Outcome | None:
    """A cached outcome, or None when there is none or it is unreadable or damaged.

    A record is the magic line, then the media type, the problem (empty for a usable logo) and
    the SHA-256 of the data, one per line, then the data.
    """
    try:
        payload = path.read_bytes()
    except OSError:
        return None
    if not payload.startswith(_RECORD_MAGIC):
        return None
    parts = payload[len(_RECORD_MAGIC) :].split(b"\n", 3)
    if len(parts) != 4 or hashlib.sha256(parts[3]).hexdigest().encode("ascii") != parts[2]:
        return None
    media_type, problem, data = parts[0].decode("ascii", "replace"), parts[1], parts[3]
    if problem:
        return _Outcome(problem=problem.decode("utf-8", "replace"))
    if media_type not in _EXTENSION_OF or not data:
        return None
    return _Outcome(data, media_type)


def _write_record(path: Path, outcome: _Outcome) -> None:
    """Store an outcome atomically (a temporary file, then a rename); a cache that cannot be
    written is skipped, as it only saves time."""
    header = [
        outcome.media_type.encode("ascii"),
        (outcome.problem or "").replace("\n", " ").encode("utf-8"),
        hashlib.sha256(outcome.data).hexdigest().encode("ascii"),
    ]
    payload = _RECORD_MAGIC + b"\n".join([*header, outcome.data])
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as handle:
            temporary = Path(handle.name)
            handle.write(payload)
        temporary.replace(path)
    except OSError:
        return
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
