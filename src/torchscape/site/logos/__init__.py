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
- **Heavy SVGs** (over `RASTER_ABOVE` once sanitised, usually traced from a bitmap) without text
  are drawn by resvg, from the sanitised document, as large as fits `MAX_BITMAP_BOX` (320 x 192:
  the largest a logo is shown, 160 x 96 CSS px, at twice the density), and kept as WebP when that
  is less than half the size. Bitmaps embedded in them are first resampled by Pillow to the
  size the drawing shows them at (`resample`: resvg's own sampling of a much shrunk bitmap is
  jagged, and slow).
- **Bitmaps** (PNG, JPEG, GIF, WebP files, and those embedded in SVGs) are decoded by Pillow with
  a pixel limit, shrunk to fit `MAX_BITMAP_BOX` and re-encoded
  without metadata: PNG (as a palette when the colours allow it), or JPEG when that is smaller
  for an opaque picture with many colours.
- Anything else, and anything that fails, becomes a generated monogram with the reason.
- **Thumbnails**: an SVG logo without text also gets a WebP drawing for tiles, as large as fits
  `THUMBNAIL_BOX` (192 x 112: tiles show logos at 96 x 56 CSS px), when that is smaller than
  the SVG: a browser draws a bitmap in one operation each time a tile is painted again (as
  searches show and hide tiles), an SVG image by replaying its whole drawing. Item pages keep
  the SVG.

Results are cached on disk by content (`sha256(PROCESSOR_VERSION + source bytes)`), so a rebuild
only does work for new or changed logos. Output is deterministic: the same input gives the same
bytes and the same file name.

The package, by topic: `cache` (logo files and cache records on disk), `bitmaps` (decode, shrink,
re-encode), `allowlists` (what survives sanitising), `css` (style sheets and declarations),
`svg` (parse, copy, root, ids, output), `numbers` (short numbers, path and points compaction),
`raster` (heavy SVGs as WebP), `resample` (embedded bitmaps at their drawn size), `backdrop`
(whether a logo brings its own background), `common` (limits, namespaces, media types). This
module holds the public API: `LogoProcessor`, `ProcessedLogo` and the constants.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from torchscape.site.logos.backdrop import fills_its_box
from torchscape.site.logos.bitmaps import _checked_bitmap, _is_bitmap, _process_bitmap
from torchscape.site.logos.cache import _Outcome, _read_record, _read_source, _write_record
from torchscape.site.logos.common import (
    _EXTENSION_OF,
    MAX_BITMAP_BOX,
    MAX_BITMAP_SIDE,
    MAX_IMAGE_PIXELS,
    MAX_RENDERED_ELEMENTS,
    MAX_SOURCE_BYTES,
    MAX_SVG_DEPTH,
    SVG_TYPE,
    LogoRejected,
)
from torchscape.site.logos.numbers import PRECISION
from torchscape.site.logos.numbers import _fixed as _fixed  # benchmarks/bench_logos.py clears its cache
from torchscape.site.logos.raster import RASTER_ABOVE, THUMBNAIL_BOX, _svg_or_raster, _thumbnail
from torchscape.site.logos.svg import _parse_svg, _placeholder_svg

__all__ = [
    "MAX_BITMAP_BOX",
    "MAX_BITMAP_SIDE",
    "MAX_IMAGE_PIXELS",
    "MAX_RENDERED_ELEMENTS",
    "MAX_SOURCE_BYTES",
    "MAX_SVG_DEPTH",
    "PRECISION",
    "PROCESSOR_VERSION",
    "RASTER_ABOVE",
    "THUMBNAIL_BOX",
    "LogoProcessor",
    "ProcessedLogo",
    "source_problem",
]

#: Bump whenever the output for some input changes: it is part of every cache key.
PROCESSOR_VERSION: Final = "13"  # 13: 16-bit grey bitmaps kept; resampling only what it reads surely
#: The same for thumbnails (their cache keys also hold the processor version).
THUMBNAIL_VERSION: Final = "5"  # 5: resampling only what it reads surely


