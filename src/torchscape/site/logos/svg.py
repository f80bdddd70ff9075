"""SVG documents: parsed defensively, rebuilt element by element from the allow-lists, given a
root that scales (a viewBox, no fixed size), stripped of unused ids and serialised compactly."""

from __future__ import annotations

import base64
import binascii
import io
import re
import xml.etree.ElementTree as ET
from typing import Final

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from PIL import Image

from torchscape.site.logos.allowlists import (
    _ATTRIBUTES,
    _CSS_VALUED,
    _DATA_IMAGE,
    _DRAWING_ELEMENTS,
    _ELEMENTS,
    _LOCAL_FRAGMENT,
    _LOCAL_LINKS,
    _PRESENTATION,
    _RENAMED,
    _STYLE_ONLY,
    _TEXT_ELEMENTS,
)
from torchscape.site.logos.bitmaps import _PILLOW_ERRORS, _checked_bitmap, _process_bitmap
from torchscape.site.logos.common import (
    MAX_DRAWN_PIXELS,
    MAX_RENDERED_ELEMENTS,
    MAX_SVG_DEPTH,
    MAX_SVG_ELEMENTS,
    SVG_NS,
    XLINK_NS,
    XML_NS,
    LogoRejected,
    _split,
    _svg_name,
)
from torchscape.site.logos.css import (
    _URL,
    _has_bad_scheme,
    _safe_css_value,
    _safe_declarations,
    _Stylesheet,
)
from torchscape.site.logos.numbers import _NUMBER, _compact_value, _scan_numbers, _short_number
from torchscape.site.monogram import monogram_svg


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
    if _drop_dead_definitions(root) and not _draws_something(root):
        raise LogoRejected("nothing left to draw after sanitising")
    return _serialise(root)


def _parse_svg(data: bytes) -> ET.Element:
    """The parsed document: no entity declarations, no external references, an <svg> root."""
    if data.count(b"<") > 4 * MAX_SVG_ELEMENTS:  # each element starts with one: refused unparsed
        raise LogoRejected(f"more than {MAX_SVG_ELEMENTS:,} elements")
    # Blank lines before the XML declaration (which XML wants first of all: CNCF's 404.svg has
    # two) cost nothing to forgive here: the document is written anew.
    data = data.lstrip(b" \t\r\n")
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
    if sum(1 for _ in root.iter()) > MAX_SVG_ELEMENTS:
        raise LogoRejected(f"more than {MAX_SVG_ELEMENTS:,} elements")
    return root


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
    # The text after dropped children, joined once where it goes: added to that string tail by
    # tail, it was copied again for each (quadratic: `<text>` and 160,000 `<x/>a` took 3 s).
    loose: list[str] = []
    for child in source:
        copy = None if name in ("title", "desc") else _copy_element(child, styles, depth + 1, compact=compact)
        if copy is not None:
            _append_text(element, loose)
            copy.tail = child.tail if keep_text else None
            element.append(copy)
        elif keep_text and child.tail:
            loose.append(child.tail)
    _append_text(element, loose)
    return element


def _append_text(element: ET.Element, pieces: list[str]) -> None:
    """Append the text `pieces` after the last child (or to the text) of an element, and empty
    the list."""
    if not pieces:
        return
    text = "".join(pieces)
    pieces.clear()
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
    href = _clean_href(name, source.get("href") or source.get(f"{{{XLINK_NS}}}href"), shrink=compact)
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
    value = " ".join(value.split())  # runs of white space as one space (quick for long paths)
    if _has_bad_scheme(value) or "\\" in value:
        return None
    if name in _CSS_VALUED:
        safe = _safe_css_value(value)
        if safe is None:
            return None
        value = safe
    return name, _compact_value(name, value) if compact else value


def _clean_href(element: str, value: str | None, *, shrink: bool = True) -> str | None:
    """A link that stays inside the document, or a re-encoded bitmap for <image>; else None."""
    if value is None:
        return None
    value = value.strip()
    if element in _LOCAL_LINKS and _LOCAL_FRAGMENT.fullmatch(value):
        return value
    if element == "image":
        return _clean_data_image(value, shrink=shrink)
    return None


def _clean_data_image(value: str, *, shrink: bool = True) -> str | None:
    """An embedded PNG/JPEG/GIF/WebP, shrunk and re-encoded, as a data URI; None if unusable.

    With `shrink` off (an SVG only drawn by our renderer, never shown) it is only checked.
    """
    match = _DATA_IMAGE.match(value)
    if match is None:
        return None
    text = "".join(value[match.end() :].split())  # base64 may be wrapped over lines
    try:
        raw = base64.b64decode(text, validate=True)  # only its alphabet, rightly padded
        if not shrink:
            return f"data:{_checked_bitmap(raw)[1]};base64,{text}"
        data, media_type = _process_bitmap(raw)
    except (binascii.Error, LogoRejected):
        return None
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


# --- SVG: the root, references and output --------------------------------------------------------

