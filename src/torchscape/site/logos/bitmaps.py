"""Bitmaps, stand-alone or embedded in SVGs: decoded by Pillow within limits, shrunk to at most
`MAX_BITMAP_BOX` and re-encoded without metadata."""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from typing import Final

from PIL import Image, ImageChops, ImageOps

from torchscape.site.logos.common import MAX_BITMAP_BOX, MAX_IMAGE_PIXELS, LogoRejected, bitmap_size

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

_BITMAP_MAGIC: Final = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


def _is_bitmap(data: bytes) -> bool:
    """Whether the bytes start like a PNG, JPEG, GIF or WebP file (the content decides the kind,
    not the file's extension)."""
    return data.startswith(_BITMAP_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


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
            image.draft(None, MAX_BITMAP_BOX)  # JPEG: decode at a smaller scale
            image.load()
            transposed = ImageOps.exif_transpose(image)
    except Image.DecompressionBombError:
        raise LogoRejected("image has too many pixels") from None
    except _PILLOW_ERRORS:
        raise LogoRejected("not a readable image") from None
    return transposed


def _checked_bitmap(data: bytes) -> tuple[bytes, str]:
    """The bitmap as it is, after checking its format and pixel count from its header only.

    For pictures that are about to be drawn by our own renderer and never shown themselves
    (heavy SVGs rasterised to WebP): the full decode, shrink and re-encode would be wasted.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS) as probe:
                _check_pixels(probe.size)
                kind = str(probe.format).lower()
    except Image.DecompressionBombError:
        raise LogoRejected("image has too many pixels") from None
    except _PILLOW_ERRORS:
        raise LogoRejected("not a readable image") from None
    return data, f"image/{kind}"


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
    """L, RGB or RGBA: the modes the encoders below take. 16-bit grey (Pillow's I;16 and I
    modes) is scaled to 8 bits: converted as it is, every value over 255 became white."""
    if image.mode in ("L", "RGB", "RGBA"):
        return image
    if image.mode == "I" or image.mode.startswith("I;16"):
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _downscale(image: Image.Image) -> Image.Image:
    """Shrink to fit MAX_BITMAP_BOX; smaller images are kept."""
    size = bitmap_size(*image.size)
    if size == image.size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode_bitmap(image: Image.Image) -> tuple[bytes, str]:
    """PNG, or JPEG (quality 85) for an opaque image with many colours when that is smaller."""
    image.info = {}  # no metadata (profiles, EXIF, text) travels into the output
    candidates = [(_encode_png(image), "image/png")]
    if image.mode == "RGB" and image.getcolors(256) is None:
        candidates.append((_encode_jpeg(image), "image/jpeg"))
    return min(candidates, key=lambda candidate: len(candidate[0]))


#: zlib's level for PNGs: the real PyTorch logos' bitmaps (46, with those inside SVGs) came out
#: 1.8% bigger than with Pillow's `optimize` (level 9), in a quarter of the time (0.07 s of CPU
#: against 0.30 s for all of them).
PNG_LEVEL: Final = 7


def _encode_png(image: Image.Image) -> bytes:
    """A PNG, as a palette image when the colours fit in one (without loss)."""
    output = io.BytesIO()
    _as_palette(image).save(output, format="PNG", compress_level=PNG_LEVEL)
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
