"""`torchscape poster`: the whole landscape as one printable SVG (PNG and PDF through headless Chromium).

Drawn from the same data and the same sanitised logos as the site: each category is a block, its
subcategories are boxes packed into rows, each item a logo (embedded as a `data:` URI, so the SVG
stands alone) with its name below. Same input, same bytes.
"""

from __future__ import annotations

import base64
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from torchscape.catalog.model import Landscape
from torchscape.chromium import CHROMIUM_ARGS, chromium_path
from torchscape.errors import TorchscapeError, UsageError
from torchscape.outputs import write_output
from torchscape.site.badges import text_width, value_fill
from torchscape.site.logos import LogoProcessor, ProcessedLogo
from torchscape.site.model import SiteModel, SubcategoryView, site_model
from torchscape.site.xmlsafe import xml_attribute, xml_text

FORMATS = ("svg", "png", "pdf")
WIDTH = 2400
MARGIN = 40
CELL_W, CELL_H = 112, 96  # one item: logo 96 x 56 and up to one line of name
LOGO_W, LOGO_H = 96, 56
BOX_PAD, BOX_HEAD = 8, 26
GAP = 10
CATEGORY_HEAD = 34
NAME_PX = 11  # font size of names; text_width() measures at 11 px
CHROMIUM_TIMEOUT = 180


@dataclass(frozen=True, slots=True)
class _Box:
    sub: SubcategoryView
    columns: int
    width: int
    height: int


def logos_for(landscape: Landscape, cache_dir: Path | None) -> dict[str, ProcessedLogo]:
    """Each item's sanitised logo (a monogram where unusable), as the site build makes them."""
    from torchscape.site.build import logo_from_url, logo_sources

    processor = LogoProcessor(cache_dir)
    folder = landscape.logos_path
    sources = logo_sources(landscape, folder) if folder is not None else {}  # none read from outside it
    found: dict[str, ProcessedLogo] = {}
    for item in landscape:
        by_url = logo_from_url(processor, item, cache_dir)
        found[item.id] = by_url or processor.process(sources.get(item.id), item.name, item.id)
    return found


def poster_svg(landscape: Landscape, cache_dir: Path | None = None) -> str:
    logos = logos_for(landscape, cache_dir)
    model = site_model(landscape, {i: logo.filename for i, logo in logos.items()})
    settings = landscape.settings
    accent = value_fill(settings.colors.color1 if settings and settings.colors else None)
    # Each distinct logo is embedded once, in <defs>; tiles <use> it (items share logo files,
    # and an item listed in two places is drawn twice).
    refs: dict[bytes, str] = {}
    defs: list[str] = []
    uris: dict[str, str] = {}
    for item_id, logo in logos.items():
        if logo.data not in refs:
            refs[logo.data] = f"logo-{len(refs)}"
            uri = f"data:{logo.media_type};base64,{base64.b64encode(logo.data).decode('ascii')}"
            defs.append(
                f'<image id="{refs[logo.data]}" width="{LOGO_W}" height="{LOGO_H}" '
                f'preserveAspectRatio="xMidYMid meet" href="{uri}"/>'
            )
        uris[item_id] = refs[logo.data]
    parts: list[str] = []
    y = MARGIN
    parts.append(
        f'<text x="{MARGIN}" y="{y + 40}" font-size="40" font-weight="700" fill="#1d1b2c">'
        f"{xml_text(model.title)}</text>"
    )
    parts.append(
        f'<text x="{WIDTH - MARGIN}" y="{y + 40}" font-size="18" fill="#55536a" text-anchor="end">'
        f"{len(landscape)} projects</text>"
    )
    y += 70
    for category in model.categories:
        block, height = _category(category.name, category.subcategories, y, accent, uris, model)
        parts.append(block)
        y += height + GAP * 2
    height = y + MARGIN - GAP * 2
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="Helvetica, Arial, DejaVu Sans, sans-serif">\n'
        f"<defs>\n{chr(10).join(defs)}\n</defs>\n"
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>\n' + "\n".join(parts) + "\n</svg>\n"
    )


def _category(
    name: str,
    subs: tuple[SubcategoryView, ...],
    top: int,
    accent: str,
    uris: dict[str, str],
    model: SiteModel,
) -> tuple[str, int]:
    inner = WIDTH - 2 * MARGIN
    boxes = [_measure(sub, inner - 2 * GAP) for sub in subs if sub.tiles]
    rows: list[list[_Box]] = []
    for box in boxes:  # greedy: a box goes on the current row while it fits
        if rows and sum(b.width for b in rows[-1]) + GAP * len(rows[-1]) + box.width <= inner - 2 * GAP:
            rows[-1].append(box)
        else:
            rows.append([box])
    parts = [
        f'<g class="category" data-name={xml_attribute(name)}>',
        f'<rect x="{MARGIN}" y="{top}" width="{inner}" height="{CATEGORY_HEAD}" rx="6" fill="{accent}"/>',
        f'<text x="{MARGIN + 12}" y="{top + 23}" font-size="18" font-weight="700" fill="#ffffff">'
        f"{xml_text(name)}</text>",
    ]
    y = top + CATEGORY_HEAD + GAP
    for row in rows:
        x = MARGIN + GAP
        # Stretch the boxes of a row to fill it, so the block has a straight right edge.
        spare = (inner - 2 * GAP) - sum(b.width for b in row) - GAP * (len(row) - 1)
        row_height = max(b.height for b in row)
        for index, box in enumerate(row):
            width = box.width + spare // len(row) + (spare % len(row) if index == len(row) - 1 else 0)
            parts.append(_box(box, x, y, width, row_height, accent, uris, model))
            x += width + GAP
        y += row_height + GAP
    height = y - top
    frame = (
        f'<rect x="{MARGIN}" y="{top}" width="{inner}" height="{height}" rx="6" fill="none" '
        f'stroke="{accent}" stroke-width="2"/>'
    )
    return "\n".join([*parts, frame, "</g>"]), height


