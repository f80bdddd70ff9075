"""The site's Atom feed (`feed.xml`): what changed in the catalog, and new releases of its projects.

Two sources, both history that travels with the landscape, never a previous build:

- the data file's git history: the newest commits that touched it (bounded), each diffed
  against its parent with `diff_landscapes`; entries are dated by commit time. No git, or a
  data file outside a repository: this part is empty and the build says so. In a shallow clone
  the oldest fetched commits have no parent to compare with: they are left out, and the build
  says so too.
- the observed data's history (the landscape's `observed.jsonl` snapshot and the cache): package
  releases with their upload times, and repositories seen renamed or archived upstream, dated by
  the first observation.

Same inputs, same bytes: no build time, entries sorted by date then id, ids derived from content.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import Version

from torchscape.catalog.diff import Change, Entry, describe, diff_landscapes, git, read_entries, repo_root
from torchscape.catalog.model import EXTRA_LINKS, Landscape
from torchscape.catalog.roundtrip import write_atomically
from torchscape.catalog.urls import canonical_repo
from torchscape.errors import UsageError
from torchscape.site.xmlsafe import xml_attribute, xml_text
from torchscape.sources.history import observed_history
from torchscape.sources.observed import GITHUB, PACKAGES

ATOM = "http://www.w3.org/2005/Atom"
MAX_COMMITS = 50  # commits of the data file walked, newest first
#: ... fewer for a big data file, so that a cold build parses at most about this much YAML
#: (the bound depends only on the data file's size, so the feed stays the same with or without cache)
HISTORY_BYTES = 16_000_000
MIN_COMMITS = 5
MAX_CHANGES_PER_COMMIT = 50  # a bigger commit (e.g. the first one) becomes one summary entry
MAX_RELEASES_PER_PACKAGE = 5
MAX_ENTRIES = 200
#: Bump when entries are worded differently: cached commit entries are keyed on it. (2: fields
#: named as the pages name them; also drops the entries that versions before it cached for the
#: oldest commit of a shallow clone, which said that it added every item.)
FEED_FORMAT = 2
_NAMESPACE = uuid.UUID("6f0b4c1e-3d4e-4a59-9c55-7f1e5b0a2d11")  # torchscape feed entry ids


@dataclass(frozen=True, slots=True)
class FeedEntry:
    id: str
    title: str
    updated: str  # RFC 3339, UTC, whole seconds
    link: str
    summary: str
    category: str


@dataclass(frozen=True, slots=True)
class Feed:
    entries: tuple[FeedEntry, ...]
    notes: tuple[str, ...]


def entry_id(*parts: str) -> str:
    """A stable IRI for an entry, from what it is about."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, chr(31).join(parts))}"


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text: Any) -> dt.datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# --- the catalog's git history -------------------------------------------------------------


