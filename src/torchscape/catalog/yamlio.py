"""Read YAML from strangers safely, keeping the place (line, column) of every value.

PyYAML's C parser turns the text into a stream of events; we build the values from that stream
ourselves, without recursion, so that very deep nesting, alias bombs, duplicate keys and huge
fields become reported problems instead of crashes or hangs. (libyaml's own composer recurses in C
and takes the whole process down at a few tens of thousands of nesting levels.)

Scalars are kept as the text the user wrote (plain `null`, `~` and empty values become None), as
landscape2's type-driven parser reads them; typed fields are converted later, by the schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from torchscape.errors import Code, Problem, Severity, printable
from torchscape.paths import display_path

#: Limits on what we read (documented in the README). Anything larger is a blocking problem.
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_SCALAR_CHARS = 100_000
MAX_DEPTH = 64
MAX_EXPANDED_NODES = 1_000_000
#: ... and to at most this many characters of text (a long description aliased a thousand times
#: is a few values, but gigabytes of pages).
MAX_EXPANDED_CHARS = 32 * 1024 * 1024

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})

Mark = tuple[int, int]


class YMap(dict[str, Any]):
    """A mapping that remembers where it starts and where each of its keys is."""

    __slots__ = ("key_marks", "mark")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.key_marks: dict[str, Mark] = {}


class YList(list[Any]):
    """A sequence that remembers where it starts and where each of its entries is."""

    __slots__ = ("mark", "marks")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.marks: list[Mark] = []


@dataclass(slots=True)
class _Frame:
    container: YMap | YList
    size: int = 1
    chars: int = 0
    key: str | None = None
    key_mark: Mark = (0, 0)
    anchor: str | None = None


@dataclass(slots=True)
class ParsedFile:
    """The values of one YAML file, its text, and the problems met while reading it."""

    path: Path
    display: str
    root: Any = None
    problems: list[Problem] = field(default_factory=list)

    def problem(
        self,
        mark: Mark,
        code: Code,
        message: str,
        *,
        severity: Severity = Severity.ERROR,
        context: tuple[str, ...] = (),
        field: str = "",
    ) -> Problem:
        """Record a problem at `mark` in this file and return it."""
        found = Problem(self.display, mark[0], mark[1], severity, code, message, context, field)
        self.problems.append(found)
        return found

    @property
    def errors(self) -> list[Problem]:
        """The problems that are errors (a warning, such as an ignored tag, leaves the values usable)."""
        return [p for p in self.problems if p.severity is Severity.ERROR]


class _Abort(Exception):
    """Stop reading: what follows cannot be read safely."""


def read_yaml(path: Path, display: str | None = None) -> ParsedFile:
    """Read and parse one YAML file; never raises for bad content, only records problems."""
    parsed = ParsedFile(path=path, display=display or display_path(path))
    text = _read_text(parsed)
    if text is not None:
        parse_text(text, parsed)
    return parsed


def parse_text(text: str, parsed: ParsedFile) -> None:
    """Parse `text` into `parsed.root`, recording problems on `parsed`."""
    try:
        parsed.root = _compose(text, parsed)
    except _Abort:
        parsed.root = None
    except yaml.MarkedYAMLError as exc:
        found = exc.problem_mark or exc.context_mark
        where = (found.line + 1, found.column + 1) if found is not None else (1, 1)
        parsed.root = None
        if "maximum nesting depth" in str(exc.problem):  # libyaml's own limit (newer releases)
            parsed.problem(where, Code.TOO_DEEP, f"nested more than {MAX_DEPTH} levels deep")
        else:
            parsed.problem(where, Code.YAML_SYNTAX, _syntax_message(exc, text, found))
    except yaml.YAMLError as exc:  # reader errors: bad characters
        position = getattr(exc, "position", 0)
        parsed.root = None
        first_line = str(exc).splitlines()[0]
        parsed.problem(_mark_at(text, position), Code.YAML_SYNTAX, f"not valid YAML: {first_line}")


def _read_text(parsed: ParsedFile) -> str | None:
    try:
        size = parsed.path.stat().st_size
        if size > MAX_FILE_BYTES:
            parsed.problem((1, 1), Code.TOO_LARGE, too_large(size))
            return None
        data = parsed.path.read_bytes()
    except OSError as exc:
        parsed.problem((1, 1), Code.FILE_UNREADABLE, f"cannot read the file: {exc.strerror or exc}")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        parsed.problem(*not_utf8(data, exc))
        return None


def too_large(size: int) -> str:
    """Why a catalog file of `size` bytes is not read."""
    return f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MiB"


def not_utf8(data: bytes, exc: UnicodeDecodeError) -> tuple[Mark, Code, str]:
    """Where (line, column) and why `data` does not decode as UTF-8."""
    head = data[: exc.start]
    where = (head.count(b"\n") + 1, exc.start - (head.rfind(b"\n") + 1) + 1)
    why = f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded)"
    return where, Code.NOT_UTF8, why


def _syntax_message(exc: yaml.MarkedYAMLError, text: str, mark: Any) -> str:
    problem = exc.problem or "not valid YAML"
    message = f"not valid YAML: {problem}"
    if exc.context:
        message += f" ({exc.context})"
    index = getattr(mark, "index", None)
    if "tab" in problem or (isinstance(index, int) and text[index : index + 1] == "\t"):
        message += "; YAML does not allow tabs for indentation, use spaces"
    return message


def _mark_at(text: str, position: int) -> Mark:
    head = text[:position]
    return head.count("\n") + 1, position - (head.rfind("\n") + 1) + 1


def _compose(text: str, parsed: ParsedFile) -> Any:
    """Build the values from the event stream, iteratively, with limits."""
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int, int]] = {}
    documents = 0
    expanded = expanded_chars = 0
    root: Any = None

    def attach(value: Any, mark: Mark, size: int, chars: int, anchor: str | None) -> None:
        nonlocal root
        if anchor:
            anchors[anchor] = (value, size, chars)
        if not stack:
            root = value
            return
        frame = stack[-1]
        frame.size += size
        frame.chars += chars
        container = frame.container
        if isinstance(container, YList):
            container.append(value)
            container.marks.append(mark)
        elif frame.key is None:
            frame.key = _key_text(value, mark, parsed)
            frame.key_mark = mark
        else:
            _set_key(container, frame.key, frame.key_mark, value, parsed)
            frame.key = None

    event: Any
    for event in yaml.parse(text, Loader=_LOADER):
        kind = type(event)
        mark = (event.start_mark.line + 1, event.start_mark.column + 1)
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in _CORE_TAGS:  # (scalars and the starts of lists and mappings)
            shown = "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            message = f"the YAML tag {printable(shown)} is ignored: the value is read as written"
            parsed.problem(mark, Code.IGNORED_VALUE, message, severity=Severity.WARNING)
        if kind is yaml.ScalarEvent:
            value = _scalar(event, mark, parsed)
            attach(value, mark, 1, len(value) if value else 0, event.anchor)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if len(stack) >= MAX_DEPTH:
                parsed.problem(mark, Code.TOO_DEEP, f"nested more than {MAX_DEPTH} levels deep")
                raise _Abort
            container: YMap | YList = YMap(mark) if kind is yaml.MappingStartEvent else YList(mark)
            stack.append(_Frame(container, anchor=event.anchor))
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frame = stack.pop()
            attach(frame.container, frame.container.mark, frame.size, frame.chars, frame.anchor)
        elif kind is yaml.AliasEvent:
            if event.anchor not in anchors:
                parsed.problem(mark, Code.YAML_SYNTAX, f"alias *{event.anchor} has no anchor before it")
                raise _Abort
            value, size, chars = anchors[event.anchor]
            expanded += size
            expanded_chars += chars
            if expanded > MAX_EXPANDED_NODES or expanded_chars > MAX_EXPANDED_CHARS:
                limit = (
                    f"{MAX_EXPANDED_NODES:,} values"
                    if expanded > MAX_EXPANDED_NODES
                    else f"{MAX_EXPANDED_CHARS:,} characters"
                )
                message = f"anchors and aliases expand to more than {limit}"
                parsed.problem(mark, Code.ALIAS_BOMB, message)
                raise _Abort
            attach(value, mark, size, chars, None)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                parsed.problem(mark, Code.YAML_SYNTAX, "the file holds more than one YAML document")
                break
    return root


#: YAML's own tags, which say what the value reads as anyway (text, a list, a mapping ...);
#: others (`!foo`, `!!python/object/...`) are reported and ignored: no tag ever runs code.
_CORE = "tag:yaml.org,2002:"
_CORE_TAGS = frozenset(
    ["!"] + [_CORE + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")]
)


def _scalar(event: Any, mark: Mark, parsed: ParsedFile) -> str | None:
    value: str = event.value
    if not event.style and event.tag is None and value in _NULLS:
        return None
    if len(value) > MAX_SCALAR_CHARS:
        message = f"a value of {len(value):,} characters; the limit is {MAX_SCALAR_CHARS:,}"
        parsed.problem(mark, Code.TOO_LARGE, message)
        return value[:MAX_SCALAR_CHARS]
    return value


def _key_text(value: Any, mark: Mark, parsed: ParsedFile) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    parsed.problem(mark, Code.WRONG_TYPE, "a key must be text, not a list or a mapping")
    return f"<complex key at line {mark[0]}>"


def _set_key(container: YMap, key: str, mark: Mark, value: Any, parsed: ParsedFile) -> None:
    if key in container:
        first = container.key_marks[key][0]
        parsed.problem(mark, Code.DUPLICATE_KEY, f"duplicate key '{key}' (first at line {first})")
        return
    container[key] = value
    container.key_marks[key] = mark


def field_lines(root: Any, path: tuple[str | int, ...]) -> dict[str, int]:
    """The line of each key of the mapping at `path`, and of the keys of its `extra` and
    `extra.annotations` mappings (as `extra.key`, `extra.annotations.key`)."""
    node = root
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return {}
    lines: dict[str, int] = {}
    for prefix, key in (("", None), ("extra.", "extra"), ("extra.annotations.", "annotations")):
        if key is not None:
            node = node.get(key) if isinstance(node, YMap) else None
        if not isinstance(node, YMap):
            break
        lines.update((prefix + name, mark[0]) for name, mark in node.key_marks.items())
    return lines


def mark_of(root: Any, path: tuple[str | int, ...]) -> Mark:
    """Where the value at `path` is (its key for mapping entries); the nearest parent if absent."""
    node = root
    best: Mark = getattr(root, "mark", (1, 1))
    for step in path:
        if isinstance(node, YMap) and isinstance(step, str) and step in node:
            best = node.key_marks[step]
            node = node[step]
        elif isinstance(node, YList) and isinstance(step, int) and 0 <= step < len(node):
            best = node.marks[step]
            node = node[step]
        else:
            break
    return best
