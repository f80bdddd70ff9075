"""Heavy SVGs drawn once, as WebP: a logo auto-traced from a bitmap, with tens of thousands of
path points, is much smaller as a picture at the largest size the site shows logos."""

from __future__ import annotations

import io
import math
import re
from typing import Final

from PIL import Image

from torchscape.site.logos.common import MAX_BITMAP_BOX, SVG_TYPE, bitmap_size
from torchscape.site.logos.numbers import _NUMBER
from torchscape.site.logos.resample import resampled
from torchscape.site.logos.svg import _sanitise_svg

#: Tiles show logos at most 96 x 56 CSS px: their bitmap thumbnails are that at twice the
#: pixel density.
THUMBNAIL_BOX: Final = (192, 112)
#: WebP settings (quality, method) of the drawings. For the real PyTorch logos' thumbnails,
#: 85 and method 3 came out 0.7% bigger than 90 and 4, in about 60% of the encoding time; method
#: 2 is 2% bigger again than 3, in 70% of its time (0.20 s of CPU against 0.30 for all 178).
WEBP_LOGO: Final = (90, 4)
WEBP_THUMBNAIL: Final = (85, 2)

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


def _thumbnail(svg: bytes) -> bytes | None:
    """A sanitised SVG logo drawn for tiles: to fit `THUMBNAIL_BOX`, as WebP; None when it has
    text (fonts differ between machines), cannot be drawn, or the drawing is not smaller.

    Chromium records an SVG image's whole drawing again each time the tile showing it is
    painted again, as when a search shows or hides tiles; a bitmap is one drawing operation.
    """
    if b"<text" in svg:
        return None
    webp = _rasterise(svg, THUMBNAIL_BOX, WEBP_THUMBNAIL)
    return webp if webp is not None and len(webp) < len(svg) else None


#: The root's viewBox attribute, as our own serialisation writes it.
_VIEW_BOX: Final = re.compile(rb'\sviewBox="([^"]*)"')

#: Filter primitives whose cost has no bound we control (a 229-byte logo with
#: `numOctaves="100000000"` kept resvg busy for minutes): documents with them are not drawn
#: by us; browsers, which bound them themselves, show the SVG.
_COSTLY_FILTERS: Final = re.compile(
    rb"<(?:feTurbulence|feConvolveMatrix|feMorphology|feDiffuseLighting|feSpecularLighting|feDisplacementMap)\b"
)


def _rasterise(
    svg: bytes, fit: tuple[int, int] = MAX_BITMAP_BOX, webp: tuple[int, int] = WEBP_LOGO
) -> bytes | None:
    """The SVG drawn (by resvg, no system fonts) to fit `fit` (width, height), as WebP; None
    when it cannot be drawn or uses a costly filter primitive (`_COSTLY_FILTERS`)."""
    if _COSTLY_FILTERS.search(svg):
        return None
    try:
        import resvg_py
    except ImportError:
        return None
    # Read from the root's start tag: this is our own output, where `>` in a value is escaped,
    # so the first one ends it (parsing a heavy SVG again only for this took longer).
    match = _VIEW_BOX.search(svg[: svg.find(b">") + 1])
    # Our own viewBox: four numbers, one space apart (`numbers._compact_list`).
    view_box = match.group(1).decode("ascii", "replace") if match else "0 0 1 1"
    box = [float(v) for v in _NUMBER.findall(view_box)]
    if len(box) != 4 or not all(math.isfinite(v) for v in box) or box[2] <= 0 or box[3] <= 0:
        return None
    width, height = bitmap_size(box[2], box[3], enlarge=True, box=fit)
    wide = box[2] * fit[1] >= box[3] * fit[0]
    # Embedded bitmaps resampled to the size they are drawn at, to be drawn pixel for pixel
    # (see `resample`); those it does not resample are sampled by resvg as they are.
    scale = width / box[2] if wide else height / box[3]
    # (Without a viewBox of its own, resvg draws the document at its default size, not ours.)
    text = resampled(svg, scale, (width, height)) if match else None
    try:  # one side only: resvg keeps the aspect ratio itself
        png = resvg_py.svg_to_bytes(
            svg_string=svg.decode("utf-8") if text is None else text,
            skip_system_fonts=True,
            width=width if wide else None,
            height=None if wide else height,
        )
        image = Image.open(io.BytesIO(bytes(png)))
        image.load()
    except Exception:
        return None
    output = io.BytesIO()
    image.save(output, format="WEBP", quality=webp[0], method=webp[1])
    return output.getvalue()
