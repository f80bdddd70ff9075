"""URL rules: landscape2's checks, plus refusing dangerous schemes and spotting non-repositories."""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import quote, urlsplit

from torchscape.errors import DIRECTION_CONTROLS

_CRUNCHBASE = re.compile(r"^https://www\.crunchbase\.com/organization/[^/]+/?\Z")
_GITHUB_REPO = re.compile(r"^https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+\Z")
_GITHUB_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_DANGEROUS = ("javascript", "data", "vbscript", "file")
#: Control characters, and the invisible ones that change how text around them reads (direction
#: overrides and marks, zero-width characters): a URL holding one is not what it shows.
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f\u200b-\u200f{DIRECTION_CONTROLS}\ufeff]")
#: The common, plainly valid shape, checked without a full parse: scheme, host, optional port.
_SIMPLE = re.compile(r"^https?://([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?::\d{1,5})?(?:[/?#][^\s]*)?\Z")

#: Link kinds whose host landscape2 restricts (kind -> accepted domain suffixes).
DOMAINS: dict[str, tuple[str, ...]] = {
    "bluesky": ("bsky.app",),
    "facebook": ("facebook.com",),
    "flickr": ("flickr.com",),
    "github": ("github.com",),
    "instagram": ("instagram.com",),
    "linkedin": ("linkedin.com",),
    "pinterest": ("pinterest.com",),
    "reddit": ("reddit.com",),
    "stack_overflow": ("stackoverflow.com",),
    "twitch": ("twitch.tv",),
    "twitter": ("twitter.com", "x.com"),
    "youtube": ("youtube.com",),
}


class UrlProblem(ValueError):
    """A URL that must not be used. `unsafe` marks schemes that could run code in a browser;
    `slip` a URL that parses and is harmless but cannot be what was meant (landscape2 takes it:
    so do we, with a warning)."""

    def __init__(self, message: str, *, unsafe: bool = False, slip: bool = False) -> None:
        super().__init__(message)
        self.unsafe = unsafe
        self.slip = slip


def scheme_of(url: str) -> str:
    """The scheme as a browser would read it (case and stray whitespace ignored)."""
    cleaned = _CONTROL.sub("", url).strip()
    head, sep, _ = cleaned.partition(":")
    return head.strip().lower() if sep else ""


def check_url(url: str, kind: str = "", *, allow_mailto: bool = False) -> None:
    """Raise UrlProblem when `url` is not an absolute http(s) URL fit for `kind`."""
    simple = _SIMPLE.match(url)
    if simple and not _CONTROL.search(url):
        _check_kind(url, kind, simple.group(1).lower())
        return
    scheme = scheme_of(url)
    if scheme in _DANGEROUS:
        raise UrlProblem(f"'{scheme}:' URLs are not allowed (only http and https)", unsafe=True)
    if allow_mailto and scheme == "mailto":
        return
    if url != url.strip() or _CONTROL.search(url) or " " in url:
        raise UrlProblem("contains spaces or control characters")
    if scheme not in ("http", "https"):
        shown = f"'{scheme}:'" if scheme else "no scheme"
        raise UrlProblem(f"has {shown}; expected an absolute http:// or https:// URL")
    rest = url.split("://", 1)[-1]
    twice = scheme_of(rest) in ("http", "https")  # "https://https://example.org": a pasting slip
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if (
        "\\" in authority
    ):  # browsers read it as "/": "https://evil.example\\@github.com/" goes to evil.example
        raise UrlProblem("has a backslash before its path (browsers read it as '/', ending the host there)")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise UrlProblem(_TWICE if twice else f"is not a valid URL ({exc})") from exc
    if not host:
        raise UrlProblem(_TWICE if twice else "has no host name")
    _check_kind(url, kind, host)
    if twice:  # it parses (the host is "https"): harmless, and landscape2 takes it
        raise UrlProblem(_TWICE, slip=True)


_TWICE: Final = "has its scheme twice (as in 'https://https://...')"


def _check_kind(url: str, kind: str, host: str) -> None:
    if kind == "crunchbase" and not _CRUNCHBASE.match(url):
        raise UrlProblem("expected https://www.crunchbase.com/organization/<name>")
    domains = DOMAINS.get(kind)
    if domains and not any(host == d or host.endswith("." + d) for d in domains):
        raise UrlProblem(f"expected a URL on {' or '.join(domains)}")


def github_repo_problem(url: str) -> str | None:
    """Why a GitHub URL is not `https://github.com/OWNER/REPO`; None if it is, or is not GitHub."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in ("github.com", "www.github.com"):
        return None
    bare = url.removesuffix("/").removesuffix(".git")
    if _GITHUB_REPO.match(bare) and not parts.query and not parts.fragment:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2:
        return "points at a GitHub organisation or user, not a repository"
    if len(segments) > 2 and segments[2:] != [".git"]:
        return f"points at a page inside a repository (/{'/'.join(segments[2:])})"
    if parts.query or parts.fragment:
        return "has a query or fragment after the repository's address"
    if not all(_GITHUB_NAME.fullmatch(segment) for segment in segments[:2]):
        return "has characters GitHub does not allow in an owner's or repository's name (A-Z 0-9 - _ .)"
    return "is not written as https://github.com/OWNER/REPO"


def github_repo_url(url: str) -> str | None:
    """`https://github.com/Owner/Repo` for any URL inside a GitHub repository, in the owner's
    and repository's own letter case (as a catalog writes it; `canonical_repo` is the key)."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in ("github.com", "www.github.com"):
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2:
        return None
    name = segments[1][:-4] if segments[1].lower().endswith(".git") else segments[1]
    return f"https://github.com/{segments[0]}/{name}"


def canonical_repo(url: str) -> str | None:
    """`https://github.com/owner/repo` (lowercase) for any URL inside a GitHub repository."""
    found = github_repo_url(url)
    return found.lower() if found else None


def repo_key(url: str) -> str:
    """What two spellings of one repository URL have in common (letter case, a trailing slash,
    `.git`, `www.`); pages inside one repository keep their paths apart."""
    return url.strip().rstrip("/").removesuffix(".git").lower().replace("://www.", "://", 1)


def corrections_link(template: str, item_id: str, name: str) -> str:
    """The settings' `torchscape.corrections_url` for one item: `{id}` and `{name}` replaced by
    the item's id and name, URL-encoded (a name with `&` or `#` cannot end the URL's query)."""
    return template.replace("{id}", quote(item_id, safe="")).replace("{name}", quote(name, safe=""))
