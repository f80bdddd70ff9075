"""One way to make HTTP clients: base URL, timeouts, retries with backoff and jitter, no secrets in logs.

Every endpoint is a setting (GitHub Enterprise, package mirrors, and tests on 127.0.0.1), so no
host name is written here.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from torchscape import __version__

USER_AGENT = f"torchscape/{__version__} (+landscape refresh)"
RETRY_STATUSES = frozenset({500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry a request that failed for a passing reason."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_wait: float = 120.0  # longest wait for a rate limit before giving up on it

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Exponential backoff with full jitter for attempt 1, 2, ..."""
        cap = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return rng.uniform(cap / 2, cap)


class WaitBudget:
    """The rate-limit waits one run may make: none longer than `policy.max_wait`, and at most
    twice that in all (a server saying "reset soon" at every answer is not waited on forever);
    then what is still limited fails as such and is left for the next run. Shared by threads."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.most = policy.max_wait
        self.waited = 0.0
        self._lock = threading.Lock()

    def take(self, wait: float) -> bool:
        """Whether to wait `wait` seconds (then counted) or to give up."""
        with self._lock:
            if wait > self.most or self.waited + wait > 2 * self.most:
                return False
            self.waited += wait
            return True


def make_client(
    base_url: str = "",
    *,
    timeout: float = 30.0,
    headers: dict[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    max_connections: int = 16,
    follow_redirects: bool = True,
) -> httpx.Client:
    """An httpx client with our defaults (timeouts, pool size, user agent, redirects followed)."""
    return httpx.Client(
        base_url=base_url,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
        follow_redirects=follow_redirects,
        transport=transport,
    )


#: The most one answer may hold once decoded (GitHub's batches and the index's pages of packages
#: with thousands of files stay under a few MB): a compressed "bomb" (1 MB that inflates to
#: 1 GB) must not fill the memory.
MAX_ANSWER_BYTES = 64 * 1024 * 1024
#: Headers whose meaning ends once the body has been read and decoded here.
_BODY_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class AnswerTooLarge(httpx.HTTPError):
    """The answer is over `MAX_ANSWER_BYTES` once decoded."""


class AnswerTooSlow(httpx.TimeoutException):
    """The whole answer did not arrive in time (each read did: a byte now and then)."""


def bounded(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    seconds: float,
    max_bytes: int = MAX_ANSWER_BYTES,
    **kwargs: object,
) -> httpx.Response:
    """`client.request(method, url, **kwargs)`, its body read whole only up to
    `max_bytes` once decoded and within `seconds` in all (httpx's timeouts are per read:
    a server sending a byte every few seconds would hold a command forever). The response
    returned holds the decoded body. Raises `AnswerTooLarge` or `AnswerTooSlow` (httpx errors)."""
    ends = time.monotonic() + seconds
    with client.stream(method, url, **kwargs) as response:  # type: ignore[arg-type]
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise AnswerTooLarge(f"the answer is over {max_bytes // 2**20} MB once decoded")
            if time.monotonic() > ends:
                raise AnswerTooSlow(f"no whole answer within {seconds:g} s", request=response.request)
            chunks.append(chunk)
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _BODY_HEADERS]
    return httpx.Response(
        response.status_code, headers=headers, content=b"".join(chunks), request=response.request
    )


def retry_after(response: httpx.Response, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait that the server asked for (Retry-After, or X-RateLimit-Reset when exhausted)."""
    header = response.headers.get("Retry-After")
    if header:
        if header.strip().isdigit():
            return float(header.strip())
        try:
            when = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - now())
    if response.headers.get("X-RateLimit-Remaining") == "0":
        reset = response.headers.get("X-RateLimit-Reset", "")
        if reset.isdigit():
            return max(0.0, float(reset) - now())
    return None


def redact(text: str, secrets: list[str]) -> str:
    """`text` with every secret (token) replaced, for messages and logs."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
