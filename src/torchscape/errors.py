"""One exception family, and the problem records every command reports.

A *problem* is something wrong with a user's input, with its place (file, line, column, and the
category › subcategory › item › field path). Problems are collected, never raised one at a time;
`CatalogError` carries all of them when the catalog cannot be used.
"""

from __future__ import annotations

import enum
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar


class Reported(Protocol):
    """A problem or an audit finding: what a text report lists."""

    @property
    def severity(self) -> Severity: ...

    @property
    def code(self) -> object: ...


R = TypeVar("R", bound=Reported)


class Severity(enum.StrEnum):
    """How bad a problem is."""

    ERROR = "error"
    WARNING = "warning"


#: Characters that change what a terminal shows rather than show themselves: C0 and C1 controls,
#: zero-width and direction marks (U+061C included), line and paragraph separators, invisible
#: operators, direction embeddings, overrides and isolates, the byte-order mark, interlinear
#: annotation marks and the two noncharacters at the end of the basic plane.
#: The writing-direction embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), as
#: ranges for a regex character class: each reorders the text after it, so "Good\u202eliveD"
#: reads as another name. Every check and filter of them starts from this.
DIRECTION_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_BEYOND_C0 = (
    f"\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029{DIRECTION_CONTROLS}\u2060-\u2064"
    "\ufeff\ufff9-\ufffb\ufffe\uffff"
)
_UNPRINTABLE = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
#: In JSON text, C0 controls are escaped already inside strings; outside them they are its
#: line breaks and indentation.
_UNPRINTABLE_IN_JSON = re.compile(f"[{_BEYOND_C0}]")


