"""Input from strangers: every case gets a located message and a non-zero exit, never a crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import torchscape
from helpers import catalog, dump, item, lines, run_check
from torchscape.catalog.yamlio import MAX_DEPTH, MAX_SCALAR_CHARS
from torchscape.errors import Code, Severity

GOOD_ITEM = "          - name: X\n            homepage_url: https://x.example\n            logo: x.svg\n            description: d\n"
HEAD = "categories:\n  - name: A\n    subcategories:\n      - name: B\n        items:\n"

BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(f"{n}: &{n} [{','.join(['*' + p] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)),
        "categories: *i",
    ]
)


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "torchscape.cli", "validate", "--data-file", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def build_in(folder: Path) -> subprocess.CompletedProcess[str]:
    """`torchscape build` run in `folder` (its landscape.yml), into folder/site."""
    out, cache = str(folder / "site"), str(folder / "cache")
    return subprocess.run(
        [sys.executable, "-m", "torchscape.cli", "build", "--output-dir", out, "--cache-dir", cache],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("name", "content", "code", "place"),
    [
        ("not-yaml", "this is: not: valid: [\n", Code.YAML_SYNTAX, (1, 13)),
        ("binary", bytes(range(256)) * 4, Code.NOT_UTF8, (2, 118)),
        ("latin1", "categories:\n  - name: Caf\xe9\n".encode("latin-1"), Code.NOT_UTF8, (2, 14)),
        ("tabs", "categories:\n\t- name: x\n", Code.YAML_SYNTAX, (2, 1)),
        ("duplicate-key", "categories:\n  - name: a\n    name: b\n", Code.DUPLICATE_KEY, (3, 5)),
        ("bomb", BOMB, Code.ALIAS_BOMB, None),
        ("deep-flow", "categories: " + "[" * 100_000 + "]" * 100_000, Code.TOO_DEEP, None),
        (
            "deep-block",
            "categories:\n" + "".join("  " * i + "- \n" for i in range(3000)),
            Code.TOO_DEEP,
            None,
        ),
        ("deep-dashes", "categories:\n  " + "- " * 60_000 + "x\n", Code.TOO_DEEP, None),
        ("deep-maps", "categories: " + "{a: " * 50_000 + "1" + "}" * 50_000, Code.TOO_DEEP, None),
        ("nul", b"categories:\n  - name: a\x00b\n", Code.YAML_SYNTAX, (2, 12)),
        ("undefined-alias", "categories: *nope\n", Code.YAML_SYNTAX, (1, 13)),
        ("two-documents", "categories: []\n---\ncategories: []\n", Code.YAML_SYNTAX, (2, 1)),
        ("empty", "", Code.WRONG_TYPE, (1, 1)),
        ("scalar", "just words\n", Code.WRONG_TYPE, (1, 1)),
        ("list", "- a\n- b\n", Code.WRONG_TYPE, (1, 1)),
    ],
)
def test_hostile_files_are_reported_not_crashed(
    tmp_path: Path, name: str, content: str | bytes, code: Code, place: tuple[int, int] | None
) -> None:
    path = tmp_path / f"{name}.yml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    proc = validate(path)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "error: " in proc.stdout
    problems = torchscape.check(path).problems
    assert code in {p.code for p in problems}
    if place is not None:
        first = next(p for p in problems if p.code is code)
        assert (first.line, first.col) == place


def test_yaml_tags_run_nothing_and_are_reported_as_ignored(tmp_path: Path) -> None:
    """A tag was dropped without a word; YAML's own tags (`!!str`) say nothing new."""
    marker = tmp_path / "ran"
    call = f'      crunchbase: !!python/object/apply:os.system ["touch {marker}"]\n'
    text = dump(catalog(item("A"), item("B"), item("C"))).replace("name: A\n", "name: A\n" + call)
    text = text.replace("name: B", "name: !foo B").replace("name: C", "name: !!str C")
    path = tmp_path / "landscape.yml"
    path.write_text(text, encoding="utf-8")
    result = torchscape.check(path)
    tags = [(p.message, p.severity, p.line) for p in result.problems if p.code is Code.IGNORED_VALUE]
    line = {
        word: next(n for n, t in enumerate(text.splitlines(), 1) if word in t) for word in ("os.", "!foo")
    }
    ignored = "is ignored: the value is read as written"
    assert tags == [
        (f"the YAML tag !!python/object/apply:os.system {ignored}", Severity.WARNING, line["os."]),
        (f"the YAML tag !foo {ignored}", Severity.WARNING, line["!foo"]),
    ]
    # the rest is checked as ever: the tagged list is no text
    assert [p.code for p in result.problems if p.code is not Code.IGNORED_VALUE] == [Code.WRONG_TYPE]
    assert not marker.exists()
    fine = tmp_path / "fine.yml"
    fine.write_text(text.replace(call, ""), encoding="utf-8")
    assert sorted(i.name for i in torchscape.load(fine)) == ["A", "B", "C"]


