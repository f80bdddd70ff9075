"""Fake web sites for `audit --online`: a real HTTP server on 127.0.0.1 answering per host and path.

Links in a test catalog either point at the server directly (`site.url("/page")`) or use a
real-looking host that the link checker's `resolve` option sends here (`site.resolve("https://docs.example")`);
the server then routes on the Host header. Each route can answer HEAD differently from GET,
redirect, or wait before answering. Every request is logged, and the highest number of requests
in flight at once, per host, is kept.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Page:
    status: int = 200
    location: str | None = None
    head_status: int | None = None  # answer HEAD with this (e.g. 405) instead of `status`
    delay: float = 0.0
    drip: float = 0.0  # seconds between the bytes of the status line and headers, sent one by one


class FakeSites:
    """`with FakeSites() as sites: sites.add("http://127.0.0.1:PORT/x", status=404)`."""

    def __init__(self) -> None:
        self.pages: dict[tuple[str, str], Page] = {}
        self.log: list[tuple[str, str, str]] = []  # (method, host, path)
        self.busy: Counter[str] = Counter()
        self.max_busy: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.server.request_queue_size = 128
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def resolve(self, *origins: str) -> dict[str, str]:
        """A `resolve` table sending these origins (scheme://host) here."""
        return {origin: self.origin for origin in origins}

    def add(self, url: str, **page: Any) -> str:
        parts = urlsplit(url)
        path = parts.path or "/"
        self.pages[(parts.netloc.lower(), path + (f"?{parts.query}" if parts.query else ""))] = Page(**page)
        return url

    def __enter__(self) -> FakeSites:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, method: str, host: str, path: str) -> Page | None:
        with self.lock:
            self.log.append((method, host, path))
        return self.pages.get((host.lower(), path))


def _handler(sites: FakeSites) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            self._serve("HEAD")

        def do_GET(self) -> None:
            self._serve("GET")

        def _serve(self, method: str) -> None:
            host = self.headers.get("Host", "")
            with sites.lock:
                sites.busy[host] += 1
                sites.max_busy[host] = max(sites.max_busy[host], sites.busy[host])
            try:
                page = sites.answer(method, host, self.path)
                if page and page.delay:
                    time.sleep(page.delay)
                if page and page.drip:
                    for byte in b"HTTP/1.0 200 OK\r\nX-Padding: " + b"x" * 200:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(page.drip)
                    return
                status = 404 if page is None else page.status
                if page is not None and method == "HEAD" and page.head_status is not None:
                    status = page.head_status
                body = b"" if method == "HEAD" else f"<p>{status}</p>".encode()
                self.send_response(status)
                if page is not None and page.location:
                    self.send_header("Location", page.location)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                with sites.lock:
                    sites.busy[host] -= 1

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
