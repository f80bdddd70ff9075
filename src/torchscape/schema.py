"""JSON Schemas of the on-disk files, for editors (yaml-language-server) and other tools."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, TypeAdapter

from torchscape.catalog import FILE_KINDS
from torchscape.catalog.raw import LEGACY_MARKERS, RawCategory, RawGuide, RawSettings

DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS = FILE_KINDS


def json_schema(kind: str = "data") -> dict[str, Any]:
    """The JSON Schema of a landscape2 data, settings or guide file as torchscape reads it."""
    if kind == "data":
        return _data_schema()
    model: type[BaseModel] = RawSettings if kind == "settings" else RawGuide
    schema = model.model_json_schema()
    title = "landscape2 settings file" if kind == "settings" else "landscape2 guide file"
    return {"$schema": DIALECT, **schema, "title": f"{title} (torchscape)"}


def _data_schema() -> dict[str, Any]:
    categories = TypeAdapter(list[RawCategory]).json_schema(ref_template="#/$defs/{model}")
    defs = categories.pop("$defs")
    for model, marker in LEGACY_MARKERS.items():
        definition = defs[model.__name__]
        definition["properties"] = {
            marker: {"type": "null", "description": "Legacy-style marker (`- item:`), no value."},
            **definition["properties"],
        }
    defs["Categories"] = {"anyOf": [categories, {"type": "null"}]}
    return {
        "$schema": DIALECT,
        "title": "landscape2 data file (torchscape)",
        "description": "landscape.yml in either landscape2 style (`landscape:` or `categories:`).",
        "type": "object",
        "properties": {
            "landscape": {"$ref": "#/$defs/Categories"},
            "categories": {"$ref": "#/$defs/Categories"},
        },
        "oneOf": [{"required": ["landscape"]}, {"required": ["categories"]}],
        "$defs": defs,
    }


def dumps(kind: str = "data") -> str:
    """The schema as stable, indented JSON text (ends with a newline)."""
    return json.dumps(json_schema(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
