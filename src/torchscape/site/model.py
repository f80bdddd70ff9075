"""What the pages show: the landscape arranged as groups, categories, subcategories and tiles.

Built once per build from the frozen Landscape; templates only read it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Final
from urllib.parse import urlsplit

from torchscape.catalog.ids import is_valid_slug, normalize_name, section_id
from torchscape.catalog.model import MAX_GROUPS, Item, Landscape
from torchscape.catalog.raw import RawSettings
from torchscape.catalog.validate_settings import usable_item_word
from torchscape.relations import Relations
from torchscape.site.monogram import monogram_index, monogram_letters
from torchscape.sources.observed import Observed


@dataclass(frozen=True, slots=True)
class Tile:
    """One item as shown in one place of the grid."""

    item: Item
    logo: str
    featured: str | None = None
    featured_order: int = 0
    secondary: bool = False  # listed here through second_path
    monogram: tuple[str, int] | None = None  # (letters, colour): no usable logo, drawn as text
    #: groups whose tab shows it unfeatured (the `exclude` of the rule that features it)
    featured_except: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class SubcategoryView:
    name: str
    id: str
    tiles: tuple[Tile, ...]


@dataclass(frozen=True, slots=True)
class CategoryView:
    name: str
    id: str
    subcategories: tuple[SubcategoryView, ...]

    @property
    def item_count(self) -> int:
        """Distinct items in the category (an item in two subcategories counts once)."""
        return len({t.item.id for s in self.subcategories for t in s.tiles})


@dataclass(frozen=True, slots=True)
class GroupView:
    name: str
    id: str
    categories: tuple[CategoryView, ...]


@dataclass(frozen=True, slots=True)
class SiteModel:
    """Everything the templates need about the landscape's structure."""

    title: str
    foundation: str
    base_url: str
    groups: tuple[GroupView, ...]
    categories: tuple[CategoryView, ...]
    logos: Mapping[str, str]
    featured: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    #: item id -> the logo tiles show (a bitmap thumbnail of an SVG logo, where there is one)
    tile_logos: Mapping[str, str] = field(default_factory=dict)
    monograms: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    observed: Observed = field(default_factory=Observed)
    relations: Relations = field(default_factory=Relations)
    #: settings image ("header.logo", "images.favicon", ...) -> its path in the site, for those
    #: named by URL that `refresh` fetched (see `sources.settings_images`)
    images: Mapping[str, str] = field(default_factory=dict)
    #: path in the site -> bytes, of each logo file (empty where nothing wrote them)
    logo_bytes: Mapping[str, int] = field(default_factory=dict)
    #: items whose catalog entry has no description: the one shown is upstream's (see
    #: `with_upstream_descriptions`), said so on their page and left out of the API's curated field
    upstream_descriptions: frozenset[str] = frozenset()

    def category(self, name: str) -> CategoryView | None:
        return next((c for c in self.categories if c.name == name), None)

    def grid_logo_bytes(self) -> int:
        """What the logo files of the home page's grid weigh together (each file once)."""
        tiles = (t for g in self.groups for c in g.categories for s in c.subcategories for t in s.tiles)
        return sum(self.logo_bytes.get(path, 0) for path in {t.logo for t in tiles if not t.monogram})


def site_model(
    landscape: Landscape,
    logos: Mapping[str, str],
    observed: Observed | None = None,
    relations: Relations | None = None,
    placeholders: Iterable[str] = (),
    tile_logos: Mapping[str, str] | None = None,
    images: Mapping[str, str] | None = None,
    logo_bytes: Mapping[str, int] | None = None,
    upstream_descriptions: Iterable[str] = (),
) -> SiteModel:
    """Arrange the landscape for display; `logos` maps item id -> logo path in the site,
    `tile_logos` the same for tiles (default: `logos`), and `placeholders` are the items whose
    logo is a generated monogram: tiles and cards draw those as text (one SVG image per tile
    costs the browser far more); `images` the settings' images in the site and `logo_bytes` the
    size of each logo file (see `SiteModel`)."""
    tile_logos = logos if tile_logos is None else tile_logos
    settings = landscape.settings
    featured, exceptions = _featured(landscape, settings)
    monograms = {
        item.id: (monogram_letters(item.name), monogram_index(item.name))
        for item in (landscape.item(i) for i in placeholders)
    }
    placed: dict[tuple[str, str], list[Tile]] = defaultdict(list)
    for item in landscape:
        label, order = featured.get(item.id, (None, 0))
        for index, place in enumerate(item.placements):
            except_in = exceptions.get(item.id, frozenset())
            tile = Tile(item, tile_logos[item.id], label, order, index > 0, monograms.get(item.id), except_in)
            placed[(place.category, place.subcategory)].append(tile)
    categories = tuple(
        _category(c.name, [s.name for s in c.subcategories], placed, settings) for c in landscape.categories
    )
    foundation = settings.foundation if settings else "Open source"
    return SiteModel(
        title=site_title(settings),
        foundation=foundation,
        base_url=base_url(settings),
        groups=_groups(categories, settings),
        categories=categories,
        logos=logos,
        featured=featured,
        tile_logos=tile_logos,
        monograms=monograms,
        observed=observed or Observed(),
        relations=relations or Relations(),
        images=images or {},
        logo_bytes=logo_bytes or {},
        upstream_descriptions=frozenset(upstream_descriptions),
    )


