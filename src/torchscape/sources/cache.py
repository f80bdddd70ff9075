"""The SQLite cache of observed data: the latest value of every fact, its history, and failures.

- `facts`: the latest good value per (source, key), with `fetched_at`. A failed fetch never
  removes it; the failure is recorded in `failures` instead.
- `history`: one snapshot per (source, key, fetched_at), so the site can show trends.
- The schema is versioned in `meta` and migrates forward. WAL mode and a busy timeout let two
  processes share the file; every result is committed as it arrives, so an interrupted refresh
  (Ctrl-C or kill -9) keeps everything it fetched.
- `export_jsonl` / `import_jsonl` move the history to and from a plain file that can live in git.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from torchscape.errors import TorchscapeError
from torchscape.sources.facts import PackageFacts, RepoFacts, clean_data, utc_time

#: What each source's facts are, to check those read back from a file (`import_jsonl`).
_RECORDS: dict[str, type[RepoFacts] | type[PackageFacts]] = {"github": RepoFacts, "packages": PackageFacts}

SCHEMA_VERSION = 1
FILE_NAME = "observed.sqlite3"

#: The longest line of a history file that is read (characters). A line is one snapshot of one
#: repository or package; the longest in the bundled landscape's history is 117 KB. A file
#: without line breaks (or `/dev/zero` behind a link) is read this much at a time, never whole.
MAX_LINE_CHARS = 4 * 1024 * 1024
#: The most a history file may hold (bytes; characters from standard input). A daily refresh
#: of a few hundred items adds about 1.5 MB, so years of history fit; an endless stream does not
#: fill the disk.
MAX_HISTORY_BYTES = 2 * 1024**3

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE IF NOT EXISTS facts (
        source TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL, fetched_at TEXT NOT NULL,
        PRIMARY KEY (source, key));
    CREATE TABLE IF NOT EXISTS history (
        source TEXT NOT NULL, key TEXT NOT NULL, fetched_at TEXT NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY (source, key, fetched_at));
    CREATE TABLE IF NOT EXISTS failures (
        source TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL,
        failed_at TEXT NOT NULL, PRIMARY KEY (source, key));
    """,
}


class CacheError(TorchscapeError):
    """The cache file cannot be used (newer schema, not a torchscape cache, unreadable); the
    command line prints it as one line."""


@dataclass(frozen=True, slots=True)
class Fact:
    source: str
    key: str
    data: dict[str, Any]
    fetched_at: str


@dataclass(frozen=True, slots=True)
class Failure:
    source: str
    key: str
    kind: str
    message: str
    failed_at: str