def test_bom_and_crlf_load(tmp_path: Path) -> None:
    path = tmp_path / "landscape.yml"
    path.write_bytes(("\ufeff" + HEAD + GOOD_ITEM).replace("\n", "\r\n").encode("utf-8"))
    proc = validate(path)
    assert proc.returncode == 0, proc.stdout
    assert "valid: 1 items" in proc.stdout


def test_huge_field_is_reported_quickly(tmp_path: Path) -> None:
    text = HEAD + GOOD_ITEM.replace("description: d", "description: " + "a" * 5_000_000)
    result = run_check(tmp_path, text)
    assert [p.code for p in result.problems] == [Code.TOO_LARGE]
    assert f"the limit is {MAX_SCALAR_CHARS:,}" in result.problems[0].message


def test_huge_file_is_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "landscape.yml"
    with path.open("wb") as handle:
        handle.truncate(40 * 1024 * 1024)
    problems = torchscape.check(path).problems
    assert [p.code for p in problems] == [Code.TOO_LARGE]


def test_many_megabytes_of_valid_items_finish(tmp_path: Path) -> None:
    items = [item(f"Item {i}", description="x" * 2000) for i in range(3000)]
    result = run_check(tmp_path, dump(catalog(*items)))
    assert result.landscape is not None and len(result.landscape) == 3000


def test_depth_limit_allows_real_landscapes() -> None:
    assert MAX_DEPTH >= 16  # a landscape is at most ~10 levels deep


def test_wrong_types_in_settings_and_guide(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        catalog(item()),
        settings="foundation: [x]\nurl: javascript:alert(1)\ncolors: red\n",
        guide="categories:\n  - category: ''\n    subcategories:\n      - subcategory: S\n        content: ''\n",
    )
    assert lines(result) == [
        "guide.yml:2:5: error: category #1 › category: is empty",
        "guide.yml:5:9: error: category #1 › S › content: is empty",
        "settings.yml:1:1: error: foundation: must be text, not a list",
        "settings.yml:3:1: error: colors: must be a mapping of keys to values, not 'red'",
    ]


def test_css_injection_through_colours_is_refused(tmp_path: Path) -> None:
    colors = {f"color{i}": "rgba(0, 107, 204, 1)" for i in range(1, 8)}
    colors["color2"] = "rgba(0, 0, 0, 1); } body { background: url(https://evil.example/x) }"
    settings = {"foundation": "F", "url": "https://f.example", "colors": colors}
    result = run_check(tmp_path, catalog(item()), settings)
    assert [(p.field, p.code) for p in result.problems] == [("colors.color2", Code.INVALID_VALUE)]
    assert result.landscape is None


@pytest.mark.parametrize(
    ("tag", "found"), [([["x"]], "a list holding something else"), ({"a": 1}, "a mapping")]
)
def test_a_union_field_of_the_wrong_type_gets_one_plain_message(
    tmp_path: Path, tag: object, found: str
) -> None:
    result = run_check(tmp_path, catalog(item(extra={"tag": tag})))
    assert [line.split(" › ", 3)[-1] for line in lines(result)] == [
        f"extra.tag: must be a list of texts or text, not {found}"
    ]  # not one message per member of the union, named as pydantic names them ("tag.list[str][0]")


