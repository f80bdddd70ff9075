"""The observed facts an audit judges against: the cache `refresh` writes (facts and failures),
the `observed.jsonl` beside the data file, and any `--observed` sources.

An `--observed` source is an `observed.jsonl` history file, or a landscape data file whose
package annotations say which packages belong to which repository (its own `observed.jsonl` is
read too). That lets a catalog without package annotations, such as the upstream PyTorch
landscape, be judged against another catalog's data: its items are matched by canonical
repository URL. The word `bundled` names the bundled PyTorch landscape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from torchscape.catalog.loader import check
from torchscape.catalog.model import Item, Landscape
from torchscape.catalog.urls import canonical_repo
from torchscape.errors import UsageError
from torchscape.paths import bundled_dir
from torchscape.sources.cache import Cache, Fact, Failure, open_readonly
from torchscape.sources.observed import GITHUB, PACKAGES, SNAPSHOT_NAME

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class PackageView:
    """One package of an item: its latest fact and/or its latest failure."""

    name: str
    data: Mapping[str, Any] | None = None
    fetched_at: str | None = None
    failure: Failure | None = None


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """What is known about one item upstream."""

    repo_key: str | None = None
    repo: Mapping[str, Any] | None = None
    repo_fetched_at: str | None = None
    repo_failure: Failure | None = None
    packages: tuple[PackageView, ...] = ()
    packages_matched: bool = False  # package names taken from an --observed catalog, by repository URL


@dataclass(slots=True)
class AuditFacts:
    """Every fact and failure, newest first, and the repository -> packages table of references."""

    facts: dict[Key, Fact] = field(default_factory=dict)
    failures: dict[Key, Failure] = field(default_factory=dict)
    repo_packages: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def add_fact(self, fact: Fact) -> None:
        key = (fact.source, fact.key)
        if key not in self.facts or fact.fetched_at > self.facts[key].fetched_at:
            self.facts[key] = fact

    def failure(self, key: Key) -> Failure | None:
        """The failure of `key`, unless a newer good value came after it."""
        failure = self.failures.get(key)
        fact = self.facts.get(key)
        if failure is None or (fact is not None and fact.fetched_at >= failure.failed_at):
            return None
        return failure

    def for_item(self, item: Item) -> ItemFacts:
        key = canonical_repo(item.repo_url or "")
        repo = self.facts.get((GITHUB, key)) if key else None
        names = item.packages
        matched = False
        if not names and key and key in self.repo_packages:
            names, matched = self.repo_packages[key], True
        return ItemFacts(
            repo_key=key,
            repo=repo.data if repo else None,
            repo_fetched_at=repo.fetched_at if repo else None,
            repo_failure=self.failure((GITHUB, key)) if key else None,
            packages=tuple(self._package(name) for name in names),
            packages_matched=matched,
        )

    def _package(self, name: str) -> PackageView:
        key = (PACKAGES, str(canonicalize_name(name)))
        fact = self.facts.get(key)
        return PackageView(
            name=name,
            data=fact.data if fact else None,
            fetched_at=fact.fetched_at if fact else None,
            failure=self.failure(key),
        )


def gather(landscape: Landscape, cache_dir: Path | None, observed: Iterable[str] = ()) -> AuditFacts:
    """Read the snapshot beside the data file, each `--observed` source, then the cache."""
    found = AuditFacts()
    _read_snapshot(found, landscape.data_file.parent / SNAPSHOT_NAME)
    for source in observed:
        _read_source(found, source)
    cache = open_readonly(cache_dir)  # a CacheError ends the command (exit 1), as it ends a build
    if cache is not None:
        with cache:
            for source in (GITHUB, PACKAGES):
                for fact in cache.facts(source).values():
                    found.add_fact(fact)
            for failure in cache.failures():
                found.failures[(failure.source, failure.key)] = failure
        found.sources.append(f"cache {cache.path}")
    return found


def _read_source(found: AuditFacts, source: str) -> None:
    path = bundled_dir() / "landscape.yml" if source == "bundled" else Path(source)
    if not path.is_file():
        raise UsageError(f"--observed {source}: no such file")
    if path.suffix == ".jsonl":
        _read_snapshot(found, path)
        return
    result = check(path, None, None, None)
    if result.landscape is None:
        raise UsageError(f"--observed {source}: the catalog cannot be read (run validate on it)")
    for item in result.landscape:
        key = canonical_repo(item.repo_url or "")
        if key and item.packages and key not in found.repo_packages:
            found.repo_packages[key] = item.packages
    found.sources.append(f"package names of {path}")
    _read_snapshot(found, path.parent / SNAPSHOT_NAME)


def _read_snapshot(found: AuditFacts, path: Path) -> None:
    if not path.is_file():
        return
    bad: list[str] = []
    with Cache.open_memory() as memory:
        try:
            memory.import_file(path, lambda number, why: bad.append(f"{path}:{number}: {why}"))
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {path}: {exc}") from exc
        for source in (GITHUB, PACKAGES):
            for fact in memory.facts(source).values():
                found.add_fact(fact)
    if bad:
        raise UsageError(f"{bad[0]} is not an observed-data record ({len(bad)} bad line(s))")
    found.sources.append(str(path))
