"""Machine-readable exports: api/items.json, api/categories/<id>.json, api/redirects.json, items.csv.

Documented in the README ("Data exports"). Every item appears once in items.json, under the same
id its page uses. Output is sorted and stable: the same catalog gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from torchscape.catalog.model import Item, Landscape, export_record
from torchscape.site.model import SiteModel
from torchscape.site.render import shown
from torchscape.site.writer import FileSink
from torchscape.sources.observed import ItemObserved

API_VERSION = 1
CSV_COLUMNS = (
    "id",
    "name",
    "category",
    "subcategory",
    "second_paths",
    "status",
    "status_label",
    "kind",
    "license",
    "homepage_url",
    "repo_url",
    "documentation_url",
    "packages",
    "keywords",
    "description",
)
_LINK_FIELDS = ("crunchbase", "twitter", "url_for_bestpractices")


def item_record(item: Item, model: SiteModel) -> dict[str, Any]:
    """One item as the API shows it (landscape2's field names for links)."""
    extra = item.extra.model_dump(exclude_none=True, mode="json") if item.extra else {}
    extra.pop("annotations", None)
    record: dict[str, Any] = {
        "id": item.id,
        "name": item.name,
        "category": item.category,
        "subcategory": item.subcategory,
        "second_paths": [{"category": p.category, "subcategory": p.subcategory} for p in item.second_paths],
        "description": None if item.id in model.upstream_descriptions else item.description,
        "homepage_url": item.homepage_url,
        "repo_url": item.repo_url,
        "additional_repos": [
            {"repo_url": r.url, "branch": r.branch} for r in item.repositories if not r.primary
        ],
        "status": {
            "value": item.status.value,
            "label": item.status.label,
            "retired": item.status.retired,
        }
        if item.status
        else None,
        "license": item.license,
        "kind": item.kind,
        "framework": item.framework,
        "packages": list(item.packages),
        "keywords": list(item.keywords),
        "logo": model.logos[item.id],
        "page": f"projects/{item.id}/",
        "landscape2_id": item.landscape2_id,
        "featured": model.featured[item.id][0] if item.id in model.featured else None,
        "joined": str(item.joined) if item.joined else None,
        "enduser": item.enduser,
        "extra": extra,
    }
    for name in _LINK_FIELDS:
        record[name] = getattr(item, name)
    record["observed"] = observed_record(model.observed.get(item.id))
    return record


SUMMARY_FIELDS = ("id", "name", "description", "homepage_url", "repo_url", "logo", "page", "status")


def summary_record(record: dict[str, Any]) -> dict[str, Any]:
    """An item as a category file lists it: enough to show it; `items.json` has the rest (a copy
    of every full record in the category files was a third of the API's weight)."""
    return {name: record[name] for name in SUMMARY_FIELDS}


def observed_record(observed: ItemObserved) -> dict[str, Any] | None:
    """The observed facts the explorer filters and sorts on (None when nothing is known)."""
    repo, package = observed.repo or {}, observed.package or {}
    if not repo and not package:
        return None
    return {
        "activity": observed.activity,
        "last_activity_at": observed.last_activity_at,
        "stars": repo.get("stars"),
        "forks": repo.get("forks"),
        "contributors": repo.get("contributors"),
        "last_commit_at": repo.get("last_commit_at"),
        "latest_release_tag": repo.get("latest_release_tag"),
        "latest_release_at": repo.get("latest_release_at"),
        "releases_last_year": repo.get("releases_last_year"),
        "archived": bool(repo.get("is_archived")) if repo else None,  # unknown without GitHub data
        "license": repo.get("license") or package.get("license"),
        "language": repo.get("primary_language"),
        "topics": list(repo.get("topics") or ()),
        "description": observed.description,
        "name_with_owner": repo.get("name_with_owner"),
        "latest_version": package.get("latest_version"),
        "latest_uploaded_at": package.get("latest_uploaded_at"),
        "requires_python": package.get("requires_python"),
        "torch_requirement": observed.torch_requirement,
        "repo_fetched_at": observed.repo_fetched_at,
        "packages_fetched_at": observed.packages_fetched_at,
    }


def write_datasets(landscape: Landscape, model: SiteModel, writer: FileSink) -> int:
    records = {item.id: item_record(item, model) for item in landscape}
    writer.write("api/items.json", _json({"version": API_VERSION, "items": list(records.values())}))
    for category in model.categories:
        ids = sorted({t.item.id for s in category.subcategories for t in s.tiles})
        body = {
            "version": API_VERSION,
            "name": category.name,
            "id": category.id,
            "subcategories": [
                {"name": s.name, "id": s.id, "items": [t.item.id for t in s.tiles]}
                for s in category.subcategories
            ],
            "items": [summary_record(records[i]) for i in ids],
        }
        writer.write(f"api/categories/{category.id}.json", _json(body))
    # Files only the site's scripts read, which make views of them: what pages never show as it
    # is (direction overrides, controls) they do not get either. The API files keep the data whole.
    explorer = explorer_data(landscape, records, model.relations.compatible)
    writer.write("api/explorer.json", shown(_json(explorer)))
    writer.write("api/explorer-text.json", shown(_json(explorer_texts(landscape, records))))
    redirects = {item.landscape2_id: f"projects/{item.id}/" for item in landscape}
    writer.write("api/redirects.json", _json({"version": API_VERSION, "items": redirects}))
    curated = (replace(i, description=None) if i.id in model.upstream_descriptions else i for i in landscape)
    writer.write("items.csv", items_csv(curated))  # the catalog's descriptions, as in items.json
    return 0  # pages written (as every step of `build.heavy_parts` says)


_LIST_SEPARATORS = {"second_paths": "; ", "packages": ", ", "keywords": ", "}


def items_csv(items: Iterable[Item]) -> str:
    """Every item as one CSV row; cells that a spreadsheet would run as formulas are defused."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(CSV_COLUMNS)
    for item in items:
        record = export_record(item)
        row = []
        for column in CSV_COLUMNS:
            value = record[column]
            if isinstance(value, list):
                value = _LIST_SEPARATORS[column].join(value)
            row.append(csv_cell(value or ""))
        out.writerow(row)
    return buffer.getvalue()


def csv_cell(value: str) -> str:
    """Prefix values starting like a formula (=, +, -, @, tab, CR) so spreadsheets show text.
    Carriage returns become line feeds: the writer quotes a cell with a line feed, not one with
    a lone CR, which readers take as the end of the row (the rest then read as a new row)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=None, separators=(",", ":")) + "\n"


