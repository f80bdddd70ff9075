"""Identity: how names become the ids and slugs that pages, history and exports key on.

An item's id is `extra.annotations.slug` when given, else its normalised name. It never depends on
the category, so moving an item keeps its page and its history.
"""

from __future__ import annotations

import functools
import re

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")
_HYPHENS = re.compile(r"-{2,}")
#: Anything but letters, digits (any script), `+` and `-`; `\w` also matches `_`, which goes too.
_OTHER = re.compile(r"[^\w+-]|_")


@functools.lru_cache(maxsize=4096)
def normalize_name(value: str) -> str:
    """landscape2's name normalisation: lowercase letters, digits, `+` and single hyphens.

    "PyTorch Lightning" -> "pytorch-lightning", "Test@Project" -> "test-project",
    "中文 Project" -> "中文-project".
    """
    normalized = _HYPHENS.sub("-", _OTHER.sub("-", value).lower())
    return normalized.removesuffix("-")


def item_id(name: str) -> str:
    """The id of an item without a slug annotation: its normalised name, trimmed of hyphens."""
    return normalize_name(name).strip("-")


def is_valid_slug(slug: str) -> bool:
    """Whether a slug annotation is safe as a single URL path segment and a file name."""
    return bool(_SLUG.match(slug)) and slug not in {".", ".."} and len(slug) <= 100


def collision_key(identifier: str) -> str:
    """Ids that differ only in case collide (case-insensitive file systems, human readers)."""
    return identifier.casefold()


def landscape2_id(category: str, subcategory: str, name: str) -> str:
    """The id landscape2 gives the same item (`/?item=<id>` links keep working)."""
    return f"{normalize_name(category)}--{normalize_name(subcategory)}--{normalize_name(name)}"
