"""JSON Schemas of the site's api/ files: written into every site (api/schema/) and committed (schema/).

`API_VERSION` (site/datasets.py) is the `version` field of every api/ file. It goes up by one
when a field is removed or renamed or changes its type or meaning; adding a field does not
change it (clients must ignore fields they do not know). The README's "API" section says so.
api/compare.json, the compare view's own compact file, has its own format version
(`COMPARE_VERSION`, relations/compare.py).
"""

from __future__ import annotations

import json
from typing import Any

from torchscape.relations.compare import COMPARE_VERSION, KINDS, ROWS, Kind
from torchscape.site.datasets import API_VERSION, SUMMARY_FIELDS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
NAMES = ("items", "category", "explorer", "explorer-text", "redirects", "compare")

_STR = {"type": "string"}
_OPT_STR = {"type": ["string", "null"]}
_OPT_INT = {"type": ["integer", "null"]}
_STRINGS = {"type": "array", "items": _STR}
_DATE_TIME = {"type": ["string", "null"], "description": "ISO 8601 date and time (UTC)"}


def _object(properties: dict[str, Any], description: str = "", closed: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": sorted(properties),
    }
    if description:
        schema["description"] = description
    if closed:
        schema["additionalProperties"] = False
    return schema


def _version() -> dict[str, Any]:
    return {
        "const": API_VERSION,
        "description": "API version: raised when a field is removed, renamed or changes meaning",
    }


_PLACE = _object({"category": _STR, "subcategory": _STR})

_OBSERVED = {
    "type": ["object", "null"],
    "description": "what GitHub and the package index said (null when nothing was fetched)",
    "properties": {
        "activity": {"enum": ["active", "slowing", "dormant", "archived", None]},
        "last_activity_at": _DATE_TIME,
        "stars": _OPT_INT,
        "forks": _OPT_INT,
        "contributors": _OPT_INT,
        "last_commit_at": _DATE_TIME,
        "latest_release_tag": _OPT_STR,
        "latest_release_at": _DATE_TIME,
        "releases_last_year": _OPT_INT,
        "archived": {
            "type": ["boolean", "null"],
            "description": "archived on GitHub; null without GitHub data",
        },
        "license": _OPT_STR,
        "language": _OPT_STR,
        "topics": _STRINGS,
        "description": {
            "type": ["string", "null"],
            "description": "what the project says of itself upstream (repository description, else package "
            "summary); the site shows it when the catalog's `description` is empty",
        },
        "name_with_owner": _OPT_STR,
        "latest_version": _OPT_STR,
        "latest_uploaded_at": _DATE_TIME,
        "requires_python": _OPT_STR,
        "torch_requirement": {
            "type": ["string", "null"],
            "description": "the torch specifier ('' = any version; null = none declared)",
        },
        "repo_fetched_at": _DATE_TIME,
        "packages_fetched_at": _DATE_TIME,
    },
}

ITEM = _object(
    {
        "id": {"type": "string", "description": "stable id, also the page path projects/<id>/"},
        "name": _STR,
        "category": _STR,
        "subcategory": _STR,
        "second_paths": {"type": "array", "items": _PLACE},
        "description": _OPT_STR,
        "homepage_url": _STR,
        "repo_url": _OPT_STR,
        "additional_repos": {
            "type": "array",
            "items": _object({"repo_url": _STR, "branch": _OPT_STR}),
        },
        "status": {
            "oneOf": [
                {"type": "null"},
                _object({"value": _STR, "label": _STR, "retired": {"type": "boolean"}}),
            ],
            "description": "the curation status (`project:`) and how this landscape labels it",
        },
        "license": _OPT_STR,
        "kind": {"enum": ["library", "framework", "tool", "service", "member", None]},
        "framework": _OPT_STR,
        "packages": _STRINGS,
        "keywords": _STRINGS,
        "logo": {"type": "string", "description": "path of the sanitised logo inside the site"},
        "page": _STR,
        "landscape2_id": _STR,
        "featured": _OPT_STR,
        "joined": {"type": ["string", "null"], "description": "a member's `joined` date (YYYY-MM-DD)"},
        "enduser": {"type": ["boolean", "null"], "description": "a member's `enduser` flag"},
        "crunchbase": _OPT_STR,
        "twitter": _OPT_STR,
        "url_for_bestpractices": _OPT_STR,
        "extra": {"type": "object", "description": "landscape2's `extra` fields as written"},
        "observed": _OBSERVED,
    },
    "one item, once, under its stable id",
)

SUMMARY = _object(
    {name: ITEM["properties"][name] for name in SUMMARY_FIELDS},
    "an item in short (api/items.json has every field)",
)

_EXPLORER_ITEM = _object(
    {
        "id": _STR,
        "name": _STR,
        "category": _STR,
        "subcategory": _STR,
        "second_paths": {"type": "array", "items": {"type": "array", "items": _STR}},
        "packages": _STRINGS,
        "status": _OPT_STR,
        "retired": {"type": "boolean"},
        "kind": _OPT_STR,
        "license": _OPT_STR,
        "language": _OPT_STR,
        "activity": _OPT_STR,
        "stars": _OPT_INT,
        "last_commit": _OPT_STR,
        "last_release": _OPT_STR,
        "added": _OPT_STR,
        "torch": _OPT_STR,
    },
)


