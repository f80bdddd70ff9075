"""What one answer from GitHub means for the batch that asked: results, or retry, split, wait, stop.

Pure functions from an HTTP response (or a transport exception) to an outcome; the client in
`github.py` acts on it. Messages may quote GitHub's text: the client redacts tokens from them.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from torchscape.sources.facts import ErrorKind, FetchError, RepoFacts
from torchscape.sources.github_query import ShapeError, alias, parse_repository, parse_time, split_repo_url
from torchscape.sources.http import AnswerTooLarge, AnswerTooSlow, retry_after

DEFAULT_LIMIT_WAIT = 60.0  # GitHub: without Retry-After, wait at least a minute after a secondary limit
_COSTLY = re.compile(r"complexity|\bcost\b|possible nodes|node limit", re.IGNORECASE)
_TIMEOUT = re.compile(r"time ?out|timed out|something went wrong", re.IGNORECASE)
_RATE = re.compile(r"rate limit", re.IGNORECASE)
_MISSING = object()

Action = Literal["retry", "fail", "stop"]


@dataclass(frozen=True, slots=True)
class Answered:
    """GitHub answered: a result for every repository of the batch, and the token's budget."""

    results: dict[str, RepoFacts | FetchError]
    cost: int | None = None
    remaining: int | None = None
    reset_at: float | None = None  # epoch seconds


@dataclass(frozen=True, slots=True)
class Failed:
    """No results: retry the batch, fail it, or stop the run; `split` halves it first if it can."""

    kind: ErrorKind
    message: str
    action: Action
    split: bool = False


@dataclass(frozen=True, slots=True)
class Limited:
    """The token hit a rate limit; it is usable again after `wait` seconds."""

    wait: float
    message: str


@dataclass(frozen=True, slots=True)
class Refused:
    """The token was refused (401, or 403 without a rate limit)."""

    message: str


Outcome = Answered | Failed | Limited | Refused


def read_exception(exc: httpx.HTTPError) -> Failed:
    if isinstance(exc, AnswerTooLarge):  # asking again would get the same
        return Failed("malformed", f"GitHub's answer is not one ({exc})", "fail")
    if isinstance(exc, AnswerTooSlow):
        return Failed("timeout", f"GitHub's answer is too slow ({exc})", "retry")
    if isinstance(exc, httpx.TimeoutException):
        return Failed("timeout", "no answer from GitHub within the timeout", "retry")
    return Failed("network", f"could not reach GitHub ({type(exc).__name__}: {exc})", "retry")


def read_answer(
    response: httpx.Response, batch: Sequence[str], since: dt.datetime, now: Callable[[], float] = time.time
) -> Outcome:
    """The outcome of `response` to the query for `batch` (aliases r0, r1, ... in that order)."""
    status = response.status_code
    if status == 401:
        return Refused(f"GitHub refused the token (HTTP 401{_detail(response)})")
    if status in (403, 429):
        return _forbidden(response, now)
    if status in (502, 504):
        return Failed("timeout", f"GitHub timed out (HTTP {status})", "retry", split=True)
    if status >= 500:
        return Failed("server", f"GitHub answered HTTP {status}", "retry")
    if status != 200:
        return Failed("refused", f"GitHub answered HTTP {status}{_detail(response)}", "stop")
    return _read_body(response, batch, since, now)


def _read_body(
    response: httpx.Response, batch: Sequence[str], since: dt.datetime, now: Callable[[], float]
) -> Outcome:
    try:
        body = response.json()
    except ValueError:
        return Failed("malformed", "GitHub's answer is not JSON", "retry")
    except RecursionError:
        return Failed("malformed", "GitHub's answer is nested too deeply", "fail")
    errors = (body.get("errors") or []) if isinstance(body, dict) else None
    if not isinstance(errors, list) or not all(isinstance(e, dict) for e in errors):
        return Failed("malformed", "GitHub's answer does not have the shape of a GraphQL response", "retry")
    aliases = {alias(i): url for i, url in enumerate(batch)}
    query_errors = [e for e in errors if _path_head(e) not in (*aliases, "rateLimit")]
    if query_errors:
        return _query_failure(query_errors, response, now)
    data = body.get("data")
    if not isinstance(data, dict):
        return Failed("malformed", "GitHub's answer has no data", "retry")
    by_alias = {_path_head(e): e for e in errors}
    results = {
        url: _repo_result(url, data.get(a, _MISSING), by_alias.get(a), since) for a, url in aliases.items()
    }
    return Answered(results, *_budget(data.get("rateLimit")))


