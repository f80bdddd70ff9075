"""`load()` and `check()`: read a landscape's files, run every rule, convert to the model once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from torchscape.catalog.checks import suggestion_budget
from torchscape.catalog.ids import landscape2_id, section_id
from torchscape.catalog.model import (
    Category,
    Item,
    Landscape,
    Link,
    Placement,
    Repository,
    Status,
    Subcategory,
)
from torchscape.catalog.raw import RawGuide, RawSettings, StatusSetting
from torchscape.catalog.urls import repo_key
from torchscape.catalog.validate_data import CheckedItem, DataChecker, DataResult, second_places
from torchscape.catalog.validate_settings import (
    check_guide,
    check_settings,
    is_landscapeapp,
    relation_statuses,
)
from torchscape.catalog.yamlio import field_lines, read_yaml
from torchscape.errors import CatalogError, Code, Problem, Severity, UsageError, sort_problems

StrPath = str | os.PathLike[str]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Every problem found, and the landscape when no problem blocks it."""

    problems: tuple[Problem, ...]
    landscape: Landscape | None

    @property
    def blocking(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.blocking)


def load(
    data_file: StrPath,
    settings_file: StrPath | None = None,
    guide_file: StrPath | None = None,
    logos_path: StrPath | None = None,
) -> Landscape:
    """Load a landscape; raise CatalogError with every problem if any of them blocks it.

    Warnings and non-blocking errors (a missing logo) are on the result's `problems`.
    """
    result = check(data_file, settings_file, guide_file, logos_path)
    if result.landscape is None:
        raise CatalogError(result.problems)
    return result.landscape


def check(
    data_file: StrPath,
    settings_file: StrPath | None = None,
    guide_file: StrPath | None = None,
    logos_path: StrPath | None = None,
    *,
    inspect_logos: bool = False,
) -> CheckResult:
    """Run every rule over the files and report all problems (never raises for bad content).
    With `inspect_logos`, each logo file is also looked at (`logos.source_problem`: parsed, not
    sanitised), as `validate` does; a build processes them itself, and says which it could
    not use."""
    data_path = _existing(data_file, "data file")
    settings_path = _existing(settings_file, "settings file") if settings_file else None
    guide_path = _existing(guide_file, "guide file") if guide_file else None
    logos = _logos_dir(logos_path, data_path)

    with suggestion_budget():
        return _check(data_path, settings_path, guide_path, logos, inspect_logos)


def _check(
    data_path: Path,
    settings_path: Path | None,
    guide_path: Path | None,
    logos: Path | None,
    inspect_logos: bool = False,
) -> CheckResult:
    data = read_yaml(data_path)
    settings_parsed = read_yaml(settings_path) if settings_path else None
    statuses = _statuses_hint(settings_parsed)
    parsed_ok = not data.errors
    checker = DataChecker(data, logos, statuses, inspect_logos=inspect_logos)
    result = checker.run() if parsed_ok else DataResult()
    names = {c: {s for s, _ in subs} for c, subs in result.categories} if parsed_ok else None
    settings = (
        check_settings(settings_parsed, names, {c.id for c in result.items} if parsed_ok else None)
        if settings_parsed and settings_parsed.root is not None
        else None
    )
    guide_parsed = read_yaml(guide_path) if guide_path else None
    guide = check_guide(guide_parsed, names) if guide_parsed and guide_parsed.root is not None else None

    problems = list(data.problems)
    for parsed in (settings_parsed, guide_parsed):
        problems += parsed.problems if parsed is not None else []
    if settings_parsed is not None and settings_parsed.root is None and not settings_parsed.errors:
        message = "the file is empty; settings need at least 'foundation:' and 'url:'"
        problems.append(Problem(settings_parsed.display, 1, 1, Severity.ERROR, Code.EMPTY_VALUE, message))
    ordered = tuple(sort_problems(problems))
    if any(p.blocking for p in ordered) or data.root is None:
        return CheckResult(ordered, None)
    landscape = _build(result, settings, guide, ordered, data_path, settings_path, guide_path, logos)
    return CheckResult(ordered, landscape)


def _existing(path: StrPath, what: str) -> Path:
    resolved = Path(path)
    if not resolved.is_file():
        raise UsageError(f"{what} {_not_a(resolved, 'file')}: {resolved}")
    return resolved


def _not_a(path: Path, kind: str) -> str:
    """Why a path given for a file (or a folder) cannot be one, as the end of a message."""
    if not path.exists():
        return "not found"
    if path.is_dir():
        return "is a folder, not a file"
    return "is not a folder" if kind == "folder" else "is not a regular file"


def _logos_dir(logos_path: StrPath | None, data_path: Path) -> Path | None:
    """The logos folder: as given, else `hosted_logos/` or `logos/` beside the data file."""
    if logos_path is not None:
        path = Path(logos_path)
        if not path.is_dir():
            raise UsageError(f"logos folder {_not_a(path, 'folder')}: {path}")
        return path
    for name in ("hosted_logos", "logos"):
        candidate = data_path.parent / name
        if candidate.is_dir() and not outside_landscape(candidate, data_path):
            return candidate
    return None


def outside_landscape(folder: Path, data_path: Path) -> bool:
    """Whether a folder found beside the data file is a link to somewhere outside the data
    file's folder (`logos -> /`): a landscape's repository must not make a build read and
    publish the machine's files; `--logos-path` names such a folder on purpose."""
    try:
        return not folder.resolve().is_relative_to(data_path.parent.resolve())
    except (OSError, RuntimeError):  # a link loop
        return True


