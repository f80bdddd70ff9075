"""The explorer in a real browser: search filters the view, filters with counts, views, sort,
shareable URLs, back/forward, keyboard, CSV of the view."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from conftest import serving
from helpers import catalog, dump, item
from torchscape.paths import resolve_sources
from torchscape.serve import make_server
from torchscape.site.build import BuildRequest, build_site
from torchscape.sources.cache import Cache
from torchscape.sources.facts import RepoFacts

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import Site

pytestmark = pytest.mark.browser


def visible_ids(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        ".tiles li:not([hidden]) a[data-id]",
        "els => [...new Set(els.filter(e => e.offsetParent).map(e => e.dataset.id))]",
    )


def searched(page: Page, query: str) -> list[str]:
    """The ids the grid shows once `query` is typed (and the status says so)."""
    page.locator("input[type=search]").fill(query)
    expect(page.locator("[data-count]")).to_contain_text(f"match “{query}”")
    return visible_ids(page)


def ready(page: Page, site: Site, query: str = "") -> None:
    page.goto(site.url(query), wait_until="networkidle")
    expect(page.locator("[data-explorer]")).to_be_visible()
    expect(page.locator("[data-explorer]")).to_have_attribute("data-texts", "loaded")


def second_file_word(site: Site, field: str) -> tuple[str, str]:
    """A long word found in one item's description or keywords (`field`), and in no name,
    package or placement (nor, for a description, in any keyword): what only the explorer's
    second file lets a search find."""
    other = " ".join(
        f"{i.name} {' '.join(i.packages)} {i.category} {i.subcategory}"
        + ("" if field == "keywords" else " " + " ".join(i.keywords))
        for i in site.landscape
    ).lower()
    seen: dict[str, list[str]] = {}
    for entry in site.landscape:
        text = " ".join(entry.keywords) if field == "keywords" else entry.description or ""
        for word in set(re.findall(r"[a-z]{9,}", text.lower())):
            seen.setdefault(word, []).append(entry.id)
    for word, ids in sorted(seen.items()):
        if len(ids) == 1 and word[:6] not in other:
            return word, ids[0]
    raise AssertionError(f"no {field}-only word in the bundled catalog")


def test_the_explorer_works_before_the_descriptions_arrive(page: Page, bundled_site: Site) -> None:
    words = [second_file_word(bundled_site, field) for field in ("description", "keywords")]
    held: list[Route] = []
    page.route("**/api/explorer-text.json", lambda route: held.append(route))  # held back
    page.goto(bundled_site.url(), wait_until="domcontentloaded")
    panel = page.locator("[data-explorer]")
    expect(panel).to_be_visible()
    box = page.locator("input[type=search]")
    box.fill("lightning")  # names and placements are there already
    expect(page.locator("[data-count]")).to_contain_text("match “lightning”")
    assert "pytorch-lightning" in visible_ids(page)
    for word, owner in words:
        box.fill(word)
        expect(page.locator("[data-count]")).to_contain_text(f"match “{word}”")
        assert owner not in visible_ids(page)
    assert not panel.get_attribute("data-texts")
    held[0].continue_()  # the second file arrives: the same queries now find their owners
    expect(panel).to_have_attribute("data-texts", "loaded")
    for word, owner in words:
        box.fill(word)
        expect(page.locator(f'.tiles li:not([hidden]) a[data-id="{owner}"]').first).to_be_visible()


def test_typing_filters_the_grid_at_every_keystroke(page: Page, bundled_site: Site) -> None:
    ready(page, bundled_site)
    box = page.locator("input[type=search]")
    box.press_sequentially("pytorh lightn", delay=20)
    expect(page.locator("[data-count]")).to_contain_text("match “pytorh lightn”")
    ids = visible_ids(page)
    assert "pytorch-lightning" in ids and len(ids) < 20
    expect(page).to_have_url(re.compile(r"q=pytorh\+lightn"))  # once typing pauses


def test_list_view_is_in_relevance_order_and_url_round_trips(
    page: Page, bundled_site: Site, context: object
) -> None:
    ready(page, bundled_site, "?view=list&q=differential+privacy")
    first = page.locator(".list tbody tr").first
    expect(first).to_have_attribute("data-id", "opacus")
    # Long descriptions end with a whole word and "…" (they were cut mid-word: "classificat").
    texts = page.eval_on_selector_all(".list tbody th .muted", "els => els.map(e => e.textContent)")
    assert any(len(t) > 120 for t in texts) and all(len(t) <= 140 for t in texts)
    assert all(t.endswith("…") and t[-2] not in " ,.;:" for t in texts if len(t) > 120), texts
    page.goto(bundled_site.url("?view=list&q=federated"), wait_until="networkidle")
    rows = page.eval_on_selector_all(".list tbody tr", "els => els.map(e => e.dataset.id)")
    assert "flower" in rows[:3]
    page.go_back()
    expect(page.locator(".list tbody tr").first).to_have_attribute("data-id", "opacus")
    assert page.locator("input[type=search]").input_value() == "differential privacy"


def test_filters_combine_with_counts_and_survive_a_reload(page: Page, bundled_site: Site) -> None:
    ready(page, bundled_site)
    page.locator("summary", has_text="Filters").click()
    option = page.locator("label", has=page.locator('input[data-filter="kind"][value="framework"]'))
    count = int(option.locator(".count").inner_text())
    option.locator("input").check()
    expect(page.locator("[data-count]")).to_have_text(f"{count} projects")
    expect(page).to_have_url(re.compile(r"kind=framework"))  # once the change is painted
    page.reload(wait_until="networkidle")
    assert len(visible_ids(page)) == count
    expect(page.locator('input[data-filter="kind"][value="framework"]')).to_be_checked()


def test_sort_by_name_descending_in_list_view(page: Page, bundled_site: Site) -> None:
    ready(page, bundled_site, "?view=list&sort=name&dir=desc")
    names = page.eval_on_selector_all(".list tbody th a", "els => els.map(e => e.textContent)")
    assert names == sorted(names, key=str.lower, reverse=True) and len(names) == len(bundled_site.landscape)


def test_slash_focuses_search_and_arrows_move_between_tiles(page: Page, bundled_site: Site) -> None:
    ready(page, bundled_site)
    page.keyboard.press("/")
    expect(page.locator("input[type=search]")).to_be_focused()
    page.locator("a.tile").first.focus()
    first = page.evaluate("document.activeElement.dataset.id")
    page.keyboard.press("ArrowRight")
    second = page.evaluate("document.activeElement.dataset.id")
    assert second != first
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.dataset.id") == first
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/projects/{first}/")


def test_from_the_search_box_to_the_results_and_back(page: Page, bundled_site: Site) -> None:
    """Arrow keys did nothing in the search box (eleven Tabs to the first tile); in the grid,
    "pyro" shows NumPyro first (the catalog's order), and the list's arrows scrolled the page;
    back from an item page, the focus was on the page, not on what was opened."""
    ready(page, bundled_site)
    search = page.locator("input[type=search]")
    search.fill("pyro")
    search.press("ArrowDown")
    first = visible_ids(page)[0]
    assert page.evaluate("document.activeElement.dataset.id") == first
    search.focus()
    search.press("Enter")  # the best match, wherever the grid has it
    assert page.evaluate("document.activeElement.dataset.id") == "pyro"
    page.keyboard.press("Enter")
    page.wait_for_url("**/projects/pyro/")
    page.go_back()
    expect(page.locator("[data-explorer]")).to_be_visible()
    expect(page.locator("a.tile[data-id='pyro']:focus")).to_have_count(1)
    # (the descriptions in: the order the rows are read in below is the last one)
    expect(page.locator("[data-explorer]")).to_have_attribute("data-texts", "loaded")
    # The list: down and up a row at a time.
    page.locator("[data-view=list]").click()
    search.focus()
    search.press("ArrowDown")
    rows = page.eval_on_selector_all(".list tbody tr", "rows => rows.map((row) => row.dataset.id)")
    assert page.evaluate("document.activeElement.closest('tr').dataset.id") == rows[0]
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('tr').dataset.id") == rows[1]
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.closest('tr').dataset.id") == rows[0]


def test_a_shared_link_keeps_the_filters_box_closed_on_phones(browser: Browser, bundled_site: Site) -> None:
    """Open on a phone, the box put the first result about two screens down."""
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        ready(phone, bundled_site, "?category=Training&license=MIT")
        assert phone.locator(".filters-box").evaluate("box => box.open") is False
        expect(phone.locator(".filters-box summary")).to_have_text("Filters (2 selected)")
        top = phone.locator("a.tile:visible").first.bounding_box()
        assert top is not None and top["y"] < 844
    finally:
        phone.close()


def test_slash_goes_to_the_search_from_a_filter_checkbox_but_is_typed_in_text(
    page: Page, bundled_site: Site
) -> None:
    """From a checkbox it stayed there, and a space typed next ticked the box."""
    ready(page, bundled_site)
    page.locator(".filters-box > summary").click()
    box = page.locator("input[data-filter=category]").first
    box.click()
    expect(box).to_be_focused()
    page.keyboard.press("/")
    search = page.locator("input[type=search]")
    expect(search).to_be_focused()
    page.keyboard.type("a/b")
    expect(search).to_have_value("a/b")  # in the search box itself, "/" is a character


def test_csv_download_holds_the_current_view(page: Page, bundled_site: Site) -> None:
    ready(page, bundled_site, "?q=quantization")
    with page.expect_download() as download:
        page.locator("[data-csv]").click()
    text = download.value.path().read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    shown = int(page.locator("[data-count]").inner_text().split()[0])
    assert len(rows) == shown and list(rows[0])[:3] == ["id", "name", "page"]
    # The status as its label (it was "[object Object]"), the page's address, the description.
    api = json.loads((bundled_site.root / "api" / "items.json").read_text(encoding="utf-8"))
    labels = {i["id"]: (i["status"] or {}).get("label", "") for i in api["items"]}
    assert any(labels[row["id"]] for row in rows)
    for row in rows:
        assert row["status"] == labels[row["id"]], row
        assert row["page"] == bundled_site.url(f"projects/{row['id']}/")
    assert "quantiz" in " ".join(row["description"].lower() for row in rows)


def test_live_region_announces_counts(page: Page, bundled_site: Site) -> None:
    ready(page, bundled_site)
    region = page.locator("[data-count]")
    assert region.get_attribute("role") == "status" and region.get_attribute("aria-live") == "polite"
    expect(region).to_have_text(f"{len(bundled_site.landscape)} projects")


def test_heading_counts_follow_the_filter_and_come_back(page: Page, bundled_site: Site) -> None:
    ready(page, bundled_site)
    counts = page.locator(".subcategory:not([hidden]) > h3 .count")
    before = counts.all_inner_texts()
    page.locator("input[type=search]").fill("federated")
    expect(page.locator("[data-count]")).to_contain_text("match “federated”")
    for section in page.locator(".subcategory:not([hidden])").all():
        shown = section.locator(".tiles li:not([hidden]) a[data-id]").count()
        total = section.locator(".tiles a[data-id]").count()
        expect(section.locator("> h3 .count")).to_have_text(f"{shown} of {total}")
    categories = page.locator(".category:not([hidden]) > h2 .count").all_inner_texts()
    assert categories and all(" of " in text for text in categories)
    page.locator("[data-clear]").click()
    expect(page.locator("[data-count]")).not_to_contain_text("match")
    assert counts.all_inner_texts() == before


def test_filters_say_what_is_selected_and_whose_subcategory_an_option_is(
    page: Page, bundled_site: Site
) -> None:
    """Five subcategory options read "General", "Quantum" ... with no category; the closed box
    said "Filters" whatever was ticked (a shared link's filters were invisible)."""
    ready(page, bundled_site, "?category=Training&license=MIT")
    summary = page.locator(".filters-box summary")
    expect(summary).to_have_text("Filters (2 selected)")
    subcategories = page.locator("input[data-filter=subcategory]")
    first = subcategories.first
    category = first.get_attribute("value").split(" › ")[0]
    expect(page.locator(".filters .filter-group").first).to_have_text(category)
    # Each option's name holds its category, for those who hear the list rather than see it.
    label = first.evaluate("box => box.closest('label').textContent")
    assert f"({category})" in label
    page.locator("[data-clear]").click()
    expect(summary).to_have_text("Filters")
    # Counts are those of the search's matches (with one project shown, Training said 34).
    page.locator("input[type=search]").fill("federated")
    shown = int(page.locator("[data-count]").inner_text().split()[0])
    counts = page.locator("input[data-filter=category] ~ .count")
    page.wait_for_function(
        f"() => [...document.querySelectorAll('input[data-filter=category] ~ .count')].every((c) => Number(c.textContent) <= {shown})"
    )
    assert 0 < sum(int(text) for text in counts.all_inner_texts()) <= 2 * shown


def test_dead_upstream_is_hidden_by_default_and_search_still_reaches_it(page: Page, tmp_path: Path) -> None:
    """Hidden only on observed evidence (archived upstream), with a toggle and a way through search."""
    data = tmp_path / "landscape.yml"
    items = [
        item(name, repo_url=f"https://github.com/org/{name.lower()}") for name in ("Alive", "Gone", "Unknown")
    ]
    data.write_text(dump(catalog(*items)), encoding="utf-8")
    cache_dir = tmp_path / "cache"
    with Cache.open(cache_dir) as cache:
        for name, fields in (
            ("alive", {"last_commit_at": "2026-11-10T00:00:00Z"}),
            ("gone", {"is_archived": True, "last_commit_at": "2023-01-01T00:00:00Z"}),
        ):
            url = f"https://github.com/org/{name}"
            facts = RepoFacts(requested=url, name_with_owner=f"org/{name}", url=url, **fields)  # type: ignore[arg-type]
            cache.put("github", url, facts.to_json(), "2026-11-20T00:00:00Z")
    out = tmp_path / "site"
    build_site(BuildRequest(resolve_sources(str(data), None, None, None), out, cache_dir))
    with serving(make_server(out, "127.0.0.1", 0, None)) as base:
        page.goto(base, wait_until="networkidle")
        assert sorted(visible_ids(page)) == ["alive", "unknown"]  # missing data never hides
        more = page.locator("[data-show-hidden]")
        expect(more).to_have_text("+1 hidden (dormant or archived upstream): show them")
        page.locator("input[type=search]").fill("gone")
        expect(page.locator("[data-count]")).to_contain_text("0 projects")
        expect(more).to_be_visible()
        more.click()
        assert visible_ids(page) == ["gone"]
        expect(page).to_have_url(re.compile(r"all=1"))
        page.locator("[data-clear]").click()
        assert sorted(visible_ids(page)) == ["alive", "gone", "unknown"]
        # Asked for by the upstream-state filter, it shows ("archived 1" gave "0 projects").
        page.goto(base + "?activity=archived", wait_until="networkidle")
        assert visible_ids(page) == ["gone"]
        expect(page.locator("[data-count]")).to_have_text("1 project")
        # With GitHub data, the list has its columns (without, see the next test).
        page.goto(base + "?view=list", wait_until="networkidle")
        headings = page.locator(".list thead th").all_inner_texts()
        assert "Last commit" in headings and "Upstream" in headings


def test_the_list_has_no_column_that_no_item_fills(page: Page, bundled_site: Site) -> None:
    """Without GitHub data (the bundled snapshot has package data only), Stars and Last commit
    were columns of dashes on every row."""
    ready(page, bundled_site, "?view=list")
    headings = page.locator(".list thead th").all_inner_texts()
    assert "Stars" not in headings and "Last commit" not in headings
    assert {"Category", "Curation status", "Last release"} <= set(headings)
    assert page.locator(".list tbody tr").first.locator("td").count() == len(headings) - 1


def test_group_tabs_work_on_a_landscape_with_projects_hidden_by_default(page: Page, tmp_path: Path) -> None:
    """A project dead upstream, hidden by default, put the page in its filtering state from the
    first paint: every group shown at once and the group tabs dimmed and dead."""
    data = tmp_path / "landscape.yml"
    gone = item("Gone", repo_url="https://github.com/org/gone")
    first, second = catalog(item("Alive"), gone, category="A"), catalog(item("Beta"), category="B")
    data.write_text(dump({"categories": first["categories"] + second["categories"]}), encoding="utf-8")
    settings = tmp_path / "settings.yml"
    groups = {"groups": [{"name": "One", "categories": ["A"]}, {"name": "Two", "categories": ["B"]}]}
    settings.write_text(dump({"foundation": "F", "url": "https://f.example", **groups}), encoding="utf-8")
    cache_dir = tmp_path / "cache"
    with Cache.open(cache_dir) as cache:
        url = "https://github.com/org/gone"
        facts = RepoFacts(requested=url, name_with_owner="org/gone", url=url, is_archived=True)
        cache.put("github", url, facts.to_json(), "2026-11-20T00:00:00Z")
    out = tmp_path / "site"
    build_site(BuildRequest(resolve_sources(str(data), str(settings), None, None), out, cache_dir))
    with serving(make_server(out, "127.0.0.1", 0, None)) as base:
        page.goto(base, wait_until="networkidle")
        expect(page.locator("[data-show-hidden]")).to_have_text(
            "+1 hidden (dormant or archived upstream): show them"
        )
        tabs = page.locator("[data-tabs]")
        assert tabs.evaluate("nav => nav.inert") is False
        assert visible_ids(page) == ["alive"]  # group One only
        page.locator("[data-tabs] a", has_text="Two").click()
        assert visible_ids(page) == ["beta"]


def test_ids_that_objects_have_already_break_nothing(page: Page, tmp_path: Path) -> None:
    """An item named "Constructor" (id `constructor`, a member of every object): the page threw,
    and no description was searched; `?item=constructor` went to a page named after a function;
    `?sort=toString` was written back into the address."""
    data = tmp_path / "landscape.yml"
    items = [
        item("Constructor", description="Saves checkpoints."),
        item("Keeper", description="Restores checkpoints quickly."),
    ]
    data.write_text(dump(catalog(*items)), encoding="utf-8")
    out = tmp_path / "site"
    build_site(BuildRequest(resolve_sources(str(data), None, None, None), out, tmp_path / "cache"))
    with serving(make_server(out, "127.0.0.1", 0, None)) as base:
        page.goto(base, wait_until="networkidle")
        expect(page.locator("[data-explorer]")).to_have_attribute("data-texts", "loaded")
        page.locator("input[type=search]").fill("checkpoints")
        expect(page.locator("[data-count]")).to_have_text("2 projects match “checkpoints”")
        for hostile in ("constructor", "__proto__", "toString"):
            page.goto(f"{base}?item={hostile}", wait_until="networkidle")
            assert page.url.split("?")[0] == base  # stays home: no such item
        page.goto(f"{base}?view=list&sort=toString", wait_until="networkidle")
        page.locator("input[type=search]").fill("x")
        page.locator("input[type=search]").fill("")
        expect(page).to_have_url(re.compile(r"\?view=list$"))


def test_back_after_typing_and_opening_a_tile_restores_the_query(page: Page, bundled_site: Site) -> None:
    ready(page, bundled_site)
    page.locator("input[type=search]").fill("federated")
    page.locator(".tiles li:not([hidden]) a[data-id]").first.click()  # at once: before the pause
    expect(page).to_have_url(re.compile(r"/projects/[^/]+/$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?q=federated$"))
    expect(page.locator("input[type=search]")).to_have_value("federated")
    expect(page.locator("[data-count]")).to_contain_text("match “federated”")


def test_the_filter_boxes_stay_and_keep_the_focus_while_their_counts_change(
    page: Page, bundled_site: Site
) -> None:
    ready(page, bundled_site)
    page.locator("summary", has_text="Filters").click()
    total = len(bundled_site.landscape)
    licences = page.locator("[data-filters] label", has=page.locator("input[data-filter=license]"))
    expect(licences.first).to_be_visible()
    sum_of_licences = "() => [...document.querySelectorAll('[data-filters] label')].filter((l) => l.querySelector('input[data-filter=license]')).reduce((sum, l) => sum + Number(l.querySelector('.count').textContent), 0)"
    assert page.evaluate(f"({sum_of_licences})()") == total  # every item has one licence value
    box = page.locator('input[data-filter="kind"][value="framework"]')
    box.evaluate("box => { box.kept = true; }")  # a mark on this very element, not in the markup
    box.focus()
    page.keyboard.press("Space")  # the keyboard way to tick it
    expect(page.locator("[data-count]")).not_to_have_text(f"{total} projects")
    shown = int(page.locator("[data-count]").inner_text().split()[0])
    # the licences' counts follow (once the grid's frame is painted), in the same boxes
    page.wait_for_function(f"shown => ({sum_of_licences})() === shown", arg=shown)
    assert page.evaluate("document.activeElement.kept === true && document.activeElement.checked")
    page.keyboard.press("Space")  # and untick it, still from the keyboard
    expect(box).not_to_be_checked()
    page.wait_for_function(f"total => ({sum_of_licences})() === total", arg=total)
    assert page.evaluate("document.activeElement.kept === true")


def test_a_selected_value_no_item_has_is_listed_until_unticked(page: Page, bundled_site: Site) -> None:
    ready(page, bundled_site, "?license=No-Such-Licence")  # the filters box opens with it
    ghost = page.locator('input[data-filter="license"][value="No-Such-Licence"]')
    expect(ghost).to_be_checked()
    expect(page.locator("label", has=ghost).locator(".count")).to_have_text("0")
    ghost.click()  # unticked: its box goes away, so not `uncheck()`, which waits to see it unticked
    expect(ghost).to_have_count(0)  # the boxes were drawn again without it
    expect(page.locator("[data-count]")).to_have_text(f"{len(bundled_site.landscape)} projects")
    page.locator('input[data-filter="kind"][value="framework"]').check()  # and still work
    expect(page.locator("[data-count]")).not_to_have_text(f"{len(bundled_site.landscape)} projects")


def test_a_keystroke_touches_only_the_tiles_whose_visibility_flips(page: Page, bundled_site: Site) -> None:
    ready(page, bundled_site)
    box = page.locator("input[type=search]")
    hidden_rows = "() => [...document.querySelectorAll('.tiles > li')].map((li) => li.hidden)"
    box.fill("torch")
    expect(page.locator("[data-count]")).to_contain_text("match “torch”")
    # Searching started the fetching of the logos below the fold, in idle time: let it finish.
    expect(page.locator("[data-grid] img[loading=lazy]")).to_have_count(0)
    before = page.evaluate(hidden_rows)
    page.evaluate(
        """() => {
          window.flips = [];
          new MutationObserver((records) => window.flips.push(...records)).observe(
            document.querySelector('[data-grid]'), { attributes: true, subtree: true });
        }"""
    )
    box.fill("torch vision")
    expect(page.locator("[data-count]")).to_contain_text("match “torch vision”")
    after = page.evaluate(hidden_rows)
    changed = sum(a != b for a, b in zip(before, after, strict=True))
    touched = page.evaluate("window.flips.filter((r) => r.target.matches('.tiles > li')).length")
    assert 0 < changed == touched
    # Nothing else in the grid is written but the sections that empty and their counts.
    others = page.evaluate("[...new Set(window.flips.map((r) => r.target.tagName + ':' + r.attributeName))]")
    assert set(others) <= {"LI:hidden", "SECTION:hidden"}
    # The list view ranks what the grid shows in catalog order, best first.
    page.locator("[data-view=list]").click()
    expect(page.locator(".list tbody tr").first).to_have_attribute("data-id", "torchvision")


def test_monograms_are_drawn_in_their_colour_and_tiles_keep_their_names(page: Page, tmp_path: Path) -> None:
    from torchscape.site.monogram import monogram_colour

    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item("Hugging Face"), item("Pyro", homepage_url="https://p.example"))))
    out = tmp_path / "site"
    build_site(BuildRequest(resolve_sources(str(data), None, None, None), out, tmp_path / "cache"))
    with serving(make_server(out, "127.0.0.1", 0, None)) as base:
        page.goto(base, wait_until="networkidle")
        tile = page.locator('.tiles a[data-id="hugging-face"]')
        expect(tile).to_have_accessible_name(re.compile("Hugging Face"))
        mark = tile.locator(".monogram")
        expect(mark).to_have_text("HF")
        expect(mark).to_be_visible()
        red, green, blue = (int(monogram_colour("Hugging Face")[i : i + 2], 16) for i in (1, 3, 5))
        expect(mark).to_have_css("background-color", f"rgb({red}, {green}, {blue})")
        box = mark.bounding_box()
        assert box and round(box["height"]) == 56 and round(box["width"]) == 56


