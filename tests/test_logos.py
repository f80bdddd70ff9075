"""The logo pipeline: hostile SVGs sanitised or refused, bitmaps shrunk, placeholders, the cache."""

from __future__ import annotations

import base64
import hashlib
import io
import math
import os
import random
import re
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import pytest
import resvg_py
from PIL import Image, ImageChops

from torchscape.site import logos
from torchscape.site.logos import LogoProcessor, ProcessedLogo, numbers
from torchscape.site.logos import svg as svg_module
from torchscape.site.logos.svg import _sanitise_svg as sanitise_for_drawing

SVG_NS = "http://www.w3.org/2000/svg"
HOSTED_LOGOS = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "fixtures"
    / "pytorch-landscape"
    / "hosted_logos"
)
RECT = '<rect x="10" y="10" width="80" height="80" fill="#336699"/>'
SAFE_HREF = re.compile(r"#[^\s]+|data:image/(png|jpeg);base64,[A-Za-z0-9+/=]+")


# --- helpers -------------------------------------------------------------------------------------


def svg(body: str, attributes: str = 'viewBox="0 0 100 100"', prolog: str = "") -> str:
    """A document with the usual namespaces, `body` and (so that something draws) a rectangle."""
    return (
        f'{prolog}<svg xmlns="{SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" {attributes}>'
        f"{body}{RECT}</svg>"
    )


@pytest.fixture
def process(tmp_path: Path) -> Callable[..., ProcessedLogo]:
    """Write a logo file under tmp_path and process it (no cache)."""
    processor = LogoProcessor()

    def _process(content: str | bytes, name: str = "logo.svg") -> ProcessedLogo:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return processor.process(path, "Some Project", "some-project")

    return _process


def parse(data: bytes) -> Element:
    """The output parsed as XML (it must be well-formed), its root an SVG <svg>."""
    root = SafeET.fromstring(data)
    assert root.tag == f"{{{SVG_NS}}}svg"
    return root


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


def assert_safe(data: bytes) -> Element:
    """Everything a sanitised SVG must be: well-formed, allow-listed elements only, no event
    handlers, links only inside the document or to embedded PNG/JPEG, no scripts anywhere."""
    root = parse(data)
    lowered = data.lower()
    for word in (b"javascript", b"vbscript", b"<script", b"<style", b"foreignobject", b"<!"):
        assert word not in lowered, word
    for element in root.iter():
        assert element.tag.startswith(f"{{{SVG_NS}}}"), element.tag
        assert local(element.tag) in logos.allowlists._ELEMENTS, element.tag
        for key, value in element.attrib.items():
            assert not local(key).lower().startswith("on"), key
            if local(key) == "href":
                assert SAFE_HREF.fullmatch(value), value
            assert "url(" not in value.replace("url(#", ""), (key, value)
    return root


def png_bytes(image: Image.Image) -> bytes:
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def colourful(size: tuple[int, int]) -> Image.Image:
    """An opaque RGB image with many colours (gradients), deterministic."""
    channels = [
        Image.linear_gradient("L").resize(size),
        Image.radial_gradient("L").resize(size),
        Image.linear_gradient("L").rotate(90).resize(size),
    ]
    return Image.merge("RGB", channels)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header announces width x height pixels (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (width + 1) * 4)  # a few rows; the rest is "missing"
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", rows) + png_chunk(b"IEND", b"")
    )


def data_uri(data: bytes, media_type: str = "image/png") -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def embedded_images(root: Element) -> list[Image.Image]:
    images: list[Image.Image] = []
    for element in root.iter(f"{{{SVG_NS}}}image"):
        href = element.get("href", "")
        images.append(Image.open(io.BytesIO(base64.b64decode(href.partition(",")[2]))))
    return images


def png_chunk_types(data: bytes) -> list[bytes]:
    kinds, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kinds.append(data[position + 4 : position + 8])
        position += 12 + length
    return kinds


# --- hostile SVGs: sanitised ---------------------------------------------------------------------

