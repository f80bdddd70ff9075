"""The site shows observed data with its source and age, and judges upstream state honestly."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from helpers import catalog, dump, item
from site_helpers import build
from torchscape.cli import main
from torchscape.sources.cache import Cache
from torchscape.sources.facts import PackageFacts, RepoFacts
from torchscape.sources.observed import Thresholds, classify

NOW = "2026-11-20T00:00:00Z"


def repo(name: str, **fields: object) -> RepoFacts:
    url = f"https://github.com/org/{name}"
    return RepoFacts(requested=url, name_with_owner=f"org/{name}", url=url, **fields)  # type: ignore[arg-type]


def test_item_page_shows_observed_facts(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    items = [
        item(
            "Alive",
            repo_url="https://github.com/org/alive",
            license="MIT",
            extra={"annotations": {"pypi": "alive-pkg"}},
        ),
        item("Gone", repo_url="https://github.com/org/gone"),
        item("Quiet", repo_url="https://github.com/org/quiet"),
        item("Unknown", repo_url="https://github.com/org/unknown"),
    ]
    data.write_text(dump(catalog(*items)), encoding="utf-8")
    cache_dir = tmp_path / "cache"
    with Cache.open(cache_dir) as cache:
        cache.put(
            "github",
            "https://github.com/org/alive",
            repo("alive", stars=900, last_commit_at="2026-11-10T10:00:00Z", license="Apache-2.0").to_json(),
            "2026-10-01T00:00:00Z",
        )
        cache.put(
            "github",
            "https://github.com/org/alive",
            repo(
                "alive",
                stars=1000,
                last_commit_at="2026-11-10T10:00:00Z",
                license="Apache-2.0",
                latest_release_tag="v2.0",
                latest_release_at="2026-11-01T00:00:00Z",
            ).to_json(),
            NOW,
        )
        cache.put(
            "github",
            "https://github.com/org/gone",
            repo("gone", is_archived=True, last_commit_at="2026-11-01T00:00:00Z").to_json(),
            NOW,
        )
        cache.put(
            "github",
            "https://github.com/org/quiet",
            repo("quiet", last_commit_at="2024-01-01T00:00:00Z").to_json(),
            NOW,
        )
        cache.put(
            "github",
            "https://github.com/org/unknown",
            repo("renamed-elsewhere").to_json() | {"requested": "https://github.com/org/unknown"},
            NOW,
        )
        cache.put(
            "packages",
            "alive-pkg",
            PackageFacts(
                name="alive-pkg",
                index_url="http://127.0.0.1/simple/",
                latest_version="2.0",
                latest_uploaded_at="2026-11-02T00:00:00Z",
                torch_requirement=">=2.1",
                page_url="http://127.0.0.1/project/alive-pkg/",
            ).to_json(),
            NOW,
        )
    out = tmp_path / "site"
    build(data, out, cache_dir)
    alive = (out / "projects" / "alive" / "index.html").read_text(encoding="utf-8")
    assert "1,000" in alive and "(+100 since 2026-10-01)" in alive
    assert '<time datetime="2026-11-10T10:00:00Z" data-relative>2026-11-10</time>' in alive
    assert 'MIT <span class="muted">(catalog; GitHub says Apache-2.0)</span>' in alive
    assert 'tag-active">Active' in alive
    assert "<code>&gt;=2.1</code>" in alive and 'href="http://127.0.0.1/project/alive-pkg/"' in alive
    assert "GitHub data fetched" in alive
    gone = (out / "projects" / "gone" / "index.html").read_text(encoding="utf-8")
    assert "Archived upstream" in gone
    assert "Dormant" in (out / "projects" / "quiet" / "index.html").read_text(encoding="utf-8")
    unknown = (out / "projects" / "unknown" / "index.html").read_text(encoding="utf-8")
    assert "now <a href=" in unknown and "org/renamed-elsewhere" in unknown  # moved upstream
    assert "tag-active" not in unknown and "Dormant" not in unknown  # no dates: no judgement
    assert json.loads((out / "api" / "items.json").read_text(encoding="utf-8"))["version"] == 1
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<option value="stars">' in home and '<option value="last_commit">' in home


def test_activity_is_never_judged_from_missing_data() -> None:
    now = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    rules = Thresholds(90, 365)
    assert classify(None, None, now, rules) is None
    assert classify({"is_archived": False}, None, now, rules) is None
    assert classify({"is_archived": True}, None, now, rules) == "archived"
    commits = {"last_commit_at": "2025-01-01T00:00:00Z"}
    assert classify(None, "2026-10-01T00:00:00Z", now, rules) == "active"  # a recent release proves it
    assert classify(commits, "2026-03-01T00:00:00Z", now, rules) == "slowing"
    assert classify(commits, "2025-01-01T00:00:00Z", now, rules) == "dormant"
    assert classify(None, "2025-01-01T00:00:00Z", now, rules) is None  # old release, commits unseen


def test_an_item_without_a_description_shows_upstreams_and_says_so(tmp_path: Path) -> None:
    """As landscape2 does, and as most real landscapes need (their items rarely carry one): the
    repository's description, else the package's summary; the API keeps them apart."""
    data = tmp_path / "landscape.yml"
    items = [
        item("Plain", description=..., repo_url="https://github.com/org/plain"),
        item(
            "Packaged",
            description=...,
            homepage_url="https://p.example",
            extra={"annotations": {"pypi": "packaged"}},
        ),
        item(
            "Curated",
            description="Our own words.",
            homepage_url="https://c.example",
            repo_url="https://github.com/org/curated",
        ),
    ]
    data.write_text(dump(catalog(*items)), encoding="utf-8")
    cache_dir = tmp_path / "cache"
    with Cache.open(cache_dir) as cache:
        said = "Trains  <b>graph</b> networks\nat scale"
        cache.put("github", "https://github.com/org/plain", repo("plain", description=said).to_json(), NOW)
        cache.put(
            "github", "https://github.com/org/curated", repo("curated", description="Theirs.").to_json(), NOW
        )
        package = PackageFacts(
            name="packaged",
            index_url="http://127.0.0.1/simple/",
            summary="Quantises models for phones",
            latest_version="1.0",
        )
        cache.put("packages", "packaged", package.to_json(), NOW)
    out = tmp_path / "site"
    build(data, out, cache_dir)
    plain = (out / "projects" / "plain" / "index.html").read_text(encoding="utf-8")
    lead = plain[plain.index('<p class="lead">') : plain.index("</p>", plain.index('<p class="lead">'))]
    assert "Trains &lt;b&gt;graph&lt;/b&gt; networks at scale" in lead and "from upstream" in lead
    packaged = (out / "projects" / "packaged" / "index.html").read_text(encoding="utf-8")
    assert "Quantises models for phones" in packaged
    curated = (out / "projects" / "curated" / "index.html").read_text(encoding="utf-8")
    assert "Our own words." in curated and "Theirs." not in curated and "from upstream" not in curated
    records = {
        r["id"]: r for r in json.loads((out / "api" / "items.json").read_text(encoding="utf-8"))["items"]
    }
    assert records["plain"]["description"] is None  # the catalog's field stays the catalog's
    assert records["plain"]["observed"]["description"] == "Trains <b>graph</b> networks at scale"
    assert records["curated"]["description"] == "Our own words."
    texts = json.loads((out / "api" / "explorer-text.json").read_text(encoding="utf-8"))["descriptions"]
    assert texts["packaged"] == "Quantises models for phones"  # search finds its words


def test_a_cached_time_that_is_not_one_breaks_neither_audit_nor_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Older versions stored GitHub's release and commit times unchecked ("soon" from a hostile
    answer): the readers that compute with them take such a time for none."""
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item("Odd", repo_url="https://github.com/org/odd"))), encoding="utf-8")
    cache_dir = tmp_path / "cache"
    with Cache.open(cache_dir) as cache:
        facts = repo(
            "odd", stars=5, last_commit_at="yesterday", latest_release_tag="v1", latest_release_at="soon"
        )
        cache.put("github", "https://github.com/org/odd", facts.to_json(), NOW)
    out = tmp_path / "site"
    build(data, out, cache_dir)
    page = json.loads((out / "api" / "compare.json").read_text(encoding="utf-8"))
    assert page["items"]["odd"]["name"] == "Odd"
    assert main(["audit", "--data-file", str(data), "--cache-dir", str(cache_dir), "--now", NOW]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_repository_without_figures_says_why(tmp_path: Path) -> None:
    """With package data only, the page showed package figures as if that were all upstream knew."""
    data = tmp_path / "landscape.yml"
    items = [
        item("Hub", repo_url="https://www.github.com/org/hub", extra={"annotations": {"pypi": "hub-pkg"}}),
        item("Lab", repo_url="https://gitlab.com/org/lab", extra={"annotations": {"pypi": "lab-pkg"}}),
    ]
    data.write_text(dump(catalog(*items)), encoding="utf-8")
    cache_dir = tmp_path / "cache"
    with Cache.open(cache_dir) as cache:
        for name in ("hub-pkg", "lab-pkg"):
            facts = PackageFacts(name=name, index_url="http://127.0.0.1/simple/", latest_version="1.0")
            cache.put("packages", name, facts.to_json(), NOW)
    out = tmp_path / "site"
    build(data, out, cache_dir)
    hub = (out / "projects" / "hub" / "index.html").read_text(encoding="utf-8")
    assert "no figures: its GitHub data has not been fetched" in hub
    lab = (out / "projects" / "lab" / "index.html").read_text(encoding="utf-8")
    assert "no figures: only GitHub repositories are read" in lab
