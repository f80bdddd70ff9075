"""`torchscape add`: a new item from a GitHub repository URL or a package name.

It gathers the facts (online: GitHub and the package index, stored in the cache like `refresh`
does; offline: what the cache and the landscape's snapshot already know, else only what it is
given), fills the item's fields, suggests a subcategory when none is given, draws a monogram
logo, inserts the item at its sorted place with round-trip editing, validates the result, and
only then writes the logo and the data file (atomically). A duplicate (same id or same
repository) or a result that does not validate writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from packaging.utils import canonicalize_name

from torchscape.catalog.ids import collision_key, item_id
from torchscape.catalog.insert import Fields, insert_item
from torchscape.catalog.loader import CheckResult, check, outside_landscape
from torchscape.catalog.model import Landscape
from torchscape.catalog.roundtrip import read_source, unified_diff
from torchscape.catalog.suggest import Suggester, examples_from, item_words
from torchscape.catalog.urls import UrlProblem, canonical_repo, check_url, github_repo_url
from torchscape.errors import DIRECTION_CONTROLS, CatalogError, Code, TorchscapeError, UsageError, printable
from torchscape.outputs import os_reason, read_only, write_atomically
from torchscape.paths import Sources, display_path
from torchscape.site.monogram import monogram_svg
from torchscape.sources.cache import Cache
from torchscape.sources.facts import FetchError, PackageFacts, RepoFacts
from torchscape.sources.history import newest_facts
from torchscape.sources.observed import GITHUB, PACKAGES

_PACKAGE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\Z")
_SPDX = re.compile(r"^[A-Za-z0-9.+-]+(?: (?:AND|OR|WITH) [A-Za-z0-9.+-]+)*\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: Unicode's bidirectional controls: they reorder the text around them ("Safe \u202egnp.exe"
#: shows as "Safe exe.png"), so what they make a name or description read as is not what it is.
_BIDI = re.compile(f"[\u061c\u200e\u200f{DIRECTION_CONTROLS}]")
MAX_DESCRIPTION = 500
MAX_TAGS = 10


class AlreadyListed(TorchscapeError):
    """The item is in the catalog already (same id or same repository)."""


@dataclass(frozen=True, slots=True)
class Target:
    """What the user named: a GitHub repository, or a package on the index."""

    repo_url: str | None = None  # canonical (lowercase): the key of caches and comparisons
    package: str | None = None
    written_repo_url: str | None = None  # the same in the letter case it was given


def parse_target(text: str) -> Target:
    """A GitHub repository URL (any URL inside one) or a package name; UsageError otherwise."""
    text = text.strip()
    if "://" in text or text.lower().startswith(("github.com/", "www.github.com/")):
        url = text if "://" in text else f"https://{text}"
        repo = canonical_repo(url)
        if repo is None:
            raise UsageError(f"'{text}' is not a GitHub repository URL (https://github.com/OWNER/REPO)")
        return Target(repo_url=repo, written_repo_url=github_repo_url(url))
    if _PACKAGE.match(text):
        return Target(package=str(canonicalize_name(text)))
    raise UsageError(f"'{text}' is neither a GitHub repository URL nor a package name")


class RepoSource(Protocol):
    def fetch(self, keys: list[str], on_result: Callable[[str, RepoFacts | FetchError], None]) -> Any: ...


class PackageSource(Protocol):
    def fetch_one(self, name: str) -> PackageFacts | FetchError: ...


@dataclass(slots=True)
class Gathered:
    """The facts found for a target, and what was said about finding them."""

    repo: RepoFacts | None = None
    package: PackageFacts | None = None
    notes: list[str] = field(default_factory=list)


def gather(
    target: Target,
    *,
    github: RepoSource | str | None,
    index: PackageSource | None,
    known: Mapping[tuple[str, str], dict[str, Any]],
    name_hint: str | None = None,
) -> Gathered:
    """Online (clients given) or offline (`known` facts only): the repository and the package.

    `github` is a client, a reason why GitHub is not used (no token), or None offline.
    """
    found = Gathered()
    repo_url = target.repo_url
    package = target.package
    if package:
        found.package = _package(package, index, known, found.notes, must_exist=True)
        if found.package is not None and repo_url is None:
            repo_url = repo_from_package(found.package)
    if repo_url:
        found.repo = _repo(repo_url, github, known, found.notes, must_exist=target.repo_url is not None)
    if found.package is None and repo_url and not package:
        guesses = [repo_url.rsplit("/", 1)[1]]
        if found.repo is not None:
            guesses.insert(0, found.repo.name_with_owner.rsplit("/", 1)[1])
        if name_hint:
            guesses.append(name_hint)
        for guess in dict.fromkeys(str(canonicalize_name(g)) for g in guesses if _PACKAGE.match(g)):
            facts = _package(guess, index, known, [], must_exist=False)
            if facts is not None and repo_from_package(facts) == repo_url:
                found.package = facts
                break
    return found


def _repo(
    url: str,
    github: RepoSource | str | None,
    known: Mapping[tuple[str, str], dict[str, Any]],
    notes: list[str],
    *,
    must_exist: bool,
) -> RepoFacts | None:
    if isinstance(github, str):
        notes.append(github)
    elif github is not None:
        results: dict[str, RepoFacts | FetchError] = {}
        github.fetch([url], lambda key, result: results.__setitem__(key, result))
        result = results.get(url)
        if isinstance(result, RepoFacts):
            return result
        if isinstance(result, FetchError) and result.kind == "not-found" and must_exist:
            raise UsageError(f"GitHub has no repository {url}")
        notes.append(f"GitHub: {result.message if result else 'no answer'}; using what is known")
    data = known.get((GITHUB, url))
    return _record(RepoFacts, data) if data else None


def _package(
    name: str,
    index: PackageSource | None,
    known: Mapping[tuple[str, str], dict[str, Any]],
    notes: list[str],
    *,
    must_exist: bool,
) -> PackageFacts | None:
    if index is not None:
        result = index.fetch_one(name)
        if isinstance(result, PackageFacts):
            return result  # the index reader keeps only links the catalog takes
        if result.kind == "not-found" and must_exist:
            raise UsageError(f"the package index has no package '{name}'")
        if result.kind != "not-found":
            notes.append(f"package index: {result.message}; using what is known")
    data = known.get((PACKAGES, name))
    facts = _record(PackageFacts, data) if data else None  # a cache older than that check
    return _web_links(facts, notes) if facts is not None else None


def _web_links(facts: PackageFacts, notes: list[str]) -> PackageFacts:
    """The package with only the project links that are plain http(s) URLs, the others left out
    with a note. Anyone writes a package's metadata: `https://github.com/ev\x1bil/repo` must not
    become the item's repository (asked of GitHub, named after, written into the catalog)."""
    kept = []
    for label, url in facts.project_urls:
        try:
            check_url(url)
        except UrlProblem as exc:
            notes.append(f"the package's link {label!r} {url!r} left out: {exc}")
            continue
        kept.append((label, url))
    return facts if len(kept) == len(facts.project_urls) else replace(facts, project_urls=tuple(kept))