def test_a_query_no_item_matches_whole_shows_what_comes_closest_and_says_so(
    page: Page, bundled_site: Site
) -> None:
    ready(page, bundled_site)
    box = page.locator("input[type=search]")
    inference = searched(page, "inference")
    box.fill("causal inference")  # nothing in the bundled catalog says "causal"
    status = page.locator("[data-count]")
    expect(status).to_have_text(
        f"{len(inference)} projects match “inference” (none matches every word of “causal inference”)"
    )
    assert visible_ids(page) == inference
    page.locator("[data-view=list]").click()  # the list ranks the same items
    rows = page.locator(".list tbody tr")
    expect(rows).to_have_count(len(inference))
    assert sorted(rows.evaluate_all("(rows) => rows.map((row) => row.dataset.id)")) == sorted(inference)
    box.fill("causal zzqxv")  # no word matches anything: nothing, said plainly
    expect(status).to_have_text("0 projects match “causal zzqxv”")


def test_the_list_keeps_the_focused_row_when_the_descriptions_arrive(page: Page, bundled_site: Site) -> None:
    """The list is drawn again once the descriptions are in (a search then finds their words
    too): the focus fell from the row a reader was on to the page."""
    texts: list[Route] = []
    page.route("**/api/explorer-text.json", lambda route: texts.append(route))
    page.goto(bundled_site.url("?view=list"))
    first = page.locator(".list tbody tr th a").first
    expect(first).to_be_visible()
    first.focus()
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.closest('tr').dataset.id")
    for _ in range(100):  # the request, held back
        if texts:
            break
        page.wait_for_timeout(50)
    texts[0].continue_()
    expect(page.locator("[data-explorer]")).to_have_attribute("data-texts", "loaded")
    assert page.evaluate("document.activeElement.closest('tr')?.dataset.id") == focused