#: A length: a number read whole (possessive quantifiers, as `numbers._NUMBER_SYNTAX`: plain
#: ones made `width="111...1!"` quadratic in its digits) and a unit.
_LENGTH: Final = re.compile(r"([+]?+(?:\d++\.?+\d*+|\.\d++)(?:[eE][+-]?+\d++)?+)\s*+(px|pt|pc|mm|cm|in)?")
_PX_PER_UNIT: Final = {"px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}


def _draws_something(root: ET.Element) -> bool:
    """Whether any element that draws survived."""
    return any(_split(element.tag)[1] in _DRAWING_ELEMENTS for element in root.iter())


def _check_use_expansion(root: ET.Element) -> None:
    """Refuse a document that draws too much once every reference is followed: more than
    MAX_RENDERED_ELEMENTS elements (the "use bomb" that freezes a visitor's browser: <use>
    copying copies of copies; a marker counts once per vertex of the shape it marks), or bitmaps
    of more than MAX_DRAWN_PIXELS pixels in all (one large bitmap drawn a thousand times kept
    our renderer busy for minutes); or references that go round in a circle."""
    targets = {element.get("id"): element for element in root.iter() if element.get("id")}
    costs: dict[int, tuple[int, int]] = {}
    pixels_of: dict[str, int] = {}

    def cost(element: ET.Element, chain: tuple[int, ...]) -> tuple[int, int]:
        """(elements, bitmap pixels) that drawing `element` stands for, references followed."""
        key = id(element)
        if key in costs:
            return costs[key]
        if key in chain or len(chain) > MAX_SVG_DEPTH:
            raise LogoRejected("<use> elements refer to themselves or nest too deeply")
        elements = pixels = 0
        for node in element.iter():
            elements += 1
            if node.tag == "image":
                href = node.get("href") or ""
                if href not in pixels_of:
                    pixels_of[href] = _bitmap_pixels(href)
                pixels += pixels_of[href]
            for times, target in _references(node, targets):
                more_elements, more_pixels = cost(target, (*chain, key))
                elements += times * more_elements
                pixels += times * more_pixels
            if elements > MAX_RENDERED_ELEMENTS:
                raise LogoRejected(f"<use> elements or markers expand to more than {MAX_RENDERED_ELEMENTS:,}")
            if pixels > MAX_DRAWN_PIXELS:
                raise LogoRejected(f"draws bitmaps of more than {MAX_DRAWN_PIXELS:,} pixels in all")
        costs[key] = (elements, pixels)
        return costs[key]

    cost(root, ())


_GRADIENTS: Final = frozenset(("linearGradient", "radialGradient"))
#: The attributes that can name another element by `url(#id)` (path data, the long ones, cannot).
_REFERENCING: Final = frozenset(
    ("fill", "stroke", "mask", "clip-path", "filter", "marker-start", "marker-mid", "marker-end", "style")
)


def _references(node: ET.Element, targets: dict[str | None, ET.Element]) -> list[tuple[int, ET.Element]]:
    """What drawing `node` draws again, and how many times: what its `href` names (a <use>'s
    target, a gradient's or pattern's template) once; a marker once at each end, or at every
    vertex for `marker-mid` (bounded by the count of numbers in the shape's data); anything else
    named by `url(#...)` (patterns, masks, clip paths, filters) once. Gradients are left out: a
    few stops, drawing nothing else, that thousands of shapes of a real logo may share."""
    found: list[tuple[int, ET.Element]] = []
    href = node.get("href") or ""
    if href.startswith("#"):  # <use>, and what other elements link to (a pattern, a feImage's source)
        target = targets.get(href[1:])
        if target is not None and target.tag not in _GRADIENTS:
            found.append((1, target))
    for name in _REFERENCING.intersection(node.attrib):
        value = node.attrib[name]
        if "url(" not in value:
            continue
        for match in _URL.finditer(value):
            target = targets.get(match.group(2)[1:])
            if target is None or target.tag in _GRADIENTS:
                continue
            times = 1
            if name == "marker-mid":
                times = len(_NUMBER.findall(node.get("d") or node.get("points") or ""))
            found.append((times, target))
    return found


def _bitmap_pixels(href: str) -> int:
    """The pixel count of an embedded bitmap (already checked when it was copied), from its header."""
    text = href.partition(",")[2]
    try:
        with Image.open(io.BytesIO(base64.b64decode(text))) as image:
            width, height = image.size
    except (binascii.Error, *_PILLOW_ERRORS):
        return 0
    return width * height


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


def _drop_dead_definitions(root: ET.Element) -> bool:
    """Remove what `<defs>` holds that nothing drawn reaches: a child of it is kept when it, or
    something inside it, is named by a link from what is drawn (outside `<defs>`) or from what
    such a link reaches, and so on. Design tools leave dead copies there (whole embedded
    bitmaps, some logos' largest part). One pass over the document and its links, however
    long their chains. Returns whether anything went."""
    targets: dict[str | None, ET.Element] = {}
    for element in root.iter():  # an id given twice names the first, as browsers read it
        if element.get("id") is not None:
            targets.setdefault(element.get("id"), element)
    live: set[int] = set()
    work: list[ET.Element] = []

    def reach(element: ET.Element, *, skip_defs: bool) -> None:
        stack = [element]
        while stack:
            node = stack.pop()
            if id(node) in live or (skip_defs and node.tag == "defs"):
                continue
            live.add(id(node))
            work.append(node)
            stack.extend(node)

    reach(root, skip_defs=True)
    while work:
        node = work.pop()
        for key, value in node.attrib.items():
            if key == "href" and value.startswith("#") and value[1:] in targets:
                reach(targets[value[1:]], skip_defs=False)
            elif "url(#" in value:
                for match in _URL.finditer(value):
                    if match.group(2)[1:] in targets:
                        reach(targets[match.group(2)[1:]], skip_defs=False)
    removed = False
    for defs in list(root.iter("defs")):
        for child in list(defs):
            if not any(id(node) in live for node in child.iter()):
                defs.remove(child)
                removed = True
    if removed:
        _drop_unused_ids(root)
    return removed


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
