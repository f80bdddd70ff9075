"""The rows of the compare view: one record per item, shared by the pre-rendered pages and by
`api/compare.json` (from which the browser builds any other comparison).

A cell has a display `text`, optional `links` (label, path from the site root, or an absolute
URL), and a numeric `value` where a best value means something (stars, recency, ...). Unknown
values are the text "unknown" with no value: never a guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from torchscape.catalog.model import Item, Landscape
from torchscape.relations import Relations
from torchscape.relations.requirements import is_final
from torchscape.sources.observed import ItemObserved, Observed

UNKNOWN = "unknown"
Best = Literal["max", "min"] | None


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    label: str
    best: Best = None  # which value is best: the highest, the lowest, or none is "best"


ROWS = (
    Row("for", "What it is for"),
    Row("placements", "Listed in"),
    Row("status", "Curation status"),
    Row("license", "Licence"),
    Row("stars", "GitHub stars", "max"),
    Row("stars_trend", "Star trend", "max"),
    Row("contributors", "Contributors", "max"),
    Row("last_commit", "Days since the last commit", "min"),
    Row("releases", "Releases in the last year", "max"),
    Row("last_release", "Days since the last release", "min"),
    Row("torch", "Accepts torch", "max"),
    Row("python", "Python"),
    Row("built_on", "Built on (listed items)"),
    Row("used_by", "Listed items that depend on it", "max"),
    Row("links", "Links"),
)


def _cell(text: str, value: float | None = None, links: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    cell: dict[str, Any] = {"text": text}
    if value is not None:
        cell["value"] = value
    if links:
        cell["links"] = [list(link) for link in links]
    return cell


def _unknown() -> dict[str, Any]:
    return {"text": UNKNOWN}


def _days(earlier: str | None, now: dt.datetime | None) -> int | None:
    if not earlier or now is None:
        return None
    then = dt.datetime.fromisoformat(earlier.replace("Z", "+00:00"))
    then = then if then.tzinfo else then.replace(tzinfo=dt.UTC)
    return max((now - then).days, 0)


def _releases_last_year(observed: ItemObserved, now: dt.datetime | None) -> int | None:
    """GitHub's count when known, else the main package's final releases in the year before `now`."""
    repo = observed.repo or {}
    if repo.get("releases_last_year") is not None:
        return int(repo["releases_last_year"])
    package = observed.package
    if package is None or now is None or not package.get("versions"):
        return None
    dates = [_days(str(entry[1]), now) for entry in package["versions"] if _dated(entry)]
    return sum(1 for d in dates if d is not None and d <= 365)


def _dated(entry: object) -> bool:
    """A final release's (version, upload time) pair with a time (pre-releases, nightlies and
    other shapes left out)."""
    if not (isinstance(entry, list | tuple) and len(entry) == 2 and entry[1]):
        return False
    return is_final(str(entry[0]))


def item_cells(
    item: Item, observed: ItemObserved, relations: Relations, names: Mapping[str, str], as_of: str | None
) -> dict[str, dict[str, Any]]:
    """Every row's cell for one item."""
    now = dt.datetime.fromisoformat(as_of.replace("Z", "+00:00")) if as_of else None
    repo, package = observed.repo or {}, observed.package or {}
    cells: dict[str, dict[str, Any]] = {
        "for": _cell(item.description or UNKNOWN),
        "placements": _cell(
            "; ".join(f"{p.category} / {p.subcategory}" for p in item.placements),
        ),
        "status": _cell(item.status.label if item.status else "none"),
    }
    licence = item.license or repo.get("license") or package.get("license")
    cells["license"] = _cell(str(licence)) if licence else _unknown()
    stars = repo.get("stars") if repo else None
    cells["stars"] = _cell(f"{int(stars):,}", int(stars)) if stars is not None else _unknown()
    history = observed.stars_history
    if stars is not None and len(history) > 1:
        delta = int(stars) - history[0][1]
        cells["stars_trend"] = _cell(f"{delta:+,} since {history[0][0]}", delta)
    else:
        cells["stars_trend"] = _unknown()
    contributors = repo.get("contributors")
    cells["contributors"] = _cell(f"{int(contributors):,}", int(contributors)) if contributors else _unknown()
    commit_days = _days(repo.get("last_commit_at"), now)
    cells["last_commit"] = (
        _cell(f"{commit_days} ({str(repo['last_commit_at'])[:10]})", commit_days)
        if commit_days is not None
        else _unknown()
    )
    releases = _releases_last_year(observed, now)
    cells["releases"] = _cell(str(releases), releases) if releases is not None else _unknown()
    released = repo.get("latest_release_at") or package.get("latest_uploaded_at")
    release_days = _days(released, now)
    cells["last_release"] = (
        _cell(f"{release_days} ({str(released)[:10]})", release_days)
        if release_days is not None
        else _unknown()
    )
    cells["torch"] = torch_cell(
        observed.torch_requirement, relations.compatible.get(item.id), relations.torch.minors
    )
    python = package.get("requires_python")
    cells["python"] = _cell(str(python)) if python else _unknown()
    built_on = relations.built_on.get(item.id, ())
    cells["built_on"] = (
        _cell(", ".join(names[i] for i in built_on), links=[(names[i], f"projects/{i}/") for i in built_on])
        if built_on
        else _cell("none" if observed.packages else UNKNOWN)
    )
    users = len(relations.used_by.get(item.id, ()))
    cells["used_by"] = _cell(str(users), users) if observed.packages or users else _unknown()
    links = [("Homepage", item.homepage_url)]
    links += [("Repository", r.url) for r in item.repositories if r.primary]
    if item.documentation_url:
        links.append(("Documentation", item.documentation_url))
    cells["links"] = _cell(" · ".join(label for label, _ in links), links=links)
    return cells


