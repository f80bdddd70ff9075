"""The SQLite cache: last good values, history, failures, schema versions, concurrency, kill -9."""

from __future__ import annotations

import io
import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from torchscape.cli import main
from torchscape.sources.cache import FILE_NAME, SCHEMA_VERSION, Cache, CacheError

REPO = "https://github.com/a/b"


def test_failure_keeps_the_last_good_value(tmp_path: Path) -> None:
    with Cache.open(tmp_path) as cache:
        cache.put("github", REPO, {"stars": 10}, "2026-01-01T00:00:00Z")
        cache.fail("github", REPO, "server", "HTTP 502", "2026-01-02T00:00:00Z")
        assert cache.facts("github")[REPO].data == {"stars": 10}
        assert [(f.key, f.kind) for f in cache.failures()] == [(REPO, "server")]
        cache.put("github", REPO, {"stars": 11}, "2026-01-03T00:00:00Z")
        assert cache.failures() == []
        assert [(f.fetched_at, f.data["stars"]) for f in cache.history("github", REPO)] == [
            ("2026-01-01T00:00:00Z", 10),
            ("2026-01-03T00:00:00Z", 11),
        ]


def test_history_round_trips_through_json_lines(tmp_path: Path) -> None:
    with Cache.open(tmp_path / "a") as cache:
        cache.put("github", REPO, {"stars": 1}, "2026-01-01T00:00:00Z")
        cache.put("github", REPO, {"stars": 2}, "2026-02-01T00:00:00Z")
        cache.put("packages", "torch", {"latest_version": "2.9"}, "2026-02-01T00:00:00Z")
        out = io.StringIO()
        assert cache.export_jsonl(out) == 3
    with Cache.open(tmp_path / "b") as other:
        other.put("github", REPO, {"stars": 3}, "2026-03-01T00:00:00Z")  # newer than the import
        assert other.import_jsonl(out.getvalue().splitlines()) == 3
        assert other.facts("github")[REPO].data == {"stars": 3}
        assert len(other.history("github", REPO)) == 3
        assert other.facts("packages")["torch"].data == {"latest_version": "2.9"}


def test_import_reports_bad_lines(tmp_path: Path) -> None:
    bad: list[tuple[int, str]] = []
    with Cache.open(tmp_path) as cache:
        lines = [
            "not json",
            '{"source": "github"}',
            "",
            '{"source": "github", "key": "k", "fetched_at": "t", "data": {}}',  # "t": not a time
            '{"source": "github", "key": "k", "fetched_at": "2026-01-01T00:00:00Z", "data": {}}',
        ]
        assert cache.import_jsonl(lines, lambda n, why: bad.append((n, why))) == 1
    assert [n for n, _ in bad] == [1, 2, 4]
    assert "fetched_at is not a timestamp: 't'" in bad[2][1]


def test_cli_history_export_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Cache.open(tmp_path / "c1") as cache:
        cache.put("github", REPO, {"stars": 5}, "2026-01-01T00:00:00Z")
    assert main(["history", "export", str(tmp_path / "h.jsonl"), "--cache-dir", str(tmp_path / "c1")]) == 0
    assert main(["history", "import", str(tmp_path / "h.jsonl"), "--cache-dir", str(tmp_path / "c2")]) == 0
    with Cache.open(tmp_path / "c2") as copy:
        assert copy.facts("github")[REPO].data == {"stars": 5}
    assert "imported 1 snapshot(s)" in capsys.readouterr().err


def test_schema_is_versioned_and_migrates_forward(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / FILE_NAME).close()  # an empty file: version 0
    with Cache.open(tmp_path) as cache:
        cache.put("github", REPO, {}, "2026-01-01T00:00:00Z")
    db = sqlite3.connect(tmp_path / FILE_NAME)
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    db.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    db.commit()
    db.close()
    with pytest.raises(CacheError, match="newer torchscape"):
        Cache.open(tmp_path)


def test_not_a_cache_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text("this is not sqlite", encoding="utf-8")
    with pytest.raises(CacheError, match="not a usable torchscape cache"):
        Cache.open(tmp_path)


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from torchscape.sources.cache import Cache
    folder, name, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    with Cache.open(folder) as cache:
        for i in range(count):
            cache.put("github", f"https://github.com/{name}/{i}", {"i": i}, f"2026-01-01T00:00:{i % 60:02d}Z")
            print(i, flush=True)
    """
)


def test_writers_at_once_do_not_corrupt(tmp_path: Path) -> None:
    """Three processes open a new cache file at the same moment and write into it."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), name, "300"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("x", "y", "z")
    ]
    outcomes = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    assert [code for code, _ in outcomes] == [0, 0, 0], outcomes
    with Cache.open(tmp_path) as cache:
        assert len(cache.facts("github")) == 900
    db = sqlite3.connect(tmp_path / FILE_NAME)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_kill_9_keeps_everything_already_stored(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path), "k", "100000"], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    done = -1
    deadline = time.monotonic() + 60
    while done < 200 and time.monotonic() < deadline:
        done = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with Cache.open(tmp_path) as cache:
        stored = len(cache.facts("github"))
    assert stored >= done + 1  # every result reported as written survived
    db = sqlite3.connect(tmp_path / FILE_NAME)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_facts_read_from_a_file_keep_only_well_typed_fields() -> None:
    # observed.jsonl is committed, so pull requests can edit it: nothing in it is trusted.
    record = {
        "requested": "https://github.com/a/b",
        "name_with_owner": "evil/x?a=1 b",
        "url": "javascript:alert(1)",
        "stars": "many",
        "forks": True,
        "contributors": 12,
        "last_commit_at": "not a date",
        "latest_release_at": "2026-01-02T00:00:00Z",
        "weekly_commits": [1, "x"],
        "topics": ["ml"],
    }
    package = {
        "name": "b",
        "index_url": "https://i.example/",
        "requires_dist": [5],
        "project_urls": [["Home", "data:x"]],
    }
    lines = [
        json.dumps({"source": "github", "key": "a/b", "fetched_at": "2026-01-03T00:00:00Z", "data": record}),
        json.dumps({"source": "packages", "key": "b", "fetched_at": "2026-01-03T00:00:00Z", "data": package}),
    ]
    with Cache.open_memory() as cache:
        assert cache.import_jsonl(lines) == 2
        repo = cache.facts("github")["a/b"].data
        assert repo == {
            "requested": "https://github.com/a/b",
            "contributors": 12,
            "latest_release_at": "2026-01-02T00:00:00Z",
            "topics": ["ml"],
        }
        assert cache.facts("packages")["b"].data == {"name": "b", "index_url": "https://i.example/"}
