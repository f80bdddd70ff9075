"""Write tests/js/data/<name>-items.json: a build's api/items.json cut to what the search reads.

    .venv/bin/torchscape build --output-dir OUT --cache-dir CACHE          (the bundled landscape)
    .venv/bin/python scripts/make_search_test_data.py OUT/api/items.json bundled

The file keeps, per item, the fields search.js and filters.js read (see FIELDS and OBSERVED);
`kind` as the explorer reads it, from the build's api/explorer.json beside items.json ("member"
for the items of a members' category too),
one item a line, so a catalog change shows in a review as the lines of the items it touched.
Its "about" line is kept from the file it replaces (it says which build the data comes from).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "tests" / "js" / "data"
FIELDS = (
    "id",
    "name",
    "category",
    "subcategory",
    "second_paths",
    "description",
    "keywords",
    "status",
    "kind",
    "license",
    "packages",
    "observed",
)
OBSERVED = ("activity", "archived", "language", "license", "topics")


def cut(item: dict[str, Any]) -> dict[str, Any]:
    entry = {field: item.get(field) for field in FIELDS}
    if item.get("observed") is not None:
        entry["observed"] = {field: item["observed"].get(field) for field in OBSERVED}
    return entry


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("items_json", type=Path, help="api/items.json of a build")
    parser.add_argument("name", help="bundled or fixture: writes tests/js/data/<name>-items.json")
    args = parser.parse_args()
    target = DATA / f"{args.name}-items.json"
    about = json.loads(target.read_text(encoding="utf-8"))["about"]
    items = json.loads(args.items_json.read_text(encoding="utf-8"))["items"]
    explorer = json.loads((args.items_json.parent / "explorer.json").read_text(encoding="utf-8"))["items"]
    kinds = {row["id"]: row["kind"] for row in explorer}
    items = [{**item, "kind": kinds[item["id"]]} for item in items]
    lines = (json.dumps(cut(item), ensure_ascii=False, separators=(",", ":")) for item in items)
    text = (
        '{"about":' + json.dumps(about, ensure_ascii=False) + ',\n"items":[\n' + ",\n".join(lines) + "\n]}\n"
    )
    target.write_text(text, encoding="utf-8")
    print(f"{target}: {len(items)} items")


if __name__ == "__main__":
    main()