def torch_cell(
    requirement: str | None, accepted: Sequence[str] | None, tested: Sequence[str] = ()
) -> dict[str, Any]:
    """'>=2.6 (accepts 2.6 to 2.15 of the tested)'; unknown without a declared requirement.

    The value is how many of the tested versions are accepted (more is better)."""
    if requirement is None or accepted is None:
        return _unknown()
    spec = requirement or "any version"
    if not accepted:
        return _cell(f"{spec} (none of the tested versions)", 0)
    if tested and len(accepted) == len(tested):
        return _cell(f"{spec} (every tested version, {tested[-1]} to {tested[0]})", len(accepted))
    span = accepted[0] if len(accepted) == 1 else f"{accepted[-1]} to {accepted[0]}"
    return _cell(f"{spec} (accepts {span} of the tested)", len(accepted))


def mark_best(records: Sequence[Mapping[str, Mapping[str, Any]]]) -> dict[str, set[int]]:
    """Row key -> indexes of the records holding the best value (only where values differ)."""
    marked: dict[str, set[int]] = {}
    for row in ROWS:
        if row.best is None:
            continue
        values = [(i, r[row.key]["value"]) for i, r in enumerate(records) if "value" in r[row.key]]
        if len(values) < 2 or len({v for _, v in values}) < 2:
            continue
        target = max(v for _, v in values) if row.best == "max" else min(v for _, v in values)
        marked[row.key] = {i for i, v in values if v == target}
    return marked


def compare_cells(
    landscape: Landscape, observed: Observed, relations: Relations
) -> dict[str, dict[str, dict[str, Any]]]:
    """Every item's cells, by item id."""
    names = {item.id: item.name for item in landscape}
    return {
        item.id: item_cells(item, observed.get(item.id), relations, names, observed.as_of)
        for item in landscape
    }


def compare_data(landscape: Landscape, relations: Relations, as_of: str | None) -> dict[str, Any]:
    """`api/compare.json`: the rows and every item's name and cells."""
    items = {item.id: {"name": item.name, "cells": relations.cells[item.id]} for item in landscape}
    rows = [{"key": r.key, "label": r.label, "best": r.best} for r in ROWS]
    return {"version": 1, "as_of": as_of, "rows": rows, "items": items}
