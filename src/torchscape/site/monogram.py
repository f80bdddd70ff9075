"""Deterministic SVG monogram logos for catalog items that have no artwork.

A monogram is a rounded square in a colour picked from a fixed palette by a
stable hash of the item's name, with one or two white letters in the middle.
The same name always gives the same bytes, on every machine and Python run.

Letter rule, in order:

1. Split the name into words at every character that is not a letter or digit
   ("PyTorch Lightning", "Torch-TensorRT", "Texas A&M University").
2. Several words: drop filler words ("of", "the", "and", ...) unless nothing
   would be left, then take the first character of the first two words:
   "PyTorch Lightning" -> "PL", "Hugging Face" -> "HF".
3. One word with internal capitals: split it at each lower-to-upper case change
   and take the first characters of the first two parts: "DeepSpeed" -> "DS",
   "PyG" -> "PG", "vLLM" -> "VL".
4. One word starting with "torch" or "py" followed by at least three more
   characters: the prefix's initial plus the rest's initial, because the rest
   is the distinctive part: "torchvision" -> "TV", "torchtune" -> "TT".
5. Otherwise the first two characters as written, the first one upper-cased:
   "fastai" -> "Fa", "MONAI" -> "MO", "Pyro" -> "Py"; a single character stays
   single.

The letters are upper-cased in rules 2-4. A name without any letter or digit
gets "?".
"""

from __future__ import annotations

import hashlib
import re
from xml.sax.saxutils import quoteattr

from torchscape.site.xmlsafe import xml_text

__all__ = ["PALETTE", "monogram_colour", "monogram_css", "monogram_index", "monogram_letters", "monogram_svg"]

#: Background colours; white text on each has a WCAG contrast ratio of at
#: least 4.5:1 (AA for normal text). Order matters: it is part of the output.
PALETTE: tuple[str, ...] = (
    "#C2410C",  # burnt orange, 5.2:1
    "#B91C1C",  # red, 6.5:1
    "#BE185D",  # raspberry, 6.0:1
    "#812CE5",  # PyTorch purple, 6.1:1
    "#4338CA",  # indigo, 7.9:1
    "#1D4ED8",  # blue, 6.7:1
    "#0369A1",  # sky blue, 5.9:1
    "#0F766E",  # teal, 5.5:1
    "#15803D",  # green, 5.0:1
    "#A16207",  # ochre, 4.9:1
    "#374151",  # slate, 10.3:1
    "#100C49",  # navy, 17.9:1
)

_FILLER_WORDS = frozenset({"and", "de", "del", "der", "des", "di", "du", "for", "la", "of", "the"})
_PREFIXES = ("torch", "py")
_MIN_REST = 3
_WORD = re.compile(r"[^\W_]+")
_CASE_CHANGE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


def monogram_letters(name: str) -> str:
    """Return the one or two letters shown for ``name`` (see the module rule)."""
    words: list[str] = _WORD.findall(name)
    if not words:
        return "?"
    if len(words) > 1:
        kept = [w for w in words if w.casefold() not in _FILLER_WORDS] or words
        if len(kept) > 1:
            return (kept[0][0] + kept[1][0]).upper()
        return _one_word(kept[0])
    return _one_word(words[0])


def _one_word(word: str) -> str:
    """Return the letters for a single word (rules 3 to 5)."""
    parts = [p for p in _CASE_CHANGE.split(word) if p]
    if len(parts) > 1:
        return (parts[0][0] + parts[1][0]).upper()
    lowered = word.casefold()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix) and len(word) - len(prefix) >= _MIN_REST:
            return (word[0] + word[len(prefix)]).upper()
    return word[0].upper() + word[1:2]


def monogram_colour(name: str) -> str:
    """Return the palette colour for ``name``, from a SHA-256 of its UTF-8 bytes."""
    return PALETTE[monogram_index(name)]


def monogram_index(name: str) -> int:
    """The position in PALETTE of ``name``'s colour (the CSS class ``mono-<index>``)."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % len(PALETTE)


def monogram_css() -> str:
    """A class per palette colour, for monograms drawn by the page (tiles, cards) as text."""
    return "".join(f".mono-{index} {{ background: {colour}; }}\n" for index, colour in enumerate(PALETTE))


def monogram_svg(name: str, size: int = 64) -> str:
    """Return a standalone SVG document: a coloured rounded square with letters.

    ``size`` is the width and height in pixels; the drawing is in a 64 x 64
    ``viewBox`` so it scales cleanly. The name is the accessible title.
    Raises ``ValueError`` for a size that is not positive.
    """
    if size <= 0:
        message = f"monogram size must be positive, got {size}"
        raise ValueError(message)
    letters = monogram_letters(name)
    font_size = 30 if len(letters) == 1 else 26
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}"'
        f' viewBox="0 0 64 64" role="img">'
        f"<title>{xml_text(name)}</title>"
        f'<rect width="64" height="64" rx="12" ry="12" fill="{monogram_colour(name)}"/>'
        f'<text x="32" y="32" dy="0.35em" text-anchor="middle" fill="#FFFFFF"'
        f' font-family={quoteattr(_FONT)} font-size="{font_size}" font-weight="700"'
        f' aria-hidden="true">{xml_text(letters)}</text>'
        "</svg>\n"
    )
