"""The logo pipeline: hostile logo files in, small, safe, content-hashed files out.

Logos arrive in strangers' pull requests, so every byte is treated as hostile until it has been
rebuilt from an allow-list:

- **SVG** is parsed with defusedxml (entity declarations and external references refused), then
  copied element by element into a fresh tree: only presentational SVG elements and attributes
  survive, links only to `#fragments` inside the document, bitmaps only as re-encoded
  `data:image/...` URIs. `<style>` sheets are applied to the elements they select and dropped, so
  class-styled logos keep their colours. The root gets a `viewBox` and loses its fixed size, so
  the logo scales in its `<img>` box. Numbers are written as short as they can be: exactly,
  except path and polygon coordinates, rounded to 1/10,000 of the shape's size (`PRECISION`).
- **Bitmaps** (PNG, JPEG, GIF, WebP files, and those embedded in SVGs) are decoded by Pillow with
  a pixel limit, shrunk to at most `MAX_BITMAP_SIDE` pixels on the longest side and re-encoded
  without metadata: PNG (as a palette when the colours allow it), or JPEG when that is smaller
  for an opaque picture with many colours.
- Anything else, and anything that fails, becomes a generated monogram with the reason.

Results are cached on disk by content (`sha256(PROCESSOR_VERSION + source bytes)`), so a rebuild
only does work for new or changed logos. Output is deterministic: the same input gives the same
bytes and the same file name.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import hashlib
import io
import math
import re
import stat
import struct
import tempfile
import unicodedata
import warnings
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from PIL import Image, ImageChops, ImageOps

from torchscape.site.monogram import monogram_svg

__all__ = [
    "MAX_BITMAP_SIDE",
    "MAX_IMAGE_PIXELS",
    "MAX_RENDERED_ELEMENTS",
    "MAX_SOURCE_BYTES",
    "PROCESSOR_VERSION",
    "LogoProcessor",
    "ProcessedLogo",
]

#: Bump whenever the output for some input changes: it is part of every cache key.
PROCESSOR_VERSION: Final = "2"

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
_SOURCE_EXTENSIONS: Final = frozenset({".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"})
_PILLOW_FORMATS: Final = ("PNG", "JPEG", "GIF", "WEBP")
#: What Pillow's decoders raise on hostile or broken input.
_PILLOW_ERRORS: Final = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    TypeError,
    IndexError,
    KeyError,
    struct.error,
    zlib.error,
    Image.DecompressionBombWarning,
)


@dataclass(frozen=True, slots=True)
class ProcessedLogo:
    """One logo ready to be written into the site."""

    filename: str  # <stem>.<first 10 hex of sha256(data)>.<ext>
    data: bytes
    media_type: str  # image/svg+xml, image/png, image/jpeg or image/webp
    placeholder: bool  # a generated monogram stands in for the source
    problem: str | None  # why the source could not be used; None when it was


class LogoRejected(Exception):
    """The source cannot be used as a logo; the message says why (shown to editors)."""


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What processing some source bytes gave: a usable logo, or the reason there is none."""

    data: bytes = b""
    media_type: str = ""
    problem: str | None = None


class LogoProcessor:
    """Turns logo files into `ProcessedLogo`s, with an on-disk cache keyed by content."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self._cache = None if cache_dir is None else Path(cache_dir) / "logos"
        self._memo: dict[str, _Outcome] = {}

    def process(self, source: Path | None, name: str, stem: str) -> ProcessedLogo:
        """Sanitise and shrink `source`, the logo of the item called `name` with the id `stem`.

        A source that is None, missing, broken or of an unsupported kind gives a monogram
        placeholder (named after `stem`) carrying the reason; bad content never raises.
        A real logo is named after its file's stem, so items sharing a file share the output.
        """
        if source is None:
            return self._placeholder(name, stem, "no logo file given")
        try:
            data = _read_source(source)
        except LogoRejected as exc:
            return self._placeholder(name, stem, str(exc))
        outcome = self._cached(_content_key(data), lambda: _transform(data))
        if outcome.problem is not None:
            return self._placeholder(name, stem, outcome.problem)
        filename = _filename(_slug(source.stem), outcome.data, outcome.media_type)
        return ProcessedLogo(filename, outcome.data, outcome.media_type, False, None)

    def _placeholder(self, name: str, stem: str, problem: str) -> ProcessedLogo:
        """The monogram for `name`, standing in for a logo that could not be used."""
        key = _content_key(b"placeholder\0" + name.encode("utf-8"))
        outcome = self._cached(key, lambda: _Outcome(_placeholder_svg(name), SVG_TYPE))
        return ProcessedLogo(
            filename=_filename(_slug(stem), outcome.data, outcome.media_type),
            data=outcome.data,
            media_type=outcome.media_type,
            placeholder=True,
            problem=problem,
        )

    def needs_work(self, source: Path) -> bool:
        """Whether processing `source` would do real work (its outcome is not cached yet)."""
        try:
            key = _content_key(_read_source(source))
        except LogoRejected:
            return False
        return key not in self._memo and (self._cache is None or not (self._cache / key).is_file())

    def _cached(self, key: str, compute: Callable[[], _Outcome]) -> _Outcome:
        """The outcome stored under `key` (in memory, then on disk), else computed and stored."""
        outcome = self._memo.get(key)
        if outcome is None and self._cache is not None:
            outcome = _read_record(self._cache / key)
            if outcome is None:
                outcome = compute()
                _write_record(self._cache / key, outcome)
        if outcome is None:
            outcome = compute()
        self._memo[key] = outcome
        return outcome


def _filename(stem: str, data: bytes, media_type: str) -> str:
    """`<stem>.<first 10 hex digits of sha256(data)>.<extension of the media type>`."""
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{_EXTENSION_OF[media_type]}"


def _slug(text: str) -> str:
    """A file-name-safe ASCII slug: lowercase letters, digits and single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return slug or "logo"