def test_a_word_read_as_a_phrase_says_how_it_was_read(page: Page, fixture_site: Site) -> None:
    ready(page, fixture_site)
    status = page.locator("[data-count]")
    # The real landscape never writes "ASR"; NeMo's description spells it out once.
    page.locator("input[type=search]").fill("asr")
    expect(status).to_have_text("1 project matches “asr” (read as “automatic speech recognition”)")
    assert visible_ids(page) == ["nemo"]
    searched(page, "speech")  # a word of the catalog is read as typed: nothing to say
    expect(status).not_to_contain_text("read as")


def test_a_query_matching_nothing_hides_the_grid_and_the_next_one_brings_it_back(
    page: Page, bundled_site: Site
) -> None:
    ready(page, bundled_site)
    box = page.locator("input[type=search]")
    before = searched(page, "lightning")
    box.fill("qqqxzzjv")
    expect(page.locator("[data-count]")).to_have_text("0 projects match “qqqxzzjv”")
    expect(page.locator("[data-grid]")).to_be_hidden()  # skipped, and no room taken
    box_height = page.locator("[data-grid]").evaluate("grid => grid.getBoundingClientRect().height")
    assert box_height == 0
    focused = page.locator("[data-grid] li:not([hidden]) a[data-id]").first.evaluate(
        "tile => { tile.focus(); return document.activeElement === tile; }"
    )
    assert not focused  # out of reach of the keyboard (and of screen readers) while hidden
    box.fill("lightning")  # the tiles kept their state while hidden: the same result again
    expect(page.locator("[data-grid]")).to_be_visible()
    assert visible_ids(page) == before and "pytorch-lightning" in before
    box.fill("qqqxzzjv")
    box.fill("")  # from nothing straight back to everything (one group's tab shown, as at first)
    expect(page.locator("[data-count]")).to_have_text(f"{len(bundled_site.landscape)} projects")
    expect(page.locator("[data-grid]")).to_be_visible()
    assert page.locator(".tiles li[hidden]").count() == 0


