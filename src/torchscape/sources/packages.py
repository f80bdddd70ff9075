"""The package index: which index to ask, and each package's releases and latest core metadata.

Only the standard Simple API's JSON form (PEP 691) is read, plus each latest release's core
metadata: its PEP 658/714 `.metadata` file when the index serves one, else the JSON project API
next to a `.../simple/` index. Distributions are never downloaded. The index's address always
comes from configuration (a flag, pip's environment or configuration, or pip's own default).
"""

from __future__ import annotations

import ast
import hashlib
import json
import logging
import queue
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from packaging.utils import canonicalize_name

from torchscape.errors import UsageError
from torchscape.sources.facts import FetchError, FetchStats, PackageFacts
from torchscape.sources.http import (
    RETRY_STATUSES,
    AnswerTooLarge,
    AnswerTooSlow,
    RetryPolicy,
    WaitBudget,
    bounded,
    make_client,
    retry_after,
)
from torchscape.sources.index_parse import (
    SIMPLE_JSON,
    CoreMetadata,
    MalformedResponse,
    ProjectPage,
    ReleaseFile,
    check_content_type,
    display_url,
    facts_fields,
    json_api_url,
    latest_release,
    metadata_file,
    metadata_url,
    parse_core_metadata,
    parse_json_api,
    parse_project_page,
    project_page_url,
    same_version,
    version_history,
)

T = TypeVar("T")
log = logging.getLogger(__name__)
PIP_CONFIG_KEYS = ("install.index-url", "global.index-url")  # pip's order: the command's section first
PIP_TIMEOUT = 10.0

# -- which index --------------------------------------------------------------------------------


def resolve_index_url(flag: str | None, env: Mapping[str, str]) -> tuple[str, str]:
    """The simple index URL and where it came from: --index-url, PIP_INDEX_URL, pip's config, pip."""
    if flag and flag.strip():
        return flag.strip(), "--index-url"
    if env.get("PIP_INDEX_URL", "").strip():
        return env["PIP_INDEX_URL"].strip(), "PIP_INDEX_URL"
    settings = pip_config(env)
    for key in PIP_CONFIG_KEYS:
        if settings.get(key, "").strip():
            return settings[key].strip(), f"pip configuration ({key})"
    return pip_default_index(), "pip's default index"


