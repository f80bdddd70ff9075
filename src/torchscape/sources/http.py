"""One way to make HTTP clients: base URL, timeouts, retries with backoff and jitter, no secrets in logs.

Every endpoint is a setting (GitHub Enterprise, package mirrors, and tests on 127.0.0.1), so no
host name is written here.
"""

from __future__ import annotations

import email.utils
import random
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


def make_client(
    base_url: str = "",
    *,
    timeout: float = 30.0,
    headers: dict[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    max_connections: int = 16,
) -> httpx.Client:
    """An httpx client with our defaults (timeouts, pool size, user agent, redirects followed)."""
    return httpx.Client(
        base_url=base_url,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
        follow_redirects=True,
        transport=transport,
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