def grid_logos(page: Page) -> set[str]:
    return set(page.eval_on_selector_all("[data-grid] img", "imgs => imgs.map((img) => img.src)"))


def wait_for_every_grid_logo(page: Page) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-grid] img')].every((img) => img.complete)",
        timeout=15_000,
    )
    broken = page.eval_on_selector_all(
        "[data-grid] img", "imgs => imgs.filter((img) => img.naturalWidth === 0).map((img) => img.src)"
    )
    assert broken == []


def logo_requests(page: Page) -> set[str]:
    requested: set[str] = set()
    page.on("request", lambda request: requested.add(request.url) if "/logos/" in request.url else None)
    return requested


def test_a_light_grid_fetches_its_logos_below_the_fold_once_the_page_is_idle(
    page: Page, fixture_site: Site
) -> None:
    requested = logo_requests(page)
    page.goto(fixture_site.url(), wait_until="load")
    logos = grid_logos(page)
    weight = int(page.locator("[data-grid]").get_attribute("data-logo-bytes") or 0)
    assert len(logos) > 100 and 0 < weight < 2_000_000  # the real PyTorch logos: under the limit
    # Those of the first screen (and the browser's margin below it) load with the page, and the
    # prefetch may start before `load`; without lazy loading all would be there by now.
    assert len(logos - requested) > len(logos) / 4, "the logos below the fold came with the page"
    wait_for_every_grid_logo(page)  # then, with nobody doing anything, all of them
    assert logos <= requested


