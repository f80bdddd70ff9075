"""The GraphQL document torchscape sends to GitHub, and pure functions reading its answer.

One query asks for a batch of repositories: one aliased `repository(owner:, name:)` field per
repository (`r0`, `r1`, ...), with owner and name passed as variables (never written into the
document), all selecting the `Repo` fragment, plus `rateLimit` once.

Weekly commits: the `yearly` history asks for up to 100 commit dates of the last 52 weeks along
with its `totalCount`. This adds no connection to the query (GitHub's cost counts connections, not
nodes), only payload; when the year has at most 100 commits the dates are all of them and are
bucketed into 52 weeks, otherwise `weekly_commits` stays empty rather than showing a truncated
year. `weekly=False` drops the dates (the benchmark measures both).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from torchscape.sources.facts import RepoFacts, is_owner_name, utc_time

WEEKS = 52
RELEASES_PAGE = 100  # newest releases read to count those of the last year (at most 100 per page)
_HISTORY_NODES = 100

_FRAGMENT = """
fragment Repo on Repository {
  nameWithOwner url description homepageUrl stargazerCount forkCount
  issues(states: OPEN) { totalCount }
  mentionableUsers { totalCount }
  createdAt pushedAt isArchived isFork
  licenseInfo { spdxId }
  primaryLanguage { name }
  languages(first: 10, orderBy: {field: SIZE, direction: DESC}) { edges { size node { name } } }
  repositoryTopics(first: 20) { nodes { topic { name } } }
  defaultBranchRef {
    name
    target {
      ... on Commit {
        history(first: 1) { nodes { committedDate } }
        yearly: %(yearly)s
      }
    }
  }
  latestRelease { tagName publishedAt }
  releases(first: %(releases)d, orderBy: {field: CREATED_AT, direction: DESC}) { nodes { publishedAt } }
}
"""
_YEARLY_WITH_DATES = (
    f"history(first: {_HISTORY_NODES}, since: $since) {{ totalCount nodes {{ committedDate }} }}"
)
_YEARLY_COUNT_ONLY = "history(since: $since) { totalCount }"


class ShapeError(ValueError):
    """GitHub's answer does not have the shape our query asked for."""


def alias(index: int) -> str:
    return f"r{index}"


@functools.lru_cache(maxsize=256)
def build_query(count: int, *, weekly: bool = True) -> str:
    """The document for a batch of `count` repositories (variables `$o<i>`, `$n<i>`, `$since`)."""
    params = ", ".join(f"$o{i}: String!, $n{i}: String!" for i in range(count))
    fields = "\n".join(f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{ ...Repo }}" for i in range(count))
    yearly = _YEARLY_WITH_DATES if weekly else _YEARLY_COUNT_ONLY
    fragment = _FRAGMENT % {"yearly": yearly, "releases": RELEASES_PAGE}
    head = f"query Repos($since: GitTimestamp!, {params}) {{\n  rateLimit {{ cost remaining resetAt }}"
    return f"{head}\n{fields}\n}}\n{fragment}"


def build_variables(slugs: Sequence[tuple[str, str]], since: dt.datetime) -> dict[str, str]:
    """The variables for `build_query(len(slugs))`: owner and name of each repository, and `since`."""
    variables = {"since": iso(since)}
    for i, (owner, name) in enumerate(slugs):
        variables[f"o{i}"] = owner
        variables[f"n{i}"] = name
    return variables


