"""Relations in the built bundled site: compare pages that work without JavaScript, item page
sections, the graph and torch pages, the data the browser uses, and multi-placement counts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from site_helpers import bundled_sources, graph_boxes, parse, unresolved_links
from torchscape.site.build import BuildRequest, build_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("relations")
    (base / "empty").mkdir()
    build_site(BuildRequest(bundled_sources(base / "empty"), base / "site", base / "cache"))
    return base / "site"


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_links_resolve_and_pages_have_no_inline_code(site: Path) -> None:
    assert unresolved_links(site) == []
    for path in (
        "compare/index.html",
        "compare/training-loops/index.html",
        "graph/index.html",
        "torch/index.html",
    ):
        parsed = parse(site / path)
        assert parsed.inline_scripts == [] and parsed.style_attributes == 0, path


def test_named_comparison_is_pre_rendered_with_best_values(site: Path) -> None:
    html = read(site, "compare/training-loops/index.html")
    heads = re.findall(r'<th scope="col" data-id="([^"]+)"', html)
    assert heads == ["pytorch-lightning", "ignite", "fastai", "skorch"]
    for label in (
        "What it is for",
        "Curation status",
        "Licence",
        "Releases in the last year",
        "Days since the last release",
        "Accepts torch",
        "Python",
        "Built on (listed items)",
        "Listed items that depend on it",
        "Links",
    ):
        assert f'<th scope="row">{label}</th>' in html, label
    assert 'class="best' in html and "best of this comparison" in html
    # No GitHub data in the snapshot: rows unknown for all four are left out, as on item pages.
    assert "GitHub stars" not in html and '<tr data-row="stars">' not in html
    for row in re.findall(r"<tr data-row=.*?</tr>", html):
        assert row.count('<td class="unknown">') < 4, row[:60]
    index = read(site, "compare/index.html")
    home = read(site, "index.html")  # nor sorts by figures nobody has
    assert '<option value="stars">' not in home and '<option value="last_commit">' not in home
    assert '<option value="last_release">' in home
    assert 'href="../compare/training-loops/"' in index
    assert "data-compare-app" in index and "<noscript>" in index


def test_item_page_sections(site: Path) -> None:
    html = read(site, "projects/pytorch-lightning/index.html")
    alternatives = html[html.index('id="alternatives-title"') :]
    assert 'data-id="ignite"' in alternatives and 'data-id="fastai"' in alternatives
    assert "compare/?items=pytorch-lightning,ignite" in alternatives
    deps = html[html.index('id="deps-title"') :]
    assert 'href="../../projects/pytorch/"' in deps  # built on PyTorch
    assert 'id="torch-title"' in html and "torch/2.15/" in html
    side_by_side = html[html.index('<details class="side-by-side" id="compare">') :]
    columns = re.findall(r'<th scope="col" data-id="([^"]+)"', side_by_side)
    assert columns[0] == "pytorch-lightning" and len(columns) == 4 and "ignite" in columns
    base = read(site, "projects/pytorch/index.html")
    used = re.search(r"(\d+) listed items?:", base)
    assert used and int(used.group(1)) > 100


def test_unknown_torch_is_never_compatible(site: Path) -> None:
    explorer = {i["id"]: i for i in json.loads(read(site, "api/explorer.json"))["items"]}
    assert explorer["pytorch"]["torch_ok"] is None
    assert explorer["pytorch-lightning"]["torch_ok"][0] == "2.15"
    page = read(site, "torch/2.4/index.html")
    yes = page[page.index('data-torch="yes"') : page.index('data-torch="no"')]
    unknown = page[page.index('data-torch="unknown"') :]
    for item_id, row in explorer.items():
        link = f'href="../../projects/{item_id}/"'
        if row["torch_ok"] is None:
            assert link not in yes, item_id
        elif "2.4" in row["torch_ok"]:
            assert link in yes and link not in unknown, item_id
    assert 'href="../../projects/pytorch/"' in unknown
    # Each list says how many it holds.
    accepting = sum(1 for row in explorer.values() if row["torch_ok"] and "2.4" in row["torch_ok"])
    refusing = sum(
        1 for row in explorer.values() if row["torch_ok"] is not None and "2.4" not in row["torch_ok"]
    )
    assert f'Latest release accepts torch 2.4 <span class="count">{accepting}</span>' in page
    assert f'Latest release does not accept torch 2.4 <span class="count">{refusing}</span>' in page


def test_torch_matrix_says_yes_and_no_for_every_version(site: Path) -> None:
    explorer = {i["id"]: i for i in json.loads(read(site, "api/explorer.json"))["items"]}
    page = read(site, "torch/index.html")
    versions = re.findall(r'<th scope="col"><a href="../torch/([^/]+)/">', page)
    assert len(versions) == 12
    rows = re.findall(
        r'<tr><th scope="row"><a href="../projects/([^/]+)/">[^<]*</a></th><td><code>[^<]*</code></td>(.*?)</tr>',
        page,
    )
    known = [i for i, row in explorer.items() if row["torch_ok"] is not None]
    assert sorted(i for i, _ in rows) == sorted(known)
    for item_id, cells in rows:
        said = re.findall(r"<td(?: class=\"no\")?>(yes|no)</td>", cells)
        marked = re.findall(r'<td class="no">no</td>', cells)
        accepted = explorer[item_id]["torch_ok"]
        assert said == ["yes" if v in accepted else "no" for v in versions], item_id
        assert len(marked) == said.count("no")  # the CSS shows cells as yes unless marked no


def test_graph_pages_filter_by_category_without_javascript(site: Path) -> None:
    index = read(site, "graph/index.html")
    assert 'href="../graph/training/"' in index
    training = read(site, "graph/training/index.html")
    assert '<svg class="graph"' in training and 'id="general"' in training
    assert 'href="../../projects/pytorch-lightning/"' in training
    drawings = re.findall(r"<svg class=\"graph\".*?</svg>", training)
    based = 0
    for svg in drawings:  # edges to the base are counted, not drawn: none leaves its box
        base = graph_boxes(svg, "../../projects/").get("pytorch")
        if base:
            based += 1
            assert f'<path d="M{base[0] + 176} {base[1] + 11}c' not in svg
    assert based  # pytorch is drawn (it is built on listed items)
    said = re.findall(r"\d+ projects?, (\d+) dependenc", training)
    assert said and "".join(drawings).count("<path ") == sum(int(n) for n in said)  # one path per edge


def test_compare_data_for_the_browser(site: Path) -> None:
    data = json.loads(read(site, "api/compare.json"))
    assert [r["key"] for r in data["rows"]][:3] == ["for", "placements", "status"]
    lightning = data["items"]["pytorch-lightning"]
    assert lightning["name"] == "PyTorch Lightning" and lightning["logo"].startswith("logos/")
    assert data["version"] == 2 and len(lightning["cells"]) == len(data["rows"])
    rows = {r["key"]: r for r in data["rows"]}
    placements = rows["placements"]["values"][lightning["cells"][1]]
    assert placements.startswith("Training / ")
    built_on = lightning["cells"][[r["key"] for r in data["rows"]].index("built_on")]
    assert "pytorch" in built_on  # item ids: compare.js names and links them
    for row in data["rows"]:
        assert row["kind"] in {"text", "count", "trend", "days", "scored", "items", "links"}


def test_items_in_several_places_show_all_and_count_once(site: Path) -> None:
    items = json.loads(read(site, "api/items.json"))["items"]
    multi = next(i for i in items if i["second_paths"])
    html = read(site, f"projects/{multi['id']}/index.html")
    listed = html[html.index("<dt>Listed in</dt>") : html.index("<dt>Curation status</dt>")]
    places = [(multi["category"], multi["subcategory"])] + [
        (p["category"], p["subcategory"]) for p in multi["second_paths"]
    ]
    for _, subcategory in places:
        assert subcategory.replace("&", "&amp;") in listed
    assert "also listed here" in listed
    stats = read(site, "stats/index.html")
    rows = dict(re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", stats))
    for category in {c for c, _ in places}:
        distinct = {
            i["id"]
            for i in items
            if i["category"] == category or any(p["category"] == category for p in i["second_paths"])
        }
        assert int(rows[category]) == len(distinct)


def test_hostile_names_are_escaped_in_relation_pages(tmp_path: Path) -> None:
    from helpers import catalog, dump, item

    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    data = catalog(
        item(
            evil, description=f"Trains models {evil}", extra={"annotations": {"pypi": "evil", "slug": "evil"}}
        ),
        item("Base", description="Trains models fast", extra={"annotations": {"pypi": "base"}}),
        item("Top", description="Trains models well", extra={"annotations": {"pypi": "top"}}),
    )
    (tmp_path / "landscape.yml").write_text(dump(data), encoding="utf-8")
    settings = {
        "foundation": "F",
        "url": "https://f.example",
        "torchscape": {"comparisons": [{"name": evil, "items": ["evil", "base"], "description": evil}]},
    }
    (tmp_path / "settings.yml").write_text(dump(settings), encoding="utf-8")
    facts = [
        ("evil", ["base>=1", f"torch{'>=2.0'}"], ">=2.0"),
        ("top", ["evil", "base"], None),
        ("base", [], ""),
    ]
    lines = [
        json.dumps(
            {
                "source": "packages",
                "key": name,
                "fetched_at": "2026-11-01T00:00:00Z",
                "data": {
                    "name": name,
                    "index_url": "http://127.0.0.1/",
                    "requires_dist": req,
                    "torch_requirement": t,
                },
            }
        )
        for name, req, t in facts
    ]
    (tmp_path / "observed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    from site_helpers import build

    out = tmp_path / "site"
    build(tmp_path / "landscape.yml", out, tmp_path / "cache", settings=tmp_path / "settings.yml")
    pages = list(out.rglob("*.html"))
    assert any("graph" in str(p) for p in pages) and (out / "projects" / "evil" / "index.html").is_file()
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text, page
    compare = json.loads(read(out, "api/compare.json"))
    assert compare["items"]["evil"]["name"] == evil  # data keeps the text; compare.js escapes it
    graph = read(out, "graph/index.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in graph


def test_item_page_table_is_compact(site: Path) -> None:
    html = read(site, "projects/pytorch-lightning/index.html")
    table = html[html.index('<details class="side-by-side" id="compare">') : html.index("</details>")]
    assert '<tr data-row="for">' in table and '<tr data-row="links">' not in table
    assert '<tr data-row="stars">' not in table  # no GitHub data in the snapshot: unknown for all four
    assert "compare/?items=pytorch-lightning,ignite" in table  # the compare view has every row


def test_big_landscapes_link_item_pages_to_the_compare_view(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers import catalog, dump, item
    from site_helpers import build
    from torchscape.site import related

    monkeypatch.setattr(related, "INLINE_TABLES_UP_TO", 2)
    names = ("Torch Vision Models", "Torch Vision Transforms", "Torch Vision Datasets")
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(*(item(n, description="image models for vision") for n in names))))
    out = tmp_path / "site"
    build(data, out, tmp_path / "cache")
    html = read(out, "projects/torch-vision-models/index.html")
    assert 'id="alternatives-title"' in html
    assert '<details class="side-by-side"' not in html and "<table" not in html
    link = re.search(r'<a class="button" href="\.\./\.\./compare/\?items=([^"]+)">Compare ', html)
    assert (
        link and link.group(1).split(",")[0] == "torch-vision-models" and len(link.group(1).split(",")) == 3
    )


def test_member_pages_leave_out_what_is_about_software(site: Path) -> None:
    """A member is an organisation: its page said "Accepts torch: unknown: no package is
    listed", offered README badges and a comparison of stars and releases."""
    member = read(site, "projects/amazon-web-services/index.html")
    assert '<article class="item" data-id="amazon-web-services" data-member>' in member
    for software_only in ('id="torch-title"', 'id="badge-title"', "data-compare-pick", "compare/?items="):
        assert software_only not in member, software_only
    assert 'id="alternatives-title"' in member  # other members are still related
    project = read(site, "projects/pyro/index.html")
    assert "data-member" not in project
    for shown in ('id="torch-title"', 'id="badge-title"', "data-compare-pick"):
        assert shown in project, shown


