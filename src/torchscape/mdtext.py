"""Text from a catalog or from the network made inert in GitHub-flavoured Markdown, for the
reports `audit` and `diff` write to be posted as pull-request comments: a project's name or
description must not become markup, HTML, a mention that notifies someone (`@name`) or a link to
an issue (`#12`)."""

from __future__ import annotations

from typing import Final

_ENTITIES: Final = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;", "#": "&#35;"}
_SPECIAL: Final = frozenset("\\`*_[]|~")


def md_inert(text: str) -> str:
    """`text` on one line, control characters as spaces, and nothing in it that Markdown acts on."""
    text = "".join(ch if ch.isprintable() else " " for ch in " ".join(text.split()))
    return "".join(_ENTITIES.get(ch) or ("\\" + ch if ch in _SPECIAL else ch) for ch in text)
