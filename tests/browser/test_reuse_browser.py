"""Badges, embeds and the poster in a real browser: the embed's height reaches a host page on
another origin through the listener snippet the setup page gives; options apply; PNG/PDF posters.
"""

from __future__ import annotations

import html
import re
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Frame, Page, expect

from torchscape.cli import main

if TYPE_CHECKING:
    from conftest import Monitor, Site

from conftest import LOOPBACK, serving

pytestmark = pytest.mark.browser

CONTENT_HEIGHT = "() => Math.ceil(document.documentElement.getBoundingClientRect().height)"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def _listener(site: Site) -> str:
    """The host-page listener exactly as the setup page gives it."""
    page = (site.root / "embed" / "index.html").read_text(encoding="utf-8")
    code = re.search(r'<code id="embed-listener"[^>]*>(.*?)</code>', page, re.DOTALL)
    assert code is not None
    return html.unescape(code.group(1))


def _host(tmp_path: Path, site: Site, frames: list[str]) -> ThreadingHTTPServer:
    """A page on another 127.0.0.1 origin that embeds `frames` (paths inside the site)."""
    iframes = "\n".join(
        f'<iframe src="{site.url(path)}" title="embed {n}" data-torchscape-embed width="100%" height="150" '
        'style="border:0"></iframe>'
        for n, path in enumerate(frames)
    )
    (tmp_path / "host.html").write_text(
        f"<!doctype html><html><body><h1>Host</h1>{iframes}<p id='after'>after</p>{_listener(site)}</body></html>",
        encoding="utf-8",
    )
    server = ThreadingHTTPServer((LOOPBACK, 0), partial(_Quiet, directory=str(tmp_path)))
    server.daemon_threads = True
    return server


def _frame(page: Page, path: str) -> Frame:
    frame = next((f for f in page.frames if path in f.url), None)
    assert frame is not None, [f.url for f in page.frames]
    return frame


def _heights(page: Page, index: int, frame: Frame) -> tuple[int, int]:
    outer = page.evaluate(
        "i => Math.round(document.querySelectorAll('iframe')[i].getBoundingClientRect().height)", index
    )
    return int(outer), int(frame.evaluate(CONTENT_HEIGHT))


def test_embed_height_follows_its_content_on_another_origin(
    page: Page, monitor: Monitor, bundled_site: Site, tmp_path: Path
) -> None:
    paths = [
        "embed/training/",
        "embed/training/distributed/?size=small&headers=0",
        "embed/item/torchvision.html",
    ]
    with serving(_host(tmp_path, bundled_site, paths)) as base:
        page.goto(base + "host.html", wait_until="networkidle")
        for index, path in enumerate(paths):
            frame = _frame(page, path.split("?")[0])
            page.wait_for_function(
                "([i, h]) => Math.abs(document.querySelectorAll('iframe')[i].getBoundingClientRect().height - h) <= 1",
                arg=[index, frame.evaluate(CONTENT_HEIGHT)],
            )
            outer, inner = _heights(page, index, frame)
            assert abs(outer - inner) <= 1 and inner > 60, (path, outer, inner)
        # The category view is taller than one subcategory's, and far taller than 150 px.
        assert (
            _heights(page, 0, _frame(page, "embed/training/"))[0]
            > _heights(page, 1, _frame(page, "distributed"))[0]
        )
        # A change of content (a narrower frame wraps more rows) is followed too.
        frame = _frame(page, "embed/training/")
        before = _heights(page, 0, frame)[0]
        page.evaluate("document.querySelectorAll('iframe')[0].width = '420'")
        page.wait_for_function(
            "h => document.querySelectorAll('iframe')[0].getBoundingClientRect().height > h + 50", arg=before
        )
        outer, inner = _heights(page, 0, frame)
        assert abs(outer - inner) <= 1
    monitor.assert_no_failures()


def test_embed_options_apply(page: Page, bundled_site: Site) -> None:
    page.goto(bundled_site.url("embed/training/?classify=none&headers=0&bg=102030&fg=zzz&size=large"))
    assert page.locator("[data-embed-header]").is_hidden()
    assert page.locator(".embed-sub-title").first.is_hidden()
    assert page.locator(".embed-cat-title").is_hidden()
    assert page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == "rgb(16, 32, 48)"
    assert (
        page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--embed-fg')").strip()
        == "#1d1b2c"
    )
    assert page.evaluate("document.body.classList.contains('size-large')")
    ids = page.eval_on_selector_all(".embed-tiles > li:not([hidden])", "els => els.map(e => e.dataset.id)")
    assert len(ids) == len(set(ids))  # an item in two subcategories shows once without headings
    small = page.evaluate("document.querySelector('.embed-tile').getBoundingClientRect().width")
    page.goto(bundled_site.url("embed/training/"))
    assert page.locator(".embed-sub-title").first.is_visible()
    assert page.evaluate("document.querySelector('.embed-tile').getBoundingClientRect().width") < small


