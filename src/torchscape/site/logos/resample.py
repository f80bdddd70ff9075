"""Embedded bitmaps resampled by Pillow to the pixel size our drawing of a logo shows them at.

resvg's smooth image rendering samples a bitmap at each pixel it draws, without first filtering
what falls between those samples: a bitmap shrunk several times (logos exported with a 2,363 px
picture drawn 320 px wide) comes out jagged, thin lines broken, and the sampling costs about as
much per drawn pixel whatever the bitmap's size (25 ms for one bitmap over a 320 x 212 drawing
on the machine this was measured on). Resampled beforehand to the size it is drawn at (Lanczos,
which averages what it drops) and marked `image-rendering="optimizeSpeed"`, a bitmap is drawn
pixel for pixel: sharper, and quicker.

Only real reductions (to two thirds of a bitmap's size or less; enlarged or barely shrunk ones
look better sampled smoothly) of placements read with certainty are resampled: bitmaps drawn in
the document's own tree or in a mask applied in user space, each at one scale, under transforms
written as resvg reads them, without rotation or skew, and stretched evenly unless their
`preserveAspectRatio` is `none`. Any other bitmap (in a pattern, a marker, a symbol, a nested
`<svg>`, content a `<use>` draws again, a mask applied from any of those or at several scales,
one too big to decode cheaply, or past the document's 32nd) is left for resvg to sample as
before; so is every bitmap of a document that says how its images are to be drawn
(`image-rendering`, inherited).
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Final

import defusedxml.ElementTree as SafeET
from PIL import Image

from torchscape.site.logos.allowlists import _DATA_IMAGE
from torchscape.site.logos.bitmaps import _PILLOW_ERRORS, _normalise_mode
from torchscape.site.logos.common import MAX_IMAGE_PIXELS, _split
from torchscape.site.logos.numbers import _NUMBER, _NUMBER_SYNTAX
from torchscape.site.logos.svg import _serialise

#: The linear part (a, b, c, d) of an SVG transform matrix(a b c d e f): where the x and y unit
#: vectors go. Translations do not change the size anything is drawn at.
_Linear = tuple[float, float, float, float]

#: One transform function as SVG writes it (numbers without units, apart by white space or a
#: comma); resvg ignores a whole `transform` with anything else in it.
_TRANSFORM_FUNCTION: Final = re.compile(
    rf"(matrix|translate|scale|rotate|skewX|skewY)\s*+\(\s*+({_NUMBER_SYNTAX}(?:(?:\s++|\s*+,\s*+){_NUMBER_SYNTAX})*+)\s*+\)"
)
#: Between two transform functions: white space, a comma, or both.
_TRANSFORM_SEPARATOR: Final = re.compile(r"\s*+,\s*+|\s++")
#: A length as resvg reads an image's width or height: a number, in user units or px.
_PLAIN_LENGTH: Final = re.compile(rf"({_NUMBER_SYNTAX})(?:px)?")
#: Resampled only when the bitmap shrinks to at most this share of its size, on each side.
_REDUCTION: Final = 2 / 3
_MASK_REFERENCE: Final = re.compile(r"\s*url\(\s*#([^)\s]+)\s*\)\s*")
#: Elements whose content is drawn elsewhere than where it stands, possibly more than once or
#: at another scale: a bitmap inside one is not resampled.
_ELSEWHERE: Final = frozenset({"pattern", "marker", "symbol", "svg", "clipPath", "use"})
#: Elements never drawn where they stand (their content is drawn through references).
_NOT_DRAWN: Final = frozenset({"defs", "mask"}) | _ELSEWHERE
#: A bitmap drawn over this many times the drawing's pixels (most of it clipped away) is left
#: to resvg rather than enlarged.
_MAX_DRAWN_SHARE: Final = 4
#: Bitmaps with more pixels are left to resvg: Pillow decodes big PNGs more slowly than resvg
#: does (a 6,486 x 2,610 one with transparency: 0.42 s to decode and resample, against 0.20 s
#: for resvg's whole drawing).
_MAX_RESAMPLED_PIXELS: Final = 8_000_000
#: At most this many bitmaps of a document are resampled (real logos have one to four; a
#: document of thousands of tiny ones would cost a decode and an encode each).
_MAX_RESAMPLED: Final = 32


class _Unsure(Exception):
    """A document this module does not read with certainty: none of its bitmaps is resampled."""


@dataclass
class _Placements:
    """The transforms each bitmap is drawn under, the bitmaps drawn in ways not read here, the
    transforms each mask is applied under (masks in the order first met), and the elements whose
    `mask` was read."""

    images: dict[int, set[_Linear]] = field(default_factory=dict)
    unsure: set[int] = field(default_factory=set)
    masks: dict[str, set[_Linear]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    read: set[int] = field(default_factory=set)


def resampled(svg: bytes, scale: float, canvas: tuple[int, int]) -> str | None:
    """The document (our own sanitised output) with its embedded bitmaps resampled to the pixel
    size they are drawn at, when it is drawn at `scale` device pixels per user unit onto a
    `canvas` (width, height), where that is certain (see the module's docstring); None when no
    bitmap was resampled."""
    if b"<image" not in svg or b"image-rendering" in svg:
        return None
    try:
        root = SafeET.fromstring(svg)  # our own output; parsed as carefully as any
        placements = _placements(root, (scale, 0.0, 0.0, scale))
        limit = _MAX_DRAWN_SHARE * canvas[0] * canvas[1]
        changed = 0
        for image in root.iter():
            if _split(image.tag)[1] != "image" or id(image) in placements.unsure:
                continue
            drawn = placements.images.get(id(image), set())
            if len(drawn) == 1 and _resample(image, next(iter(drawn)), limit):
                changed += 1
                if changed == _MAX_RESAMPLED:
                    break
    except (_Unsure, ET.ParseError, ValueError, ArithmeticError):
        return None
    return _serialise(root).decode("utf-8") if changed else None


def _placements(root: ET.Element, device: _Linear) -> _Placements:
    """Every bitmap's transforms to device pixels: from the drawn tree, then from each mask
    that has a bitmap, in the user space of the elements it is applied to."""
    if "transform" in root.attrib or "transform-origin" in root.attrib:
        raise _Unsure("a transform on the root")
    ids: dict[str | None, ET.Element] = {}
    for element in root.iter():
        if element.get("id"):
            ids.setdefault(element.get("id"), element)  # the first of the same id, as resvg takes
    found = _Placements()
    stack = list(root)  # the outermost elements drawn elsewhere (what they hold is theirs)
    while stack:
        element = stack.pop()
        if _split(element.tag)[1] in _ELSEWHERE:
            found.unsure.update(_images_drawn_by(element, ids))
        else:
            stack.extend(element)
    _walk(root, device, found, is_root=True)
    walked: dict[str, frozenset[_Linear]] = {}
    for mask_id in found.order:  # masks met while walking others are appended as it goes
        mask = ids.get(mask_id)
        walked[mask_id] = users = frozenset(found.masks[mask_id])
        if mask is None or _split(mask.tag)[1] != "mask":
            continue
        held = _images_drawn_by(mask, ids)
        if not held:
            continue
        if mask.get("maskContentUnits", "userSpaceOnUse").strip() != "userSpaceOnUse":
            found.unsure.update(held)
            continue
        for user in users:
            for child in mask:
                _walk(child, user, found)
    if any(frozenset(found.masks[mask_id]) != users for mask_id, users in walked.items()):
        raise _Unsure("a mask applied at another scale after it was read")
    # A mask applied from where no walk went (a <use>, a pattern, another mask, a mask that was
    # not walked) is applied at a scale not known here.
    for element in root.iter():
        reference = _mask_of(element)
        if reference is not None and id(element) not in found.read and reference in ids:
            found.unsure.update(_images_drawn_by(ids[reference], ids))
    return found


def _walk(element: ET.Element, outer: _Linear, found: _Placements, *, is_root: bool = False) -> None:
    """Record the transform of each bitmap and mask use under `element`, drawn under `outer`
    (the root's own transform, which `_placements` refuses, is not read)."""
    stack = [(element, outer, is_root)]
    while stack:
        node, linear, is_root = stack.pop()
        name = _split(node.tag)[1]
        if not is_root:
            if name in _NOT_DRAWN:
                continue
            if "transform-origin" in node.attrib or "transform" in node.get("style", ""):
                raise _Unsure("a transform this module does not read")
            linear = _compose(linear, _transform(node.get("transform")))
        reference = _mask_of(node)
        found.read.add(id(node))
        if reference is not None:
            if reference not in found.masks:
                found.order.append(reference)
            found.masks.setdefault(reference, set()).add(_rounded(linear))
        if name == "image":
            found.images.setdefault(id(node), set()).add(_rounded(linear))
        stack.extend((child, linear, False) for child in node)


def _mask_of(element: ET.Element) -> str | None:
    """The id of the mask `element` is drawn through, if any."""
    reference = element.get("mask")
    if reference is None or reference.strip() == "none":
        return None
    match = _MASK_REFERENCE.fullmatch(reference)
    if match is None:
        raise _Unsure("a mask reference this module does not read")
    return match.group(1)


def _images_drawn_by(element: ET.Element, ids: dict[str | None, ET.Element]) -> set[int]:
    """The bitmaps `element` holds, or draws through `<use>` and masks (followed to any depth)."""
    images: set[int] = set()
    seen: set[int] = set()
    stack = [element]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        name = _split(node.tag)[1]
        if name == "image":
            images.add(id(node))
        targets = [_mask_of(node), (node.get("href") or "").removeprefix("#") if name == "use" else None]
        stack.extend(ids[target] for target in targets if target and target in ids)
        stack.extend(node)
    return images


def _transform(value: str | None) -> _Linear:
    """The linear part of a transform list, written as resvg reads one (else _Unsure)."""
    a, b, c, d = 1.0, 0.0, 0.0, 1.0
    text = (value or "").strip()
    position = 0
    while position < len(text):
        if position:
            separator = _TRANSFORM_SEPARATOR.match(text, position)
            if separator is None:
                raise _Unsure("transform functions not apart")
            position = separator.end()
        match = _TRANSFORM_FUNCTION.match(text, position)
        if match is None:
            raise _Unsure("a transform this module does not read")
        a, b, c, d = _compose((a, b, c, d), _function(match.group(1), match.group(2)))
        position = match.end()
    return a, b, c, d


def _function(name: str, arguments: str) -> _Linear:
    """The linear part of one transform function."""
    values = [float(number) for number in _NUMBER.findall(arguments)]
    if not all(math.isfinite(value) for value in values):
        raise _Unsure("a transform with an infinite number")
    count = len(values)
    if name == "matrix" and count == 6:
        return values[0], values[1], values[2], values[3]
    if name == "translate" and count in (1, 2):
        return 1.0, 0.0, 0.0, 1.0
    if name == "scale" and count in (1, 2):
        return values[0], 0.0, 0.0, values[-1]
    if name == "rotate" and count in (1, 3):
        angle = math.radians(values[0])
        return math.cos(angle), math.sin(angle), -math.sin(angle), math.cos(angle)
    if name == "skewX" and count == 1:
        return 1.0, 0.0, math.tan(math.radians(values[0])), 1.0
    if name == "skewY" and count == 1:
        return 1.0, math.tan(math.radians(values[0])), 0.0, 1.0
    raise _Unsure(f"{name}() with {count} arguments")


def _compose(outer: _Linear, inner: _Linear) -> _Linear:
    """`outer` applied after `inner` (an element's transform inside its parent's)."""
    a, b, c, d = outer
    p, q, r, s = inner
    return a * p + c * q, b * p + d * q, a * r + c * s, b * r + d * s


def _rounded(linear: _Linear) -> _Linear:
    """Rounded so that the same scale reached by different products compares equal."""
    return tuple(round(value, 9) for value in linear)  # type: ignore[return-value]


def _resample(image: ET.Element, linear: _Linear, limit: int) -> bool:
    """Replace the bitmap of `image` by one of the pixel size it is drawn at under `linear`,
    drawn pixel for pixel; False (and `image` unchanged) where that is not certain, cheap, or
    a real reduction."""
    a, b, c, d = linear
    if abs(b) > 1e-9 * abs(a) or abs(c) > 1e-9 * abs(d) or a == 0 or d == 0:
        return False  # rotated or skewed
    href = image.get("href") or ""
    match = _DATA_IMAGE.match(href)
    if match is None:
        return False
    try:
        picture = Image.open(io.BytesIO(base64.b64decode(href[match.end() :], validate=True)))
        natural_width, natural_height = picture.size
        if natural_width * natural_height > min(MAX_IMAGE_PIXELS, _MAX_RESAMPLED_PIXELS):
            return False
        fitted = _fitted(image, natural_width, natural_height)
        if fitted is None:
            return False
        scale_x, scale_y, stretched = fitted
        if not stretched and max(natural_width, natural_height) * scale_x * abs(abs(a) - abs(d)) >= 0.5:
            return False  # fitted keeping its proportions under a transform that does not keep them
        width = max(1, round(natural_width * scale_x * abs(a)))
        height = max(1, round(natural_height * scale_y * abs(d)))
        if width * height > limit:
            return False
        if width > natural_width * _REDUCTION or height > natural_height * _REDUCTION:
            return False  # enlarged, or barely shrunk: resvg's smooth sampling does well
        picture.draft(None, (width, height))  # JPEG: decode at a smaller scale
        resized = _normalise_mode(picture).resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    except (binascii.Error, *_PILLOW_ERRORS):
        return False
    output = io.BytesIO()
    resized.save(output, format="PNG", compress_level=1)  # only ever read by resvg, at once
    if image.get("width") is None:  # its box was its natural size: no longer that of the bitmap
        image.set("width", str(natural_width))
        image.set("height", str(natural_height))
    image.set("href", "data:image/png;base64," + base64.b64encode(output.getvalue()).decode("ascii"))
    image.set("image-rendering", "optimizeSpeed")
    return True


def _fitted(image: ET.Element, natural_width: int, natural_height: int) -> tuple[float, float, bool] | None:
    """How much the `<image>` element's own box scales its bitmap, along x and y, and whether
    that stretches it (`preserveAspectRatio="none"`); None for a box not read here (one side
    given, units resvg does not draw, percentages). A bitmap that keeps its proportions is
    fitted anew to the proportions of a resampled one: those must not differ."""
    width_text, height_text = image.get("width"), image.get("height")
    aspect = [word for word in (image.get("preserveAspectRatio") or "").split() if word != "defer"]
    stretched = aspect[:1] == ["none"]
    if width_text is None and height_text is None:
        return 1.0, 1.0, False  # drawn at its natural size
    width, height = _plain_length(width_text), _plain_length(height_text)
    if width is None or height is None:
        return None
    scale_x, scale_y = width / natural_width, height / natural_height
    if stretched:
        return scale_x, scale_y, True
    fit = max(scale_x, scale_y) if aspect[1:2] == ["slice"] else min(scale_x, scale_y)
    return fit, fit, False


def _plain_length(text: str | None) -> float | None:
    """A positive length in user units (or px), as resvg reads an image's size; else None."""
    match = _PLAIN_LENGTH.fullmatch(text or "")
    if match is None:
        return None
    value = float(match.group(1))
    return value if 0 < value < 1e9 else None
