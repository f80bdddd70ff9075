"""Markdown from the catalog (guide, footer) to HTML that is safe to put in a page.

markdown-it renders CommonMark, HTML written in it included (as landscape2 does: a guide's
`<strong>`, or a footer's stray `</a>`, which browsers ignore, must not show up as text); nh3
then cleans the result with an allow-list of tags, attributes and URL schemes: any other tag is
dropped (its text kept; a script's or style's dropped too), and so is any attribute or URL
scheme not on the list.
"""

from __future__ import annotations

import functools
import itertools
from html import escape, unescape

import nh3
from markdown_it import MarkdownIt

from torchscape.catalog.model import MAX_MARKDOWN_CHARS

_TAGS = {
    "a",
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    # written as HTML only (markdown has no syntax for them)
    "b",
    "i",
    "s",
    "sub",
    "sup",
    "kbd",
    "small",
    "abbr",
    "dl",
    "dt",
    "dd",
}
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}


@functools.cache
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable("table")


@functools.lru_cache(maxsize=1024)  # the guide's texts are shown on several pages
def to_html(text: str, *, heading_offset: int = 0) -> str:
    """Render markdown and sanitise the HTML. Headings above level 4 are demoted to level 4+."""
    html = _render(text)
    for level in range(1, 4):
        target = min(6, max(4, level + heading_offset))
        html = html.replace(f"<h{level}>", f"<h{target}>").replace(f"</h{level}>", f"</h{target}>")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@functools.lru_cache(maxsize=1024)
def to_text(text: str) -> str:
    """Plain text of a markdown snippet (for meta descriptions and search): not HTML, so the
    templates escape it once (the cleaner's output is HTML, `&amp;` for `&`: unescaped here)."""
    return unescape(nh3.clean(_render(text), tags=set())).strip()


def first_paragraph(text: str) -> str:
    """Plain text of a markdown snippet's first top-level paragraph (a category page's line
    under a subcategory's heading): headings, lists and later paragraphs left out; "" when it
    has no paragraph."""
    if len(text) > MAX_MARKDOWN_CHARS:
        return " ".join(text.strip().split("\n\n", 1)[0].split())  # shown escaped, as it is
    renderer = _renderer()
    tokens = renderer.parse(text)
    for opening, inline in itertools.pairwise(tokens):
        if opening.type == "paragraph_open" and opening.level == 0 and inline.type == "inline":
            html = renderer.renderInline(inline.content)
            return " ".join(unescape(nh3.clean(html, tags=set())).split())
    return ""


def _render(text: str) -> str:
    """markdown-it's HTML; for text over MAX_MARKDOWN_CHARS, its paragraphs escaped as they are."""
    if len(text) <= MAX_MARKDOWN_CHARS:
        return str(_renderer().render(text))
    paragraphs = (part.strip() for part in text.split("\n\n"))
    return "".join(f"<p>{escape(part)}</p>\n" for part in paragraphs if part)
