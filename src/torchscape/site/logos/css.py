"""SVG style sheets and declarations: the rules of `<style>` elements are applied to the elements
they select (then the sheets are dropped), and every CSS value is checked function by function:
no `url()` leaving the document, no script or data schemes in any spelling."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

from torchscape.site.logos.allowlists import _FUNCTIONS, _PRESENTATION, _STYLE_ONLY
from torchscape.site.logos.common import MAX_STYLE_RULES, MAX_STYLE_WORK, LogoRejected, _svg_name

# Possessive quantifiers (`*+`, `++`, `?+`) never give back what they took; each part here ends
# where the next cannot begin, so the matches are the same. With plain ones, text that began like
# a link and then failed (`url(`, a long run of spaces, no `#`) was tried again with the run split
# every way between the two `\s*`: quadratic in the run (20,000 spaces took 2.7 s). Most values
# have their runs of spaces squeezed before they are searched, not all (`xml:lang` values).
_URL: Final = re.compile(r"url\(\s*+(['\"]?+)\s*+(#[^\s#()'\"<>\\]++)\s*+\1\s*+\)", re.IGNORECASE)
#: A function's name and its `(`. A match only starts where a run of name characters starts (the
#: lookbehind), and the run is taken whole: otherwise a long run of letters without a `(` after it
#: (`fill="aaaa..."`) was scanned to its end again from each of its letters, quadratic in its
#: length (40,000 letters took 15 s). The names found are the same: a match can only succeed
#: where the whole run is followed by `(`, and then it starts at the run's first character.
_FUNCTION: Final = re.compile(r"(?<![A-Za-z-])([A-Za-z-]++)\s*+\(")
_ANY_URL: Final = re.compile(r"url\s*\(", re.IGNORECASE)
_BAD_SCHEMES: Final = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
_INVISIBLE: Final = re.compile(r"[\x00-\x20\x7f]+")
_SELECTOR: Final = re.compile(r"(\*|[A-Za-z][\w-]*)?((?:[.#][A-Za-z_-][\w-]*)*)")
_SIMPLE: Final = re.compile(r"([.#])([\w-]+)")
_IMPORTANT: Final = re.compile(r"!\s*important\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Rule:
    """One compound selector of a style sheet with its (safe) declarations."""

    tag: str | None
    classes: frozenset[str]
    ident: str | None
    specificity: tuple[int, int, int, int]  # ids, classes, tags, position in the sheets
    declarations: tuple[tuple[str, str], ...]

    def key(self) -> tuple[str, str]:
        """Where the rule is filed in `_Stylesheet.index`: its id, else a class, else its tag."""
        if self.ident is not None:
            return "#", self.ident
        if self.classes:
            return ".", min(self.classes)
        return "", self.tag or "*"

    def matches(self, name: str, classes: set[str], ident: str | None) -> bool:
        """Whether the rule selects an element with this name, classes and id."""
        return (
            (self.tag is None or self.tag == name)
            and self.classes <= classes
            and (self.ident is None or self.ident == ident)
        )


@dataclass(slots=True)
class _Stylesheet:
    """The rules of a document's <style> elements, applied when elements are copied."""

    count: int = 0
    #: Rules by the most selective part of their selector: ("#", id), (".", class), ("", tag).
    index: dict[tuple[str, str], list[_Rule]] = field(default_factory=dict)
    #: What looking at all the rules under a key of `index` costs (see `MAX_STYLE_WORK`).
    looking: dict[tuple[str, str], int] = field(default_factory=dict)
    #: What applying the rules has cost so far, for all the elements copied.
    work: int = 0

    @classmethod
    def collect(cls, root: ET.Element) -> _Stylesheet:
        """Every rule with a simple selector (type, class, id) from every <style> element;
        at-rules (@import, @font-face, @media, ...) and other selectors are ignored."""
        sheet = cls()
        for element in root.iter():
            if _svg_name(element) == "style" and element.get("type", "text/css") == "text/css":
                text = element.text or ""
                if text.count("{") > MAX_STYLE_RULES:  # each block has one: refused unparsed
                    raise LogoRejected(f"style sheets of more than {MAX_STYLE_RULES:,} rules")
                for selectors, body in _css_blocks(_without_comments(text)):
                    sheet.add(selectors, _safe_declarations(body))
        return sheet

    def add(self, selectors: str, declarations: list[tuple[str, str]]) -> None:
        """Add the rules of one block, one per selector in its comma-separated list."""
        if not declarations:
            return
        if self.count + selectors.count(",") + 1 > MAX_STYLE_RULES:  # `a,a,a,...{}`: many rules
            raise LogoRejected(f"style sheets of more than {MAX_STYLE_RULES:,} rules")
        shared = tuple(declarations)  # once, not per selector: `a,a,a,...{...}` made it quadratic
        for selector in selectors.split(","):
            rule = _parse_selector(selector.strip(), self.count, shared)
            if rule is not None:
                key = rule.key()
                self.index.setdefault(key, []).append(rule)
                self.looking[key] = self.looking.get(key, 0) + 1 + len(rule.classes)
                self.count += 1

    def declarations_for(self, element: ET.Element, name: str) -> dict[str, str]:
        """The declarations of the rules selecting `element`, in cascade order.

        The work is counted against MAX_STYLE_WORK before it is done (`LogoRejected` past it):
        the rules that could select the element are looked at, then the declarations of those
        that do are merged, and both grow with the rules times the elements, not with the size
        of the document: 8,000 `*{fill:red}` over 8,000 elements took 20 s.
        """
        if not self.index:
            return {}
        classes = set((element.get("class") or "").split())
        ident = element.get("id")
        keys = [("#", ident or ""), ("", name), ("", "*")] + [(".", c) for c in sorted(classes)]
        self._spend(sum(self.looking.get(key, 0) for key in keys))
        matching = sorted(
            (rule for key in keys for rule in self.index.get(key, ()) if rule.matches(name, classes, ident)),
            key=lambda rule: rule.specificity,
        )
        self._spend(sum(len(rule.declarations) for rule in matching))
        return {prop: value for rule in matching for prop, value in rule.declarations}

    def _spend(self, work: int) -> None:
        """Count `work` (see MAX_STYLE_WORK); refuse the document once the total is over it."""
        self.work += work
        if self.work > MAX_STYLE_WORK:
            applied = f"rules and declarations applied over {MAX_STYLE_WORK:,} times"
            raise LogoRejected(f"style sheet too costly to apply ({applied})")


