"""The observed facts torchscape fetches, as plain frozen records (JSON-friendly).

Fetchers produce these; the cache stores them with `fetched_at`; the site shows them with their
age. Curated values in the catalog always win over them.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ErrorKind = Literal[
    "not-found", "rate-limited", "auth", "server", "timeout", "network", "malformed", "refused"
]


@dataclass(frozen=True, slots=True)
class RepoFacts:
    """One GitHub repository, as GraphQL reports it."""

    requested: str  # https://github.com/owner/repo as listed (lowercase owner/repo)
    name_with_owner: str  # canonical owner/name: differs from `requested` after a rename or move
    url: str
    description: str | None = None
    homepage: str | None = None
    stars: int = 0
    forks: int = 0
    open_issues: int = 0
    contributors: int | None = None  # best count GraphQL offers (mentionable users)
    created_at: str | None = None  # ISO 8601
    pushed_at: str | None = None
    last_commit_at: str | None = None  # on the default branch
    commits_last_year: int | None = None
    weekly_commits: tuple[int, ...] = ()  # 52 weeks, oldest first, when available
    latest_release_tag: str | None = None
    latest_release_at: str | None = None
    releases_last_year: int | None = None
    license: str | None = None  # SPDX id
    primary_language: str | None = None
    languages: tuple[tuple[str, int], ...] = ()  # (name, bytes), largest first
    topics: tuple[str, ...] = ()
    is_archived: bool = False
    is_fork: bool = False
    default_branch: str | None = None

    @property
    def renamed(self) -> bool:
        return self.name_with_owner.lower() != self.requested.removeprefix("https://github.com/").lower()

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PackageFacts:
    """One package on the package index: its releases and its latest release's core metadata."""

    name: str  # normalised (PEP 503)
    index_url: str  # the simple index it came from
    versions: tuple[tuple[str, str | None], ...] = ()  # (version, first upload time ISO), oldest first
    latest_version: str | None = None  # newest non-yanked, non-pre-release
    latest_uploaded_at: str | None = None
    requires_python: str | None = None
    requires_dist: tuple[str, ...] = ()
    torch_requirement: str | None = None  # the specifier on `torch` in requires_dist ("" = any)
    license: str | None = None  # License-Expression, else License
    summary: str | None = None
    project_urls: tuple[tuple[str, str], ...] = ()  # (label, url)
    page_url: str | None = None  # the package's web page, as the index returned it (if it did)
    metadata_source: str | None = None  # "pep658" or "json-api"
    notes: tuple[str, ...] = ()  # what could not be kept, and why (e.g. a License field holding a whole text)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class FetchError:
    """Why one repository or package could not be fetched this time."""

    key: str
    kind: ErrorKind
    message: str
    retry_after: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class FetchStats:
    """Counts a fetcher reports (for the summary and the benchmark)."""

    requests: int = 0
    fetched: int = 0
    failed: int = 0
    retries: int = 0
    split_batches: int = 0
    errors: dict[str, int] = field(default_factory=dict)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- facts read back from a file (observed.jsonl is committed and edited in pull requests) ------

_URL_FIELDS = frozenset({"url", "homepage", "index_url", "page_url", "requested"})
_OWNER_NAME = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def clean_data(record: type[RepoFacts] | type[PackageFacts], data: dict[str, Any]) -> dict[str, Any]:
    """`data` (a fact read from a file) with only the fields of `record` whose values have the
    right type: strings where strings belong (`*_at` ones parseable as ISO 8601 times, URLs
    http(s) only), integers, booleans, lists of the right shape. Anything else is left out, so
    the field takes its default: a hand-edited or hostile file cannot break a build or put a
    `javascript:` link on a page."""
    hints = _hints(record)
    return {name: value for name, value in data.items() if name in hints and _fits(name, hints[name], value)}


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(record: type[Any]) -> dict[str, Any]:
    """A record's field types, resolved once (not for every fact of a file)."""
    if record not in _HINTS:
        _HINTS[record] = typing.get_type_hints(record)
    return _HINTS[record]


def _fits(name: str, hint: Any, value: Any) -> bool:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(name, arg, value) for arg in args)
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str) and _fits_text(name, value)
    if name == "project_urls":  # (label, url) pairs: links on pages
        pairs = isinstance(value, list | tuple) and all(
            isinstance(p, list | tuple) and len(p) == 2 for p in value
        )
        return pairs and all(
            isinstance(a, str) and isinstance(b, str) and _fits_text("url", b) for a, b in value
        )
    if origin is tuple:
        if not isinstance(value, list | tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_fits("", args[0], entry) for entry in value)
        return len(value) == len(args) and all(
            _fits("", arg, entry) for arg, entry in zip(args, value, strict=True)
        )
    return False


def _fits_text(name: str, value: str) -> bool:
    if name.endswith("_at"):
        try:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return False
    if name in _URL_FIELDS:
        return value.startswith(("https://", "http://"))
    if name == "name_with_owner":  # audit --fix makes a repository URL of it
        return bool(_OWNER_NAME.match(value))
    return True