def test_pipes_where_files_are_expected_are_not_waited_on(tmp_path: Path) -> None:
    """A repository can hold named pipes; reading one waits for a writer forever."""
    (tmp_path / "landscape.yml").write_text(HEAD + GOOD_ITEM, encoding="utf-8")
    os.mkfifo(tmp_path / "observed.jsonl")  # the snapshot `refresh` writes beside the data
    os.mkfifo(tmp_path / "settings.yml")
    proc = build_in(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and (tmp_path / "site" / "index.html").is_file()


def test_a_logos_folder_linking_outside_the_landscape_is_not_read(tmp_path: Path) -> None:
    """A repository's `logos -> /` must not make a build publish the machine's files."""
    secret = tmp_path / "machine"
    secret.mkdir()
    (secret / "secret.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><rect width="9" height="9" fill="#123457"/></svg>',
        encoding="utf-8",
    )
    landscape = tmp_path / "landscape"
    landscape.mkdir()
    (landscape / "logos").symlink_to(secret)
    (landscape / "landscape.yml").write_text(
        HEAD + GOOD_ITEM.replace("x.svg", "secret.svg"), encoding="utf-8"
    )
    out = landscape / "site"
    proc = build_in(landscape)
    assert proc.returncode == 0, proc.stderr
    assert "not a link to outside its folder" in proc.stdout
    assert not any(b"#123457" in p.read_bytes() for p in out.rglob("*") if p.is_file())
    # named on purpose with --logos-path, the folder is read
    assert main_build(landscape, out, "--logos-path", str(landscape / "logos")) == 0
    assert any(b"#123457" in p.read_bytes() for p in (out / "logos").iterdir())


def main_build(landscape: Path, out: Path, *flags: str) -> int:
    from torchscape.cli import main

    data = str(landscape / "landscape.yml")
    return main(
        ["build", "--data-file", data, "--output-dir", str(out), "--cache-dir", str(out.parent / "c"), *flags]
    )


def test_a_snapshot_with_impossible_timestamps_is_read_without_a_traceback(tmp_path: Path) -> None:
    """observed.jsonl is committed: a bad line is skipped, a date no datetime holds ignored."""
    (tmp_path / "landscape.yml").write_text(
        HEAD
        + GOOD_ITEM.replace(
            "description: d\n", "description: d\n            repo_url: https://github.com/o/x\n"
        ),
        encoding="utf-8",
    )
    repo = {"requested": "https://github.com/o/x", "name_with_owner": "o/x", "url": "https://github.com/o/x"}
    lines = [
        {"source": "github", "key": "https://github.com/o/x", "fetched_at": "zzzz-not-a-date", "data": repo},
        {
            "source": "github",
            "key": "https://github.com/o/x",
            "fetched_at": "2026-01-01T00:00:00Z",
            "data": {
                **repo,
                "last_commit_at": "0001-01-01T00:00:00+23:59",
                "latest_release_at": "9999-12-31T23:59:59-23:59",
            },
        },
    ]
    (tmp_path / "observed.jsonl").write_text(
        "".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8"
    )
    proc = build_in(tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr


@pytest.mark.parametrize(
    "line",
    [
        b"[" * 100_000 + b"]" * 100_000,  # nested deeper than the decoder recurses
        b'{"source": "github", "key": "\\ud800", "fetched_at": "2026-01-01T00:00:00Z", "data": {}}',
        b'{"source": "github", "key": "k\xff", "fetched_at": "2026-01-01T00:00:00Z", "data": {}}',
    ],
    ids=["deep", "lone surrogate", "not UTF-8"],
)
def test_snapshot_lines_that_cannot_be_stored_are_skipped(tmp_path: Path, line: bytes) -> None:
    (tmp_path / "landscape.yml").write_text(HEAD + GOOD_ITEM, encoding="utf-8")
    (tmp_path / "observed.jsonl").write_bytes(line + b"\n")
    proc = build_in(tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    imported = subprocess.run(
        [sys.executable, "-m", "torchscape.cli", "history", "import", "observed.jsonl", "--cache-dir", "c"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert imported.returncode == 1 and "Traceback" not in imported.stderr, imported.stderr
    assert "skipped observed.jsonl:1: " in imported.stderr and "imported 0 snapshot(s)" in imported.stderr


def test_a_build_ended_by_sigterm_leaves_no_staging_folder_behind(tmp_path: Path) -> None:
    """A cancelled CI job or `timeout` sends SIGTERM (to the whole process group): the build
    removes its staging folder and ends, workers and all."""
    import signal
    import time

    items = "".join(GOOD_ITEM.replace("name: X", f"name: X{i}") for i in range(1500))
    (tmp_path / "landscape.yml").write_text(HEAD + items, encoding="utf-8")
    out = tmp_path / "site"
    log = tmp_path / "stderr.txt"
    command = [sys.executable, "-m", "torchscape.cli", "build", "--output-dir", str(out)]
    with log.open("w") as stderr:  # a file: a pipe nobody reads during the build could fill up
        proc = subprocess.Popen(
            [*command, "--cache-dir", str(tmp_path / "c")],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # a process group of its own, to signal as a whole
        )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".site.building-*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, f"the build ended before it could be interrupted: {log.read_text()}"
    os.killpg(proc.pid, signal.SIGTERM)  # as `timeout` does
    proc.wait(timeout=60)
    err = log.read_text()
    assert proc.returncode == 128 + signal.SIGTERM and "torchscape: terminated" in err, err
    assert "Traceback" not in err
    assert list(tmp_path.glob(".site.building-*")) == [] and not out.exists()


def test_aliases_expanding_to_too_much_text_are_refused(tmp_path: Path) -> None:
    """Few values, but each a long text aliased many times: gigabytes of pages from 200 KB."""
    from torchscape.catalog.yamlio import MAX_EXPANDED_CHARS

    long = "a" * 90_000
    copies = MAX_EXPANDED_CHARS // len(long) + 1
    text = f"text: &t {long}\nmore: [{', '.join(['*t'] * copies)}]\n" + HEAD + GOOD_ITEM
    path = tmp_path / "landscape.yml"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size < 300_000
    problems = torchscape.check(path).problems
    assert Code.ALIAS_BOMB in {p.code for p in problems}
    assert any(f"{MAX_EXPANDED_CHARS:,} characters" in p.message for p in problems)


def test_settings_cannot_repeat_the_grid_at_will(tmp_path: Path) -> None:
    """Each group tab holds its categories' tiles: 100 groups, or one category listed 100 times
    in a group, would repeat the whole grid that often (6 KB of settings made a 21.8 MB home page)."""
    data = {"categories": [{"name": f"C{c}", "subcategories": [{"name": "S", "items": [item(f"I{c}")]}]}
                           for c in range(3)]}  # fmt: skip
    names = ["C0", "C1", "C2"]
    groups = [{"name": "First", "categories": ["C0", "C0", "C1"] * 30}]
    groups += [{"name": f"G{g}", "categories": names} for g in range(99)]
    settings = {"foundation": "F", "url": "https://f.example", "groups": groups}
    result = run_check(tmp_path, data, settings=settings)
    warned = [(p.code, p.field, p.message) for p in result.problems if p.code is Code.IGNORED_VALUE]
    assert (Code.IGNORED_VALUE, "groups[0].categories[1]", "'C0' is in this group already") in warned
    assert (
        Code.IGNORED_VALUE,
        "groups[12]",
        "more than 12 groups: this one and the rest are not shown",
    ) in warned
    assert result.landscape is not None
    (tmp_path / "logos").mkdir()
    assert build_in(tmp_path).returncode == 0
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert home.count('data-group-panel="') == 12
    assert home.count('href="projects/i0/"') == 12  # once per group shown
    first = home[home.index('data-group-panel="first"') : home.index('data-group-panel="g0"')]
    assert first.count('href="projects/i0/"') == 1 and first.count('href="projects/i1/"') == 1


def test_a_build_worker_dies_with_the_process_that_made_it(tmp_path: Path) -> None:
    """After a test of a terminated build, CI left an orphan `torchscape build`: a pool worker
    started in place of one the SIGTERM had ended, never signalled itself, blocked for good on
    the pool's queue lock. Workers now die with their parent (Linux: prctl PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the parent-death signal is Linux's")
    import time

    marker = tmp_path / "worker.pid"
    script = f"""
import multiprocessing, os, time
from torchscape.site import pages

def worker():
    pages.quiet_worker()
    open({str(marker)!r}, "w").write(str(os.getpid()))
    time.sleep(60)

if __name__ == "__main__":
    multiprocessing.get_context("fork").Process(target=worker).start()
    while not os.path.exists({str(marker)!r}) or not open({str(marker)!r}).read():
        time.sleep(0.01)
    os._exit(0)  # as the build's SIGTERM handler ends: no clean-up of children
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    pid = int(marker.read_text())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    raise AssertionError("the worker outlived the process that made it")