class Cache:
    """One cache file. Open with `Cache.open(folder)`; use as a context manager."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, folder: Path, *, readonly: bool = False) -> Cache:
        """Open (creating and migrating unless `readonly`) the cache in `folder`."""
        path = folder / FILE_NAME
        if readonly:
            if not path.is_file():
                return cls.open_memory()
            uri = path.resolve().as_uri()  # percent-encoded: a folder may be named "a?b#c%20"
            connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30)
            try:
                return cls(connection, path)._ready(create=False)
            except CacheError:
                if os.access(folder, os.W_OK) or not os.access(path, os.R_OK):
                    raise
            # A cache in a folder this process cannot write (a restored CI artefact, a read-only
            # mount): reading a WAL database needs its shared-memory file, which cannot be made
            # there, so read the file as it is (what is left in a `-wal` file is not seen).
            connection.close()
            connection = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=30)
            return cls(connection, path)._ready(create=False)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        except OSError as exc:  # a file where the folder should be, a read-only place
            why = exc.strerror or str(exc)
            raise CacheError(f"cannot use {folder} as the cache folder: {why[:1].lower()}{why[1:]}") from exc
        except sqlite3.Error as exc:  # the folder cannot be written, or the file not opened
            raise CacheError(f"{path} cannot be opened: {exc}") from exc
        return cls(connection, path)._ready(create=True)

    @classmethod
    def open_memory(cls) -> Cache:
        """A throw-away cache in memory (to read a history file)."""
        return cls(sqlite3.connect(":memory:", isolation_level=None), Path(":memory:"))._ready(create=True)

    def _ready(self, *, create: bool) -> Cache:
        """Set the connection up; another process opening the same file at once only waits."""
        deadline = time.monotonic() + 30
        while True:
            try:
                self._db.execute("PRAGMA busy_timeout = 30000")
                if create:
                    self._db.execute("PRAGMA journal_mode = WAL")  # may answer "locked" at once
                    self._migrate()
                else:
                    self._check_version(self._version())
                return self
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise CacheError(f"{self.path} cannot be opened: {exc}") from exc
                time.sleep(0.05)
            except sqlite3.DatabaseError as exc:
                raise CacheError(f"{self.path} is not a usable torchscape cache: {exc}") from exc

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # --- schema -----------------------------------------------------------------------------

    def _version(self) -> int:
        exists = self._db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if not exists:
            return 0
        row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _check_version(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise CacheError(
                f"{self.path} was written by a newer torchscape (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade torchscape or use another --cache-dir"
            )

    def _migrate(self) -> None:
        with self._transaction():
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            version = self._version()
            self._check_version(version)
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[target].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(
                    "INSERT INTO meta(key, value) VALUES('schema_version', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                    (str(target),),
                )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- writing ----------------------------------------------------------------------------

    def put(self, source: str, key: str, data: dict[str, Any], fetched_at: str) -> None:
        """Store a good value: latest fact, one history snapshot, and clear any failure."""
        text = json.dumps(data, sort_keys=True, ensure_ascii=False)
        with self._transaction():
            self._db.execute(
                "INSERT INTO facts(source, key, data, fetched_at) VALUES(?, ?, ?, ?) "
                "ON CONFLICT(source, key) DO UPDATE SET data=excluded.data, fetched_at=excluded.fetched_at",
                (source, key, text, fetched_at),
            )
            self._db.execute(
                "INSERT OR REPLACE INTO history(source, key, fetched_at, data) VALUES(?, ?, ?, ?)",
                (source, key, fetched_at, text),
            )
            self._db.execute("DELETE FROM failures WHERE source=? AND key=?", (source, key))

    def fail(self, source: str, key: str, kind: str, message: str, failed_at: str) -> None:
        """Record a failure; the last good value (if any) stays."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO failures(source, key, kind, message, failed_at) VALUES(?, ?, ?, ?, ?) "
                "ON CONFLICT(source, key) DO UPDATE SET kind=excluded.kind, message=excluded.message, "
                "failed_at=excluded.failed_at",
                (source, key, kind, message, failed_at),
            )

    # --- reading ----------------------------------------------------------------------------

    def facts(self, source: str) -> dict[str, Fact]:
        rows = self._db.execute("SELECT key, data, fetched_at FROM facts WHERE source=?", (source,))
        return {key: Fact(source, key, json.loads(data), at) for key, data, at in rows}

    def fetched_at(self, source: str) -> dict[str, str]:
        rows = self._db.execute("SELECT key, fetched_at FROM facts WHERE source=?", (source,))
        return dict(rows.fetchall())

    def failures(self, source: str | None = None) -> list[Failure]:
        query = "SELECT source, key, kind, message, failed_at FROM failures"
        rows = self._db.execute(
            query + (" WHERE source=?" if source else "") + " ORDER BY source, key",
            (source,) if source else (),
        )
        return [Failure(*row) for row in rows]

    def history(self, source: str, key: str) -> list[Fact]:
        rows = self._db.execute(
            "SELECT fetched_at, data FROM history WHERE source=? AND key=? ORDER BY fetched_at", (source, key)
        )
        return [Fact(source, key, json.loads(data), at) for at, data in rows]

    def all_history(self) -> Iterator[Fact]:
        rows = self._db.execute(
            "SELECT source, key, fetched_at, data FROM history ORDER BY source, key, fetched_at"
        )
        for source, key, at, data in rows:
            yield Fact(source, key, json.loads(data), at)

    # --- plain-file history -----------------------------------------------------------------

    def export_jsonl(self, out: TextIO) -> int:
        """Write every history snapshot as one JSON object per line (sorted); returns the count."""
        count = 0
        for fact in self.all_history():
            record = {
                "source": fact.source,
                "key": fact.key,
                "fetched_at": fact.fetched_at,
                "data": fact.data,
            }
            out.write(json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n")
            count += 1
        return count

    def import_jsonl(
        self, lines: Iterable[str], on_bad_line: Callable[[int, str], None] | None = None
    ) -> int:
        """Merge snapshots from JSON Lines; the newest snapshot of a key becomes its fact.

        The lines are untrusted (a file in someone's repository): read them with
        `errors="surrogateescape"`, so bytes that are not UTF-8 reach here and make their line
        a bad one, as do lone surrogates (`"\\ud800"`) and nesting too deep to decode."""
        count = 0
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            if len(line.rstrip("\r\n")) > MAX_LINE_CHARS:  # `read_lines` cut it short
                if on_bad_line:
                    on_bad_line(number, f"longer than {MAX_LINE_CHARS:,} characters")
                continue
            try:
                line.encode("utf-8")  # undecodable bytes (see above), lone surrogates
                record = json.loads(line.rstrip("\r\n"), parse_constant=_not_json)
                if not isinstance(record, dict):
                    raise TypeError("not a JSON object")
                missing = [name for name in ("source", "key", "fetched_at", "data") if name not in record]
                if missing:
                    raise ValueError(f"no {missing[0]!r} field")
                source, key, at, data = record["source"], record["key"], record["fetched_at"], record["data"]
                if not all(isinstance(v, str) for v in (source, key, at)) or not isinstance(data, dict):
                    raise TypeError("wrong field types: source, key and fetched_at are text, data an object")
                if source not in _RECORDS:
                    raise ValueError(f"unknown source {source[:40]!r} (known: {', '.join(_RECORDS)})")
                moment = utc_time(at)
                if moment is None:
                    raise ValueError(f"fetched_at is not a timestamp: {at[:40]!r}")
                # One spelling, UTC, as `refresh` writes it: the newest fact is found by comparing
                # these as text ("20260101T000000Z" or "+09:00" made an old snapshot the newest).
                at = moment.isoformat().replace("+00:00", "Z")
                cleaned = clean_data(_RECORDS[source], data)
                text = json.dumps(cleaned, sort_keys=True, ensure_ascii=False)
                (source + key + text).encode("utf-8")  # a lone surrogate, written as an escape
            except UnicodeError:
                if on_bad_line:
                    on_bad_line(number, "not UTF-8 text (or a lone surrogate)")
                continue
            except (ValueError, KeyError, TypeError, RecursionError) as exc:
                if on_bad_line:
                    on_bad_line(number, _why_bad(exc))
                continue
            self._merge(source, key, at, text)
            count += 1
        return count

    def import_file(self, path: Path, on_bad_line: Callable[[int, str], None] | None = None) -> int:
        """`import_jsonl` of a file, read as that method wants untrusted lines read."""
        with path.open(encoding="utf-8", errors="surrogateescape") as lines:
            return self.import_jsonl(read_lines(lines, str(path)), on_bad_line)

    def _merge(self, source: str, key: str, fetched_at: str, text: str) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO history(source, key, fetched_at, data) VALUES(?, ?, ?, ?)",
                (source, key, fetched_at, text),
            )
            self._db.execute(
                "INSERT INTO facts(source, key, data, fetched_at) VALUES(?, ?, ?, ?) "
                "ON CONFLICT(source, key) DO UPDATE SET data=excluded.data, fetched_at=excluded.fetched_at "
                "WHERE excluded.fetched_at > facts.fetched_at",
                (source, key, text, fetched_at),
            )