def explorer_texts(landscape: Landscape, records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The explorer's second file: the search vocabulary beyond names, that is each item's
    description, keywords and GitHub topics (items without any left out of the last two).
    They are most of the bytes, so the explorer works before they arrive (names, filters,
    sorting); searching them and the list view's text follow."""
    keywords = {item.id: list(item.keywords) for item in landscape if item.keywords}
    topics = {}
    for item in landscape:
        found = (records[item.id]["observed"] or {}).get("topics")
        if found:
            topics[item.id] = list(found)
    return {
        "version": API_VERSION,
        "descriptions": {item.id: item.description or "" for item in landscape},
        "keywords": keywords,
        "topics": topics,
    }


def explorer_data(
    landscape: Landscape,
    records: dict[str, dict[str, Any]],
    compatible: Mapping[str, Sequence[str] | None] | None = None,
) -> dict[str, Any]:
    """The compact item list the explorer (search by name, filters, list view, CSV) works on,
    what the home page fetches before it is interactive; `torch_ok` lists the torch versions an
    item accepts (null: unknown); `kind` is "member" for every member organisation
    (`Landscape.is_member`, also where the catalog gives no kind). Keywords and topics come with
    the descriptions (`explorer_texts`): they were half of this file's compressed bytes for the
    bundled catalog."""
    rows = []
    for item in landscape:
        observed = records[item.id]["observed"] or {}
        rows.append(
            {
                "id": item.id,
                "name": item.name,
                "category": item.category,
                "subcategory": item.subcategory,
                "second_paths": [[p.category, p.subcategory] for p in item.second_paths],
                "packages": list(item.packages),
                "status": item.status.label if item.status else None,
                "retired": item.retired,
                "kind": "member" if landscape.is_member(item) else item.kind,
                "license": item.license or observed.get("license"),
                "language": observed.get("language"),
                "activity": observed.get("activity"),
                "stars": observed.get("stars"),
                "last_commit": _day(observed.get("last_commit_at")),
                "last_release": _day(observed.get("latest_release_at") or observed.get("latest_uploaded_at")),
                "added": str(item.accepted or item.joined or "") or None,
                "torch": observed.get("torch_requirement"),
                "torch_ok": _accepted((compatible or {}).get(item.id)),
            }
        )
    return {"version": API_VERSION, "items": rows}


def _accepted(versions: Sequence[str] | None) -> list[str] | None:
    return None if versions is None else list(versions)


def _day(value: str | None) -> str | None:
    return value[:10] if value else None
