"""What changed between two versions of a catalog: items added, removed, renamed, moved, changed.

Both versions are read leniently (an old revision need not pass today's rules), with the same
safe YAML reader as everything else. Items are matched by name in the same place first (ids of
items sharing a name are numbered in file order), then by id (moved), then by canonical
repository URL (an item renamed in the catalog keeps its repository). `diff_landscapes` is the library
function; `torchscape diff` and the site's Atom feed use it. Git revisions are read with
`git show` (no network).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from torchscape.catalog.ids import collision_key, item_id
from torchscape.catalog.urls import canonical_repo
from torchscape.catalog.yamlio import (
    MAX_FILE_BYTES,
    ParsedFile,
    YMap,
    not_utf8,
    parse_text,
    read_yaml,
    too_large,
)
from torchscape.errors import UsageError, printable, printable_json
from torchscape.mdtext import md_inert
from torchscape.outputs import os_reason

Kind = Literal["added", "removed", "renamed", "moved", "status", "changed"]
KINDS: tuple[Kind, ...] = ("added", "removed", "renamed", "moved", "status", "changed")
GIT_TIMEOUT = 60


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of one version, flattened for comparison."""

    id: str
    name: str
    category: str
    subcategory: str
    repo: str | None
    status: str | None
    fields: dict[str, str] = field(default_factory=dict)  # dotted key -> text (lists as JSON)

    @property
    def place(self) -> str:
        return f"{self.category} / {self.subcategory}"


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class Change:
    """One thing that happened to one item (an item can have several: renamed and moved)."""

    kind: Kind
    id: str
    name: str
    place: str  # Category / Subcategory now (before, for a removed item)
    old_name: str | None = None  # renamed
    old_place: str | None = None  # moved
    old_status: str | None = None  # status
    new_status: str | None = None
    retired: bool = False  # the new status is one that settings mark `retired`
    fields: tuple[FieldChange, ...] = ()  # changed

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["fields"] = [asdict(f) for f in self.fields]
        return {k: v for k, v in data.items() if v not in (None, (), [], False) or k == "kind"}


# --- reading -------------------------------------------------------------------------------


def read_entries(text: str, display: str, warnings: list[str] | None = None) -> list[Entry]:
    """The items of a data file's text; UsageError (file and line) when it cannot be read.

    Lenient: a file with a duplicate key or a huge value still compares (its first value is
    read, as by the other readers); each such problem is added to `warnings` when given."""
    parsed = ParsedFile(Path(display), display)
    parse_text(text.removeprefix("\ufeff"), parsed)
    if not isinstance(parsed.root, YMap):
        first = parsed.errors[0].format() if parsed.errors else f"{display}:1:1: not a landscape data file"
        raise UsageError(f"cannot read {display}: {first}")
    if warnings is not None:
        warnings += [f"{p.file}:{p.line}:{p.col}: {p.message}" for p in parsed.problems]
    root = parsed.root
    categories = root.get("categories", root.get("landscape"))
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for category in _maps(categories):
        for subcategory in _maps(category.get("subcategories")):
            for item in _maps(subcategory.get("items")):
                name = _text(item.get("name"))
                if not name:
                    continue
                base = _slug(item) or item_id(name)
                key = collision_key(base)
                seen[key] = seen.get(key, 0) + 1
                identifier = base if seen[key] == 1 else f"{base}-{seen[key]}"
                fields = dict(_flatten(item))
                fields.pop("name", None)
                status = fields.pop("project", None)
                entries.append(
                    Entry(
                        identifier,
                        name,
                        _text(category.get("name")) or "",
                        _text(subcategory.get("name")) or "",
                        canonical_repo(fields.get("repo_url", "")),
                        status,
                        fields,
                    )
                )
    return entries


