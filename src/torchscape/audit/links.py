"""`audit --online`: check every link of the catalog, politely and without following redirects blindly.

- Each distinct URL is asked once: HEAD first, GET when HEAD is refused or fails (many servers
  answer HEAD badly), with a timeout, at most `per_host` requests at a time to one host and
  `overall` in all.
- Redirects are walked by hand, hop by hop (at most `MAX_HOPS`), recording each status:
  301/308 are permanent, 302/303/307 temporary.
- An `http://` link is also tried over `https://`.
- `resolve` maps an origin to another (`{"https://docs.example": "http://127.0.0.1:8123"}`),
  like curl's `--resolve`: the request goes to the second origin with the first one's Host
  header. Tests use it to point real-looking links at a server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from torchscape.audit.checks import finding, make_fix
from torchscape.audit.findings import AuditCode, Finding
from torchscape.catalog.model import Item, Landscape
from torchscape.catalog.urls import UrlProblem, canonical_repo, check_url, github_repo_problem
from torchscape.errors import printable
from torchscape.sources.http import USER_AGENT

MAX_HOPS = 5
PERMANENT = frozenset({301, 308})
TEMPORARY = frozenset({302, 303, 307})
DEAD = frozenset({404, 410})
#: Statuses after which GET is tried instead of trusting HEAD.
HEAD_UNRELIABLE = frozenset({400, 403, 404, 405, 406, 429, 500, 501, 502, 503})


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """One link of one item: where it sits in the YAML and its URL."""

    item: Item
    field: str
    url: str


@dataclass(frozen=True, slots=True)
class LinkResult:
    """What one URL answered: the final status after the hops, or why nothing answered."""

    url: str
    status: int | None = None
    hops: tuple[tuple[int, str], ...] = ()  # (status, where it pointed)
    error: str | None = None
    method: str = "HEAD"

    @property
    def final_url(self) -> str:
        return self.hops[-1][1] if self.hops else self.url

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and self.status < 400


@dataclass(frozen=True, slots=True)
class LinkOptions:
    timeout: float = 10.0
    per_host: int = 2
    overall: int = 16
    resolve: Mapping[str, str] | None = None


def link_targets(landscape: Landscape) -> list[LinkTarget]:
    """Every link worth checking. GitHub repositories are left to `refresh` (renames, not-found)."""
    targets: list[LinkTarget] = []
    for item in landscape:
        targets.append(LinkTarget(item, "homepage_url", item.homepage_url))
        repo = item.repo_url
        if repo and (canonical_repo(repo) is None or github_repo_problem(repo)):
            targets.append(LinkTarget(item, "repo_url", repo))
        if item.documentation_url:
            targets.append(LinkTarget(item, "extra.documentation_url", item.documentation_url))
        targets.extend(LinkTarget(item, "extra.other_links", link.url) for link in item.other_links)
    return [t for t in targets if urlsplit(t.url).scheme in ("http", "https")]


def check_links(
    urls: Iterable[str],
    options: LinkOptions = LinkOptions(),
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, LinkResult]:
    """Check each distinct URL (and the https:// form of http:// ones); returns url -> result."""
    wanted = sorted(set(urls))
    wanted += sorted({_https(u) for u in wanted if u.startswith("http://")} - set(wanted))
    job = _check_all(wanted, options, transport)
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: no event loop in this thread
        return asyncio.run(job)
    # Called from inside a running loop (a notebook, an async application): a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, job).result()


async def _check_all(
    urls: Sequence[str], options: LinkOptions, transport: httpx.AsyncBaseTransport | None
) -> dict[str, LinkResult]:
    overall = asyncio.Semaphore(options.overall)
    hosts: dict[str, asyncio.Semaphore] = {}
    limits = httpx.Limits(max_connections=options.overall, max_keepalive_connections=options.overall)
    async with httpx.AsyncClient(
        timeout=httpx.Timeout(options.timeout),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
        limits=limits,
        transport=transport,
    ) as client:
        prober = _Prober(client, options, overall, hosts)
        results = await asyncio.gather(*(prober.probe(url) for url in urls))
    return {r.url: r for r in results}


class _Prober:
    def __init__(
        self,
        client: httpx.AsyncClient,
        options: LinkOptions,
        overall: asyncio.Semaphore,
        hosts: dict[str, asyncio.Semaphore],
    ) -> None:
        self.client, self.options, self.overall, self.hosts = client, options, overall, hosts

    async def probe(self, url: str) -> LinkResult:
        hops: list[tuple[int, str]] = []
        current = url
        method = "HEAD"
        for _ in range(MAX_HOPS + 1):
            try:
                status, location, method = await self._ask(current)
            except httpx.TimeoutException:
                return LinkResult(
                    url, None, tuple(hops), f"timed out after {self.options.timeout:g} s", method
                )
            except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
                return LinkResult(url, None, tuple(hops), _describe(exc), method)
            if status in PERMANENT | TEMPORARY and location:
                current = urljoin(current, location)
                hops.append((status, current))
                if urlsplit(current).scheme not in ("http", "https"):
                    error = f"redirects to something other than a web address ({printable(current[:80])})"
                    return LinkResult(url, None, tuple(hops), error, method)
                continue
            return LinkResult(url, status, tuple(hops), None, method)
        return LinkResult(url, None, tuple(hops), f"more than {MAX_HOPS} redirects", method)

    async def _ask(self, url: str) -> tuple[int, str | None, str]:
        host = (urlsplit(url).hostname or "").lower()
        gate = self.hosts.setdefault(host, asyncio.Semaphore(self.options.per_host))
        async with gate, self.overall:  # the host first: a waiting task holds no overall slot
            try:
                response = await self._send("HEAD", url)
                if response.status_code not in HEAD_UNRELIABLE:
                    return response.status_code, response.headers.get("location"), "HEAD"
            except httpx.TimeoutException:
                raise
            except httpx.HTTPError:
                pass  # some servers drop HEAD requests; GET decides
            response = await self._send("GET", url)
            return response.status_code, response.headers.get("location"), "GET"

    async def _send(self, method: str, url: str) -> httpx.Response:
        target, headers = _resolved(url, self.options.resolve or {})
        request = self.client.build_request(method, target, headers=headers)
        # The timeout is per read: a server sending its headers a byte at a time would hold the
        # check forever, so the whole exchange has a deadline too.
        try:
            response = await asyncio.wait_for(
                self.client.send(request, stream=True), self.options.timeout * 2
            )
        except TimeoutError:
            raise httpx.ReadTimeout("no whole answer in time", request=request) from None
        await response.aclose()  # the status and headers are enough; never read a body
        return response


def _resolved(url: str, resolve: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    if origin not in resolve:
        return url, {}
    return resolve[origin] + url[len(origin) :], {"Host": parts.netloc}


def _describe(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {text}"
    return f"{type(exc).__name__}: {text}"


def _https(url: str) -> str:
    return "https://" + url.removeprefix("http://")


# --- findings -------------------------------------------------------------------------------


def link_findings(targets: Sequence[LinkTarget], results: Mapping[str, LinkResult]) -> Iterator[Finding]:
    for target in targets:
        result = results[target.url]
        secure = results.get(_https(target.url)) if target.url.startswith("http://") else None
        yield from _judge(target, result, secure)


def _judge(target: LinkTarget, result: LinkResult, secure: LinkResult | None) -> Iterator[Finding]:
    item, field, url = target.item, target.field, target.url
    evidence = [("url", url), *_hop_evidence(result)]
    if secure is not None and secure.ok and not result.ok:
        yield _insecure(target, [*evidence, ("http", result.error or f"HTTP {result.status}")], secure)
        return
    if result.error is not None or result.status is None:
        evidence.append(("error", result.error or "no answer"))
        yield finding(
            AuditCode.LINK_UNREACHABLE, item, field, f"could not be checked: {result.error}", evidence
        )
        return
    evidence.append(("HTTP status", f"{result.status} ({result.method})"))
    if result.status in DEAD:
        yield finding(AuditCode.LINK_DEAD, item, field, f"the link is dead (HTTP {result.status})", evidence)
        return
    if result.status >= 400:
        message = f"answered HTTP {result.status}; could not confirm it works"
        yield finding(AuditCode.LINK_UNREACHABLE, item, field, message, evidence)
        return
    moved_to = _permanent_target(result)
    if moved_to:
        # The new address comes from a server: written into the catalog only if it is one we accept there
        fixable = _same_site(url, moved_to) and field != "extra.other_links" and _acceptable(moved_to)
        fix = (
            make_fix(item, field, url, moved_to, f"{url} redirects permanently to {moved_to}")
            if fixable
            else None
        )
        where = "on the same site" if _same_site(url, moved_to) else "to another site: check it by hand"
        if _with_user(moved_to):
            where = "the new address holds a user name or password: check it by hand"
        message = f"redirects permanently ({where}) to {_redacted(moved_to)}"
        yield finding(AuditCode.LINK_MOVED, item, field, message, evidence, fix)
        if moved_to.startswith("https://"):
            return
    if secure is not None and secure.ok and moved_to is None:
        yield _insecure(target, evidence, secure)


def _insecure(target: LinkTarget, evidence: list[tuple[str, str]], secure: LinkResult) -> Finding:
    item, field, url = target.item, target.field, target.url
    new = _https(url)
    evidence = [*evidence, ("https", f"{new} answered {secure.status}")]
    fix = make_fix(item, field, url, new, f"{new} works") if field != "extra.other_links" else None
    return finding(AuditCode.LINK_INSECURE, item, field, "http:// link where https:// works", evidence, fix)


def _acceptable(url: str) -> bool:
    """Whether a URL a server gave may go into the catalog: plain ASCII (no direction marks or
    look-alikes), valid there (no spaces, quotes that end YAML values, other schemes) and with no
    user name or password (`http://admin:secret@host/`: not a fact about the project, and the
    site would publish it)."""
    if not url.isascii() or any(c in url for c in "'\"<>`"):
        return False
    try:
        check_url(url)
    except UrlProblem:
        return False
    return not _with_user(url)


def _with_user(url: str) -> bool:
    """Whether the URL names a user (and maybe a password) before its host."""
    try:
        return "@" in urlsplit(url).netloc
    except ValueError:
        return False


def _hop_evidence(result: LinkResult) -> list[tuple[str, str]]:
    return [
        (f"redirect {n}", f"{status} -> {_redacted(where)}")
        for n, (status, where) in enumerate(result.hops, start=1)
    ]


def _redacted(url: str) -> str:
    """The URL with any password in it shown as `***`: the report may be posted publicly (a pull
    request's comment, a job summary)."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    if not password:
        return url
    user, _, host = parts.netloc.rpartition("@")
    return parts._replace(netloc=f"{user.split(':', 1)[0]}:***@{host}").geturl()


def _permanent_target(result: LinkResult) -> str | None:
    """Where the leading run of permanent redirects ends, if the link starts with one."""
    target = None
    for status, where in result.hops:
        if status not in PERMANENT:
            break
        target = where
    return target


def _same_site(old: str, new: str) -> bool:
    def host(url: str) -> str:
        return (urlsplit(url).hostname or "").lower().removeprefix("www.")

    old_scheme, new_scheme = urlsplit(old).scheme, urlsplit(new).scheme
    upgrade_or_same = new_scheme == old_scheme or (old_scheme, new_scheme) == ("http", "https")
    return upgrade_or_same and host(old) == host(new)