@dataclass(frozen=True, slots=True)
class ProcessedLogo:
    """One logo ready to be written into the site."""

    filename: str  # <stem>.<first 10 hex of sha256(data)>.<ext>
    data: bytes
    media_type: str  # image/svg+xml, image/png, image/jpeg or image/webp
    placeholder: bool  # a generated monogram stands in for the source
    problem: str | None  # why the source could not be used; None when it was
    #: (filename, WebP bytes) of the drawing tiles show instead of an SVG logo, if it has one
    thumbnail: tuple[str, bytes] | None = None


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
        return self.process_data(data, source.stem, name, stem)

    def process_data(self, data: bytes, file_stem: str, name: str, stem: str) -> ProcessedLogo:
        """`process` for bytes already read (and bounded in size) by the caller; the output is
        named after `file_stem`. The kind (SVG or which bitmap) is told from the bytes."""
        outcome = self._cached(_content_key(data), lambda: _transform(data))
        if outcome.problem is not None:
            return self._placeholder(name, stem, outcome.problem)
        stem = _slug(file_stem)
        filled = fills_its_box(outcome.data, outcome.media_type)
        filename = _filename(stem, outcome.data, outcome.media_type, filled)
        thumbnail = None
        if outcome.media_type == SVG_TYPE:
            key = _content_key(f"thumbnail {THUMBNAIL_VERSION}\0".encode() + outcome.data)
            drawn = self._cached(key, lambda: _thumbnail_outcome(outcome.data))
            if drawn.problem is None:  # a drawing of the SVG: filled as the SVG is
                thumbnail = (_filename(stem, drawn.data, drawn.media_type, filled), drawn.data)
        return ProcessedLogo(filename, outcome.data, outcome.media_type, False, None, thumbnail)

    def placeholder(self, name: str, stem: str, problem: str) -> ProcessedLogo:
        """The monogram for `name` (file named after `stem`), for a logo refused before reading."""
        return self._placeholder(name, stem, problem)

    def _placeholder(self, name: str, stem: str, problem: str) -> ProcessedLogo:
        """The monogram for `name`, standing in for a logo that could not be used."""
        key = _content_key(b"placeholder\0" + name.encode("utf-8"))
        outcome = self._cached(key, lambda: _Outcome(_placeholder_svg(name), SVG_TYPE))
        return ProcessedLogo(
            filename=_filename(
                _slug(stem), outcome.data, outcome.media_type, fills_its_box(outcome.data, outcome.media_type)
            ),
            data=outcome.data,
            media_type=outcome.media_type,
            placeholder=True,
            problem=problem,
        )

    def needs_work(self, source: Path) -> bool:
        """Whether processing `source` would do real work (its outcome is not cached yet)."""
        return self.work_key(source) is not None

    def work_key(self, source: Path) -> str | None:
        """The cache key of `source` when its outcome is not cached yet (files with the same
        bytes have the same key: one of them is worth processing), else None."""
        try:
            key = _content_key(_read_source(source))
        except LogoRejected:
            return None
        cached = key in self._memo or (self._cache is not None and (self._cache / key).is_file())
        return None if cached else key

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


def source_problem(source: Path) -> str | None:
    """Why a logo file would give a placeholder, as far as a quick look tells (for `validate`,
    which cannot spend a build's time on logos): unreadable, too large, of an unsupported kind,
    a bitmap whose header is broken or announces too many pixels, or a document that is not
    well-formed XML, not SVG, or over the size limits. None when it looks usable (the build may
    still find nothing left to draw once it is sanitised)."""
    try:
        data = _read_source(source)
        if _is_bitmap(data):
            _checked_bitmap(data)
        else:
            _parse_svg(data)
    except LogoRejected as exc:
        return str(exc)
    except Exception as exc:  # hostile input must not stop a validation either
        return f"could not be read ({type(exc).__name__})"
    return None


def _filename(stem: str, data: bytes, media_type: str, filled: bool = False) -> str:
    """`<stem>.<first 10 hex digits of sha256(data)>.<extension of the media type>`, with
    `.filled` before the extension for a logo that brings its own background (`backdrop`)."""
    marker = ".filled" if filled else ""
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}{marker}.{_EXTENSION_OF[media_type]}"


def _slug(text: str) -> str:
    """A file-name-safe ASCII slug: lowercase letters, digits and single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return slug or "logo"


def _content_key(data: bytes) -> str:
    """The cache key of some source bytes: it changes with the processor version."""
    return hashlib.sha256(PROCESSOR_VERSION.encode("ascii") + data).hexdigest()


def _thumbnail_outcome(svg: bytes) -> _Outcome:
    """The tiles' drawing of a sanitised SVG logo, or why there is none (then tiles show the SVG)."""
    try:
        webp = _thumbnail(svg)
    except Exception as exc:  # hostile input that got this far must not stop a build either
        return _Outcome(problem=f"could not be drawn ({type(exc).__name__})")
    return _Outcome(problem="no smaller drawing") if webp is None else _Outcome(webp, "image/webp")


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
