"""Badges: `badges/<item id>.svg`, "<landscape> | Category / Subcategory", and the snippets that show one.

The SVG is written by hand from escaped text; its width comes from a table of glyph advances
(Verdana at 11 px, the usual badge face), and `textLength` pins each text run to that width so
the badge looks right whichever font the viewer has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from torchscape.catalog.model import Item
from torchscape.site.xmlsafe import xml_attribute, xml_text

HEIGHT = 20
_PAD = 6  # horizontal padding on each side of a text run
_LABEL_FILL = "#555"
_DEFAULT_VALUE_FILL = "#c5361d"

# Advance widths in px at 11 px Verdana, by character group; anything else counts as `_WIDE_DEFAULT`.
_ADVANCES: tuple[tuple[str, float], ...] = (
    ("iljI|!.,:;'", 3.4),
    (" ()[]{}/\\", 4.6),
    ("frt-", 5.0),
    ('Jsz"*', 5.9),
    ("abcdeghknopquvxy", 6.8),
    ("0123456789#$+<=>?^_~", 7.0),
    ("EFLPSTYZck", 7.4),
    ("ABCDGHKNRUVX&", 8.1),
    ("O", 8.6),
    ("Qw", 9.0),
    ("m", 10.7),
    ("MW%@", 11.0),
)
_WIDE_DEFAULT = 8.5  # other letters (accents, CJK fall back wider than they are: better too wide)
_WIDTH = {char: width for chars, width in _ADVANCES for char in chars}


def text_width(text: str) -> float:
    """The rendered width of `text` at 11 px Verdana, in px (an estimate, rounded up later)."""
    return sum(_WIDTH.get(char, _WIDE_DEFAULT) for char in text)


def badge_value(item: Item) -> str:
    return f"{item.category} / {item.subcategory}"


_RGBA = re.compile(r"rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})")


def value_fill(colour: str | None) -> str:
    """The landscape's main colour (settings `colors.color1`, `rgba(...)`) as `#rrggbb`."""
    match = _RGBA.match(colour or "")
    if not match:
        return _DEFAULT_VALUE_FILL
    red, green, blue = (min(int(part), 255) for part in match.groups())
    return f"#{red:02x}{green:02x}{blue:02x}"


def badge_svg(label: str, value: str, fill: str = _DEFAULT_VALUE_FILL) -> str:
    """A two-part badge as a standalone SVG document; `label` and `value` are escaped here."""
    label_text, value_text = label.strip() or "Landscape", value.strip()
    label_w = round(text_width(label_text)) + 2 * _PAD
    value_w = round(text_width(value_text)) + 2 * _PAD
    width = label_w + value_w
    title = f"{label_text}: {value_text}"
    runs = "".join(
        _text(text, centre, round(text_width(text)))
        for text, centre in ((label_text, label_w / 2), (value_text, label_w + value_w / 2))
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
        f'viewBox="0 0 {width} {HEIGHT}" role="img" aria-label={xml_attribute(title)}>'
        f"<title>{xml_text(title)}</title>"
        f'<clipPath id="r"><rect width="{width}" height="{HEIGHT}" rx="3"/></clipPath>'
        '<g clip-path="url(#r)">'
        f'<rect width="{label_w}" height="{HEIGHT}" fill="{_LABEL_FILL}"/>'
        f'<rect x="{label_w}" width="{value_w}" height="{HEIGHT}" fill="{fill}"/></g>'
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" '
        f'font-size="11">{runs}</g></svg>\n'
    )


def _text(text: str, centre: float, length: int) -> str:
    return f'<text x="{centre:g}" y="14" textLength="{length}">{xml_text(text)}</text>'


@dataclass(frozen=True, slots=True)
class BadgeSnippets:
    """Copy-paste code for one item's badge; `absolute` is False when the site's URL is unknown.

    Only the Markdown is written into item pages: `reuse.js` makes the reStructuredText and HTML
    from `image`, `page` and `alt` in the browser."""

    image: str
    page: str
    alt: str
    markdown: str
    absolute: bool


def snippets(item: Item, label: str, base_url: str) -> BadgeSnippets:
    """The parts of an item's badge snippets, and its Markdown, linking to its page."""
    prefix = f"{base_url}/" if base_url else ""
    image = f"{prefix}badges/{item.id}.svg"
    page = f"{prefix}projects/{item.id}/"
    alt = f"{label}: {badge_value(item)}"
    markdown = f"[![{_markdown_text(alt)}]({image})]({page})"
    return BadgeSnippets(image, page, alt, markdown, absolute=bool(base_url))


def _markdown_text(text: str) -> str:
    return re.sub(r"([\\\[\]()*_`<>!])", r"\\\1", text)