def _content_key(data: bytes) -> str:
    """The cache key of some source bytes: it changes with the processor version."""
    return hashlib.sha256(PROCESSOR_VERSION.encode("ascii") + data).hexdigest()


# --- reading sources and the cache ---------------------------------------------------------------


def _read_source(source: Path) -> bytes:
    """The bytes of a logo file, or LogoRejected saying why it cannot be read."""
    try:
        info = source.stat()
    except FileNotFoundError:
        raise LogoRejected("file not found") from None
    except OSError:
        raise LogoRejected("file unreadable") from None
    if not stat.S_ISREG(info.st_mode):
        raise LogoRejected("not a regular file")
    if source.suffix.lower() not in _SOURCE_EXTENSIONS:
        raise LogoRejected("unsupported format")
    if info.st_size > MAX_SOURCE_BYTES:
        raise LogoRejected("file larger than 10 MiB")
    try:
        with source.open("rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError:
        raise LogoRejected("file unreadable") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise LogoRejected("file larger than 10 MiB")
    if not data.strip():
        raise LogoRejected("empty file")
    return data


_RECORD_MAGIC: Final = b"torchscape-logo-record 1\n"


def _read_record(path: Path) -> _Outcome | None:
    """A cached outcome, or None when there is none or it is unreadable or damaged.

    A record is the magic line, then the media type, the problem (empty for a usable logo) and
    the SHA-256 of the data, one per line, then the data.
    """
    try:
        payload = path.read_bytes()
    except OSError:
        return None
    if not payload.startswith(_RECORD_MAGIC):
        return None
    parts = payload[len(_RECORD_MAGIC) :].split(b"\n", 3)
    if len(parts) != 4 or hashlib.sha256(parts[3]).hexdigest().encode("ascii") != parts[2]:
        return None
    media_type, problem, data = parts[0].decode("ascii", "replace"), parts[1], parts[3]
    if problem:
        return _Outcome(problem=problem.decode("utf-8", "replace"))
    if media_type not in _EXTENSION_OF or not data:
        return None
    return _Outcome(data, media_type)


def _write_record(path: Path, outcome: _Outcome) -> None:
    """Store an outcome atomically (a temporary file, then a rename); a cache that cannot be
    written is skipped, as it only saves time."""
    header = [
        outcome.media_type.encode("ascii"),
        (outcome.problem or "").replace("\n", " ").encode("utf-8"),
        hashlib.sha256(outcome.data).hexdigest().encode("ascii"),
    ]
    payload = _RECORD_MAGIC + b"\n".join([*header, outcome.data])
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as handle:
            temporary = Path(handle.name)
            handle.write(payload)
        temporary.replace(path)
    except OSError:
        return
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


# --- dispatch ------------------------------------------------------------------------------------

_BITMAP_MAGIC: Final = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


def _is_bitmap(data: bytes) -> bool:
    """Whether the bytes start like a PNG, JPEG, GIF or WebP file (the content decides the kind,
    not the file's extension)."""
    return data.startswith(_BITMAP_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def _transform(data: bytes) -> _Outcome:
    """Process source bytes into a logo, or the reason they cannot be one."""
    try:
        if _is_bitmap(data):
            return _Outcome(*_process_bitmap(data))
        return _Outcome(*_svg_or_raster(data))
    except LogoRejected as exc:
        return _Outcome(problem=str(exc))
    except Exception as exc:  # a bug of ours on hostile input must not stop a build either
        return _Outcome(problem=f"could not be processed ({type(exc).__name__})")


# --- bitmaps -------------------------------------------------------------------------------------


def _process_bitmap(data: bytes) -> tuple[bytes, str]:
    """Decode, shrink and re-encode a bitmap; returns the new bytes and their media type."""
    image = _decode_bitmap(_drop_damaged_png_chunks(data))
    image = _downscale(_normalise_mode(image))
    if image.mode == "RGBA":
        image = _without_needless_alpha(image)
    return _encode_bitmap(image)


def _without_needless_alpha(image: Image.Image) -> Image.Image:
    """RGB when the alpha channel is opaque everywhere; else fully transparent pixels made all
    the same (transparent black), which shrinks palettes and compresses better."""
    alpha = image.getchannel("A")
    if alpha.getextrema() == (255, 255):
        return image.convert("RGB")
    transparent = alpha.point(lambda value: 255 if value == 0 else 0)
    cleared = image.copy()
    cleared.paste((0, 0, 0, 0), mask=transparent)
    return cleared


def _decode_bitmap(data: bytes) -> Image.Image:
    """Pillow's decoding, limited to four formats and MAX_IMAGE_PIXELS; the first frame only."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS) as probe:
                _check_pixels(probe.size)
                probe.verify()
            image = Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS)
            image.draft(None, (MAX_BITMAP_SIDE, MAX_BITMAP_SIDE))  # JPEG: decode at a smaller scale
            image.load()
            transposed = ImageOps.exif_transpose(image)
    except Image.DecompressionBombError:
        raise LogoRejected("image has too many pixels") from None
    except _PILLOW_ERRORS:
        raise LogoRejected("not a readable image") from None
    return transposed


def _check_pixels(size: tuple[int, int]) -> None:
    """Refuse an image whose header announces more than MAX_IMAGE_PIXELS (before decoding)."""
    width, height = size
    if width <= 0 or height <= 0:
        raise LogoRejected("not a readable image")
    if width * height > MAX_IMAGE_PIXELS:
        raise LogoRejected(f"image has too many pixels ({width}x{height})")


def _drop_damaged_png_chunks(data: bytes) -> bytes:
    """Remove PNG ancillary chunks whose checksum is wrong, as browsers (libpng) do.

    Real logos carry such chunks (a damaged colour profile, say); Pillow refuses the whole file.
    Anything that is not a PNG, or a damaged critical chunk, is left for Pillow to judge.
    """
    signature = b"\x89PNG\r\n\x1a\n"
    if not data.startswith(signature):
        return data
    kept = [signature]
    position = len(signature)
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        end = position + 12 + length
        if end > len(data):
            break
        kind, body = data[position + 4 : position + 8], data[position + 8 : end - 4]
        (checksum,) = struct.unpack(">I", data[end - 4 : end])
        ancillary = bool(kind[0] & 0x20)
        if not ancillary or zlib.crc32(kind + body) == checksum:
            kept.append(data[position:end])
        position = end
    kept.append(data[position:])
    return b"".join(kept)


def _normalise_mode(image: Image.Image) -> Image.Image:
    """L, RGB or RGBA: the modes the encoders below take."""
    if image.mode in ("L", "RGB", "RGBA"):
        return image
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _downscale(image: Image.Image) -> Image.Image:
    """Shrink so that the longest side is at most MAX_BITMAP_SIDE; smaller images are kept."""
    width, height = image.size
    longest = max(width, height)
    if longest <= MAX_BITMAP_SIDE:
        return image
    scale = MAX_BITMAP_SIDE / longest
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode_bitmap(image: Image.Image) -> tuple[bytes, str]:
    """PNG, or JPEG (quality 85) for an opaque image with many colours when that is smaller."""
    image.info = {}  # no metadata (profiles, EXIF, text) travels into the output
    candidates = [(_encode_png(image), "image/png")]
    if image.mode == "RGB" and image.getcolors(256) is None:
        candidates.append((_encode_jpeg(image), "image/jpeg"))
    return min(candidates, key=lambda candidate: len(candidate[0]))


def _encode_png(image: Image.Image) -> bytes:
    """An optimised PNG, as a palette image when the colours fit in one (without loss)."""
    output = io.BytesIO()
    _as_palette(image).save(output, format="PNG", optimize=True)
    return output.getvalue()


def _as_palette(image: Image.Image) -> Image.Image:
    """The image with a palette when it has at most 256 colours and the mapping is exact."""
    if image.mode not in ("RGB", "RGBA"):
        return image
    colours = image.getcolors(256)
    if colours is None:
        return image
    method = Image.Quantize.FASTOCTREE if image.mode == "RGBA" else Image.Quantize.MEDIANCUT
    palette = image.quantize(colors=len(colours), method=method)
    if ImageChops.difference(palette.convert(image.mode), image).getbbox() is not None:
        return image
    return palette


def _encode_jpeg(image: Image.Image) -> bytes:
    """A baseline JPEG at quality 85 with optimised Huffman tables and no metadata."""
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85, optimize=True)
    return output.getvalue()


# --- SVG: parsing and the allow-lists ------------------------------------------------------------

#: Presentational SVG elements that are kept (everything else is dropped with its content).
_ELEMENTS: Final = frozenset(
    {
        "svg", "g", "defs", "symbol", "use", "switch", "title", "desc",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan", "textPath", "image",
        "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
        "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
        "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
        "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur",
        "feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight",
        "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
    }
)  # fmt: skip
#: Elements kept under another name: a link does nothing in an image, its content stays.
_RENAMED: Final = {"a": "g"}
#: Elements whose text is shown (elsewhere, text between elements is dropped).
_TEXT_ELEMENTS: Final = frozenset({"text", "tspan", "textPath", "title", "desc"})
#: Elements that draw something: a logo without any of them is empty.
_DRAWING_ELEMENTS: Final = frozenset(
    {"path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "image", "use"}
)
#: Elements that may link to a `#fragment` of the same document.
_LOCAL_LINKS: Final = frozenset({"use", "textPath", "linearGradient", "radialGradient", "pattern", "filter"})

#: CSS properties that are also SVG presentation attributes: kept as attributes.
_PRESENTATION: Final = frozenset(
    {
        "alignment-baseline", "baseline-shift", "clip", "clip-path", "clip-rule", "color",
        "color-interpolation", "color-interpolation-filters", "color-rendering", "direction",
        "display", "dominant-baseline", "fill", "fill-opacity", "fill-rule", "filter",
        "flood-color", "flood-opacity", "font-family", "font-size", "font-size-adjust",
        "font-stretch", "font-style", "font-variant", "font-weight", "image-rendering",
        "letter-spacing", "lighting-color", "marker-end", "marker-mid", "marker-start", "mask",
        "mask-type", "opacity", "overflow", "paint-order", "shape-rendering", "stop-color",
        "stop-opacity", "stroke", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap",
        "stroke-linejoin", "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor",
        "text-decoration", "text-rendering", "transform-origin", "unicode-bidi", "vector-effect",
        "visibility", "word-spacing", "writing-mode",
    }
)  # fmt: skip
#: CSS properties without an attribute form that are still worth keeping (in a `style`).
_STYLE_ONLY: Final = frozenset(
    {
        "font-feature-settings", "font-kerning", "font-variant-caps", "font-variant-east-asian",
        "font-variant-ligatures", "font-variant-numeric", "isolation", "mix-blend-mode",
    }
)  # fmt: skip
#: Geometry, structure and filter attributes (without a namespace) that are kept.
_ATTRIBUTES: Final = frozenset(
    {
        "id", "viewBox", "preserveAspectRatio", "width", "height", "x", "y", "x1", "y1", "x2",
        "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "d", "points", "pathLength",
        "transform", "gradientTransform", "gradientUnits", "spreadMethod", "patternUnits",
        "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits",
        "maskContentUnits", "markerUnits", "markerWidth", "markerHeight", "refX", "refY",
        "orient", "offset", "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset",
        "method", "spacing", "side", "filterUnits", "primitiveUnits", "in", "in2", "result",
        "stdDeviation", "type", "values", "tableValues", "slope", "intercept", "amplitude",
        "exponent", "k", "k1", "k2", "k3", "k4", "operator", "mode", "order", "kernelMatrix",
        "divisor", "bias", "targetX", "targetY", "edgeMode", "preserveAlpha", "surfaceScale",
        "diffuseConstant", "specularConstant", "specularExponent", "kernelUnitLength", "scale",
        "xChannelSelector", "yChannelSelector", "radius", "azimuth", "elevation", "pointsAtX",
        "pointsAtY", "pointsAtZ", "limitingConeAngle", "baseFrequency", "numOctaves", "seed",
        "stitchTiles", "z", "role", "aria-label", "aria-hidden", "lang", "systemLanguage",
    }
)  # fmt: skip
#: Attributes whose value is read as CSS (or as a transform list): checked function by function.
_CSS_VALUED: Final = _PRESENTATION | {"transform", "gradientTransform", "patternTransform"}
#: The functions a CSS-valued attribute may call; url() only as url(#fragment).
_FUNCTIONS: Final = frozenset(
    {"url", "rgb", "rgba", "hsl", "hsla", "matrix", "translate", "scale", "rotate", "skewx",
     "skewy"}
)  # fmt: skip
#: Attributes holding numbers (and units) only, rewritten in their shortest exact form.
_NUMERIC: Final = frozenset(
    {
        "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "width",
        "height", "offset", "opacity", "fill-opacity", "stroke-opacity", "stop-opacity",
        "stroke-width", "stroke-miterlimit", "stroke-dashoffset", "stroke-dasharray",
        "stdDeviation", "values", "font-size", "dx", "dy",
    }
)  # fmt: skip

_LOCAL_FRAGMENT: Final = re.compile(r"#[^\s#()'\"<>\\]+")
_URL: Final = re.compile(r"url\(\s*(['\"]?)\s*(#[^\s#()'\"<>\\]+)\s*\1\s*\)", re.IGNORECASE)
_FUNCTION: Final = re.compile(r"([A-Za-z-]+)\s*\(")
_ANY_URL: Final = re.compile(r"url\s*\(", re.IGNORECASE)
_BAD_SCHEMES: Final = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
_INVISIBLE: Final = re.compile(r"[\x00-\x20\x7f]+")
_WHITESPACE: Final = re.compile(r"\s+")
_DATA_IMAGE: Final = re.compile(
    r"data:image/(?:png|jpe?g|gif|webp)(?:;[\w.+=-]*)*;base64,([A-Za-z0-9+/=\s]+)",
    re.IGNORECASE,
)


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
    """The SVG drawn (by resvg, no system fonts) with its longest side MAX_BITMAP_SIDE, as WebP."""
    try:
        import resvg_py
    except ImportError:
        return None
    root = SafeET.fromstring(svg)
    box = [float(v) for v in (root.get("viewBox") or "0 0 1 1").replace(",", " ").split()]
    wide = box[2] >= box[3]
    size = {"width": MAX_BITMAP_SIDE} if wide else {"height": MAX_BITMAP_SIDE}
    try:
        png = resvg_py.svg_to_bytes(svg_string=svg.decode("utf-8"), skip_system_fonts=True, **size)
        image = Image.open(io.BytesIO(bytes(png)))
        image.load()
    except Exception:
        return None
    output = io.BytesIO()
    image.save(output, format="WEBP", quality=90, method=4)
    return output.getvalue()


def _sanitise_svg(data: bytes, *, compact: bool = True) -> bytes:
    """A hostile SVG document rebuilt from its safe parts, serialised compactly."""
    source = _parse_svg(data)
    styles = _Stylesheet.collect(source)
    root = _copy_element(source, styles, depth=0, compact=compact)
    if root is None or not _draws_something(root):
        raise LogoRejected("nothing left to draw after sanitising")
    _check_use_expansion(root)
    _finish_root(root)
    _drop_unused_ids(root)
    return _serialise(root)


def _parse_svg(data: bytes) -> ET.Element:
    """The parsed document: no entity declarations, no external references, an <svg> root."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except EntitiesForbidden:
        raise LogoRejected("XML entity declarations are not allowed") from None
    except ExternalReferenceForbidden:
        raise LogoRejected("XML external references are not allowed") from None
    except (ET.ParseError, DefusedXmlException, ValueError, UnicodeError):
        raise LogoRejected("not well-formed XML") from None
    namespace, name = _split(root.tag)
    if name != "svg" or namespace not in ("", SVG_NS):
        raise LogoRejected("not an SVG document")
    if _depth(root) > MAX_SVG_DEPTH:
        raise LogoRejected(f"elements nested more than {MAX_SVG_DEPTH} deep")
    return root


def _split(tag: object) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag; comments and the like give ("?", "")."""
    if not isinstance(tag, str):
        return "?", ""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _depth(root: ET.Element) -> int:
    """How deep elements are nested (iteratively: a hostile depth must not crash us)."""
    deepest = 0
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_SVG_DEPTH:
            break
        stack.extend((child, depth + 1) for child in element)
    return deepest


def _svg_name(element: ET.Element) -> str | None:
    """The local name of an element in the SVG namespace (or none), else None."""
    namespace, name = _split(element.tag)
    return name if namespace in ("", SVG_NS) else None


# --- SVG: style sheets ---------------------------------------------------------------------------

_COMMENT: Final = re.compile(r"/\*.*?\*/", re.DOTALL)
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

    @classmethod
    def collect(cls, root: ET.Element) -> _Stylesheet:
        """Every rule with a simple selector (type, class, id) from every <style> element;
        at-rules (@import, @font-face, @media, ...) and other selectors are ignored."""
        sheet = cls()
        for element in root.iter():
            if _svg_name(element) == "style" and element.get("type", "text/css") == "text/css":
                for selectors, body in _css_blocks(_COMMENT.sub(" ", element.text or "")):
                    sheet.add(selectors, _safe_declarations(body))
        return sheet

    def add(self, selectors: str, declarations: list[tuple[str, str]]) -> None:
        """Add the rules of one block, one per selector in its comma-separated list."""
        if not declarations:
            return
        for selector in selectors.split(","):
            rule = _parse_selector(selector.strip(), self.count, tuple(declarations))
            if rule is not None:
                self.index.setdefault(rule.key(), []).append(rule)
                self.count += 1

    def declarations_for(self, element: ET.Element, name: str) -> dict[str, str]:
        """The declarations of the rules selecting `element`, in cascade order."""
        if not self.index:
            return {}
        classes = set((element.get("class") or "").split())
        ident = element.get("id")
        keys = [("#", ident or ""), ("", name), ("", "*")] + [(".", c) for c in sorted(classes)]
        matching = sorted(
            (rule for key in keys for rule in self.index.get(key, ()) if rule.matches(name, classes, ident)),
            key=lambda rule: rule.specificity,
        )
        return {prop: value for rule in matching for prop, value in rule.declarations}


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
    value = _WHITESPACE.sub(" ", value).strip()
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
    squeezed = _INVISIBLE.sub("", value).lower()
    return any(scheme in squeezed for scheme in _BAD_SCHEMES)


# --- SVG: copying the allowed parts --------------------------------------------------------------


def _copy_element(
    source: ET.Element, styles: _Stylesheet, depth: int, *, compact: bool = True
) -> ET.Element | None:
    """A clean copy of an allowed element and its allowed descendants, or None to drop it."""
    name = _svg_name(source)
    if name is None or depth > MAX_SVG_DEPTH:
        return None
    selected = styles.declarations_for(source, name)  # by the name the style sheets know
    name = _RENAMED.get(name, name)
    if name not in _ELEMENTS:
        return None
    attributes = _clean_attributes(source, name, selected, compact=compact)
    if attributes is None:
        return None
    element = ET.Element(name, attributes)
    keep_text = name in _TEXT_ELEMENTS
    if keep_text:
        element.text = source.text
    for child in source:
        copy = None if name in ("title", "desc") else _copy_element(child, styles, depth + 1, compact=compact)
        if copy is not None:
            copy.tail = child.tail if keep_text else None
            element.append(copy)
        elif keep_text and child.tail:
            _append_text(element, child.tail)
    return element


def _append_text(element: ET.Element, text: str) -> None:
    """Append text after the last child (or as the text) of an element."""
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def _clean_attributes(
    source: ET.Element, name: str, declarations: dict[str, str], *, compact: bool = True
) -> dict[str, str] | None:
    """The safe attributes of an element, with the declarations the style sheets give it and
    those of its `style` folded in; None when the element cannot work without an attribute
    that was refused (the link of a <use> or an <image>)."""
    attributes: dict[str, str] = {}
    for key, value in source.attrib.items():
        cleaned = _clean_attribute(key, value, compact=compact)
        if cleaned is not None:
            attributes[cleaned[0]] = cleaned[1]
    declarations.update(_safe_declarations(source.get("style") or ""))
    attributes.update({p: v for p, v in declarations.items() if p in _PRESENTATION})
    style = ";".join(f"{p}:{v}" for p, v in sorted(declarations.items()) if p in _STYLE_ONLY)
    if style:
        attributes["style"] = style
    href = _clean_href(name, source.get("href") or source.get(f"{{{XLINK_NS}}}href"))
    if href is not None:
        attributes["href"] = href
    elif name in ("use", "image"):
        return None
    return {key: attributes[key] for key in sorted(attributes)}


def _clean_attribute(key: str, value: str, *, compact: bool = True) -> tuple[str, str] | None:
    """(name, value) of an allowed attribute other than `href`/`style`, else None."""
    namespace, name = _split(key)
    if namespace == XML_NS and name in ("space", "lang"):
        return key, value
    if namespace or (name not in _ATTRIBUTES and name not in _PRESENTATION):
        return None
    value = _WHITESPACE.sub(" ", value).strip()
    if _has_bad_scheme(value) or "\\" in value:
        return None
    if name in _CSS_VALUED:
        safe = _safe_css_value(value)
        if safe is None:
            return None
        value = safe
    return name, _compact_value(name, value) if compact else value


def _clean_href(element: str, value: str | None) -> str | None:
    """A link that stays inside the document, or a re-encoded bitmap for <image>; else None."""
    if value is None:
        return None
    value = value.strip()
    if element in _LOCAL_LINKS and _LOCAL_FRAGMENT.fullmatch(value):
        return value
    if element == "image":
        return _clean_data_image(value)
    return None


def _clean_data_image(value: str) -> str | None:
    """An embedded PNG/JPEG/GIF/WebP, shrunk and re-encoded, as a data URI; None if unusable."""
    match = _DATA_IMAGE.fullmatch(value)
    if match is None:
        return None
    try:
        raw = base64.b64decode(_WHITESPACE.sub("", match.group(1)), validate=True)
        data, media_type = _process_bitmap(raw)
    except (binascii.Error, LogoRejected):
        return None
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


# --- SVG: the root, references and output --------------------------------------------------------

_LENGTH: Final = re.compile(r"([+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(px|pt|pc|mm|cm|in)?")
_PX_PER_UNIT: Final = {"px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}


def _draws_something(root: ET.Element) -> bool:
    """Whether any element that draws survived."""
    return any(_split(element.tag)[1] in _DRAWING_ELEMENTS for element in root.iter())


def _check_use_expansion(root: ET.Element) -> None:
    """Refuse a document whose <use> elements copy copies of copies into more than
    MAX_RENDERED_ELEMENTS elements (the "use bomb" that freezes a visitor's browser), or
    refer to themselves."""
    targets = {element.get("id"): element for element in root.iter() if element.get("id")}
    sizes: dict[int, int] = {}

    def size(element: ET.Element, chain: tuple[int, ...]) -> int:
        """How many elements `element` stands for once every <use> in it is expanded."""
        key = id(element)
        if key in sizes:
            return sizes[key]
        if key in chain or len(chain) > MAX_SVG_DEPTH:
            raise LogoRejected("<use> elements refer to themselves or nest too deeply")
        total = 0
        for node in element.iter():
            total += 1
            target = targets.get((node.get("href") or "")[1:]) if node.tag == "use" else None
            if target is not None:
                total += size(target, (*chain, key))
            if total > MAX_RENDERED_ELEMENTS:
                raise LogoRejected(f"<use> elements expand to more than {MAX_RENDERED_ELEMENTS:,}")
        sizes[key] = total
        return total

    size(root, ())


def _finish_root(root: ET.Element) -> None:
    """Give the root a viewBox (from its width and height when missing) and drop its fixed
    size and position, so the logo scales to the box it is shown in."""
    if not _valid_view_box(root.get("viewBox")):
        width, height = _length_px(root.get("width")), _length_px(root.get("height"))
        if width is None or height is None:
            root.attrib.pop("viewBox", None)
            return  # nothing to derive a viewBox from: the fixed size is all there is
        root.set("viewBox", f"0 0 {_short_float(width)} {_short_float(height)}")
    for name in ("width", "height", "x", "y"):
        root.attrib.pop(name, None)
    root.attrib = {key: root.attrib[key] for key in sorted(root.attrib)}


def _valid_view_box(value: str | None) -> bool:
    """Whether a viewBox has four numbers and a positive width and height."""
    scanned = _scan_numbers(value or "", 0, None)
    if scanned is None or len(scanned[0]) != 4:
        return False
    return float(scanned[0][2]) > 0 and float(scanned[0][3]) > 0


def _length_px(value: str | None) -> float | None:
    """An absolute length in CSS pixels (`12`, `12px`, `3.2mm`, ...); None otherwise."""
    match = _LENGTH.fullmatch((value or "").strip())
    if match is None:
        return None
    pixels = float(match.group(1)) * _PX_PER_UNIT[match.group(2) or "px"]
    return pixels if 0 < pixels < 1e9 else None


def _short_float(value: float) -> str:
    """A float without a needless fraction or trailing zeros (3 decimals at most)."""
    return _short_number(f"{value:.3f}")


def _drop_unused_ids(root: ET.Element) -> None:
    """Remove ids nothing links to (they only cost bytes now that the style sheets are gone)."""
    used: set[str] = set()
    for element in root.iter():
        for key, value in element.attrib.items():
            if key == "href" and value.startswith("#"):
                used.add(value[1:])
            elif "url(#" in value:
                used.update(match.group(2)[1:] for match in _URL.finditer(value))
    for element in root.iter():
        if element.get("id") is not None and element.get("id") not in used:
            del element.attrib["id"]


def _serialise(root: ET.Element) -> bytes:
    """Compact UTF-8 XML with the SVG namespace declared as the default one on the root."""
    for element in root.iter():
        element.tag = _split(element.tag)[1]  # all SVG: the namespace is the default one
    attributes = {key: value for key, value in root.attrib.items() if key != "xmlns"}
    root.attrib = {"xmlns": SVG_NS, **attributes}
    text: str = ET.tostring(root, encoding="unicode")
    # `" />"` only ever ends an empty element: values and text have their `>` escaped.
    return text.replace(" />", "/>").encode("utf-8")


def _placeholder_svg(name: str) -> bytes:
    """The monogram for `name`, without a fixed size so that it scales like a real logo."""
    root = SafeET.fromstring(monogram_svg(name))
    _finish_root(root)
    return _serialise(root)


# --- numbers -------------------------------------------------------------------------------------

#: Path and polygon coordinates are rounded to a power-of-ten step of at most 1/PRECISION of the
#: shape's extent (the longer side of the box its points span), so no point moves by more than
#: 1/(2 * PRECISION) of the shape's size: invisible at any size a logo is shown at.
PRECISION: Final = 10_000
_MAX_DECIMALS: Final = 8
_MAX_COORDINATE: Final = 1e9

_NUMBER: Final = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NUMBER_WITH_UNIT: Final = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([a-z%]*)")
_SEPARATOR: Final = re.compile(r"\s*,?\s*")
_COMMAND: Final = re.compile(r"([MmZzLlHhVvCcSsQqTtAa])")
_NUMBER_LIST: Final = re.compile(
    r"\s*(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
    r"(?:\s*,?\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)*)?\s*"
)
#: What each argument of a path command is: x or y coordinate, r radius, a angle, f flag.
_ROLES: Final = {
    "M": "xy", "L": "xy", "T": "xy", "H": "x", "V": "y", "C": "xyxyxy", "S": "xyxy",
    "Q": "xyxy", "A": "rrafhxy", "Z": "",
}  # fmt: skip
_FLAG_ROLES: Final = "fh"
#: For commands whose arguments are all coordinates: 0 for each x, 1 for each y.
_AXES: Final = {
    command: tuple(0 if role == "x" else 1 for role in roles)
    for command, roles in _ROLES.items()
    if command != "A"
}

_Segment = tuple[str, list[str]]


def _short_number(token: str) -> str:
    """The shortest spelling of a decimal number with the same value (`0.50` -> `.5`,
    `-0.0` -> `0`, `+3.` -> `3`); numbers with an exponent are only stripped of a `+`."""
    token = token.removeprefix("+")
    if "e" in token or "E" in token:
        return token
    sign = "-" if token.startswith("-") else ""
    whole, _, fraction = token.lstrip("-").partition(".")
    whole, fraction = whole.lstrip("0"), fraction.rstrip("0")
    if not whole and not fraction:
        return "0"
    return sign + whole + ("." + fraction if fraction else "")


@functools.lru_cache(maxsize=1 << 18)
def _fixed(units: int, decimals: int) -> str:
    """`units` steps of 10**-decimals, shortest spelling: (-15, 1) -> `-1.5`, (5, 2) -> `.05`."""
    if decimals == 0 or units == 0:
        return str(units)
    digits = str(abs(units)).rjust(decimals + 1, "0")
    whole, fraction = digits[:-decimals].lstrip("0"), digits[-decimals:].rstrip("0")
    return ("-" if units < 0 else "") + whole + ("." + fraction if fraction else "")


def _compact_value(name: str, value: str) -> str:
    """Numbers rewritten in a shorter form where the attribute holds numbers: exactly, except
    for path and polygon coordinates (see PRECISION)."""
    if name == "d":
        return _compact_path(value)
    if name == "points":
        return _compact_points(value)
    if name == "viewBox":
        return _compact_list(value)
    if name in ("transform", "gradientTransform", "patternTransform"):
        return _NUMBER.sub(lambda match: _short_number(match.group()), value)
    if name in _NUMERIC:
        parts = [_NUMBER_WITH_UNIT.fullmatch(part) for part in value.replace(",", " ").split()]
        if parts and all(parts):
            return " ".join(_short_number(m.group(1)) + m.group(2) for m in parts if m)
    return value


def _runs_apart(previous: str, token: str) -> bool:
    """Whether `token` can follow `previous` without a separator and still read as two numbers."""
    if token[0] == "-":
        return True
    exponent = "e" in previous or "E" in previous
    return token[0] == "." and "." in previous and not exponent


def _join_numbers(tokens: list[str]) -> str:
    """Numbers joined with a separator only where the next would otherwise run on."""
    out: list[str] = []
    previous = ""
    for token in tokens:
        if previous and not _runs_apart(previous, token):
            out.append(" ")
        out.append(token)
        previous = token
    return "".join(out)


def _compact_list(value: str) -> str:
    """A list of numbers (a viewBox) with short numbers and minimal separators."""
    tokens = _scan_numbers(value, 0, None)
    if tokens is None:
        return value
    return _join_numbers([_short_number(token) for token in tokens[0]])


def _compact_points(value: str) -> str:
    """Polygon or polyline points, rounded (see PRECISION) and tightly joined."""
    scanned = _scan_numbers(value, 0, None)
    if scanned is None or not scanned[0] or len(scanned[0]) % 2:
        return value
    numbers = [float(token) for token in scanned[0]]
    decimals = _decimals(numbers[0::2], numbers[1::2])
    if decimals is None:
        return _join_numbers([_short_number(token) for token in scanned[0]])
    scale = 10**decimals
    return _join_numbers([_fixed(round(number * scale), decimals) for number in numbers])


def _decimals(xs: list[float], ys: list[float]) -> int | None:
    """How many decimals keep coordinates within 1/PRECISION of their extent; None when they
    span nothing or are too large to round safely (then they are kept exactly)."""
    if not xs and not ys:
        return None
    if any(abs(v) > _MAX_COORDINATE for v in xs) or any(abs(v) > _MAX_COORDINATE for v in ys):
        return None
    extent = max(max(xs, default=0) - min(xs, default=0), max(ys, default=0) - min(ys, default=0))
    if extent <= 0:
        return None
    return min(_MAX_DECIMALS, max(0, math.ceil(math.log10(PRECISION / extent))))


def _skip_separator(text: str, position: int) -> int:
    """The position after the spaces and (at most one) comma at `position`."""
    match = _SEPARATOR.match(text, position)
    return position if match is None else match.end()


def _scan_numbers(text: str, position: int, count: int | None) -> tuple[list[str], int] | None:
    """Up to `count` (or all) numbers from `position`, separated by spaces or one comma; with
    no count, None unless the whole text is numbers."""
    tokens: list[str] = []
    position = _skip_separator(text, position)
    while position < len(text) and (count is None or len(tokens) < count):
        match = _NUMBER.match(text, position)
        if match is None:
            break
        tokens.append(match.group())
        position = _skip_separator(text, match.end())
    if count is None and position < len(text):
        return None
    return tokens, position


# --- path data -----------------------------------------------------------------------------------


def _compact_path(d: str) -> str:
    """Path data rounded (see PRECISION), each segment relative or absolute, whichever is
    shorter, repeated commands left implicit. Path data that does not follow the grammar is
    returned unchanged: browsers draw it up to the first error, and so it still will be."""
    segments = _parse_path(d)
    if segments is None:
        return d
    absolute = _absolute(segments)
    xs = [v for command, values in absolute for v, r in zip(values, _ROLES[command], strict=True) if r == "x"]
    ys = [v for command, values in absolute for v, r in zip(values, _ROLES[command], strict=True) if r == "y"]
    decimals = _decimals(xs, ys)
    if decimals is None:
        return _format_path([(c, [_short_argument(c, i, a) for i, a in enumerate(args)])
                             for c, args in segments])  # fmt: skip
    return _format_path(_rounded(absolute, decimals))


def _short_argument(command: str, index: int, argument: str) -> str:
    """An argument in its shortest exact spelling (arc flags are single digits already)."""
    return argument if _ROLES[command.upper()][index] in _FLAG_ROLES else _short_number(argument)


def _parse_path(d: str) -> list[_Segment] | None:
    """The (command, arguments) segments of path data, or None when it is not well-formed."""
    pieces = _COMMAND.split(d)
    if pieces[0].strip() or len(pieces) < 3 or pieces[1] not in "mM":
        return None
    segments: list[_Segment] = []
    for command, text in zip(pieces[1::2], pieces[2::2], strict=True):
        arguments = _command_arguments(command.upper(), text)
        if arguments is None:
            return None
        size = len(_ROLES[command.upper()])
        if not size:
            segments.append((command, []))
            continue
        for index in range(0, len(arguments), size):
            repeated = {"M": "L", "m": "l"}.get(command, command)  # implicit lines after a move
            segments.append((repeated if index else command, arguments[index : index + size]))
    return segments


def _command_arguments(command: str, text: str) -> list[str] | None:
    """All the arguments after one command letter (one or more segments' worth), or None."""
    size = len(_ROLES[command])
    if command == "A":
        return _arc_arguments(text)
    if not _NUMBER_LIST.fullmatch(text):
        return None
    arguments: list[str] = _NUMBER.findall(text)
    if (size == 0) != (not arguments) or (size and len(arguments) % size):
        return None
    return arguments


def _arc_arguments(text: str) -> list[str] | None:
    """The arguments of arc segments; the two flags are single digits (`a1 1 0 01.5.5`)."""
    arguments: list[str] = []
    position = _skip_separator(text, 0) if text.strip() else len(text)
    if position and text[:position].strip():  # a comma right after the command letter
        return None
    while position < len(text):
        for role in _ROLES["A"]:
            if role in _FLAG_ROLES:
                if position >= len(text) or text[position] not in "01":
                    return None
                arguments.append(text[position])
                position = _skip_separator(text, position + 1)
                continue
            match = _NUMBER.match(text, position)
            if match is None:
                return None
            arguments.append(match.group())
            position = _skip_separator(text, match.end())
    if not arguments or text[position:].strip() or text.rstrip().endswith(","):
        return None
    return arguments


def _absolute(segments: list[_Segment]) -> list[tuple[str, list[float]]]:
    """Segments with upper-case commands and absolute coordinates."""
    out: list[tuple[str, list[float]]] = []
    x = y = start_x = start_y = 0.0
    for command, arguments in segments:
        upper = command.upper()
        values = [float(argument) for argument in arguments]
        if command != upper:
            if upper == "A":
                values[5] += x
                values[6] += y
            else:
                point = (x, y)
                values = [v + point[a] for v, a in zip(values, _AXES[upper], strict=True)]
        x, y = _end_point(upper, values, x, y, start_x, start_y)
        if upper == "M":
            start_x, start_y = x, y
        out.append((upper, values))
    return out


def _offset(value: float | int, role: str, x: float | int, y: float | int) -> Any:
    """A relative argument made absolute (or, with the negated point, the reverse)."""
    return value + x if role == "x" else value + y if role == "y" else value


def _end_point(
    command: str, values: Sequence[float | int], x: Any, y: Any, start_x: Any, start_y: Any
) -> tuple[Any, Any]:
    """The current point after an absolute segment."""
    if command == "Z":
        return start_x, start_y
    if command == "H":
        return values[0], y
    if command == "V":
        return x, values[0]
    return values[-2], values[-1]


def _rounded(absolute: list[tuple[str, list[float]]], decimals: int) -> list[_Segment]:
    """Segments on a grid of 10**-decimals, each in its shorter form, relative or absolute.

    Relative arguments are differences of rounded absolute points, so rounding errors do not
    add up along the path.
    """
    scale = 10**decimals
    out: list[_Segment] = []
    x = y = start_x = start_y = 0
    for command, values in absolute:
        roles = _ROLES[command]
        if command == "A":
            units = [_to_units(v, role, scale) for v, role in zip(values, roles, strict=True)]
            relative = [_offset(u, role, -x, -y) for u, role in zip(units, roles, strict=True)]
            as_absolute = [_spell(u, role, decimals) for u, role in zip(units, roles, strict=True)]
            as_relative = [_spell(u, r, decimals) for u, r in zip(relative, roles, strict=True)]
        else:  # only coordinates: the common case, kept quick
            units = [round(v * scale) for v in values]
            point = (x, y)
            relative = [u - point[a] for u, a in zip(units, _AXES[command], strict=True)]
            as_absolute = [_fixed(u, decimals) for u in units]
            as_relative = [_fixed(u, decimals) for u in relative]
        shorter = sum(map(len, as_relative)) <= sum(map(len, as_absolute))
        out.append((command.lower(), as_relative) if shorter else (command, as_absolute))
        x, y = _end_point(command, units, x, y, start_x, start_y)
        if command == "M":
            start_x, start_y = x, y
    return out


def _to_units(value: float, role: str, scale: int) -> Any:
    """Coordinates and radii in grid steps; angles and flags as they are."""
    return round(value * scale) if role in "xyr" else value


def _spell(value: Any, role: str, decimals: int) -> str:
    """One argument of a rounded segment as text."""
    if role in _FLAG_ROLES:
        return str(int(value))
    if role == "a":
        return _short_number(f"{value:.3f}")
    return _fixed(int(value), decimals)


def _format_path(segments: list[_Segment]) -> str:
    """Path data from segments with spelled-out arguments: a command letter only where it
    changes (a line after a move of the same case is implicit), arc flags spaced, numbers
    joined as tightly as they still parse."""
    out: list[str] = []
    previous_command = previous_token = ""
    previous_flag = False
    for command, arguments in segments:
        implicit = (command == previous_command and command not in "mMzZ") or (
            previous_command + command in ("ML", "ml")
        )
        if not implicit:
            out.append(command)
            previous_token = ""
        roles = _ROLES[command.upper()]
        for token, role in zip(arguments, roles, strict=True):
            flag = role in _FLAG_ROLES
            if previous_token and (flag or previous_flag or not _runs_apart(previous_token, token)):
                out.append(" ")
            out.append(token)
            previous_token, previous_flag = token, flag
        previous_command = command
    return "".join(out)