def test_a_heavy_grid_fetches_its_logos_below_the_fold_when_someone_searches(
    page: Page, tmp_path: Path
) -> None:
    from PIL import Image

    logos = tmp_path / "logos"
    logos.mkdir()
    noise = random.Random(7)
    for number in range(48):  # photos of noise: about 50 KB each as the site's JPEGs, 2.4 MB in all
        pixels = bytes(noise.getrandbits(8) for _ in range(320 * 192 * 3))
        Image.frombytes("RGB", (320, 192), pixels).save(logos / f"logo{number}.png")
    # 20 tiles in a row share a file, so the screen and the browser's lazy-loading margin
    # (which reaches well below the fold) hold the first few files only.
    names = [f"Project {number:03}" for number in range(960)]
    items = [item(name, logo=f"logo{number // 20}.png") for number, name in enumerate(names)]
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(*items)), encoding="utf-8")
    out = tmp_path / "site"
    build_site(BuildRequest(resolve_sources(str(data), None, None, str(logos)), out, tmp_path / "cache"))
    requested = logo_requests(page)
    with serving(make_server(out, "127.0.0.1", 0, None)) as base:
        page.goto(base, wait_until="networkidle")
        expect(page.locator("[data-explorer]")).to_be_visible()
        assert int(page.locator("[data-grid]").get_attribute("data-logo-bytes") or 0) > 2_000_000
        page.wait_for_timeout(500)  # idle: looking at the page fetches nothing more
        on_screen = set(requested)
        assert 0 < len(on_screen) < len(grid_logos(page)) / 2
        page.locator("input[type=search]").focus()  # about to search: now the rest
        wait_for_every_grid_logo(page)
        assert grid_logos(page) <= requested


