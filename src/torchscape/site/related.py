"""What an item page shows about the item's relations: alternatives (with compare links), what
it is built on and what uses it (listed items only), the torch versions it accepts, placements."""

from __future__ import annotations

from typing import Any

from torchscape.catalog.model import Item, Landscape
from torchscape.relations.compare import table
from torchscape.site.model import SiteModel

#: How many alternatives an item page compares the item with, side by side.
ALTERNATIVES_COMPARED = 3


def item_relations(item: Item, landscape: Landscape, model: SiteModel) -> dict[str, Any]:
    """Template context for one item page."""
    relations = model.relations
    alternatives = [landscape.item(other) for other, _ in relations.alternatives.get(item.id, ())]
    built_on = [landscape.item(i) for i in relations.built_on.get(item.id, ())]
    used_by = [landscape.item(i) for i in relations.used_by.get(item.id, ())]
    return {
        "alternatives": alternatives,
        "built_on": built_on,
        "used_by": used_by,
        "torch_ok": relations.compatible.get(item.id),
        "torch_tested": relations.torch.minors,
        "items": landscape,
        "table": table(relations, (item.id, *[a.id for a in alternatives[:ALTERNATIVES_COMPARED]]))
        if alternatives
        else None,
    }
