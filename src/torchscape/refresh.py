"""`torchscape refresh`: fetch observed data for every item into the cache; nothing else goes online.

Each result is stored the moment it arrives, so an interrupted refresh keeps what it fetched and
the next run asks only for what is missing or older than `--max-age`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from packaging.utils import canonicalize_name

from torchscape.catalog.model import Landscape
from torchscape.catalog.urls import canonical_repo
from torchscape.errors import UsageError, printable
from torchscape.sources.cache import Cache
from torchscape.sources.facts import FetchError, PackageFacts, RepoFacts
from torchscape.sources.observed import GITHUB, PACKAGES

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*\Z")
_UNITS = {"": 3600, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
#: The longest `--max-age`: 100 years is "never fetch again" already, and `now - max_age` must
#: still be a date (Python's end at year 1).
MAX_AGE_DAYS = 36_500

Progress = Callable[[str, int, int], None]  # (source, done, total)


def parse_duration(text: str) -> dt.timedelta:
    """`24h`, `30m`, `7d`, `2w`, `0` (a bare number is hours)."""
    match = _DURATION.match(text)
    if not match:
        raise UsageError(f"--max-age '{text}' is not a duration like 24h, 30m, 7d or 0")
    seconds = float(match.group(1)) * _UNITS[match.group(2)]  # inf for 400 digits: caught below
    if not seconds <= MAX_AGE_DAYS * 86400:
        raise UsageError(f"--max-age '{text}' is longer than {MAX_AGE_DAYS}d (100 years), the most it can be")
    return dt.timedelta(seconds=seconds)


@dataclass(slots=True)
class SourceSummary:
    """What one source did in a refresh."""

    source: str
    wanted: int = 0
    fetched: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped_reason: str | None = None
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    requests: int = 0

    def line(self) -> str:
        """The summary line; what servers said in it has control and direction characters
        escaped (an error message is the server's text, which could drive the terminal)."""
        return printable(self._line())

    def _line(self) -> str:
        if self.skipped_reason:
            return f"{self.source}: skipped: {self.skipped_reason}"
        text = (
            f"{self.source}: {self.fetched} fetched, {self.unchanged} unchanged (fresher than --max-age), "
            f"{self.failed} failed"
        )
        if self.failures:
            kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.failures.items()))
            text += f" ({kinds}; e.g. {'; '.join(f'{k}: {m}' for k, m in list(self.examples.items())[:3])})"
        return text + (f"; {self.requests} requests" if self.requests else "")


def wanted_keys(landscape: Landscape) -> dict[str, list[str]]:
    """The GitHub repositories and packages a landscape lists, canonical and sorted."""
    repos = {canonical_repo(r.url) for item in landscape for r in item.repositories}
    packages = {str(canonicalize_name(name)) for item in landscape for name in item.packages}
    return {GITHUB: sorted(r for r in repos if r), PACKAGES: sorted(packages)}


def stale(
    keys: Sequence[str], fetched: Mapping[str, str], now: dt.datetime, max_age: dt.timedelta
) -> list[str]:
    """The keys never fetched, or fetched longer than `max_age` ago."""
    limit = (now - max_age).isoformat()
    return [key for key in keys if key not in fetched or fetched[key] < limit]


class Recorder:
    """Stores each result in the cache as it arrives and counts it for the summary."""

    def __init__(
        self, cache: Cache, summary: SourceSummary, now: dt.datetime, progress: Progress | None
    ) -> None:
        self.cache, self.summary, self.progress = cache, summary, progress
        self.stamp = now.isoformat().replace("+00:00", "Z")
        self.done = 0

    def __call__(self, key: str, result: RepoFacts | PackageFacts | FetchError) -> None:
        if isinstance(result, FetchError):
            self.cache.fail(self.summary.source, key, result.kind, result.message, self.stamp)
            self.summary.failed += 1
            self.summary.failures[result.kind] += 1
            self.summary.examples.setdefault(key, result.message)
        else:
            self.cache.put(self.summary.source, key, result.to_json(), self.stamp)
            self.summary.fetched += 1
        self.done += 1
        if self.progress:
            self.progress(self.summary.source, self.done, self.summary.wanted - self.summary.unchanged)


OnResult = Callable[[str, RepoFacts | PackageFacts | FetchError], None]


class Client(Protocol):
    """What refresh needs from a source client (GitHubClient, PackageIndexClient)."""

    def fetch(self, keys: Sequence[str], on_result: OnResult) -> Any: ...


def refresh(
    landscape: Landscape,
    cache_dir: Path,
    factories: Mapping[str, Callable[[], Client | str]],
    *,
    max_age: dt.timedelta,
    now: dt.datetime,
    progress: Progress | None = None,
) -> list[SourceSummary]:
    """Fetch what is missing or stale for each source in `factories` (source -> client maker).

    A factory returns a client with `fetch(keys, on_result)`, or a string saying why the source
    is skipped (e.g. no GitHub token).
    """
    wanted = wanted_keys(landscape)
    summaries = []
    with Cache.open(cache_dir) as cache:
        for source, factory in factories.items():
            summary = SourceSummary(source, wanted=len(wanted[source]))
            summaries.append(summary)
            todo = stale(wanted[source], cache.fetched_at(source), now, max_age)
            summary.unchanged = summary.wanted - len(todo)
            if not todo:
                continue
            client = factory()
            if isinstance(client, str):
                summary.skipped_reason = client
                continue
            stats = client.fetch(todo, Recorder(cache, summary, now, progress))
            summary.requests = getattr(stats, "requests", 0)
    return summaries