def _maps(value: Any) -> list[YMap]:
    return [v for v in value if isinstance(v, YMap)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _slug(item: YMap) -> str | None:
    extra = item.get("extra")
    annotations = extra.get("annotations") if isinstance(extra, dict) else None
    slug = annotations.get("slug") if isinstance(annotations, dict) else None
    return slug if isinstance(slug, str) and slug else None


def _flatten(mapping: dict[str, Any], prefix: str = "") -> Iterable[tuple[str, str]]:
    for key, value in mapping.items():
        if value is None or (prefix == "" and key == "item"):
            continue
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        elif isinstance(value, list):
            yield f"{prefix}{key}", json.dumps(value, ensure_ascii=False, sort_keys=True)
        else:
            yield f"{prefix}{key}", str(value)


# --- comparing -----------------------------------------------------------------------------


def diff_landscapes(
    old: Sequence[Entry], new: Sequence[Entry], *, retired: Iterable[str] = ()
) -> list[Change]:
    """Every change from `old` to `new`, grouped by kind (KINDS order), then by name."""
    retired_statuses = frozenset(retired)
    # 1. The same name in the same place is the same item, whatever its id: ids of items sharing
    #    a name get -2, -3 in file order, so deleting the first would renumber the others.
    old_at, new_at = _by_place(old), _by_place(new)
    pairs = [(old_at[k], new_at[k]) for k in new_at if k in old_at]
    #    Where several share a name in one place (on either side), the same repository, or
    #    else the same fields, tells which is which: the id of the second of two would be taken
    #    for the first's once the first is removed.
    pairs += _same_name_same_place(old, new, {id(e) for pair in pairs for e in pair})
    placed = {id(e) for pair in pairs for e in pair}
    old, new = [e for e in old if id(e) not in placed], [e for e in new if id(e) not in placed]
    # 2. Then the same id (moved, or fields changed), 3. then the same repository (renamed).
    old_by_id = {collision_key(e.id): e for e in old}
    new_by_id = {collision_key(e.id): e for e in new}
    pairs += [(old_by_id[k], new_by_id[k]) for k in new_by_id if k in old_by_id]
    gone = [e for k, e in old_by_id.items() if k not in new_by_id]
    fresh = [e for k, e in new_by_id.items() if k not in old_by_id]
    gone_by_repo: dict[str, Entry] = {}
    for entry in gone:
        if entry.repo:
            gone_by_repo.setdefault(entry.repo, entry)
    added: list[Entry] = []
    for entry in fresh:
        match = gone_by_repo.pop(entry.repo, None) if entry.repo else None
        if match is None:
            added.append(entry)
        else:
            pairs.append((match, entry))
    matched_old = {id(a) for a, _ in pairs}
    changes = [Change("added", e.id, e.name, e.place) for e in added]
    changes += [Change("removed", e.id, e.name, e.place) for e in gone if id(e) not in matched_old]
    for before, after in pairs:
        changes += _compare(before, after, retired_statuses)
    order = {kind: n for n, kind in enumerate(KINDS)}
    return sorted(changes, key=lambda c: (order[c.kind], c.name.casefold(), c.id))


def _place_key(entry: Entry) -> tuple[str, str, str]:
    return entry.name.casefold(), entry.category.casefold(), entry.subcategory.casefold()


def _same_name_same_place(
    old: Sequence[Entry], new: Sequence[Entry], taken: set[int]
) -> list[tuple[Entry, Entry]]:
    """Pairs among entries that share a name and a place, matched by repository, then by
    identical fields (each entry in one pair at most; `taken`: entries already paired)."""
    groups: dict[tuple[str, str, str], tuple[list[Entry], list[Entry]]] = {}
    for side, entries in enumerate((old, new)):
        for entry in entries:
            if id(entry) not in taken:
                groups.setdefault(_place_key(entry), ([], []))[side].append(entry)
    pairs: list[tuple[Entry, Entry]] = []
    for before, after in groups.values():
        if len(before) + len(after) <= 2:
            continue  # one on each side was paired already; one alone is added or removed
        for same in (_same_repo, _same_fields):
            for entry in list(after):
                match = next((b for b in before if same(b, entry)), None)
                if match is not None:
                    pairs.append((match, entry))
                    before.remove(match)
                    after.remove(entry)
    return pairs


def _same_repo(one: Entry, other: Entry) -> bool:
    return bool(one.repo) and one.repo == other.repo


def _same_fields(one: Entry, other: Entry) -> bool:
    return one.fields == other.fields


def _by_place(entries: Sequence[Entry]) -> dict[tuple[str, str, str], Entry]:
    """Entries by (name, category, subcategory), case-insensitive; only keys held by one."""
    found: dict[tuple[str, str, str], list[Entry]] = {}
    for entry in entries:
        key = (entry.name.casefold(), entry.category.casefold(), entry.subcategory.casefold())
        found.setdefault(key, []).append(entry)
    return {key: group[0] for key, group in found.items() if len(group) == 1}


def _compare(before: Entry, after: Entry, retired: frozenset[str]) -> list[Change]:
    out: list[Change] = []
    if before.name != after.name:
        out.append(Change("renamed", after.id, after.name, after.place, old_name=before.name))
    if before.place != after.place:
        out.append(Change("moved", after.id, after.name, after.place, old_place=before.place))
    if before.status != after.status:
        out.append(
            Change(
                "status",
                after.id,
                after.name,
                after.place,
                old_status=before.status,
                new_status=after.status,
                retired=after.status in retired,
            )
        )
    keys = sorted(set(before.fields) | set(after.fields))
    fields = tuple(
        FieldChange(k, before.fields.get(k), after.fields.get(k))
        for k in keys
        if before.fields.get(k) != after.fields.get(k)
    )
    if fields:
        out.append(Change("changed", after.id, after.name, after.place, fields=fields))
    return out


def retired_statuses(settings_file: Path | None, *, given: bool = False) -> set[str]:
    """The `project:` values that settings mark `retired: true`, read leniently: none if the
    file is absent or unreadable, except that a file named on the command line (`given`) that
    is not YAML is a UsageError (it was taken for no settings, without a word)."""
    if settings_file is None or not settings_file.is_file():
        return set()
    parsed = read_yaml(settings_file)
    if given and parsed.root is None and parsed.errors:
        raise UsageError(f"cannot read the settings file: {parsed.errors[0].format()}")
    section = parsed.root.get("torchscape") if isinstance(parsed.root, YMap) else None
    statuses = section.get("statuses") if isinstance(section, YMap) else None
    if not isinstance(statuses, YMap):
        return set()
    return {
        name
        for name, value in statuses.items()
        if isinstance(value, YMap) and str(value.get("retired", "")).lower() == "true"
    }


# --- git -------------------------------------------------------------------------------------


def git(args: Sequence[str], cwd: Path) -> str:
    """Run git (never the network: only local commands are used); UsageError when it fails."""
    if shutil.which("git") is None:
        raise UsageError("git is not installed: give two catalog files instead of revisions")
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"git {' '.join(args[:1])} failed: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {' '.join(args)}: {message[0] if message else 'failed'}")
    return done.stdout.decode("utf-8", "replace")


