"""Time of the feed's two parts: the data file's git history and the observed history.

1. The bundled PyTorch landscape as it is in this checkout (its git history, its snapshot).
2. A synthetic 2,500-item landscape (1.7 MB) in a temporary git repository with 50 commits, each
   changing one item; its size bounds the walk to the newest 9 commits. Cold, then with each
   commit's entries cached.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth
import torchscape
from torchscape.paths import bundled_dir
from torchscape.site.feed import catalog_entries, collect, observed_entries


def timed(function: Any, runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def git(folder: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    env |= {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.invalid"}
    env |= {"GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.invalid"}
    subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


def synthetic_repo(folder: Path, items: int, commits: int) -> Path:
    data = synth.landscape(items)
    path = folder / "landscape.yml"
    git(folder, "init", "-q")
    categories: list[Any] = data["categories"]  # type: ignore[assignment]
    for n in range(commits):
        sub = categories[n % 4]["subcategories"][n % 8]
        sub["items"][n % len(sub["items"])]["description"] = f"Changed in commit {n}."
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        git(folder, "add", "landscape.yml")
        git(folder, "commit", "-q", "-m", f"change {n}")
    return path


def main() -> None:
    folder = bundled_dir()
    landscape = torchscape.load(folder / "landscape.yml", folder / "settings.yml")
    git_part, (entries, notes) = timed(lambda: catalog_entries(landscape.data_file), 5)
    observed_part, releases = timed(lambda: observed_entries(landscape, None), 5)
    total, _ = timed(lambda: collect(landscape, None), 5)
    print(
        f"bundled ({len(landscape)} items): git history {git_part:.3f} s ({len(entries)} entries{notes or ''}),"
    )
    print(f"  observed history {observed_part:.3f} s ({len(releases)} entries), whole feed {total:.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        path = synthetic_repo(Path(tmp), 2_500, 50)
        cold, (entries, _) = timed(lambda: catalog_entries(path), 1)
        cache = Path(tmp) / "cache"
        catalog_entries(path, cache_dir=cache)
        warm, _ = timed(lambda: catalog_entries(path, cache_dir=cache), 3)
        print(
            f"synthetic 2,500 items, 50 commits: git history cold {cold:.2f} s, "
            f"with each commit's entries cached {warm:.3f} s ({len(entries)} entries)"
        )


if __name__ == "__main__":
    main()
