"""Package-index refresh: 2,500 packages from the fake index (tests/fake_index.py) on 127.0.0.1,
50 ms added to every answer, 16 requests at a time. Prints requests, wall time, requests per package.

Half the packages have PEP 658 metadata files, a third only the JSON API, the rest neither, so
every metadata path is exercised.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fake_index import FakeIndex, core_metadata, release
from torchscape.sources.facts import FetchError, PackageFacts
from torchscape.sources.packages import PackageIndexClient

PACKAGES = 2_500
LATENCY = 0.05
CONCURRENCY = 16


def populate(index: FakeIndex) -> list[str]:
    names = [f"bench-pkg-{n}" for n in range(PACKAGES)]
    for n, name in enumerate(names):
        files = [f for v in range(1, 6) for f in release(name, f"1.{v}", v)]
        meta = core_metadata(name, "1.5", requires_dist=["numpy", "torch>=2.1"], license_expression="MIT")
        index.add(name, files, metadata=meta, pep658=n % 2 == 0, json_api=n % 3 == 0)
    return names


def main() -> None:
    with FakeIndex(latency=LATENCY) as index:
        names = populate(index)
        sources: dict[str | None, int] = {}
        failures: list[FetchError] = []

        def on_result(name: str, result: PackageFacts | FetchError) -> None:
            if isinstance(result, FetchError):
                failures.append(result)
            else:
                sources[result.metadata_source] = sources.get(result.metadata_source, 0) + 1

        client = PackageIndexClient(index.url, concurrency=CONCURRENCY)
        start = time.perf_counter()
        stats = client.fetch(names, on_result)
        wall = time.perf_counter() - start
        assert not failures, failures[:3]
        assert not index.downloads()
        ideal = stats.requests * LATENCY / CONCURRENCY
        print(
            f"{PACKAGES} packages, {LATENCY * 1000:.0f} ms latency, concurrency {CONCURRENCY}: "
            f"{stats.requests} requests ({stats.requests / PACKAGES:.2f} per package), "
            f"wall {wall:.2f} s (latency-bound floor {ideal:.2f} s), max concurrent {index.max_concurrent}"
        )
        print(f"metadata from: {dict(sorted(sources.items(), key=str))}")


if __name__ == "__main__":
    main()
