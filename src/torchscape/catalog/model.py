"""The landscape as the rest of torchscape sees it: frozen, flat items with stable ids.

Converted once from the on-disk shape (`raw.py`) by `load()`. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from torchscape.catalog.raw import RawExtra, RawGuide, RawSettings, StatusSetting
from torchscape.errors import Problem, Severity

KINDS = ("library", "framework", "tool", "service", "member")
#: A category named so lists member organisations when the settings name none (`Landscape`).
_MEMBERS_NAME = re.compile(r"(?:^|\s)members$", re.IGNORECASE)
#: An item is shown in its own subcategory and at most this many `second_path` ones (real
#: landscapes give one or two): a list shared through a YAML alias must not multiply the grid.
MAX_SECOND_PATHS = 16
#: The home page shows at most this many group tabs from settings (landscape2's `groups`); each
#: tab holds its categories' tiles, so a settings file must not be able to repeat the grid at will.
MAX_GROUPS = 12
#: Longer markdown (a guide section, the footer) is shown as plain paragraphs: markdown-it's link
#: parsing takes time that grows with the square of some inputs ("![" 49,000 times: 2 s a
#: rendering), and no guide section or footer needs this much.
MAX_MARKDOWN_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an item is listed: its primary place or a `second_path` one."""

    category: str
    subcategory: str

    @property
    def path(self) -> str:
        return f"{self.category} / {self.subcategory}"


@dataclass(frozen=True, slots=True)
class Link:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Repository:
    url: str
    branch: str | None = None
    primary: bool = True


@dataclass(frozen=True, slots=True)
class Status:
    """A curation status (`project:` value) and how this landscape labels it."""

    value: str
    label: str
    retired: bool = False


#: `extra` fields shown as links on an item's page, in this order, with their labels.
EXTRA_LINKS: tuple[tuple[str, str], ...] = (
    ("blog_url", "Blog"),
    ("mailing_list_url", "Mailing list"),
    ("slack_url", "Slack"),
    ("discord_url", "Discord"),
    ("gitter_url", "Gitter"),
    ("github_discussions_url", "GitHub Discussions"),
    ("stack_overflow_url", "Stack Overflow"),
    ("reddit_url", "Reddit"),
    ("youtube_url", "YouTube"),
    ("linkedin_url", "LinkedIn"),
    ("bluesky_url", "Bluesky"),
    ("facebook_url", "Facebook"),
    ("pinterest_url", "Pinterest"),
    ("package_manager_url", "Package"),
    ("docker_url", "Docker image"),
    ("artwork_url", "Artwork"),
    ("dev_stats_url", "Development statistics"),
    ("annual_review_url", "Annual review"),
    ("summary_intro_url", "Introduction"),
)


@dataclass(frozen=True, slots=True)
class Item:
    """One listed project, product or member. `id` is stable across moves between categories."""

    id: str
    name: str
    category: str
    subcategory: str
    homepage_url: str
    logo: str
    description: str | None = None
    repo_url: str | None = None
    repositories: tuple[Repository, ...] = ()
    second_paths: tuple[Placement, ...] = ()
    status: Status | None = None
    license: str | None = None
    joined: dt.date | None = None
    accepted: dt.date | None = None
    crunchbase: str | None = None
    twitter: str | None = None
    url_for_bestpractices: str | None = None
    enduser: bool | None = None
    allow_duplicate_repo: bool = False
    keywords: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    kind: str | None = None
    framework: str | None = None
    documentation_url: str | None = None
    other_links: tuple[Link, ...] = ()
    annotations: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    extra: RawExtra | None = None
    landscape2_id: str = ""
    line: int = 0
    #: The line of each field the item's entry writes (`logo`, `extra.documentation_url`,
    #: `extra.annotations.pypi`), for reports that name a field.
    field_lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def line_of(self, name: str) -> int:
        """The line of the field `name` in the data file; the item's own line when it has none."""
        return self.field_lines.get(name, self.line)

    @property
    def slug(self) -> str:
        """The path segment of the item's page; the same as its id."""
        return self.id

    @property
    def placements(self) -> tuple[Placement, ...]:
        """Every place the item is listed, primary first."""
        return (Placement(self.category, self.subcategory), *self.second_paths)

    @property
    def retired(self) -> bool:
        return self.status is not None and self.status.retired

    @property
    def more_links(self) -> tuple[tuple[str, str], ...]:
        """(label, URL) of the item's other links landscape2 knows (community, social, package,
        review pages), in a fixed order; homepage, repositories, docs, `other_links` and
        Twitter aside. Every one was checked as an http(s) (or `mailto:`) URL by validation."""
        found = [("Crunchbase", self.crunchbase), ("OpenSSF Best Practices", self.url_for_bestpractices)]
        if self.extra is not None:
            found += [(label, getattr(self.extra, name)) for name, label in EXTRA_LINKS]
        return tuple((label, url) for label, url in found if url)


