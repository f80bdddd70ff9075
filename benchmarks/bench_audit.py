"""`audit` timings.

- offline: the real PyTorch fixture judged against the bundled snapshot (`--observed bundled`),
  the bundled landscape itself, and a synthetic 2,500-item landscape (median of runs);
- online: 1,000 links on 50 hosts of the fake web sites (tests/fake_links.py) on 127.0.0.1, each
  answer 50 ms late, 2 requests per host and 16 in all. Prints wall time, requests and the
  highest number of requests one host saw at once.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import synth
from fake_links import FakeSites
from torchscape.audit import AuditRequest, run_audit
from torchscape.audit.links import LinkOptions, check_links
from torchscape.paths import resolve_sources
from torchscape.sources.facts import utc_now

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent.parent / "shared" / "fixtures" / "pytorch-landscape" / "landscape.yml"
HOSTS, PER_HOST, LATENCY = 50, 20, 0.05


def offline(label: str, data_file: str | None, observed: tuple[str, ...], runs: int) -> None:
    sources = resolve_sources(data_file, None, None, None)
    times, findings = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        report = run_audit(AuditRequest(sources, None, utc_now(), observed))
        times.append(time.perf_counter() - start)
        findings = len(report.findings)
    print(f"{label}: median {statistics.median(times) * 1000:6.0f} ms over {runs} runs ({findings} findings)")


def online() -> None:
    with FakeSites() as sites:
        resolve: dict[str, str] = {}
        urls = []
        for host in range(HOSTS):
            origin = f"https://site{host}.example"
            resolve.update(sites.resolve(origin))
            for page in range(PER_HOST):
                urls.append(sites.add(f"{origin}/{page}", status=200, delay=LATENCY))
        start = time.perf_counter()
        results = check_links(urls, LinkOptions(per_host=2, overall=16, resolve=resolve))
        seconds = time.perf_counter() - start
        assert all(r.ok for r in results.values())
        busiest = max(sites.max_busy.values())
        floor = len(urls) * LATENCY / 16
        print(
            f"online: {len(urls)} links on {HOSTS} hosts in {seconds:.2f} s ({len(sites.log)} requests; "
            f"at most {busiest} at once per host; 16-at-a-time floor {floor:.2f} s)"
        )


def main() -> None:
    if FIXTURE.is_file():
        offline("fixture (188 items, --observed bundled)", str(FIXTURE), ("bundled",), 9)
    offline("bundled landscape", None, (), 9)
    with tempfile.TemporaryDirectory() as tmp:
        offline("synthetic 2,500 items", str(synth.write(Path(tmp), 2_500)), (), 5)
    online()


if __name__ == "__main__":
    main()