def catalog_entries(
    data_file: Path,
    *,
    retired: Iterable[str] = (),
    max_commits: int = MAX_COMMITS,
    cache_dir: Path | None = None,
) -> tuple[list[FeedEntry], list[str]]:
    """Entries for the changes of the newest commits touching the data file, and notes.

    A commit's entries never change, so with a cache folder each commit is diffed once. A commit
    at the edge of a shallow clone (its parents not fetched) is left out, never diffed against
    nothing nor cached: it would say that it added every item.
    """
    root = repo_root(data_file.parent)
    if root is None:
        return [], [
            f"feed: {data_file} is not in a git repository (or git is missing); no catalog changes listed"
        ]
    try:
        path = data_file.resolve().relative_to(root.resolve()).as_posix()
        size = data_file.stat().st_size
        commits = max(MIN_COMMITS, min(max_commits, HISTORY_BYTES // max(size, 1)))
        log = git(["log", f"--max-count={commits}", "--format=%H %ct", "--", path], root)
        cut = shallow_edge(root)
    except (ValueError, OSError, UsageError) as exc:
        return [], [f"feed: cannot read the history of {data_file}: {exc}"]
    walker = _Walker(root, path, frozenset(retired), cache_dir)
    entries: list[FeedEntry] = []
    left_out: list[str] = []
    for line in log.splitlines():
        sha, _, stamp = line.strip().partition(" ")
        if sha in cut:
            left_out.append(sha)
        elif sha and stamp.isdigit():
            entries += walker.commit(sha, rfc3339(dt.datetime.fromtimestamp(int(stamp), dt.UTC)))
    if not left_out:
        return entries, []
    return entries, [
        f"feed: {root} is a shallow clone: the history of {path} before commit {left_out[0][:12]} "
        "was not fetched, so the feed lists the catalog's changes after it only (fetch the whole "
        "history with `git fetch --unshallow`, or `fetch-depth: 0` for actions/checkout)"
    ]


def shallow_edge(root: Path) -> frozenset[str]:
    """The commits of a shallow clone whose parents were not fetched (none in a whole clone).

    Git lists them in the repository's `shallow` file and shows them without parents, as if
    they began the history. OSError when the file is there but cannot be read."""
    try:
        listed = Path(git(["rev-parse", "--git-path", "shallow"], root).strip())
        text = (root / listed).read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:  # the usual case: not a shallow clone
        return frozenset()
    except UsageError as exc:
        raise OSError(str(exc)) from exc
    return frozenset(text.split())


class _Walker:
    """Diffs commits of one data file; remembers texts, parsed revisions and (on disk) results."""

    def __init__(self, root: Path, path: str, retired: frozenset[str], cache_dir: Path | None) -> None:
        self.root, self.path, self.retired = root, path, retired
        self.texts: dict[str, str | None] = {}
        self.parsed: dict[str, list[Entry]] = {}  # text -> its items: each revision is read once
        key = hashlib.sha256(f"{FEED_FORMAT}\0{path}\0{sorted(retired)}".encode()).hexdigest()[:16]
        self.store = cache_dir / "feed" / key if cache_dir is not None else None

    def commit(self, sha: str, when: str) -> list[FeedEntry]:
        stored = self._load(sha)
        if stored is not None:
            return stored
        entries = self._diff(sha, when)
        if entries is not None and self.store is not None:
            with contextlib.suppress(OSError):
                self.store.mkdir(parents=True, exist_ok=True)
                write_atomically(self.store / f"{sha}.json", json.dumps([asdict(e) for e in entries]))
        return entries or []

    def _load(self, sha: str) -> list[FeedEntry] | None:
        if self.store is None:
            return None
        try:
            data = json.loads((self.store / f"{sha}.json").read_text(encoding="utf-8"))
            return [FeedEntry(**{k: str(record[k]) for k in FeedEntry.__slots__}) for record in data]
        except (OSError, ValueError, TypeError, KeyError):
            return None  # not there, or damaged: diff again

    def _diff(self, sha: str, when: str) -> list[FeedEntry] | None:
        after = self._show(sha)
        before = self._show(f"{sha}^")
        if after is None:
            return []
        try:
            new = self._entries(after, f"{sha[:12]}:{self.path}")
        except UsageError:
            return []  # a revision that was not readable YAML: nothing to say about it
        try:
            old = self._entries(before, f"{sha[:12]}^:{self.path}") if before is not None else []
        except UsageError:  # the commit mended a file that did not read: what it holds now
            title = f"{len(new)} items listed (the version before could not be read)"
            return [FeedEntry(entry_id("commit", sha), title, when, "", "", "catalog")]
        changes = diff_landscapes(old, new, retired=self.retired)
        if len(changes) > MAX_CHANGES_PER_COMMIT or (before is None and changes):
            title = f"{len(new)} items listed" if before is None else f"{len(changes)} catalog changes"
            return [FeedEntry(entry_id("commit", sha), title, when, "", _summary(changes), "catalog")]
        return [_change_entry(sha, when, change) for change in changes]

    def _entries(self, text: str, display: str) -> list[Entry]:
        if text not in self.parsed:
            self.parsed[text] = read_entries(text, display)
        return self.parsed[text]

    def _show(self, revision: str) -> str | None:
        if revision not in self.texts:
            try:
                self.texts[revision] = git(["show", f"{revision}:{self.path}"], self.root)
            except UsageError:  # no parent, or the file did not exist yet
                self.texts[revision] = None
        return self.texts[revision]


def _summary(changes: list[Change]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for change in changes:
        counts[change.kind] += 1
    return ", ".join(f"{n} {kind}" for kind, n in counts.items())


#: What the site's pages call the fields a change names (a data file's keys, nested ones by
#: dotted path); any other is called by its last part (`extra.foo_bar` → "foo bar").
FIELD_WORDS = {
    "homepage_url": "Homepage",
    "repo_url": "Repository",
    "additional_repos": "Other repositories",
    "branch": "Repository branch",
    "description": "Description",
    "logo": "Logo",
    "license": "Licence",
    "project": "Curation status",
    "joined": "Joined",
    "twitter": "X / Twitter",
    "url_for_bestpractices": "OpenSSF Best Practices",
    "second_path": "Also listed in",
    "enduser": "End user",
    "extra.summary_tags": "Keywords",
    "extra.documentation_url": "Documentation",
    "extra.other_links": "Other links",
    "extra.accepted": "Accepted",
    "extra.incubating": "Incubating since",
    "extra.graduated": "Graduated",
    "extra.annual_review_date": "Annual review",
    "extra.audits": "Security audits",
    "extra.annotations.pypi": "Python packages",
    "extra.annotations.kind": "Kind",
    "extra.annotations.framework": "Built on",
    "extra.annotations.slug": "Page address",
    **{f"extra.{name}": label for name, label in EXTRA_LINKS},
}


def field_words(field: str) -> str:
    """A field of a change in the words of the site's pages (`extra.summary_tags` → "keywords")."""
    known = FIELD_WORDS.get(field)
    if known is not None:
        return known
    words = field.rpartition(".")[2].replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else field


def _change_entry(sha: str, when: str, change: Change) -> FeedEntry:
    link = "" if change.kind == "removed" else f"projects/{change.id}/"
    detail = "; ".join(
        f"{field_words(f.field)}: {f.old or '(none)'} → {f.new or '(none)'}" for f in change.fields
    )
    summary = detail or describe(change)
    title = describe(change)
    if change.kind == "changed":  # `describe` names fields as the data file does, for `diff`
        words = dict.fromkeys(field_words(f.field) for f in change.fields)
        title = f"{change.name}: {', '.join(words)} changed"
    return FeedEntry(entry_id("change", sha, change.kind, change.id), title, when, link, summary, change.kind)


# --- observed history ----------------------------------------------------------------------


def observed_entries(landscape: Landscape, cache_dir: Path | None) -> list[FeedEntry]:
    """New releases of listed packages; repositories renamed or archived upstream."""
    history = observed_history(landscape.data_file.parent, cache_dir)
    entries: list[FeedEntry] = []
    for item in landscape:
        link = f"projects/{item.id}/"
        for package in item.packages:
            key = str(canonicalize_name(package))
            snapshots = history.get((PACKAGES, key))
            if snapshots:
                entries += _releases(item.name, key, link, snapshots[-1][1])
        repo = canonical_repo(item.repo_url or "")
        snapshots = history.get((GITHUB, repo)) if repo else None
        if snapshots:
            entries += _upstream(item.name, repo or "", link, snapshots)
    return entries


def _releases(name: str, package: str, link: str, data: Any) -> list[FeedEntry]:
    """The newest final releases of a package (oldest-first `versions`, newest looked at first)."""
    versions = data.get("versions") if isinstance(data, dict) else None
    found: list[tuple[dt.datetime, str]] = []
    for pair in reversed(versions if isinstance(versions, list) else []):
        if len(found) >= MAX_RELEASES_PER_PACKAGE:
            break
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
            continue
        moment = _parse_time(pair[1])
        try:
            final = not Version(pair[0]).is_prerelease
        except ValueError:  # InvalidVersion, or digits Python will not convert
            final = False
        if moment is not None and final:
            found.append((moment, pair[0]))
    label = name if canonicalize_name(name) == package else f"{name} ({package})"
    return [
        FeedEntry(
            entry_id("release", package, version),
            f"New release {version} of {label}",
            rfc3339(moment),
            link,
            f"{package} {version} was uploaded to the package index.",
            "release",
        )
        for moment, version in found
    ]


def _upstream(name: str, repo: str, link: str, snapshots: list[tuple[str, Any]]) -> list[FeedEntry]:
    entries: list[FeedEntry] = []
    renamed_to: str | None = None
    archived = False
    requested = repo.removeprefix("https://github.com/").lower()
    for fetched_at, data in snapshots:
        if not isinstance(data, dict):
            continue
        moment = _parse_time(fetched_at)
        if moment is None:
            continue
        current = data.get("name_with_owner")
        if isinstance(current, str) and current.lower() != requested and current != renamed_to:
            renamed_to = current
            entries.append(
                FeedEntry(
                    entry_id("renamed", repo, current),
                    f"{name}: repository renamed upstream to {current}",
                    rfc3339(moment),
                    link,
                    f"GitHub reports {repo} as {current}.",
                    "upstream",
                )
            )
        if data.get("is_archived") is True and not archived:
            entries.append(
                FeedEntry(
                    entry_id("archived", repo, fetched_at),
                    f"{name}: repository archived upstream",
                    rfc3339(moment),
                    link,
                    f"GitHub reports {repo} as archived (read-only).",
                    "upstream",
                )
            )
        archived = data.get("is_archived") is True
    return entries


# --- the document --------------------------------------------------------------------------


def collect(landscape: Landscape, cache_dir: Path | None) -> Feed:
    retired = [value for value, status in landscape.statuses.items() if status.retired]
    catalog, notes = catalog_entries(landscape.data_file, retired=retired, cache_dir=cache_dir)
    entries = {e.id: e for e in [*catalog, *observed_entries(landscape, cache_dir)]}
    ordered = sorted(entries.values(), key=lambda e: (e.updated, e.id), reverse=True)
    return Feed(tuple(ordered[:MAX_ENTRIES]), tuple(notes))


def _href(root: str, link: str) -> str:
    return root + link if link else (root or "./")


def render_feed(feed: Feed, *, title: str, base_url: str, author: str) -> str:
    """The Atom document. Links are absolute when the site's URL is known, else relative to it."""
    root = f"{base_url}/" if base_url else ""
    feed_id = f"{root}feed.xml" if base_url else entry_id("feed", title)
    updated = feed.entries[0].updated if feed.entries else "1970-01-01T00:00:00Z"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f"<feed xmlns={xml_attribute(ATOM)}>",
        f"  <id>{xml_text(feed_id)}</id>",
        f"  <title>{xml_text(title)}</title>",
        f"  <updated>{updated}</updated>",
        f"  <author><name>{xml_text(author)}</name></author>",
        f'  <link rel="alternate" type="text/html" href={xml_attribute(root or "./")}/>',
    ]
    if base_url:
        lines.append(
            f'  <link rel="self" type="application/atom+xml" href={xml_attribute(root + "feed.xml")}/>'
        )
    lines.append("  <generator>torchscape</generator>")
    for entry in feed.entries:
        lines += [
            "  <entry>",
            f"    <id>{xml_text(entry.id)}</id>",
            f"    <title>{xml_text(entry.title)}</title>",
            f"    <updated>{entry.updated}</updated>",
            f'    <link rel="alternate" type="text/html" href={xml_attribute(_href(root, entry.link))}/>',
            f"    <category term={xml_attribute(entry.category)}/>",
            f"    <summary>{xml_text(entry.summary)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def feed_text(
    landscape: Landscape, cache_dir: Path | None, base_url: str, title: str
) -> tuple[str, list[str]]:
    """The text of `feed.xml`, and notes for the build's summary."""
    feed = collect(landscape, cache_dir)
    settings = landscape.settings
    author = settings.foundation if settings else title
    return render_feed(feed, title=f"{title}: changes", base_url=base_url, author=author), list(feed.notes)


__all__ = ["Feed", "FeedEntry", "collect", "feed_text", "render_feed"]
