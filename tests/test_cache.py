"""The SQLite cache: last good values, history, failures, schema versions, concurrency, kill -9."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from helpers import catalog, dump, item
from torchscape.cli import main
from torchscape.sources.cache import (
    FILE_NAME,
    MAX_LINE_CHARS,
    SCHEMA_VERSION,
    Cache,
    CacheError,
    read_lines,
)
from torchscape.sources.facts import RepoFacts

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


def test_import_says_what_is_wrong_with_a_line(tmp_path: Path) -> None:
    """Reasons were Python's own ("string indices must be integers", "'key'"); a source no
    version writes was stored, and NaN in the data was taken and then dropped without a word."""
    at = '"fetched_at": "2026-01-01T00:00:00Z"'
    lines = [
        '["a list"]',
        '"text"',
        f'{{"source": "github", {at}, "data": {{}}}}',
        f'{{"source": "github", "key": 5, {at}, "data": {{}}}}',
        f'{{"source": "../../etc/passwd", "key": "k", {at}, "data": {{}}}}',
        f'{{"source": "github", "key": "k", {at}, "data": {{"stars": NaN}}}}',
        f'{{"source": "packages", "key": "k", {at}, "data": {{"latest_version": "1.0"}}}}',
        f'{{"source": "github", "key": "k", {at}, "data": {{"stars": {"9" * 5001}}}}}',
    ]
    bad: list[tuple[int, str]] = []
    with Cache.open(tmp_path) as cache:
        assert cache.import_jsonl(lines, lambda n, why: bad.append((n, why))) == 1
        assert sorted({fact.source for fact in cache.all_history()}) == ["packages"]
    assert bad == [
        (1, "not a JSON object"),
        (2, "not a JSON object"),
        (3, "no 'key' field"),
        (4, "wrong field types: source, key and fetched_at are text, data an object"),
        (5, "unknown source '../../etc/passwd' (known: github, packages)"),
        (6, "NaN is not JSON"),
        (8, "a number of more than 4,300 digits"),  # (Python's: "use sys.set_int_max_str_digits()")
    ]


def test_cli_history_export_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Cache.open(tmp_path / "c1") as cache:
        cache.put("github", REPO, {"stars": 5}, "2026-01-01T00:00:00Z")
    assert main(["history", "export", str(tmp_path / "h.jsonl"), "--cache-dir", str(tmp_path / "c1")]) == 0
    assert main(["history", "import", str(tmp_path / "h.jsonl"), "--cache-dir", str(tmp_path / "c2")]) == 0
    with Cache.open(tmp_path / "c2") as copy:
        assert copy.facts("github")[REPO].data == {"stars": 5}
    assert "imported 1 snapshot(s)" in capsys.readouterr().err


def test_a_line_that_is_not_json_is_named_in_our_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It read "Expecting value: line 1 column 1 (char 0)": Python's decoder, which counts the
    line as its first and the character from 0, beside the file's own line number."""
    good = json.dumps({"source": "github", "key": REPO, "fetched_at": "2026-01-01T00:00:00Z", "data": {}})
    history = tmp_path / "h.jsonl"
    lines = ["not json", good, '{"source": "github"} trailing', '{"source": "gith', "{source: 1}", "[1 2]"]
    history.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    assert main(["history", "import", str(history), "--cache-dir", str(tmp_path / "c")]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"skipped {history}:1: not JSON (a value was expected at column 1)",
        f"skipped {history}:3: not JSON (more text after the JSON value at column 22)",
        f"skipped {history}:4: not JSON (a text in quotes is not closed at column 12)",
        f"skipped {history}:5: not JSON (a field name in double quotes was expected at column 2)",
        f"skipped {history}:6: not JSON (a comma was expected at column 4)",
        "imported 1 snapshot(s)",
    ]


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