#: In the first frame of a change, the lists on screen that still hide tiles and whose last tile
#: shown ends above the bottom of the screen ("short": where every tile is to be shown, a hole
#: that later frames fill), and how many tiles are shown.
SCREEN_FILLED = """async ([filter, value, on]) => {
  if (filter === 'q') {  // the search box: the query set to `value`
    const search = document.querySelector('input[type=search]');
    search.value = value;
    search.dispatchEvent(new Event('input', { bubbles: true }));
  } else {
    const box = document.querySelector(`input[data-filter="${filter}"][value="${value}"]`);
    box.checked = on;
    box.dispatchEvent(new Event('change', { bubbles: true }));
  }
  await new Promise((resolve) => requestAnimationFrame(resolve)); // this change's frame, not yet drawn
  const short = [];
  for (const list of document.querySelectorAll('[data-grid] .tiles')) {
    const shown = [...list.children].filter((li) => !li.hidden);
    const last = shown.at(-1)?.firstElementChild.getBoundingClientRect();
    if (!last || list.getBoundingClientRect().top > innerHeight) continue;
    if (last.bottom < innerHeight && shown.length < list.children.length) short.push(list.closest('section').getAttribute('aria-labelledby'));
  }
  return { short, now: document.querySelectorAll('[data-grid] .tiles > li:not([hidden])').length };
}"""


@contextmanager
def big_grid(
    page: Page, tmp_path: Path, shape: tuple[int, int, int], screen: tuple[int, int]
) -> Iterator[None]:
    """A landscape of `shape` (categories, subcategories in each, items in each: monograms), built
    and served, open in `page` on a screen of `screen` (width, height) with the filters box open."""
    categories, subcategories, items = shape
    data = tmp_path / "landscape.yml"
    data.write_text(
        dump(
            {
                "categories": [
                    {
                        "name": f"Area {c}",
                        "subcategories": [
                            {
                                "name": f"Topic {c}.{s}",
                                "items": [item(f"Tool {c} {s} {i}") for i in range(items)],
                            }
                            for s in range(subcategories)
                        ],
                    }
                    for c in range(categories)
                ]
            }
        )
    )
    out = tmp_path / "site"
    build_site(BuildRequest(resolve_sources(str(data), None, None, None), out, tmp_path / "cache"))
    with serving(make_server(out, "127.0.0.1", 0, None)) as base:
        page.set_viewport_size({"width": screen[0], "height": screen[1]})
        page.goto(base, wait_until="networkidle")
        page.locator("summary", has_text="Filters").click()
        expect(page.locator("input[data-filter]").first).to_be_attached()  # drawn as it opens
        yield


def test_a_big_change_fills_the_screen_at_once_and_the_rest_follows(page: Page, tmp_path: Path) -> None:
    # 4 categories of 4 subcategories of 60 items (monograms): long lists in a big grid
    with big_grid(page, tmp_path, (4, 4, 60), (1280, 800)):
        for scroll in (0, 2000):  # from the top, and from inside the first category's lists
            page.evaluate(f"window.scrollTo(0, {scroll})")
            page.evaluate(SCREEN_FILLED, ["subcategory", "Area 0 › Topic 0.1", True])
            expect(page.locator("[data-count]")).to_have_text("60 projects")
            expect(page.locator(".tiles > li:not([hidden])")).to_have_count(
                60
            )  # hidden sections' tiles follow
            back = page.evaluate(SCREEN_FILLED, ["subcategory", "Area 0 › Topic 0.1", False])
            assert back["short"] == []  # nothing missing on screen in the first frame ...
            assert 60 < back["now"] < 960  # ... where only part of the grid was shown
            expect(page.locator(".tiles > li[hidden]")).to_have_count(0)  # the rest follows
        # a change made while the rest is still coming takes over from it
        page.evaluate(SCREEN_FILLED, ["subcategory", "Area 0 › Topic 0.1", True])
        page.evaluate(SCREEN_FILLED, ["subcategory", "Area 0 › Topic 0.1", False])
        page.evaluate(SCREEN_FILLED, ["subcategory", "Area 2 › Topic 2.3", True])
        expect(page.locator("[data-count]")).to_have_text("60 projects")
        expect(page.locator(".tiles > li:not([hidden])")).to_have_count(60)
        page.wait_for_timeout(500)  # a fill left over from the changes before would show more by now
        ids = page.eval_on_selector_all(
            ".tiles > li:not([hidden]) a[data-id]", "els => els.map((e) => e.dataset.id)"
        )
        assert len(ids) == 60 and all(i.startswith("tool-2-3-") for i in ids)


