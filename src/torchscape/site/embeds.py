"""Embeddable views: light pages meant for an iframe on another site, and the page that writes the snippet.

- `embed/<category>/`, `embed/<category>/<subcategory>/`: logo tiles, grouped by subcategory;
- `embed/item/<id>.html`: one item's card (a file, not a folder of its own: at 2,500 items,
  making 2,500 more folders was about a second of a build's kernel time on the shared machine);
- `embed/`: the setup page (pick a view and options, copy the iframe and the listener snippet).

Embed pages load no explorer code: embed.css (the theme first) and embed.js (options from the query
string, and the page's height posted to the parent window). Nothing here is linked from the home
page, so it adds nothing to its weight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from torchscape.catalog.ids import claim
from torchscape.catalog.model import Item, Landscape
from torchscape.site.model import CategoryView, SiteModel, SubcategoryView
from torchscape.site.render import render
from torchscape.site.writer import FileSink

#: The message an embed page posts to its parent window: {type, height}.
MESSAGE_TYPE = "torchscape:height"
ITEM_FOLDER = "item"


@dataclass(frozen=True, slots=True)
class EmbedTarget:
    """One embeddable view: its folder under embed/ and what the setup page calls it."""

    path: str  # e.g. "embed/training/distributed/", "embed/item/torchvision.html"
    label: str
    kind: str  # "category", "subcategory" or "item"
    key: str  # "category:<id>", "subcategory:<category id>/<id>", "item:<id>" (setup page's ?view=)


def category_folders(categories: Sequence[CategoryView]) -> dict[str, str]:
    """Each category's folder under embed/ (by category id): its id, except that embed/item/
    holds the item cards, so a category whose id is `item` moves aside, to `item-category`
    unless another category has that id (then `item-category-2`, ...)."""
    used = {ITEM_FOLDER, *(category.id for category in categories)}
    return {
        category.id: claim(f"{ITEM_FOLDER}-category", used) if category.id == ITEM_FOLDER else category.id
        for category in categories
    }


def targets(landscape: Landscape, model: SiteModel) -> list[EmbedTarget]:
    found: list[EmbedTarget] = []
    folders = category_folders(model.categories)
    for category in model.categories:
        folder = folders[category.id]
        found.append(EmbedTarget(f"embed/{folder}/", category.name, "category", f"category:{category.id}"))
        found += [
            EmbedTarget(
                f"embed/{folder}/{sub.id}/",
                f"{category.name} / {sub.name}",
                "subcategory",
                f"subcategory:{category.id}/{sub.id}",
            )
            for sub in category.subcategories
        ]
    found += [EmbedTarget(item_card(item), item.name, "item", f"item:{item.id}") for item in landscape]
    return found


def write_embeds(
    landscape: Landscape, model: SiteModel, assets: dict[str, str], writer: FileSink, common: dict[str, Any]
) -> int:
    """Every embed page and the setup page; returns how many pages."""
    count = 0
    folders = category_folders(model.categories)
    for category in model.categories:
        folder = folders[category.id]
        count += _write_view(writer, f"embed/{folder}/", model, assets, category, category.subcategories)
        for sub in category.subcategories:
            count += _write_view(writer, f"embed/{folder}/{sub.id}/", model, assets, category, (sub,))
    for item in landscape:
        path = item_card(item)
        context = _context(path, model, assets, f"{item.name} · {model.title}")
        writer.write(path, render("embed_item.html", item=item, **context))
        count += 1
    from torchscape.site.pages import Page

    page = Page("embed/", f"Embed · {model.title}", f"Put a part of the {model.title} on your own site.")
    choices = targets(landscape, model)
    writer.write(
        "embed/index.html",
        render(
            "embed_setup.html",
            page=page,
            root=page.root,
            targets=choices,
            first=choices[0] if choices else None,
            message_type=MESSAGE_TYPE,
            **common,
        ),
    )
    return count + 1


def _write_view(
    writer: FileSink,
    path: str,
    model: SiteModel,
    assets: dict[str, str],
    category: CategoryView,
    subcategories: tuple[SubcategoryView, ...],
) -> int:
    name = category.name if len(subcategories) != 1 or len(category.subcategories) == 1 else None
    heading = name or f"{category.name} / {subcategories[0].name}"
    context = _context(path, model, assets, f"{heading} · {model.title}")
    html = render(
        "embed_view.html", category=category, subcategories=subcategories, heading=heading, **context
    )
    writer.write(f"{path}index.html", html)
    return 1


def _context(path: str, model: SiteModel, assets: dict[str, str], title: str) -> dict[str, Any]:
    return {
        "site": model,
        "assets": assets,
        "root": "../" * path.count("/"),
        "title": title,
        "message_type": MESSAGE_TYPE,
    }


def item_card(item: Item) -> str:
    """Where the embeddable card of `item` is, in the site."""
    return f"embed/{ITEM_FOLDER}/{item.id}.html"


def item_page(item: Item) -> str:
    return f"projects/{item.id}/"