def test_facts_read_from_a_file_are_bounded() -> None:
    """A page showed "Stars -5" and "Contributors about -1,000,000,000,000,000,000", and one line
    of 100,000 topics made an item page of 800 KB."""
    record = {
        "requested": "https://github.com/a/b",
        "stars": -5,
        "contributors": -(10**18),
        "forks": 10**13,
        "open_issues": 4,
        "topics": [f"t{n}" for n in range(100_000)],
        "languages": [["Python", 10]],
        "description": "x" * 50_000,
        "weekly_commits": [1] * 60,
    }
    line = json.dumps(
        {"source": "github", "key": "a/b", "fetched_at": "2026-01-03T00:00:00Z", "data": record}
    )
    with Cache.open_memory() as cache:
        assert cache.import_jsonl([line]) == 1
        assert cache.facts("github")["a/b"].data == {
            "requested": "https://github.com/a/b",
            "open_issues": 4,
            "languages": [["Python", 10]],
        }


def test_history_import_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    """`history import /dev/zero` used to read until memory ran out, and a named pipe waited for
    a writer forever; both are refused before anything is read, as a folder is."""
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    for given, message in [
        (fifo, f"{fifo} is not a regular file (a pipe or a device)"),
        (Path("/dev/zero"), "/dev/zero is not a regular file (a pipe or a device)"),
        (tmp_path, f"{tmp_path} is a folder"),
        (tmp_path / "none.jsonl", f"cannot read {tmp_path / 'none.jsonl'}: no such file or directory"),
    ]:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "torchscape.cli",
                "history",
                "import",
                str(given),
                "--cache-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr == f"torchscape: error: {message}\n" or proc.stderr.startswith(
            f"torchscape: error: {message}: give a JSON Lines file"
        ), proc.stderr


def test_an_overlong_history_line_is_skipped_not_held(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = json.dumps({"source": "github", "key": REPO, "fetched_at": "2026-01-01T00:00:00Z", "data": {}})
    history = tmp_path / "h.jsonl"
    history.write_text(
        f"{'x' * (MAX_LINE_CHARS + 10)}\n{good}\n{'y' * (MAX_LINE_CHARS + 1)}", encoding="utf-8"
    )
    assert main(["history", "import", str(history), "--cache-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"skipped {history}:1: longer than {MAX_LINE_CHARS:,} characters" in err
    assert f"skipped {history}:3: longer than" in err and "imported 1 snapshot(s)" in err
    with Cache.open(tmp_path) as cache:
        assert list(cache.facts("github")) == [REPO]


def test_reading_history_stops_at_the_most_it_may_hold(tmp_path: Path) -> None:
    """A stream that never ends (standard input from `/dev/zero`) is given up on: at most
    `MAX_HISTORY_BYTES` characters are read, a piece at a time, line breaks or not."""
    lines = tmp_path / "h.jsonl"
    lines.write_text("a\n" + "z" * 5000, encoding="utf-8")
    with lines.open(encoding="utf-8") as handle:
        read = read_lines(handle, "h.jsonl", most=1000)
        assert next(read) == "a\n"
        with pytest.raises(
            CacheError, match=r"h\.jsonl holds more than 1,000 characters; the rest is not read"
        ):
            next(read)


#: Root reads and writes anything: drop the capabilities that let it, so permissions count.
_AS_A_USER = (
    [
        "setpriv",
        "--bounding-set",
        "-dac_override,-dac_read_search,-fowner",
        "--inh-caps",
        "-dac_override,-dac_read_search,-fowner",
    ]
    if os.geteuid() == 0
    else []
)


@pytest.mark.skipif(
    os.geteuid() == 0 and not shutil.which("setpriv"), reason="root, and no setpriv to drop its rights"
)
def test_a_cache_in_a_folder_that_cannot_be_written_is_still_read(tmp_path: Path) -> None:
    """A restored CI artefact or a read-only mount: audit and build only read the cache, but
    opening its WAL database needed a shared-memory file beside it, and both stopped."""
    cache = tmp_path / "cache"
    with Cache.open(cache) as db:
        url = "https://github.com/org/odd"
        fact = RepoFacts(
            requested=url, name_with_owner="neworg/odd", url="https://github.com/neworg/odd", stars=43210
        )
        db.put("github", url, fact.to_json(), "2026-11-20T00:00:00Z")
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item("Odd", repo_url="https://github.com/org/odd"))), encoding="utf-8")
    (cache / "observed.sqlite3").chmod(0o444)
    cache.chmod(0o555)
    try:
        command = [*_AS_A_USER, sys.executable, "-m", "torchscape.cli"]
        inputs = ["--data-file", str(data), "--cache-dir", str(cache)]
        audit = subprocess.run(
            [*command, "audit", *inputs, "--format", "json"], capture_output=True, text=True
        )
        assert audit.returncode == 0, audit.stderr
        assert "repo-renamed" in json.loads(audit.stdout)["summary"]["by_code"]  # read from the cache
        site = tmp_path / "site"
        built = subprocess.run(
            [*command, "build", *inputs, "--output-dir", str(site)], capture_output=True, text=True
        )
        assert built.returncode == 0, built.stderr
        page = (site / "projects" / "odd" / "index.html").read_text(encoding="utf-8")
        assert "43,210" in page or "43.2k" in page
        assert sorted(p.name for p in cache.iterdir()) == ["observed.sqlite3"]  # nothing written there
    finally:
        cache.chmod(0o755)


