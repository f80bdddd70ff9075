"""The explorer in a real browser: search filters the view, filters with counts, views, sort,
shareable URLs, back/forward, keyboard, CSV of the view."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from conftest import Site

pytestmark = pytest.mark.browser


def visible_ids(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        ".tiles li:not([hidden]) a[data-id]",
        "els => [...new Set(els.filter(e => e.offsetParent).map(e => e.dataset.id))]",
    )


def ready(page: Page, site: Site, query: str = "") -> None:
    page.goto(site.url(query), wait_until="networkidle")
    expect(page.locator("[data-explorer]")).to_be_visible()


def test_typing_filters_the_grid_at_every_keystroke(page: Page, bundled_site: Site) -> None:
    ready(page, bundled_site)
    box = page.locator("input[type=search]")
    box.press_sequentially("pytorh lightn", delay=20)
    expect(page.locator("[data-count]")).to_contain_text("match “pytorh lightn”")
    ids = visible_ids(page)
    assert "pytorch-lightning" in ids and len(ids) < 20
    assert "q=pytorh+lightn" in page.url


def test_list_view_is_in_relevance_order_and_url_round_trips(
    page: Page, bundled_site: Site, context: object
) -> None:
    ready(page, bundled_site, "?view=list&q=differential+privacy")
    first = page.locator(".list tbody tr").first
    expect(first).to_have_attribute("data-id", "opacus")
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
    assert "kind=framework" in page.url
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


def test_csv_download_holds_the_current_view(page: Page, bundled_site: Site) -> None:
    ready(page, bundled_site, "?q=quantization")
    with page.expect_download() as download:
        page.locator("[data-csv]").click()
    text = download.value.path().read_text(encoding="utf-8")
    lines = text.strip().splitlines()
    shown = int(page.locator("[data-count]").inner_text().split()[0])
    assert lines[0].startswith("id,name,category") and len(lines) == shown + 1


def test_live_region_announces_counts(page: Page, bundled_site: Site) -> None:
    ready(page, bundled_site)
    region = page.locator("[data-count]")
    assert region.get_attribute("role") == "status" and region.get_attribute("aria-live") == "polite"
    expect(region).to_have_text(f"{len(bundled_site.landscape)} projects")
