"""Load + validate time for synthetic landscapes of 200, 2,500 and 10,000 items (median of runs)."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth
import torchscape


def measure(path: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = torchscape.check(path)
        times.append(time.perf_counter() - start)
        assert result.landscape is not None, result.problems[:3]
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for n, runs in ((200, 15), (2_500, 9), (10_000, 5)):
            path = synth.write(Path(tmp) / str(n), n)
            times = measure(path, runs)
            size = path.stat().st_size / 1e6
            print(
                f"{n:>6} items ({size:5.1f} MB): median {statistics.median(times) * 1000:7.1f} ms, "
                f"min {min(times) * 1000:7.1f} ms over {runs} runs"
            )


if __name__ == "__main__":
    main()
