"""`torchscape serve`: build into a temporary folder, serve it on loopback, rebuild on change.

Live reload has few moving parts: each successful rebuild updates the site folder (changed files
only, each replaced whole) and bumps a version number; pages built for serving long-poll
`/__torchscape/reload` and reload when the number changes.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import json
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from torchscape.errors import CatalogError, UsageError, printable

RELOAD_PATH = "/__torchscape/reload"
POLL_SECONDS = 25.0


@dataclass
class ReloadState:
    """The site's version number, and a condition to wait on until it changes."""

    version: int = 0
    condition: threading.Condition = field(default_factory=threading.Condition)

    def bump(self) -> None:
        with self.condition:
            self.version += 1
            self.condition.notify_all()

    def wait_past(self, seen: int | None, timeout: float) -> int:
        with self.condition:
            if seen is not None and seen == self.version:
                self.condition.wait(timeout)
            return self.version


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files from one folder (never outside it), plus the live-reload endpoint."""

    state: ReloadState | None = None
    server_version = "torchscape"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version  # (the default adds " " and the Python version)

    def do_GET(self) -> None:
        if self.state is not None and urlsplit(self.path).path == RELOAD_PATH:
            self._reload()
            return
        super().do_GET()

    def translate_path(self, path: str) -> str:
        """The file for a URL path; anything resolving outside the site folder is refused."""
        translated = super().translate_path(path)
        root = os.path.realpath(self.directory)
        if "\0" in translated:  # `%00`: no file has such a name (and realpath would raise)
            return str(Path(root) / "__outside_the_site__")
        real = os.path.realpath(translated)
        if real != root and not real.startswith(root + os.sep):
            return str(Path(root) / "__outside_the_site__")  # never exists: answered with 404
        if any(part.startswith(".") for part in Path(translated).relative_to(self.directory).parts):
            return str(Path(root) / "__outside_the_site__")  # `.torchscape-site` and such: ours
        return translated

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """A folder without an index page is not found: no listing of what it holds."""
        self.send_error(HTTPStatus.NOT_FOUND)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == HTTPStatus.NOT_FOUND and page.is_file():
            body = page.read_bytes()
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _reload(self) -> None:
        assert self.state is not None
        query = parse_qs(urlsplit(self.path).query)
        raw = (query.get("version") or [""])[0]
        # (ASCII digits only, and few: `isdigit` takes "²", and `int` refuses 4,300 digits)
        seen = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None
        version = self.state.wait_past(seen, POLL_SECONDS)
        body = json.dumps({"version": version}).encode()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    """A browser that drops a request (a page left while its images load) is not an error."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


#: Seconds a connection may stay silent before it is closed (a client that opens connections
#: and never finishes a request held a thread each, for ever). The reload long poll waits on
#: the server's side, not on the connection, so it is not cut short.
IDLE_SECONDS = 30.0


def make_server(
    directory: Path, host: str, port: int, state: ReloadState | None, idle: float = IDLE_SECONDS
) -> ThreadingHTTPServer:
    """A threading HTTP server for `directory`; a clear error when the port is taken."""
    members = {"state": state, "timeout": idle}
    handler = partial(type("Handler", (SiteHandler,), members), directory=str(directory))
    try:
        server = _Server((host, port), handler)
    except (OSError, OverflowError) as exc:  # OverflowError: a port past 65535 (the CLI refuses those)
        taken = isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE
        hint = "try another --port" if taken else "check --host and --port"
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"cannot listen on {printable(host)}:{port}: {why}; {hint}") from exc
    server.daemon_threads = True
    return server


def serve_forever(server: ThreadingHTTPServer, announce: str) -> int:
    host, port = server.server_address[:2]
    print(f"{announce} at http://{_host(str(host))}:{port}/ (Ctrl-C to stop)", flush=True)
    if not _loopback(str(host)):
        print(f"note: listening on {host!s}: other machines can reach this server", file=sys.stderr)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        server.server_close()
    return 0


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@contextlib.contextmanager
def temporary_site() -> Iterator[Path]:
    """A temporary folder for the site `serve` builds, removed when serving ends, on Ctrl-C
    and on SIGTERM too (the CLI's handler removes the folders in `STAGING_FOLDERS`)."""
    from torchscape.site.writer import STAGING_FOLDERS

    with tempfile.TemporaryDirectory(prefix="torchscape-serve-") as folder:
        STAGING_FOLDERS.add(Path(folder))
        try:
            yield Path(folder) / "site"
        finally:
            STAGING_FOLDERS.discard(Path(folder))


def watch_and_rebuild(
    paths: list[Path], rebuild: Callable[[], None], state: ReloadState, stop: threading.Event
) -> threading.Thread:
    """Rebuild when any of `paths` (the catalog's files, the logos folder) changes; a failed
    rebuild keeps serving the last good site, and the watching goes on whatever happens.

    Nothing is watched recursively. A file is seen through its folder, so that one an editor
    saves by writing a copy and renaming it (or a checkout replaces) is still seen afterwards;
    a folder through each real folder below it, symbolic links not followed (a link to `/` in
    the logos folder made the watcher walk the whole disk and die on `/proc`). The folders are
    listed again after each rebuild, so new logo folders are watched too.
    """
    from watchfiles import Change, DefaultFilter, watch

    files = {str(p.resolve()) for p in paths if not p.is_dir()}
    roots = [str(p.resolve()) for p in paths if p.is_dir()]
    ignored = DefaultFilter()  # editors' swap and backup files

    def folders() -> list[str]:
        found = {str(Path(f).parent) for f in files}
        for root in roots:
            for top, _subs, _files in os.walk(root):  # links to folders are not followed
                found.add(top)
        return sorted(f for f in found if Path(f).is_dir())

    def relevant(change: Change, path: str) -> bool:
        inside = any(path == root or path.startswith(root + os.sep) for root in roots)
        return (path in files or inside) and ignored(change, path)

    def run() -> None:
        while not stop.is_set():
            watched = folders()
            try:
                for _changes in watch(
                    *watched,
                    watch_filter=relevant,
                    recursive=False,
                    ignore_permission_denied=True,
                    stop_event=stop,
                    debounce=300,
                    step=50,
                    yield_on_timeout=False,
                ):
                    _rebuild_once(rebuild, state)
                    if folders() != watched:
                        break  # a logo folder came or went: watch the new list
            except Exception as exc:  # a folder removed while being watched, and the like
                print(f"live reload: watching stopped ({exc}); watching again", file=sys.stderr)
                stop.wait(1.0)

    thread = threading.Thread(target=run, name="torchscape-watch", daemon=True)
    thread.start()
    return thread


def _rebuild_once(rebuild: Callable[[], None], state: ReloadState) -> None:
    """One rebuild; whatever goes wrong is said in a line and the last good site stays."""
    try:
        rebuild()
    except CatalogError as exc:
        for problem in exc.problems:
            if problem.blocking:
                print(problem.format(), file=sys.stderr)
        print("rebuild refused; still serving the last good build", file=sys.stderr)
        return
    except (UsageError, OSError) as exc:  # a file renamed away for a moment, unreadable, ...
        print(f"rebuild failed: {exc}; still serving the last good build", file=sys.stderr)
        return
    except Exception as exc:  # a bug of ours must not end live reload either
        print(
            f"rebuild failed ({type(exc).__name__}: {exc}); still serving the last good build",
            file=sys.stderr,
        )
        return
    state.bump()
