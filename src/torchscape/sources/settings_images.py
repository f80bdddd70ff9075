"""Images named by URL: the settings' (the header logo, the favicon, the link-preview picture)
and items' logos given as URLs (as landscapeapp allowed; landscape2 reads files only): fetched
by `refresh` into the cache folder, so that a build can show them while its pages load nothing
from other sites. A build processes them as it does logos (sanitised SVG, re-encoded bitmaps);
without a fetched copy it leaves them out (a monogram for a logo) and says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from torchscape.errors import UsageError

if TYPE_CHECKING:  # imported by `fetch_images`: `validate` reads this module, and fetches nothing
    import httpx

#: Under the cache folder.
FOLDER = "settings-images"
#: A bigger answer is not an image a page header needs.
MAX_BYTES = 5 * 1024 * 1024
#: Settings fields that name an image, as `settings.<section>.<field>`.
FIELDS: tuple[tuple[str, str], ...] = (
    ("header", "logo"),
    ("footer", "logo"),
    ("images", "favicon"),
    ("images", "open_graph"),
)


def image_urls(settings: Any) -> dict[str, str]:
    """`section.field` -> URL, for the settings' images named by an http(s) URL."""
    found: dict[str, str] = {}
    for section, name in FIELDS:
        value = getattr(getattr(settings, section, None), name, None) if settings else None
        if isinstance(value, str) and value.lower().startswith(("http://", "https://")):
            found[f"{section}.{name}"] = value
    return found


def logo_urls(items: Any) -> dict[str, str]:
    """`<item id> logo` -> URL, for the items whose `logo:` is an http(s) URL."""
    return {
        f"{item.id} logo": item.logo.strip()
        for item in items
        if item.logo.strip().lower().startswith(("http://", "https://"))
    }


def url_stem(url: str) -> str:
    """The stem of the file a URL names (`.../99cloud-logo-01.svg` -> `99cloud-logo-01`)."""
    return PurePosixPath(urlsplit(url).path).stem or "logo"


def image_files(settings: Any) -> dict[str, str]:
    """`section.field` -> path, for the settings' images named by a path (no scheme): files of
    the landscape's repository, read from beside the settings file."""
    found: dict[str, str] = {}
    for section, name in FIELDS:
        value = getattr(getattr(settings, section, None), name, None) if settings else None
        if isinstance(value, str) and value.strip() and ":" not in value.split("/", 1)[0]:
            found[f"{section}.{name}"] = value.strip()
    return found


def read_image_file(folder: Path, value: str) -> tuple[bytes | None, str]:
    """The bytes of the image file `value` names inside `folder` (the settings file's), or
    None and why not: a path that leaves the folder (absolute, `..`, a link to elsewhere), a
    missing file, or one over MAX_BYTES."""
    pure = PurePosixPath(value)
    if pure.is_absolute() or ".." in pure.parts or "\\" in value or "\x00" in value:
        return None, "a path outside the settings file's folder"
    path = folder / pure
    try:
        if not path.resolve().is_relative_to(folder.resolve()):
            return None, "a link to a file outside the settings file's folder"
        if path.exists() and not path.is_file():  # a folder, or a pipe that would never end
            return None, f"not a regular file ({path})"
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except (OSError, RuntimeError):
        return None, f"no such file beside the settings file ({path})"
    if len(data) > MAX_BYTES:
        return None, f"bigger than {MAX_BYTES // (1024 * 1024)} MiB"
    return data, ""


def cached_image(cache_dir: Path | None, url: str) -> bytes | None:
    """The fetched copy of `url` in the cache folder, if there is one (and it is not over
    MAX_BYTES: `refresh` writes no bigger one)."""
    if cache_dir is None:
        return None
    try:
        with _path(cache_dir, url).open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError:
        return None
    return data if len(data) <= MAX_BYTES else None


def fetch_images(
    urls: dict[str, str], cache_dir: Path, client: httpx.Client, *, max_age: dt.timedelta, now: dt.datetime
) -> tuple[int, int, list[str]]:
    """Fetch each URL whose copy is missing or older than `max_age`; returns how many were
    fetched, how many were fresh, and a message per failure (an older copy is kept)."""
    import httpx

    from torchscape.outputs import write_atomically

    fetched = fresh = 0
    failures: list[str] = []
    for key, url in urls.items():
        path = _path(cache_dir, url)
        if path.is_file() and now.timestamp() - path.stat().st_mtime < max_age.total_seconds():
            fresh += 1
            continue
        try:
            body = _download(client, url)
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, ValueError) as exc:
            failures.append(f"{key} ({url}): {exc}")
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, _as_png_if_icon(body))  # a reader sees the old copy or the new
        except (OSError, UsageError) as exc:  # the disk (full, read-only), not the image
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            failures.append(f"{key} ({url}): could not be saved in {path.parent} ({reason})")
            continue
        fetched += 1
    return fetched, fresh, failures


#: The longest a whole download may take (the client's timeout is per read: a server sending a
#: byte now and then would hold `refresh` forever).
MAX_SECONDS = 60.0


def _download(client: httpx.Client, url: str) -> bytes:
    from torchscape.sources.http import bounded  # here: it imports the package's version

    response = bounded(client, "GET", url, seconds=MAX_SECONDS, max_bytes=MAX_BYTES)
    if response.status_code != 200:
        raise ValueError(f"HTTP {response.status_code}")
    return response.content


def _as_png_if_icon(body: bytes) -> bytes:
    """An .ico file (what most sites' /favicon.ico is) as a PNG of its largest picture: the
    build takes PNG, JPEG, GIF, WebP and SVG only."""
    if not body.startswith(b"\x00\x00\x01\x00"):
        return body
    from PIL import Image

    try:
        with Image.open(io.BytesIO(body), formats=["ICO"]) as icon:
            icon.load()
            output = io.BytesIO()
            icon.save(output, format="PNG")
            return output.getvalue()
    except Exception:  # not a readable icon: kept as it came; the build will say it is unusable
        return body


def _path(cache_dir: Path, url: str) -> Path:
    return cache_dir / FOLDER / hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
