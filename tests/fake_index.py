"""A fake package index on 127.0.0.1: a real HTTP server speaking the Simple API (PEP 691 JSON,
or PEP 503 HTML when JSON is not asked for), serving PEP 658/714 `.metadata` files and a JSON
project API for the packages configured to have them, with latency, injected faults, and a log
of every request (to count them and to show that no distribution was downloaded).
"""

from __future__ import annotations

import contextlib
import email.parser
import hashlib
import html
import json
import re
import threading
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class FakeFile:
    filename: str
    upload_time: str | None = "2024-01-01T00:00:00.000000Z"
    yanked: bool | str = False


@dataclass
class FakePackage:
    name: str
    files: list[FakeFile]
    metadata: str = ""  # core metadata text, served for every file (and behind the JSON API)
    pep658: bool = False
    metadata_key: str = "core-metadata"  # or "dist-info-metadata" (the PEP 658 spelling)
    metadata_hash: Literal["good", "bad", "none"] = "good"
    json_api: bool = False
    versions: list[str] | None = None  # PEP 700 `versions`; default: those of the files


@dataclass
class Fault:
    """One answer to give instead of the normal one (or, with only `delay`, before it)."""

    status: int = 200
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "application/json"
    drip: float = 0.0  # seconds between the body's bytes, sent one at a time (a "slow loris")


@dataclass(frozen=True)
class Hit:
    method: str
    path: str
    accept: str


def release(
    name: str, version: str, day: int = 1, *, yanked: bool | str = False, sdist: bool = True
) -> list[FakeFile]:
    """A wheel (and an sdist) of `version`, uploaded on 2024-01-`day` (the sdist a minute later)."""
    stem = f"{normalise(name).replace('-', '_')}-{version}"
    files = [FakeFile(f"{stem}-py3-none-any.whl", f"2024-01-{day:02d}T10:00:00.000000Z", yanked)]
    if sdist:
        files.append(FakeFile(f"{stem}.tar.gz", f"2024-01-{day:02d}T10:01:00.000000Z", yanked))
    return files


def core_metadata(
    name: str,
    version: str,
    *,
    requires_dist: Sequence[str] = (),
    requires_python: str | None = None,
    license: str | None = None,
    license_expression: str | None = None,
    summary: str | None = None,
    project_urls: Sequence[tuple[str, str]] = (),
    home_page: str | None = None,
) -> str:
    """A core metadata file (METADATA) with these fields."""
    lines = ["Metadata-Version: 2.4", f"Name: {name}", f"Version: {version}"]
    lines += [f"Summary: {summary}"] if summary else []
    lines += [f"Home-page: {home_page}"] if home_page else []
    lines += [f"License-Expression: {license_expression}"] if license_expression else []
    if license:
        lines.append("License: " + license.replace("\n", "\n        "))
    lines += [f"Requires-Python: {requires_python}"] if requires_python else []
    lines += [f"Requires-Dist: {r}" for r in requires_dist]
    lines += [f"Project-URL: {label}, {url}" for label, url in project_urls]
    return "\n".join(lines) + "\n\nThe long description.\n"


