"""Heavy SVGs drawn once, as WebP: a logo auto-traced from a bitmap, with tens of thousands of
path points, is much smaller as a picture at the largest size the site shows logos."""

from __future__ import annotations

import io
from typing import Final

import defusedxml.ElementTree as SafeET
from PIL import Image

from torchscape.site.logos.common import MAX_BITMAP_BOX, SVG_TYPE, bitmap_size
from torchscape.site.logos.svg import _sanitise_svg

#: A sanitised SVG over this size (usually a logo auto-traced from a bitmap, with tens of
#: thousands of path points) is drawn once, at the largest size the site shows logos, as WebP.
RASTER_ABOVE: Final = 24 * 1024


def _svg_or_raster(data: bytes) -> tuple[bytes, str]:
    """The sanitised SVG; or, for a heavy SVG without text, a much smaller rendering of it.

    Text is left as SVG because its look depends on the fonts of the machine that renders it.
    Big sources skip the coordinate rounding first: it costs most on exactly those files.
    """
    heavy = len(data) > RASTER_ABOVE * 2
    svg = _sanitise_svg(data, compact=not heavy)
    if len(svg) > RASTER_ABOVE and b"<text" not in svg:
        raster = _rasterise(svg)
        if raster is not None and len(raster) * 2 < len(svg):
            return raster, "image/webp"
    return (_sanitise_svg(data) if heavy else svg), SVG_TYPE


def _rasterise(svg: bytes) -> bytes | None:
    """The SVG drawn (by resvg, no system fonts) to fit MAX_BITMAP_BOX, as WebP."""
    try:
        import resvg_py
    except ImportError:
        return None
    root = SafeET.fromstring(svg)
    try:
        box = [float(v) for v in (root.get("viewBox") or "0 0 1 1").replace(",", " ").split()]
        width, height = bitmap_size(box[2], box[3], enlarge=True)
        wide = box[2] * MAX_BITMAP_BOX[1] >= box[3] * MAX_BITMAP_BOX[0]
    except (ValueError, IndexError):
        return None
    try:  # one side only: resvg keeps the aspect ratio itself
        png = resvg_py.svg_to_bytes(
            svg_string=svg.decode("utf-8"),
            skip_system_fonts=True,
            width=width if wide else None,
            height=None if wide else height,
        )
        image = Image.open(io.BytesIO(bytes(png)))
        image.load()
    except Exception:
        return None
    output = io.BytesIO()
    image.save(output, format="WEBP", quality=90, method=4)
    return output.getvalue()