def test_a_cache_that_is_not_one_ends_audit_and_build_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not a usage error in one command and a failure in the other: exit 1 and one line, both."""
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / FILE_NAME).write_bytes(b"not a database " * 20)
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item("Odd", repo_url="https://github.com/org/odd"))), encoding="utf-8")
    inputs = ["--data-file", str(data), "--cache-dir", str(cache)]
    for command in (["audit", *inputs], ["build", *inputs, "--output-dir", str(tmp_path / "site")]):
        assert main(command) == 1, command
        err = capsys.readouterr().err
        assert err.count("is not a usable torchscape cache") == 1 and "Traceback" not in err


@pytest.mark.parametrize("name", ["a?b", "c#d", "e%20f", "g h"])
def test_a_cache_folder_named_with_uri_characters_is_read(tmp_path: Path, name: str) -> None:
    """Read-only opening goes through an SQLite URI: `?`, `#` and `%` in the path must be
    encoded, or another file (or none) is opened."""
    folder = tmp_path / name
    with Cache.open(folder) as db:
        db.put("github", REPO, {"stars": 3}, "2026-11-20T00:00:00Z")
    with Cache.open(folder, readonly=True) as db:
        assert db.facts("github")[REPO].data == {"stars": 3}


def test_history_export_from_a_cache_that_is_not_there_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped --cache-dir made an empty cache there and exported nothing over the committed
    history file (which the deploy workflow then pushes)."""
    history = tmp_path / "observed.jsonl"
    history.write_text('{"kept": true}\n', encoding="utf-8")
    missing = tmp_path / "no-such-cache"
    for target in (str(history), "-"):
        assert main(["history", "export", target, "--cache-dir", str(missing)]) == 2
        assert "there is no cache in" in capsys.readouterr().err
    assert history.read_text(encoding="utf-8") == '{"kept": true}\n' and not missing.exists()


def test_imported_times_in_other_spellings_are_ordered_as_times(tmp_path: Path) -> None:
    """Stored as written and compared as text, a January snapshot in the basic format
    ("20260101T000000Z") beat November's, and 01:00Z written "+09:00" beat 05:00Z."""

    def line(stars: int, at: str) -> str:
        return json.dumps({"source": "github", "key": REPO, "fetched_at": at, "data": {"stars": stars}})

    with Cache.open(tmp_path / "c") as cache:
        assert cache.import_jsonl([line(500, "2026-11-22T05:00:00Z"), line(7, "20260101T000000Z")]) == 2
        assert cache.facts("github")[REPO].data == {"stars": 500}
        assert cache.import_jsonl([line(3, "2026-11-22T10:00:00+09:00")]) == 1
        assert cache.facts("github")[REPO].data == {"stars": 500}
        assert [fact.fetched_at for fact in cache.history("github", REPO)] == [
            "2026-01-01T00:00:00Z",
            "2026-11-22T01:00:00Z",
            "2026-11-22T05:00:00Z",
        ]
