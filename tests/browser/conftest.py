"""Real-browser test infrastructure: built sites served on 127.0.0.1, driven by Debian's Chromium.

- One headless Chromium per session (never Playwright's own browser download), one context per
  test. Without Chromium every browser test is skipped, unless CI=true, where that is a failure.
- Each site is built once per session with `build_site` and served by torchscape's own server
  (`torchscape.serve.make_server`); the bundled site is also served under `/sub/path/` the way a
  GitHub Pages project site is.
- Every request to a host other than 127.0.0.1 is aborted and recorded; console errors and
  uncaught page errors are recorded. The `page` fixture fails the test at teardown when any
  of them happened.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Request,
    Response,
    Route,
    sync_playwright,
)

import torchscape
from torchscape.catalog.model import Landscape
from torchscape.chromium import CHROMIUM_ARGS, chromium_path
from torchscape.paths import Sources, resolve_sources
from torchscape.serve import make_server
from torchscape.site.build import BuildRequest, build_site

HERE = Path(__file__).resolve().parent
FIXTURE = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "pytorch-landscape"
LOOPBACK = "127.0.0.1"
SUB_PATH = "/sub/path/"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """No Chromium: skip the browser tests (outside CI; in CI the `browser` fixture fails)."""
    if chromium_path() is not None or in_ci():
        return
    skip = pytest.mark.skip(reason="no Chromium at /usr/bin/chromium or on PATH (apt-get install chromium)")
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(skip)


# --- browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:  # only reached with CI=true: the tests were not skipped
        pytest.fail("CI=true but Chromium is not installed (/usr/bin/chromium or `chromium` on PATH)")
    browser = playwright.chromium.launch(executable_path=executable, headless=True, args=list(CHROMIUM_ARGS))
    yield browser
    browser.close()


@dataclass
class Monitor:
    """What went wrong in one test's pages: outside requests, console and page errors, failures."""

    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))
        page.on("requestfailed", self._on_failed)
        page.on("response", self._on_response)

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            location = message.location or {}
            self.console_errors.append(
                f"{location.get('url', '?')}:{location.get('lineNumber', '?')}: {message.text}"
            )

    def _on_failed(self, request: Request) -> None:
        self.failed_requests.append(f"{request.url}: {request.failure}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.bad_responses.append(f"{response.status} {response.url}")

    def assert_no_errors(self) -> None:
        """No console error, no uncaught exception, no request outside 127.0.0.1."""
        assert self.external_requests == [], f"requests outside 127.0.0.1: {self.external_requests}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.page_errors == [], f"uncaught page errors: {self.page_errors}"

    def assert_no_failures(self) -> None:
        """Additionally: every request succeeded with a status below 400."""
        self.assert_no_errors()
        assert self.failed_requests == [], f"failed requests: {self.failed_requests}"
        assert self.bad_responses == [], f"responses with status >= 400: {self.bad_responses}"


@pytest.fixture
def monitor() -> Monitor:
    return Monitor()


@pytest.fixture
def context(browser: Browser, monitor: Monitor) -> Iterator[BrowserContext]:
    """A fresh context whose pages cannot reach anything but 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
    context.set_default_timeout(10_000)

    def guard(route: Route) -> None:
        if urlsplit(route.request.url).hostname == LOOPBACK:
            route.continue_()
        else:
            monitor.external_requests.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    context.on("page", monitor.watch)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext, monitor: Monitor) -> Iterator[Page]:
    """A page in the test's context; the test fails if it logged errors or left 127.0.0.1."""
    page = context.new_page()
    yield page
    monitor.assert_no_errors()


# --- sites -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """A built site, the landscape it was built from, and where it is served."""

    root: Path
    landscape: Landscape
    base: str  # ends with "/"

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")


def _build(sources: Sources, out: Path, cache: Path) -> Landscape:
    build_site(BuildRequest(sources, out, cache))
    return torchscape.load(sources.data_file, sources.settings_file, sources.guide_file, sources.logos_path)


@contextlib.contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[str]:
    """Run `server` in a daemon thread; yields its root URL; shuts it down afterwards."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def logo_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logo-cache")


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory: pytest.TempPathFactory, logo_cache: Path) -> tuple[Path, Landscape]:
    """The bundled PyTorch landscape, built once per session."""
    empty = tmp_path_factory.mktemp("empty-cwd")
    sources = resolve_sources(None, None, None, None, cwd=empty)
    assert sources.bundled
    out = tmp_path_factory.mktemp("bundled") / "site"
    return out, _build(sources, out, logo_cache)


@pytest.fixture(scope="session")
def bundled_site(bundled_build: tuple[Path, Landscape]) -> Iterator[Site]:
    root, landscape = bundled_build
    with serving(make_server(root, LOOPBACK, 0, None)) as base:
        yield Site(root, landscape, base)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory, logo_cache: Path) -> Iterator[Site]:
    """The real PyTorch landscape from ../shared, built once per session and served."""
    if not (FIXTURE / "landscape.yml").is_file():
        pytest.skip(f"{FIXTURE} is absent (a clone without ../shared has no real fixture)")
    sources = resolve_sources(
        str(FIXTURE / "landscape.yml"),
        str(FIXTURE / "settings.yml"),
        None,
        str(FIXTURE / "hosted_logos"),
    )
    out = tmp_path_factory.mktemp("fixture") / "site"
    landscape = _build(sources, out, logo_cache)
    with serving(make_server(out, LOOPBACK, 0, None)) as base:
        yield Site(out, landscape, base)


class SubPathHandler(SimpleHTTPRequestHandler):
    """Serves a site only under SUB_PATH (like a GitHub Pages project site); 404 elsewhere."""

    def translate_path(self, path: str) -> str:
        url_path = urlsplit(path).path
        if not url_path.startswith(SUB_PATH):
            return os.path.join(self.directory, "\0outside-the-prefix")  # never exists: 404
        return super().translate_path("/" + path[len(SUB_PATH) :])

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture(scope="session")
def subpath_site(bundled_build: tuple[Path, Landscape]) -> Iterator[Site]:
    """The bundled site as served from http://127.0.0.1:PORT/sub/path/."""
    root, landscape = bundled_build
    server = ThreadingHTTPServer((LOOPBACK, 0), partial(SubPathHandler, directory=str(root)))
    server.daemon_threads = True
    with serving(server) as base:
        yield Site(root, landscape, base.rstrip("/") + SUB_PATH)
