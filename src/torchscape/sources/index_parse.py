"""Reading what a package index answers: pure functions, no I/O (the fetching is in `packages`).

Covers the Simple API's JSON form (PEP 691, with PEP 700 upload times and versions, PEP 592 yanks,
PEP 658/714 core-metadata files), core metadata itself, and the index's JSON project API.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

from packaging.metadata import parse_email
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from torchscape.catalog.urls import UrlProblem, check_url
from torchscape.sources.facts import utc_time

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
LICENSE_MAX = 80  # longer (or multi-line) License fields hold a licence's text, not its name
_EXTRA_MARKER = re.compile(r"\bextra\b")


class MalformedResponse(ValueError):
    """The index answered something we cannot read. `transient` answers are worth asking again."""

    def __init__(self, message: str, *, transient: bool = True) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True, slots=True)
class ReleaseFile:
    """One file listed on a project's simple page."""

    filename: str
    url: str
    version: Version
    uploaded_at: str | None
    yanked: bool
    has_metadata: bool
    metadata_sha256: str | None


@dataclass(frozen=True, slots=True)
class ProjectPage:
    """A project's simple page: its files and the versions the index lists (PEP 700)."""

    files: tuple[ReleaseFile, ...]
    versions: tuple[Version, ...]


@dataclass(frozen=True, slots=True)
class CoreMetadata:
    """What we keep of a release's core metadata (from a `.metadata` file or the JSON API)."""

    requires_python: str | None = None
    requires_dist: tuple[str, ...] = ()
    license: str | None = None
    summary: str | None = None
    project_urls: tuple[tuple[str, str], ...] = ()
    page_url: str | None = None
    version: str | None = None
    notes: tuple[str, ...] = ()


# -- URLs ---------------------------------------------------------------------------------------


def project_page_url(index_url: str, name: str) -> str:
    """`{index}/{normalised-name}/`; raises ValueError for a name no index can hold."""
    return f"{index_url.rstrip('/')}/{canonicalize_name(name, validate=True)}/"


def json_api_url(index_url: str, name: str) -> str | None:
    """The JSON project API beside a `.../simple/` index (`.../pypi/<name>/json`), else None."""
    parts = urlsplit(index_url)
    path = parts.path.rstrip("/")
    if not path.endswith("/simple") and path != "simple":
        return None
    base = path.removesuffix("simple")
    return parts._replace(path=f"{base}pypi/{canonicalize_name(name)}/json", query="", fragment="").geturl()


def metadata_url(file_url: str) -> str:
    """Where PEP 658 puts a file's core metadata: its URL (without fragment) plus `.metadata`."""
    return file_url.split("#", 1)[0] + ".metadata"


def display_url(url: str) -> str:
    """`url` without user name or password, for messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


def _web_url(value: object) -> str | None:
    """`value` if it is a URL the catalog would take (absolute http(s), no control characters or
    spaces, a host that can be one: never `javascript:` and the like), else None. Anyone writes a
    package's metadata, and these links reach pages and `add`."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    try:
        check_url(value)
    except UrlProblem:
        return None
    return value


# -- the simple page ----------------------------------------------------------------------------