def featured_statuses(settings: RawSettings | None) -> dict[str, StatusSetting]:
    """Labels of `project:` values that landscape2's `featured_items` already gives (a rule for
    the field `maturity`, landscape2's name for `project:`, each option's `label`): what tiles
    say of a featured item, its page says too, unless `torchscape.statuses` labels the value
    itself. `archived` is retired, as the landscapes using it mean."""
    found: dict[str, StatusSetting] = {}
    for rule in (settings.featured_items or []) if settings else []:
        if rule.field != "maturity":
            continue
        for option in rule.options:
            if option.label and option.label.strip() and option.value not in found:
                found[option.value] = StatusSetting(
                    label=option.label.strip(), retired=option.value == "archived"
                )
    return found


def _statuses_hint(parsed: object) -> dict[str, StatusSetting] | None:
    """The status table from settings, read leniently (settings are fully checked later)."""
    root = getattr(parsed, "root", None)
    section = root.get("torchscape") if isinstance(root, dict) else None
    table = section.get("statuses") if isinstance(section, dict) else None
    derived = relation_statuses(root) if is_landscapeapp(root) else {}  # see check_settings
    if not isinstance(table, dict) and not derived:
        return None  # labels from featured_items alone do not make the other values unknown
    statuses = dict(derived)
    for rule in root.get("featured_items") or () if isinstance(root, dict) else ():
        if isinstance(rule, dict) and rule.get("field") == "maturity":
            for option in rule.get("options") or () if isinstance(rule.get("options"), list) else ():
                if isinstance(option, dict) and isinstance(option.get("value"), str):
                    statuses.setdefault(
                        option["value"], StatusSetting(label=str(option.get("label") or option["value"]))
                    )
    for key, value in (table if isinstance(table, dict) else {}).items():
        label = value.get("label") if isinstance(value, dict) else None
        retired = (
            str(value.get("retired", "")).lower() in ("true", "yes", "1")
            if isinstance(value, dict)
            else False
        )
        statuses[key] = StatusSetting(label=label if isinstance(label, str) else key, retired=retired)
    return statuses


def _build(
    result: DataResult,
    settings: RawSettings | None,
    guide: RawGuide | None,
    problems: tuple[Problem, ...],
    data_file: Path,
    settings_file: Path | None,
    guide_file: Path | None,
    logos: Path | None,
) -> Landscape:
    statuses = featured_statuses(settings)
    statuses.update(settings.torchscape.statuses or {} if settings and settings.torchscape else {})
    categories = tuple(
        Category(
            name=name,
            id=section_id(name, "category"),
            subcategories=tuple(
                Subcategory(sub, section_id(sub, "subcategory"), tuple(c.id for c in items))
                for sub, items in subs
            ),
        )
        for name, subs in result.categories
    )
    places = {(c.name, s.name) for c in categories for s in c.subcategories}
    items = tuple(_item(c, statuses, places) for c in result.items)
    return Landscape(
        categories=categories,
        items=items,
        settings=settings,
        guide=guide,
        problems=problems,
        data_file=data_file,
        settings_file=settings_file,
        guide_file=guide_file,
        logos_path=logos,
        statuses=MappingProxyType(statuses),
    )


def _item(checked: CheckedItem, statuses: dict[str, StatusSetting], places: set[tuple[str, str]]) -> Item:
    raw = checked.raw
    own = (checked.category, checked.subcategory)
    extra = raw.extra
    annotations = dict((extra.annotations or {}) if extra else {})
    repos = [Repository(raw.repo_url, raw.branch, True)] if raw.repo_url else []
    seen = {repo_key(raw.repo_url)} if raw.repo_url else set()
    for extra_repo in raw.additional_repos or ():  # each once (validate warns of the others)
        if repo_key(extra_repo.repo_url) not in seen:
            seen.add(repo_key(extra_repo.repo_url))
            repos.append(Repository(extra_repo.repo_url, extra_repo.branch, False))
    return Item(
        id=checked.id,
        name=raw.name.strip(),
        category=checked.category,
        subcategory=checked.subcategory,
        homepage_url=raw.homepage_url,
        logo=raw.logo,
        description=raw.description.strip() if raw.description else None,
        repo_url=raw.repo_url,
        repositories=tuple(repos),
        second_paths=tuple(Placement(*p) for p in second_places(raw.second_path or (), places, own)[0]),
        status=_status(raw.project, statuses),
        license=raw.license,
        joined=raw.joined,
        accepted=extra.accepted if extra else None,
        crunchbase=raw.crunchbase,
        twitter=raw.twitter,
        url_for_bestpractices=raw.url_for_bestpractices,
        enduser=raw.enduser,
        allow_duplicate_repo=bool(raw.allow_duplicate_repo),
        keywords=_split(extra.summary_tags if extra else None),
        packages=_split(annotations.get("pypi")),
        kind=annotations.get("kind"),
        framework=annotations.get("framework"),
        documentation_url=extra.documentation_url if extra else None,
        other_links=tuple(Link(x.name, x.url) for x in extra.other_links or ()) if extra else (),
        annotations=MappingProxyType(annotations),
        extra=extra,
        landscape2_id=landscape2_id(checked.category, checked.subcategory, raw.name),
        line=checked.scope.at()[0],
        field_lines=MappingProxyType(field_lines(checked.scope.parsed.root, checked.scope.path)),
    )


def _status(value: str | None, statuses: dict[str, StatusSetting]) -> Status | None:
    if value is None or not value.strip():
        return None
    setting = statuses.get(value)
    if setting is None:
        return Status(value=value, label=value)
    return Status(value=value, label=setting.label, retired=setting.retired)


def _split(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
