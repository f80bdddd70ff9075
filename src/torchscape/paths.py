"""Where a command finds its input when flags do not say: the working folder, else the bundle."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

DATA_NAMES = ("landscape.yml", "data.yml")


@dataclass(frozen=True, slots=True)
class Sources:
    """The files of one landscape, and whether they are the bundled PyTorch landscape."""

    data_file: Path
    settings_file: Path | None
    guide_file: Path | None
    logos_path: Path | None
    bundled: bool = False


def bundled_dir() -> Path:
    """The folder of the bundled PyTorch ecosystem landscape inside the installed package."""
    return Path(str(resources.files("torchscape") / "data" / "pytorch"))


def resolve_sources(
    data_file: str | None,
    settings_file: str | None,
    guide_file: str | None,
    logos_path: str | None,
    cwd: Path | None = None,
) -> Sources:
    """Flags win; missing ones are found beside the data file (settings.yml, guide.yml, logos)."""
    bundled = False
    if data_file is not None:
        data = Path(data_file)
    else:
        here = cwd or Path.cwd()
        found = next((here / n for n in DATA_NAMES if (here / n).is_file()), None)
        bundled = found is None
        data = found or bundled_dir() / "landscape.yml"
    folder = data.parent
    return Sources(
        data_file=data,
        settings_file=Path(settings_file) if settings_file else _beside(folder, "settings.yml"),
        guide_file=Path(guide_file) if guide_file else _beside(folder, "guide.yml"),
        logos_path=Path(logos_path) if logos_path else None,
        bundled=bundled,
    )


def _beside(folder: Path, name: str) -> Path | None:
    candidate = folder / name
    return candidate if candidate.is_file() else None


def display_path(path: Path | None) -> str:
    """A path as messages show it: relative to the working folder when below it."""
    if path is None:
        return ""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