def test_a_filter_change_rehearsed_while_the_page_is_idle_writes_nothing(page: Page, tmp_path: Path) -> None:
    # The code a filter change runs is run once ahead, at idle (run cold, it made the first
    # changes of a visit slower): it reads the layout and writes nothing.
    page.add_init_script(
        """document.addEventListener('DOMContentLoaded', () => {
          window.writes = [];
          new MutationObserver((records) => window.writes.push(
            ...records.map((r) => `${r.type} ${r.attributeName || ''} ${r.target.nodeName}`),
          )).observe(document.querySelector('[data-grid]'), { attributes: true, childList: true, characterData: true, subtree: true });
        })"""
    )
    with big_grid(page, tmp_path, (3, 3, 150), (1280, 800)):
        page.wait_for_function("() => performance.getEntriesByName('torchscape:rehearsed').length > 0")
        assert page.evaluate("window.writes") == []
        page.evaluate(SCREEN_FILLED, ["subcategory", "Area 1 › Topic 1.2", True])
        expect(page.locator(".tiles > li:not([hidden])")).to_have_count(150)
        assert page.evaluate("window.writes") != []  # (the observer sees what the page writes)


def test_a_cleared_search_brings_back_the_screen_at_once_and_the_rest_follows(
    page: Page, tmp_path: Path
) -> None:
    with big_grid(page, tmp_path, (4, 4, 60), (1280, 800)):
        page.evaluate(SCREEN_FILLED, ["q", "Tool 2 3 17", None])  # typed: made at once
        expect(page.locator("[data-count]")).not_to_have_text("960 projects")
        shown = int(page.locator("[data-count]").inner_text().split()[0])
        expect(page.locator(".tiles > li:not([hidden])")).to_have_count(shown)
        back = page.evaluate(SCREEN_FILLED, ["q", "", None])
        assert back["short"] == []  # nothing missing on screen in the first frame ...
        assert shown < back["now"] < 960  # ... where only part of the grid was shown
        expect(page.locator(".tiles > li[hidden]")).to_have_count(0)  # the rest follows
        expect(page.locator("[data-count]")).to_have_text("960 projects")


def test_a_category_shown_again_gets_tiles_at_once_only_where_they_can_be_seen(
    page: Page, tmp_path: Path
) -> None:
    # 2 categories of 4 subcategories of 80 items (a big grid); each section so big spans the
    # whole row (site.css: .sub-xl)
    with big_grid(page, tmp_path, (2, 4, 80), (760, 900)):
        page.evaluate(FILL_FRAMES, ["category", "Area 1", True])  # Area 0 hidden
        expect(page.locator(".tiles > li:not([hidden])")).to_have_count(320)
        frames = page.evaluate(FILL_FRAMES, ["category", "Area 1", False])
        first = frames[0]
        assert 0 < first[0] < 80, first  # Area 0's first row: a screenful ...
        # ... of as many columns as its lists have, down to the screen's bottom and one row more
        # (and one for the headings, which the estimate of where a list starts leaves out)
        columns, rows = page.evaluate(
            """() => {
              const list = document.querySelector('[data-grid] .tiles');
              const tile = list.querySelector('li > a').getBoundingClientRect();
              return [getComputedStyle(list).gridTemplateColumns.split(' ').length,
                      Math.ceil((innerHeight - list.getBoundingClientRect().top) / tile.height)];
            }"""
        )
        assert first[0] <= (rows + 2) * columns, (first, columns, rows)
        assert first[1:4] == [0, 0, 0], first  # its next rows start far below the screen
        assert frames[-1] == [80] * 8


#: After a change: each frame, every list's shown tiles, until none is left hidden.
FILL_FRAMES = """async ([filter, value, on]) => {
  const box = document.querySelector(`input[data-filter="${filter}"][value="${value}"]`);
  box.checked = on;
  box.dispatchEvent(new Event('change', { bubbles: true }));
  const lists = [...document.querySelectorAll('[data-grid] .tiles')];
  const frames = [];
  for (let f = 0; f < 120 && document.querySelector('[data-grid] .tiles > li[hidden]'); f++) {
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    frames.push(lists.map((list) => list.querySelectorAll(':scope > li:not([hidden])').length));
  }
  return frames;
}"""


#: After a change, in its frame: the sections on screen whose tiles the browser skipped
#: (`content-visibility: auto`: an empty card), and each list's shown tiles. Read when the next
#: frame begins, before the browser has drawn anything more (from a frame callback asked for in
#: the change's frame: a task in between can come frames later on a busy machine, once the rest
#: of the change is in).
SKIPPED_ON_SCREEN = """async ([filter, value, on]) => {
  const box = document.querySelector(`input[data-filter="${filter}"][value="${value}"]`);
  box.checked = on;
  box.dispatchEvent(new Event('change', { bubbles: true }));
  return await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => {
    const skipped = [];
    for (const section of document.querySelectorAll('[data-grid] .subcategory')) {
      const tile = section.querySelector('.tiles > li:not([hidden]) > a');
      const box = section.getBoundingClientRect();
      if (!tile || box.height === 0 || box.bottom <= 0 || box.top >= innerHeight) continue;
      if (!tile.checkVisibility({ contentVisibilityAuto: true })) skipped.push(section.getAttribute('aria-labelledby'));
    }
    const shown = [...document.querySelectorAll('[data-grid] .tiles')].map((list) => list.querySelectorAll(':scope > li:not([hidden])').length);
    resolve({ skipped, shown });
  })));
}"""