def split_repo_url(url: str) -> tuple[str, str] | None:
    """(owner, name) of `https://host/owner/name`, or None when the URL names no repository."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if parts.scheme not in ("http", "https") or len(segments) != 2 or parts.query or parts.fragment:
        return None
    owner, name = segments
    return owner, name.removesuffix(".git")


def since_for(now: dt.datetime) -> dt.datetime:
    """Start of the observed year: 52 weeks before `now`, to the second."""
    return now.replace(microsecond=0) - dt.timedelta(weeks=WEEKS)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: object) -> dt.datetime | None:
    if value is None:
        return None
    moment = utc_time(_str(value))  # None too for a time no datetime holds in UTC
    if moment is None:
        raise ShapeError(f"not a timestamp: {str(value)[:80]!r}")
    return moment


def parse_repository(requested: str, node: object, since: dt.datetime) -> RepoFacts:
    """RepoFacts from one `Repo` fragment of the answer (raises ShapeError on a wrong shape).

    `contributors` is `mentionableUsers.totalCount`: GraphQL has no exact contributor count (REST's
    contributors list is exact but costs one paged call per repository). Mentionable users are the
    people who contributed to, commented on or can push to the repository: an approximation, usually
    close for community projects and larger for organisation repositories.
    `releases_last_year` counts within the newest RELEASES_PAGE releases, so it is at most that.
    """
    repo = _obj(node)
    branch = _opt_obj(repo.get("defaultBranchRef"))
    commit = _opt_obj(branch.get("target")) if branch else None
    latest = _opt_obj(repo.get("latestRelease"))
    yearly = _opt_obj(commit.get("yearly")) if commit else None
    name_with_owner = _str(repo.get("nameWithOwner"))
    if not is_owner_name(name_with_owner):  # `audit --fix` would write it into repo_url
        raise ShapeError(f"not an owner/name: {name_with_owner[:80]!r}")
    url = _str(repo.get("url"))
    if not url.startswith(("https://", "http://")):
        raise ShapeError(f"not a web address: {url[:80]!r}")
    return RepoFacts(
        requested=requested,
        name_with_owner=name_with_owner,
        url=url,
        description=_opt_str(repo.get("description")) or None,
        homepage=_opt_str(repo.get("homepageUrl")) or None,  # checked where it is used (add, pages)
        stars=_int(repo.get("stargazerCount")),
        forks=_int(repo.get("forkCount")),
        open_issues=_total(repo.get("issues")) or 0,
        contributors=_total(repo.get("mentionableUsers")),
        created_at=_opt_time(repo.get("createdAt")),
        pushed_at=_opt_time(repo.get("pushedAt")),
        last_commit_at=_last_commit(commit),
        commits_last_year=_total(yearly),
        weekly_commits=weekly_commits(yearly, since),
        latest_release_tag=_opt_str(latest.get("tagName")) if latest else None,
        latest_release_at=_opt_time(latest.get("publishedAt")) if latest else None,
        releases_last_year=releases_since(repo.get("releases"), since),
        license=_license(repo.get("licenseInfo")),
        primary_language=_name(repo.get("primaryLanguage")),
        languages=_languages(repo.get("languages")),
        topics=_topics(repo.get("repositoryTopics")),
        is_archived=_bool(repo.get("isArchived")),
        is_fork=_bool(repo.get("isFork")),
        default_branch=_opt_str(branch.get("name")) if branch else None,
    )


def weekly_commits(yearly: Mapping[str, Any] | None, since: dt.datetime) -> tuple[int, ...]:
    """Commits per week, oldest first, when the answer holds every commit of the year; else ()."""
    if yearly is None or "nodes" not in yearly:
        return ()
    dates = [parse_time(_obj(n).get("committedDate")) for n in _list(yearly.get("nodes"))]
    if len(dates) != _total(yearly):
        return ()
    weeks = [0] * WEEKS
    for moment in dates:
        if moment is not None and moment >= since:
            weeks[min(WEEKS - 1, (moment - since).days // 7)] += 1
    return tuple(weeks)


def releases_since(connection: object, since: dt.datetime) -> int | None:
    """Releases published since `since` among the newest page (so at most RELEASES_PAGE)."""
    if connection is None:
        return None
    dates = (parse_time(_obj(n).get("publishedAt")) for n in _nodes(connection))
    return sum(1 for moment in dates if moment is not None and moment >= since)


def _last_commit(commit: Mapping[str, Any] | None) -> str | None:
    history = _opt_obj(commit.get("history")) if commit else None
    nodes = _nodes(history) if history else []
    return _opt_time(nodes[0].get("committedDate")) if nodes else None


def _license(value: object) -> str | None:
    info = _opt_obj(value)
    spdx = _opt_str(info.get("spdxId")) if info else None
    return spdx if spdx and spdx != "NOASSERTION" else None


def _name(value: object) -> str | None:
    obj = _opt_obj(value)
    return _str(obj.get("name")) if obj else None


def _languages(value: object) -> tuple[tuple[str, int], ...]:
    connection = _opt_obj(value)
    edges = _list(connection.get("edges")) if connection else []
    return tuple((_str(_obj(_obj(e).get("node")).get("name")), _int(_obj(e).get("size"))) for e in edges)


def _topics(value: object) -> tuple[str, ...]:
    return tuple(_str(_obj(n.get("topic")).get("name")) for n in _nodes(value))


def _total(value: object) -> int | None:
    connection = _opt_obj(value)
    return _int(connection.get("totalCount")) if connection else None


def _nodes(value: object) -> list[Mapping[str, Any]]:
    connection = _opt_obj(value)
    return [_obj(n) for n in _list(connection.get("nodes")) if n is not None] if connection else []


def _obj(value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ShapeError(f"expected an object, got {type(value).__name__}")
    return value


def _opt_obj(value: object) -> Mapping[str, Any] | None:
    return None if value is None else _obj(value)


def _list(value: object) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ShapeError(f"expected a list, got {type(value).__name__}")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ShapeError(f"expected a string, got {type(value).__name__}")
    return value


def _opt_str(value: object) -> str | None:
    return None if value is None else _str(value)


def _opt_time(value: object) -> str | None:
    """A timestamp as GitHub wrote it, once it reads as one (raises ShapeError otherwise): pages,
    audits and comparisons compute with these."""
    return None if parse_time(value) is None else _str(value)


#: No count GitHub gives (stars, forks, issues, commits, people) comes near this.
_MAX_COUNT = 10**12


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ShapeError(f"expected an integer, got {type(value).__name__}")
    if not 0 <= value <= _MAX_COUNT:
        raise ShapeError(f"not a count: {str(value)[:20]}")
    return value


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ShapeError(f"expected true or false, got {type(value).__name__}")
    return value