def index_url_problem(url: str) -> str | None:
    """Why `url` cannot be a simple index to fetch from (an http or https address with a host),
    or None: checked before anything is fetched, so a typo is one line, not a failure per package."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as error:
        return f"is not a URL ({error})"
    if parts.scheme not in ("http", "https"):
        return "is not an http(s) URL"
    if not parts.hostname:
        return "has no host"
    return None


def pip_config(env: Mapping[str, str]) -> dict[str, str]:
    """pip's configuration as `pip config list` reports it with `env`; empty when pip cannot answer.

    (`pip config get` would be simpler, but it fails whenever PIP_CONFIG_FILE is set: pip #11700.)
    """
    command = [sys.executable, "-m", "pip", "config", "list"]
    try:
        done = subprocess.run(
            command,
            env={**env, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
            capture_output=True,
            text=True,
            timeout=PIP_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    return parse_pip_config_list(done.stdout) if done.returncode == 0 else {}


def parse_pip_config_list(output: str) -> dict[str, str]:
    """`section.key='value'` lines (values are Python string literals) as a dict."""
    settings: dict[str, str] = {}
    for line in output.splitlines():
        key, sep, literal = line.partition("=")
        try:
            value = ast.literal_eval(literal.strip()) if sep else None
        except (ValueError, SyntaxError):
            continue
        if isinstance(value, str):
            settings[key.strip()] = value
    return settings


def pip_default_index() -> str:
    """The index pip uses when nothing is configured, as pip itself reports it."""
    try:
        from pip._internal.models.index import PyPI  # optional, and private to pip
    except Exception as error:  # pip absent, or its internals moved
        raise UsageError(
            "no package index is configured and pip is not available to say which one to use: "
            "pass --index-url (the simple index URL) or set PIP_INDEX_URL"
        ) from error
    return str(PyPI.simple_url)


# -- fetching -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Tally:
    """Requests and retries for one package (counted in its worker, summed by the caller)."""

    requests: int = 0
    retries: int = 0


@dataclass(frozen=True, slots=True)
class _Again:
    """An attempt that failed for a passing reason; `wait` is what the server asked for, if anything."""

    error: FetchError
    wait: float | None = None


class PackageIndexClient:
    """Fetches packages' facts from one simple index, `concurrency` requests at a time."""

    def __init__(
        self,
        index_url: str,
        *,
        concurrency: int = 16,
        timeout: float = 30.0,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 - frozen, so sharing it is safe
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.index_url = index_url
        self.concurrency = max(1, concurrency)
        self.timeout = timeout
        self.retry = retry
        self.transport = transport
        self.sleep = sleep
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not secrets
        self.waits = WaitBudget(retry)  # what the index asks to wait, over every worker of a run

    def fetch(
        self, names: Sequence[str], on_result: Callable[[str, PackageFacts | FetchError], None]
    ) -> FetchStats:
        """Fetch every name; `on_result(name, facts or error)` runs once per name, in this thread.

        The requests run in daemon threads, which this thread waits for: Ctrl-C here ends the
        command at once (what arrived is stored already), even while a server keeps a request
        waiting; a pool's threads would be waited for at exit."""
        stats = FetchStats()
        self.waits = WaitBudget(self.retry)  # a run's
        unique = list(dict.fromkeys(names))
        todo: queue.SimpleQueue[str] = queue.SimpleQueue()
        for name in unique:
            todo.put(name)
        done: queue.SimpleQueue[tuple[str, Any, BaseException | None]] = queue.SimpleQueue()
        stop = threading.Event()
        with self._client() as client:

            def work() -> None:
                while not stop.is_set():
                    try:
                        name = todo.get_nowait()
                    except queue.Empty:
                        return
                    try:
                        done.put((name, self._fetch_one(client, name), None))
                    except BaseException as exc:  # a bug of ours: raised in the calling thread
                        done.put((name, None, exc))

            for number in range(min(self.concurrency, len(unique))):
                threading.Thread(target=work, name=f"package-index-{number}", daemon=True).start()
            try:
                for _ in unique:
                    name, outcome, error = done.get()
                    if error is not None:
                        raise error
                    result, tally = outcome
                    _count(stats, result, tally)
                    on_result(name, result)
            finally:
                stop.set()
        return stats

    def fetch_one(self, name: str) -> PackageFacts | FetchError:
        """One package's facts (or why not), in this thread."""
        self.waits = WaitBudget(self.retry)
        with self._client() as client:
            return self._fetch_one(client, name)[0]

    def _client(self) -> httpx.Client:
        return make_client(timeout=self.timeout, transport=self.transport, max_connections=self.concurrency)

    def _fetch_one(self, client: httpx.Client, name: str) -> tuple[PackageFacts | FetchError, _Tally]:
        tally = _Tally()
        try:
            result = self._package(client, name, tally)
        except Exception as error:  # a bug must not lose the other packages' results
            result = FetchError(name, "malformed", f"unexpected error: {type(error).__name__}: {error}")
        return result, tally

    def _package(self, client: httpx.Client, name: str, tally: _Tally) -> PackageFacts | FetchError:
        try:
            url = project_page_url(self.index_url, name)
        except ValueError:
            return FetchError(name, "not-found", f"{name!r} is not a valid package name")
        key = canonicalize_name(name)
        page = self._request(client, key, url, tally, SIMPLE_JSON, lambda r: _project_page(r, url))
        if isinstance(page, FetchError):
            return page
        latest = latest_release(page)
        history = version_history(page)
        uploaded = dict(history).get(str(latest)) if latest is not None else None
        facts = PackageFacts(
            name=key,
            index_url=self.index_url,
            versions=history,
            latest_version=str(latest) if latest is not None else None,
            latest_uploaded_at=uploaded,
        )
        if latest is None:
            return facts
        return self._with_metadata(client, facts, metadata_file(page, latest), tally)

    def _with_metadata(
        self, client: httpx.Client, facts: PackageFacts, file: ReleaseFile | None, tally: _Tally
    ) -> PackageFacts | FetchError:
        """`facts` with the latest release's core metadata: its .metadata file, else the JSON API."""
        notes: list[str] = []
        if file is not None:
            found = self._pep658(client, facts.name, file.url, file.metadata_sha256, tally, notes)
            if isinstance(found, FetchError):
                return found
            if found is not None:
                return _merge(facts, found, "pep658", notes)
        api = json_api_url(self.index_url, facts.name)
        if api is None:
            return replace(facts, notes=(*notes, "no core metadata: no .metadata file and no JSON API"))
        meta = self._request(client, facts.name, api, tally, "application/json", _json_api)
        if isinstance(meta, FetchError):
            if meta.kind != "not-found":
                return replace(meta, message=f"JSON API: {meta.message}")
            return replace(facts, notes=(*notes, "no core metadata: the JSON API does not know the package"))
        if meta.version is not None and not same_version(meta.version, facts.latest_version):
            notes.append(f"the JSON API describes version {meta.version}")
        return _merge(facts, meta, "json-api", notes)

    def _pep658(
        self,
        client: httpx.Client,
        name: str,
        file_url: str,
        sha256: str | None,
        tally: _Tally,
        notes: list[str],
    ) -> CoreMetadata | FetchError | None:
        """The release's `.metadata` file; None (with a note) when missing or failing its hash."""
        url = metadata_url(file_url)
        content = self._request(client, name, url, tally, "*/*", lambda r: r.content)
        if isinstance(content, FetchError):
            if content.kind == "not-found":
                notes.append("the index listed a .metadata file it does not serve")
                return None
            return replace(content, message=f"core metadata: {content.message}")
        if sha256 is not None and hashlib.sha256(content).hexdigest() != sha256.lower():
            notes.append(f"{display_url(url)} does not match its sha256; not used")
            return None
        return parse_core_metadata(content)

    def _request(
        self,
        client: httpx.Client,
        name: str,
        url: str,
        tally: _Tally,
        accept: str,
        parse: Callable[[httpx.Response], T],
    ) -> T | FetchError:
        """GET and parse `url`, retrying passing failures with backoff (or as long as asked)."""
        failure = FetchError(name, "network", "no attempt made")
        for attempt in range(1, self.retry.attempts + 1):
            outcome = self._attempt(client, name, url, tally, accept, parse)
            if not isinstance(outcome, _Again):
                return outcome
            failure = outcome.error
            if attempt == self.retry.attempts:
                break
            if outcome.wait is None:
                wait = self.retry.delay(attempt, self.rng)
            elif not self.waits.take(outcome.wait):
                return failure
            else:
                wait = outcome.wait
                log.warning("package index: %s; waiting %.0f s", failure.message, wait)  # shown: not silent
            tally.retries += 1
            self.sleep(wait)
        return failure

    def _attempt(
        self,
        client: httpx.Client,
        name: str,
        url: str,
        tally: _Tally,
        accept: str,
        parse: Callable[[httpx.Response], T],
    ) -> T | FetchError | _Again:
        where = display_url(url)
        tally.requests += 1
        try:
            response = bounded(client, "GET", url, seconds=self.timeout * 3, headers={"Accept": accept})
        except AnswerTooLarge as error:  # asking again would get the same
            return FetchError(name, "malformed", f"{where}: {error}")
        except AnswerTooSlow as error:
            return _Again(FetchError(name, "timeout", f"{where}: {error}"))
        except httpx.TimeoutException:
            return _Again(FetchError(name, "timeout", f"{where}: no answer within {self.timeout:g} s"))
        except httpx.HTTPError as error:
            return _Again(FetchError(name, "network", f"{where}: {type(error).__name__}: {error}"))
        status = response.status_code
        if status == 429 or (status == 503 and "Retry-After" in response.headers):
            wait = retry_after(response)
            message = f"{where}: rate limited (HTTP {status})"
            return _Again(FetchError(name, "rate-limited", message, retry_after=wait), wait)
        if status in RETRY_STATUSES:
            return _Again(FetchError(name, "server", f"{where}: HTTP {status}"))
        if status != 200:
            return _refusal(name, where, status)
        try:
            return parse(response)
        except MalformedResponse as error:
            failure = FetchError(name, "malformed", f"{where}: {error}")
            return _Again(failure) if error.transient else failure


def _refusal(name: str, where: str, status: int) -> FetchError:
    if status in (404, 410):
        return FetchError(name, "not-found", f"{where}: the index has no such package (HTTP {status})")
    if status == 406:
        return FetchError(
            name, "malformed", f"{where}: the index does not speak the Simple API's JSON form (PEP 691)"
        )
    if status in (401, 403):
        return FetchError(name, "auth", f"{where}: access refused (HTTP {status})")
    return FetchError(name, "refused", f"{where}: HTTP {status}")


def _project_page(response: httpx.Response, url: str) -> ProjectPage:
    check_content_type(response.headers.get("Content-Type", ""))
    return parse_project_page(_json(response), str(response.url) or url)


def _json_api(response: httpx.Response) -> CoreMetadata:
    return parse_json_api(_json(response))


def _json(response: httpx.Response) -> object:
    try:
        return json.loads(response.content)
    except ValueError as error:
        raise MalformedResponse(f"malformed JSON ({error})") from error
    except RecursionError:
        raise MalformedResponse("JSON nested too deeply") from None


def _merge(facts: PackageFacts, meta: CoreMetadata, source: str, notes: list[str]) -> PackageFacts:
    return replace(facts, **facts_fields(meta), metadata_source=source, notes=(*notes, *meta.notes))


def _count(stats: FetchStats, result: PackageFacts | FetchError, tally: _Tally) -> None:
    stats.requests += tally.requests
    stats.retries += tally.retries
    if isinstance(result, FetchError):
        stats.failed += 1
        stats.errors[result.kind] = stats.errors.get(result.kind, 0) + 1
    else:
        stats.fetched += 1