def _record(kind: type[Any], data: dict[str, Any]) -> Any:
    """A facts record from its JSON form (lists back to tuples; unknown keys ignored)."""
    names = set(kind.__dataclass_fields__)
    values = {}
    for key, value in data.items():
        if key in names:
            values[key] = (
                tuple(tuple(v) if isinstance(v, list) else v for v in value)
                if isinstance(value, list)
                else value
            )
    try:
        return kind(**values)
    except TypeError:
        return None


def repo_from_package(facts: PackageFacts) -> str | None:
    """The GitHub repository a package's project URLs point at (source links first)."""
    ranked = sorted(
        facts.project_urls,
        key=lambda pair: 0 if pair[0].lower() in ("source", "repository", "source code", "code") else 1,
    )
    for _, url in ranked:
        repo = canonical_repo(url)
        if repo:
            return repo
    return None


def known_facts(cache_dir: Path | None, data_dir: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """What the landscape's snapshot and the cache know already (newest wins)."""
    return newest_facts(data_dir, cache_dir)


def store(cache_dir: Path, gathered: Gathered, now: dt.datetime) -> None:
    """Keep what was fetched in the cache, as `refresh` would (so `build` shows it at once)."""
    stamp = now.isoformat().replace("+00:00", "Z")
    with Cache.open(cache_dir) as cache:
        if gathered.repo is not None:
            cache.put(GITHUB, gathered.repo.requested, gathered.repo.to_json(), stamp)
        if gathered.package is not None:
            cache.put(PACKAGES, gathered.package.name, gathered.package.to_json(), stamp)


# --- the item ------------------------------------------------------------------------------


def clean_text(value: str | None, limit: int = MAX_DESCRIPTION, *, fetched: bool = True) -> str | None:
    """Text made safe for one YAML line: no control characters, single spaces, bounded. Text
    fetched from upstream also loses the direction controls; a name the user gives keeps them
    (and `validate` warns about them)."""
    if not value:
        return None
    text = " ".join(_CONTROL.sub(" ", _BIDI.sub("", value) if fetched else value).split())
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text or None


def _url(value: str | None, notes: list[str], what: str) -> str | None:
    if not value:
        return None
    value = value.strip()
    try:
        check_url(value)
    except UrlProblem as exc:
        notes.append(f"{what} {value!r} left out: {exc}")
        return None
    return value


def item_fields(
    target: Target, gathered: Gathered, *, name: str | None, logo: str, notes: list[str]
) -> Fields:
    """The new item's fields, in the order the bundled catalog writes them."""
    repo, package = gathered.repo, gathered.package
    # Written in GitHub's own letter case when it answered (as maintainers write repository
    # URLs), else in the one given; `canonical_repo`'s lowercase form stays the key elsewhere.
    repo_url = github_repo_url(repo.url) if repo else (target.written_repo_url or target.repo_url)
    if repo_url is None and package is not None:
        repo_url = repo_from_package(package)
    given = name is not None
    if name is None:
        if repo is not None:
            name = repo.name_with_owner.rsplit("/", 1)[1]
        elif repo_url is not None:
            name = repo_url.rsplit("/", 1)[1]
        else:
            name = target.package or ""
    name = clean_text(name, 100, fetched=not given) or ""
    if not name:
        raise UsageError("the item needs a name: give --name")
    description = clean_text(repo.description if repo else None) or clean_text(
        package.summary if package else None
    )
    project_urls = dict((label.lower(), url) for label, url in package.project_urls) if package else {}
    homepage = (
        _url(repo.homepage if repo else None, notes, "GitHub's homepage")
        or _url(project_urls.get("homepage"), notes, "the package's homepage")
        or repo_url
    )
    if homepage is None:
        said = f" ({'; '.join(notes)})" if notes else ""  # why (a link left out), said before stopping
        raise UsageError(
            f"no homepage is known for '{name}'{said}: give a GitHub repository URL, or add it online "
            "(without --offline) so the package index can say where the project lives"
        )
    fields: Fields = {"name": name}
    if description:
        fields["description"] = description
    fields["homepage_url"] = homepage
    if repo_url:
        fields["repo_url"] = repo_url
    fields["logo"] = logo
    licence = repo.license if repo and repo.license not in (None, "NOASSERTION", "OTHER") else None
    if licence is None and package is not None and package.license and _SPDX.match(package.license):
        licence = package.license
    if licence and _SPDX.match(licence) and len(licence) <= 64:
        fields["license"] = licence
    extra: Fields = {}
    docs = _url(project_urls.get("documentation"), notes, "the package's documentation link")
    if docs:
        extra["documentation_url"] = docs
    topics = [t for t in (repo.topics if repo else ()) if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,49}", t)]
    if topics:
        extra["summary_tags"] = ", ".join(topics[:MAX_TAGS])
    if package is not None:
        extra["annotations"] = {"pypi": package.name}
    if extra:
        fields["extra"] = extra
    return fields


# --- placing and writing -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placement:
    category: str
    subcategory: str
    suggestions: tuple[tuple[str, float], ...] = ()
    suggested: bool = False


def place(landscape: Landscape, fields: Fields, category: str | None, topics: tuple[str, ...]) -> Placement:
    """Where the item goes: `--category` as given (checked), else the best suggestion."""
    known = [(c.name, s.name) for c in landscape.categories for s in c.subcategories]
    if category is not None:
        parts = [p.strip() for p in category.split("/", 1)]
        if len(parts) != 2 or not all(parts):
            raise UsageError(f"--category '{category}' must be written 'Category / Subcategory'")
        wanted = (parts[0], parts[1])
        if wanted not in known:
            matches = [
                k
                for k in known
                if k[0].casefold() == parts[0].casefold() and k[1].casefold() == parts[1].casefold()
            ]
            if not matches:
                same = [sub for cat, sub in known if cat.casefold() == parts[0].casefold()]
                listed = (
                    f"the subcategories of {parts[0]} are: " + ", ".join(same)
                    if same
                    else "the categories are: " + ", ".join(dict.fromkeys(cat for cat, _ in known))
                )
                raise UsageError(f"--category '{category}': no such subcategory in the catalog; {listed}")
            wanted = matches[0]
        return Placement(*wanted)
    model = Suggester(examples_from(landscape))
    extra = fields.get("extra") or {}
    packages = [extra.get("annotations", {}).get("pypi", "")] if isinstance(extra, dict) else []
    bag = item_words(str(fields["name"]), str(fields.get("description") or ""), topics, packages)
    ranked = [(label, score) for label, score in model.rank(bag)[:3] if score > 0]  # 0: no evidence
    if not ranked:
        choices = "; ".join(f"'{c} / {s}'" for c, s in known[:5])
        raise UsageError(
            "nothing is known about this item to suggest a subcategory; give --category "
            f"'Category / Subcategory' (e.g. {choices})"
        )
    best = ranked[0][0].split(" / ", 1)
    return Placement(best[0], best[1], tuple(ranked), suggested=True)


def logo_name(logos: Path | None, identifier: str) -> str:
    """A logo file name that is not taken yet: `<id>.svg`, else `<id>-2.svg`, ... A link whose
    target is missing takes its name too: the logo would be written where it points."""
    candidate, n = f"{identifier}.svg", 2
    while logos is not None and ((logos / candidate).exists() or (logos / candidate).is_symlink()):
        candidate, n = f"{identifier}-{n}.svg", n + 1
    return candidate


def duplicate_of(landscape: Landscape, fields: Fields) -> str | None:
    """Why the item is already listed (same id or same repository), or None."""
    new_id = collision_key(item_id(str(fields["name"])))
    repo = canonical_repo(str(fields.get("repo_url") or ""))
    for item in landscape:
        if repo and any(canonical_repo(r.url) == repo for r in item.repositories):
            return f"{repo} is already listed as '{item.name}' in {item.category} / {item.subcategory}"
    for item in landscape:
        if collision_key(item.id) == new_id or collision_key(item_id(item.name)) == new_id:
            return f"'{item.name}' is already listed (id {item.id}) in {item.category} / {item.subcategory}"
    return None


@dataclass(slots=True)
class AddResult:
    fields: Fields
    placement: Placement
    diff: str
    logo_path: Path
    warnings: list[str]
    written: bool


def logos_folder(sources: Sources, landscape: Landscape) -> Path:
    """Where the logo goes: the landscape's logos folder, else `logos/` beside the data file."""
    if landscape.logos_path is not None:
        return landscape.logos_path
    if sources.logos_path is not None:
        return sources.logos_path
    folder = sources.data_file.parent / "logos"
    if (folder.exists() or folder.is_symlink()) and outside_landscape(folder, sources.data_file):
        raise UsageError(
            f"{display_path(folder)} links to outside the landscape's folder: the logo is not "
            "written there (give --logos-path to name a logos folder on purpose)"
        )
    return folder


def add_item(
    sources: Sources,
    landscape: Landscape,
    fields: Fields,
    placement: Placement,
    logos: Path,
    *,
    dry_run: bool,
) -> AddResult:
    """Insert, validate, then write the logo and the data file (unless `dry_run`)."""
    if not dry_run and read_only(sources.data_file):
        raise AddNotWritten(f"{display_path(sources.data_file)} is read-only")
    source = read_source(sources.data_file)
    new_text = insert_item(source, placement.category, placement.subcategory, fields)
    logo_path = logos / str(fields["logo"])
    result = _validate(sources, source.bom + new_text, logos)
    blocking = [p for p in result.problems if p.blocking]
    if blocking:
        raise AddRefusedWith(blocking)
    name = str(fields["name"])
    warnings = [
        p.format()
        for p in result.problems
        if len(p.context) > 2 and p.context[2] == name and p.code is not Code.LOGO_MISSING
    ]
    diff = unified_diff(source.text, new_text, str(sources.data_file))
    if not dry_run:
        try:
            logos.mkdir(parents=True, exist_ok=True)
            write_atomically(logo_path, monogram_svg(name))
        except OSError as exc:  # a read-only logos folder, a file in its place
            raise AddNotWritten(f"cannot write {display_path(logo_path)}: {os_reason(exc)}") from exc
        try:
            write_atomically(sources.data_file, source.bom + new_text)
        except BaseException as exc:
            logo_path.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise AddNotWritten(
                    f"cannot write {display_path(sources.data_file)}: {os_reason(exc)}"
                ) from exc
            raise
    return AddResult(fields, placement, diff, logo_path, warnings, written=not dry_run)


def outcome(result: AddResult, data_file: Path) -> str:
    """What `add` says when it is done, with control and direction characters escaped: the name
    may be `--name`'s, the category's comes from the catalog, the paths from the command line."""
    name = printable(str(result.fields["name"]))
    where = printable(f"{result.placement.category} / {result.placement.subcategory}")
    logo = printable(str(result.logo_path))
    if not result.written:
        return f"dry run: would add '{name}' to {where} and write {logo}"
    return f"added '{name}' to {where} in {printable(str(data_file))}; logo {logo}"


class AddNotWritten(TorchscapeError):
    """The logo or the data file could not be written (the disk, not the catalog); the data
    file is as it was and no new logo is left behind."""

    def __init__(self, message: str) -> None:
        super().__init__(f"{message}; nothing was written")


class AddRefusedWith(CatalogError):
    """The catalog with the new item has blocking problems (listed); nothing was written."""


def _validate(sources: Sources, text: str, logos: Path) -> CheckResult:
    """Check the new text as if it were the data file (in a temporary folder beside it)."""
    folder = sources.data_file.parent
    try:
        with tempfile.TemporaryDirectory(dir=folder, prefix=".torchscape-add-") as temp:
            data = Path(temp) / sources.data_file.name
            data.write_text(text, encoding="utf-8", newline="")
            found = logos if logos.is_dir() else None
            result = check(data, sources.settings_file, sources.guide_file, found, inspect_logos=True)
            staged = {str(data), display_path(data)}
    except OSError as exc:  # a read-only folder: the data file could not be written either
        raise AddNotWritten(f"cannot write in {display_path(folder) or '.'}: {os_reason(exc)}") from exc
    display = display_path(sources.data_file)
    problems = tuple(replace(p, file=display) if p.file in staged else p for p in result.problems)
    return CheckResult(problems, result.landscape)


__all__ = [
    "AddNotWritten",
    "AddRefusedWith",
    "AddResult",
    "AlreadyListed",
    "Target",
    "add_item",
    "duplicate_of",
    "gather",
    "item_fields",
    "known_facts",
    "logo_name",
    "outcome",
    "parse_target",
    "place",
]
