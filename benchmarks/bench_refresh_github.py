"""GitHub refresh of 2,500 repositories against the fake GitHub with 50 ms added per request.

Prints, per scenario: requests, wall time, split batches, the fake's own time (executing GraphQL
in Python), the answer size per request, and the rate-limit cost and node estimate per 50-repo
batch as the fake computes them (GitHub's published method).

    .venv/bin/python benchmarks/bench_refresh_github.py [--repos 2500] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fake_github import FakeGitHub, iso, repo
from torchscape.sources.facts import FetchError, RepoFacts
from torchscape.sources.github import GitHubClient

TOKEN = "ghp_benchmarkToken000000000000000000000"
# Commits in the last year: share of repositories per range (a guess at an ecosystem's spread).
COMMIT_RANGES = [((0, 0), 0.10), ((1, 20), 0.30), ((21, 100), 0.30), ((101, 500), 0.20), ((501, 3000), 0.10)]


def synthetic(count: int, rng: random.Random) -> list[dict[str, Any]]:
    now = dt.datetime.now(dt.UTC)
    ranges, weights = zip(*COMMIT_RANGES, strict=True)
    specs = []
    for i in range(count):
        low, high = rng.choices(ranges, weights)[0]
        year = sorted(rng.uniform(0, 364) for _ in range(rng.randint(low, high)))
        commits = [iso(now - dt.timedelta(days=d)) for d in year] or [iso(now - dt.timedelta(days=500))]
        releases = [
            (f"v{k}", iso(now - dt.timedelta(days=k * rng.uniform(3, 60))))
            for k in range(rng.randint(0, 150))
        ]
        topics = [f"topic-{t}" for t in range(rng.randint(0, 12))]
        languages = [(f"Lang{t}", 10_000 // (t + 1)) for t in range(rng.randint(1, 8))]
        specs.append(
            repo(f"org{i % 97}/project-{i}", stars=rng.randint(0, 90_000), commits=commits,
                 releases=releases, topics=topics, languages=languages)
        )  # fmt: skip
    return specs


def scenario(name: str, specs: list[dict[str, Any]], latency: float, **options: Any) -> None:
    limits = {k: options.pop(k) for k in ("max_nodes", "max_cost") if k in options}
    urls = [f"https://github.com/{s['nameWithOwner'].lower()}" for s in specs]
    results: dict[str, RepoFacts | FetchError] = {}
    with FakeGitHub(specs, latency=latency, **limits) as gh:
        client = GitHubClient(gh.url, [TOKEN], **options)
        started = time.perf_counter()
        stats = client.fetch(urls, results.__setitem__)
        wall = time.perf_counter() - started
    answered = [r for r in gh.requests if not r.refused]
    full = [r for r in answered if r.repos == 50]
    weekly = sum(1 for r in results.values() if isinstance(r, RepoFacts) and r.weekly_commits)
    print(f"{name}:")
    print(
        f"  {len(urls)} repos: {stats.requests} requests, {wall:.2f} s wall, {stats.split_batches} splits, "
        f"{stats.fetched} fetched, {stats.failed} failed"
    )
    server = sum(r.seconds for r in gh.requests)
    print(
        f"  fake server: {server:.2f} s in total (of which {latency * len(gh.requests):.2f} s added latency); "
        f"client side {wall - server:.2f} s"
    )
    print(
        f"  answer size: median {statistics.median(r.response_bytes for r in answered) / 1000:.0f} kB "
        f"per request, {sum(r.response_bytes for r in gh.requests) / 1e6:.1f} MB in total"
    )
    if full:
        print(f"  per 50-repo batch: cost {full[0].cost} points, {full[0].nodes:,} nodes (limit 500,000)")
    print(f"  weekly commits known for {weekly} of {len(urls)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repos", type=int, default=2_500)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    specs = synthetic(args.repos, random.Random(2500))
    scenario("weekly commits on (default)", specs, args.latency)
    scenario("weekly commits off", specs, args.latency, weekly=False)
    scenario("node limit 6,000 per query (forces splits)", specs, args.latency, max_nodes=6_000)


if __name__ == "__main__":
    main()
