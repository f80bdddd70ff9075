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
#: GitHub's `owner/name`: an account (letters, digits, hyphens; `_` in GitHub Enterprise's managed
#: users) and a repository name (also `.`, but not `.` or `..` alone).
_OWNER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*/(?!\.\.?\Z)[A-Za-z0-9_.-]+")


def is_owner_name(value: str) -> bool:
    """Whether `value` is a GitHub `owner/name` (`audit --fix` makes a repository URL of it)."""
    return bool(_OWNER_NAME.fullmatch(value))


def clean_data(record: type[RepoFacts] | type[PackageFacts], data: dict[str, Any]) -> dict[str, Any]:
    """`data` (a fact read from a file) with only the fields of `record` whose values have the
    right type: strings where strings belong (`*_at` ones parseable as ISO 8601 times, URLs
    http(s) only), integers, booleans, lists of the right shape. Anything else is left out, so
    the field takes its default: a hand-edited or hostile file cannot break a build or put a
    `javascript:` link on a page."""
    checks = _checks(record)
    return {name: value for name, value in data.items() if name in checks and checks[name](value)}


#: Bounds on what a file's fact may hold (a hostile `observed.jsonl` line must not put "-5 stars"
#: on a page, or 100,000 topics in it): counts, text, and list lengths (those with their own).
MAX_COUNT = 10**12
MAX_TEXT = 20_000
MAX_LIST = 5_000
MAX_ENTRIES = {"topics": 100, "languages": 100, "weekly_commits": 53, "project_urls": 100}

_Check = typing.Callable[[Any], bool]
_CHECKS: dict[type[Any], dict[str, _Check]] = {}


def _checks(record: type[Any]) -> dict[str, _Check]:
    """A check of each field of `record` for the value's type, made once from its type hints
    (a file holds thousands of facts)."""
    if record not in _CHECKS:
        hints = typing.get_type_hints(record)
        _CHECKS[record] = {name: _check(name, hint) for name, hint in hints.items()}
    return _CHECKS[record]


def _check(name: str, hint: Any) -> _Check:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        checks = [_check(name, arg) for arg in args]
        return lambda value: any(check(value) for check in checks)
    if hint is type(None):
        return lambda value: value is None
    if hint is bool:
        return lambda value: isinstance(value, bool)
    if hint is int:  # every number a fact holds is a count
        return lambda value: (
            isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT
        )
    if hint is str:
        return lambda value: isinstance(value, str) and len(value) <= MAX_TEXT and _fits_text(name, value)
    if name == "project_urls":  # (label, url) pairs: links on pages
        return _fits_project_urls
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            entry = _check("", args[0])
            most = MAX_ENTRIES.get(name, MAX_LIST)
            return lambda value: (
                isinstance(value, list | tuple) and len(value) <= most and all(map(entry, value))
            )
        entries = [_check("", arg) for arg in args]
        return lambda value: (
            isinstance(value, list | tuple)
            and len(value) == len(entries)
            and all(check(v) for check, v in zip(entries, value, strict=True))
        )
    return lambda value: False


def _fits_project_urls(value: Any) -> bool:
    pairs = isinstance(value, list | tuple) and len(value) <= MAX_ENTRIES["project_urls"]
    pairs = pairs and all(isinstance(p, list | tuple) and len(p) == 2 for p in value)
    return pairs and all(isinstance(a, str) and isinstance(b, str) and _fits_text("url", b) for a, b in value)


def utc_time(value: str) -> dt.datetime | None:
    """An ISO 8601 timestamp in UTC (naive ones taken as UTC); None when it is not one, or
    lies outside the years datetime can hold once in UTC ("0001-01-01T00:00+23:59")."""
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    except (ValueError, OverflowError):
        return None


def _fits_text(name: str, value: str) -> bool:
    if name.endswith("_at") and utc_time(value) is None:
        return False
    if name in _URL_FIELDS:
        return value.startswith(("https://", "http://"))
    if name == "name_with_owner":  # audit --fix makes a repository URL of it
        return is_owner_name(value)
    return True
