"""How the items of a landscape relate: alternatives, dependencies, torch compatibility, comparisons.

Everything is computed at build time from the catalog and the cached observed data (never
online), deterministically: the same inputs give the same relations.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from torchscape.catalog.ids import claim, section_id
from torchscape.catalog.model import Landscape
from torchscape.relations.dependencies import built_on, package_owners, used_by
from torchscape.relations.similarity import alternatives, profiles_of
from torchscape.relations.torch_compat import TORCH, TorchVersions, compatibility, torch_versions
from torchscape.sources.observed import Observed

#: How many torch minors are tested when the settings do not list them (the newest ones).
DEFAULT_TORCH_MINORS = 12


@dataclass(frozen=True, slots=True)
class Comparison:
    """A pre-rendered comparison: its page folder (`compare/<id>/`), title and item ids."""

    id: str
    name: str
    items: tuple[str, ...]
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Relations:
    alternatives: Mapping[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    built_on: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    used_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    torch: TorchVersions = field(default_factory=lambda: TorchVersions((), {}, "none"))
    compatible: Mapping[str, tuple[str, ...] | None] = field(default_factory=dict)
    comparisons: tuple[Comparison, ...] = ()
    base: str | None = None  # the item that lists the `torch` package
    facts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # compare view, by item id

    @property
    def has_torch(self) -> bool:
        """Whether any item's torch compatibility is known: a landscape outside the PyTorch
        ecosystem (or one never refreshed) gets no torch pages, panels or links."""
        return any(versions is not None for versions in self.compatible.values())

    @property
    def has_dependencies(self) -> bool:
        """Whether any listed item is known to be built on another (else no dependency graph)."""
        return any(self.built_on.values())

    def top_alternatives(self, item_id: str, count: int = 3) -> tuple[str, ...]:
        return tuple(other for other, _ in self.alternatives.get(item_id, ())[:count])


def relate(landscape: Landscape, observed: Observed) -> Relations:
    """Every relation of the landscape (see the package's modules for each rule)."""
    settings = landscape.settings.torchscape if landscape.settings else None
    topics = {i.id: tuple((observed.get(i.id).repo or {}).get("topics") or ()) for i in landscape}
    edges = built_on(landscape, observed)
    configured = settings.torch_versions if settings else None
    versions = torch_versions(landscape, observed, configured)
    if not configured:
        versions = TorchVersions(versions.minors[:DEFAULT_TORCH_MINORS], versions.releases, versions.source)
    found = Relations(
        alternatives=alternatives(profiles_of(landscape, topics, landscape.is_member)),
        built_on=edges,
        used_by=used_by(edges),
        torch=versions,
        compatible=compatibility(landscape, observed, versions),
        comparisons=named_comparisons(landscape),
        base=package_owners(landscape).get(TORCH),
    )
    from torchscape.relations.compare import compare_facts  # it reads a Relations

    return dataclasses.replace(found, facts=compare_facts(landscape, observed, found))


def named_comparisons(landscape: Landscape) -> tuple[Comparison, ...]:
    """The settings' comparisons, with unknown ids left out (validation warned about them) and
    ids matched case-insensitively; those left with fewer than two items are dropped."""
    settings = landscape.settings.torchscape if landscape.settings else None
    by_lower = {item.id.lower(): item.id for item in landscape}
    found: list[Comparison] = []
    used: set[str] = set()
    for entry in (settings.comparisons or ()) if settings else ():
        ids = tuple(dict.fromkeys(by_lower[i.lower()] for i in entry.items if i.lower() in by_lower))[:4]
        if len(ids) < 2:
            continue
        slug = claim(section_id(entry.name, "comparison"), used)
        found.append(Comparison(slug, entry.name, ids, entry.description))
    return tuple(found)


__all__ = ["Comparison", "Relations", "relate"]