def repo_root(folder: Path) -> Path | None:
    """The top of the git work tree holding `folder`, or None (no git, or not a repository)."""
    try:
        return Path(git(["rev-parse", "--show-toplevel"], folder).strip())
    except UsageError:
        return None


def revision_text(spec: str, data_file: Path, cwd: Path) -> tuple[str, str]:
    """(display name, text) of `FILE`, `REV` (the data file at REV) or `REV:path`."""
    as_file = Path(spec)
    try:
        is_file = as_file.is_file()
    except OSError:  # a name too long for a file: a revision, then
        is_file = False
    if is_file:
        try:
            size = as_file.stat().st_size
            if size > MAX_FILE_BYTES:  # as validate and build refuse it, before reading it all
                raise UsageError(f"{printable(spec)}: {too_large(size)}")
            return spec, _utf8(as_file.read_bytes(), spec)
        except OSError as exc:
            raise UsageError(f"cannot read {printable(spec)}: {os_reason(exc)}") from exc
    root = repo_root(cwd)
    if root is None:
        raise UsageError(f"'{spec}' is not a file, and {cwd} is not in a git repository (or git is missing)")
    if ":" in spec:
        rev, _, path = spec.partition(":")
    else:
        rev = spec
        try:
            path = data_file.resolve().relative_to(root.resolve()).as_posix()
        except ValueError as exc:
            raise UsageError(f"{data_file} is not inside the git repository at {root}") from exc
    if rev.startswith("-"):
        raise UsageError(f"'{rev}' is not a revision")
    text = git(["show", f"{rev}:{path}", "--"], root if ":" not in spec else cwd)
    if len(text) > MAX_FILE_BYTES:
        raise UsageError(f"{printable(f'{rev}:{path}')}: {too_large(len(text))}")
    return f"{rev}:{path}", text