def printable(text: str) -> str:
    """Text from the input with control and direction-changing characters escaped, for a
    terminal (`\\x1b`, `\\u202e`)."""
    return _UNPRINTABLE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def printable_json(value: object, **options: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, ...)` with the characters `printable` escapes
    written as `\\uXXXX` escapes: still the same JSON, but a terminal shows it as it is (JSON
    already escapes C0 controls; only non-ASCII ones can be left, and only inside strings)."""
    text = json.dumps(value, ensure_ascii=False, **options)
    return _UNPRINTABLE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


class Code(enum.StrEnum):
    """Stable identifiers of problem kinds (documented in the README; tools may match on them).

    Blocking kinds stop `build`; the others are reported and the site is still produced.
    """

    # The file itself
    FILE_UNREADABLE = "file-unreadable"
    NOT_UTF8 = "not-utf8"
    YAML_SYNTAX = "yaml-syntax"
    DUPLICATE_KEY = "duplicate-key"
    TOO_LARGE = "too-large"
    TOO_DEEP = "too-deep"
    ALIAS_BOMB = "alias-expansion"
    # Shape and types
    WRONG_TYPE = "wrong-type"
    MISSING_FIELD = "missing-field"
    EMPTY_VALUE = "empty-value"
    INVALID_VALUE = "invalid-value"
    INVALID_DATE = "invalid-date"
    UNKNOWN_KEY = "unknown-key"
    LANDSCAPEAPP_SETTINGS = "landscapeapp-settings"
    IGNORED_VALUE = "ignored-value"
    # Identity
    DUPLICATE_NAME = "duplicate-name"
    ID_COLLISION = "id-collision"
    # URLs
    INVALID_URL = "invalid-url"
    UNSAFE_URL = "unsafe-url"
    INSECURE_URL = "insecure-url"
    LOCAL_URL = "local-url"
    BROKEN_URL = "broken-url"
    NOT_A_REPOSITORY = "not-a-repository"
    # Placement
    SECOND_PATH_INVALID = "second-path-invalid"
    SECOND_PATH_UNKNOWN = "second-path-unknown"
    UNKNOWN_CATEGORY = "unknown-category"
    LEFT_OUT = "left-out"
    DUPLICATE_SECTION = "duplicate-section"
    UNKNOWN_ITEM = "unknown-item"
    # Logos
    LOGO_MISSING = "logo-missing"
    LOGO_OUTSIDE = "logo-outside-folder"
    LOGO_URL = "logo-url"
    LOGO_NOT_SVG = "logo-not-svg"
    LOGO_UNUSABLE = "logo-unusable"
    # Curation
    UNKNOWN_STATUS = "unknown-status"
    SHARED_CRUNCHBASE = "shared-crunchbase"
    MISSING_DESCRIPTION = "missing-description"
    CONTROL_CHARACTER = "control-character"
    NOT_SPDX = "not-spdx"


#: Problem kinds that make a catalog unusable: `build` refuses them and keeps the previous site.
BLOCKING_CODES = frozenset(
    {
        Code.FILE_UNREADABLE,
        Code.NOT_UTF8,
        Code.YAML_SYNTAX,
        Code.DUPLICATE_KEY,
        Code.TOO_LARGE,
        Code.TOO_DEEP,
        Code.ALIAS_BOMB,
        Code.WRONG_TYPE,
        Code.MISSING_FIELD,
        Code.EMPTY_VALUE,
        Code.INVALID_VALUE,
        Code.INVALID_DATE,
        Code.DUPLICATE_NAME,
        Code.ID_COLLISION,
        Code.INVALID_URL,
        Code.UNSAFE_URL,
        Code.LOGO_OUTSIDE,
    }
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, and where it is."""

    file: str
    line: int
    col: int
    severity: Severity
    code: Code
    message: str
    context: tuple[str, ...] = ()
    field: str = ""

    @property
    def blocking(self) -> bool:
        """Whether this problem stops a build (an error of a blocking kind)."""
        return self.severity is Severity.ERROR and self.code in BLOCKING_CODES

    @property
    def where(self) -> str:
        """The `CATEGORY › SUBCATEGORY › ITEM › field` part of the message."""
        parts = (*self.context, self.field) if self.field else self.context
        return " › ".join(parts)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.col, self.where, self.message)

    def format(self) -> str:
        """`FILE:LINE:COL: severity: where: message`, the one-line text form. Control and
        direction-changing characters from the input are shown escaped (`\\x1b`, `\\u202e`):
        written as they are, they could clear a terminal, forge lines or reorder the text."""
        where = f"{self.where}: " if self.where else ""
        return printable(f"{self.file}:{self.line}:{self.col}: {self.severity}: {where}{self.message}")

    def to_json(self) -> dict[str, object]:
        """The JSON form used by `--format json`."""
        context = (*self.context, None, None, None)
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "severity": str(self.severity),
            "code": str(self.code),
            "blocking": self.blocking,
            "category": context[0],
            "subcategory": context[1],
            "item": context[2],
            "field": self.field or None,
            "message": self.message,
        }


#: Warnings of one kind that `validate` and `audit` list in text before the rest are only counted.
SHOWN_PER_KIND = 10


def capped_warnings(entries: Iterable[R]) -> tuple[list[R], Counter[str]]:
    """The entries a text report lists: every error, and of each kind (code) of warning the
    first `SHOWN_PER_KIND`; and how many of each kind were left out.
    Landscapes switching from landscape2 usually give no descriptions (landscape2 reads them
    from GitHub): hundreds of identical warnings would hide the few problems that matter."""
    seen: Counter[str] = Counter()
    kept = []
    for entry in entries:
        name = str(entry.code) if entry.severity is Severity.WARNING else None
        if name is not None:
            seen[name] += 1
            if seen[name] > SHOWN_PER_KIND:
                continue
        kept.append(entry)
    return kept, Counter({name: n - SHOWN_PER_KIND for name, n in seen.items() if n > SHOWN_PER_KIND})


def left_out_lines(left_out: Counter[str]) -> list[str]:
    """The lines counting what `capped_warnings` left out."""
    return [f"... and {n} more {name} warning(s) (`--all` lists them)" for name, n in left_out.items()]


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in the order they are reported: by file, line, column."""
    return sorted(set(problems), key=Problem.sort_key)


class TorchscapeError(Exception):
    """Base of every error torchscape raises on purpose; the CLI prints it without a traceback."""

    exit_code = 1


class UsageError(TorchscapeError):
    """The command was called wrongly (bad flags, a file that does not exist)."""

    exit_code = 2


class CatalogError(TorchscapeError):
    """The catalog cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(sort_problems(problems))
        blocking = sum(1 for p in self.problems if p.blocking)
        super().__init__(f"the catalog has {blocking} blocking problem(s)")
