"""The pages of issue #8: comparisons (the settings' named ones, and the page that builds any
other comparison in the browser), the dependency graph, torch compatibility."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from torchscape.catalog.model import Landscape
from torchscape.relations.compare import compare_data
from torchscape.relations.graph import Drawing, layout
from torchscape.site.model import CategoryView, SiteModel
from torchscape.site.pages import Page, _common, _write
from torchscape.site.related import CompareTables
from torchscape.site.render import shown
from torchscape.site.writer import FileSink

#: Above this many linked items the whole graph is not drawn (only per category).
WHOLE_GRAPH_LIMIT = 400


@dataclass(frozen=True, slots=True)
class GraphView:
    """One drawing of the graph page: all items, or one category's items and their neighbours."""

    id: str
    title: str
    drawing: Drawing
    svg: str


def write_relation_pages(
    landscape: Landscape, model: SiteModel, assets: dict[str, str], writer: FileSink
) -> int:
    """Write the compare, graph and torch pages and api/compare.json; returns how many pages."""
    common = _common(landscape, model, assets)
    data = compare_data(landscape, model.relations, model.observed.as_of)
    for item_id, record in data["items"].items():
        record["logo"] = model.tile_logos[item_id]  # shown at tile size, as on the pre-rendered pages
    writer.write(
        "api/compare.json", shown(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    )
    count = _write_comparisons(landscape, model, common, writer)
    if model.relations.has_dependencies:  # else nothing to draw: no page, no link to one
        count += _write_graph(landscape, model, common, writer)
    if model.relations.has_torch:  # else not a PyTorch landscape, or never refreshed
        count += _write_torch(landscape, model, common, writer)
    return count


def _write_comparisons(
    landscape: Landscape, model: SiteModel, common: dict[str, Any], writer: FileSink
) -> int:
    """compare/ (built in the browser) and compare/<name>/ for the settings' comparisons (each
    item's comparison with its alternatives is on its own page)."""
    named = model.relations.comparisons
    context = {"named": named, "items": landscape}
    page = Page("compare/", f"Compare · {model.title}", "Projects side by side.")
    _write(writer, "compare.html", page, common, comparison=None, compare_table=None, **context)
    tables = CompareTables(landscape, model, "../../")  # compare/<name>/
    for comparison in named:
        names = ", ".join(landscape.item(i).name for i in comparison.items)
        page = Page(f"compare/{comparison.id}/", f"{comparison.name} · {model.title}", f"Compare {names}.")
        view = tables.html(comparison.items)
        _write(writer, "compare.html", page, common, comparison=comparison, compare_table=view, **context)
    return 1 + len(named)


def _graph_input(
    landscape: Landscape, model: SiteModel
) -> tuple[dict[str, list[str]], dict[str, str], dict[str, str]]:
    base = model.relations.base
    edges = {s: [t for t in targets if t != base] for s, targets in model.relations.built_on.items()}
    names = {i.id: i.name for i in landscape}
    categories = {i.id: i.category for i in landscape}
    return edges, names, categories


def graph_views(landscape: Landscape, model: SiteModel, category: CategoryView | None) -> list[GraphView]:
    """The whole graph (category None), or one drawing per subcategory of a category: its items
    and the items they are built on or used by."""
    edges, names, categories = _graph_input(landscape, model)
    if category is None:
        linked = set(edges) | {t for targets in edges.values() for t in targets}
        if len(linked) > WHOLE_GRAPH_LIMIT:
            return []  # unreadable at that size: the page offers the categories instead
        whole = layout("all", "All categories", edges, names, categories)
        return [GraphView("all", "All categories", whole, whole.svg("../projects/{id}/"))]
    views = []
    for sub in category.subcategories:
        members = {t.item.id for t in sub.tiles}
        drawing = layout(sub.id, sub.name, edges, names, categories, focus=members)
        if drawing.nodes:
            svg = drawing.svg("../../projects/{id}/", category.name)
            views.append(GraphView(sub.id, sub.name, drawing, svg))
    return views


def _write_graph(landscape: Landscape, model: SiteModel, common: dict[str, Any], writer: FileSink) -> int:
    relations = model.relations
    base = landscape.get(relations.base) if relations.base else None
    on_base = len(relations.used_by.get(base.id, ())) if base else 0
    linked = set(relations.built_on) | set(relations.used_by)
    counts = {
        c.id: len({t.item.id for s in c.subcategories for t in s.tiles} & linked) for c in model.categories
    }
    context = {"base": base, "on_base": on_base, "counts": counts}
    page = Page("graph/", f"Dependencies · {model.title}", "Which listed projects are built on which.")
    views = graph_views(landscape, model, None)
    _write(writer, "graph.html", page, common, views=views, category=None, **context)
    count = 1
    for category in model.categories:
        if not counts[category.id]:
            continue
        page = Page(
            f"graph/{category.id}/",
            f"Dependencies in {category.name} · {model.title}",
            f"Which projects of {category.name} are built on which.",
        )
        views = graph_views(landscape, model, category)
        _write(writer, "graph.html", page, common, views=views, category=category, **context)
        count += 1
    return count


def _write_torch(landscape: Landscape, model: SiteModel, common: dict[str, Any], writer: FileSink) -> int:
    relations = model.relations
    versions = relations.torch.minors
    known = [i for i in landscape if relations.compatible.get(i.id) is not None]
    unknown = [i for i in landscape if relations.compatible.get(i.id) is None and not landscape.is_member(i)]
    requirements = {i.id: model.observed.get(i.id).torch_requirement for i in known}
    page = Page(
        "torch/", f"torch compatibility · {model.title}", "Which projects accept which torch version."
    )
    context = {"versions": versions, "known": known, "unknown": unknown, "requirements": requirements}
    _write(writer, "torch.html", page, common, version=None, source=relations.torch.source, **context)
    for version in versions:
        page = Page(
            f"torch/{version}/",
            f"torch {version} · {model.title}",
            f"Which projects of the landscape accept torch {version}.",
        )
        accepting = [i for i in known if version in (relations.compatible[i.id] or ())]
        refusing = [i for i in known if version not in (relations.compatible[i.id] or ())]
        _write(
            writer,
            "torch.html",
            page,
            common,
            version=version,
            source=relations.torch.source,
            accepting=accepting,
            refusing=refusing,
            **context,
        )
    return 1 + len(versions)
