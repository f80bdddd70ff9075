"""What every stage of the logo pipeline shares: its limits, the SVG namespaces, the media types
it writes, the refusal of a source, and how ElementTree names are read."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Final

#: Source files larger than this are not read.
MAX_SOURCE_BYTES: Final = 10 * 1024 * 1024
#: Longest side of a re-encoded bitmap: logos are shown at most ~160 CSS px wide, ~2x density.
MAX_BITMAP_SIDE: Final = 320
#: Bitmaps with more pixels than this are refused before decoding (decompression bombs).
MAX_IMAGE_PIXELS: Final = 25_000_000
#: SVG element nesting deeper than this is refused (real logos stay below 20).
MAX_SVG_DEPTH: Final = 100
#: Documents whose <use> elements expand to more elements than this are refused.
MAX_RENDERED_ELEMENTS: Final = 100_000

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