def check_content_type(content_type: str) -> None:
    """Refuse (for good) an answer that is not the Simple API's JSON form."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == SIMPLE_JSON or media == "application/json":
        return
    raise MalformedResponse(
        f"the index does not speak the Simple API's JSON form (PEP 691): it answered {media or 'no type'}"
        f" to Accept: {SIMPLE_JSON}",
        transient=False,
    )


def parse_project_page(data: Any, page_url: str) -> ProjectPage:
    """The files and versions of a PEP 691 project page (`data` is its decoded JSON)."""
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise MalformedResponse("the project page has no `files` list")
    meta = data.get("meta")
    major = str(meta.get("api-version", "1.0") if isinstance(meta, dict) else "1.0").split(".", 1)[0]
    if major != "1":
        raise MalformedResponse(f"unsupported Simple API version {major}", transient=False)
    files = tuple(f for f in (_release_file(raw, page_url) for raw in data["files"]) if f is not None)
    listed = data.get("versions")
    if listed is not None and not isinstance(listed, list):  # a string would be read letter by letter
        raise MalformedResponse("the project page's `versions` is not a list", transient=False)
    versions = tuple(v for v in (_version(raw) for raw in listed or ()) if v is not None)
    return ProjectPage(files=files, versions=versions)


def _release_file(raw: object, page_url: str) -> ReleaseFile | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("filename"), str):
        return None
    version = file_version(raw["filename"])
    if version is None or not isinstance(raw.get("url"), str):
        return None
    metadata = raw.get("core-metadata", raw.get("dist-info-metadata", False))
    sha256 = metadata.get("sha256") if isinstance(metadata, dict) else None
    return ReleaseFile(
        filename=raw["filename"],
        url=urljoin(page_url, raw["url"]),
        version=version,
        uploaded_at=iso_time(raw.get("upload-time")),
        yanked=bool(raw.get("yanked", False)),
        has_metadata=bool(metadata),
        metadata_sha256=sha256 if isinstance(sha256, str) else None,
    )


def file_version(filename: str) -> Version | None:
    """The version in a wheel or sdist file name; None for names that are neither."""
    try:
        if filename.endswith(".whl"):
            return parse_wheel_filename(filename)[1]
        return parse_sdist_filename(filename)[1]
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None


def _version(raw: object) -> Version | None:
    if raw is None:
        return None
    try:
        return Version(str(raw))
    except ValueError:  # InvalidVersion, or digits Python will not convert (over 4,300)
        return None


def same_version(a: str, b: str | None) -> bool:
    """Whether two version strings name the same version (`1.0` and `1.0.0` do)."""
    left, right = _version(a), _version(b)
    return left == right if left is not None and right is not None else a == b


def iso_time(value: object) -> str | None:
    """An ISO 8601 time as `YYYY-MM-DDTHH:MM:SSZ` (UTC); None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    when = utc_time(value)  # None too for a time no datetime holds in UTC ("0001-01-01T00:00+01:00")
    return None if when is None else when.strftime("%Y-%m-%dT%H:%M:%SZ")


def version_history(page: ProjectPage) -> tuple[tuple[str, str | None], ...]:
    """Every version with its first upload time, in version order (oldest first)."""
    first: dict[Version, str | None] = dict.fromkeys(page.versions)
    for file in page.files:
        known = first.get(file.version)
        if file.uploaded_at is not None and (known is None or file.uploaded_at < known):
            first[file.version] = file.uploaded_at
        else:
            first.setdefault(file.version, None)
    return tuple((str(version), first[version]) for version in sorted(first))


def latest_release(page: ProjectPage) -> Version | None:
    """The highest version with a file that is not yanked, preferring final releases."""
    available = {file.version for file in page.files if not file.yanked}
    final = [version for version in available if not version.is_prerelease]
    candidates = final or list(available)
    return max(candidates) if candidates else None


def metadata_file(page: ProjectPage, version: Version) -> ReleaseFile | None:
    """A file of `version` whose core metadata the index serves (wheels first, yanked last)."""
    files = [f for f in page.files if f.version == version and f.has_metadata]
    files.sort(key=lambda f: (f.yanked, not f.filename.endswith(".whl"), f.filename))
    return files[0] if files else None


# -- core metadata and the JSON API -------------------------------------------------------------


def parse_core_metadata(content: bytes) -> CoreMetadata:
    """The fields we keep from a core metadata file (lenient: bad fields are left out)."""
    raw, _unparsed = parse_email(content)
    urls = list(raw.get("project_urls", {}).items())
    home = raw.get("home_page")
    if home and home not in (url for _, url in urls):
        urls.append(("Homepage", home))
    license_, notes = pick_license(raw.get("license_expression"), raw.get("license"))
    return CoreMetadata(
        requires_python=raw.get("requires_python"),
        requires_dist=tuple(raw.get("requires_dist", ())),
        license=license_,
        summary=_one_line(raw.get("summary")),
        project_urls=web_urls(urls),
        version=raw.get("version"),
        notes=notes,
    )