@pytest.mark.parametrize("named", [True, False], ids=["members_category", "a category named Members"])
def test_members_by_category_are_kept_apart_from_projects(tmp_path: Path, named: bool) -> None:
    """The real PyTorch landscape sets no kinds: its members are the items of the settings'
    `members_category`, or without one (PyTorch's settings name none), the category named
    "... Members". NeMo's and Opacus's pages listed member companies among their alternatives,
    the torch page could list members under "unknown", member pages had project panels."""
    from helpers import dump, item
    from site_helpers import build

    words = "training library for speech models and differential privacy"
    data = {
        "categories": [
            {
                "name": "Training",
                "subcategories": [
                    {
                        "name": "Speech",
                        "items": [
                            item(
                                "Speech Kit", description=words, extra={"annotations": {"pypi": "speech-kit"}}
                            ),
                            item("Voice Kit", description=words),
                        ],
                    }
                ],
            },
            {
                "name": "Our Members",
                "subcategories": [
                    {
                        "name": "Companies",
                        "items": [
                            item("Speech Corp", description=words),
                            item("Voice Corp", description=words),
                        ],
                    }
                ],
            },
        ]
    }
    (tmp_path / "landscape.yml").write_text(dump(data), encoding="utf-8")
    settings: dict[str, object] = {"foundation": "F", "url": "https://f.example"}
    settings["torchscape"] = {"torch_versions": ["2.4", "2.5"]}
    if named:
        settings["members_category"] = "Our Members"
    (tmp_path / "settings.yml").write_text(dump(settings), encoding="utf-8")
    (tmp_path / "observed.jsonl").write_text(
        json.dumps(
            {
                "source": "packages",
                "key": "speech-kit",
                "fetched_at": "2026-11-01T00:00:00Z",
                "data": {
                    "name": "speech-kit",
                    "index_url": "http://127.0.0.1/",
                    "requires_dist": [],
                    "torch_requirement": ">=2.0",
                },
            }
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "site"
    report = build(tmp_path / "landscape.yml", out, tmp_path / "cache", settings=tmp_path / "settings.yml")
    said = [note for note in report.notes if "Our Members" in note]
    assert len(said) == (0 if named else 1)  # a guess is told

    def related(page: str) -> set[str]:
        html = read(out, f"projects/{page}/index.html")
        section = html[
            html.index('id="alternatives-title"') : html.index(
                "</section>", html.index('id="alternatives-title"')
            )
        ]
        return set(re.findall(r'<a class="tile" href="[^"]*" data-id="([^"]+)"', section))

    assert related("speech-kit") == {"voice-kit"}
    assert related("speech-corp") == {"voice-corp"}
    assert "data-member" in read(out, "projects/speech-corp/index.html")
    assert 'id="badge-title"' not in read(out, "projects/speech-corp/index.html")
    torch = read(out, "torch/index.html")
    assert "projects/voice-kit/" in torch and "projects/speech-corp/" not in torch
    # The explorer (kind filter, search) knows them as members too.
    kinds = {row["id"]: row["kind"] for row in json.loads(read(out, "api/explorer.json"))["items"]}
    assert kinds["speech-corp"] == "member" and kinds["speech-kit"] is None
    stats = read(out, "stats/index.html")
    kind_chart = stats[stats.index('id="kind"') :]
    assert re.search(r"<td>member</td><td>2</td>", kind_chart[: kind_chart.index("</table>")])


def test_visitors_are_not_told_to_run_a_maintainer_command(site: Path) -> None:
    """Pages told visitors that figures "appear after `torchscape refresh`"."""
    told = [
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if "torchscape refresh" in p.read_text("utf-8")
    ]
    assert told == []
    stats = read(site, "stats/index.html")
    assert ">none<" not in stats
    # The snapshot holds package data only, and pages say so rather than "from GitHub".
    assert "observed ones from the package index (no GitHub data has been fetched)" in stats


def test_pages_say_what_was_not_fetched(site: Path) -> None:
    """Pyro's page showed "Active · last commit or release ..." from a package upload alone, and
    nothing said that no GitHub data was there; api/items.json said "archived": false."""
    pyro = read(site, "projects/pyro/index.html")
    assert "· last package release <time" in pyro and "last commit or release" not in pyro
    assert ", judged as of 2026-" in pyro
    assert "no figures: its GitHub data has not been fetched" in pyro
    # An old release alone: the state is unknown, and the page says why (it only said "unknown").
    items_by_id = {i["id"]: i for i in json.loads(read(site, "api/items.json"))["items"]}
    quiet = [
        i
        for i, row in items_by_id.items()
        if row["observed"] and row["observed"]["activity"] is None and row["observed"]["last_activity_at"]
    ]
    assert quiet
    page = read(site, f"projects/{quiet[0]}/index.html")
    assert "too old to say it is active, and its commits were not seen" in page
    # The badge, for the project's own maintainers, comes after what visitors read.
    assert page.index('id="badge-title"') > page.index('id="alternatives-title"')
    items = json.loads(read(site, "api/items.json"))["items"]
    observed = [i["observed"] for i in items if i["observed"]]
    assert observed and all(o["archived"] is None for o in observed if o["repo_fetched_at"] is None)


def test_licences_are_counted_under_one_name(site: Path) -> None:
    """The bundled snapshot's packages say "Apache 2.0", "Apache License 2.0", ...: one bar."""
    stats = read(site, "stats/index.html")
    assert "Apache-2.0" in stats
    for spelling in ("Apache 2.0", "Apache License 2.0", "MIT License"):
        assert f">{spelling}<" not in stats, spelling
