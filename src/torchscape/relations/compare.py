"""The rows of the compare view: one record per item, shared by the pre-rendered pages and by
`api/compare.json` (from which the browser builds any other comparison).

Each row has a kind, and an item's *fact* for a row is the least that row's cell is made from
(None when unknown): a text (`text`), a whole number (`count`), a change and the date it is
counted from (`trend`), days and the date they are counted to (`days`), a text and its value
(`scored`), listed item ids (`items`), or (label, URL) pairs (`links`). `expand` turns a fact into
the cell that tables show: a display `text`, optional `links` (label, path from the site root,
or an absolute URL), and a numeric `value` where a best value means something (stars, recency,
...). Unknown values are the text "unknown" with no value: never a guess.

`api/compare.json` carries the facts (compare.js expands them as `expand` does) rather than the
cells, so that thousands of items do not repeat texts the browser can write itself.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from torchscape.catalog.model import Item, Landscape
from torchscape.relations import Relations
from torchscape.relations.requirements import is_final
from torchscape.sources.facts import utc_time
from torchscape.sources.observed import ItemObserved, Observed

UNKNOWN = "unknown"
#: The `version` of api/compare.json's format (1 carried whole cells; 2 carries facts).
COMPARE_VERSION = 2
Best = Literal["max", "min"] | None
Kind = Literal["text", "count", "trend", "days", "scored", "items", "links"]
KINDS: tuple[Kind, ...] = ("text", "count", "trend", "days", "scored", "items", "links")


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    label: str
    best: Best = None  # which value is best: the highest, the lowest, or none is "best"
    kind: Kind = "text"
    #: api/compare.json lists the row's distinct facts once and its cells give their index: for
    #: rows whose facts repeat across items (placements, licences, requirements).
    shared: bool = False


ROWS = (
    Row("for", "What it is for"),
    Row("placements", "Listed in", shared=True),
    Row("status", "Curation status", shared=True),
    Row("license", "Licence", shared=True),
    Row("stars", "GitHub stars", "max", "count"),
    Row("stars_trend", "Star trend", "max", "trend"),
    Row("contributors", "Contributors", "max", "count"),
    Row("last_commit", "Days since the last commit", "min", "days"),
    Row("releases", "Releases in the last year", "max", "count"),
    Row("last_release", "Days since the last release", "min", "days"),
    Row("torch", "Accepts torch", "max", "scored", shared=True),
    Row("python", "Python", shared=True),
    Row("built_on", "Built on (listed items)", kind="items"),
    Row("used_by", "Listed items that depend on it", "max", "count"),
    Row("links", "Links", kind="links"),
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
    """Calendar days from `earlier` to `now` (UTC dates): the cell shows the date beside the
    count, and a count of whole 24-hour spans read one short of the dates shown."""
    then = utc_time(earlier) if earlier and now is not None else None
    if then is None or now is None:  # (also a time in the cache that is not one)
        return None
    today = (now if now.tzinfo else now.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).date()
    return max((today - then.date()).days, 0)  # `then` is in UTC already


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


def item_facts(item: Item, observed: ItemObserved, relations: Relations, as_of: str | None) -> dict[str, Any]:
    """Every row's fact for one item (None: unknown)."""
    now = dt.datetime.fromisoformat(as_of.replace("Z", "+00:00")) if as_of else None
    repo, package = observed.repo or {}, observed.package or {}
    licence = item.license or repo.get("license") or package.get("license")
    stars = repo.get("stars") if repo else None
    history = observed.stars_history
    trend = (
        [int(stars) - int(history[0][1]), str(history[0][0])]
        if stars is not None and len(history) > 1
        else None
    )
    contributors = repo.get("contributors")
    commit_days = _days(repo.get("last_commit_at"), now)
    releases = _releases_last_year(observed, now)
    released = repo.get("latest_release_at") or package.get("latest_uploaded_at")
    release_days = _days(released, now)
    torch = torch_cell(observed.torch_requirement, relations.compatible.get(item.id), relations.torch.minors)
    python = package.get("requires_python")
    built_on = relations.built_on.get(item.id, ())
    users = len(relations.used_by.get(item.id, ()))
    links = [("Homepage", item.homepage_url)]
    links += [("Repository", r.url) for r in item.repositories if r.primary]
    if item.documentation_url:
        links.append(("Documentation", item.documentation_url))
    return {
        "for": item.description or None,
        "placements": "; ".join(f"{p.category} / {p.subcategory}" for p in item.placements),
        "status": item.status.label if item.status else "none",
        "license": str(licence) if licence else None,
        "stars": int(stars) if stars is not None else None,
        "stars_trend": trend,
        "contributors": int(contributors) if contributors else None,
        "last_commit": [commit_days, str(repo["last_commit_at"])[:10]] if commit_days is not None else None,
        "releases": releases,
        "last_release": [release_days, str(released)[:10]] if release_days is not None else None,
        "torch": [torch["text"], torch["value"]] if "value" in torch else None,
        "python": str(python) if python else None,
        "built_on": list(built_on) if built_on or observed.packages else None,
        "used_by": users if observed.packages or users else None,
        "links": [list(link) for link in links],
    }