def _measure(sub: SubcategoryView, room: int) -> _Box:
    most = max(1, (room - 2 * BOX_PAD) // CELL_W)
    title = round(text_width(sub.name) * 13 / 11) + 2 * BOX_PAD
    columns = min(len(sub.tiles), most)
    # A wide title gets room for more columns rather than a cut.
    while columns < most and columns * CELL_W + 2 * BOX_PAD < title and columns < len(sub.tiles):
        columns += 1
    rows = -(-len(sub.tiles) // columns)
    width = max(columns * CELL_W + 2 * BOX_PAD, min(title, room))
    return _Box(sub, columns, width, BOX_HEAD + rows * CELL_H + BOX_PAD)


def _box(
    box: _Box, x: int, y: int, width: int, height: int, accent: str, uris: dict[str, str], model: SiteModel
) -> str:
    sub = box.sub
    parts = [
        f'<g class="subcategory" data-name={xml_attribute(sub.name)}>',
        f'<rect x="{x}" y="{y}" width="{width}" height="{height}" rx="4" fill="#f4f3f8" stroke="#dcdbe6"/>',
        f'<text x="{x + BOX_PAD}" y="{y + 18}" font-size="13" font-weight="700" fill="#1d1b2c">'
        f"{xml_text(_fit(sub.name, width - 2 * BOX_PAD, 13))}</text>",
    ]
    for index, tile in enumerate(sub.tiles):
        column, row = index % box.columns, index // box.columns
        cx = x + BOX_PAD + column * CELL_W
        cy = y + BOX_HEAD + row * CELL_H
        item = tile.item
        parts.append(
            f'<g class="item" data-id={xml_attribute(item.id)}><title>{xml_text(item.name)}</title>'
            f'<rect x="{cx + 2}" y="{cy}" width="{CELL_W - 4}" height="{CELL_H - 6}" rx="4" fill="#ffffff"/>'
            f'<use href="#{uris[item.id]}" x="{cx + (CELL_W - LOGO_W) // 2}" y="{cy + 6}"/>'
            f'<text x="{cx + CELL_W // 2}" y="{cy + LOGO_H + 24}" font-size="{NAME_PX}" text-anchor="middle" '
            f'fill="#1d1b2c">{xml_text(_fit(item.name, CELL_W - 8, NAME_PX))}</text></g>'
        )
    parts.append("</g>")
    return "".join(parts)


def _fit(text: str, room: int, size: int) -> str:
    """`text` cut with an ellipsis so it fits `room` px at `size` px."""
    scale = size / 11
    if text_width(text) * scale <= room:
        return text
    while text and text_width(text + "…") * scale > room:
        text = text[:-1]
    return text.rstrip() + "…"


def render_with_chromium(svg: str, fmt: str, output: Path) -> None:
    """Print the poster SVG to PNG or PDF with headless Chromium (a clear error when there is none)."""
    executable = chromium_path()
    if executable is None:
        raise TorchscapeError(
            f"--format {fmt} needs Chromium (apt-get install chromium, or `chromium` on PATH); "
            "--format svg needs nothing"
        )
    width, height = _size(svg)
    with tempfile.TemporaryDirectory(prefix="torchscape-poster-") as folder:
        work = Path(folder)
        (work / "poster.svg").write_text(svg, encoding="utf-8")
        page = (
            "<!doctype html><html><head><meta charset='utf-8'><style>"
            f"@page {{ size: {width}px {height}px; margin: 0 }} html, body {{ margin: 0; padding: 0 }}"
            f" img {{ display: block; width: {width}px; height: {height}px }}"
            "</style></head><body><img src='poster.svg' alt=''></body></html>"
        )
        (work / "poster.html").write_text(page, encoding="utf-8")
        target = work / f"out.{fmt}"
        flag = f"--screenshot={target}" if fmt == "png" else f"--print-to-pdf={target}"
        command = [
            executable,
            "--headless",
            *CHROMIUM_ARGS,
            "--hide-scrollbars",
            "--no-pdf-header-footer",
            f"--user-data-dir={work / 'profile'}",
            f"--window-size={width},{height}",
            flag,
            (work / "poster.html").as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=CHROMIUM_TIMEOUT, check=False)
        except subprocess.TimeoutExpired as exc:
            raise TorchscapeError(f"Chromium did not finish the {fmt} in {CHROMIUM_TIMEOUT} s") from exc
        if not target.is_file() or target.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise TorchscapeError(f"Chromium made no {fmt} (exit {done.returncode}): {' / '.join(tail)}")
        write_output(output, target.read_bytes())


def _size(svg: str) -> tuple[int, int]:
    head = svg[: svg.index(">", svg.index("<svg"))]
    width = int(head.split(' width="', 1)[1].split('"', 1)[0])
    height = int(head.split(' height="', 1)[1].split('"', 1)[0])
    return width, height


def format_for(output: Path | None, fmt: str | None) -> str:
    """The format: as given, else from the output file's suffix, else SVG."""
    if fmt is not None:
        return fmt
    suffix = output.suffix.lower().lstrip(".") if output else ""
    if suffix and suffix not in FORMATS:
        raise UsageError(f"cannot tell the poster format from {output}; add --format svg|png|pdf")
    return suffix or "svg"
