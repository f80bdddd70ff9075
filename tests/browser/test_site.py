"""The built site in a real browser: tiles, item pages, keyboard, tabs, links, hosting, weight.

Every test runs in its own context whose pages may only reach 127.0.0.1, and fails when a page
logs a console error or throws (see conftest.py).
"""

from __future__ import annotations

import gzip
import json
import os
import re
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Response, expect

from conftest import SUB_PATH, serving
from helpers import catalog, dump, item
from torchscape.paths import resolve_sources
from torchscape.site.build import BuildRequest, build_site

if TYPE_CHECKING:  # conftest.py is not importable as a module name of its own
    from conftest import Monitor, Site

pytestmark = pytest.mark.browser

PAGE_BUDGET = 300_000  # bytes of HTML + CSS + JS on the home page, uncompressed
#: Bytes of the same, gzip-compressed (level 6, as web servers commonly compress), with the JSON
#: the page fetches before it is interactive (`api/explorer.json`): issues #3 and #6.
COMPRESSED_BUDGET = 60_000
#: Bytes of everything the PyTorch home page loads once scrolled to the end and idle, logos
#: included (issue #3: under 2 MB; the older landscapeapp page pulls 11.8 MB).
LOADED_BUDGET = 2_000_000


def scroll_to_bottom(page: Page) -> None:
    """Scroll down one screen at a time (lazy images load near the viewport) to the bottom."""
    page.evaluate(
        """async () => {
          const pause = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 30)));
          let last = -1;
          while (window.scrollY !== last) {
            last = window.scrollY;
            window.scrollBy(0, window.innerHeight);
            await pause();
          }
        }"""
    )


def focused(page: Page, selector: str) -> bool:
    return bool(page.evaluate("s => document.activeElement?.matches(s) ?? false", selector))


# 1 ---------------------------------------------------------------------------------------------


def test_home_shows_every_item_as_a_tile(page: Page, monitor: Monitor, bundled_site: Site) -> None:
    page.goto(bundled_site.url(), wait_until="load")
    ids = page.eval_on_selector_all(".tiles [data-id]", "tiles => tiles.map((t) => t.dataset.id)")
    landscape = bundled_site.landscape
    assert len(ids) == sum(len(item.placements) for item in landscape)
    assert set(ids) == {item.id for item in landscape}
    monitor.assert_no_errors()


# 2 ---------------------------------------------------------------------------------------------


def test_clicking_a_tile_opens_the_item_page(page: Page, bundled_site: Site) -> None:
    page.goto(bundled_site.url())
    tile = page.locator("[data-group-panel]:not([hidden]) .tiles a.tile").first
    item = bundled_site.landscape.item(tile.get_attribute("data-id") or "")
    tile.click()
    page.wait_for_url(bundled_site.url(f"projects/{item.id}/"))

    assert page.locator("h1").inner_text() == item.name
    assert item.name in page.title()
    description = page.locator('meta[name="description"]').get_attribute("content")
    assert description
    canonical = page.locator('link[rel="canonical"]').get_attribute("href") or ""
    assert canonical.endswith(f"/projects/{item.id}/")
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content() or "")
    assert data["@context"] == "https://schema.org"
    assert data["name"] == item.name


# 3 ---------------------------------------------------------------------------------------------


def test_keyboard_reaches_a_tile_with_visible_focus(page: Page, bundled_site: Site) -> None:
    page.goto(bundled_site.url())
    page.keyboard.press("Tab")
    assert focused(page, "a.skip"), "the first Tab stop is not the skip link"
    assert page.locator("a.skip").bounding_box() is not None

    for _ in range(40):
        page.keyboard.press("Tab")
        if focused(page, "a.tile"):
            break
    else:
        pytest.fail("40 presses of Tab never reached a tile")
    style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert style != "none", "the focused tile shows no outline"
    item_id = page.evaluate("document.activeElement.dataset.id")

    page.keyboard.press("Enter")
    page.wait_for_url(bundled_site.url(f"projects/{item_id}/"))
    assert page.locator("h1").inner_text() == bundled_site.landscape.item(item_id).name


# 4 ---------------------------------------------------------------------------------------------


