"""The dependency graph drawn at build time as SVG: layered, linked, one drawing per category.

Layout: an item's column is the length of its longest chain of listed dependencies (items built
on nothing listed are in the first column), found on networkx's condensation of the graph so
that dependency cycles cannot break it; rows in each column are ordered by the mean row of what
they are built on (two sweeps), then by name. Edges to the base item (the one listing the `torch`
package, which nearly everything requires) are left out of the drawings and counted instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

if TYPE_CHECKING:  # imported where a graph is drawn: a tenth of a second a build without one saves
    import networkx as nx

COLUMN = 210
ROW = 30
NODE_WIDTH = 176
NODE_HEIGHT = 22
MARGIN = 12


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    name: str
    category: str
    column: int
    row: int
    context: bool = False  # drawn for its link to the category, but listed elsewhere


@dataclass(frozen=True, slots=True)
class Drawing:
    """One drawing: nodes with places, edges as (from, to) = (item, what it is built on)."""

    id: str
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]
    width: int
    height: int

    def svg(self, link: str, category: str | None = None) -> str:
        """The drawing as SVG; `link` is a format string for item pages (`{id}` is replaced).
        A box's tooltip (and accessible name) gives the item's whole name and its category, unless
        the label shows the whole name and the page is about that `category`.

        Terse, as a category's drawings hold thousands of edges and boxes: edges are one relative
        cubic each, and what every edge or box shares (size, corners, colours) is said once, by
        the parent groups' classes and the site's CSS."""
        places = {n.id: n for n in self.nodes}
        paths = []
        for source, target in self.edges:
            a, b = places[source], places[target]
            x1, y1 = _x(b.column) + NODE_WIDTH, _y(b.row) + NODE_HEIGHT // 2
            x2, y2 = _x(a.column), _y(a.row) + NODE_HEIGHT // 2
            bend, rise = (x2 - x1) // 2, y2 - y1
            paths.append(f'<path d="M{_numbers(x1, y1)}c{_numbers(bend, 0, bend, rise, x2 - x1, rise)}"/>')
        # Boxes in columns (the nodes come column by column): a column's group places its boxes
        # across. Where most boxes are context (a category's drawings), the group says so and
        # marks the drawing's own items instead.
        faded = 2 * sum(n.context for n in self.nodes) > len(self.nodes)
        boxes: list[str] = []
        column: int | None = None
        for node in self.nodes:
            if node.column != column:
                boxes.append(
                    f'{"</g>" if column is not None else ""}<g transform="translate({_x(node.column)})">'
                )
                column = node.column
            y = _y(node.row)
            href = quoteattr(link.format(id=node.id))
            label = node.name if len(node.name) <= 24 else node.name[:23] + "…"
            if faded:
                kind = "" if node.context else ' class="own"'
            else:
                kind = ' class="context"' if node.context else ""
            said = label == node.name and node.category == category
            title = "" if said else f"<title>{escape(node.name)} ({escape(node.category)})</title>"
            boxes.append(
                f"<a href={href}{kind}>{title}"
                f'<rect y="{y}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}"/>'  # corners: CSS
                f'<text x="8" y="{y + 15}">{escape(label)}</text></a>'
            )
        if boxes:
            boxes.append("</g>")
        return (
            f'<svg class="graph" viewBox="0 0 {self.width} {self.height}" width="{self.width}" '
            f'height="{self.height}" role="group" aria-label={quoteattr(self.title)} '
            f'xmlns="http://www.w3.org/2000/svg"><g class="edges">{"".join(paths)}</g>'
            f'<g class="{"nodes faded" if faded else "nodes"}">{"".join(boxes)}</g></svg>'
        )


def _numbers(*values: int) -> str:
    """Path numbers, separated by a space only where no minus sign separates them."""
    text = str(values[0])
    for value in values[1:]:
        text += str(value) if value < 0 else f" {value}"
    return text


def _x(column: int) -> int:
    return MARGIN + column * COLUMN


def _y(row: int) -> int:
    return MARGIN + row * ROW


def layout(
    drawing_id: str,
    title: str,
    edges: Mapping[str, Sequence[str]],
    names: Mapping[str, str],
    categories: Mapping[str, str],
    focus: set[str] | None = None,
) -> Drawing:
    """Place the items that have an edge; with `focus`, only edges touching those items are kept
    (their other ends are drawn as context)."""
    kept = [
        (source, target)
        for source in sorted(edges)
        for target in edges[source]
        if focus is None or source in focus or target in focus
    ]
    if not kept:
        return Drawing(drawing_id, title, (), (), 2 * MARGIN, 2 * MARGIN)
    import networkx as nx

    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_edges_from(kept)
    columns = _columns(graph)
    rows = _rows(graph, columns)
    nodes = tuple(
        Node(
            node,
            names[node],
            categories[node],
            columns[node],
            rows[node],
            context=focus is not None and node not in focus,
        )
        for node in sorted(graph.nodes, key=lambda n: (columns[n], rows[n]))
    )
    width = 2 * MARGIN + (max(columns.values()) + 1) * COLUMN - (COLUMN - NODE_WIDTH)
    height = 2 * MARGIN + max(rows.values()) * ROW + NODE_HEIGHT
    return Drawing(drawing_id, title, nodes, tuple(sorted(graph.edges)), width, height)


def _columns(graph: nx.DiGraph[str]) -> dict[str, int]:
    """Longest chain of dependencies below each node (cycles collapsed into one step)."""
    import networkx as nx

    condensed = nx.condensation(graph)
    depth: dict[int, int] = {}
    for component in reversed(list(nx.topological_sort(condensed))):
        below = [depth[t] for t in condensed.successors(component)]
        depth[component] = 1 + max(below) if below else 0
    mapping: dict[str, int] = condensed.graph["mapping"]
    return {node: depth[mapping[node]] for node in graph.nodes}


def _rows(graph: nx.DiGraph[str], columns: Mapping[str, int]) -> dict[str, int]:
    by_column: dict[int, list[str]] = {}
    for node in sorted(graph.nodes):
        by_column.setdefault(columns[node], []).append(node)
    first = by_column.get(0, [])
    first.sort(key=lambda n: (-graph.in_degree(n), n))
    rows = {node: index for index, node in enumerate(first)}
    for _sweep in range(2):
        for column in sorted(by_column):
            if column == 0:
                continue
            nodes = by_column[column]
            nodes.sort(key=lambda n: (_mean([rows.get(t, 0) for t in graph.successors(n)]), n))
            rows.update({node: index for index, node in enumerate(nodes)})
        if len(by_column) > 1 and first:
            first.sort(key=lambda n: (_mean([rows[s] for s in graph.predecessors(n)] or [0]), n))
            rows.update({node: index for index, node in enumerate(first)})
    return rows


def _mean(values: Sequence[int]) -> float:
    return sum(values) / len(values) if values else 0.0