def _utf8(data: bytes, shown: str) -> str:
    """The text of a catalog file, or a UsageError naming where it is not UTF-8, as validate does."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        (line, column), _, why = not_utf8(data, exc)
        raise UsageError(f"{printable(shown)}:{line}:{column}: {why}") from exc


# --- output ----------------------------------------------------------------------------------

_TITLES = {
    "added": "Added",
    "removed": "Removed",
    "renamed": "Renamed",
    "moved": "Moved",
    "status": "Curation status",
    "changed": "Changed",
}


def summary(changes: Sequence[Change]) -> str:
    counts = {kind: sum(1 for c in changes if c.kind == kind) for kind in KINDS}
    parts = [f"{n} {kind}" for kind, n in counts.items() if n]
    return ", ".join(parts) if parts else "no changes"


def describe(change: Change) -> str:
    """One plain-text line for a change (also the feed's entry title)."""
    if change.kind == "added":
        return f"{change.name} added to {change.place}"
    if change.kind == "removed":
        return f"{change.name} removed from {change.place}"
    if change.kind == "renamed":
        return f"{change.old_name} renamed to {change.name}"
    if change.kind == "moved":
        return f"{change.name} moved from {change.old_place} to {change.place}"
    if change.kind == "status":
        old, new = change.old_status or "(none)", change.new_status or "(none)"
        return f"{change.name}: curation status {old} → {new}" + (" (retired)" if change.retired else "")
    names = ", ".join(f.field for f in change.fields)
    return f"{change.name}: {names} changed"


def _field_line(change: FieldChange) -> str:
    return f"{change.field}: {change.old if change.old is not None else '(none)'} → " + (
        change.new if change.new is not None else "(none)"
    )


def _groups(changes: Sequence[Change]) -> list[tuple[str, list[Change]]]:
    """(title, changes) for each kind that has any, in KINDS order."""
    groups = [(_TITLES[kind], [c for c in changes if c.kind == kind]) for kind in KINDS]
    return [(title, group) for title, group in groups if group]


def format_text(changes: Sequence[Change]) -> str:
    lines: list[str] = []
    for title, group in _groups(changes):
        lines.append(f"{title} ({len(group)}):")
        for change in group:
            lines.append(f"  {describe(change)}")
            lines += [f"      {_field_line(f)}" for f in change.fields]
    lines.append(summary(changes))
    # for a terminal: control and direction-changing characters of the catalog's text escaped
    return "\n".join(printable(line) for line in lines) + "\n"


def md_escape(text: str) -> str:
    """Catalog text made inert in Markdown (GitHub comments): one line, no markup, no mentions."""
    return md_inert(text)


def format_markdown(changes: Sequence[Change]) -> str:
    lines: list[str] = []
    for title, group in _groups(changes):
        lines += [f"### {title} ({len(group)})", ""]
        for change in group:
            lines.append(f"- {md_escape(describe(change))}")
            lines += [f"  - {md_escape(_field_line(f))}" for f in change.fields]
        lines.append("")
    lines.append(f"_{md_escape(summary(changes))}_")
    return "\n".join(lines) + "\n"


def format_json(changes: Sequence[Change]) -> str:
    return printable_json([c.to_json() for c in changes], indent=2) + "\n"


FORMATS = {"text": format_text, "markdown": format_markdown, "json": format_json}

__all__ = [
    "Change",
    "Entry",
    "FieldChange",
    "diff_landscapes",
    "format_json",
    "format_markdown",
    "format_text",
    "read_entries",
    "revision_text",
]
