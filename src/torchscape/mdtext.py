"""Text from a catalog or from the network made inert in GitHub-flavoured Markdown, for the
reports `audit` and `diff` write to be posted as pull-request comments: a project's name or
description must not become markup, HTML, a mention that notifies someone (`@name`) or a link to
an issue (`#12`)."""

from __future__ import annotations

import re
from typing import Final

_ENTITIES: Final = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;", "#": "&#35;"}
_SPECIAL: Final = frozenset("\\`*_[]|~")


#: GitHub links a bare `scheme://host` or `www.host` in text (its autolink extension), whatever
#: is escaped around it: a zero-width space inside each breaks the pattern, and shows as nothing.
_AUTOLINKS: Final = re.compile(r"(?i)(?<=[a-z0-9])(?=://)|(?<=\bwww)(?=\.)")


def md_inert(text: str) -> str:
    """`text` on one line, control characters as spaces, and nothing in it that Markdown acts on
    (bare addresses are not made links either)."""
    text = _one_line(text)
    text = _AUTOLINKS.sub("\u200b", text)
    return "".join(_ENTITIES.get(ch) or ("\\" + ch if ch in _SPECIAL else ch) for ch in text)


def md_code(text: str) -> str:
    """`text` as an inline code span, which Markdown shows exactly as written and never links or
    mentions from: for the addresses a fix writes, which a reviewer copies or checks as they are.
    Text holding a backquote (no address does) is made inert instead."""
    text = _one_line(text)
    return f"`{text}`" if text and "`" not in text else md_inert(text)


def _one_line(text: str) -> str:
    """`text` on one line, single-spaced, control characters as spaces."""
    return "".join(ch if ch.isprintable() else " " for ch in " ".join(text.split()))
