"""Times of the reuse features: the build step for badges, embeds and API schemas; export; poster.

On the bundled PyTorch landscape and a synthetic 2,500-item one (logos cycling through the real
fixture's files). The poster is timed with a warm logo cache (as after a build). Prints medians.

    .venv/bin/python benchmarks/bench_reuse.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import FIXTURE, synthetic
from torchscape.catalog.loader import load
from torchscape.catalog.model import Landscape
from torchscape.export import Selection, render, select
from torchscape.paths import bundled_dir
from torchscape.poster import poster_svg
from torchscape.site.model import site_model
from torchscape.site.reuse import write_reuse_files
from torchscape.site.writer import SiteWriter

ASSETS = {name: f"static/{name}" for name in ("site.css", "site.js", "reuse.js")}
ASSETS |= {"embed.css": "static/embed.css", "embed.js": "static/embed.js"}


def median_time(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def reuse_step(landscape: Landscape, tmp: Path, runs: int) -> float:
    """Median time of the build step alone (the staging folder's removal is not counted)."""
    model = site_model(landscape, {i.id: f"logos/{i.id}.svg" for i in landscape})
    times = []
    for _ in range(runs):
        writer = SiteWriter(tmp / "out")
        started = time.perf_counter()
        write_reuse_files(landscape, model, ASSETS, writer)
        times.append(time.perf_counter() - started)
        writer.abort()
    return statistics.median(times)


def measure(name: str, landscape: Landscape, runs: int, tmp: Path) -> None:
    cache = tmp / f"{name}-cache"
    poster_svg(landscape, cache)  # fill the logo cache
    step = reuse_step(landscape, tmp, runs)
    chosen = select(landscape, Selection())
    exports = {fmt: median_time(lambda f=fmt: render(chosen, f), runs) for fmt in ("csv", "json", "parquet")}
    poster = median_time(lambda: poster_svg(landscape, cache), runs)
    size = len(poster_svg(landscape, cache).encode("utf-8"))
    print(
        f"{name} ({len(landscape)} items): badges+embeds+schemas step {step:.2f} s; "
        + ", ".join(f"export {fmt} {t * 1000:.0f} ms" for fmt, t in exports.items())
        + f"; poster SVG {poster:.2f} s ({size / 1e6:.1f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        bundled = bundled_dir()
        landscape = load(bundled / "landscape.yml", bundled / "settings.yml", None, bundled / "logos")
        measure("pytorch", landscape, runs, tmp)
        if (FIXTURE / "hosted_logos").is_dir():
            data = synthetic(tmp / "synthetic", 2500)
            measure("synthetic", load(data, None, None, FIXTURE / "hosted_logos"), runs, tmp)


if __name__ == "__main__":
    main()
