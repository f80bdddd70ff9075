"""Whether a logo brings its own background.

Most logos are drawn for light pages: dark ink on nothing. Dark pages show them on a light plate
so that they can be read. A logo that paints its whole box with a colour of its own first (a
monogram's coloured square, a badge-like logo, an opaque JPEG) needs no plate, and around it the
plate is only a glaring white frame. Such logos are written with `.filled` before their
extension (`name.<hash>.filled.svg`), and the stylesheets leave the plate out for them: the file
name carries it to every page and script that shows the logo, with no markup of its own.

Told from the bytes of our own output (cheap: no parsing, no decoding):

- an SVG whose first drawn element is a `<rect>` covering its viewBox, with a fill of its own
  and no transparency (`_svg_fills_its_box`; rounded corners are fine);
- a JPEG; a PNG without an alpha channel or transparent colour; a WebP without alpha.

A wrong answer costs only the look of one logo on dark pages.
"""

from __future__ import annotations

import re
import struct
from typing import Final

from torchscape.site.logos.common import SVG_TYPE

#: The root's start tag, as our own serialisation writes it (a `>` in a value is escaped).
_ROOT: Final = re.compile(rb"<svg\b[^>]*>")
#: What may come before the first drawn element: a title, a description, empty definitions.
_NOT_DRAWN: Final = re.compile(
    rb"\s*(?:<(title|desc|metadata)\b[^>]*/>|<(title|desc|metadata)\b[^>]*>[^<]*</\2>|<defs\b[^>]*/>)"
)
_RECT: Final = re.compile(rb"\s*<rect\b([^>]*)>")
_ATTRIBUTE: Final = re.compile(rb'([\w:.-]+)="([^"]*)"')
_NO_PAINT: Final = frozenset({b"none", b"transparent", b""})
#: Attributes that may let what is under the rectangle show through it, or move it.
_SEE_THROUGH: Final = (b"opacity", b"fill-opacity", b"transform", b"clip-path", b"mask", b"style", b"filter")


def fills_its_box(data: bytes, media_type: str) -> bool:
    """Whether the logo (our own output, of `media_type`) paints its whole box itself."""
    if media_type == SVG_TYPE:
        return _svg_fills_its_box(data)
    if media_type == "image/jpeg":
        return True
    if media_type == "image/png":
        return _png_is_opaque(data)
    if media_type == "image/webp":
        return _webp_is_opaque(data)
    return False


def _svg_fills_its_box(svg: bytes) -> bool:
    root = _ROOT.match(svg)
    if root is None:
        return False
    attributes = dict(_ATTRIBUTE.findall(root.group()))
    if any(name in attributes for name in _SEE_THROUGH):
        return False
    try:
        min_x, min_y, width, height = (float(v) for v in attributes.get(b"viewBox", b"").split())
    except ValueError:
        return False
    position = root.end()
    while skipped := _NOT_DRAWN.match(svg, position):
        if skipped.end() == position:
            break
        position = skipped.end()
    rect = _RECT.match(svg, position)
    if rect is None:
        return False
    found = dict(_ATTRIBUTE.findall(rect.group(1)))
    if any(name in found for name in _SEE_THROUGH) or found.get(b"fill", b"").strip() in _NO_PAINT:
        return False
    return (
        _same(found.get(b"x", b"0"), min_x, width)
        and _same(found.get(b"y", b"0"), min_y, height)
        and _same(found.get(b"width", b""), width, width, whole=True)
        and _same(found.get(b"height", b""), height, height, whole=True)
    )


def _same(value: bytes, expected: float, extent: float, whole: bool = False) -> bool:
    """Whether a length is `expected` (to within a half per cent of `extent`); `100%` is the
    whole of the box for a width or height."""
    if whole and value.strip() == b"100%":
        return True
    try:
        return abs(float(value) - expected) <= extent * 0.005
    except ValueError:
        return False


def _png_is_opaque(data: bytes) -> bool:
    """Grey, RGB or palette colour (type 0, 2 or 3) without a tRNS chunk before the image data."""
    if len(data) < 33 or data[12:16] != b"IHDR":
        return False
    if data[25] not in (0, 2, 3):
        return False
    start = data.find(b"IDAT")
    return b"tRNS" not in data[: start if start >= 0 else len(data)]


def _webp_is_opaque(data: bytes) -> bool:
    """A lossy WebP without an alpha chunk, or a lossless one that says it uses no alpha."""
    if len(data) < 30 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return False
    kind = data[12:16]
    if kind == b"VP8 ":
        return True
    if kind == b"VP8L":  # signature 0x2f, then 14 + 14 bits of size and the alpha-is-used bit
        return data[20] == 0x2F and not (struct.unpack("<I", data[21:25])[0] >> 28) & 1
    if kind == b"VP8X":
        return not data[20] & 0x10
    return False