HOSTILE = {
    "script element": (
        svg(
            '<script>alert("owned")</script>'
            '<script xlink:href="https://evil.example/x.js"/>'
            "<g><script type='text/ecmascript'><![CDATA[fetch('//evil.example')]]></script></g>"
        ),
        [b"alert", b"evil.example", b"fetch"],
    ),
    "event handlers": (
        svg(
            '<g onclick="alert(1)"><circle cx="5" cy="5" r="4" onmouseover="alert(2)"/></g>',
            'viewBox="0 0 100 100" onload="alert(0)" ONLOAD="alert(3)"',
        ),
        [b"alert", b"onload", b"onclick", b"onmouseover"],
    ),
    "javascript: on <a>": (
        svg(
            '<a href="javascript:alert(1)"><circle cx="5" cy="5" r="4"/></a>'
            '<a xlink:href="  JaVaScRiPt&#x3A;alert(2)"><circle cx="9" cy="9" r="4"/></a>'
        ),
        [b"alert", b"<a"],
    ),
    "javascript: on <use>": (
        svg(
            '<defs><circle id="dot" r="3"/></defs>'
            '<use href="javascript:alert(1)"/>'
            '<use xlink:href="java&#9;script:alert(2)"/>'
            '<use xlink:href="#dot" x="5" y="5"/>'
        ),
        [b"alert"],
    ),
    "external xlink:href": (
        svg(
            '<use xlink:href="http://evil.example/sprite.svg#icon"/>'
            '<linearGradient id="g" xlink:href="https://evil.example/g.svg#x"/>'
            '<textPath xlink:href="//evil.example/p#x">hi</textPath>'
            '<rect width="5" height="5" fill="url(#g)"/>'
        ),
        [b"evil.example"],
    ),
    "style sheet with @import and remote url()": (
        svg(
            "<style>@import url(http://evil.example/a.css);"
            "@font-face{font-family:x;src:url(https://evil.example/f.woff)}"
            ".a{fill:url(http://evil.example/p.svg#p);stroke:#f00}"
            ".b{fill:#0f0;behavior:url(evil.htc);-moz-binding:url(x.xml#y)}"
            "@media print{.b{fill:url(//evil.example/m.svg#x)}}</style>"
            '<rect class="a" width="5" height="5"/><rect class="b" width="6" height="6"/>'
        ),
        [b"evil.example", b"@import", b"behavior", b"binding", b"font-face", b"evil.htc"],
    ),
    "style attributes": (
        svg(
            '<rect width="5" height="5" style="fill:url(http://evil.example/x#y);'
            "stroke:expression(alert(1));background:url(javascript:alert(2));"
            'opacity:.5;fill-rule:evenodd"/>'
            '<rect width="5" height="5" fill="url(https://evil.example/p#q)" '
            'stroke="u\\72l(//evil.example/x)" filter="url(data:image/svg+xml,x)"/>'
        ),
        [b"evil.example", b"expression", b"alert", b"data:image/svg", b"\\"],
    ),
    "foreignObject with HTML": (
        svg(
            '<foreignObject width="100" height="100"><div xmlns="http://www.w3.org/1999/xhtml">'
            '<iframe src="https://evil.example/"/><img src="x" onerror="alert(1)"/></div>'
            "</foreignObject>"
        ),
        [b"foreignobject", b"iframe", b"evil.example", b"alert", b"xhtml"],
    ),
    "DOCTYPE with an external DTD": (
        svg(
            "",
            prolog='<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">',
        ),
        [b"doctype", b"dtd"],
    ),
    "DOCTYPE adding an onload default": (
        svg("", prolog='<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(1)">]>'),
        [b"alert", b"onload", b"attlist"],
    ),
    "remote and SVG <image>s": (
        svg(
            '<image href="http://evil.example/tracker.png" width="5" height="5"/>'
            '<image xlink:href="file:///etc/passwd" width="5" height="5"/>'
            f'<image href="{data_uri(b"<svg/>", "image/svg+xml")}" width="5" height="5"/>'
            '<feImage href="https://evil.example/i.png"/>'
        ),
        [b"evil.example", b"passwd", b"<image", b"feimage"],
    ),
    "animation changing a link": (
        svg(
            '<a href="#x"><set attributeName="href" to="javascript:alert(1)"/>'
            '<animate attributeName="xlink:href" values="javascript:alert(2)"/>'
            '<circle cx="5" cy="5" r="4"/></a>'
        ),
        [b"alert", b"<set", b"<animate"],
    ),
    "editor namespaces, metadata, comments, processing instructions": (
        svg(
            '<!-- secret comment --><?xml-stylesheet href="https://evil.example/s.css"?>'
            "<metadata><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/>"
            "</metadata><sodipodi:namedview xmlns:sodipodi='http://sodipodi.sourceforge.net/"
            "DTD/sodipodi-0.dtd' pagecolor='#fff'/>"
            '<path xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
            'inkscape:label="x" d="M0 0h5v5z" data-name="x"/>'
        ),
        [b"secret", b"evil.example", b"rdf", b"sodipodi", b"inkscape", b"metadata", b"data-"],
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_svg_is_sanitised(case: str, process: Callable[..., ProcessedLogo]) -> None:
    text, forbidden = HOSTILE[case]
    logo = process(text)
    assert not logo.placeholder and logo.problem is None
    assert logo.media_type == "image/svg+xml"
    assert_safe(logo.data)
    for word in forbidden:
        assert word not in logo.data.lower(), word
    assert b"<rect" in logo.data  # the harmless parts survive


def test_safe_parts_of_hostile_svgs_survive(process: Callable[..., ProcessedLogo]) -> None:
    use = parse(process(HOSTILE["javascript: on <use>"][0]).data)
    assert [u.get("href") for u in use.iter(f"{{{SVG_NS}}}use")] == ["#dot"]
    assert use.find(f".//{{{SVG_NS}}}circle[@id='dot']") is not None
    styled = parse(process(HOSTILE["style sheet with @import and remote url()"][0]).data)
    a, b = list(styled.iter(f"{{{SVG_NS}}}rect"))[:2]
    assert a.get("stroke") == "#f00" and a.get("fill") is None
    assert b.get("fill") == "#0f0"
    inline = parse(process(HOSTILE["style attributes"][0]).data)
    first = next(inline.iter(f"{{{SVG_NS}}}rect"))
    assert first.get("opacity") == ".5" and first.get("fill-rule") == "evenodd"
    linked = parse(process(HOSTILE["animation changing a link"][0]).data)
    assert linked.find(f".//{{{SVG_NS}}}circle") is not None  # <a> became a <g>


# --- hostile SVGs: refused -----------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol9;</text></svg>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>"""

USE_BOMB = svg(
    '<defs><path id="l0" d="M0 0h1v1z"/>'
    + "".join(f'<g id="l{n}">' + f'<use href="#l{n - 1}"/>' * 10 + "</g>" for n in range(1, 7))
    + '</defs><use href="#l6"/>'
)
USE_LOOP = svg('<g id="a"><use href="#b"/></g><g id="b"><use xlink:href="#a"/></g>')
#: A marker of 400 shapes at each of 400 vertices: 160,000 shapes from 10 KB.
MARKER_BOMB = svg(
    '<defs><marker id="m">' + '<circle r="1"/>' * 400 + "</marker></defs>"
    '<path marker-mid="url(#m)" d="M0 0' + " 1 1" * 400 + '"/>'
)


def _big_blank_png() -> str:
    """A 4,000 x 4,000 bitmap that compresses to a few KB."""
    return base64.b64encode(png_bytes(Image.new("L", (4000, 4000)))).decode("ascii")


def image_use_bomb() -> str:
    """One 16-megapixel bitmap drawn five times: a renderer may decode it each time. The source
    is over 48 KB (a comment pads it), so its bitmaps are only checked, not shrunk, before the
    document is drawn (see `raster._svg_or_raster`); a smaller one has them shrunk first."""
    image = f'<image id="i" width="100" height="100" href="data:image/png;base64,{_big_blank_png()}"/>'
    return svg(f"<!-- {'padding ' * 7000} --><defs>{image}</defs>" + '<use href="#i"/>' * 5)


PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY % remote SYSTEM "http://evil.example/x.dtd"> %remote;]>
<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>"""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (BILLION_LAUGHS, "XML entity declarations are not allowed"),
        (EXTERNAL_ENTITY, "XML entity declarations are not allowed"),
        (PARAMETER_ENTITY, "XML entity declarations are not allowed"),
        ("<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "not well-formed XML"),
        ("<html><body>not a logo</body></html>", "not an SVG document"),
        ("<svg xmlns='http://example.com/other'><rect/></svg>", "not an SVG document"),
        (svg("").replace(RECT, "<script>alert(1)</script>"), "nothing left to draw"),
        ("<svg xmlns='http://www.w3.org/2000/svg'>" + "<g>" * 5000 + "</g>" * 5000 + "</svg>", "nested"),
        (USE_BOMB, "<use> elements or markers expand to more than 100,000"),
        (USE_LOOP, "<use> elements refer to themselves"),
        (MARKER_BOMB, "<use> elements or markers expand to more than 100,000"),
        (image_use_bomb(), "draws bitmaps of more than 64,000,000 pixels in all"),
    ],
    ids=["billion laughs", "external entity", "parameter entity", "broken XML", "HTML",
         "foreign namespace", "only a script", "deep nesting", "use bomb", "use loop", "marker bomb",
         "bitmap drawn again and again"],
)  # fmt: skip
def test_hostile_svg_is_refused(text: str, problem: str, process: Callable[..., ProcessedLogo]) -> None:
    logo = process(text)
    assert logo.placeholder
    assert logo.problem is not None and problem in logo.problem
    assert b"root:" not in logo.data and b"lol" not in logo.data
    assert_safe(logo.data)


def test_many_shapes_sharing_a_gradient_are_not_a_bomb(process: Callable[..., ProcessedLogo]) -> None:
    stops = "".join(f'<stop offset="{n / 10}" stop-color="#{n}{n}{n}"/>' for n in range(10))
    shapes = '<rect width="1" height="1" fill="url(#g)"/>' * 20_000  # 20,000 x 11 would be over 100,000
    logo = process(svg(f'<defs><linearGradient id="g">{stops}</linearGradient></defs>{shapes}'))
    assert not logo.placeholder, logo.problem


#: Style sheets whose cost is their rules times the elements they are tried on: each of these
#: is 2,000 x 2,000 (or more) and small; 8,000 x 8,000 took the old sanitiser 20 s.
STYLE_BOMBS = {
    "universal rules": "<style>" + "*{fill:red}" * 2000 + "</style>" + "<g/>" * 2000,
    "class rules": "<style>" + ".c{fill:red}" * 2000 + "</style>" + '<g class="c"/>' * 2000,
    "rules tried in vain": "<style>" + "g.x{fill:red}" * 2000 + "</style>" + '<path class="x"/>' * 2000,
    "one rule of many declarations": "<style>*{" + "fill:red;" * 20_000 + "}</style>" + "<g/>" * 2000,
}


@pytest.mark.parametrize("case", sorted(STYLE_BOMBS))
def test_style_sheet_too_costly_to_apply_is_refused(case: str, process: Callable[..., ProcessedLogo]) -> None:
    logo = process(svg(STYLE_BOMBS[case]))
    assert logo.placeholder
    assert logo.problem is not None and logo.problem.startswith("style sheet too costly to apply")
    assert_safe(logo.data)


@pytest.mark.parametrize(
    ("inside", "problem"),
    [
        # Linear but slow in Python at the size a source may have (10 MB): 80,000 rules took
        # 14 s, hundreds of thousands of dropped elements 18 s. Refused before that work.
        ("<style>" + "*{fill:red}" * 5001 + "</style>", "style sheets of more than 5,000 rules"),
        ("<style>" + "a," * 5000 + "a{fill:red}</style>", "style sheets of more than 5,000 rules"),
        ("<text>" + "<tspan/>y" * 50_000 + "</text>", "more than 50,000 elements"),
        ("<g></g>" * 200_001, "more than 50,000 elements"),  # refused before parsing
    ],
)
def test_documents_of_too_many_elements_or_rules_are_refused(
    inside: str, problem: str, process: Callable[..., ProcessedLogo]
) -> None:
    logo = process(svg(inside + '<rect width="1" height="1"/>'))
    assert logo.placeholder and logo.problem == problem


def test_style_sheet_within_its_budget_is_applied(process: Callable[..., ProcessedLogo]) -> None:
    # 100 rules over 1,000 elements: 200,000 of the 1,000,000 allowed, still 300 times what the
    # most demanding real logo needs.
    logo = process(svg("<style>" + "*{fill:red}" * 99 + "rect{fill:#0f0}</style>" + "<g/>" * 1000))
    assert not logo.placeholder, logo.problem
    assert next(parse(logo.data).iter(f"{{{SVG_NS}}}rect")).get("fill") == "#0f0"


def test_unclosed_style_sheet_comment_runs_to_the_end(process: Callable[..., ProcessedLogo]) -> None:
    # 80,000 comments that never close (240 KB): the old pattern took about two minutes to
    # find that out, and then read what followed the first of them as rules.
    sheet = ".a{fill:#0f0}/* .a{fill:#f00} " + "/* " * 80_000
    logo = process(svg(f"<style>{sheet}</style>" + '<rect class="a" width="1" height="1"/>'))
    assert not logo.placeholder, logo.problem
    assert next(parse(logo.data).iter(f"{{{SVG_NS}}}rect")).get("fill") == "#0f0"


#: Values on which the old patterns backtracked: a long run that a pattern takes in part, again
#: from every place it could stop (quadratic in the run), or, for numbers, splits every way
#: (exponential: each digit doubled the time). Each of these took the old sanitiser at least
#: many seconds; what is kept of them does not change.
LETTERS = "a" * 40_000
BACKTRACKING = {
    "letters in a CSS value": (
        f'<rect fill="{LETTERS}" stroke="{LETTERS} b(1)" width="1" height="1"/>',
        {"fill": LETTERS, "stroke": None},
    ),
    "digits in path data": ('<path d="M' + "1" * 30 + '!"/>', {"d": "M" + "1" * 30 + "!"}),
    "digits in a number": ('<rect x="' + "1" * 100_000 + '!"/>', {"x": "1" * 100_000 + "!"}),
    "spaces in a link": (
        '<rect id="a" xml:lang="url(#a' + " " * 100_000 + 'x"/>',
        {"id": None, "{http://www.w3.org/XML/1998/namespace}lang": "url(#a" + " " * 100_000 + "x"},
    ),
}


@pytest.mark.parametrize("case", sorted(BACKTRACKING))
def test_patterns_do_not_backtrack_over_long_runs(case: str) -> None:
    body, expected = BACKTRACKING[case]
    sanitised = parse(sanitise_for_drawing(svg(body).encode()))  # the SVG: `process` would draw it
    first = next(element for element in sanitised.iter() if local(element.tag) in ("rect", "path"))
    assert {key: first.get(key) for key in expected} == expected


def test_long_size_on_the_root_does_not_backtrack() -> None:
    digits = "1" * 100_000 + "!"  # not a number with a unit: no viewBox can be derived from it
    root = parse(sanitise_for_drawing(svg("", f'width="{digits}" height="10"').encode()))
    assert root.get("viewBox") is None and root.get("width") == digits


def test_text_after_dropped_elements_is_kept_in_order(process: Callable[..., ProcessedLogo]) -> None:
    logo = process(svg("<text>a<x/>b<x/>c<tspan>d</tspan>e<x/>f<x/></text>"))
    label = next(parse(logo.data).iter(f"{{{SVG_NS}}}text"))
    assert label.text == "abc" and "".join(label.itertext()) == "abcdef"
    assert next(iter(label)).tail == "ef"


def test_huge_dimensions(process: Callable[..., ProcessedLogo]) -> None:
    big = process(svg("", 'width="100000000" height="100000000"'))
    root = assert_safe(big.data)
    assert root.get("viewBox") == "0 0 100000000 100000000"
    assert root.get("width") is None and root.get("height") is None
    bomb = png_claiming(100_000, 100_000)
    embedded = process(svg(f'<image href="{data_uri(bomb)}" width="50" height="50"/>'))
    assert not embedded.placeholder and b"<image" not in embedded.data
    assert_safe(embedded.data)


# --- what sanitising keeps and normalises --------------------------------------------------------


def test_style_sheets_are_applied_in_cascade_order(process: Callable[..., ProcessedLogo]) -> None:
    text = svg(
        "<defs><style>/* Illustrator */ .st0{fill:#EE4C2C;stroke:none}"
        "#logo{fill:#111} rect.st1{fill:#222} .st1{fill:#333} path{stroke-width:2}"
        ".st0, .st2 { fill-rule: evenodd } .a .b{fill:#999}</style></defs>"
        '<path class="st0" fill="#000" d="M0 0h5v5z"/>'
        '<path id="logo" class="st0" d="M0 0h5v5z"/>'
        '<rect class="st1" width="5" height="5"/>'
        '<path class="st2 st0" style="fill:#444" d="M0 0h5v5z"/>'
    )
    root = parse(process(text).data)
    paths = list(root.iter(f"{{{SVG_NS}}}path"))
    assert paths[0].attrib == {
        "d": "m0 0h5v5z", "fill": "#EE4C2C", "fill-rule": "evenodd", "stroke": "none",
        "stroke-width": "2",
    }  # fmt: skip
    assert paths[1].get("fill") == "#111"  # an id beats a class
    assert paths[2].get("fill") == "#444"  # the style attribute beats the sheet
    assert next(root.iter(f"{{{SVG_NS}}}rect")).get("fill") == "#222"  # type.class beats .class
    assert b"class=" not in process(text).data  # nothing is left for classes to select


def test_root_gets_a_view_box_and_loses_its_fixed_size(
    process: Callable[..., ProcessedLogo],
) -> None:
    kept = parse(process(svg("", 'width="300px" height="100" viewBox="0,0,30,10" x="0px"')).data)
    assert kept.attrib == {"viewBox": "0 0 30 10"}
    derived = parse(process(svg("", 'width="120" height="60.50"')).data)
    assert derived.get("viewBox") == "0 0 120 60.5" and derived.get("width") is None
    millimetres = parse(process(svg("", 'width="10mm" height="5mm"')).data)
    assert millimetres.get("viewBox") == "0 0 37.795 18.898"
    unknown = parse(process(svg("", 'width="100%"')).data)
    assert unknown.get("viewBox") is None and unknown.get("width") == "100%"


def test_output_is_compact_and_keeps_text(process: Callable[..., ProcessedLogo]) -> None:
    text = svg(
        '\n  <defs>\n    <linearGradient id="used"><stop offset="0.500" stop-color="#fff"/>'
        '</linearGradient>\n    <linearGradient id="unused"/>\n  </defs>\n'
        '  <text x="1.0" y="2.000" xml:space="preserve">Py<tspan fill="red">Torch</tspan> '
        "&amp; co</text>\n"
        '  <polygon points="0.000,0.000 10.000,0.000 10.000,10.000" fill="url(\'#used\')"/>\n'
    )
    data = process(text).data
    assert b"\n" not in data and b"> <" not in data
    assert data.startswith(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">')
    root = parse(data)
    assert [g.get("id") for g in root.iter(f"{{{SVG_NS}}}linearGradient")] == ["used"]  # see below
    label = next(root.iter(f"{{{SVG_NS}}}text"))
    assert "".join(label.itertext()) == "PyTorch & co"
    assert label.get("x") == "1" and label.get("y") == "2"
    assert label.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    polygon = next(root.iter(f"{{{SVG_NS}}}polygon"))
    assert polygon.get("points") == "0 0 10 0 10 10" and polygon.get("fill") == "url(#used)"
    assert next(root.iter(f"{{{SVG_NS}}}stop")).get("offset") == ".5"


def test_view_box_and_points_keep_a_space_between_numbers(process: Callable[..., ProcessedLogo]) -> None:
    """Firefox drops a viewBox or points list whose numbers run together (`-11.51-11.51`); only
    path data may be written that tightly."""
    text = svg(
        '<polygon points="10,-20 -5,-40 .5,.5 -0.25,-7"/><path d="M 10 -20 L -5 -40"/>',
        'viewBox="-11.51 -11.51 598.52 152.52"',
    )
    root = parse(process(text).data)
    assert root.get("viewBox") == "-11.51 -11.51 598.52 152.52"
    assert next(root.iter(f"{{{SVG_NS}}}polygon")).get("points") == "10 -20 -5 -40 .5 .5 -.25 -7"
    assert next(root.iter(f"{{{SVG_NS}}}path")).get("d") == "m10-20L-5-40"  # the path grammar allows it


def test_definitions_nothing_can_draw_are_dropped(process: Callable[..., ProcessedLogo]) -> None:
    """Children of `<defs>` that nothing links to are never drawn: they go, with what only
    they linked to; what a link reaches stays whole (a `<use>`d group's children have no id)."""
    dead_image = f'<image width="10" height="10" href="{data_uri(png_bytes(colourful((40, 40))))}"/>'
    text = svg(
        f'<defs>{dead_image}<clipPath id="only-for-the-dead"><rect width="5" height="5"/></clipPath>'
        '<rect clip-path="url(#only-for-the-dead)" width="9" height="9"/>'
        '<g id="shape"><circle r="3" fill="#123456"/></g>'
        '<linearGradient id="unused"/></defs>'
        '<use href="#shape" x="10"/><rect width="1" height="1"/>'
    )
    root = parse(process(text).data)
    defs = next(root.iter(f"{{{SVG_NS}}}defs"))
    assert [(child.tag.split("}")[1], child.get("id")) for child in defs] == [("g", "shape")]
    assert next(defs.iter(f"{{{SVG_NS}}}circle")).get("fill") == "#123456"
    assert not list(root.iter(f"{{{SVG_NS}}}image")) and not list(root.iter(f"{{{SVG_NS}}}clipPath"))
    # What a link reaches stays with what holds it, and a long chain of dead links costs one pass.
    kept = parse(
        process(
            svg(
                '<defs><g><linearGradient id="paint"><stop stop-color="#abcdef"/></linearGradient></g></defs>'
                '<rect width="3" height="3" fill="url(#paint)"/>'
            )
        ).data
    )
    assert next(kept.iter(f"{{{SVG_NS}}}stop")).get("stop-color") == "#abcdef"
    glyphs = parse(  # as cairo writes text: glyphs in an id-less group, each drawn by <use>
        process(
            svg('<defs><g><g id="glyph-0"><path d="M0 0h4v4z"/></g></g></defs><use href="#glyph-0" x="5"/>')
        ).data
    )
    assert next(glyphs.iter(f"{{{SVG_NS}}}path")).get("d") == "m0 0h4v4z"
    chain = "".join(f'<linearGradient id="g{n}" href="#g{n + 1}"/>' for n in range(20_000))
    passes = []
    original = svg_module._drop_unused_ids
    svg_module._drop_unused_ids = lambda root: (passes.append(1), original(root))[1]  # type: ignore[assignment]
    try:
        chained = parse(process(svg(f'<defs><linearGradient href="#g0"/>{chain}</defs>')).data)
    finally:
        svg_module._drop_unused_ids = original  # type: ignore[assignment]
    assert not list(chained.iter(f"{{{SVG_NS}}}linearGradient"))
    assert len(passes) <= 4  # twice per sanitising (a heavy file is sanitised twice), not once per link
    # An id given twice names the first, as browsers read it: that one is kept.
    twice = parse(
        process(
            svg(
                '<defs><linearGradient id="a"><stop stop-color="#ff0000"/></linearGradient>'
                '<linearGradient id="a"><stop stop-color="#0000ff"/></linearGradient></defs>'
                '<rect width="3" height="3" fill="url(#a)"/>'
            )
        ).data
    )
    assert [stop.get("stop-color") for stop in twice.iter(f"{{{SVG_NS}}}stop")] == ["#ff0000"]
    # A document that only defines things draws nothing: a monogram stands in.
    only_definitions = process(
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 9 9"><defs><rect width="5" height="5"/></defs></svg>'
    )
    assert only_definitions.placeholder and "nothing left to draw" in (only_definitions.problem or "")


def random_path(rng: random.Random, segments: int) -> str:
    """Messy but valid path data using every command, absolute and relative."""
    parts = [f"M{rng.uniform(0, 500):.6f},{rng.uniform(0, 500):.6f}"]
    for _ in range(segments):
        command = rng.choice("LlHhVvCcSsQqTtAaZzMm")
        coordinates = {"L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "M": 2, "Z": 0}
        if command in "Aa":
            values = [f"{rng.uniform(1, 50):.5f}", f"{rng.uniform(1, 50):.5f}", "30"]
            values += [rng.choice("01"), rng.choice("01")]
            values += [f"{rng.uniform(-100, 100):.6f}" for _ in range(2)]
        else:
            values = [f"{rng.uniform(-100, 400):.6f}" for _ in range(coordinates[command.upper()])]
        parts.append(command + " " + ", ".join(values))
    return " ".join(parts)


def test_path_rounding_error_is_bounded() -> None:
    rng = random.Random(1729)
    for _ in range(50):
        original = random_path(rng, 60)
        compact = numbers._compact_path(original)
        assert len(compact) < len(original) * 0.6
        before = numbers._absolute(numbers._parse_path(original) or [])
        after = numbers._absolute(numbers._parse_path(compact) or [])
        assert [command for command, _ in before] == [command for command, _ in after]
        xs = [v for c, values in before for v, r in zip(values, numbers._ROLES[c], strict=True) if r in "xy"]
        tolerance = (max(xs) - min(xs)) / logos.PRECISION  # the extent is at least this wide
        for (command, old), (_, new) in zip(before, after, strict=True):
            for role, a, b in zip(numbers._ROLES[command], old, new, strict=True):
                limit = 1e-9 if role in "fh" else 1e-3 if role == "a" else tolerance
                assert abs(a - b) <= limit, (command, role, a, b)


@pytest.mark.parametrize(
    ("original", "compact"),
    [
        ("M 10 10 L 20 20 L 30 30 Z", "m10 10 10 10 10 10z"),
        ("M0,0 C 0.5,0.5 1.5,-0.5 2,0 S 3,1 4,0", "m0 0c.5.5 1.5-.5 2 0s1 1 2 0"),
        ("m209.74 138.11-8.02-1.8a4.97 4.97 0 0 0-1.79-.07", "m209.74 138.11-8.02-1.8a4.97 4.97 0 0 0 -1.79-.07"),
        ("M1 1a1 1 0 0110 10", "m1 1a1 1 0 0 1 10 10"),
        ("M0 0 h 5 v 5 h -5 z m 1 1 h 3", "m0 0h5v5H0zm1 1h3"),
    ],
)  # fmt: skip
def test_path_compaction(original: str, compact: str) -> None:
    assert numbers._compact_path(original) == compact


def test_paths_without_arcs_take_a_quicker_way_to_the_same_text() -> None:
    rng = random.Random(31337)
    for _ in range(40):
        segments = numbers._parse_path(random_path(rng, 40)) or []
        absolute = [s for s in numbers._absolute(segments) if s[0] != "A"]
        for decimals in (0, 2, 5):
            assert numbers._rounded(absolute, decimals) == numbers._rounded_with_arcs(absolute, decimals)


@pytest.mark.parametrize("broken", ["M 1 1 L", "L 1 1", "M1 1 z 3", "M1 1a1 1 0 2 0 1 1", "M1,,2"])
def test_path_data_outside_the_grammar_is_kept(broken: str) -> None:
    assert numbers._compact_path(broken) == broken


# --- embedded and stand-alone bitmaps ------------------------------------------------------------


def test_embedded_bitmap_is_downscaled(process: Callable[..., ProcessedLogo]) -> None:
    big = png_bytes(colourful((2000, 1000)))
    # The <text> keeps it an SVG (a heavy SVG without text is drawn to WebP instead).
    text = svg(f'<image width="100" height="50" xlink:href="{data_uri(big)}"/><text x="1" y="9">Logo</text>')
    logo = process(text)
    assert len(logo.data) < len(text) / 10
    root = assert_safe(logo.data)
    (image,) = embedded_images(root)
    assert image.size == (logos.MAX_BITMAP_SIDE, logos.MAX_BITMAP_SIDE // 2)
    assert image.format in ("PNG", "JPEG")


def test_heavy_svg_wrapping_a_bitmap_is_drawn_as_webp(process: Callable[..., ProcessedLogo]) -> None:
    big = png_bytes(colourful((2000, 1000)))
    logo = process(svg(f'<image width="100" height="50" xlink:href="{data_uri(big)}"/>'))
    assert logo.media_type == "image/webp"
    with Image.open(io.BytesIO(logo.data)) as image:
        assert image.size == (192, 192)  # a square drawing, at the height of the 320 x 192 box


def test_embedded_bomb_is_refused_before_drawing(process: Callable[..., ProcessedLogo]) -> None:
    header_only = png_bytes(Image.new("L", (1, 1)))
    # A PNG header that announces 20000 x 20000 pixels: refused from its header, never decoded.
    bomb = header_only[:16] + (20000).to_bytes(4, "big") + (20000).to_bytes(4, "big") + header_only[24:]
    filler = "".join(f'<circle cx="{i}" cy="{i}" r="1"/>' for i in range(3000))
    source = svg(f'<image width="5" height="5" xlink:href="{data_uri(bomb)}"/>{filler}')
    # What the renderer would be given for a heavy source: the image is gone.
    drawn = sanitise_for_drawing(source.encode() if isinstance(source, str) else source, compact=False)
    assert b"<image" not in drawn and b"<circle" in drawn
    assert not process(source).placeholder


def test_embedded_bitmap_that_is_broken_is_dropped(process: Callable[..., ProcessedLogo]) -> None:
    text = svg(
        f'<image href="{data_uri(b"not a png")}" width="5" height="5"/>'
        '<image href="data:image/png;base64,!!!!" width="5" height="5"/>'
    )
    logo = process(text)
    assert not logo.placeholder and b"<image" not in logo.data


def test_png_is_downscaled_keeping_transparency(process: Callable[..., ProcessedLogo]) -> None:
    image = Image.new("RGBA", (1200, 600), (0, 0, 0, 0))
    image.paste(colourful((600, 300)).convert("RGBA"), (300, 150))
    logo = process(png_bytes(image), "Ray-updated.png")
    assert logo.media_type == "image/png" and not logo.placeholder
    assert re.fullmatch(r"ray-updated\.[0-9a-f]{10}\.png", logo.filename)
    out = Image.open(io.BytesIO(logo.data))
    assert out.size == (logos.MAX_BITMAP_SIDE, logos.MAX_BITMAP_SIDE // 2)
    assert out.convert("RGBA").getchannel("A").getpixel((0, 0)) == 0  # still transparent
    assert set(png_chunk_types(logo.data)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}


def test_jpeg_is_downscaled(process: Callable[..., ProcessedLogo]) -> None:
    output = io.BytesIO()
    colourful((1600, 1200)).save(output, format="JPEG", quality=95)
    logo = process(output.getvalue(), "photo.JPG")
    assert logo.media_type == "image/jpeg" and logo.filename.endswith(".jpg")
    assert logos.MAX_BITMAP_BOX == (320, 192)
    assert Image.open(io.BytesIO(logo.data)).size == (256, 192)  # 4:3, as high as the box allows
    assert len(logo.data) < len(output.getvalue()) / 4


def test_small_flat_png_becomes_a_palette_without_loss(
    process: Callable[..., ProcessedLogo],
) -> None:
    image = Image.new("RGB", (120, 40), "#ee4c2c")
    image.paste((255, 255, 255), (10, 10, 60, 30))
    logo = process(png_bytes(image), "flat.png")
    out = Image.open(io.BytesIO(logo.data))
    assert out.mode == "P" and out.size == (120, 40)
    assert ImageChops.difference(out.convert("RGB"), image).getbbox() is None


@pytest.mark.parametrize("kind", ["GIF", "WEBP"])
def test_gif_and_webp_are_re_encoded(kind: str, process: Callable[..., ProcessedLogo]) -> None:
    output = io.BytesIO()
    colourful((400, 300)).save(output, format=kind)
    logo = process(output.getvalue(), f"logo.{kind.lower()}")
    assert logo.media_type in ("image/png", "image/jpeg")
    assert Image.open(io.BytesIO(logo.data)).size == (256, 192)  # 400 x 300 fitted into 320 x 192


def test_png_with_a_damaged_ancillary_chunk_is_used(process: Callable[..., ProcessedLogo]) -> None:
    good = png_bytes(Image.new("RGB", (30, 20), "#123456"))
    damaged_text = struct.pack(">I", 4) + b"tEXt" + b"a\0bc" + b"\0\0\0\0"  # wrong checksum
    logo = process(good[:33] + damaged_text + good[33:], "wedf.png")
    assert not logo.placeholder and Image.open(io.BytesIO(logo.data)).size == (30, 20)


# --- placeholders --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("logo.svg", None, "file not found"),
        ("logo.txt", b"<svg/>", "unsupported format"),
        ("logo.bmp", png_bytes(Image.new("RGB", (2, 2))), "unsupported format"),
        ("test", b"", "unsupported format"),
        ("logo.svg", b"  \n", "empty file"),
        ("logo.svg", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "not a readable image"),
        ("logo.png", png_bytes(Image.new("RGB", (50, 50)))[:60], "not a readable image"),
        ("logo.png", b"GIF89a" + b"\0" * 20, "not a readable image"),
        ("logo.png", png_claiming(6000, 6000), "too many pixels"),
        ("logo.png", png_claiming(100_000, 100_000), "too many pixels"),
        ("logo.svg", b"\xff\xfe garbage", "not well-formed XML"),
    ],
)
def test_unusable_source_gives_a_placeholder(
    name: str, content: bytes | None, problem: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    logo = LogoProcessor().process(path, "PyTorch Lightning", "pytorch-lightning")
    assert logo.placeholder and logo.problem is not None and problem in logo.problem
    assert logo.media_type == "image/svg+xml"
    assert re.fullmatch(r"pytorch-lightning\.[0-9a-f]{10}\.filled\.svg", logo.filename)
    root = assert_safe(logo.data)
    assert root.get("viewBox") == "0 0 64 64" and root.get("width") is None
    assert "".join(root.itertext()).startswith("PyTorch Lightning")


def test_other_unusable_sources(tmp_path: Path) -> None:
    processor = LogoProcessor()
    assert processor.process(None, "X", "x").problem == "no logo file given"
    assert processor.process(tmp_path, "X", "x").problem == "not a regular file"
    huge = tmp_path / "huge.svg"
    with huge.open("wb") as handle:
        handle.truncate(logos.MAX_SOURCE_BYTES + 1)
    assert processor.process(huge, "X", "x").problem == "file larger than 10 MiB"


def test_placeholder_file_names_are_slugs_of_the_stem() -> None:
    logo = LogoProcessor().process(None, "Texas A&M", "Texas A&M Ünïversity/../x")
    assert re.fullmatch(r"texas-a-m-university-x\.[0-9a-f]{10}\.filled\.svg", logo.filename)
    assert LogoProcessor().process(None, "中文", "中文").filename.startswith("logo.")


def test_file_name_is_the_source_stem_and_the_content_hash(
    process: Callable[..., ProcessedLogo],
) -> None:
    logo = process(svg(""), "LitGPT Light Mode.svg")
    digest = hashlib.sha256(logo.data).hexdigest()[:10]
    assert logo.filename == f"litgpt-light-mode.{digest}.svg"


# --- determinism and the cache -------------------------------------------------------------------

COMPLEX = svg(
    "<style>.b{fill:#00f} .a{fill:#f00;stroke:#0f0} #z{opacity:.5}</style>"
    '<g class="a b"><path id="z" class="b a" d="M0.5 0.5 C1 1 2 2 3 3"/></g>'
    '<linearGradient id="g"><stop offset="0"/></linearGradient>'
    '<circle r="3" fill="url(#g)"/>'
    f'<image width="10" height="10" href="{data_uri(png_bytes(colourful((300, 200))))}"/>'
)


def test_output_is_deterministic(tmp_path: Path) -> None:
    path = tmp_path / "complex.svg"
    path.write_text(COMPLEX)
    first = LogoProcessor().process(path, "A", "a")
    second = LogoProcessor().process(path, "A", "a")
    assert first == second
    png = tmp_path / "p.png"
    png.write_bytes(png_bytes(colourful((700, 300))))
    assert LogoProcessor().process(png, "A", "a") == LogoProcessor().process(png, "A", "a")


def test_output_does_not_depend_on_hash_seeds(tmp_path: Path) -> None:
    path = tmp_path / "complex.svg"
    path.write_text(COMPLEX)
    script = (
        "import sys, hashlib; from pathlib import Path; "
        "from torchscape.site.logos import LogoProcessor; "
        "print(LogoProcessor().process(Path(sys.argv[1]), 'A', 'a').filename)"
    )
    names = {
        subprocess.run(
            [sys.executable, "-c", script, str(path)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(names) == 1


#: The two expensive steps, patched where they are looked up: `_transform` (in the package)
#: calls both, and the SVG sanitiser calls `_process_bitmap` for each embedded bitmap.
EXPENSIVE_STEPS: dict[str, tuple[tuple[ModuleType, str], ...]] = {
    "svg": ((logos, "_svg_or_raster"),),
    "bitmap": ((logos, "_process_bitmap"), (svg_module, "_process_bitmap")),
    "thumbnail": ((logos, "_thumbnail"),),
}


def replace_steps(monkeypatch: pytest.MonkeyPatch, make: Callable[[str, Callable[..., Any]], Any]) -> None:
    """Replace each expensive step, everywhere it is looked up, with `make(step, real)`."""
    for step, places in EXPENSIVE_STEPS.items():
        for module, name in places:
            monkeypatch.setattr(module, name, make(step, getattr(module, name)))


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """Count the calls of the two expensive steps."""
    calls = {"svg": 0, "bitmap": 0, "thumbnail": 0}

    def counting(step: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def step_counted(*args: Any, **kwargs: Any) -> Any:
            calls[step] += 1
            return real(*args, **kwargs)

        return step_counted

    replace_steps(monkeypatch, counting)
    yield calls


def test_cache_hit_does_no_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: dict[str, int]
) -> None:
    source = tmp_path / "complex.svg"
    source.write_text(COMPLEX)
    png = tmp_path / "photo.png"
    png.write_bytes(png_bytes(colourful((700, 300))))
    cache = tmp_path / "cache"
    first = [LogoProcessor(cache).process(path, "A", "a") for path in (source, png, None)]
    assert counted == {"svg": 1, "bitmap": 2, "thumbnail": 1}  # the SVG's embedded image, the PNG

    def refuse(*args: Any, **kwargs: Any) -> Any:
        pytest.fail("processed again despite the cache")  # not an Exception: nothing swallows it

    replace_steps(monkeypatch, lambda step, real: refuse)
    second = [LogoProcessor(cache).process(path, "A", "a") for path in (source, png, None)]
    assert second == first
    records = sorted(p.name for p in (cache / "logos").iterdir())
    # the SVG, its thumbnail (or the record that it has none), the PNG and the monogram
    assert len(records) == 4 and all(re.fullmatch(r"[0-9a-f]{64}", name) for name in records)


def test_cache_remembers_refusals(tmp_path: Path, counted: dict[str, int]) -> None:
    source = tmp_path / "broken.svg"
    source.write_text("<svg")
    first = LogoProcessor(tmp_path / "cache").process(source, "A", "a")
    second = LogoProcessor(tmp_path / "cache").process(source, "B", "b")
    assert counted["svg"] == 1
    assert first.problem == second.problem == "not well-formed XML"
    assert second.placeholder and second.filename.startswith("b.")


def test_same_content_is_processed_once_per_processor(tmp_path: Path, counted: dict[str, int]) -> None:
    processor = LogoProcessor()
    for name in ("one.svg", "two.svg"):
        (tmp_path / name).write_text(svg(""))
    one = processor.process(tmp_path / "one.svg", "One", "one")
    two = processor.process(tmp_path / "two.svg", "Two", "two")
    assert counted["svg"] == 1
    assert one.data == two.data and one.filename != two.filename


def test_damaged_cache_record_is_ignored(tmp_path: Path, counted: dict[str, int]) -> None:
    source = tmp_path / "logo.svg"
    source.write_text(svg(""))
    cache = tmp_path / "cache"
    good = LogoProcessor(cache).process(source, "A", "a")
    record = cache / "logos" / logos._content_key(source.read_bytes())
    record.write_bytes(record.read_bytes()[:-5])  # a torn write
    assert LogoProcessor(cache).process(source, "A", "a") == good
    assert counted["svg"] == 2


def test_new_processor_version_misses_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: dict[str, int]
) -> None:
    source = tmp_path / "logo.svg"
    source.write_text(svg(""))
    LogoProcessor(tmp_path / "cache").process(source, "A", "a")
    monkeypatch.setattr(logos, "PROCESSOR_VERSION", logos.PROCESSOR_VERSION + "-next")
    LogoProcessor(tmp_path / "cache").process(source, "A", "a")
    assert counted["svg"] == 2


def test_unwritable_cache_is_skipped(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache directory should be")
    source = tmp_path / "logo.svg"
    source.write_text(svg(""))
    logo = LogoProcessor(blocker).process(source, "A", "a")
    assert not logo.placeholder and logo.problem is None


def test_no_cache_dir_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "logo.svg"
    source.write_text(svg(""))
    LogoProcessor(None).process(source, "A", "a")
    assert list(tmp_path.iterdir()) == [source]


def test_needs_work_until_the_outcome_is_cached(tmp_path: Path) -> None:
    source = tmp_path / "logo.svg"
    source.write_text(svg(""))
    cache = tmp_path / "cache"
    processor = LogoProcessor(cache)
    assert processor.needs_work(source)
    processor.process(source, "A", "a")
    assert not processor.needs_work(source)
    assert not LogoProcessor(cache).needs_work(source)  # found on disk
    assert LogoProcessor(tmp_path / "other").needs_work(source)
    in_memory = LogoProcessor()
    in_memory.process(source, "A", "a")
    assert not in_memory.needs_work(source)
    (tmp_path / "logo.txt").write_text("x")
    for unusable in (tmp_path / "missing.svg", tmp_path / "logo.txt", tmp_path):
        assert not processor.needs_work(unusable)  # a placeholder: nothing worth a worker


# --- heavy SVGs: drawn once, as WebP --------------------------------------------------------------


def heavy_svg(body: str = "", size: tuple[int, int] = (500, 300), attributes: str = "") -> str:
    """A logo as auto-tracing makes them: six blobs outlined by 3,600 jittered path points, far
    over RASTER_ABOVE even once sanitised and compacted; `body` comes before the blobs."""
    rng = random.Random(7)
    width, height = size
    paths = []
    for _ in range(6):
        cx, cy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height
        radius = rng.uniform(0.1, 0.2) * min(width, height)
        points = []
        for index in range(600):
            angle, r = 2 * math.pi * index / 600, radius * rng.uniform(0.97, 1.03)
            points.append(f"{cx + r * math.cos(angle):.3f},{cy + r * math.sin(angle):.3f}")
        colour = f"#{rng.randrange(1 << 24):06x}"
        paths.append(f'<path fill="{colour}" d="M{points[0]} L{" ".join(points[1:])}Z"/>')
    return (
        f'<svg xmlns="{SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 0 {width} {height}" {attributes}>{body}{"".join(paths)}</svg>'
    )


def sanitised(text: str) -> bytes:
    """The SVG that the sanitiser makes of `text` (what is served when it is not rasterised)."""
    return svg_module._sanitise_svg(text.encode("utf-8"))


@pytest.mark.parametrize("size", [(500, 300), (300, 500)], ids=["wide", "tall"])
def test_heavy_svg_without_text_becomes_webp(
    size: tuple[int, int], process: Callable[..., ProcessedLogo]
) -> None:
    text = heavy_svg(size=size)
    as_svg = sanitised(text)
    assert len(as_svg) > logos.RASTER_ABOVE  # heavy even after compaction
    logo = process(text)
    assert logo.media_type == "image/webp" and not logo.placeholder and logo.problem is None
    assert re.fullmatch(r"logo\.[0-9a-f]{10}\.webp", logo.filename)
    image = Image.open(io.BytesIO(logo.data))
    assert image.format == "WEBP"
    # Fitted into the 320 x 192 box, enlarged if need be: 500 x 300 fills it; 300 x 500 is as high.
    expected_width = 320 if size == (500, 300) else 192 * 300 / 500
    assert image.size[1] == 192 and abs(image.size[0] - expected_width) <= 1
    assert image.convert("RGBA").getchannel("A").getbbox() is not None  # the blobs are drawn
    assert len(logo.data) * 4 < len(as_svg)  # much smaller than the SVG it stands for


def test_heavy_svg_with_text_stays_svg(process: Callable[..., ProcessedLogo]) -> None:
    text = heavy_svg('<text x="10" y="40" font-size="30">PyTorch</text>')
    assert len(sanitised(text)) > logos.RASTER_ABOVE
    logo = process(text)
    assert logo.media_type == "image/svg+xml" and logo.filename.endswith(".svg")
    label = assert_safe(logo.data).find(f".//{{{SVG_NS}}}text")
    assert label is not None and "".join(label.itertext()) == "PyTorch"
    assert logo.data == sanitised(text)  # coordinates compacted, as for any SVG


def test_heavy_svg_stays_svg_without_resvg(
    process: Callable[..., ProcessedLogo], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "resvg_py", None)  # `import resvg_py` raises ImportError
    text = heavy_svg()
    logo = process(text)
    assert logo.media_type == "image/svg+xml" and not logo.placeholder and logo.problem is None
    assert_safe(logo.data)
    assert logo.data == sanitised(text)


def test_rasterised_logo_is_deterministic(tmp_path: Path) -> None:
    path = tmp_path / "heavy.svg"
    path.write_text(heavy_svg())
    first = LogoProcessor().process(path, "A", "a")
    second = LogoProcessor().process(path, "A", "a")
    assert first.media_type == "image/webp"
    assert first == second
    script = (
        "import sys; from pathlib import Path; from torchscape.site.logos import LogoProcessor; "
        "print(LogoProcessor().process(Path(sys.argv[1]), 'A', 'a').filename, end='')"
    )
    elsewhere = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        env={**os.environ, "PYTHONHASHSEED": "5"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert elsewhere == first.filename  # the name carries the hash of the bytes


HOSTILE_HEAVY = (
    '<script>alert("owned")</script><script xlink:href="https://evil.example/x.js"/>'
    "<style>@import url(https://evil.example/a.css);path{stroke:url(https://evil.example/p#x)}</style>"
    '<image href="https://evil.example/tracker.png" width="50" height="50"/>'
    '<image xlink:href="file:///etc/passwd" width="50" height="50"/>'
    '<use xlink:href="https://evil.example/sprite.svg#icon"/>'
    '<g onclick="alert(1)"><circle cx="20" cy="20" r="10" onmouseover="alert(2)"/></g>'
    '<a href="javascript:alert(3)"><circle cx="60" cy="20" r="10"/></a>'
    '<foreignObject width="10" height="10"><iframe xmlns="http://www.w3.org/1999/xhtml" '
    'src="https://evil.example/"/></foreignObject>'
)


def test_hostile_heavy_svg_is_sanitised_before_rendering(
    process: Callable[..., ProcessedLogo], monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []
    render = resvg_py.svg_to_bytes

    def recording(*args: Any, **kwargs: Any) -> Any:
        rendered.append(kwargs["svg_string"])
        return render(*args, **kwargs)

    monkeypatch.setattr(resvg_py, "svg_to_bytes", recording)
    logo = process(heavy_svg(HOSTILE_HEAVY, attributes='onload="alert(0)" ONLOAD="alert(4)"'))
    assert logo.media_type == "image/webp"
    (document,) = rendered  # exactly what resvg was given
    data = document.encode("utf-8")
    root = assert_safe(data)
    for word in (b"script", b"onload", b"onclick", b"onmouseover", b"alert", b"evil.example",
                 b"passwd", b"@import", b"iframe", b"<image", b"<use", b"<a"):  # fmt: skip
        assert word not in data.lower(), word
    assert len(list(root.iter(f"{{{SVG_NS}}}path"))) == 6  # the harmless parts survive
    assert len(list(root.iter(f"{{{SVG_NS}}}circle"))) == 2


# --- the real PyTorch landscape's logos ----------------------------------------------------------


@pytest.fixture(scope="module")
def hosted_logos() -> dict[str, tuple[int, ProcessedLogo]]:
    """Every file of the real landscape's logo folder: its size and what it became."""
    if not HOSTED_LOGOS.is_dir():
        pytest.skip(
            "../shared/fixtures/pytorch-landscape/hosted_logos is absent (a user's clone has no ../shared)"
        )
    processor = LogoProcessor()
    return {
        path.name: (path.stat().st_size, processor.process(path, path.stem, "item"))
        for path in sorted(HOSTED_LOGOS.iterdir())
    }


@pytest.mark.slow
def test_real_logos(hosted_logos: dict[str, tuple[int, ProcessedLogo]]) -> None:
    assert len(hosted_logos) == 245
    placeholders = {name: logo.problem for name, (_, logo) in hosted_logos.items() if logo.placeholder}
    assert placeholders == {"test": "unsupported format"}  # an empty file without an extension
    for name, (_, logo) in hosted_logos.items():
        if logo.media_type == "image/svg+xml":
            root = assert_safe(logo.data)
            assert root.get("viewBox"), name
            assert root.get("width") is None, name
        else:
            assert max(Image.open(io.BytesIO(logo.data)).size) <= logos.MAX_BITMAP_SIDE, name
    size_in = sum(size for size, _ in hosted_logos.values())
    size_out = sum(len(logo.data) for _, logo in hosted_logos.values())
    assert size_out < size_in / 4, f"{size_in:,} bytes in, {size_out:,} bytes out"
    drawn = {name: logo for name, (_, logo) in hosted_logos.items() if logo.thumbnail is not None}
    assert len(drawn) > 100  # of about 140 SVG logos without text
    for name, logo in drawn.items():
        assert logo.media_type == "image/svg+xml" and len(logo.thumbnail[1]) < len(logo.data), name
        with Image.open(io.BytesIO(logo.thumbnail[1])) as image:
            assert image.format == "WEBP" and max(image.size[0] / 192, image.size[1] / 112) <= 1.01, name
    svg_bytes = sum(len(logo.data) for logo in drawn.values())
    tile_bytes = sum(len(logo.thumbnail[1]) for logo in drawn.values())
    assert tile_bytes < svg_bytes / 2, f"thumbnails {tile_bytes:,} bytes for {svg_bytes:,} of SVG"


@pytest.mark.slow
def test_real_bitmaps(hosted_logos: dict[str, tuple[int, ProcessedLogo]]) -> None:
    for name in ("iit.png", "lightning.png", "wedf.png", "dodlf.jpg"):
        _, logo = hosted_logos[name]
        assert not logo.placeholder, name
        assert logo.media_type in ("image/png", "image/jpeg")
    _, iit = hosted_logos["iit.png"]
    assert len(iit.data) < 50_000  # from 1.5 MB, 8053 x 1733 pixels


# --- thumbnails for tiles --------------------------------------------------------------------------

#: Many small shapes: an SVG whose drawing at tile size is smaller than its markup.
DETAILED = svg(
    "".join(
        f'<circle cx="{x * 7.3 + 3.1}" cy="{y * 5.9 + 2.7}" r="{(x + y) % 5 + 1.5}" '
        f'fill="#{(x * 37) % 256:02x}{(y * 59) % 256:02x}80"/>'
        for x in range(14)
        for y in range(16)
    ),
    'viewBox="-5 -5 110 100"',
)


def test_svg_logo_gets_a_smaller_bitmap_thumbnail_for_tiles(
    tmp_path: Path, process: Callable[..., ProcessedLogo]
) -> None:
    logo = process(DETAILED, "detailed.svg")
    assert logo.media_type == "image/svg+xml" and logo.thumbnail is not None
    name, data = logo.thumbnail
    assert name.startswith("detailed.") and name.endswith(".webp") and name != logo.filename
    assert len(data) < len(logo.data)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "WEBP"
        # as large as fits 192 x 112 (a 110 x 100 drawing: 112 high), the aspect kept
        width, height = image.size
        assert height == 112 and abs(width - 110 * 112 / 100) < 1 and logos.THUMBNAIL_BOX == (192, 112)
    copy = tmp_path / "copy" / "detailed.svg"
    copy.parent.mkdir()
    copy.write_text(DETAILED)
    assert LogoProcessor().process(copy, "Other", "other").thumbnail == logo.thumbnail  # deterministic


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (svg('<text x="1" y="10">Logo</text>' + DETAILED[DETAILED.index(">") + 1 : DETAILED.rindex("<")]), "text.svg"),
        (svg(""), "tiny.svg"),  # a rectangle: its markup is smaller than any bitmap of it
        (png_bytes(colourful((300, 200))), "photo.png"),  # a bitmap already
    ],
)  # fmt: skip
def test_no_thumbnail_for_text_tiny_svgs_or_bitmaps(
    process: Callable[..., ProcessedLogo], content: str | bytes, name: str
) -> None:
    logo = process(content, name)
    assert not logo.placeholder and logo.thumbnail is None


def test_no_thumbnail_for_a_monogram(process: Callable[..., ProcessedLogo]) -> None:
    assert process("<svg", "broken.svg").thumbnail is None


@pytest.mark.parametrize(
    ("view_box", "drawn"),
    [
        ("-5-5 10 10", True),
        ("0,0,10,10", True),
        ("0 0 1e400 10", False),
        ("0 0 0 10", False),
        ("0 0 10", False),
    ],
)
def test_drawing_reads_a_compacted_view_box_and_refuses_a_useless_one(view_box: str, drawn: bool) -> None:
    from torchscape.site.logos.raster import _rasterise

    document = f'<svg xmlns="{SVG_NS}" viewBox="{view_box}"><rect width="4" height="4"/></svg>'.encode()
    assert (_rasterise(document) is not None) is drawn


def test_unbounded_filter_primitives_are_not_drawn() -> None:
    from torchscape.site.logos.raster import _rasterise

    noise = f'<svg xmlns="{SVG_NS}" viewBox="0 0 100 100"><filter id="f"><feTurbulence baseFrequency=".05"'
    noise += ' numOctaves="100000000"/></filter><rect width="100" height="100" filter="url(#f)"/></svg>'
    assert _rasterise(noise.encode()) is None  # at once: resvg would take minutes


# --- embedded bitmaps resampled to the size they are drawn at ------------------------------------


def stripes(size: tuple[int, int]) -> str:
    """A data URI: one-pixel black and white columns (grey once shrunk, however it is shrunk,
    if what falls between samples is averaged; a moiré of black and white if it is sampled)."""
    row = bytes(255 if x % 2 else 0 for x in range(size[0]))
    return data_uri(png_bytes(Image.frombytes("L", size, row * size[1])))


def drawn_bitmaps(document: str, scale: float) -> list[tuple[Image.Image, str | None]]:
    """The bitmaps of `resampled`'s answer for our sanitised `document`, with their rendering
    hint; [] when it answers None (nothing resampled)."""
    from torchscape.site.logos.resample import resampled

    text = resampled(sanitise_for_drawing(document.encode(), compact=False), scale, (320, 192))
    if text is None:
        return []
    return [
        (Image.open(io.BytesIO(base64.b64decode(element.get("href", "").partition(",")[2]))),
         element.get("image-rendering"))
        for element in SafeET.fromstring(text).iter(f"{{{SVG_NS}}}image")
    ]  # fmt: skip


def test_a_much_shrunk_embedded_bitmap_is_drawn_averaged_not_sampled() -> None:
    from torchscape.site.logos.raster import _rasterise

    document = (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 2000 1000">'
        f'<image width="2000" height="1000" href="{stripes((2000, 1000))}"/></svg>'
    )
    webp = _rasterise(sanitise_for_drawing(document.encode(), compact=False))
    assert webp is not None
    with Image.open(io.BytesIO(webp)) as image:
        assert image.size == (320, 160)
        grey = image.convert("L")
    histogram = grey.histogram()
    pixels = sum(histogram)
    mean = sum(value * count for value, count in enumerate(histogram)) / pixels
    spread = math.sqrt(sum(count * (value - mean) ** 2 for value, count in enumerate(histogram)) / pixels)
    assert 110 < mean < 145 and spread < 10, (mean, spread)


def test_bitmaps_in_the_tree_and_in_masks_are_resampled_to_their_drawn_size() -> None:
    document = (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 1000 500">'
        f'<mask id="m"><g transform="scale(.5)"><image width="2000" height="1000" href="{stripes((2000, 1000))}"/>'
        f'</g></mask><g transform="translate(10 20)" mask="url(#m)"><rect width="900" height="400"/></g>'
        f'<g transform="matrix(.25 0 0 .5 3 4)"><image width="400" height="100" preserveAspectRatio="none" '
        f'href="{stripes((1600, 200))}"/></g>'
        f'<image x="5" y="5" width="100" height="100" href="{stripes((600, 300))}"/></svg>'
    )
    drawn = drawn_bitmaps(document, 0.32)  # 1,000 user units drawn 320 px wide
    assert [(image.size, hint) for image, hint in drawn] == [
        ((320, 160), "optimizeSpeed"),  # 2,000 x .5 x .32
        ((32, 16), "optimizeSpeed"),  # its box 400 x 100 (stretched), x .25 / .5, x .32
        ((32, 16), "optimizeSpeed"),  # fitted into 100 x 100 (meet): 100 x 50, x .32
    ]


# Each case draws its bitmap (BIG: 1,000 x 500 one-pixel stripes; SMALL: 100 x 50) in a way
# `resample` must not read as one known scale, one resvg reads otherwise, or one it should not
# resample: the bitmap must be left to resvg as it is.
LEFT_TO_THE_RENDERER = {
    "rotated": '<g transform="rotate(30)"><image width="100" height="50" href="BIG"/></g>',
    "in a pattern": '<pattern id="p" width="100" height="50"><image width="100" height="50" href="BIG"/>'
    '</pattern><rect width="100" height="50" fill="url(#p)"/>',
    "drawn again by a use": '<g id="g"><image width="100" height="50" href="BIG"/></g>'
    '<use href="#g" transform="scale(3)"/>',
    "a mask at two scales": '<mask id="m"><image width="100" height="50" href="BIG"/></mask>'
    '<rect width="10" height="10" mask="url(#m)"/><g transform="scale(2)"><rect width="9" mask="url(#m)"/></g>',
    "a mask on a use": '<mask id="m"><image width="100" height="50" href="BIG"/></mask><rect id="r" '
    'width="9" height="9"/><rect width="9" height="9" mask="url(#m)"/><use href="#r" mask="url(#m)" '
    'transform="scale(5)"/>',
    "a mask in what a use draws": '<mask id="m"><image width="100" height="50" href="BIG"/></mask><g id="g">'
    '<rect width="9" height="9" mask="url(#m)"/></g><use href="#g" transform="scale(5)"/>',
    "a mask used by a mask": '<mask id="m"><image width="100" height="50" href="BIG"/></mask><mask id="o">'
    '<g transform="scale(5)"><rect width="9" height="9" fill="#fff" mask="url(#m)"/></g></mask>'
    '<rect width="9" height="9" mask="url(#m)"/><rect width="99" height="99" mask="url(#o)"/>',
    "a mask on a mask": '<mask id="m"><image width="100" height="50" href="BIG"/></mask><mask id="o" '
    'mask="url(#m)"><rect width="99" height="99" fill="#fff"/></mask><rect width="9" height="9" '
    'mask="url(#m)"/><g transform="scale(5)"><rect width="9" height="9" mask="url(#o)"/></g>',
    "the first of two ids drawn again": '<g id="g"><image width="100" height="50" href="BIG"/></g>'
    '<g id="g"><rect width="1" height="1"/></g><use href="#g" transform="scale(5)"/>',
    "a size in percent": '<image width="100%" height="50" href="BIG"/>',
    "a size resvg does not read": '<image width="50 mm" height="50 mm" href="BIG"/>',
    "its own image-rendering": '<image width="100" height="50" image-rendering="optimizeSpeed" href="BIG"/>',
    "an inherited image-rendering": '<g image-rendering="optimizeSpeed"><image width="100" height="50" '
    'href="BIG"/></g>',
    "a transform resvg ignores (a unit)": '<g transform="scale(0.5px)"><image width="100" height="50" '
    'href="BIG"/></g>',
    "a transform resvg ignores (two commas)": '<g transform="scale(.5),,scale(1)"><image width="100" '
    'height="50" href="BIG"/></g>',
    "proportions kept under a stretching transform": '<g transform="scale(2 1)"><image width="100" '
    'height="50" href="BIG"/></g>',
    "enlarged": '<image width="1000" height="500" href="SMALL"/>',  # 100 x 50 drawn 320 x 160
    "barely shrunk": '<image width="250" height="125" href="SMALL"/>',  # drawn 80 x 40
}


@pytest.mark.parametrize("body", LEFT_TO_THE_RENDERER.values(), ids=LEFT_TO_THE_RENDERER.keys())
def test_bitmaps_drawn_in_ways_not_read_are_left_to_the_renderer(body: str) -> None:
    body = body.replace("BIG", stripes((1000, 500))).replace("SMALL", stripes((100, 50)))
    document = f'<svg xmlns="{SVG_NS}" viewBox="0 0 1000 500">{body}<rect width="5" height="5"/></svg>'
    assert drawn_bitmaps(document, 0.32) == []


def test_a_bitmap_without_a_size_keeps_its_box_once_resampled() -> None:
    document = f'<svg xmlns="{SVG_NS}" viewBox="0 0 2000 1000"><image href="{stripes((2000, 1000))}"/></svg>'
    from torchscape.site.logos.resample import resampled

    text = resampled(sanitise_for_drawing(document.encode(), compact=False), 0.16, (320, 160))
    assert text is not None
    (image,) = SafeET.fromstring(text).iter(f"{{{SVG_NS}}}image")
    assert (image.get("width"), image.get("height")) == ("2000", "1000")  # its natural size, in user units
    assert Image.open(io.BytesIO(base64.b64decode(image.get("href", "").partition(",")[2]))).size == (
        320,
        160,
    )


def test_a_stretched_bitmap_is_resampled_to_its_stretched_size() -> None:
    body = '<g transform="scale(2 1)"><image width="500" height="500" preserveAspectRatio="none" '
    body += f'href="{stripes((1000, 1000))}"/></g>'
    drawn = drawn_bitmaps(f'<svg xmlns="{SVG_NS}" viewBox="0 0 1000 500">{body}</svg>', 0.32)
    assert [image.size for image, _ in drawn] == [(320, 160)]


def test_16_bit_grey_bitmaps_keep_their_tones() -> None:
    from torchscape.site.logos.bitmaps import _process_bitmap

    rows = b"".join(
        b"\0" + b"".join(struct.pack(">H", 65535 * x // 255) for x in range(256)) for _ in range(8)
    )
    header = struct.pack(">IIBBBBB", 256, 8, 16, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(rows))
    png += png_chunk(b"IEND", b"")
    data, _ = _process_bitmap(png)
    with Image.open(io.BytesIO(data)) as image:
        histogram = image.convert("L").histogram()
    mean = sum(value * count for value, count in enumerate(histogram)) / sum(histogram)
    assert 120 < mean < 135  # a ramp from black to white, not all white


def test_at_most_32_bitmaps_of_a_document_are_resampled() -> None:
    images = "".join(
        f'<image x="{i}" width="100" height="50" href="{stripes((400, 200))}"/>' for i in range(40)
    )
    drawn = drawn_bitmaps(f'<svg xmlns="{SVG_NS}" viewBox="0 0 1000 500">{images}</svg>', 0.32)
    assert sorted(image.size for image, _ in drawn) == [(32, 16)] * 32 + [(400, 200)] * 8


def test_a_document_without_a_view_box_is_drawn_without_resampling(monkeypatch: pytest.MonkeyPatch) -> None:
    from torchscape.site.logos import raster

    calls: list[float] = []
    monkeypatch.setattr(raster, "resampled", lambda svg, scale, canvas: calls.append(scale))
    body = f'<rect width="100" height="100"/><image width="50" height="50" href="{stripes((1000, 1000))}"/>'
    document = sanitise_for_drawing(f'<svg xmlns="{SVG_NS}">{body}</svg>'.encode(), compact=False)
    assert b"viewBox" not in document  # nothing to derive one from: resvg draws it at its own size
    assert raster._rasterise(document) is not None
    assert calls == []  # the scale we would pass would be that of a made-up viewBox


# --- logos that bring their own background --------------------------------------------------------


def _bitmap(mode: str, fmt: str, **save: Any) -> bytes:
    image = Image.new(mode, (40, 20), (20, 120, 200, 255)[: len(mode)] if mode != "P" else 3)
    if mode == "RGBA":
        image.putpixel((0, 0), (0, 0, 0, 0))  # one transparent pixel: the alpha channel is used
    output = io.BytesIO()
    image.save(output, format=fmt, **save)
    return output.getvalue()


@pytest.mark.parametrize(
    ("source", "name", "filled"),
    [
        # A monogram's square (rounded) and a badge-like logo fill their box: no plate on dark pages.
        (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><title>M</title>'
            '<rect width="64" height="64" rx="12" fill="#15803D"/><text x="9" y="40">M</text></svg>',
            "m.svg",
            True,
        ),
        (
            f'<svg xmlns="{SVG_NS}" viewBox="-5 -5 110 50"><rect x="-5" y="-5" width="110" height="50" fill="#000"/>'
            f'<circle cx="50" cy="20" r="9" fill="#fff"/></svg>',
            "badge.svg",
            True,
        ),
        (
            f'<svg xmlns="{SVG_NS}" viewBox="0 0 100 40"><rect width="100%" height="100%" fill="red"/>'
            f'<path d="M0 0h9v9z"/></svg>',
            "percent.svg",
            True,
        ),
        # Ink on nothing, a rectangle that does not cover the box, or one that lets it show through.
        (svg(""), "ink.svg", False),
        (
            f'<svg xmlns="{SVG_NS}" viewBox="0 0 100 40"><rect width="100" height="40" fill="none"/>'
            f'<path d="M0 0h9v9z"/></svg>',
            "none.svg",
            False,
        ),
        (
            f'<svg xmlns="{SVG_NS}" viewBox="0 0 100 40"><rect width="100" height="40" fill="red" opacity=".5"/>'
            f'<path d="M0 0h9v9z"/></svg>',
            "half.svg",
            False,
        ),
        (
            f'<svg xmlns="{SVG_NS}" viewBox="0 0 100 40"><path d="M0 0h9v9z"/>'
            f'<rect width="100" height="40" fill="red"/></svg>',
            "later.svg",
            False,
        ),
        (_bitmap("RGB", "JPEG"), "photo.jpg", True),
        (_bitmap("RGB", "PNG"), "opaque.png", True),
        (_bitmap("RGBA", "PNG"), "alpha.png", False),
    ],
)
def test_a_logo_that_fills_its_box_is_named_so_and_dark_pages_skip_its_plate(
    process: Callable[..., ProcessedLogo], source: str | bytes, name: str, filled: bool
) -> None:
    """Dark pages put a white plate behind logos (most are dark ink on nothing); around the
    bundled catalog's coloured monograms it was a glaring white frame."""
    logo = process(source, name)
    assert not logo.placeholder, logo.problem
    assert (".filled." in logo.filename) is filled, logo.filename
    if logo.thumbnail is not None:  # the tiles' drawing of an SVG is named as the SVG is
        assert (".filled." in logo.thumbnail[0]) is filled


def test_webp_headers_tell_whether_alpha_is_used() -> None:
    from torchscape.site.logos.backdrop import fills_its_box

    opaque_lossy = _bitmap("RGB", "WEBP", quality=80)
    with_alpha = _bitmap("RGBA", "WEBP", quality=80)
    lossless_opaque = _bitmap("RGB", "WEBP", lossless=True)
    lossless_alpha = _bitmap("RGBA", "WEBP", lossless=True)
    assert fills_its_box(opaque_lossy, "image/webp") and fills_its_box(lossless_opaque, "image/webp")
    assert not fills_its_box(with_alpha, "image/webp") and not fills_its_box(lossless_alpha, "image/webp")
    assert not fills_its_box(b"RIFF\0\0\0\0WEBPVP8X" + bytes(20), "image/gif")


def test_the_site_styles_leave_out_the_plate_of_filled_logos() -> None:
    from importlib import resources

    static = resources.files("torchscape.site") / "static"
    site_css = static.joinpath("site.css").read_text("utf-8")
    dark = site_css[site_css.index("@media (prefers-color-scheme: dark)") :]
    assert 'img[src*=".filled."] { background: none; }' in dark
    assert 'img[src*=".filled."]' in static.joinpath("embed.css").read_text("utf-8")