def test_group_tabs_switch_panels_and_keep_the_hash(page: Page, bundled_site: Site) -> None:
    page.goto(bundled_site.url())
    tabs = page.locator("[data-tabs] [data-group]")
    assert tabs.count() == 2
    first, second = (tabs.nth(i).get_attribute("data-group") for i in range(2))
    panel = {g: page.locator(f'[data-group-panel="{g}"]') for g in (first, second)}

    def hidden(group: str | None) -> bool:
        return bool(panel[group].evaluate("p => p.hidden"))

    assert not hidden(first) and hidden(second)
    tabs.nth(1).click()
    assert hidden(first) and not hidden(second)
    assert page.evaluate("location.hash") == f"#group-{second}"
    assert tabs.nth(1).get_attribute("aria-selected") == "true"

    page.reload()
    assert hidden(first) and not hidden(second)
    assert tabs.nth(1).get_attribute("aria-selected") == "true"

    tabs.nth(1).focus()
    page.keyboard.press("ArrowRight")  # wraps round to the first tab
    assert focused(page, f'[data-group="{first}"]')
    assert not hidden(first) and hidden(second)
    assert page.evaluate("location.hash") == f"#group-{first}"
    page.keyboard.press("ArrowRight")
    assert focused(page, f'[data-group="{second}"]')
    assert hidden(first) and not hidden(second)


# 5 ---------------------------------------------------------------------------------------------


def test_landscape2_item_link_lands_on_the_item_page(page: Page, bundled_site: Site) -> None:
    item = bundled_site.landscape.item("pytorch")
    assert item.landscape2_id
    page.goto(bundled_site.url(f"?item={item.landscape2_id}"))
    page.wait_for_url(bundled_site.url("projects/pytorch/"))
    assert page.locator("h1").inner_text() == item.name


# 6 ---------------------------------------------------------------------------------------------


def test_fixture_home_loads_offline_cleanly(page: Page, monitor: Monitor, fixture_site: Site) -> None:
    page.goto(fixture_site.url(), wait_until="networkidle")
    assert page.locator(".tiles [data-id]").count() >= len(fixture_site.landscape)
    monitor.assert_no_failures()


def test_fixture_status_is_shown_as_written(page: Page, fixture_site: Site) -> None:
    pyro = next(item for item in fixture_site.landscape if item.name == "Pyro")
    assert pyro.status is not None and pyro.status.value == "archived"
    page.goto(fixture_site.url(f"projects/{pyro.id}/"))
    assert page.locator("h1").inner_text() == "Pyro"
    # The fixture's settings have no `torchscape:` section, so the raw value is the label.
    status = page.locator("dt:text-is('Curation status') + dd")
    assert status.inner_text().strip() == "archived"
    assert page.locator(".item-title .tags .tag").first.inner_text().strip() == "archived"
    assert "Retired from the ecosystem" not in page.content()


def test_fixture_every_logo_renders(page: Page, monitor: Monitor, fixture_site: Site) -> None:
    page.goto(fixture_site.url())
    tabs = page.locator("[data-tabs] [data-group]")
    groups = [tabs.nth(i) for i in range(tabs.count())] or [None]
    for tab in groups:  # hidden panels load no images: show each group in turn
        if tab is not None:
            tab.click()
        page.evaluate("window.scrollTo(0, 0)")
        scroll_to_bottom(page)
    # A function, not an expression: Playwright polls an expression with eval, which the
    # site's Content-Security-Policy (no 'unsafe-eval') refuses.
    page.wait_for_function("() => [...document.images].every((img) => img.complete)", timeout=15_000)
    broken = page.evaluate(
        "[...document.images].filter((img) => img.naturalWidth === 0).map((img) => img.src)"
    )
    count = page.evaluate("document.images.length")
    assert count >= len(fixture_site.landscape)
    assert broken == [], f"{len(broken)} of {count} logos did not render: {broken[:10]}"
    monitor.assert_no_failures()


def test_fixture_every_logo_draws_something(fixture_site: Site) -> None:
    """Each logo file the site holds, drawn (SVGs by resvg, small), has a visible pixel: a
    sanitiser that drops what a logo's drawing links to leaves a file that loads and shows
    nothing (four of the fixture's logos, once: their glyphs lived in <defs>)."""
    import io

    import resvg_py
    from PIL import Image

    blank = []
    files = sorted((fixture_site.root / "logos").iterdir())
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".svg":
            data = bytes(
                resvg_py.svg_to_bytes(svg_string=data.decode("utf-8"), width=48, skip_system_fonts=True)
            )
        with Image.open(io.BytesIO(data)) as image:
            drawn = image.convert("RGBA")
        opaque = drawn.getchannel("A").getbbox() is not None
        if not opaque:
            blank.append(path.name)
    # Text drawn without fonts (skip_system_fonts) may be all a logo has: those are not counted.
    texts = {p.name for p in files if p.suffix == ".svg" and b"<text" in p.read_bytes()}
    assert len(files) > 100 and sorted(set(blank) - texts) == []


