"""Fixes: changes to the catalog that are facts (a renamed repository, a permanent redirect,
http→https), never curation decisions. `audit` finds them; `audit --fix` writes them back to the
YAML with round-trip editing, so comments, order and formatting survive.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Fix:
    """Replace one string value of one item, if it still holds `old`."""

    item: str  # the item's id (see the README's rules on ids)
    path: tuple[str, str, str]  # category, subcategory and item name, exactly as the YAML spells them
    field: str  # dotted key inside the item: "repo_url", "homepage_url", "extra.slack_url"
    old: str
    new: str
    reason: str  # one line, e.g. "GitHub reports the repository as pyro-ppl/pyro"


__all__ = ["Fix"]
