"""Offline checks: the catalog against observed facts, and against itself.

Rules reused from the rest of torchscape: curation statuses come from settings (`retired`), the
`torchscape.activity` thresholds judge activity, and there is no dormancy verdict without commit
data (`sources.observed.classify`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from torchscape.audit.findings import AuditCode, Finding
from torchscape.audit.observed import AuditFacts, ItemFacts
from torchscape.catalog.fixes import Fix
from torchscape.catalog.model import Item, Landscape
from torchscape.catalog.urls import canonical_repo, github_repo_problem
from torchscape.sources.facts import is_owner_name, utc_time
from torchscape.sources.observed import Thresholds, classify

#: Below this share of shared words, a description is "far" from the repository's own.
DESCRIPTION_OVERLAP = 0.15
#: Upstream descriptions shorter than this (in distinct words) are too short to compare.
DESCRIPTION_MIN_WORDS = 6
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an and are as at be by for from in is it its of on or that the this to with your you our "
    "can into using use based used which via all has have more than their them these".split()
)


@dataclass(frozen=True, slots=True)
class Context:
    landscape: Landscape
    facts: AuditFacts
    now: dt.datetime
    thresholds: Thresholds


def finding(
    code: AuditCode,
    item: Item,
    field: str,
    message: str,
    evidence: Sequence[tuple[str, str]] = (),
    fix: Fix | None = None,
) -> Finding:
    return Finding(code, item.id, item.name, field, message, tuple(evidence), fix, item.line_of(field))


def make_fix(item: Item, field: str, old: str, new: str, reason: str) -> Fix:
    return Fix(item.id, (item.category, item.subcategory, item.name), field, old, new, reason)


def is_retired(item: Item, landscape: Landscape) -> bool:
    """Retired by the settings' status table (`torchscape.statuses`, or landscapeapp's
    `relation`); without one, landscape2's own `archived` (labels taken from `featured_items`
    alone do not make a table: they seldom name `archived`)."""
    if item.status is None:
        return False
    settings = landscape.settings.torchscape if landscape.settings else None
    if settings is not None and settings.statuses:
        return item.retired
    return item.retired or item.status.value.strip().lower() == "archived"


def item_checks(context: Context) -> Iterator[Finding]:
    for item in context.landscape:
        facts = context.facts.for_item(item)
        yield from _status(context, item, facts)
        yield from _repository(item, facts)
        yield from _packages(item, facts)
        yield from _description(item, facts)
    yield from duplicates(context.landscape)


# --- curation status against upstream -------------------------------------------------------


def _activity_dates(facts: ItemFacts) -> list[tuple[str, str]]:
    """(label, ISO date) of every sign of life known: last commit, release, package upload."""
    dates: list[tuple[str, str]] = []
    repo = facts.repo or {}
    if repo.get("last_commit_at"):
        dates.append(("last commit", str(repo["last_commit_at"])))
    if repo.get("latest_release_at"):
        tag = repo.get("latest_release_tag") or "release"
        dates.append((f"latest GitHub release ({tag})", str(repo["latest_release_at"])))
    for package in facts.packages:
        data = package.data or {}
        if data.get("latest_uploaded_at"):
            version = data.get("latest_version") or "?"
            dates.append((f"package {package.name} {version} uploaded", str(data["latest_uploaded_at"])))
    # A cache written by an older version may hold a time that is not one: not a sign of life.
    return [(label, value) for label, value in dates if utc_time(value) is not None]


def _status(context: Context, item: Item, facts: ItemFacts) -> Iterator[Finding]:
    dates = _activity_dates(facts)
    last = max((d for _, d in dates), key=_parse, default=None)
    activity = classify(facts.repo, last, context.now, context.thresholds)
    evidence = [(label, value[:10]) for label, value in dates]
    if facts.packages_matched:
        evidence.append(("packages matched by repository URL", ", ".join(p.name for p in facts.packages)))
    days = max(0, (context.now - _parse(last)).days) if last else None
    status = item.status.value if item.status else ""
    if is_retired(item, context.landscape):
        if activity != "archived" and days is not None and days <= context.thresholds.dormant_days:
            message = (
                f"curation status '{status}' marks it retired, but it was active {days} day(s) ago "
                f"(within {context.thresholds.dormant_days} days)"
            )
            yield finding(AuditCode.RETIRED_BUT_ACTIVE, item, "project", message, evidence)
        return
    if activity == "archived":
        shown = (facts.repo or {}).get("url") or item.repo_url or ""
        message = "listed as active, but its repository is archived upstream"
        yield finding(
            AuditCode.ARCHIVED_UPSTREAM,
            item,
            "repo_url",
            message,
            [("repository", str(shown)), ("observed", (facts.repo_fetched_at or "")[:10]), *evidence],
        )
    elif activity == "dormant":
        message = (
            f"no commit and no release for {days} days (dormant after "
            f"{context.thresholds.dormant_days} days), yet listed as active"
        )
        yield finding(AuditCode.DORMANT, item, "repo_url", message, evidence)


# --- repositories ---------------------------------------------------------------------------


def _repository(item: Item, facts: ItemFacts) -> Iterator[Finding]:
    url = item.repo_url
    if not url:
        return
    problem = github_repo_problem(url)
    if problem:
        yield finding(
            AuditCode.NOT_A_REPOSITORY, item, "repo_url", f"repo_url {problem}", [("repo_url", url)]
        )
        return
    failure = facts.repo_failure
    if failure is not None and failure.kind == "not-found":
        evidence = [("repo_url", url), ("GitHub", failure.message), ("checked", failure.failed_at[:10])]
        if facts.repo_fetched_at:
            evidence.append(("last seen", facts.repo_fetched_at[:10]))
        yield finding(AuditCode.REPO_GONE, item, "repo_url", "GitHub does not know this repository", evidence)
        return
    repo = facts.repo
    if repo and _renamed(repo):
        new = f"https://github.com/{repo['name_with_owner']}"
        reason = f"GitHub reports the repository as {repo['name_with_owner']}"
        evidence = [("repo_url", url), ("GitHub name", str(repo["name_with_owner"]))]
        yield finding(
            AuditCode.REPO_RENAMED,
            item,
            "repo_url",
            f"the repository was renamed or moved to {repo['name_with_owner']}",
            [*evidence, ("observed", (facts.repo_fetched_at or "")[:10])],
            make_fix(item, "repo_url", url, new, reason),
        )


def _renamed(repo: Mapping[str, Any]) -> bool:
    requested = str(repo.get("requested") or "").removeprefix("https://github.com/").lower()
    current = str(repo.get("name_with_owner") or "").lower()
    # what a cache written by an older version holds is checked again: it becomes a repo_url
    return bool(requested and current and requested != current and is_owner_name(current))


# --- packages -------------------------------------------------------------------------------


def _packages(item: Item, facts: ItemFacts) -> Iterator[Finding]:
    if facts.packages_matched:
        return  # the names come from another catalog: nothing to correct here
    field = "extra.annotations.pypi"
    for package in facts.packages:
        failure = package.failure
        if failure is not None and failure.kind == "not-found":
            evidence = [
                ("package", package.name),
                ("index", failure.message),
                ("checked", failure.failed_at[:10]),
            ]
            yield finding(
                AuditCode.PACKAGE_NOT_FOUND,
                item,
                field,
                f"package '{package.name}' does not exist on the package index",
                evidence,
            )
        elif package.data:
            yield from _package_repos(item, facts, package.name, package.data)


def _package_repos(item: Item, facts: ItemFacts, name: str, data: Mapping[str, Any]) -> Iterator[Finding]:
    urls = [str(pair[1]) for pair in data.get("project_urls") or () if len(pair) == 2]
    named = {key for url in urls if (key := canonical_repo(url))}
    ours = {k for k in (facts.repo_key, _current_key(facts.repo)) if k}
    if not named or not ours or named & ours:
        return
    message = (
        f"package '{name}' names another repository in its project URLs: {', '.join(sorted(named))} "
        "(the repository moved, or the package belongs to another project)"
    )
    evidence = [("repo_url", item.repo_url or ""), ("project URLs", ", ".join(urls))]
    yield finding(AuditCode.PACKAGE_OTHER_REPO, item, "extra.annotations.pypi", message, evidence)


def _current_key(repo: Mapping[str, Any] | None) -> str | None:
    if not repo or not repo.get("name_with_owner"):
        return None
    return canonical_repo(f"https://github.com/{repo['name_with_owner']}")


# --- descriptions ---------------------------------------------------------------------------


def _description(item: Item, facts: ItemFacts) -> Iterator[Finding]:
    upstream, where = _upstream_description(facts)
    if not (item.description or "").strip():
        evidence = [(where, upstream)] if upstream else []
        yield finding(AuditCode.DESCRIPTION_MISSING, item, "description", "no description", evidence)
        return
    if not upstream:
        return
    theirs = _words(upstream)
    if len(theirs) < DESCRIPTION_MIN_WORDS:
        return
    ours = _words(item.description or "")
    overlap = len(ours & theirs) / min(len(ours), len(theirs)) if ours else 0.0
    if overlap < DESCRIPTION_OVERLAP:
        message = f"the description shares {overlap:.0%} of its words with the {where}'s own"
        evidence = [("description", item.description or ""), (where, upstream)]
        yield finding(AuditCode.DESCRIPTION_OUTDATED, item, "description", message, evidence)


def _upstream_description(facts: ItemFacts) -> tuple[str, str]:
    repo_text = str((facts.repo or {}).get("description") or "").strip()
    if repo_text:
        return repo_text, "repository"
    return "", "repository"


def _words(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP}


# --- duplicates -----------------------------------------------------------------------------


def duplicates(landscape: Landscape) -> Iterator[Finding]:
    """Items listing the same repository (or, without repositories, the same homepage)."""
    groups: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in landscape:
        key = (
            (canonical_repo(item.repo_url) or _site_key(item.repo_url).removesuffix(".git"))
            if item.repo_url and not github_repo_problem(item.repo_url)
            else None
        )  # GitHub's owner/name, or the whole URL on other hosts (GitLab, Hugging Face, ...)
        if key:
            groups[("repository", key)].append(item)
        elif not item.repo_url and item.homepage_url:
            groups[("homepage", _site_key(item.homepage_url))].append(item)
    for (what, key), items in sorted(groups.items()):
        if len(items) < 2:
            continue
        for item in items[1:]:
            if what == "repository" and item.allow_duplicate_repo:  # said to be on purpose
                continue
            first = items[0]
            message = f"lists the same {what} as '{first.name}' ({first.category} › {first.subcategory})"
            evidence = [(what, key), ("also listed as", first.id)]
            yield finding(
                AuditCode.DUPLICATE_ITEM,
                item,
                "repo_url" if what == "repository" else "homepage_url",
                message,
                evidence,
            )


def _site_key(url: str) -> str:
    bare = re.sub(r"^https?://(www\.)?", "", url.strip().lower())
    return bare.rstrip("/")


def _parse(value: str) -> dt.datetime:
    """A time `_activity_dates` kept (so one that parses)."""
    return utc_time(value) or dt.datetime.min.replace(tzinfo=dt.UTC)