# 7 ---------------------------------------------------------------------------------------------


def test_site_works_under_a_sub_path(page: Page, monitor: Monitor, subpath_site: Site) -> None:
    landscape = subpath_site.landscape
    category = landscape.categories[0]
    paths = ["", "projects/pytorch/", f"categories/{category.id}/", "guide/", "about/"]
    escaped: list[str] = []
    for path in paths:
        response = page.goto(subpath_site.url(path), wait_until="networkidle")
        assert response is not None and response.status == 200, path
        assert page.locator("h1").count() == 1, path
        # Every link within the site stays under the prefix.
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map((a) => a.href)")
        escaped += [
            f"{path or '/'} -> {h}"
            for h in hrefs
            if h.startswith("http://127.0.0.1") and not h.startswith(subpath_site.base)
        ]
    monitor.assert_no_failures()
    assert escaped == [], f"links leaving {subpath_site.base}: {escaped[:10]}"


def test_a_landscape2_link_into_the_guide_lands_on_its_section(
    page: Page, monitor: Monitor, bundled_site: Site
) -> None:
    page.goto(bundled_site.url("guide/#introduction--curation-statuses"), wait_until="networkidle")
    expect(page).to_have_url(re.compile(r"guide/#guide-introduction--curation-statuses$"))
    expect(page.locator("#guide-introduction--curation-statuses")).to_be_in_viewport()
    page.goto(bundled_site.url("guide/#no-such-section"), wait_until="networkidle")
    expect(page).to_have_url(re.compile(r"guide/#no-such-section$"))  # left alone
    # A malformed escape in the fragment (decodeURIComponent throws on it) stopped the rest of
    # the page's script: no comparison button, no copy buttons.
    page.goto(bundled_site.url("projects/pyro/#%E0"), wait_until="networkidle")
    expect(page.locator(".item-title .tags + button[data-pick]")).to_have_text("Add to comparison")
    monitor.assert_no_failures()


# 8 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["bundled_site", "fixture_site"])
def test_home_page_weight(page: Page, monitor: Monitor, request: pytest.FixtureRequest, which: str) -> None:
    site: Site = request.getfixturevalue(which)
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(site.url(), wait_until="networkidle")
    scroll_to_bottom(page)
    page.wait_for_load_state("networkidle")

    sizes: dict[str, int] = {}
    counts: dict[str, int] = {}
    for response in responses:
        kind = response.request.resource_type
        sizes[kind] = sizes.get(kind, 0) + len(response.body())
        counts[kind] = counts.get(kind, 0) + 1
    code = sum(sizes.get(k, 0) for k in ("document", "stylesheet", "script"))
    total = sum(sizes.values())
    print(
        f"\nhome page weight (uncompressed): total {total:,} B in {len(responses)} responses; "
        + "; ".join(f"{k} {sizes[k]:,} B ({counts[k]})" for k in sorted(sizes))
        + f"; HTML+CSS+JS {code:,} B"
    )
    # Compressed, with what the page needs before it is interactive: every module its scripts
    # import, and the explorer's first file (not the second, which nothing waits for).
    needed = [
        r
        for r in responses
        if r.request.resource_type in ("document", "stylesheet", "script")
        or r.url.endswith("/api/explorer.json")
    ]
    assert any(r.url.endswith("/api/explorer.json") for r in needed)
    assert any("/static/search." in r.url for r in needed)  # explorer.js's imports are counted
    compressed = sum(len(gzip.compress(r.body(), 6)) for r in needed)
    print(f"compressed (gzip -6), with api/explorer.json: {compressed:,} B in {len(needed)} responses")
    monitor.assert_no_failures()
    assert code < PAGE_BUDGET, f"HTML+CSS+JS is {code:,} B, over {PAGE_BUDGET:,} B"
    assert compressed < COMPRESSED_BUDGET, f"{compressed:,} B compressed, over {COMPRESSED_BUDGET:,} B"
    assert sizes.get("image", 0) > 0  # the logos were loaded, so they count
    assert total < LOADED_BUDGET, f"fully loaded: {total:,} B, over {LOADED_BUDGET:,} B"


