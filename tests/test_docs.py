"""Docs stay complete: every command, flag and data field the code knows is documented."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from pydantic import BaseModel

from torchscape.catalog import raw
from torchscape.cli import build_parser

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
FIELDS = (REPO / "docs" / "fields.md").read_text(encoding="utf-8")


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_every_command_and_flag_is_in_the_readme() -> None:
    missing = []
    for name, command in _commands().items():
        if f"torchscape {name}" not in README:
            missing.append(name)
        for action in command._actions:
            missing += [
                f"{name} {flag}"
                for flag in action.option_strings
                if flag.startswith("--") and flag != "--help" and flag not in README
            ]
    assert missing == []


def _fields(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[str]:
    names = set(model.model_fields) | ({raw.LEGACY_MARKERS[model]} if model in raw.LEGACY_MARKERS else set())
    seen.add(model)
    for info in model.model_fields.values():
        for sub in re.findall(r"\b[A-Z]\w+\b", str(info.annotation)):
            candidate = getattr(raw, sub, None)
            if isinstance(candidate, type) and issubclass(candidate, BaseModel) and candidate not in seen:
                names |= _fields(candidate, seen)
    return names


def test_every_field_is_documented() -> None:
    fields = set()
    for model in (raw.RawCategory, raw.RawSettings, raw.RawGuide):
        fields |= _fields(model, set())
    fields -= {"category", "subcategory", "item"} - set(re.findall(r"`(\w+)`", FIELDS))
    documented = set(re.findall(r"`([a-z_0-9]+)`", FIELDS))
    assert sorted(fields - documented) == []


def test_annotation_keys_are_documented() -> None:
    for key in ("pypi", "kind", "slug", "framework"):
        assert f"`{key}`" in FIELDS and f"extra.annotations.{key}" in README
