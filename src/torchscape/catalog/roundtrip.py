"""Round-trip editing of a landscape's data file: change a value, keep everything else byte for byte.

A full load-and-dump, even ruamel.yaml's round-trip mode, rewrites things people care about
(`crunchbase: null` becomes `crunchbase:`, long lines get folded, indentation is normalised).
So we never re-dump the file: ruamel.yaml composes it into nodes that know exactly where each
value starts and ends, and we splice new text into those places only. Comments, key order,
quoting, indentation, line endings and a byte-order mark all survive, because they are never
touched. Each edit is checked by parsing the result again, and files are replaced atomically.

Items are found by their path (category, subcategory and item name as the YAML spells them) in
both landscape2 styles: plain (`categories:` / `name:`) and legacy (`landscape:` with null
`- category:`, `- subcategory:` and `- item:` keys beside `name:`).
"""

from __future__ import annotations

import difflib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from torchscape.catalog.fixes import Fix
from torchscape.errors import TorchscapeError
from torchscape.outputs import os_reason, read_only
from torchscape.outputs import write_atomically as write_atomically  # where site/feed.py finds it

_BOM = "\ufeff"
#: The reader `validate` and `build` go through (YAML 1.1, libyaml's when there): what we write
#: must read back as written with it too, not only with ruamel.yaml (YAML 1.2).
_PYYAML: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: ruamel.yaml marks the places where a folded (`>`) scalar was folded with this character.
_FOLD_MARK = "\a"


class EditError(TorchscapeError):
    """The data file cannot be edited (unreadable, not YAML, not a landscape)."""


@dataclass(frozen=True, slots=True)
class FixResult:
    """What `apply_fixes` did: the unified diff, the fixes applied and those skipped (with why)."""

    diff: str
    applied: list[Fix] = field(default_factory=list)
    skipped: list[tuple[Fix, str]] = field(default_factory=list)


# --- reading -------------------------------------------------------------------------------


@dataclass(slots=True)
class Source:
    """A data file's text (without its byte-order mark) and its composed node tree."""

    path: Path
    text: str
    bom: str
    root: MappingNode