# 9 ---------------------------------------------------------------------------------------------


def test_missing_page_gets_the_styled_404(page: Page, monitor: Monitor, bundled_site: Site) -> None:
    styles: list[Response] = []
    page.on("response", lambda r: styles.append(r) if r.request.resource_type == "stylesheet" else None)
    response = page.goto(bundled_site.url("no/such/page/"), wait_until="networkidle")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert styles and all(r.status == 200 for r in styles), [(r.status, r.url) for r in styles]
    # The site's stylesheet applies: the skip link is moved off-screen by it.
    assert page.locator("a.skip").evaluate("a => getComputedStyle(a).position") == "absolute"
    # The page's own 404 is expected (Chromium also logs it to the console); nothing else.
    missing = bundled_site.url("no/such/page/")
    monitor.bad_responses.remove(f"404 {missing}")
    monitor.console_errors = [e for e in monitor.console_errors if not (e.startswith(missing) and "404" in e)]
    monitor.assert_no_failures()


#: One page of each kind, with what makes it wide: long names in the badge, tables, the graph.
PHONE_PAGES = (
    "",
    "?view=list&q=vision",
    "projects/pyro/",
    "projects/pytorch/",
    "compare/?items=pytorch-lightning,ignite,fastai,skorch",
    "graph/",
    "graph/training/",
    "torch/",
    "torch/2.4/",
    "stats/",
    "guide/",
    "about/",
    "categories/training/",
    "embed/",  # last: its preview frame, loaded again by its script, is cut short by a next page
)


def test_no_page_is_wider_than_a_phone(
    page: Page, monitor: Monitor, bundled_site: Site, fixture_site: Site
) -> None:
    # An item page's badge (a picture about 380 px wide) made the whole page scroll sideways at
    # 360 px, and so did the PyTorch fixture's "imputation/classification/clustering/..." (a
    # word as far as line breaking goes) on its item page and category page; wide tables and
    # drawings scroll in their own boxes.
    page.set_viewport_size({"width": 360, "height": 780})
    wide = []
    pages = [bundled_site.url(path) for path in PHONE_PAGES]
    pages[-1:-1] = [fixture_site.url("projects/pypots/"), fixture_site.url("categories/modeling/")]
    for url in pages:
        page.goto(url, wait_until="networkidle")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 360:
            wide.append(f"{url}: {width} px")
    assert wide == []
    # A busy machine can go a moment quiet while a page's lazy logos still arrive: the next
    # page then cuts them short, which says nothing about the site.
    monitor.failed_requests = [f for f in monitor.failed_requests if not f.endswith("net::ERR_ABORTED")]
    monitor.assert_no_failures()


# 10 --------------------------------------------------------------------------------------------
# Look and accessibility: legible on phones, contrast, targets, what the explorer shows.

#: `window.contrast(selector, what)`: the WCAG 2 contrast ratio of an element's text ("text"),
#: its placeholder ("placeholder"), its top border ("border") or its focus outline ("outline")
#: against the background it is drawn on (the backgrounds of it and its ancestors, composited).
CONTRAST = """() => {
  const canvas = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  const rgba = (css) => {
    canvas.clearRect(0, 0, 1, 1); canvas.fillStyle = 'rgba(0,0,0,0)'; canvas.fillStyle = css; canvas.fillRect(0, 0, 1, 1);
    const d = canvas.getImageData(0, 0, 1, 1).data; return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = (top, under) => top.slice(0, 3).map((c, i) => c * top[3] + under[i] * (1 - top[3])).concat(1);
  const background = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let colour = matchMedia('(prefers-color-scheme: dark)').matches ? [0, 0, 0, 1] : [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const luminance = (c) => c.slice(0, 3).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  window.contrast = (selector, what) => {
    const element = document.querySelector(selector);
    const style = getComputedStyle(element, what === 'placeholder' ? '::placeholder' : null);
    const colour = { text: style.color, placeholder: style.color, border: style.borderTopColor, outline: style.outlineColor }[what];
    const under = background(what === 'text' || what === 'placeholder' ? element : element.parentElement);
    const [a, b] = [luminance(over(rgba(colour), under)), luminance(under)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
}"""


