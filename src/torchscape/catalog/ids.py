"""Identity: how names become the ids and slugs that pages, history and exports key on.

An item's id is `extra.annotations.slug` when given, else its normalised name. It never depends on
the category, so moving an item keeps its page and its history.
"""

from __future__ import annotations

import functools
import hashlib
import re

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*\Z")
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
    """The id of an item without a slug annotation: its normalised name, trimmed of hyphens
    (and shortened when too long for a file name: `fit_for_paths`)."""
    return fit_for_paths(normalize_name(name).strip("-"))


def section_id(name: str, fallback: str) -> str:
    """The id of a category or subcategory (its folders and anchors): the normalised name,
    fit for paths; for a name of punctuation only, `fallback` and 8 hex digits of the name's
    SHA-256 (a plain `category` could be a real category's id)."""
    found = fit_for_paths(normalize_name(name).strip("-"))
    return found or f"{fallback}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}"


def claim(slug: str, used: set[str]) -> str:
    """`slug`, or the first of `slug-2`, `slug-3`... not in `used`; added to `used`. For ids
    that must differ within one page or list although the names they come from may not."""
    found, n = slug, 2
    while found in used:
        found, n = f"{slug}-{n}", n + 1
    used.add(found)
    return found


#: The longest id, in UTF-8 bytes: ids name files and folders (`badges/<id>.svg`,
#: `projects/<id>/`), and file systems allow 255 bytes per name.
MAX_ID_BYTES = 120


def fit_for_paths(identifier: str) -> str:
    """`identifier` itself, or when it is longer than MAX_ID_BYTES in UTF-8, its start (cut
    between characters, no trailing hyphen), a hyphen and 8 hex digits of its SHA-256: still
    stable and distinct, and short enough for a file name."""
    data = identifier.encode("utf-8")
    if len(data) <= MAX_ID_BYTES:
        return identifier
    head = data[: MAX_ID_BYTES - 9].decode("utf-8", "ignore").rstrip("-")
    return f"{head}-{hashlib.sha256(data).hexdigest()[:8]}"


def is_valid_slug(slug: str) -> bool:
    """Whether a slug annotation is safe as a single URL path segment and a file name."""
    return bool(_SLUG.match(slug)) and slug not in {".", ".."} and len(slug) <= 100


def collision_key(identifier: str) -> str:
    """Ids that differ only in case collide (case-insensitive file systems, human readers)."""
    return identifier.casefold()


def landscape2_id(category: str, subcategory: str, name: str) -> str:
    """The id landscape2 gives the same item (`/?item=<id>` links keep working)."""
    return f"{normalize_name(category)}--{normalize_name(subcategory)}--{normalize_name(name)}"
