"""Logo pipeline timings on the real PyTorch landscape's 245 logo files (median of runs).

cold: an empty cache directory and a new processor, so every file is parsed, sanitised,
      decoded and re-encoded;
warm: a new processor on the cache directory a cold run filled, so every file is read, hashed
      and looked up, and nothing else.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from torchscape.site import logos
from torchscape.site.logos import LogoProcessor

HOSTED_LOGOS = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "fixtures"
    / "pytorch-landscape"
    / "hosted_logos"
)
RUNS = 5


def process_all(files: list[Path], cache_dir: Path) -> tuple[float, int, int]:
    """Seconds taken, output bytes and placeholders for one pass over `files`."""
    processor = LogoProcessor(cache_dir)
    start = time.perf_counter()
    results = [processor.process(path, path.stem, path.stem) for path in files]
    elapsed = time.perf_counter() - start
    return elapsed, sum(len(r.data) for r in results), sum(r.placeholder for r in results)


def main() -> None:
    if not HOSTED_LOGOS.is_dir():
        sys.exit(f"{HOSTED_LOGOS} is absent: nothing to measure")
    files = sorted(HOSTED_LOGOS.iterdir())
    size_in = sum(path.stat().st_size for path in files)
    cold: list[float] = []
    warm: list[float] = []
    size_out = placeholders = 0
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            logos._fixed.cache_clear()  # no help from an earlier run's number spellings
            elapsed, size_out, placeholders = process_all(files, Path(tmp))
            cold.append(elapsed)
            warm.append(process_all(files, Path(tmp))[0])
    print(f"{len(files)} logo files, {placeholders} placeholder(s)")
    print(f"cold: median {statistics.median(cold):6.2f} s, min {min(cold):6.2f} s ({RUNS} runs)")
    print(
        f"warm: median {statistics.median(warm) * 1000:6.1f} ms, min {min(warm) * 1000:6.1f} ms ({RUNS} runs)"
    )
    print(f"bytes: {size_in:,} in, {size_out:,} out ({size_out / size_in:.1%})")


if __name__ == "__main__":
    main()