def _forbidden(response: httpx.Response, now: Callable[[], float]) -> Outcome:
    wait = retry_after(response, now)
    detail = _detail(response)
    if wait is not None or response.status_code == 429 or _RATE.search(detail):
        return Limited(_wait(wait), f"GitHub rate limit (HTTP {response.status_code}{detail})")
    return Refused(f"GitHub refused the token (HTTP 403{detail})")


def _query_failure(
    errors: list[dict[str, Any]], response: httpx.Response, now: Callable[[], float]
) -> Outcome:
    """A failure of the whole query (errors that belong to no repository)."""
    types = {_error_type(e) for e in errors}
    message = _short("; ".join(str(e.get("message", "")) for e in errors))
    if "RATE_LIMITED" in types or _RATE.search(message):
        return Limited(_wait(retry_after(response, now)), f"GitHub rate limit: {message}")
    if "MAX_NODE_LIMIT_EXCEEDED" in types or _COSTLY.search(message):
        return Failed("refused", f"GitHub found the query too costly: {message}", "fail", split=True)
    if _TIMEOUT.search(message):
        return Failed("timeout", f"GitHub timed out: {message}", "retry", split=True)
    return Failed("refused", f"GitHub rejected the query: {message}", "stop")


def _repo_result(
    url: str, node: object, error: dict[str, Any] | None, since: dt.datetime
) -> RepoFacts | FetchError:
    slug = "/".join(split_repo_url(url) or (url,))
    if node is _MISSING:
        return FetchError(url, "malformed", f"GitHub's answer has no entry for {slug}")
    if node is None and error is not None:
        return _alias_error(url, slug, error)
    if node is None:
        return FetchError(url, "not-found", f"GitHub has no repository {slug} (or the token cannot see it)")
    try:
        return parse_repository(url, node, since)
    except ShapeError as exc:
        return FetchError(url, "malformed", f"unexpected answer for {slug}: {exc}")


def _alias_error(url: str, slug: str, error: dict[str, Any]) -> FetchError:
    kind: ErrorKind
    message = _short(str(error.get("message", "")))
    match _error_type(error):
        case "NOT_FOUND":
            kind, text = "not-found", f"GitHub has no repository {slug} (or the token cannot see it)"
        case "FORBIDDEN":
            kind, text = "refused", f"GitHub refused access to {slug}: {message}"
        case _ if _TIMEOUT.search(message):
            kind, text = "timeout", f"GitHub timed out on {slug}: {message}"
        case _:
            kind, text = "server", f"GitHub failed on {slug}: {message}"
    return FetchError(url, kind, text)


def _budget(value: object) -> tuple[int | None, int | None, float | None]:
    """(cost, remaining, reset epoch) from `rateLimit`, Nones when absent or odd."""
    if not isinstance(value, Mapping):
        return None, None, None
    cost, remaining = value.get("cost"), value.get("remaining")
    try:
        reset = parse_time(value.get("resetAt"))
    except ShapeError:
        reset = None
    return (
        cost if isinstance(cost, int) else None,
        remaining if isinstance(remaining, int) else None,
        reset.timestamp() if reset else None,
    )


def _path_head(error: Mapping[str, Any]) -> object:
    path = error.get("path")
    return path[0] if isinstance(path, list) and path else None


def _error_type(error: Mapping[str, Any]) -> str:
    kind = error.get("type")
    if kind is None and isinstance(error.get("extensions"), Mapping):
        kind = error["extensions"].get("type") or error["extensions"].get("code")
    return str(kind or "").upper()


def _detail(response: httpx.Response) -> str:
    """': <GitHub's message>' from an error body, or ''."""
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return ""
    message = body.get("message") if isinstance(body, dict) else None
    return f": {_short(message)}" if isinstance(message, str) and message else ""


def _wait(seconds: float | None) -> float:
    return DEFAULT_LIMIT_WAIT if seconds is None else max(1.0, seconds)


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
