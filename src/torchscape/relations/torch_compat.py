"""Which torch versions each item's latest release accepts, from its `torch` requirement.

The torch minor versions tested are the settings' `torchscape.torch_versions` when given; else
the minors of the `torch` package's releases in the observed data (when the catalog lists
torch's package); else the versions named in the items' torch requirements. An item without a
package, or whose package does not declare torch, is unknown: never counted as compatible.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from torchscape.catalog.model import Item
from torchscape.relations.requirements import accepts, minor_key, minor_of, parse_specifier
from torchscape.sources.observed import Observed

TORCH = "torch"


@dataclass(frozen=True, slots=True)
class TorchVersions:
    """The torch minors to test, newest first, with their known releases."""

    minors: tuple[str, ...]
    releases: Mapping[str, tuple[str, ...]]
    source: str  # "settings", "observed torch releases", "requirements" or "none"


def torch_versions(
    items: Iterable[Item], observed: Observed, configured: Sequence[str] | None
) -> TorchVersions:
    """Which torch minors to test (see the module's note for the order of sources)."""
    listed = list(items)
    releases: dict[str, list[str]] = defaultdict(list)
    for item in listed:
        for package in observed.get(item.id).packages:
            if canonicalize_name(str(package.get("name") or "")) != TORCH:
                continue
            for entry in package.get("versions") or ():
                version = entry[0] if isinstance(entry, list | tuple) and entry else entry
                minor = minor_of(str(version))
                if minor is not None:
                    releases[minor].append(str(version))
    known = {minor: tuple(found) for minor, found in releases.items()}
    if configured:
        minors = {m for v in configured if (m := minor_of(v if v.count(".") >= 1 else v + ".0"))}
        return TorchVersions(_newest_first(minors), known, "settings")
    if known:
        return TorchVersions(_newest_first(known), known, "observed torch releases")
    mentioned = set()
    for item in listed:
        specifier = parse_specifier(observed.get(item.id).torch_requirement)
        for spec in specifier or ():
            minor = minor_of(spec.version.rstrip(".*"))
            if minor is not None:
                mentioned.add(minor)
    return TorchVersions(_newest_first(mentioned), {}, "requirements" if mentioned else "none")


def _newest_first(minors: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(minors), key=minor_key, reverse=True))


def compatibility(
    items: Iterable[Item], observed: Observed, versions: TorchVersions
) -> dict[str, tuple[str, ...] | None]:
    """Item id -> the torch minors its latest release accepts (newest first), None when unknown."""
    result: dict[str, tuple[str, ...] | None] = {}
    for item in items:
        specifier = parse_specifier(observed.get(item.id).torch_requirement)
        result[item.id] = None if specifier is None else accepted(specifier, versions)
    return result


def accepted(specifier: SpecifierSet, versions: TorchVersions) -> tuple[str, ...]:
    return tuple(m for m in versions.minors if accepts(specifier, m, versions.releases.get(m, ())))
