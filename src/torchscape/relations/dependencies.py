"""Which listed items depend on which, from each item's packages (`Requires-Dist` of the latest release)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from packaging.utils import canonicalize_name

from torchscape.catalog.model import Item
from torchscape.relations.requirements import required_names
from torchscape.sources.observed import Observed


def package_owners(items: Iterable[Item]) -> dict[str, str]:
    """Normalised package name -> the id of the item that lists it (the first one in file order)."""
    owners: dict[str, str] = {}
    for item in items:
        for name in item.packages:
            owners.setdefault(str(canonicalize_name(name)), item.id)
    return owners


def built_on(items: Iterable[Item], observed: Observed) -> dict[str, tuple[str, ...]]:
    """Item id -> the ids of the listed items its packages require (sorted; itself left out)."""
    listed = list(items)
    owners = package_owners(listed)
    edges: dict[str, tuple[str, ...]] = {}
    for item in listed:
        targets: set[str] = set()
        for package in observed.get(item.id).packages:
            for name in required_names(package.get("requires_dist") or ()):
                owner = owners.get(name)
                if owner is not None and owner != item.id:
                    targets.add(owner)
        if targets:
            edges[item.id] = tuple(sorted(targets))
    return edges


def used_by(edges: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """The reverse of `built_on`: item id -> the ids of the listed items that require it."""
    reverse: dict[str, set[str]] = defaultdict(set)
    for source, targets in edges.items():
        for target in targets:
            reverse[target].add(source)
    return {target: tuple(sorted(sources)) for target, sources in sorted(reverse.items())}
