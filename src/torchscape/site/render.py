"""Jinja2 pages: autoescaped, strict about undefined names, with relative links everywhere."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from torchscape.catalog.ids import normalize_name
from torchscape.catalog.urls import canonical_repo, corrections_link
from torchscape.errors import DIRECTION_CONTROLS
from torchscape.site.badges import snippets as badge_snippets


@functools.cache
def environment() -> jinja2.Environment:
    """The template environment (templates ship inside the package)."""
    env = jinja2.Environment(
        loader=_DedentingLoader("torchscape.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # packaged templates do not change while a build runs
    )
    env.filters["json_script"] = json_script
    env.filters["host"] = host_of
    env.filters["github_repo"] = canonical_repo  # the repository refresh asks GitHub about, or None
    env.filters["corrections_link"] = corrections_link
    env.filters["plural"] = plural
    env.filters["slug"] = normalize_name
    env.filters["badge_snippets"] = badge_snippets
    env.filters["snippet_attr"] = snippet_attr
    env.filters["paragraphs"] = paragraphs
    return env


def snippet_attr(value: object) -> str:
    """A value quoted for an attribute of HTML shown as text for people to copy (the embed
    snippet), as `reuse.js` quotes it: the page escapes the result once more, so the copied
    text carries `&quot;` where the value has `"` and cannot close the attribute."""
    text = str(value)
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


class _DedentingLoader(jinja2.PackageLoader):
    """Templates without the indentation that makes them readable: it would be repeated in
    every page written (about 3 % of an item page). Lines inside `<pre>` keep theirs."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool] | None]:
        source, filename, uptodate = super().get_source(environment, template)
        return dedent_markup(source), filename, uptodate


_PRE = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL)
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)


def dedent_markup(source: str) -> str:
    """Leading spaces and tabs of each line removed, except within `<pre>` elements."""
    parts = _PRE.split(source)
    return "".join(part if index % 2 else _INDENT.sub("", part) for index, part in enumerate(parts))


#: Characters no page carries as they are, each shown as U+FFFD instead: controls (HTML does not
#: allow them, and a terminal showing the file obeys them) and the direction embeddings,
#: overrides and isolates, which reorder the text after them up to the end of its block, beyond
#: the element holding them. They can only come from data: `validate` warns of each.
_UNSHOWABLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{DIRECTION_CONTROLS}]")


def render(template: str, **context: Any) -> str:
    return shown(environment().get_template(template).render(**context))


def shown(text: str) -> str:
    """`text` with the characters no page carries (`_UNSHOWABLE`) as U+FFFD: for pages, and for
    the JSON the site's own scripts build views from (JSON escapes C0 controls already)."""
    return _UNSHOWABLE.sub("\ufffd", text)


def json_script(value: Any) -> Markup:
    """JSON safe inside a <script> element: no `<`, `>` or `&` that could end or bend it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)  # noqa: S704 - escaped above for the script context


def host_of(url: str) -> str:
    """`github.com/pytorch/vision` for display: a URL without its scheme and trailing slash."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/") or url


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def paragraphs(text: str) -> list[str]:
    """Plain text split at blank lines, each paragraph's lines joined (a member's description
    with an address block after it, written with `|-`, ran together into one paragraph)."""
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text) if part.strip()]
