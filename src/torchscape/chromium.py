"""Where Debian's Chromium is, and the flags it needs here (headless, no background traffic).

Used by the browser tests and the screenshot script; Playwright's own browser download is never
used.
"""

from __future__ import annotations

import shutil
from pathlib import Path

DEBIAN_CHROMIUM = "/usr/bin/chromium"

#: Without the background-networking flags Chromium keeps trying to reach other hosts.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_path() -> str | None:
    """Debian's Chromium, else whatever `chromium` is on PATH, else None."""
    if Path(DEBIAN_CHROMIUM).is_file():
        return DEBIAN_CHROMIUM
    return shutil.which("chromium")