def contrast(page: Page, selector: str, what: str = "text") -> float:
    page.evaluate(CONTRAST)
    return float(page.evaluate("([s, w]) => contrast(s, w)", [selector, what]))


#: The tile names split inside a word (between two characters that are not a space or after a
#: hyphen), each with the width that word needs and the width its tile has for it.
BROKEN_NAMES = """() => {
  const broken = [];
  for (const name of document.querySelectorAll('[data-grid] .tile-name')) {
    const text = name.firstChild;
    for (const word of text.textContent.matchAll(/[^\\s-]+-?/g)) {
      const range = document.createRange();
      range.setStart(text, word.index);
      range.setEnd(text, word.index + word[0].length);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (lines.size < 2) continue;
      const probe = name.cloneNode();
      probe.textContent = word[0];
      probe.style.cssText = 'position: absolute; white-space: nowrap; max-width: none';
      name.after(probe);
      const needs = probe.getBoundingClientRect().width;
      probe.remove();
      const tile = getComputedStyle(name.parentElement);
      const has = name.parentElement.clientWidth - parseFloat(tile.paddingLeft) - parseFloat(tile.paddingRight);
      broken.push([text.textContent, needs, has]);
    }
  }
  return broken;
}"""


def test_tile_names_break_only_where_a_word_cannot_fit(page: Page, bundled_site: Site) -> None:
    # 120 px tiles broke "Albumentation/s", "NeuralOperato/r", "pyannote.audi/o": 12 names at
    # 1440 px (overflow-wrap: anywhere at 12.8 px). A word wider than its tile still breaks
    # (in wide fonts, DejaVu Sans, one or two of the bundled landscape's).
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(bundled_site.url(), wait_until="networkidle")
    # Every section laid out (content-visibility skips those off screen).
    page.evaluate(
        "document.querySelectorAll('.subcategory').forEach((s) => { s.style.contentVisibility = 'visible'; })"
    )
    broken = page.evaluate(BROKEN_NAMES)
    assert [name for name, needs, has in broken if needs <= has + 0.5] == []
    assert len(broken) <= 2, broken
    # and no name sticks out of its tile
    outside = page.evaluate(
        """() => [...document.querySelectorAll('[data-grid] .tile-name')].filter((name) => {
             const [n, t] = [name.getBoundingClientRect(), name.parentElement.getBoundingClientRect()];
             return n.left < t.left - 0.5 || n.right > t.right + 0.5;
           }).map((name) => name.textContent)"""
    )
    assert outside == []


#: The subcategory boxes of the home grid: for each category, each box's place in the page,
#: top and left, and height.
BOXES = """() => [...document.querySelectorAll('.subcategories')].map((grid) =>
  [...grid.children].map((box) => { const r = box.getBoundingClientRect(); return [r.top + scrollY, r.left, r.height, r.width]; }))"""