def test_a_section_a_change_brings_on_screen_is_drawn_in_that_frame(page: Page, tmp_path: Path) -> None:
    # 3 categories of 3 subcategories of 150 items: ticking the second category moves its first
    # section from far below the screen (where the browser skips it) to the top
    with big_grid(page, tmp_path, (3, 3, 150), (1280, 800)):
        # the premise: the browser skips that section once it has found it far below the screen
        # (on a busy machine, that can come after the page has settled)
        page.wait_for_function(
            "() => !document.querySelector('[aria-labelledby=sub-area-1-topic-1-0] .tiles > li > a')"
            ".checkVisibility({ contentVisibilityAuto: true })"
        )
        first = page.evaluate(SKIPPED_ON_SCREEN, ["category", "Area 1", True])
        assert first["skipped"] == []  # no empty card on screen in the change's frame ...
        assert 0 < first["shown"][3] < 150, first["shown"]  # ... a screenful of it at once
        expect(page.locator(".tiles > li:not([hidden])")).to_have_count(450)  # then the rest
        assert page.evaluate(SKIPPED_ON_SCREEN, ["category", "Area 1", False])["skipped"] == []
        expect(page.locator(".tiles > li:not([hidden])")).to_have_count(1350)
        # drawn for that frame only: once done, the browser skips what is off screen again
        page.wait_for_function(
            "() => [...document.querySelectorAll('.subcategory')].every((s) => !s.style.contentVisibility)"
        )


def test_the_rest_of_a_big_change_comes_sooner_where_the_browser_skips_it(page: Page, tmp_path: Path) -> None:
    # 3 categories of 3 subcategories of 150 items: once the first category's lists are back,
    # the second starts far below the screen, where the browser neither lays out nor paints
    # its sections (content-visibility)
    with big_grid(page, tmp_path, (3, 3, 150), (1280, 800)):
        page.evaluate(FILL_FRAMES, ["category", "Area 2", True])
        expect(page.locator("[data-count]")).to_have_text("450 projects")
        expect(page.locator(".tiles > li:not([hidden])")).to_have_count(450)  # the hidden too
        frames = page.evaluate(FILL_FRAMES, ["category", "Area 2", False])
        assert frames[-1] == [150] * 9  # all back in the end
        # The list on screen (each spans the row): a screenful at once; the lists below: later.
        assert 0 < frames[0][0] < 150 and frames[0][1:6] == [0] * 5, frames[0]
        # The lists on screen get the rest of their tiles a few a frame, those far below all at
        # once: these are done first.
        far = next(k for k, frame in enumerate(frames) if frame[3:6] == [150] * 3)
        assert frames[far][:3] != [150] * 3, frames[: far + 1]


#: A filter change, and in its frame (read right after it, before anything more is written):
#: where the element of the given id is, and which sections have a tile that can be seen.
LEAVING = """async ([filter, value, on, id]) => {
  const box = document.querySelector(`input[data-filter="${filter}"][value="${value}"]`);
  box.checked = on;
  box.dispatchEvent(new Event('change', { bubbles: true }));
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const sections = [...document.querySelectorAll('[data-grid] .subcategory')];
  const { top, left } = document.getElementById(id).getBoundingClientRect();
  return {
    place: [top, left],
    seen: sections.map((s) => s.querySelector('.tiles > li:not([hidden]) a')?.checkVisibility() ?? false),
  };
}"""

#: Where the element of the given id is, once all is done.
PLACE = "(id) => { const { top, left } = document.getElementById(id).getBoundingClientRect(); return [top, left]; }"


def test_sections_a_tick_hides_leave_its_frame_at_once_and_are_hidden_after(
    page: Page, tmp_path: Path
) -> None:
    # 3 categories of 3 subcategories of 150 items: ticking the second category hides the first,
    # whose tiles on screen the browser has drawn (gradual.js `leave`: out of that frame, hidden
    # after); so does ticking a subcategory for the others
    with big_grid(page, tmp_path, (3, 3, 150), (1280, 800)):
        ticked = page.evaluate(LEAVING, ["category", "Area 1", True, "cat-area-1"])
        assert ticked["seen"] == [False] * 3 + [True] * 3 + [False] * 3, ticked  # nothing of the others ...
        expect(page.locator(".tiles > li:not([hidden])")).to_have_count(450)
        expect(page.locator(".is-leaving")).to_have_count(0)  # ... then hidden
        assert page.evaluate("() => [...document.querySelectorAll('.category')].map((c) => c.hidden)") == [
            True,
            False,
            True,
        ]
        # in the change's frame, its title was already where it stays: nothing left above it
        assert ticked["place"] == page.evaluate(PLACE, "cat-area-1"), ticked
        # a category shown again before the frame that hides it just stays
        page.evaluate(
            """() => {
              const box = (v) => document.querySelector(`input[data-filter="category"][value="${v}"]`);
              for (const [value, on] of [['Area 1', false], ['Area 2', true], ['Area 2', false]]) {
                box(value).checked = on;
                box(value).dispatchEvent(new Event('change', { bubbles: true }));
              }
            }"""
        )
        expect(page.locator(".tiles > li:not([hidden])")).to_have_count(1350)
        expect(page.locator(".is-leaving")).to_have_count(0)
        assert page.evaluate("() => document.querySelectorAll('[data-grid] section[hidden]').length") == 0
        # a subcategory: the others' sections leave the grid's cells in its frame
        value = page.locator('input[data-filter="subcategory"]').nth(2).get_attribute("value")
        ticked = page.evaluate(LEAVING, ["subcategory", value, True, "sub-area-0-topic-0-2"])
        assert ticked["seen"] == [False, False, True] + [False] * 6, ticked
        expect(page.locator(".tiles > li:not([hidden])")).to_have_count(150)
        expect(page.locator(".is-leaving")).to_have_count(0)
        assert (
            page.evaluate("() => document.querySelectorAll('[data-grid] .subcategory:not([hidden])').length")
            == 1
        )
        assert ticked["place"] == page.evaluate(PLACE, "sub-area-0-topic-0-2"), ticked
