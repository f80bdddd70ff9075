"""What an item page shows about the item's relations: alternatives (with compare links), what
it is built on and what uses it (listed items only), the torch versions it accepts; and the
side-by-side tables of pre-rendered comparisons."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from torchscape.catalog.model import Item, Landscape
from torchscape.relations.compare import ROWS, UNKNOWN, expand_all, mark_best
from torchscape.site.model import SiteModel

#: How many alternatives an item page compares the item with, side by side.
ALTERNATIVES_COMPARED = 3
#: Item pages carry their side-by-side table up to this many items; bigger landscapes link to
#: the compare view instead (the same table, built in the browser from `api/compare.json`), as
#: each table repeats what four other pages say, and a page each for thousands of items adds up.
INLINE_TABLES_UP_TO = 1_000
#: Rows an item page's table leaves out: each column's name already links to its page and links.
_ITEM_PAGE_SKIPS = frozenset({"links"})
_BEST = ' <span class="best-mark" title="best of this comparison">best</span>'


class CompareTables:
    """Comparison tables as HTML for pages whose link to the site root is `root`. Each item's
    cells are made from its facts and rendered once, however many tables show them (plain string
    building: thousands of tables are built per site), and only for items some table shows."""

    def __init__(self, landscape: Landscape, model: SiteModel, root: str) -> None:
        self._landscape = landscape
        self._model = model
        self._root = root
        self._names = {item.id: item.name for item in landscape}
        self._expanded: dict[str, dict[str, dict[str, Any]]] = {}
        self._cells: dict[str, dict[str, str]] = {}

    def html(self, ids: Sequence[str], compact: bool = False) -> Markup:
        """The table of `ids`, without the rows unknown for all of them; `compact` (item pages)
        leaves out links too."""
        records = [self._expand(i) for i in ids]
        best = mark_best(records)
        head = "".join(self._head(i) for i in ids)
        rows = []
        for row in ROWS:
            unknown_for_all = all(r[row.key].get("text") == UNKNOWN for r in records)
            if unknown_for_all or (compact and row.key in _ITEM_PAGE_SKIPS):
                continue
            cells = []
            for index, item_id in enumerate(ids):
                marked = index in best.get(row.key, ())
                unknown = records[index][row.key].get("text") == UNKNOWN
                classes = " ".join(c for c, on in (("best", marked), ("unknown", unknown)) if on)
                inner = self._rendered(item_id)[row.key]
                opening = f'<td class="{classes}">' if classes else "<td>"
                cells.append(f"{opening}{inner}{_BEST if marked else ''}</td>")
            rows.append(
                f'<tr data-row="{row.key}"><th scope="row">{escape(row.label)}</th>{"".join(cells)}</tr>'
            )
        return Markup(  # noqa: S704 - every value is escaped above
            '<div class="compare-wrap"><table class="compare"><thead><tr><th scope="col">'
            f'<span class="visually-hidden">Fact</span></th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )

    def _head(self, item_id: str) -> str:
        item, root = self._landscape.item(item_id), self._root
        logo = self._model.tile_logos[item_id]
        page = escape(f"{root}projects/{item_id}/")
        return (
            f'<th scope="col" data-id="{escape(item_id)}"><a href="{page}">'
            f'<img src="{escape(root + logo)}" alt="" width="96" height="56"><span>{escape(item.name)}</span>'
            "</a></th>"
        )

    def _expand(self, item_id: str) -> dict[str, dict[str, Any]]:
        found = self._expanded.get(item_id)
        if found is None:
            found = expand_all(self._model.relations.facts[item_id], self._names)
            self._expanded[item_id] = found
        return found

    def _rendered(self, item_id: str) -> dict[str, str]:
        found = self._cells.get(item_id)
        if found is None:
            found = {key: self._cell(cell) for key, cell in self._expand(item_id).items()}
            self._cells[item_id] = found
        return found

    def _cell(self, cell: dict[str, Any]) -> str:
        links = cell.get("links")
        if not links:
            return str(escape(cell["text"]))
        parts = []
        for label, url in links:
            outside = url.startswith(("http://", "https://"))
            href = url if outside else self._root + url
            rel = ' rel="noopener noreferrer"' if outside else ""
            parts.append(f'<a href="{escape(href)}"{rel}>{escape(label)}</a>')
        return ", ".join(parts)


def item_relations(
    item: Item, landscape: Landscape, model: SiteModel, tables: CompareTables
) -> dict[str, Any]:
    """Template context for one item page. A member (`Landscape.is_member`) gets no torch panel,
    badge or comparison: those are about software."""
    relations = model.relations
    alternatives = [landscape.item(other) for other, _ in relations.alternatives.get(item.id, ())]
    compared = (item.id, *[a.id for a in alternatives[:ALTERNATIVES_COMPARED]])
    member = landscape.is_member(item)
    inline = bool(alternatives) and len(landscape) <= INLINE_TABLES_UP_TO and not member
    return {
        "member": member,
        "alternatives": alternatives,
        "built_on": [landscape.item(i) for i in relations.built_on.get(item.id, ())],
        "used_by": [landscape.item(i) for i in relations.used_by.get(item.id, ())],
        "torch_ok": relations.compatible.get(item.id),
        "torch_tested": relations.torch.minors,
        "compared": compared,
        "compare_table": tables.html(compared, compact=True) if inline else None,
    }