@pytest.mark.parametrize("width", [360, 768, 1440, 1920])
def test_big_subcategories_are_wider_in_the_order_of_the_page(
    page: Page, bundled_site: Site, width: int
) -> None:
    # A subcategory of 28 tiles was a column of 14 rows beside ones of 2: holes of 1,259 px at
    # 1440 px. Those of many tiles span columns where the grid has them, never past it.
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(bundled_site.url(), wait_until="networkidle")
    page.evaluate(
        "document.querySelectorAll('.subcategory').forEach((s) => { s.style.contentVisibility = 'visible'; })"
    )
    assert page.evaluate("document.documentElement.scrollWidth") == width
    # (the boxes of the group whose tab is not selected are not shown: left out)
    categories = [[box for box in boxes if box[3] > 0] for boxes in page.evaluate(BOXES)]
    categories = [boxes for boxes in categories if boxes]
    hole = 0.0
    for boxes in categories:
        places = [(round(top), left) for top, left, _, _ in boxes]
        assert places == sorted(places), "the boxes are not in the order of the page"
        rows: dict[int, list[float]] = {}
        for top, _, height, _ in boxes:
            rows.setdefault(round(top), []).append(height)
        hole = max([hole] + [max(heights) - min(heights) for heights in rows.values()])
    widths = [round(box[3]) for boxes in categories for box in boxes]
    if width == 360:
        assert len(set(widths)) == 1  # one column
    else:
        assert max(widths) > 1.5 * min(widths)
        assert hole < 450, f"a box {hole:.0f} px shorter than its row"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_controls_and_small_accent_text_have_enough_contrast(
    page: Page, bundled_site: Site, scheme: str
) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(bundled_site.url(), wait_until="networkidle")
    expect(page.locator("[data-explorer]")).to_be_visible()
    # Edges of controls (WCAG 1.4.11) at 3:1, placeholders (the dark scheme's was Chromium's
    # #757575: 3.7:1) at 4.5:1; tiles keep their light edge.
    for control in ("input[type=search]", "[data-sort]", "[data-dir]", "a.button[data-csv]"):
        assert contrast(page, control, "border") >= 3, control
    assert contrast(page, "input[type=search]", "placeholder") >= 4.5
    assert contrast(page, "a.tile", "border") < 2
    if scheme == "light":  # the focus ring on the navy top bar (blue on navy: 3.1:1)
        page.locator(".brand").focus()
        assert contrast(page, ".brand", "outline") >= 4.5
    page.goto(bundled_site.url("projects/pytorch-lightning/"))
    assert contrast(page, ".torch-versions li.yes a") >= 4.5  # 4.0:1 in the light scheme
    page.goto(bundled_site.url("compare/graph-neural-networks/"))
    assert contrast(page, "td.best .best-mark") >= 4.5  # 4.2:1 in the light scheme
    page.goto(bundled_site.url("compare/?items=pytorch-lightning,ignite"), wait_until="networkidle")
    for control in (".compare-add input", ".compare-add button", ".compare [data-remove]"):
        assert contrast(page, control, "border") >= 3, control


def test_clear_and_the_group_tabs_follow_what_is_active(page: Page, bundled_site: Site) -> None:
    page.goto(bundled_site.url(), wait_until="networkidle")
    expect(page.locator("[data-explorer]")).to_be_visible()
    clear, tabs = page.locator("[data-clear]"), page.locator("[data-tabs]")
    expect(clear).to_be_hidden()  # nothing to clear ("346 projects Clear")
    assert tabs.evaluate("nav => nav.inert") is False
    page.locator("input[type=search]").fill("vision")
    expect(clear).to_be_visible()
    # Every group shows while searching: the tabs do nothing, and are neither focused nor clicked.
    assert tabs.evaluate("nav => nav.inert") is True
    page.locator("input[type=search]").focus()
    for _ in range(12):  # to Clear from the keyboard
        page.keyboard.press("Tab")
        if focused(page, "[data-clear]"):
            break
    page.keyboard.press("Enter")
    expect(clear).to_be_hidden()
    assert focused(page, "input[type=search]")  # not lost with the button
    expect(page.locator("[data-count]")).to_have_text(f"{len(bundled_site.landscape)} projects")
    assert tabs.evaluate("nav => nav.inert") is False
    page.locator("summary", has_text="Filters").click()
    page.locator("input[data-filter]").first.check()
    expect(clear).to_be_visible()
    clear.click()
    expect(clear).to_be_hidden()
    expect(page.locator("input[data-filter]:checked")).to_have_count(0)