@dataclass(frozen=True, slots=True)
class Subcategory:
    name: str
    id: str
    item_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    id: str
    subcategories: tuple[Subcategory, ...]


@dataclass(frozen=True, slots=True)
class Landscape:
    """A loaded catalog: categories, items by id, settings, guide, and what was found wrong."""

    categories: tuple[Category, ...]
    items: tuple[Item, ...]
    settings: RawSettings | None
    guide: RawGuide | None
    problems: tuple[Problem, ...]
    data_file: Path
    settings_file: Path | None = None
    guide_file: Path | None = None
    logos_path: Path | None = None
    statuses: Mapping[str, StatusSetting] = field(default_factory=lambda: MappingProxyType({}))
    _by_id: Mapping[str, Item] = field(default_factory=lambda: MappingProxyType({}), repr=False)
    _members: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({i.id: i for i in self.items}))
        object.__setattr__(self, "_members", self._members_category())

    def _named_members(self) -> str | None:
        """The settings' `members_category`, if they give one (not blank)."""
        named = self.settings.members_category if self.settings is not None else None
        return named if named is not None and named.strip() else None

    def _members_category(self) -> str | None:
        """The settings' `members_category`; without one, the only category named "... Members"
        (the PyTorch landscape's "PyTorch Members" is not named in its settings)."""
        named = self._named_members()
        if named is not None:
            return named
        found = [c.name for c in self.categories if _MEMBERS_NAME.search(c.name)]
        return found[0] if len(found) == 1 else None

    @property
    def members_category(self) -> str | None:
        """The category of member organisations, as `is_member` reads it (None: none)."""
        return self._members

    @property
    def members_category_inferred(self) -> bool:
        """Whether `members_category` was read from a category's name, not from the settings."""
        return self._members is not None and self._named_members() is None

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def item(self, item_id: str) -> Item:
        """The item with this id (KeyError if none)."""
        return self._by_id[item_id]

    def get(self, item_id: str) -> Item | None:
        return self._by_id.get(item_id)

    def is_member(self, item: Item) -> bool:
        """Whether `item` is a member organisation, not a project: `kind: member`, or placed
        first in the members' category (`members_category`; PyTorch's data sets no kinds). The
        site keeps the two apart: alternatives, torch panels, badges and comparisons are about
        software."""
        return item.kind == "member" or (self._members is not None and item.category == self._members)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Non-blocking errors (e.g. a missing logo): reported, and the site still builds."""
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    def items_in(self, category: str, subcategory: str | None = None) -> tuple[Item, ...]:
        """Items listed in a category (or one subcategory), second placements included."""
        found = []
        for item in self.items:
            for place in item.placements:
                if place.category == category and subcategory in (None, place.subcategory):
                    found.append(item)
                    break
        return tuple(found)

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per item, with the columns of items.csv (for exports and dataframes)."""
        return [export_record(item) for item in self.items]

    def to_pandas(self) -> Any:
        """The items as a pandas DataFrame (needs the `pandas` extra)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            from torchscape.errors import TorchscapeError

            message = "to_pandas() needs pandas: pip install 'torchscape[pandas]'"
            raise TorchscapeError(message) from exc
        return pd.DataFrame.from_records(self.to_records())


def export_record(item: Item) -> dict[str, Any]:
    """One item with the columns of items.csv (lists stay lists; missing values are None): what
    `to_records`, `to_pandas`, `items.csv` and `torchscape export` share."""
    return {
        "id": item.id,
        "name": item.name,
        "category": item.category,
        "subcategory": item.subcategory,
        "second_paths": [p.path for p in item.second_paths],
        "status": item.status.value if item.status else None,
        "status_label": item.status.label if item.status else None,
        "kind": item.kind,
        "license": item.license,
        "homepage_url": item.homepage_url,
        "repo_url": item.repo_url,
        "documentation_url": item.documentation_url,
        "packages": list(item.packages),
        "keywords": list(item.keywords),
        "description": item.description,
    }
