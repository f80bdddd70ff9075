"""Reading package requirements (PEP 508) and `torch` specifiers (PEP 440) with `packaging`.

Only what the latest release of a package always needs counts as a dependency: requirements
behind an `extra == "..."` marker are optional and left out. Environment markers such as
`python_version < "3.12"` are kept (the dependency is real on some interpreters).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version


def required_names(requires_dist: Iterable[str]) -> tuple[str, ...]:
    """Normalised names of the packages a release always requires (extras left out), sorted."""
    names = {name for name in map(_required_name, requires_dist) if name is not None}
    return tuple(sorted(names))


@lru_cache(maxsize=65_536)  # the same lines recur across packages ("numpy>=1.24", "torch")
def _required_name(line: str) -> str | None:
    """The normalised name a requirement line always needs; None if optional or malformed."""
    _, semicolon, marker = line.partition(";")
    if semicolon and _EXTRA.search(_QUOTED.sub("", marker)):
        return None  # optional (an extra's): no need to parse it, which is most of the cost
    try:
        requirement = Requirement(line)
    except InvalidRequirement:
        return None  # a malformed line in someone's metadata says nothing reliable
    if requirement.marker is not None and _mentions_extra(requirement.marker):
        return None
    return str(canonicalize_name(requirement.name))


_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_EXTRA = re.compile(r"\bextra\b")


def _mentions_extra(marker: Marker) -> bool:
    """Whether the marker tests the `extra` variable (quoted values set aside)."""
    return bool(_EXTRA.search(_QUOTED.sub("", str(marker))))


def parse_specifier(text: str | None) -> SpecifierSet | None:
    """The `torch` requirement as a SpecifierSet ('' = any version); None when unknown or invalid."""
    if text is None:
        return None
    try:
        specifier = SpecifierSet(text)
        for part in specifier:  # a version Python cannot turn into numbers (over 4,300 digits)
            Version(part.version.removesuffix(".*"))
    except ValueError:  # InvalidSpecifier and InvalidVersion are ValueErrors
        return None
    return specifier


def is_final(version: str) -> bool:
    """A release that is not a pre-release or a development build (nightlies are not releases)."""
    try:
        parsed = Version(version)
    except ValueError:  # InvalidVersion, or digits Python will not convert (over 4,300)
        return False
    return not (parsed.is_prerelease or parsed.is_devrelease)


def minor_of(version: str) -> str | None:
    """`2.4` for `2.4.1` (None for versions packaging cannot read or pre-releases)."""
    try:
        parsed = Version(version)
    except ValueError:  # InvalidVersion, or digits Python will not convert (over 4,300)
        return None
    if parsed.is_prerelease or parsed.is_devrelease or len(parsed.release) < 2:
        return None
    return f"{parsed.release[0]}.{parsed.release[1]}"


def minor_key(minor: str) -> tuple[int, ...]:
    return tuple(int(part) for part in minor.split("."))


def accepts(specifier: SpecifierSet, minor: str, releases: Sequence[str] = ()) -> bool:
    """Whether a requirement accepts some release of torch `minor` (e.g. '2.4').

    `releases` are the known torch releases of that minor (e.g. 2.4.0, 2.4.1): `>=2.4.1`
    accepts 2.4 because 2.4.1 exists. Without known releases, `minor`.0 is tried.
    """
    return _accepts(specifier, tuple(releases) or (f"{minor}.0",))


@lru_cache(maxsize=65_536)  # a few specifiers ("torch>=2.0") against a few versions, many times
def _accepts(specifier: SpecifierSet, candidates: tuple[str, ...]) -> bool:
    try:
        return any(specifier.contains(version, prereleases=False) for version in candidates)
    except ValueError:  # a version of hostile data with more digits than Python converts
        return False
