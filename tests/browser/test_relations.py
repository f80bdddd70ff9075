"""Relations in a real browser: picking items and comparing them at a shareable URL, the
pre-rendered comparisons with JavaScript off, and the explorer's torch filter."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import serving
from helpers import catalog, dump, item
from torchscape.paths import resolve_sources
from torchscape.serve import make_server
from torchscape.site.build import BuildRequest, build_site

if TYPE_CHECKING:
    from conftest import Site

pytestmark = pytest.mark.browser


def columns(page: Page) -> list[str]:
    return page.eval_on_selector_all("table.compare thead th[data-id]", "els => els.map(e => e.dataset.id)")


def test_pick_items_on_their_pages_and_compare_them(page: Page, bundled_site: Site) -> None:
    page.goto(bundled_site.url("projects/pytorch-lightning/"), wait_until="networkidle")
    page.locator("button[data-pick='pytorch-lightning']").click()
    expect(page.locator(".compare-tray")).to_contain_text("Compare 1/4")
    page.goto(bundled_site.url("categories/training/"), wait_until="networkidle")
    page.locator("button[data-pick='ignite']").click()  # from a card
    tray = page.locator(".compare-tray")
    expect(tray).to_contain_text("PyTorch Lightning, Ignite")
    tray.get_by_role("link", name="Compare").click()
    page.wait_for_url("**/compare/?items=pytorch-lightning,ignite")
    expect(page.locator("table.compare")).to_be_visible()
    assert columns(page) == ["pytorch-lightning", "ignite"]
    box = page.get_by_label("Add a project")
    box.fill("fastai")
    box.press("Enter")
    expect(page.locator("table.compare thead th[data-id]")).to_have_count(3)
    assert page.url.endswith("?items=pytorch-lightning,ignite,fastai")
    page.locator("button[data-remove='ignite']").click()
    expect(page.locator("table.compare thead th[data-id]")).to_have_count(2)
    # Opened from the picks, the page is the picks: no tray beside it to fall out of step (it
    # still said "..., Ignite"), and the next page's tray says what was compared last.
    expect(page.locator(".compare-tray")).to_be_hidden()
    page.go_back()
    expect(page.locator("table.compare thead th[data-id]")).to_have_count(3)
    page.goto(bundled_site.url("categories/training/"), wait_until="networkidle")
    expect(page.locator(".compare-tray")).to_contain_text("Compare 2/4: PyTorch Lightning, fastai")


def test_a_shared_comparison_url_builds_the_table(page: Page, bundled_site: Site) -> None:
    page.goto(bundled_site.url("compare/?items=pyro,numpyro,not-an-item,gpytorch"), wait_until="networkidle")
    expect(page.locator("table.compare")).to_be_visible()
    assert columns(page) == ["pyro", "numpyro", "gpytorch"]
    releases = page.locator("tr[data-row='releases'] td")
    expect(releases).to_have_count(3)
    best = page.locator("tr[data-row='releases'] td.best")
    assert best.count() >= 1  # the snapshot's release counts differ
    # No GitHub data in the snapshot: stars are unknown for all three, so that row is left out.
    expect(page.locator("tr[data-row='stars']")).to_have_count(0)
    expect(page.locator("tr[data-row='torch'] td").nth(2)).to_have_text("unknown")
    # A shared link leaves the visitor's own picks alone; it can be copied from the page.
    assert page.evaluate("localStorage.getItem('torchscape.compare')") in (None, "[]")
    expect(page.get_by_role("button", name="Copy the link to this comparison")).to_be_visible()
    # The address is written back as read: the unknown id and the repeat left out.
    page.goto(bundled_site.url("compare/?items=pyro,not-an-item,pyro,numpyro"), wait_until="networkidle")
    expect(page).to_have_url(re.compile(r"/compare/\?items=pyro,numpyro$"))
    expect(page).to_have_title(re.compile(r"^Compare Pyro, NumPyro"))
    for _ in range(2):
        page.locator("button[data-remove]").first.click()
    expect(page).to_have_url(re.compile(r"/compare/$"))
    expect(page).not_to_have_title(re.compile(r"Pyro"))  # the page's own title again, not the last item's


def test_items_of_one_name_can_each_be_added_to_a_comparison(page: Page, tmp_path: Path) -> None:
    """The "Add" box mapped a name to one of its items: the other could only be added by id."""
    data = tmp_path / "landscape.yml"
    twin, other = catalog(item("Twin"), item("Alpha")), catalog(item("Twin"), subcategory="Other")
    twin["categories"][0]["subcategories"] += other["categories"][0]["subcategories"]  # type: ignore[index]
    data.write_text(dump(twin), encoding="utf-8")
    out = tmp_path / "site"
    build_site(BuildRequest(resolve_sources(str(data), None, None, None), out, tmp_path / "cache"))
    ids = json.loads((out / "api" / "compare.json").read_text(encoding="utf-8"))["items"]
    twins = sorted(i for i, record in ids.items() if record["name"] == "Twin")
    assert len(twins) == 2
    with serving(make_server(out, "127.0.0.1", 0, None)) as base:
        page.goto(f"{base}compare/?items={twins[1]}", wait_until="networkidle")
        offered = page.eval_on_selector_all("#compare-names option", "els => els.map(e => e.value)")
        assert sorted(offered) == ["Alpha", *(f"Twin ({i})" for i in twins)]
        page.locator("input[name=name]").fill("Twin")
        page.locator("form[data-compare-add] button").click()
        expect(page).to_have_url(re.compile(rf"\?items={twins[1]},{twins[0]}$"))


def test_pre_rendered_comparisons_work_without_javascript(browser: Browser, bundled_site: Site) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(bundled_site.url("projects/pyro/"))
        expect(page.locator("button[data-pick]")).to_be_hidden()
        page.locator("summary", has_text="Compare Pyro with").click()  # <details>: no script needed
        expect(page.locator("table.compare")).to_be_visible()
        assert columns(page)[:2] == ["pyro", "numpyro"]
        page.goto(bundled_site.url("compare/"))
        page.get_by_role("link", name="Training loops").click()
        assert columns(page) == ["pytorch-lightning", "ignite", "fastai", "skorch"]
        page.goto(bundled_site.url("graph/"))
        page.get_by_role("link", name="Training").first.click()
        expect(page.locator("svg.graph").first).to_be_visible()
    finally:
        context.close()


def test_torch_filter_shows_only_items_that_accept_the_version(page: Page, bundled_site: Site) -> None:
    data = json.loads((bundled_site.root / "api" / "explorer.json").read_text(encoding="utf-8"))["items"]
    accepting = {i["id"] for i in data if i["torch_ok"] and "2.4" in i["torch_ok"]}
    unknown = {i["id"] for i in data if i["torch_ok"] is None}
    page.goto(bundled_site.url(), wait_until="networkidle")
    expect(page.locator("[data-explorer]")).to_be_visible()
    page.locator("summary", has_text="Filters").click()
    option = page.locator("label", has=page.locator('input[data-filter="torch"][value="2.4"]'))
    assert int(option.locator(".count").inner_text()) == len(accepting)
    option.locator("input").check()
    expect(page.locator("[data-count]")).to_have_text(f"{len(accepting)} projects")
    expect(page).to_have_url(re.compile(r"torch=2\.4"))  # once the change is painted
    shown = page.eval_on_selector_all(
        ".tiles li:not([hidden]) a[data-id]",
        "els => [...new Set(els.filter(e => e.offsetParent).map(e => e.dataset.id))]",
    )
    assert set(shown) == accepting and not (set(shown) & unknown)
    page.goto(bundled_site.url("?torch=unknown&view=list"), wait_until="networkidle")
    expect(page.locator(".list tbody tr")).to_have_count(len(unknown))


def test_no_torch_filter_without_torch_data(page: Page, fixture_site: Site) -> None:
    # The real fixture is built without observed data: every item's torch support is unknown.
    page.goto(fixture_site.url(), wait_until="networkidle")
    expect(page.locator("[data-explorer]")).to_be_visible()
    page.locator("summary", has_text="Filters").click()
    expect(page.locator('input[data-filter="category"]').first).to_be_attached()
    expect(page.locator('input[data-filter="torch"]')).to_have_count(0)
    expect(page.locator(".topnav")).not_to_contain_text("torch versions")


def test_pick_tiles_on_the_home_grid_and_compare_them(page: Page, bundled_site: Site) -> None:
    page.goto(bundled_site.url(), wait_until="networkidle")
    mode = page.locator("[data-compare-mode]")
    mode.click()
    expect(mode).to_have_attribute("aria-pressed", "true")
    page.locator("[data-grid] a.tile[data-id='pyro']").first.click()
    page.locator("[data-grid] a.tile[data-id='numpyro']").first.focus()
    page.keyboard.press("Enter")  # the keyboard picks too
    assert page.url == bundled_site.url()  # picked, not opened
    expect(page.locator("[data-grid] a.tile.is-picked[data-id='numpyro']").first).to_be_visible()
    page.keyboard.press("Escape")
    expect(mode).to_have_attribute("aria-pressed", "false")
    tray = page.locator(".compare-tray")
    expect(tray).to_contain_text("Compare 2/4")
    tray.get_by_role("link", name="Compare").click()
    page.wait_for_url("**/compare/?items=pyro,numpyro")
    expect(page.locator("table.compare thead th[data-id]")).to_have_count(2)  # built from compare.json
    assert columns(page) == ["pyro", "numpyro"]