def parse_json_api(data: Any) -> CoreMetadata:
    """The same fields from the index's JSON project API (`info`), plus the package's page."""
    info = data.get("info") if isinstance(data, dict) else None
    if not isinstance(info, dict):
        raise MalformedResponse("the JSON API answer has no `info` object")
    urls = info.get("project_urls") or {}
    pairs = list(urls.items()) if isinstance(urls, dict) else []
    license_, notes = pick_license(_str(info.get("license_expression")), _str(info.get("license")))
    requires = info.get("requires_dist") or []
    return CoreMetadata(
        requires_python=_str(info.get("requires_python")),
        requires_dist=tuple(r for r in requires if isinstance(r, str)) if isinstance(requires, list) else (),
        license=license_,
        summary=_one_line(_str(info.get("summary"))),
        project_urls=web_urls(pairs),
        page_url=_web_url(info.get("package_url")) or _web_url(info.get("project_url")),
        version=_str(info.get("version")),
        notes=notes,
    )


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _one_line(value: str | None) -> str | None:
    return (" ".join(value.split()) or None) if value else None


def web_urls(pairs: Iterable[tuple[object, object]]) -> tuple[tuple[str, str], ...]:
    """(label, url) pairs whose url is http(s), each url once, in the given order."""
    seen: set[str] = set()
    kept: list[tuple[str, str]] = []
    for label, value in pairs:
        url = _web_url(value)
        if url is not None and url not in seen:
            seen.add(url)
            kept.append((str(label).strip() or url, url))
    return tuple(kept)


def pick_license(expression: str | None, license_: str | None) -> tuple[str | None, tuple[str, ...]]:
    """License-Expression, else a short License field; a licence's whole text is dropped (and noted)."""
    if expression and expression.strip():
        return expression.strip(), ()
    text = (license_ or "").strip()
    if not text or text.upper() == "UNKNOWN":
        return None, ()
    if "\n" in text or len(text) > LICENSE_MAX:
        return None, (f"the License field holds a text of {len(text)} characters, not a licence name",)
    return licence_name(text), ()


def torch_requirement(requires_dist: Iterable[str]) -> str | None:
    """The version specifier on `torch` ("" = any version); None when torch is not required.

    Requirements that only apply to an extra (`; extra == "gpu"`) do not count.
    """
    for line in requires_dist:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if canonicalize_name(requirement.name) != "torch":
            continue
        if requirement.marker is not None and _EXTRA_MARKER.search(str(requirement.marker)):
            continue
        return str(requirement.specifier)
    return None


def facts_fields(metadata: CoreMetadata) -> Mapping[str, Any]:
    """`metadata` as PackageFacts fields."""
    return {
        "requires_python": metadata.requires_python,
        "requires_dist": metadata.requires_dist,
        "torch_requirement": torch_requirement(metadata.requires_dist),
        "license": metadata.license,
        "summary": metadata.summary,
        "project_urls": metadata.project_urls,
        "page_url": metadata.page_url,
    }


#: The licences a package's free-text `License` field names most often, by their words (lower
#: case, without "license", "licence", "version" or punctuation), and their SPDX ids: "Apache
#: 2.0" and "Apache License, Version 2.0" are both Apache-2.0, as GitHub and the catalog write it,
#: so that the site counts and filters them as one licence.
_LICENCE_WORDS: Final = {
    "apache 2": "Apache-2.0",
    "apache 2 0": "Apache-2.0",
    "apache2": "Apache-2.0",
    "apache software 2 0": "Apache-2.0",
    "asl 2 0": "Apache-2.0",
    "mit": "MIT",
    "mit x11": "MIT",
    "bsd 3 clause": "BSD-3-Clause",
    "bsd 3": "BSD-3-Clause",
    "3 clause bsd": "BSD-3-Clause",
    "new bsd": "BSD-3-Clause",
    "modified bsd": "BSD-3-Clause",
    "bsd 2 clause": "BSD-2-Clause",
    "simplified bsd": "BSD-2-Clause",
    "mozilla public 2 0": "MPL-2.0",
    "mpl 2 0": "MPL-2.0",
    "isc": "ISC",
}
_LICENCE_NOISE: Final = re.compile(r"\b(?:the|license|licence|version)\b|\bv(?=\d)|[^a-z0-9]+")


def licence_name(text: str | None) -> str | None:
    """A package's licence as its SPDX id where its words name a common one unambiguously
    ("Apache 2.0", "MIT License", "BSD 3-Clause"); anything else as it is."""
    if not text:
        return text
    words = " ".join(_LICENCE_NOISE.sub(" ", text.casefold()).split())
    return _LICENCE_WORDS.get(words, text)