def with_upstream_descriptions(landscape: Landscape, observed: Observed) -> tuple[Landscape, frozenset[str]]:
    """The landscape as the site shows it: an item without a description in the catalog gets
    what its project says of itself upstream (repository description, else package summary), as
    landscape2 does; and the ids of those items. Their pages say where the text comes from; the
    API keeps the catalog's `description` empty and gives upstream's under `observed`."""
    borrowed = {}
    for item in landscape:
        if not item.description and (text := observed.get(item.id).description):
            borrowed[item.id] = replace(item, description=text)
    if not borrowed:
        return landscape, frozenset()
    items = tuple(borrowed.get(item.id, item) for item in landscape)
    return replace(landscape, items=items), frozenset(borrowed)


#: What pages call items, unless the settings say otherwise (`torchscape.item_words`).
DEFAULT_ITEM_WORDS: Final = ("project", "projects")


def item_words(settings: RawSettings | None) -> tuple[str, str]:
    """(one, many): what the pages call the landscape's items, "project" and "projects" unless
    the settings' `torchscape.item_words` says otherwise (validation warns of unusable ones)."""
    words = settings.torchscape.item_words if settings and settings.torchscape else None
    if words is None or not {"one", "many"} <= words.model_fields_set:  # one alone: "2 projects", "1 member"
        return DEFAULT_ITEM_WORDS
    if not usable_item_word(words.one) or not usable_item_word(words.many):
        return DEFAULT_ITEM_WORDS
    return words.one.strip(), words.many.strip()


def site_title(settings: RawSettings | None) -> str:
    """ "<foundation> Landscape", as every page's title ends."""
    return f"{settings.foundation if settings else 'Open source'} Landscape"


def base_url(settings: RawSettings | None) -> str:
    """The absolute URL of the site root (settings `url`, plus `base_path` when not in it),
    without a query or fragment: every page's address starts with it (validate warns of them)."""
    if settings is None:
        return ""
    url = urlsplit(settings.url.strip())._replace(query="", fragment="").geturl().rstrip("/")
    base_path = (settings.base_path or "").rstrip("/")
    if base_path and not urlsplit(url).path.rstrip("/").endswith(base_path):
        url += base_path
    return url


def _category(
    name: str,
    subcategories: list[str],
    placed: dict[tuple[str, str], list[Tile]],
    settings: RawSettings | None,
) -> CategoryView:
    order = subcategories
    override = next((c for c in (settings.categories or ()) if c.name == name), None) if settings else None
    if override is not None:
        order = [s for s in override.subcategories if s in subcategories]
    views = tuple(
        SubcategoryView(
            sub, section_id(sub, "subcategory"), tuple(sorted(placed[(name, sub)], key=_tile_order))
        )
        for sub in order
    )
    return CategoryView(name, section_id(name, "category"), views)


def _unfeatured_in(group: str, category: CategoryView) -> CategoryView:
    """The category as the tab of `group` shows it: without featuring the tiles whose rule
    excludes that group (a landscape2 `featured_items` rule's `exclude.groups`), in the order
    that then follows. The same view when no tile is concerned."""
    if not any(group in t.featured_except for s in category.subcategories for t in s.tiles):
        return category
    subcategories = []
    for sub in category.subcategories:
        tiles = (_unfeatured(t) if group in t.featured_except else t for t in sub.tiles)
        subcategories.append(replace(sub, tiles=tuple(sorted(tiles, key=_tile_order))))
    return replace(category, subcategories=tuple(subcategories))


def _unfeatured(tile: Tile) -> Tile:
    return replace(tile, featured=None, featured_order=0)


def _tile_order(tile: Tile) -> tuple[int, int, str, str]:
    return (0 if tile.featured else 1, tile.featured_order, tile.item.name.casefold(), tile.item.id)


def _groups(categories: tuple[CategoryView, ...], settings: RawSettings | None) -> tuple[GroupView, ...]:
    by_name = {c.name: c for c in categories}
    groups = []
    used: set[str] = set()
    for group in ((settings.groups or ()) if settings else ())[:MAX_GROUPS]:  # validate warns of more
        members = tuple(by_name[c] for c in dict.fromkeys(group.categories) if c in by_name)
        used.update(c.name for c in members)
        if members:
            key = group.alias if group.alias and is_valid_slug(group.alias) else normalize_name(group.name)
            members = tuple(_unfeatured_in(group.name, c) for c in members)
            groups.append(GroupView(group.name, key, members))
    rest = tuple(c for c in categories if c.name not in used)
    if rest:
        name = "More" if groups else "Landscape"
        groups.append(GroupView(name, normalize_name(name), rest))
    return tuple(groups)


def _featured(
    landscape: Landscape, settings: RawSettings | None
) -> tuple[dict[str, tuple[str, int]], dict[str, frozenset[str]]]:
    """Items featured by the settings' rules (maturity = curation status, or subcategory): the
    label and order of each, and the groups its rule excludes (shown unfeatured in their tabs)."""
    featured: dict[str, tuple[str, int]] = {}
    exceptions: dict[str, frozenset[str]] = {}
    for rule in (settings.featured_items or ()) if settings else ():
        excluded = frozenset((rule.exclude.groups or ()) if rule.exclude else ())
        for option in rule.options:
            for item in landscape:
                value = item.status.value if rule.field == "maturity" and item.status else None
                if rule.field == "subcategory":
                    value = item.subcategory
                if value == option.value and item.id not in featured:
                    label = option.label or (item.status.label if item.status else option.value)
                    featured[item.id] = (label, option.order or 0)
                    if excluded:
                        exceptions[item.id] = excluded
    return featured, exceptions
