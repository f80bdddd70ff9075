"""The observed data's whole history, read from the two places it is kept.

A landscape's `observed.jsonl` snapshot (committed beside its data file) and the cache each hold
snapshots of facts over time; `add` wants the newest of each, the feed wants all of them. Lines
of the snapshot that are not well-formed records are skipped (the file comes from outside:
`Cache.import_jsonl` checks them).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from torchscape.sources.cache import Cache, open_readonly
from torchscape.sources.observed import SNAPSHOT_NAME

History = dict[tuple[str, str], list[tuple[str, Any]]]  # (source, key) -> [(fetched_at, data)], oldest first


def observed_history(data_dir: Path, cache_dir: Path | None) -> History:
    """Every stored snapshot of every fact (snapshot file and cache), oldest first."""
    history: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    snapshot = data_dir / SNAPSHOT_NAME
    if snapshot.is_file():
        with Cache.open_memory() as memory:  # the same checks as every other reading of it
            memory.import_file(snapshot)
            for fact in memory.all_history():
                history[(fact.source, fact.key)][fact.fetched_at] = fact.data
    cache = open_readonly(cache_dir)
    if cache is not None:
        with cache:
            for fact in cache.all_history():
                history[(fact.source, fact.key)][fact.fetched_at] = fact.data
    return {key: sorted(found.items()) for key, found in history.items()}


def newest_facts(data_dir: Path, cache_dir: Path | None) -> dict[tuple[str, str], dict[str, Any]]:
    """The newest snapshot of each fact."""
    return {key: snapshots[-1][1] for key, snapshots in observed_history(data_dir, cache_dir).items()}


__all__ = ["History", "newest_facts", "observed_history"]
