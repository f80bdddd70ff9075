"""Repository facts from GitHub's GraphQL API: batched, split when GitHub balks, polite with limits.

One POST asks for a batch of repositories (50 by default; see `github_query` for the document).
Requests are sent one after another, never in parallel: GitHub asks clients to make requests for
one user serially, and its secondary rate limits punish concurrency. Each batch's results are
handed to `on_result` as soon as it answers, so an interrupted refresh keeps what it fetched.

What happens when GitHub does not simply answer:

- 502/504 or a GraphQL timeout ("something went wrong"): the batch is split in half and each half
  sent on its own, down to one repository, which is then retried with backoff.
- The query is too costly (MAX_NODE_LIMIT_EXCEEDED, "complexity", "cost"): split likewise; one
  repository that is still too costly fails alone.
- 500/503, connection errors, client-side timeouts, malformed answers: retried with backoff and
  jitter (`RetryPolicy`), then the batch's repositories fail with that kind.
- Rate limits (403/429 with X-RateLimit-Remaining 0 or Retry-After, or a RATE_LIMITED error): the
  next token that is not exhausted takes over; with none left, wait when the wait is at most
  `retry.max_wait`, else stop: every repository not yet fetched gets a "rate-limited" FetchError
  with `retry_after`, so the next refresh fetches only what is missing. A token whose
  `rateLimit.remaining` drops below the query's cost is rested before GitHub has to refuse it.
- 401 (or 403 without a rate limit): that token is dropped; with no token left, every repository
  not yet fetched gets an "auth" FetchError.
- Many failed requests in a row (GitHub down): stop rather than grind through every batch.

Tokens never appear in a message, log line or result: everything built from an answer or an
exception goes through `redact`.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import random
import re
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import httpx

from torchscape.sources.facts import ErrorKind, FetchError, FetchStats, RepoFacts
from torchscape.sources.github_answer import (
    Answered,
    Failed,
    Limited,
    Outcome,
    Refused,
    read_answer,
    read_exception,
)
from torchscape.sources.github_query import build_query, build_variables, since_for, split_repo_url
from torchscape.sources.http import RetryPolicy, WaitBudget, bounded, make_client, redact

log = logging.getLogger(__name__)

DEFAULT_GRAPHQL_URL = "https://api.github.com/graphql"
MAX_BATCH = 100  # GitHub's most items per connection; we keep aliased repositories under it too
MAX_FAILURES_IN_A_ROW = 16
_TOKEN = re.compile(r"[!-~]+")  # printable ASCII, no spaces: anything else cannot be a token
_DEFAULT_RETRY = RetryPolicy()

OnResult = Callable[[str, RepoFacts | FetchError], None]


def tokens_from_env(env: Mapping[str, str]) -> list[str]:
    """GITHUB_TOKENS (comma-separated) when set, else GITHUB_TOKEN; [] when neither is."""
    raw = env.get("GITHUB_TOKENS", "").strip() or env.get("GITHUB_TOKEN", "")
    return list(dict.fromkeys(t.strip() for t in raw.split(",") if t.strip()))


def endpoint_from_env(env: Mapping[str, str]) -> str:
    """GITHUB_GRAPHQL_URL (GitHub Enterprise, tests) when set, else GitHub's public endpoint."""
    return env.get("GITHUB_GRAPHQL_URL", "").strip() or DEFAULT_GRAPHQL_URL


class GitHubClient:
    """Fetches RepoFacts for many repositories, a batch per GraphQL query."""

    def __init__(
        self,
        endpoint: str,
        tokens: list[str],
        *,
        batch_size: int = 50,
        timeout: float = 30.0,
        retry: RetryPolicy = _DEFAULT_RETRY,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.time,
        weekly: bool = True,
    ) -> None:
        _check_tokens(tokens)
        _check_endpoint(endpoint)
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be between 1 and {MAX_BATCH}, not {batch_size}")
        self.endpoint = endpoint
        self._tokens = list(tokens)
        self.batch_size = batch_size
        self.timeout = timeout
        self.retry = retry
        self.weekly = weekly
        self._transport = transport
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not cryptography)
        self._clock = clock

    def __repr__(self) -> str:
        return f"GitHubClient({self.endpoint!r}, {len(self._tokens)} token(s), batch_size={self.batch_size})"

    def fetch(self, repos: Sequence[str], on_result: OnResult) -> FetchStats:
        """Fetch each repository URL; `on_result(url, facts or error)` once per URL, as batches answer."""
        stats = FetchStats()
        with make_client(
            timeout=self.timeout, transport=self._transport, max_connections=1, follow_redirects=False
        ) as http:  # the API does not redirect: a redirect would send the query elsewhere
            _Run(self, http, on_result, stats).run(repos)
        return stats

    def redact(self, text: str) -> str:
        return redact(text, self._tokens)