def read_source(data_file: Path) -> Source:
    """Read and compose a data file; EditError (naming the file and line) when that is impossible."""
    try:
        raw = data_file.read_bytes()
    except OSError as exc:
        raise EditError(f"{data_file}: cannot read the file: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise EditError(f"{data_file}:{line}: the file is not UTF-8 text") from exc
    bom = _BOM if text.startswith(_BOM) else ""
    text = text[len(bom) :]
    root = compose_text(text, data_file)
    if not isinstance(root, MappingNode):
        raise EditError(f"{data_file}:1: not a landscape data file (expected `categories:` or `landscape:`)")
    return Source(data_file, text, bom, root)


def compose_text(text: str, where: Path | str) -> Node | None:
    """Compose YAML text into ruamel.yaml nodes (positions included), or raise EditError."""
    try:
        return _compose(text)
    except YAMLError as exc:
        raise EditError(_unreadable(text, exc, where)) from exc


def _compose(text: str) -> Node | None:
    """ruamel.yaml's nodes for `text`. ruamel.yaml refuses some tabs YAML allows (before a
    comment, after `key:`), which the catalog's own reader accepts: those are read as spaces, one
    character for one, so every position in the nodes is still a position in `text`."""
    try:
        node: Node | None = YAML(typ="rt", pure=True).compose(text)
    except YAMLError as exc:
        spaced = _tabs_as_spaces(text) if _at_tab(text, exc) else None
        if spaced is None or spaced == text:
            raise
        node = YAML(typ="rt", pure=True).compose(spaced)
    return node


def _at_tab(text: str, exc: YAMLError) -> bool:
    mark = getattr(exc, "problem_mark", None)
    index = getattr(mark, "index", None)
    return isinstance(index, int) and text[index : index + 1] == "\t"


def _tabs_as_spaces(text: str) -> str | None:
    """`text` with each tab that only separates two things on a line (between tokens, neither
    indentation nor in a comment) made a space; None when the catalog's reader refuses the text
    too. Spaces and tabs mean the same there, so the YAML is the same."""
    try:
        tokens = list(yaml.scan(text, Loader=_PYYAML))
    except yaml.YAMLError:
        return None
    chars = list(text)
    done = 0  # the end of the tokens seen: up to the next one, only blanks and comments
    for token in tokens:
        for index in _separating_tabs(text, done, token.start_mark.index):
            chars[index] = " "
        done = max(done, token.end_mark.index)
    return "".join(chars)


def _separating_tabs(text: str, start: int, end: int) -> list[int]:
    """The tabs between `start` and `end` (blanks and comments) that are not indentation (a
    line holding only a comment has none that matters)."""
    found = []
    line_start = start
    for line in text[start:end].split("\n") if end > start else ():
        blank, comment = line.partition("#")[::2]
        indented = (line_start == 0 or text[line_start - 1] == "\n") and not comment
        first = len(blank) - len(blank.lstrip(" \t")) if indented else 0
        found += [line_start + n for n in range(first, len(blank)) if blank[n] == "\t"]
        line_start += len(line) + 1
    return found


def _unreadable(text: str, exc: YAMLError, where: Path | str) -> str:
    """Why ruamel.yaml could not read the text: not YAML, or (the catalog's reader accepts it)
    something the editor cannot handle, such as a tab, said as that and not as invalid YAML."""
    line, problem = _yaml_problem(exc)
    at = f"{where}{f':{line}' if line else ''}"
    try:
        yaml.compose(text, Loader=_PYYAML)
    except yaml.YAMLError:
        return f"{at}: not valid YAML: {problem}"
    mark = getattr(exc, "problem_mark", None)
    column = f" in column {mark.column + 1}" if mark is not None else ""
    if _at_tab(text, exc):
        return (
            f"{at}: the file is valid YAML, but the editor cannot handle the tab{column} "
            "(write spaces there); nothing was written"
        )
    return (
        f"{at}: the file is valid YAML, but the editor cannot read it here ({problem}); nothing was written"
    )


def _yaml_problem(exc: YAMLError) -> tuple[int | None, str]:
    """The line (1-based, when known) and the problem of a YAML error."""
    mark = getattr(exc, "problem_mark", None)
    return (mark.line + 1 if mark is not None else None), getattr(exc, "problem", None) or "not valid YAML"


def get(node: Node | None, key: str) -> Node | None:
    """The value of `key` in a mapping node (None when absent or not a mapping)."""
    if not isinstance(node, MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return v  # type: ignore[no-any-return]
    return None


def scalar_text(node: Node | None) -> str | None:
    """The text of a scalar node as YAML reads it; None for null, missing or non-scalar nodes."""
    if not isinstance(node, ScalarNode):
        return None
    value: str = node.value
    if node.style is None and value in ("", "~", "null", "Null", "NULL"):
        return None
    if node.style == ">":
        value = value.replace(_FOLD_MARK, "")
    return value


def entries(node: Node | None) -> list[MappingNode]:
    """The mapping entries of a sequence node (anything else ignored)."""
    if not isinstance(node, SequenceNode):
        return []
    return [n for n in node.value if isinstance(n, MappingNode)]


def categories(root: MappingNode) -> list[MappingNode]:
    """The category mappings, in either style."""
    return entries(get(root, "categories") or get(root, "landscape"))


def find_named(nodes: list[MappingNode], name: str) -> MappingNode | None:
    """The first mapping whose `name:` is exactly `name`."""
    for node in nodes:
        if scalar_text(get(node, "name")) == name:
            return node
    return None


def find_subcategory(root: MappingNode, category: str, subcategory: str) -> MappingNode | None:
    """The subcategory mapping at `category / subcategory`, or None."""
    cat = find_named(categories(root), category)
    return find_named(entries(get(cat, "subcategories")), subcategory) if cat is not None else None


def find_item(root: MappingNode, path: tuple[str, str, str]) -> MappingNode | None:
    """The item mapping at `path` (category, subcategory, item name), or None."""
    sub = find_subcategory(root, path[0], path[1])
    return find_named(entries(get(sub, "items")), path[2]) if sub is not None else None


# --- writing -------------------------------------------------------------------------------


def unified_diff(old: str, new: str, name: str) -> str:
    """A unified diff of two texts, both sides named `name` (as the caller gave it)."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=name, tofile=name
    )
    out = []
    for line in lines:
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def scalar_yaml(value: str, style: str | None = None, *, flow: bool = False) -> str:
    """`value` written as a single-line YAML scalar for a mapping value: of a block mapping, or
    with `flow` of a flow one (`{name: x, homepage_url: ...}`, where `,`, `}` and `]` end a plain
    value).

    Keeps the original quoting style (`'` or `"`) when one is given; plain when that reads back
    as the same string, else single-quoted, else double-quoted (newlines, control characters).
    """
    if style == '"':
        return json.dumps(value, ensure_ascii=False)
    single = "'" + value.replace("'", "''") + "'"
    printable = value.isprintable() and "\n" not in value
    if style == "'" and printable:
        return single
    document = "{{k: {}}}\n" if flow else "k: {}\n"
    if style is None and printable and _reads_back(document.format(value), value):
        return value
    if printable and _reads_back(document.format(single), value):
        return single
    return json.dumps(value, ensure_ascii=False)


def _reads_back(document: str, value: str) -> bool:
    """Whether both readers take the document's `k` for `value`: ruamel.yaml (YAML 1.2) and the
    catalog's (YAML 1.1, where `yes` and `Off` are true or false, and `12:30` is a number)."""
    try:
        read = [
            YAML(typ="safe", pure=True).load(io.StringIO(document)),
            yaml.load(document, Loader=_PYYAML),  # noqa: S506 - a safe loader, C or Python
        ]
    except (YAMLError, yaml.YAMLError):
        return False
    return all(isinstance(loaded, dict) and list(loaded) == ["k"] and loaded["k"] == value for loaded in read)


def _span(text: str, node: ScalarNode) -> tuple[int, int]:
    """Where a scalar's text starts and ends (a block scalar's trailing line breaks excluded; a
    tag in front, as `!!str`, is not part of it and stays)."""
    start, end = node.start_mark.index, node.end_mark.index
    if text.startswith("!", start):
        while start < end and not text[start].isspace():
            start += 1
        while start < end and text[start] in " \t":
            start += 1
    if node.style in ("|", ">"):
        while end > start and text[end - 1] in "\r\n":
            end -= 1
    return start, end


# --- fixes ---------------------------------------------------------------------------------


def apply_fixes(data_file: Path, fixes: Sequence[Fix], *, write: bool = True) -> FixResult:
    """Apply fixes to one data file in place, changing only the scalars they name.

    A fix is skipped, with the reason, when its item or field is not found, or when the value no
    longer holds `fix.old`. When nothing applies, nothing is written. With `write=False` the file
    is left alone and the result shows what would change.
    """
    source = read_source(data_file)
    text = source.text
    edits: dict[tuple[int, int], tuple[str, Fix]] = {}
    applied: list[Fix] = []
    skipped: list[tuple[Fix, str]] = []
    for fix in fixes:
        reason, node, flow = _locate(source.root, fix)
        if node is None:
            skipped.append((fix, reason))
            continue
        span = _span(text, node)
        if span in edits:
            skipped.append((fix, f"another fix already changes {fix.field} to '{edits[span][1].new}'"))
            continue
        style = node.style if node.style in ("'", '"') else None
        edits[span] = (scalar_yaml(fix.new, style, flow=flow), fix)
        applied.append(fix)
    new_text = _spliced(text, edits)
    if edits and _problem(new_text, applied) is not None:
        # One edit that does not read back must not cost the others: each is tried alone,
        # those that fail are skipped with the reason, the rest are written together.
        for span, (replacement, fix) in list(edits.items()):
            problem = _problem(_spliced(text, {span: (replacement, fix)}), [fix])
            if problem is not None:
                del edits[span]
                applied.remove(fix)
                skipped.append((fix, f"could not be written back safely ({problem})"))
        new_text = _spliced(text, edits)
        problem = _problem(new_text, applied) if edits else None
        if problem is not None:
            raise EditError(f"{data_file}: {problem}; nothing was written")
    diff = unified_diff(text, new_text, str(data_file))
    if write and new_text != text:
        if read_only(data_file):
            raise EditError(f"{data_file} is read-only; nothing was written")
        try:
            write_atomically(data_file, source.bom + new_text)
        except OSError as exc:  # a read-only folder or disk: the file is as it was
            why = os_reason(exc)
            raise EditError(f"{data_file}: cannot write the file: {why}; nothing was written") from exc
    return FixResult(diff=diff, applied=applied, skipped=skipped)


def _locate(root: MappingNode, fix: Fix) -> tuple[str, ScalarNode | None, bool]:
    """The scalar node a fix changes and whether it sits in a flow mapping, or why there is none."""
    item = find_item(root, fix.path)
    if item is None:
        return f"item not found at {' / '.join(fix.path)}", None, False
    node: Node | None = item
    flow = False
    anchor = getattr(item, "anchor", None)
    for step in fix.field.split("."):
        flow = flow or bool(getattr(node, "flow_style", False))
        node = get(node, step)
        if node is None:
            return f"the item has no {fix.field}", None, False
        anchor = anchor or getattr(node, "anchor", None)
    if not isinstance(node, ScalarNode):
        return f"{fix.field} is not a single value", None, False
    current = scalar_text(node)
    if current != fix.old:
        shown = "empty" if current is None else f"'{current}'"
        return f"{fix.field} is now {shown}, not '{fix.old}'", None, False
    if anchor:  # `&name` on the value or around it, maybe used through `*name` elsewhere
        return f"its value is shared through the YAML anchor &{anchor}: change it by hand", None, False
    return "", node, flow


def _spliced(text: str, edits: dict[tuple[int, int], tuple[str, Fix]]) -> str:
    """`text` with each span replaced, from the end backwards (earlier spans keep their places)."""
    for (start, end), (replacement, _) in sorted(edits.items(), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _problem(new_text: str, applied: list[Fix]) -> str | None:
    """Why the edited text cannot be written (it does not parse, or a fix does not read back as
    its new value), without the file's name; None when it can."""
    try:
        root = _compose(new_text)
    except YAMLError as exc:
        line, problem = _yaml_problem(exc)
        return f"{f'line {line}: ' if line else ''}not valid YAML: {problem}"
    if not isinstance(root, MappingNode):
        return "an edit broke the file's structure"
    for fix in applied:
        node: Node | None = find_item(root, fix.path)
        for step in fix.field.split("."):
            node = get(node, step)
        if scalar_text(node) != fix.new:
            return f"{' / '.join(fix.path)} › {fix.field}: the new value does not read back as written"
    return None


__all__ = ["EditError", "FixResult", "apply_fixes"]