def _not_json(constant: str) -> Any:
    """`NaN`, `Infinity` and `-Infinity`, which Python's decoder takes and JSON has not."""
    raise ValueError(f"{constant} is not JSON")


def read_lines(handle: TextIO, name: str, *, most: int = MAX_HISTORY_BYTES) -> Iterator[str]:
    """The lines of a history file (`name` is for messages), each at most `MAX_LINE_CHARS` + 1
    characters: a longer one is cut there (so `import_jsonl` reports it) and the rest of it
    skipped a piece at a time, so memory stays bounded whatever the file holds. Past `most`
    characters in all, CacheError: a stream that never ends (a pipe from `/dev/zero`) is given
    up on, as a file that large is (the lines before it are kept)."""
    read = 0

    def piece(size: int) -> str:
        nonlocal read
        text = handle.readline(size)
        read += len(text)
        if read > most:
            raise CacheError(f"{name} holds more than {most:,} characters; the rest is not read")
        return text

    while line := piece(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
            while (rest := piece(MAX_LINE_CHARS)) and not rest.endswith("\n"):
                pass
        yield line


#: What the JSON decoder's messages mean, by how they start (it reports the first problem).
_JSON_PROBLEMS = (
    ("Expecting value", "a value was expected"),
    ("Expecting property name", "a field name in double quotes was expected"),
    ("Expecting ','", "a comma was expected"),
    ("Expecting ':'", "a colon was expected"),
    ("Unterminated string", "a text in quotes is not closed"),
    ("Invalid control character", "a control character inside a text in quotes"),
    ("Invalid \\u", "an incomplete \\u escape"),
    ("Invalid \\escape", "an unknown backslash escape"),
    ("Extra data", "more text after the JSON value"),
)


def _why_bad(exc: Exception) -> str:
    """Why a history line was skipped, in the user's terms rather than Python's."""
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, json.JSONDecodeError):  # "Expecting value: line 1 column 1 (char 0)"
        what = next((ours for start, ours in _JSON_PROBLEMS if exc.msg.startswith(start)), "not readable")
        return f"not JSON ({what} at column {exc.colno})"
    if "integer string conversion" in str(exc):  # Python's own bound on decoding long numbers
        return f"a number of more than {sys.get_int_max_str_digits():,} digits"
    return str(exc)


def open_readonly(folder: Path | None) -> Cache | None:
    """The cache for a build (read only), or None when there is no cache folder or file."""
    if folder is None or not (folder / FILE_NAME).is_file():
        return None
    return Cache.open(folder, readonly=True)


__all__ = [
    "FILE_NAME",
    "MAX_HISTORY_BYTES",
    "MAX_LINE_CHARS",
    "SCHEMA_VERSION",
    "Cache",
    "CacheError",
    "Fact",
    "Failure",
    "open_readonly",
    "read_lines",
]