def test_setup_page_writes_the_snippet_and_previews(page: Page, bundled_site: Site) -> None:
    page.goto(bundled_site.url("embed/?view=item:torchvision"))
    assert page.input_value("[data-target]") == "embed/item/torchvision.html"
    # A single project's card has nothing to group: no "Group by", and none in the snippet.
    grouping = page.locator("label", has=page.locator("select[name=classify]"))
    expect(grouping).to_be_hidden()
    page.select_option("select[name=size]", "small")  # the form's values are read again
    assert "classify" not in (page.text_content("[data-iframe-snippet]") or "")
    page.goto(bundled_site.url("categories/training/"))
    page.click("text=Embed this category on your site")
    page.wait_for_url("**/embed/?view=category:training")
    assert page.input_value("[data-target]") == "embed/training/"
    expect(grouping).to_be_visible()
    page.select_option("[data-target]", "embed/training/distributed/")
    page.select_option("select[name=size]", "small")
    page.uncheck("input[name=headers]")
    page.fill("input[name=accent]", "#ff0000")
    snippet = page.text_content("[data-iframe-snippet]") or ""
    assert snippet.startswith('<iframe src="https://landscape.torchscape.dev/embed/training/distributed/?')
    assert "size=small" in snippet and "headers=0" in snippet and "accent=ff0000" in snippet
    preview = page.locator("[data-preview]")
    assert "embed/training/distributed/?" in (preview.get_attribute("src") or "")
    # Each option changed above navigated the preview again: wait for the last one to be loaded
    # before reading its height (reading it mid-navigation fails).
    page.wait_for_function(
        "() => { const w = document.querySelector('[data-preview]').contentWindow;"
        " return w.location.href.includes('accent=ff0000') && w.document.readyState === 'complete'; }"
    )
    frame = _frame(page, "accent=ff0000")
    page.wait_for_function(
        "h => Math.abs(document.querySelector('[data-preview]').getBoundingClientRect().height - h) <= 1",
        arg=frame.evaluate(CONTENT_HEIGHT),
    )
    assert page.locator("button[data-copy]").first.is_visible()
    # Only colours the embed pages read (3, 4, 6 or 8 digits) go into the snippet.
    page.fill("input[name=bg]", "12345")
    assert "bg=" not in (page.text_content("[data-iframe-snippet]") or "")
    page.fill("input[name=bg]", "123456")
    assert "bg=123456" in (page.text_content("[data-iframe-snippet]") or "")


def test_item_page_badge_shows_and_copies(page: Page, bundled_site: Site) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(bundled_site.url("projects/torchvision/"), wait_until="networkidle")
    badge = page.locator(".badge-image")
    assert badge.evaluate("img => img.complete && img.naturalWidth > 100")
    page.click("button[data-copy=badge-md]")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("[![PyTorch Landscape: ") and "badges/torchvision.svg" in copied
    # reStructuredText and HTML are made in the page from the badge's parts
    base = "https://landscape.torchscape.dev"
    alt = badge.get_attribute("alt") or ""
    assert alt.startswith("PyTorch Landscape: ")
    assert page.text_content("#badge-rst") == (
        f".. image:: {base}/badges/torchvision.svg\n   :alt: {alt}\n   :target: {base}/projects/torchvision/"
    )
    assert page.text_content("#badge-html") == (
        f'<a href="{base}/projects/torchvision/"><img src="{base}/badges/torchvision.svg" '
        f'alt="{alt}" height="20"></a>'
    )
    page.click("button[data-copy=badge-html]")
    assert page.evaluate("navigator.clipboard.readText()") == page.text_content("#badge-html")


@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_poster_png_and_pdf(tmp_path: Path, fmt: str, magic: bytes) -> None:
    out = tmp_path / f"poster.{fmt}"
    assert (
        main(["poster", "--data-file", str(_bundled_data()), "-o", str(out), "--cache-dir", str(tmp_path)])
        == 0
    )
    assert out.read_bytes().startswith(magic) and out.stat().st_size > 10_000


def _bundled_data() -> Path:
    from torchscape.paths import bundled_dir

    return bundled_dir() / "landscape.yml"