def expand(row: Row, fact: Any, names: Mapping[str, str]) -> dict[str, Any]:
    """The cell a table shows for a row's fact (compare.js's `expandCell` does the same)."""
    if fact is None:
        return _unknown()
    if row.kind == "count":
        return _cell(f"{fact:,}", fact)
    if row.kind == "trend":
        return _cell(f"{fact[0]:+,} since {fact[1]}", fact[0])
    if row.kind == "days":
        return _cell(f"{fact[0]} ({fact[1]})", fact[0])
    if row.kind == "scored":
        return _cell(fact[0], fact[1])
    if row.kind == "items":
        if not fact:
            return _cell("none")
        return _cell(", ".join(names[i] for i in fact), links=[(names[i], f"projects/{i}/") for i in fact])
    if row.kind == "links":
        return _cell(" · ".join(label for label, _ in fact), links=[(label, url) for label, url in fact])
    return _cell(str(fact))


def expand_all(facts: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Every row's cell from an item's facts."""
    return {row.key: expand(row, facts[row.key], names) for row in ROWS}


def item_cells(
    item: Item, observed: ItemObserved, relations: Relations, names: Mapping[str, str], as_of: str | None
) -> dict[str, dict[str, Any]]:
    """Every row's cell for one item."""
    return expand_all(item_facts(item, observed, relations, as_of), names)


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
        span = tested[0] if len(tested) == 1 else f"{tested[-1]} to {tested[0]}"
        return _cell(f"{spec} (every tested version: {span})", len(accepted))
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


def compare_facts(
    landscape: Landscape, observed: Observed, relations: Relations
) -> dict[str, dict[str, Any]]:
    """Every item's facts, by item id."""
    return {item.id: item_facts(item, observed.get(item.id), relations, observed.as_of) for item in landscape}


def compare_data(landscape: Landscape, relations: Relations, as_of: str | None) -> dict[str, Any]:
    """`api/compare.json` (format `COMPARE_VERSION`): the rows, and every item's name and facts,
    one per row in the rows' order (null: unknown). A shared row lists its distinct facts in
    `values` (in the order items first have them) and its cells are indexes into that list; a
    `links` row lists its labels in `labels` and each link is (index of its label, URL)."""
    rows: list[dict[str, Any]] = []
    shared: dict[str, dict[str, int]] = {}
    for row in ROWS:
        rows.append({"key": row.key, "label": row.label, "best": row.best, "kind": row.kind})
        if row.shared:
            rows[-1]["values"] = []
            shared[row.key] = {}
        if row.kind == "links":
            rows[-1]["labels"] = []
            shared[row.key] = {}

    def indexed(found: dict[str, int], listed: list[Any], value: Any) -> int:
        key = json.dumps(value, ensure_ascii=False)
        if key not in found:
            found[key] = len(listed)
            listed.append(value)
        return found[key]

    def encoded(row: dict[str, Any], fact: Any) -> Any:
        index = shared.get(row["key"])
        if index is None or fact is None:
            return fact
        if row["kind"] == "links":
            return [[indexed(index, row["labels"], label), url] for label, url in fact]
        return indexed(index, row["values"], fact)

    items = {
        item.id: {
            "name": item.name,
            "cells": [encoded(row, relations.facts[item.id][row["key"]]) for row in rows],
        }
        for item in landscape
    }
    return {"version": COMPARE_VERSION, "as_of": as_of, "rows": rows, "items": items}
