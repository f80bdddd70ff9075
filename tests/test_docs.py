"""Docs stay complete: every command, flag and data field the code knows is documented."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from pydantic import BaseModel

from torchscape.catalog import raw
from torchscape.cli import add_source_flags, build_parser

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
FIELDS = (REPO / "docs" / "fields.md").read_text(encoding="utf-8")
SETTINGS = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
COMMANDS = (REPO / "docs" / "commands.md").read_text(encoding="utf-8")
DOCS = ("commands.md", "fields.md", "settings.md", "deploy.md", "migrating.md", "performance.md")


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


def _command_sections() -> dict[str, str]:
    """docs/commands.md split at its `## `torchscape NAME`` headings."""
    parts = re.split(r"^## `torchscape (\S+)`\s*$", COMMANDS, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _input_flags() -> set[str]:
    parser = argparse.ArgumentParser()
    add_source_flags(parser)
    return {flag for action in parser._actions for flag in action.option_strings} - {"-h", "--help"}


def test_every_command_and_flag_is_in_docs_commands() -> None:
    """Commands come from build_parser(), so commands added later are checked too."""
    sections = _command_sections()
    missing = []
    for name, command in _commands().items():
        section = sections.get(name)
        if section is None:
            missing.append(f"no section for torchscape {name}")
            continue
        for action in command._actions:
            missing += [
                f"{name} {flag}"
                for flag in action.option_strings
                if flag.startswith("--")
                and flag != "--help"
                and flag not in section
                # the input flags are documented once, at the top, for every command that says it takes them
                and not (flag in _input_flags() and "input flags" in section)
            ]
    assert missing == []
    assert not set(sections) - set(_commands()), "docs/commands.md documents a command that does not exist"


def test_docs_exist_and_are_linked_from_the_readme() -> None:
    for name in DOCS:
        assert (REPO / "docs" / name).is_file(), name
        assert f"(docs/{name})" in README, f"README does not link docs/{name}"


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
    for model in (raw.RawCategory, raw.RawGuide):
        fields |= _fields(model, set())
    fields -= {"category", "subcategory", "item"} - set(re.findall(r"`(\w+)`", FIELDS))
    documented = set(re.findall(r"`([a-z_0-9]+)`", FIELDS))
    assert sorted(fields - documented) == []


def test_every_setting_is_documented() -> None:
    """Every field of settings.yml, nested ones and the `torchscape:` section included."""
    fields = _fields(raw.RawSettings, set())
    assert {"torchscape", "statuses", "active_days", "color7", "container_id"} <= fields
    documented = set(re.findall(r"`([a-z_0-9]+)`", SETTINGS))
    assert sorted(fields - documented) == []


def test_annotation_keys_are_documented() -> None:
    for key in ("pypi", "kind", "slug", "framework"):
        assert f"`{key}`" in FIELDS and f"extra.annotations.{key}" in README
