"""Observed data per item, merged late (after the catalog is loaded) for the site and `audit`.

Sources, newest value winning: the cache (`refresh` writes it) and an `observed.jsonl` history
file beside the data file (a committed snapshot, e.g. the bundled landscape's). Upstream state is
judged from commits and releases together, never from missing data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from packaging.utils import canonicalize_name

from torchscape.catalog.model import Item, Landscape
from torchscape.catalog.urls import canonical_repo
from torchscape.sources.cache import Cache, Fact, open_readonly
from torchscape.sources.facts import PackageFacts, RepoFacts, utc_time
from torchscape.sources.index_parse import licence_name

GITHUB = "github"
PACKAGES = "packages"
SNAPSHOT_NAME = "observed.jsonl"

Activity = Literal["active", "slowing", "dormant", "archived"]
ACTIVE_DAYS = 90
DORMANT_DAYS = 365


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Days since the last commit or release: active within `active_days`, dormant after `dormant_days`."""

    active_days: int = ACTIVE_DAYS
    dormant_days: int = DORMANT_DAYS


@dataclass(frozen=True, slots=True)
class ItemObserved:
    """What is known upstream about one item, with when it was fetched."""

    repo: Mapping[str, Any] | None = None
    repo_fetched_at: str | None = None
    packages: tuple[Mapping[str, Any], ...] = ()
    packages_fetched_at: str | None = None
    activity: Activity | None = None
    last_activity_at: str | None = None
    stars_history: tuple[tuple[str, int], ...] = ()

    @property
    def package(self) -> Mapping[str, Any] | None:
        """The first listed package that the index knows (the item's main package)."""
        return self.packages[0] if self.packages else None

    @property
    def description(self) -> str | None:
        """What the project says of itself upstream: its repository's description, else its
        main package's summary (None when neither is known or both are blank)."""
        for text in ((self.repo or {}).get("description"), (self.package or {}).get("summary")):
            if isinstance(text, str) and text.strip():
                return " ".join(text.split())
        return None

    @property
    def torch_requirement(self) -> str | None:
        for package in self.packages:
            if package.get("torch_requirement") is not None:
                return str(package["torch_requirement"])
        return None


@dataclass(frozen=True, slots=True)
class Observed:
    """Observed data for a whole landscape, by item id, and the time it describes."""

    items: Mapping[str, ItemObserved] = field(default_factory=dict)
    as_of: str | None = None

    def get(self, item_id: str) -> ItemObserved:
        return self.items.get(item_id, ItemObserved())

    @property
    def has_repos(self) -> bool:
        """Whether any item has repository data (stars, commits): the site offers to sort by
        those only then (a snapshot of package data alone has none)."""
        return any(view.repo for view in self.items.values())


def load_observed(landscape: Landscape, cache_dir: Path | None, thresholds: Thresholds) -> Observed:
    """Merge the cache and the landscape's snapshot file, then derive each item's view."""
    facts = _snapshot(landscape.data_file.parent / SNAPSHOT_NAME)
    cache = open_readonly(cache_dir)
    if cache is not None:
        with cache:
            for source in (GITHUB, PACKAGES):
                for fact in cache.facts(source).values():
                    _newest(facts, fact)
            history = {k: cache.history(GITHUB, k) for k in _repo_keys(landscape)}
    else:
        history = {}
    as_of = max((f.fetched_at for f in facts.values()), default=None)
    now = _parse(as_of) if as_of else None
    items = {item.id: _item_view(item, facts, history, thresholds, now) for item in landscape}
    return Observed({k: v for k, v in items.items() if v != ItemObserved()}, as_of)


def _snapshot(path: Path) -> dict[tuple[str, str], Fact]:
    facts: dict[tuple[str, str], Fact] = {}
    if not path.is_file():
        return facts
    memory = Cache.open_memory()
    with memory:
        memory.import_file(path)
        for source in (GITHUB, PACKAGES):
            for fact in memory.facts(source).values():
                facts[(source, fact.key)] = fact
    return facts


def _newest(facts: dict[tuple[str, str], Fact], fact: Fact) -> None:
    key = (fact.source, fact.key)
    if key not in facts or fact.fetched_at > facts[key].fetched_at:
        facts[key] = fact


def _repo_keys(landscape: Landscape) -> set[str]:
    return {key for item in landscape if (key := canonical_repo(item.repo_url or ""))}


def _defaults(record: type[Any]) -> dict[str, Any]:
    """Every field of a facts record with its default (None for required ones)."""
    found: dict[str, Any] = {}
    for item in dataclasses.fields(record):
        if item.default is not dataclasses.MISSING:
            found[item.name] = item.default
        else:
            found[item.name] = None
    return found


_REPO_DEFAULTS = _defaults(RepoFacts)
_PACKAGE_DEFAULTS = _defaults(PackageFacts)


def _item_view(
    item: Item,
    facts: Mapping[tuple[str, str], Fact],
    history: Mapping[str, list[Fact]],
    thresholds: Thresholds,
    now: dt.datetime | None,
) -> ItemObserved:
    key = canonical_repo(item.repo_url or "")
    repo = facts.get((GITHUB, key)) if key else None
    packages = [
        facts[(PACKAGES, _normalise(name))] for name in item.packages if (PACKAGES, _normalise(name)) in facts
    ]
    last = _last_activity(repo.data if repo else None, [p.data for p in packages])
    stars = tuple((f.fetched_at[:10], int(f.data.get("stars", 0))) for f in history.get(key or "", []))
    return ItemObserved(
        repo={**_REPO_DEFAULTS, **repo.data} if repo else None,
        repo_fetched_at=repo.fetched_at if repo else None,
        # Licences as the refresh now writes them, also from older caches and snapshots.
        packages=tuple(
            {**_PACKAGE_DEFAULTS, **p.data, "license": licence_name(p.data.get("license"))} for p in packages
        ),
        packages_fetched_at=max((p.fetched_at for p in packages), default=None),
        activity=classify(repo.data if repo else None, last, now, thresholds),
        last_activity_at=last,
        stars_history=stars,
    )


def _last_activity(repo: Mapping[str, Any] | None, packages: list[Mapping[str, Any]]) -> str | None:
    """The latest of the last commit, the latest GitHub release and the latest package upload."""
    dates = []
    if repo:
        dates += [repo.get("last_commit_at"), repo.get("latest_release_at")]
    dates += [p.get("latest_uploaded_at") for p in packages]
    known = [(moment, d) for d in dates if isinstance(d, str) and (moment := _parse(d)) is not None]
    return max(known)[1] if known else None


def classify(
    repo: Mapping[str, Any] | None, last: str | None, now: dt.datetime | None, thresholds: Thresholds
) -> Activity | None:
    """archived (upstream) / active / slowing / dormant, or None when the data cannot say.

    A recent commit or release proves activity. Quiet is judged only when the commits were seen:
    a project that last released long ago may still commit daily, so without commit data an
    old release says nothing.
    """
    if repo and repo.get("is_archived"):
        return "archived"
    when = _parse(last) if last is not None else None
    if when is None or now is None:
        return None
    days = (now - when).days
    if days <= thresholds.active_days:
        return "active"
    if not (repo and repo.get("last_commit_at")):
        return None
    return "slowing" if days <= thresholds.dormant_days else "dormant"


def _parse(value: str) -> dt.datetime | None:
    """A snapshot's timestamp (a committed file: anything may be written in it), or None."""
    return utc_time(value)


def _normalise(name: str) -> str:
    return str(canonicalize_name(name))
