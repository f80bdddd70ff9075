"""Writing a site: into a staging folder next to the target, then swapped into place at once.

A failed build leaves the previous site untouched; a folder that torchscape did not make is
never overwritten.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePosixPath

from torchscape.errors import UsageError

MARKER = ".torchscape-site"


class SiteWriter:
    """Collects the files of one build in a staging folder; `commit()` swaps it into place."""

    def __init__(self, target: Path) -> None:
        self.target = target.resolve()
        check_target(self.target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.building-", dir=self.target.parent))
        self.files: dict[str, int] = {}

    def write(self, relative: str, data: bytes | str) -> None:
        """Write one file (`relative` is a POSIX path inside the site)."""
        path = _inside(self.staging, relative)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)
        self.files[relative] = len(payload)

    def commit(self) -> None:
        """Put the staged site in place of the target (the old one is removed after the swap)."""
        (self.staging / MARKER).write_text("built by torchscape\n", encoding="utf-8")
        old: Path | None = None
        if self.target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.old-", dir=self.target.parent))
            old.rmdir()
            self.target.replace(old)
        self.staging.replace(self.target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    @property
    def total_bytes(self) -> int:
        return sum(self.files.values())


def check_target(target: Path) -> None:
    """Refuse to replace a folder with content that torchscape did not build."""
    if target.is_file():
        raise UsageError(f"the output folder {target} is a file")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise UsageError(
            f"{target} is not empty and was not built by torchscape; choose another output "
            "folder or empty it first"
        )


def _inside(root: Path, relative: str) -> Path:
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise ValueError(f"not a path inside the site: {relative!r}")
    return root.joinpath(*pure.parts)
