"""What every stage of the logo pipeline shares: its limits, the SVG namespaces, the media types
it writes, the refusal of a source, and how ElementTree names are read."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Final

#: Source files larger than this are not read.
MAX_SOURCE_BYTES: Final = 10 * 1024 * 1024
#: The box a re-encoded bitmap fits in: logos are shown at most 160 x 96 CSS px (an item page's
#: logo), and this is that at twice the pixel density. A square logo needs only 192 x 192.
MAX_BITMAP_BOX: Final = (320, 192)
#: Longest side of a re-encoded bitmap (a wide logo).
MAX_BITMAP_SIDE: Final = MAX_BITMAP_BOX[0]


def bitmap_size(
    width: float, height: float, enlarge: bool = False, box: tuple[int, int] = MAX_BITMAP_BOX
) -> tuple[int, int]:
    """`width` x `height` scaled to fit `box` (`MAX_BITMAP_BOX` unless given), aspect kept;
    enlarged only if asked (a drawing is, a bitmap is not)."""
    box_w, box_h = box
    if width <= 0 or height <= 0:
        return box_h, box_h
    scale = min(box_w / width, box_h / height)
    if not enlarge:
        scale = min(scale, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


#: Bitmaps with more pixels than this are refused before decoding (decompression bombs).
MAX_IMAGE_PIXELS: Final = 25_000_000
#: SVG element nesting deeper than this is refused (real logos stay below 20).
MAX_SVG_DEPTH: Final = 100
#: Documents with more elements than this, or style sheets with more rules, are refused before
#: any work on them. The real PyTorch logos have at most 640 elements and 53 rules; the work of
#: sanitising grows with both (linearly, but in Python: a 10 MB logo of 80,000 rules, or of
#: hundreds of thousands of elements, took 14-18 s).
MAX_SVG_ELEMENTS: Final = 50_000
MAX_STYLE_RULES: Final = 5_000
#: Documents whose <use> elements (and markers, and other references) expand to more elements
#: than this are refused.
MAX_RENDERED_ELEMENTS: Final = 100_000
#: Documents that draw more bitmap pixels than this in all (each time a <use>, a marker or a
#: pattern draws a bitmap again counts: a renderer may decode it each time) are refused. The real
#: PyTorch logos draw at most 17 million.
MAX_DRAWN_PIXELS: Final = 64_000_000
#: Documents whose style sheets cost more than this to apply are refused. The cost grows with the
#: rules times the elements, not with the size of the file (8,000 `*{fill:red}` rules over 8,000
#: elements, 120 KB, took 20 s): for each element, each rule that might select it counts one, plus
#: one per class its selector names, and each declaration of a rule that does select it counts
#: one. The real PyTorch logos need at most 666 (and 54 of their 584 SVGs have a style sheet at
#: all); this much is spent in about 0.2 s.
MAX_STYLE_WORK: Final = 1_000_000

SVG_NS: Final = "http://www.w3.org/2000/svg"
XLINK_NS: Final = "http://www.w3.org/1999/xlink"
XML_NS: Final = "http://www.w3.org/XML/1998/namespace"

SVG_TYPE: Final = "image/svg+xml"
_EXTENSION_OF: Final = {
    SVG_TYPE: "svg",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
}


class LogoRejected(Exception):
    """The source cannot be used as a logo; the message says why (shown to editors)."""


def _split(tag: object) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag; comments and the like give ("?", "")."""
    if not isinstance(tag, str):
        return "?", ""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _svg_name(element: ET.Element) -> str | None:
    """The local name of an element in the SVG namespace (or none), else None."""
    namespace, name = _split(element.tag)
    return name if namespace in ("", SVG_NS) else None
