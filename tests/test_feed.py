"""The Atom feed: from the data file's git history and the observed data's history; valid, stable."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import defusedxml.ElementTree as SafeET
import pytest

from git_helpers import GitRepo, needs_git
from helpers import dump
from torchscape.cli import main

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def atom_problems(data: bytes) -> list[str]:
    """RFC 4287's required-element rules for atom:feed and atom:entry (section 4.1)."""
    root = SafeET.fromstring(data)
    problems: list[str] = []
    if root.tag != f"{A}feed":
        return [f"root element is {root.tag}, not atom:feed"]

    def one(parent: ElementTree.Element, name: str, where: str) -> ElementTree.Element | None:
        found = parent.findall(f"{A}{name}")
        if len(found) != 1:
            problems.append(f"{where}: {len(found)} atom:{name} elements, expected exactly one")
            return None
        return found[0]

    def check_common(parent: ElementTree.Element, where: str) -> None:
        ident = one(parent, "id", where)
        if ident is not None and not IRI.match(ident.text or ""):
            problems.append(f"{where}: atom:id {ident.text!r} is not an absolute IRI")
        title = one(parent, "title", where)
        if title is not None and not (title.text or "").strip():
            problems.append(f"{where}: empty atom:title")
        updated = one(parent, "updated", where)
        if updated is not None and not RFC3339.match(updated.text or ""):
            problems.append(f"{where}: atom:updated {updated.text!r} is not an RFC 3339 date-time")
        alternates = [
            (link.get("type"), link.get("hreflang"))
            for link in parent.findall(f"{A}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        if len(alternates) != len(set(alternates)):
            problems.append(f"{where}: more than one alternate link with the same type and hreflang")
        for link in parent.findall(f"{A}link"):
            if not link.get("href"):
                problems.append(f"{where}: atom:link without href")

    check_common(root, "feed")
    feed_author = root.find(f"{A}author")
    if feed_author is not None and feed_author.find(f"{A}name") is None:
        problems.append("feed: atom:author without atom:name")
    for n, entry in enumerate(root.findall(f"{A}entry")):
        where = f"entry {n}"
        check_common(entry, where)
        if feed_author is None and entry.find(f"{A}author") is None:
            problems.append(f"{where}: no atom:author in the entry or the feed")
        has_content = entry.find(f"{A}content") is not None
        alternate = any(link.get("rel", "alternate") == "alternate" for link in entry.findall(f"{A}link"))
        if not has_content and not alternate:
            problems.append(f"{where}: neither atom:content nor an alternate link")
        if not has_content and entry.find(f"{A}summary") is None:
            problems.append(f"{where}: no atom:summary (needed without inline content)")
    return problems


def test_the_checker_catches_missing_elements() -> None:
    bad = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry><title>y</title></entry></feed>'
    problems = atom_problems(bad)
    assert "feed: 0 atom:id elements, expected exactly one" in problems
    assert "entry 0: 0 atom:updated elements, expected exactly one" in problems
    assert "entry 0: no atom:author in the entry or the feed" in problems
    assert "entry 0: neither atom:content nor an alternate link" in problems


def item(name: str, **fields: object) -> dict[str, object]:
    return {"name": name, "homepage_url": "https://home.example", "logo": "x.svg", **fields}


def landscape(items: list[dict[str, object]], other: list[dict[str, object]] | None = None) -> str:
    subs = [{"name": "Vision", "items": items}, {"name": "Audio", "items": other or [item("Asteroid")]}]
    return dump({"categories": [{"name": "Modeling", "subcategories": subs}]})


SETTINGS = dump(
    {
        "foundation": "Test & Co",
        "url": "https://land.example/sub",
        "torchscape": {"statuses": {"archived": {"label": "Retired", "retired": True}}},
    }
)
HOSTILE = 'Evil <script>alert("x")</script> & \x01co'
SNAPSHOT = "\n".join(
    json.dumps(line, sort_keys=True)
    for line in [
        {
            "source": "packages",
            "key": "kornia",
            "fetched_at": "2024-03-01T00:00:00Z",
            "data": {
                "name": "kornia",
                "versions": [
                    ["0.7.0", "2024-01-05T10:00:00.000000Z"],
                    ["0.8.0rc1", "2024-02-01T10:00:00.000000Z"],
                    ["0.8.0", "2024-02-10T10:00:00.000000Z"],
                ],
            },
        },
        {
            "source": "github",
            "key": "https://github.com/old/kornia",
            "fetched_at": "2024-02-20T00:00:00Z",
            "data": {"name_with_owner": "kornia/kornia", "is_archived": False},
        },
        "not an object",
    ]
)


def build(data: Path, out: Path, capsys: pytest.CaptureFixture[str], cache: str = "c") -> tuple[bytes, str]:
    code = main(
        ["build", "--data-file", str(data), "--output-dir", str(out), "--cache-dir", str(out.parent / cache)]
    )
    printed = capsys.readouterr()
    assert code == 0, printed
    return (out / "feed.xml").read_bytes(), printed.out


@needs_git
def test_feed_from_three_commits_and_the_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo", monkeypatch)
    kornia = item(
        "Kornia", repo_url="https://github.com/old/kornia", extra={"annotations": {"pypi": "kornia"}}
    )
    repo.commit(
        {"land/landscape.yml": landscape([kornia]), "land/settings.yml": SETTINGS},
        "start",
        "2024-01-01T12:00:00Z",
    )
    repo.commit(
        {"land/landscape.yml": landscape([kornia, item(HOSTILE, description="Bad <b>")])},
        "add one",
        "2024-01-02T12:00:00Z",
    )
    repo.commit(
        {
            "land/landscape.yml": landscape(
                [item(HOSTILE, description="Bad <b>")], [item("Asteroid"), {**kornia, "project": "archived"}]
            )
        },
        "move kornia",
        "2024-01-03T12:00:00+02:00",
    )
    (tmp_path / "repo" / "land" / "observed.jsonl").write_text(SNAPSHOT, encoding="utf-8")
    data = tmp_path / "repo" / "land" / "landscape.yml"
    feed, _ = build(data, tmp_path / "site", capsys)
    assert atom_problems(feed) == []
    root = SafeET.fromstring(feed)
    assert root.findtext(f"{A}id") == "https://land.example/sub/feed.xml"
    assert root.findtext(f"{A}author/{A}name") == "Test & Co"
    entries = [
        (e.findtext(f"{A}updated"), e.findtext(f"{A}title"), e.find(f"{A}link").get("href"))  # type: ignore[union-attr]
        for e in root.findall(f"{A}entry")
    ]
    assert [e[0] for e in entries] == sorted((e[0] for e in entries), reverse=True)  # newest first
    entries.sort(key=lambda e: (e[0] or "", e[1] or ""), reverse=True)
    evil = 'Evil <script>alert("x")</script> & co'
    assert entries == [
        (
            "2024-02-20T00:00:00Z",
            "Kornia: repository renamed upstream to kornia/kornia",
            "https://land.example/sub/projects/kornia/",
        ),
        ("2024-02-10T10:00:00Z", "New release 0.8.0 of Kornia", "https://land.example/sub/projects/kornia/"),
        ("2024-01-05T10:00:00Z", "New release 0.7.0 of Kornia", "https://land.example/sub/projects/kornia/"),
        (
            "2024-01-03T10:00:00Z",
            "Kornia: curation status (none) → archived (retired)",
            "https://land.example/sub/projects/kornia/",
        ),
        (
            "2024-01-03T10:00:00Z",
            "Kornia moved from Modeling / Vision to Modeling / Audio",
            "https://land.example/sub/projects/kornia/",
        ),
        (
            "2024-01-02T12:00:00Z",
            f"{evil} added to Modeling / Vision",
            "https://land.example/sub/projects/evil-script-alert-x-script-co/",
        ),
        ("2024-01-01T12:00:00Z", "2 items listed", "https://land.example/sub/"),
    ]
    assert root.findtext(f"{A}updated") == "2024-02-20T00:00:00Z"
    assert b"<script>" not in feed and b"&lt;script&gt;" in feed
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Test &amp; Co Landscape: changes" href="feed.xml">'
        in index
    )
    about = (tmp_path / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml" title="Test &amp; Co Landscape: changes" href="../feed.xml"' in about
    # Item pages (thousands in a big landscape) leave the announcement to the other pages.
    page = (tmp_path / "site" / "projects" / "kornia" / "index.html").read_text(encoding="utf-8")
    assert "feed.xml" not in page.split("</head>")[0]

    # Same inputs, same bytes: another time zone, with the commits' entries from the cache, or
    # with a fresh cache folder.
    assert len(list((tmp_path / "c" / "feed").glob("*/*.json"))) == 3
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    again, _ = build(data, tmp_path / "site2", capsys)
    assert again == feed
    fresh, _ = build(data, tmp_path / "site3", capsys, cache="c2")
    assert fresh == feed


@needs_git
def test_a_commit_that_mends_an_unreadable_file_has_an_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """It had none: its parent could not be read, so it was taken for a revision with nothing
    to say, and what it changed was never listed."""
    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo", monkeypatch)
    repo.commit(
        {"land/landscape.yml": landscape([item("Kornia")]), "land/settings.yml": SETTINGS},
        "start",
        "2024-01-01T12:00:00Z",
    )
    repo.commit({"land/landscape.yml": "categories: [\n"}, "broken", "2024-01-02T12:00:00Z")
    repo.commit(
        {"land/landscape.yml": landscape([item("Kornia"), item("Pyro")])}, "mended", "2024-01-03T12:00:00Z"
    )
    feed, _ = build(tmp_path / "repo" / "land" / "landscape.yml", tmp_path / "site", capsys)
    titles = [e.findtext(f"{A}title") for e in SafeET.fromstring(feed).findall(f"{A}entry")]
    assert [t for t in titles if t and t.endswith("(the version before could not be read)")] == [
        "3 items listed (the version before could not be read)"  # (the fixture adds one item)
    ]


def test_no_git_means_no_catalog_entries_and_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    folder = tmp_path / "land"
    folder.mkdir()
    data = folder / "landscape.yml"
    data.write_text(landscape([item("Kornia", extra={"annotations": {"pypi": "kornia"}})]), encoding="utf-8")
    (folder / "observed.jsonl").write_text(SNAPSHOT, encoding="utf-8")
    feed, out = build(data, tmp_path / "site", capsys)
    assert "note: feed: " in out and "is not in a git repository" in out
    assert atom_problems(feed) == []
    root = SafeET.fromstring(feed)
    titles = [e.findtext(f"{A}title") for e in root.findall(f"{A}entry")]
    assert titles == ["New release 0.8.0 of Kornia", "New release 0.7.0 of Kornia"]
    assert root.findtext(f"{A}id", "").startswith("urn:uuid:")  # no site URL: a stable URN
    assert [e.find(f"{A}link").get("href") for e in root.findall(f"{A}entry")] == ["projects/kornia/"] * 2  # type: ignore[union-attr]


def test_an_empty_feed_is_still_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    data = tmp_path / "landscape.yml"
    data.write_text(landscape([item("Kornia")]), encoding="utf-8")
    feed, _ = build(data, tmp_path / "site", capsys)
    assert atom_problems(feed) == []
    assert SafeET.fromstring(feed).findall(f"{A}entry") == []


def _titles(feed: bytes) -> list[str]:
    return [e.findtext(f"{A}title") or "" for e in SafeET.fromstring(feed).findall(f"{A}entry")]


@needs_git
def test_a_shallow_clone_lists_no_false_additions_and_caches_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """actions/checkout fetches one commit by default. That commit, its parents not fetched,
    was compared with nothing: "3 items listed", kept in the cache by its id, and still there
    once the whole history was fetched."""
    (tmp_path / "origin").mkdir()
    origin = GitRepo(tmp_path / "origin", monkeypatch)
    origin.commit({"land/landscape.yml": landscape([item("Kornia")])}, "start", "2024-01-01T12:00:00Z")
    origin.commit(
        {"land/landscape.yml": landscape([item("Kornia"), item("Pyro")])}, "add pyro", "2024-01-02T12:00:00Z"
    )
    origin.commit(
        {"land/landscape.yml": landscape([item("Kornia", description="Vision"), item("Pyro")])},
        "describe kornia",
        "2024-01-03T12:00:00Z",
    )
    clone = tmp_path / "clone"
    origin.run("clone", "-q", "--depth", "2", f"file://{tmp_path / 'origin'}", str(clone))
    assert origin.run("-C", str(clone), "rev-parse", "--is-shallow-repository").strip() == "true"
    data = clone / "land" / "landscape.yml"

    feed, out = build(data, tmp_path / "site", capsys)
    assert atom_problems(feed) == []
    assert _titles(feed) == ["Kornia: Description changed"]  # not "3 items listed" for "add pyro"
    assert (
        "note: feed: " in out
        and " is a shallow clone: the history of land/landscape.yml before commit " in out
    )
    assert "`git fetch --unshallow`" in out

    origin.run("-C", str(clone), "fetch", "-q", "--unshallow")
    whole, out = build(data, tmp_path / "site2", capsys)  # the same cache
    assert _titles(whole) == [
        "Kornia: Description changed",
        "Pyro added to Modeling / Vision",
        "2 items listed",  # the first commit (the fixture adds an item)
    ]
    assert "is a shallow clone" not in out
    fresh, _ = build(data, tmp_path / "site3", capsys, cache="c2")
    assert fresh == whole
    # The first site built again: HEAD is the same commit, but the feed is not (it was
    # recognised as "nothing changed" and kept the shallow feed).
    again, out = build(data, tmp_path / "site", capsys)
    assert "nothing changed" not in out and again == whole


@needs_git
def test_changed_fields_are_named_as_the_pages_name_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Titles read "docTR: extra.summary_tags changed": the data file's key, not the site's word."""
    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo", monkeypatch)
    before = item("docTR", repo_url="https://github.com/a/doctr", extra={"summary_tags": "ocr"})
    after = item(
        "docTR",
        homepage_url="https://doctr.example",
        repo_url="https://github.com/a/doctr",
        extra={"summary_tags": "ocr, text", "foo_bar": "x", "annotations": {"pypi": "python-doctr"}},
    )
    repo.commit({"landscape.yml": landscape([before])}, "start", "2024-01-01T12:00:00Z")
    repo.commit({"landscape.yml": landscape([after])}, "edit", "2024-01-02T12:00:00Z")
    feed, _ = build(tmp_path / "repo" / "landscape.yml", tmp_path / "site", capsys)
    entry = SafeET.fromstring(feed).findall(f"{A}entry")[0]
    assert entry.findtext(f"{A}title") == "docTR: Python packages, Foo bar, Keywords, Homepage changed"
    assert entry.findtext(f"{A}summary") == (
        "Python packages: (none) → python-doctr; Foo bar: (none) → x; Keywords: ocr → ocr, text; "
        "Homepage: https://home.example → https://doctr.example"
    )
    assert b"summary_tags" not in feed and b"homepage_url" not in feed