def _pair(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "prefixItems": [first, second], "minItems": 2, "items": False}


_DATE = {"type": "string", "description": "YYYY-MM-DD"}
_FACTS: dict[Kind, dict[str, Any]] = {
    "text": {"type": "string", "description": "the text shown"},
    "count": {"type": "integer", "description": "a number, shown with thousands separators: 1,234"},
    "trend": {
        **_pair({"type": "integer"}, _DATE),
        "description": "change and the date it is counted from, shown '+12 since 2026-01-01'",
    },
    "days": {
        **_pair({"type": "integer", "minimum": 0}, _DATE),
        "description": "days and the date they are counted to, shown '3 (2026-10-29)'",
    },
    "scored": {**_pair(_STR, {"type": "number"}), "description": "the text shown and its value"},
    "items": {
        **_STRINGS,
        "description": "listed item ids, each shown as its name linking to projects/<id>/; [] is 'none'",
    },
    "links": {
        "type": "array",
        "items": _pair({"type": "integer", "minimum": 0}, _STR),
        "description": "(index into the row's labels, URL) pairs, shown as links",
    },
}
assert set(_FACTS) == set(KINDS)


def _compare() -> dict[str, Any]:
    row = {
        "type": "object",
        "properties": {
            "key": _STR,
            "label": _STR,
            "best": {"enum": ["max", "min", None], "description": "which value is best, if any"},
            "kind": {"enum": list(KINDS), "description": "what the row's facts are"},
            "values": {"type": "array", "description": "a shared row's distinct facts"},
            "labels": {"type": "array", "items": _STR, "description": "a links row's labels"},
        },
        "required": ["best", "key", "kind", "label"],
    }
    cells = [
        {"type": ["integer", "null"], "minimum": 0, "description": f"{r.key}: index into the row's values"}
        if r.shared
        else {"oneOf": [{"type": "null"}, _FACTS[r.kind]], "description": f"{r.key} ({r.kind})"}
        for r in ROWS
    ]
    item = _object(
        {
            "name": _STR,
            "logo": {
                "type": "string",
                "description": "path of the logo at tile size inside the site (a bitmap "
                "thumbnail of an SVG logo where there is one)",
            },
            "cells": {
                "type": "array",
                "prefixItems": cells,
                "minItems": len(cells),
                "items": False,
                "description": "one fact per row, in the rows' order; null: unknown",
            },
        }
    )
    return _object(
        {
            "version": {
                "const": COMPARE_VERSION,
                "description": "this file's format version (not the API version): raised when it changes",
            },
            "as_of": _DATE_TIME,
            "rows": {"type": "array", "items": row},
            "items": {"type": "object", "additionalProperties": item, "description": "item id -> item"},
        }
    )


def api_schema(name: str) -> dict[str, Any]:
    """The schema of one api/ file: items, category (api/categories/<id>.json), explorer, redirects."""
    top: dict[str, Any]
    if name == "items":
        top = _object({"version": _version(), "items": {"type": "array", "items": ITEM}})
        title = "api/items.json"
    elif name == "category":
        subcategory = _object({"name": _STR, "id": _STR, "items": _STRINGS})
        top = _object(
            {
                "version": _version(),
                "name": _STR,
                "id": _STR,
                "subcategories": {"type": "array", "items": subcategory},
                "items": {"type": "array", "items": SUMMARY},
            }
        )
        title = "api/categories/<id>.json"
    elif name == "explorer":
        top = _object({"version": _version(), "items": {"type": "array", "items": _EXPLORER_ITEM}})
        title = "api/explorer.json (compact list for the explorer; may change with the site)"
    elif name == "explorer-text":
        lists = {"type": "object", "additionalProperties": _STRINGS}
        top = _object(
            {
                "version": _version(),
                "descriptions": {"type": "object", "additionalProperties": _STR},
                "keywords": lists,
                "topics": lists,
            },
            "item id -> description; item id -> keywords, GitHub topics (items that have some)",
        )
        title = "api/explorer-text.json (the explorer's search words beyond names; may change with the site)"
    elif name == "redirects":
        top = _text_map("items", "landscape2 item id -> page path")
        title = "api/redirects.json"
    elif name == "compare":
        top = _compare()
        title = "api/compare.json (compact data of the compare view; may change with the site)"
        return {"$schema": DIALECT, "title": f"{title}, format version {COMPARE_VERSION}", **top}
    else:
        raise ValueError(f"no API schema called {name!r}")
    return {"$schema": DIALECT, "title": f"{title}, API version {API_VERSION}", **top}


def _text_map(key: str, description: str) -> dict[str, Any]:
    """A versioned object whose `key` maps strings to strings."""
    return _object(
        {"version": _version(), key: {"type": "object", "additionalProperties": _STR}}, description
    )


def dumps(name: str) -> str:
    return json.dumps(api_schema(name), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
