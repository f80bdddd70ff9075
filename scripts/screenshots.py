"""Take the README's screenshots from a real build of the bundled landscape.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Builds the bundled PyTorch landscape into a temporary folder, serves it on 127.0.0.1 and drives
Debian's Chromium with Playwright (no other origin is contacted).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from torchscape.chromium import CHROMIUM_ARGS, chromium_path
from torchscape.paths import resolve_sources
from torchscape.serve import make_server
from torchscape.site.build import BuildRequest, build_site

SHOTS = (
    ("grid.png", "", 1440, 1000, False),
    ("item.png", "projects/pytorch-lightning/", 1200, 900, False),
    ("grid-dark-phone.png", "", 390, 844, True),
    ("search.png", "?q=graph+neural+networks", 1440, 900, False),
    ("filtered-list.png", "?view=list&kind=framework&sort=last_release", 1440, 900, False),
)


def shoot(page: Page, base: str, path: str, out: Path) -> None:
    page.goto(base + path, wait_until="networkidle")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(out))
    print(f"wrote {out}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--chromium", default=chromium_path())
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        (tmp / "empty").mkdir()
        sources = resolve_sources(None, None, None, None, cwd=tmp / "empty")
        build_site(BuildRequest(sources, tmp / "site", tmp / "cache"))
        server = make_server(tmp / "site", "127.0.0.1", 0, None)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=list(CHROMIUM_ARGS))
            for name, path, width, height, dark in SHOTS:
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    color_scheme="dark" if dark else "light",
                    device_scale_factor=1,
                )
                page = context.new_page()
                page.route(
                    "**/*",
                    lambda route: route.continue_() if route.request.url.startswith(base) else route.abort(),
                )
                shoot(page, base, path, args.out / name)
                context.close()
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
