"""Insert a new item into a subcategory of a data file, keeping every other byte as it was.

The new item is written in the style of its neighbours (legacy `- item:` or plain, the same
indentation, a folded description when they use one) at its sorted place (case-insensitive
name); the rest of the file is not re-dumped, only spliced. The result is parsed again and
compared with the original: it must hold exactly the original data plus the new item.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import Any

import yaml
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from torchscape.catalog.roundtrip import (
    EditError,
    Source,
    entries,
    find_subcategory,
    get,
    scalar_text,
    scalar_yaml,
)

FOLD_WIDTH = 100
#: An alias: `*` and the anchor's name, which ends at a blank or a flow indicator.
_ALIAS = re.compile(r"\*[^\s,\[\]{}]+")
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # safe either way; libyaml is faster

Fields = dict[str, Any]  # str values, or nested Fields


@dataclass(frozen=True, slots=True)
class Layout:
    """How the items of one subcategory are written."""

    prefix: str  # the text before an item's first key: "          - "
    step: int  # extra indentation of a nested mapping
    legacy: bool  # `- item:` null key first
    folded: bool  # descriptions as `>-` blocks
    newline: str


def insert_item(source: Source, category: str, subcategory: str, fields: Fields) -> str:
    """The data file's text with `fields` (an item, `name` first) inserted; raises EditError."""
    text = source.text
    where = f"{source.path}: {category} / {subcategory}"
    sub = find_subcategory(source.root, category, subcategory)
    if sub is None:
        raise EditError(f"{where}: no such subcategory in the data file")
    newline = "\r\n" if "\r\n" in text else "\n"
    items = get(sub, "items")
    siblings = entries(items)
    if siblings:
        layout = _layout_from(text, siblings, newline, (str(source.path), f"{category} / {subcategory}"))
        block = render(fields, layout)
        new_text = _splice_among(text, siblings, str(fields["name"]), block, newline)
    else:
        new_text = _splice_empty(source, sub, items, fields, newline, where)
    _verify(text, new_text, category, subcategory, fields, where)
    return new_text


def render(fields: Fields, layout: Layout) -> str:
    """The item as YAML lines (ending with a newline), in the layout's style."""
    indent = " " * len(layout.prefix)
    lines: list[str] = []
    if layout.legacy:
        lines.append("item:")
    lines += _mapping_lines(fields, 0, layout)
    first, *rest = lines
    return layout.newline.join([layout.prefix + first, *(indent + line for line in rest)]) + layout.newline


def _mapping_lines(fields: Fields, depth: int, layout: Layout) -> list[str]:
    pad = " " * (depth * layout.step)
    lines: list[str] = []
    for key, value in fields.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines += _mapping_lines(value, depth + 1, layout)
        elif key == "description" and layout.folded and depth == 0:
            lines += _folded(key, str(value), pad, len(layout.prefix) + len(pad))
        else:
            lines.append(f"{pad}{key}: {scalar_yaml(str(value))}")
    return lines


def _folded(key: str, value: str, pad: str, column: int) -> list[str]:
    """`key: >-` and the value wrapped under it, when folding reads back as the same text."""
    inner = pad + "  "
    wrapped = textwrap.wrap(
        value,
        width=max(FOLD_WIDTH - column - 2, 40),
        break_long_words=False,
        break_on_hyphens=False,
    )
    if " ".join(wrapped) != value or not value.isprintable() or len(wrapped) < 2:
        return [f"{pad}{key}: {scalar_yaml(value)}"]
    return [f"{pad}{key}: >-", *(inner + line for line in wrapped)]


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _layout_from(text: str, siblings: list[MappingNode], newline: str, where: tuple[str, str]) -> Layout:
    """How the existing items are written, for the new one to be written alike. Only a block
    list (`- name:` per item) can take a new item without rewriting the others; `where` (the
    file, the subcategory) is for the message that says so."""
    first = siblings[0]
    start = first.start_mark.index
    prefix = text[_line_start(text, start) : start]
    if prefix.strip() != "-" or not prefix.rstrip().endswith("-"):
        raise EditError(
            f"{where[0]}:{first.start_mark.line + 1}: {where[1]}: the items are not written as a block list; "
            "write them one per line as `- name: ...` (not `items: [...]`) and add again; nothing was written"
        )
    step = 2
    legacy = get(first, "item") is not None and first.value[0][0].value == "item"
    folded = False
    for sibling in siblings:
        for key, value in sibling.value:
            if isinstance(value, MappingNode) and value.value:
                step = max(value.value[0][0].start_mark.column - key.start_mark.column, 1)
            if key.value == "description" and isinstance(value, ScalarNode):
                folded = folded or value.style == ">"
    return Layout(prefix, step, legacy, folded, newline)


def _last_end(text: str, node: Node, floor: int = 0) -> int:
    """Where the last value inside a node ends (block scalars without their line breaks).

    A value written as an alias (`extra: *shared`) is composed into its anchor's node, which
    sits earlier in the file, before where the value must be (`floor`, the end of its key or of
    the entry before it): there the item ends with the alias itself.
    """
    while True:
        if node.start_mark.index < floor:
            return _alias_end(text, floor)
        if isinstance(node, MappingNode) and node.value:
            key, value = node.value[-1]
            if isinstance(value, ScalarNode) and value.start_mark.index == value.end_mark.index:
                end: int = key.end_mark.index  # an empty value: its marks are the next token's
                return end
            node, floor = value, key.end_mark.index
        elif isinstance(node, SequenceNode) and node.value:
            floor = node.start_mark.index
            for entry in node.value[:-1]:
                floor = _last_end(text, entry, floor)
            node = node.value[-1]
        else:
            end = node.end_mark.index
            return end