def test_phone_pages_keep_their_text_legible_and_targets_big(page: Page, bundled_site: Site) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    # Stats: charts drawn 291 px wide had 12-unit labels at 5.5 px; they scroll in a box that
    # the keyboard reaches and that is named by the chart's heading.
    page.goto(bundled_site.url("stats/"))
    charts = page.eval_on_selector_all(
        ".chart-wrap",
        """boxes => boxes.map((box) => {
             const chart = box.querySelector('svg.chart');
             return [12 * chart.getBoundingClientRect().width / chart.viewBox.baseVal.width,
                     box.scrollWidth > box.clientWidth, box.tabIndex, box.getAttribute('role'),
                     document.getElementById(box.getAttribute('aria-labelledby'))?.tagName];
           })""",
    )
    assert charts and all(
        label >= 11 and scrolls and tab == 0 and role == "region" and named == "H2"
        for label, scrolls, tab, role, named in charts
    ), charts
    # Home: a header of one row of links (it was three, 167 px) that keeps every link, and the
    # first tile on the first screen (it was at y = 747).
    page.goto(bundled_site.url(), wait_until="networkidle")
    header = page.evaluate(
        """() => ({height: document.querySelector('.topbar').getBoundingClientRect().height,
                   rows: new Set([...document.querySelectorAll('.topnav a')].map((a) => Math.round(a.getBoundingClientRect().top))).size,
                   links: document.querySelectorAll('.topnav a').length,
                   tile: document.querySelector('a.tile').getBoundingClientRect().bottom})"""
    )
    assert header["height"] < 100 and header["rows"] == 1 and header["links"] >= 6, header
    assert header["tile"] <= 740, header
    # The row, wider than the screen, fades out at its right edge: a hint that it scrolls.
    fade = page.evaluate("getComputedStyle(document.querySelector('.topnav')).maskImage")
    assert "linear-gradient" in fade, fade
    # Filter options: rows of 24 px and more (the label is the target; 13 px boxes in 21 px rows).
    page.locator("summary", has_text="Filters").click()
    rows = page.eval_on_selector_all(
        ".filters label", "labels => labels.map((l) => l.getBoundingClientRect().height)"
    )
    assert rows and min(rows) >= 24
    # Compare: the labels wrap (a 293 px column left no data on the first screen) and the
    # remove buttons are 24 px and more.
    page.goto(bundled_site.url("compare/?items=pytorch-lightning,ignite"), wait_until="networkidle")
    label = page.locator(".compare tbody th").first.bounding_box()
    assert label is not None and label["width"] <= 160
    sizes = page.eval_on_selector_all(
        ".compare [data-remove]", "bs => bs.map((b) => [b.offsetWidth, b.offsetHeight])"
    )
    assert sizes and all(w >= 24 and h >= 24 for w, h in sizes), sizes


def test_torch_matrix_headings_are_aligned_with_their_cells(page: Page, bundled_site: Site) -> None:
    page.goto(bundled_site.url("torch/"))
    aligns = page.eval_on_selector_all(
        ".matrix thead th", "ths => ths.map((th) => getComputedStyle(th).textAlign)"
    )
    cells = page.eval_on_selector_all(
        ".matrix tbody tr:first-child td", "tds => tds.map((td) => getComputedStyle(td).textAlign)"
    )
    assert aligns[1:] == cells  # the requirement and the versions, over centred cells


class _PagesHost(SimpleHTTPRequestHandler):
    """A host like GitHub Pages for a project site: the site under SUB_PATH, and its 404.html for
    any address that names no file."""

    def translate_path(self, path: str) -> str:
        url_path = urlsplit(path).path
        if not url_path.startswith(SUB_PATH):
            return os.path.join(self.directory, "\0outside-the-prefix")
        return super().translate_path("/" + path[len(SUB_PATH) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            super().send_error(code, message, explain)
            return
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


def test_404_page_links_work_under_a_base_path(page: Page, monitor: Monitor, tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item("Alpha"), item("Beta"))), encoding="utf-8")
    settings = tmp_path / "settings.yml"
    settings.write_text(
        dump({"foundation": "F", "url": "https://org.github.io", "base_path": SUB_PATH.rstrip("/")}),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    build_site(BuildRequest(resolve_sources(str(data), str(settings), None, None), out, tmp_path / "cache"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_PagesHost, directory=str(out)))
    server.daemon_threads = True
    with serving(server) as base:
        site = base.rstrip("/") + SUB_PATH
        missing = site + "no/such/page/"
        response = page.goto(missing, wait_until="networkidle")
        assert response is not None and response.status == 404
        assert page.locator("h1").inner_text() == "Page not found"
        assert page.locator("a.skip").evaluate("a => getComputedStyle(a).position") == "absolute"  # styled
        links = page.eval_on_selector_all(
            "a[href], link[href], script[src]", "els => els.map((e) => e.href || e.src)"
        )
        local = sorted({link.split("#")[0] for link in links if link.startswith(base)} - {missing})
        assert site in local and site + "about/" in local
        dead = [(link, page.request.get(link).status) for link in local]
        assert [(link, status) for link, status in dead if status != 200 or not link.startswith(site)] == []
    monitor.bad_responses.remove(f"404 {missing}")
    monitor.console_errors = [e for e in monitor.console_errors if not (e.startswith(missing) and "404" in e)]
    monitor.assert_no_failures()
