"""`torchscape export`: a filtered selection of items as CSV, JSON or Parquet, with items.csv's columns."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from torchscape.catalog.ids import normalize_name
from torchscape.catalog.model import Item, Landscape, export_record
from torchscape.errors import TorchscapeError, UsageError, printable_json
from torchscape.site.datasets import API_VERSION, CSV_COLUMNS, items_csv

FORMATS = ("csv", "json", "parquet")
NO_STATUS = "none"


@dataclass(frozen=True, slots=True)
class Selection:
    """Which items to export; every given criterion must hold (an empty selection takes all)."""

    category: str | None = None
    subcategory: str | None = None
    statuses: tuple[str, ...] = ()
    query: str | None = None


def select(landscape: Landscape, selection: Selection) -> list[Item]:
    """The items that match, in file order. Categories match by name or id, in any placement."""
    category = _find(selection.category, [c.name for c in landscape.categories], "category")
    subcategories = sorted({s.name for c in landscape.categories for s in c.subcategories})
    subcategory = _find(selection.subcategory, subcategories, "subcategory")
    words = (selection.query or "").casefold().split()
    statuses = {s.casefold() for s in selection.statuses}
    known = (
        {NO_STATUS}
        | {i.status.value.casefold() for i in landscape if i.status}
        | {value.casefold() for value in landscape.statuses}
    )
    unknown = sorted(statuses - known)
    if unknown:  # a typo would select nothing, and say nothing of why
        listed = ", ".join(sorted(known))
        raise UsageError(f"no curation status called {unknown[0]!r}; the statuses are: {listed}")
    chosen = []
    for item in landscape:
        places = item.placements
        if category is not None and all(p.category != category for p in places):
            continue
        if subcategory is not None and not any(
            p.subcategory == subcategory and category in (None, p.category) for p in places
        ):
            continue
        if statuses and (item.status.value.casefold() if item.status else NO_STATUS) not in statuses:
            continue
        if words and not all(word in _haystack(item) for word in words):
            continue
        chosen.append(item)
    return chosen


def _find(wanted: str | None, names: Sequence[str], what: str) -> str | None:
    if wanted is None:
        return None
    key = normalize_name(wanted)
    for name in names:
        if name.casefold() == wanted.casefold() or normalize_name(name) == key:
            return name
    listed = ", ".join(names)
    raise UsageError(f"no {what} called {wanted!r}; the {what} names are: {listed}")


def _haystack(item: Item) -> str:
    parts = [item.name, item.id, item.description or "", item.category, item.subcategory]
    parts += [*item.keywords, *item.packages, *(p.path for p in item.second_paths)]
    return " ".join(parts).casefold()


def render(items: Sequence[Item], fmt: str) -> bytes:
    """The selection in one format (CSV formula-defused; JSON with a version, like api/)."""
    if fmt == "csv":
        return items_csv(items).encode("utf-8")
    if fmt == "json":
        body = {
            "version": API_VERSION,
            "columns": list(CSV_COLUMNS),
            "items": [export_record(i) for i in items],
        }
        return (printable_json(body, indent=2) + "\n").encode("utf-8")
    if fmt == "parquet":
        return _parquet(items)
    raise UsageError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def _parquet(items: Sequence[Item]) -> bytes:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise TorchscapeError(
            "--format parquet needs pyarrow: pip install 'torchscape[parquet]' (csv and json need nothing)"
        ) from exc
    records = [export_record(i) for i in items]
    fields = [
        pa.field(c, pa.list_(pa.string()) if c in ("second_paths", "packages", "keywords") else pa.string())
        for c in CSV_COLUMNS
    ]
    schema = pa.schema(fields, metadata={"api_version": str(API_VERSION)})
    table = pa.Table.from_pylist(records, schema=schema)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()