def _without_comments(css: str) -> str:
    """A style sheet with each comment replaced by a space; one left open runs to the end, as
    in browsers.

    Searched for with `str.find`, once over the text: the lazy regex this replaces scanned to
    the end of the sheet again from each `/*` that no `*/` closed, quadratic in the sheet
    (80,000 of them, 240 KB, took 107 s), and read the rest of an open comment as rules.
    """
    kept: list[str] = []
    position = 0
    while (start := css.find("/*", position)) >= 0:
        kept.extend((css[position:start], " "))
        end = css.find("*/", start + 2)
        if end < 0:
            return "".join(kept)
        position = end + 2
    kept.append(css[position:])
    return "".join(kept)


def _css_blocks(css: str) -> Iterator[tuple[str, str]]:
    """(selector list, declaration block) of each top-level rule; at-rules are skipped."""
    position = 0
    while (start := css.find("{", position)) >= 0:
        prelude = css[position:start].rsplit(";", 1)[-1].strip()  # after `@import ...;`
        end = _closing_brace(css, start)
        if end < 0:
            return
        if not prelude.startswith("@"):
            yield prelude, css[start + 1 : end]
        position = end + 1


def _closing_brace(css: str, start: int) -> int:
    """The index of the brace closing the one at `start` (nested blocks counted), or -1."""
    depth = 0
    for index in range(start, len(css)):
        if css[index] == "{":
            depth += 1
        elif css[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _parse_selector(selector: str, position: int, declarations: tuple[tuple[str, str], ...]) -> _Rule | None:
    """A rule for a compound selector like `path`, `.cls-1`, `#logo` or `g.a.b`, else None."""
    match = _SELECTOR.fullmatch(selector)
    if match is None or not selector:
        return None
    tag = match.group(1) if match.group(1) not in (None, "*") else None
    simple = _SIMPLE.findall(match.group(2))
    classes = frozenset(name for kind, name in simple if kind == ".")
    idents = {name for kind, name in simple if kind == "#"}
    if len(idents) > 1:
        return None
    specificity = (len(idents), len(classes), int(tag is not None), position)
    return _Rule(tag, classes, next(iter(idents), None), specificity, declarations)


def _safe_declarations(body: str) -> list[tuple[str, str]]:
    """The declarations of a block (or a `style` attribute) that are safe to keep."""
    kept = []
    for declaration in _split_outside_brackets(body, ";"):
        prop, colon, value = declaration.partition(":")
        prop = prop.strip().lower()
        if not colon or (prop not in _PRESENTATION and prop not in _STYLE_ONLY):
            continue
        safe = _safe_css_value(_IMPORTANT.sub("", value.strip()).strip())
        if safe:
            kept.append((prop, safe))
    return kept


def _split_outside_brackets(text: str, separator: str) -> list[str]:
    """Split at `separator` except inside quotes or parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth, quote = 0, ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == separator and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _safe_css_value(value: str) -> str | None:
    """A CSS value with only harmless functions and `url(#fragment)`s (normalised), else None."""
    value = " ".join(value.split())
    if not value or _has_bad_scheme(value) or any(char in value for char in "\\<>{};@"):
        return None
    for function in _FUNCTION.findall(value):
        if function.lower() not in _FUNCTIONS:
            return None
    local = _URL.sub(lambda match: f"url({match.group(2)})", value)
    if _ANY_URL.search(_URL.sub("", local)):
        return None
    return local


def _has_bad_scheme(value: str) -> bool:
    """Whether a value names a script or data URI scheme, in any spelling or spacing."""
    if ":" not in value:  # every scheme ends with one (quick for long path data)
        return False
    squeezed = _INVISIBLE.sub("", value).lower()
    return any(scheme in squeezed for scheme in _BAD_SCHEMES)