def _alias_end(text: str, start: int) -> int:
    """The end of the alias (`*name`) that is the next thing in `text` after `start` (past
    indicators, blanks and comments); `start` itself when something else comes first."""
    position = start
    while position < len(text):
        char = text[position]
        if char == "#":
            line_end = text.find("\n", position)
            position = len(text) if line_end < 0 else line_end
        elif char in ":-?, \t\r\n":
            position += 1
        elif char == "*":
            alias = _ALIAS.match(text, position)
            return alias.end() if alias else start
        else:
            break
    return start


def _splice_among(text: str, siblings: list[MappingNode], name: str, block: str, newline: str) -> str:
    key = name.casefold()
    after = next((s for s in siblings if (scalar_text(get(s, "name")) or "").casefold() > key), None)
    if after is not None:
        position = _line_start(text, after.start_mark.index)
        while position > 0:  # keep the comment lines right above the next item with it
            previous = _line_start(text, position - 1)
            if not text[previous:position].strip().startswith("#"):
                break
            position = previous
        return text[:position] + block + text[position:]
    end = _last_end(text, siblings[-1])
    line_end = text.find("\n", end)
    if line_end < 0:
        return text + newline + block.removesuffix(newline)
    return text[: line_end + 1] + block + text[line_end + 1 :]


def _splice_empty(
    source: Source, sub: MappingNode, items: Node | None, fields: Fields, newline: str, where: str
) -> str:
    """`items: []`, `items:` or no `items` at all: write a block list in their place."""
    text = source.text
    name_key = next(k for k, _ in sub.value if k.value == "name")
    column: int = name_key.start_mark.column
    legacy = get(sub, "subcategory") is not None or get(source.root, "landscape") is not None
    layout = Layout(" " * (column + 2) + "- ", 2, legacy, False, newline)
    block = render(fields, layout)
    if items is None:
        end = _last_end(text, sub)
        line_end = text.find("\n", end)
        head = text if line_end < 0 else text[: line_end + 1]
        tail = "" if line_end < 0 else text[line_end + 1 :]
        head += "" if head.endswith("\n") else newline
        return head + " " * column + "items:" + newline + block + tail
    if not (isinstance(items, SequenceNode) or scalar_text(items) is None):
        raise EditError(f"{where}: `items` is not a list")
    key = next(k for k, v in sub.value if v is items)
    colon = text.find(":", key.end_mark.index)
    # An empty value (`items:` and nothing) has the marks of the token after it, maybe the
    # next subcategory's `- name:` line: it ends at the colon.
    empty = isinstance(items, ScalarNode) and items.start_mark.index == items.end_mark.index
    end = colon + 1 if empty else max(items.end_mark.index, colon + 1)
    line_end = text.find("\n", end)
    after = (text[end:] if line_end < 0 else text[end:line_end]).strip()
    head = text[: colon + 1] + (f" {after}" if after.startswith("#") else "")  # its comment stays
    if line_end < 0:
        return head + newline + block.removesuffix(newline)
    cut = line_end - 1 if text[line_end - 1 : line_end] == "\r" else line_end
    return head + newline + block.removesuffix(newline) + text[cut:]


def _verify(old: str, new: str, category: str, subcategory: str, fields: Fields, where: str) -> None:
    """The new text must read as the old data plus exactly the new item, where it belongs."""
    try:
        before, after = yaml.load(old, Loader=_LOADER), yaml.load(new, Loader=_LOADER)  # noqa: S506
    except yaml.YAMLError as exc:
        raise EditError(f"{where}: the edit would not be valid YAML ({exc}); nothing was written") from exc
    if _listings(after, fields["name"]) > 1 + _listings(before, fields["name"]):
        raise EditError(
            f"{where}: its items are shared with another place through a YAML anchor and alias, "
            "so the item would be added there too; add it by hand; nothing was written"
        )
    sub_before, sub_after = _find_sub(before, category, subcategory), _find_sub(after, category, subcategory)
    found = None
    if sub_before is not None and sub_after is not None:
        items = sub_after.get("items") or []
        for index, entry in enumerate(items):
            if isinstance(entry, dict) and entry.get("name") == fields["name"]:
                found = items.pop(index)
                break
        if not items:  # an empty subcategory: compare with how it was written before
            if "items" in sub_before:
                sub_after["items"] = sub_before["items"]
            else:
                sub_after.pop("items", None)
    expected = {"item": None, **fields} if isinstance(found, dict) and "item" in found else fields
    if found != expected or after != before:
        raise EditError(f"{where}: the edit did not read back as written; nothing was written")


def _listings(data: Any, name: str) -> int:
    """How many times an item of this name is listed in the data (aliases count each time)."""
    cats = data.get("landscape", data.get("categories")) if isinstance(data, dict) else None
    count = 0
    for cat in cats if isinstance(cats, list) else []:
        for sub in (cat.get("subcategories") or []) if isinstance(cat, dict) else []:
            items = sub.get("items") if isinstance(sub, dict) else None
            for entry in items if isinstance(items, list) else []:
                count += isinstance(entry, dict) and entry.get("name") == name
    return count


def _find_sub(data: Any, category: str, subcategory: str) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    cats = data.get("landscape", data.get("categories"))
    for cat in cats if isinstance(cats, list) else []:
        if isinstance(cat, dict) and cat.get("name") == category:
            for sub in cat.get("subcategories") or []:
                if isinstance(sub, dict) and sub.get("name") == subcategory:
                    return sub
    return None


__all__ = ["Fields", "insert_item", "render"]
