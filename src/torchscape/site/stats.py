"""The stats page: counts that answer "what is in this landscape?", as bars and as text.

Charts are plain SVG made here at build time (no chart library, nothing run in the browser);
every chart has the same numbers in a table next to it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from torchscape.catalog.model import Landscape
from torchscape.site.model import SiteModel, item_words

_BAR_HEIGHT = 22
_LABEL_WIDTH = 230
_CHART_WIDTH = 640
_ACTIVITY_ORDER = ("active", "slowing", "dormant", "archived", "unknown")
_STAR_BUCKETS = (
    (0, "under 100"),
    (100, "100 to 999"),
    (1_000, "1k to 9.9k"),
    (10_000, "10k to 49k"),
    (50_000, "50k and more"),
)


@dataclass(frozen=True, slots=True)
class Chart:
    """One question, its answer as (label, count) rows, and the rows drawn as an SVG bar chart."""

    id: str
    title: str
    note: str
    rows: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.rows)

    @property
    def svg(self) -> str:
        return bar_chart(self.rows, self.title)


def charts(landscape: Landscape, model: SiteModel) -> list[Chart]:
    """Every chart of the stats page, in reading order."""
    items = list(landscape)
    statuses = _counted(i.status.label if i.status else "no status" for i in items)
    licences = _top(_licence(i.id, i.license, model) for i in items)
    per_category = f"{item_words(landscape.settings)[1].capitalize()} per category"
    kinds = _counted("member" if landscape.is_member(i) else i.kind or "not given" for i in items)
    result = [
        Chart("categories", per_category, "Counted once per category.", _per_category(model)),
        Chart("status", "Curation status", "Set by the landscape's maintainers.", statuses),
        Chart("kind", "Kind", "From the catalog (members: also its members' category).", kinds),
        Chart("license", "Licences", "Catalog licence, else GitHub's or the package's.", licences),
    ]
    observed = [model.observed.get(i.id) for i in items]
    if any(o.repo or o.packages for o in observed):
        activity: Counter[str] = Counter(o.activity or "unknown" for o in observed)
        rows = tuple((name, activity[name]) for name in _ACTIVITY_ORDER if activity[name])
        result.append(
            Chart(
                "activity", "Upstream state", "Observed: last commit or release; unknown without data.", rows
            )
        )
        languages = _top(str(o.repo.get("primary_language") or "unknown") for o in observed if o.repo)
        if languages:
            result.append(Chart("language", "Primary language", "Observed on GitHub.", languages))
        stars = [int(o.repo.get("stars") or 0) for o in observed if o.repo]
        if stars:
            result.append(Chart("stars", "GitHub stars", "Observed on GitHub.", _buckets(stars)))
    return result


def _per_category(model: SiteModel) -> tuple[tuple[str, int], ...]:
    rows: list[tuple[str, int]] = []
    for category in model.categories:
        rows.append((category.name, category.item_count))
        rows += [(f"  {s.name}", len(s.tiles)) for s in category.subcategories]
    return tuple(rows)


def _counted(values: Iterable[str]) -> tuple[tuple[str, int], ...]:
    counts = Counter(values)
    return tuple(sorted(counts.items(), key=lambda row: (-row[1], row[0])))


def _top(values: Iterable[str], limit: int = 12) -> tuple[tuple[str, int], ...]:
    rows = _counted(values)
    if len(rows) <= limit:
        return rows
    rest = sum(count for _, count in rows[limit - 1 :])
    return (*rows[: limit - 1], ("others", rest))


def _licence(item_id: str, curated: str | None, model: SiteModel) -> str:
    if curated:
        return curated
    observed = model.observed.get(item_id)
    found = (observed.repo or {}).get("license") or (observed.package or {}).get("license")
    return str(found) if found else "unknown"


def _buckets(stars: list[int]) -> tuple[tuple[str, int], ...]:
    rows = []
    for index, (low, label) in enumerate(_STAR_BUCKETS):
        high = _STAR_BUCKETS[index + 1][0] if index + 1 < len(_STAR_BUCKETS) else None
        rows.append((label, sum(1 for s in stars if s >= low and (high is None or s < high))))
    return tuple(rows)


def bar_chart(rows: tuple[tuple[str, int], ...], title: str) -> str:
    """A horizontal bar chart as an SVG string (text escaped; colours from the site's CSS)."""
    peak = max((count for _, count in rows), default=0) or 1
    height = _BAR_HEIGHT * len(rows) + 8
    bars = []
    for index, (label, count) in enumerate(rows):
        y = 4 + index * _BAR_HEIGHT
        width = round((_CHART_WIDTH - _LABEL_WIDTH - 60) * count / peak)
        indent = label.startswith("  ")
        bars.append(
            f'<text x="{_LABEL_WIDTH - 8}" y="{y + 15}" class="chart-label{" sub" if indent else ""}" '
            f'text-anchor="end">{escape(_short(label.strip()))}</text>'
            f'<rect x="{_LABEL_WIDTH}" y="{y + 3}" width="{max(width, 1)}" height="{_BAR_HEIGHT - 8}" rx="3" '
            f'class="chart-bar{" sub" if indent else ""}"/>'
            f'<text x="{_LABEL_WIDTH + width + 6}" y="{y + 15}" class="chart-value">{count}</text>'
        )
    return (
        f'<svg class="chart" viewBox="0 0 {_CHART_WIDTH} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>'
    )


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