@dataclass(slots=True)
class _Batch:
    urls: list[str]
    attempt: int = 1
    limited: int = 0


class _Tokens:
    """Round-robin over the tokens, skipping those resting after a rate limit and those refused."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.blocked_until = [0.0] * count
        self.refused = [False] * count
        self._next = 0

    def pick(self, now: float) -> int | None:
        for step in range(self.count):
            i = (self._next + step) % self.count
            if not self.refused[i] and self.blocked_until[i] <= now:
                self._next = (i + 1) % self.count
                return i
        return None

    def block(self, index: int, until: float) -> None:
        self.blocked_until[index] = max(self.blocked_until[index], until)

    def soonest(self) -> float | None:
        times = [t for t, refused in zip(self.blocked_until, self.refused, strict=True) if not refused]
        return min(times) if times else None

    def release(self, until: float) -> None:
        self.blocked_until = [0.0 if t <= until else t for t in self.blocked_until]


class _Run:
    """One `fetch`: the queue of batches and what to do with each outcome."""

    def __init__(
        self, client: GitHubClient, http: httpx.Client, on_result: OnResult, stats: FetchStats
    ) -> None:
        self.client = client
        self.http = http
        self.on_result = on_result
        self.stats = stats
        self.tokens = _Tokens(len(client._tokens))
        self.queue: deque[_Batch] = deque()
        self.failures_in_a_row = 0
        self.waits = WaitBudget(client.retry)
        self.since = since_for(dt.datetime.fromtimestamp(client._clock(), dt.UTC))

    def run(self, repos: Sequence[str]) -> None:
        urls = []
        for url in dict.fromkeys(repos):
            if split_repo_url(url) is None:
                self.deliver(
                    url, FetchError(url, "not-found", "not a repository URL (https://host/owner/name)")
                )
            else:
                urls.append(url)
        size = self.client.batch_size
        self.queue.extend(_Batch(urls[i : i + size]) for i in range(0, len(urls), size))
        while self.queue:
            token = self.tokens.pick(self.client._clock())
            if token is None:
                self.wait_for_token()
                continue
            batch = self.queue.popleft()
            self.handle(batch, token, self.send(batch, token))

    def send(self, batch: _Batch, token: int) -> Outcome:
        slugs = [s for s in map(split_repo_url, batch.urls) if s is not None]
        payload = {
            "query": build_query(len(slugs), weekly=self.client.weekly),
            "variables": build_variables(slugs, self.since),
        }
        headers = {"Authorization": f"bearer {self.client._tokens[token]}"}
        self.stats.requests += 1
        started = time.perf_counter()
        try:
            response = bounded(
                self.http,
                "POST",
                self.client.endpoint,
                seconds=self.client.timeout * 3,
                json=payload,
                headers=headers,
            )
        except httpx.HTTPError as exc:
            outcome: Outcome = read_exception(exc)
        else:
            outcome = read_answer(response, batch.urls, self.since, self.client._clock)
        elapsed = time.perf_counter() - started
        log.debug(
            "GitHub: batch of %d with token %d: %s in %.2f s",
            len(slugs),
            token + 1,
            type(outcome).__name__,
            elapsed,
        )
        return outcome

    def handle(self, batch: _Batch, token: int, outcome: Outcome) -> None:
        match outcome:
            case Answered():
                self.failures_in_a_row = 0
                self.answered(batch, token, outcome)
            case Limited():
                self.limited(batch, token, outcome)
            case Refused():
                self.refused(batch, token, outcome)
            case Failed():
                self.failures_in_a_row += 1
                self.failed(batch, outcome)

    def answered(self, batch: _Batch, token: int, outcome: Answered) -> None:
        again = [url for url, result in outcome.results.items() if _timed_out(result)]
        again = again if batch.attempt < self.client.retry.attempts else []
        for url, result in outcome.results.items():
            if url not in again:
                self.deliver(url, result)
        if again:
            self.stats.retries += 1
            self.queue.appendleft(_Batch(again, batch.attempt + 1))
        if (
            outcome.remaining is not None
            and outcome.remaining < max(1, outcome.cost or 1)
            and outcome.reset_at
        ):
            log.info(
                "GitHub: token %d of %d has used its rate limit; resting it", token + 1, self.tokens.count
            )
            self.tokens.block(token, outcome.reset_at)

    def limited(self, batch: _Batch, token: int, outcome: Limited) -> None:
        self.tokens.block(token, self.client._clock() + outcome.wait)
        message = self.client.redact(outcome.message)
        log.info(
            "GitHub: token %d of %d rate-limited for %.0f s: %s",
            token + 1,
            self.tokens.count,
            outcome.wait,
            message,
        )
        self.queue.appendleft(batch)
        batch.limited += 1
        if batch.limited > self.tokens.count + self.client.retry.attempts:
            self.fail_all("rate-limited", f"{message}; still limited after waiting", retry_after=outcome.wait)
        else:
            self.stats.retries += 1

    def refused(self, batch: _Batch, token: int, outcome: Refused) -> None:
        self.tokens.refused[token] = True
        message = self.client.redact(outcome.message)
        log.warning("GitHub: token %d of %d was refused: %s", token + 1, self.tokens.count, message)
        self.queue.appendleft(batch)
        if all(self.tokens.refused):
            self.fail_all("auth", f"{message}; check GITHUB_TOKEN or GITHUB_TOKENS")

    def failed(self, batch: _Batch, outcome: Failed) -> None:
        message = self.client.redact(outcome.message)
        if outcome.split and len(batch.urls) > 1:
            half = (len(batch.urls) + 1) // 2
            self.queue.extendleft([_Batch(batch.urls[half:]), _Batch(batch.urls[:half])])
            self.stats.split_batches += 1
            log.info("GitHub: split a batch of %d: %s", len(batch.urls), message)
        elif outcome.action == "stop":
            self.queue.appendleft(batch)
            self.fail_all(outcome.kind, message)
        elif outcome.action == "retry" and batch.attempt < self.client.retry.attempts:
            self.client._sleep(self.client.retry.delay(batch.attempt, self.client._rng))
            batch.attempt += 1
            self.stats.retries += 1
            self.queue.appendleft(batch)
        else:
            self.fail_batch(batch, outcome.kind, message)
        if self.failures_in_a_row >= MAX_FAILURES_IN_A_ROW and self.queue:
            self.fail_all(
                outcome.kind, f"stopped after {self.failures_in_a_row} failed requests in a row: {message}"
            )

    def wait_for_token(self) -> None:
        soonest = self.tokens.soonest()
        if soonest is None:  # every token refused (refused() has normally failed the rest already)
            self.fail_all("auth", "GitHub refused every token; check GITHUB_TOKEN or GITHUB_TOKENS")
            return
        wait = max(0.0, soonest - self.client._clock())
        if self.waits.take(wait):
            log.warning("GitHub: every token is rate-limited; waiting %.0f s", wait)  # shown: not silent
            self.client._sleep(wait)
            self.tokens.release(soonest)
            return
        message = (
            f"the rate limit is used up for {_how_long(wait)}; "
            "run refresh again then: it fetches only what is missing"
        )
        log.warning("GitHub: %s", message)
        self.fail_all("rate-limited", message, retry_after=wait)

    def fail_batch(
        self, batch: _Batch, kind: ErrorKind, message: str, retry_after: float | None = None
    ) -> None:
        for url in batch.urls:
            self.deliver(url, FetchError(url, kind, message, retry_after))

    def fail_all(self, kind: ErrorKind, message: str, retry_after: float | None = None) -> None:
        while self.queue:
            self.fail_batch(self.queue.popleft(), kind, message, retry_after)

    def deliver(self, url: str, result: RepoFacts | FetchError) -> None:
        if isinstance(result, FetchError):
            result = replace(result, message=self.client.redact(result.message))
            self.stats.failed += 1
            self.stats.errors[result.kind] = self.stats.errors.get(result.kind, 0) + 1
        else:
            self.stats.fetched += 1
        self.on_result(url, result)


def _timed_out(result: RepoFacts | FetchError) -> bool:
    return isinstance(result, FetchError) and result.kind == "timeout"


def _how_long(seconds: float) -> str:
    """A wait in words, at the precision it deserves (a server may ask for any number)."""
    if seconds < 2 * 3600:
        return f"about {max(1, round(seconds / 60))} min"
    if seconds < 2 * 86400:
        return f"about {round(seconds / 3600)} h"
    return "more than two days (so the server says)"


def _check_tokens(tokens: list[str]) -> None:
    if not tokens:
        raise ValueError("no GitHub token: set GITHUB_TOKEN (or GITHUB_TOKENS, comma-separated)")
    for i, token in enumerate(tokens, 1):
        if not _TOKEN.fullmatch(token):
            raise ValueError(f"GitHub token {i} of {len(tokens)} has characters a token cannot have")


def _check_endpoint(endpoint: str) -> None:
    """An https URL; plain http only on loopback (a token must not cross a network in clear)."""
    parts = urlsplit(endpoint)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return
    raise ValueError(
        f"the GitHub GraphQL endpoint must be an https URL (plain http only on loopback): {endpoint!r}"
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