class FakeIndex:
    """`with FakeIndex() as index: index.add(...); client(index.url)`."""

    def __init__(self, *, latency: float = 0.0, html_only: bool = False) -> None:
        self.latency = latency
        self.html_only = html_only
        self.packages: dict[str, FakePackage] = {}
        self._owners: dict[str, FakePackage] = {}  # file name -> its package
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.log: list[Hit] = []
        self.max_concurrent = 0
        self._active = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.request_queue_size = 128
        self._server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    # -- set-up ---------------------------------------------------------------------------------

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        return f"{self.base}/simple/"

    def add(self, name: str, files: list[FakeFile], **options: Any) -> FakePackage:
        package = FakePackage(name, files, **options)
        self.packages[normalise(name)] = package
        self._owners.update(dict.fromkeys((f.filename for f in files), package))
        return package

    def inject(self, path: str, *faults: Fault) -> None:
        """Answer the next requests for `path` with these faults, in order, then normally."""
        self.faults[path].extend(faults)

    def __enter__(self) -> FakeIndex:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    # -- what happened --------------------------------------------------------------------------

    def paths(self) -> list[str]:
        return [hit.path for hit in self.log]

    def count(self, prefix: str = "/") -> int:
        return sum(1 for hit in self.log if hit.path.startswith(prefix))

    def downloads(self) -> list[str]:
        """Requests for distribution files (anything under /files/ but their .metadata)."""
        return [p for p in self.paths() if p.startswith("/files/") and not p.endswith(".metadata")]

    # -- answering ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _tracked(self) -> Iterator[None]:
        with self._lock:
            self._active += 1
            self.max_concurrent = max(self.max_concurrent, self._active)
        try:
            yield
        finally:
            with self._lock:
                self._active -= 1

    def _next_fault(self, path: str) -> Fault | None:
        with self._lock:
            queue = self.faults.get(path)
            return queue.popleft() if queue else None

    def answer(self, path: str, accept: str) -> tuple[int, bytes, str, dict[str, str]]:
        """(status, body, content type, headers) for a GET of `path`."""
        if match := re.fullmatch(
            r"/(simple|plain-index)/([^/]+)/", path
        ):  # plain-index: no JSON API beside it
            return self._project(match[1], match[2], accept)
        if match := re.fullmatch(r"/files/(.+)\.metadata", path):
            return self._metadata_file(match[1])
        if match := re.fullmatch(r"/pypi/([^/]+)/json", path):
            return self._json_api(match[1])
        if path.startswith("/files/"):
            return 200, b"PK\x03\x04 not really a distribution", "application/octet-stream", {}
        return _not_found()

    def _project(self, prefix: str, name: str, accept: str) -> tuple[int, bytes, str, dict[str, str]]:
        package = self.packages.get(normalise(name))
        if package is None:
            return _not_found()
        if name != normalise(name):
            return 301, b"", "text/plain", {"Location": f"/{prefix}/{normalise(name)}/"}
        if self.html_only or SIMPLE_JSON not in accept:
            return 200, _html_page(package).encode(), "text/html", {}
        return 200, json.dumps(_json_page(package)).encode(), SIMPLE_JSON, {}

    def _metadata_file(self, filename: str) -> tuple[int, bytes, str, dict[str, str]]:
        package = self._owners.get(filename)
        if package is None or not package.pep658:
            return _not_found()
        return 200, package.metadata.encode(), "application/octet-stream", {}

    def _json_api(self, name: str) -> tuple[int, bytes, str, dict[str, str]]:
        package = self.packages.get(normalise(name))
        if package is None or not package.json_api:
            return _not_found()
        return 200, json.dumps({"info": self._info(package), "urls": []}).encode(), "application/json", {}

    def _info(self, package: FakePackage) -> dict[str, Any]:
        meta = email.parser.Parser().parsestr(package.metadata)
        urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
        page = f"{self.base}/project/{normalise(package.name)}/"
        return {
            "name": meta["Name"],
            "version": meta["Version"],
            "summary": meta["Summary"],
            "license": meta["License"],
            "license_expression": meta["License-Expression"],
            "requires_python": meta["Requires-Python"],
            "requires_dist": meta.get_all("Requires-Dist"),
            "project_urls": urls or None,
            "home_page": meta["Home-page"],
            "package_url": page,
            "project_url": page,
        }


def _not_found() -> tuple[int, bytes, str, dict[str, str]]:
    return 404, b'{"message": "Not Found"}', "application/json", {}


def _file_entry(package: FakePackage, file: FakeFile) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "filename": file.filename,
        "url": f"/files/{file.filename}",
        "hashes": {"sha256": hashlib.sha256(file.filename.encode()).hexdigest()},
        "yanked": file.yanked,
    }
    if file.upload_time is not None:
        entry["upload-time"] = file.upload_time
    if package.pep658:
        digest = hashlib.sha256(package.metadata.encode()).hexdigest()
        hashes = {"good": {"sha256": digest}, "bad": {"sha256": "0" * 64}, "none": True}
        entry[package.metadata_key] = hashes[package.metadata_hash]
    return entry


def _json_page(package: FakePackage) -> dict[str, Any]:
    versions = package.versions
    if versions is None:
        versions = sorted({re.split(r"-|\.tar\.gz", f.filename)[1] for f in package.files})
    return {
        "meta": {"api-version": "1.1"},
        "name": normalise(package.name),
        "files": [_file_entry(package, f) for f in package.files],
        "versions": versions,
    }


def _html_page(package: FakePackage) -> str:
    links = "".join(
        f'<a href="/files/{html.escape(f.filename)}">{html.escape(f.filename)}</a><br>' for f in package.files
    )
    return f"<!DOCTYPE html><html><body><h1>Links for {html.escape(package.name)}</h1>{links}</body></html>"


def _handler(index: FakeIndex) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes

        def do_GET(self) -> None:
            accept = self.headers.get("Accept", "")
            index.log.append(Hit("GET", self.path, accept))
            with index._tracked():
                if index.latency:
                    index._stop.wait(index.latency)
                fault = index._next_fault(self.path)
                if fault is not None and fault.delay:
                    index._stop.wait(fault.delay)
                if fault is not None and (fault.status != 200 or fault.body is not None):
                    self._send(fault.status, fault.body or b"", fault.content_type, fault.headers, fault.drip)
                else:
                    self._send(*index.answer(self.path, accept))

        def _send(
            self, status: int, body: bytes, content_type: str, headers: dict[str, str], drip: float = 0.0
        ) -> None:
            with contextlib.suppress(OSError):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if not drip:
                    self.wfile.write(body)
                for position in range(len(body) if drip else 0):
                    self.wfile.write(body[position : position + 1])
                    self.wfile.flush()
                    if index._stop.wait(drip):
                        break

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
