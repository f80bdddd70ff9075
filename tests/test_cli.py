"""The command line: exit codes, output formats, defaults and usage errors."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from helpers import catalog, dump, item
from torchscape.cli import main


def write_catalog(folder: Path, *items: dict[str, object]) -> Path:
    path = folder / "landscape.yml"
    path.write_text(dump(catalog(*items)), encoding="utf-8")
    return path


def test_valid_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_catalog(tmp_path, item())
    assert main(["validate", "--data-file", str(path)]) == 0
    assert capsys.readouterr().out.strip().endswith(f"valid: 1 items, 0 error(s), 0 warning(s) in {path}")


def test_warnings_pass_unless_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_catalog(tmp_path, item(homepage_url="http://a.example"))
    assert main(["validate", "--data-file", str(path)]) == 0
    assert main(["validate", "--data-file", str(path), "--strict"]) == 1
    out = capsys.readouterr().out
    assert "warning: Cat › Sub › Alpha › homepage_url: uses http://" in out
    plain, strict = [line for line in out.splitlines() if "1 warning(s) in" in line]
    assert plain.startswith("valid: ") and strict.startswith("not valid under --strict (warnings count): ")


def test_validate_says_logos_were_not_checked_without_a_logos_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_catalog(tmp_path, item())
    assert main(["validate", "--data-file", str(path)]) == 0
    assert "note: logo files not checked: no logos folder: hosted_logos/ or logos/" in capsys.readouterr().out
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "alpha.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8"
    )
    assert main(["validate", "--data-file", str(path)]) == 0
    assert "not checked" not in capsys.readouterr().out
    assert main(["build", "--data-file", str(path), "--output-dir", str(tmp_path / "site")]) == 0
    (tmp_path / "logos" / "alpha.svg").unlink()
    (tmp_path / "logos").rmdir()
    assert main(["build", "--data-file", str(path), "--output-dir", str(tmp_path / "site")]) == 0
    out = capsys.readouterr().out
    assert "1 item(s) show a monogram instead of their logo (no logos folder: hosted_logos/" in out


def test_validate_counts_the_rest_of_a_warning_kind_after_ten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A landscape switching from landscape2 often has no descriptions at all: its hundreds of
    identical warnings are counted after the first ten; errors are all listed; `--all` and
    the JSON output list everything."""
    items = [item(f"P{n:02}", description=..., homepage_url=f"https://p{n}.example") for n in range(25)]
    items += [item(f"Q{n}", homepage_url=f"http://q{n}.example") for n in range(3)]
    path = write_catalog(tmp_path, *items)
    assert main(["validate", "--data-file", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert sum("no description" in line for line in out) == 10
    assert "... and 15 more missing-description warning(s) (`--all` lists them)" in out
    assert sum("prefer https://" in line for line in out) == 3  # fewer than ten: all listed
    assert "0 error(s), 28 warning(s)" in out[-1]  # the summary counts everything
    assert main(["validate", "--data-file", str(path), "--all"]) == 0
    assert sum("no description" in line for line in capsys.readouterr().out.splitlines()) == 25
    assert main(["validate", "--data-file", str(path), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 28


def test_validate_hints_at_labels_for_statuses_shown_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_catalog(tmp_path, item(project="archived"), item("Beta", project="archived"), item("Gamma"))
    assert main(["validate", "--data-file", str(path)]) == 0
    out = capsys.readouterr().out
    assert "note: curation statuses are shown as written (archived: 2); " in out
    assert "torchscape.statuses" in out
    settings = tmp_path / "settings.yml"
    labels = {"archived": {"label": "Retired", "retired": True}}
    settings.write_text(
        dump({"foundation": "F", "url": "https://f.example", "torchscape": {"statuses": labels}}),
        encoding="utf-8",
    )
    assert main(["validate", "--data-file", str(path), "--settings-file", str(settings)]) == 0
    assert "shown as written" not in capsys.readouterr().out


def test_a_name_with_a_slash_is_a_warning_on_the_subcategory_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "landscape.yml"
    # (warned of where the landscape uses second_path: here, a second placement of the item)
    data = catalog(item(second_path=["Elsewhere / Sub"]), subcategory="A/B")
    data["categories"].append({"name": "Elsewhere", "subcategories": [{"name": "Sub", "items": []}]})  # type: ignore[attr-defined]
    path.write_text(dump(data), encoding="utf-8")
    assert main(["validate", "--data-file", str(path), "--format", "json"]) == 0
    (problem,) = json.loads(capsys.readouterr().out)
    assert (problem["category"], problem["subcategory"], problem["field"]) == ("Cat", "A/B", "name")
    assert problem["code"] == "second-path-invalid" and not problem["blocking"]


def test_errors_exit_1_and_json_has_the_same_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_catalog(
        tmp_path,
        item(homepage_url="javascript:alert(1)"),
        item("B", repo_url="https://github.com/org"),
    )
    assert main(["validate", "--data-file", str(path), "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert [(p["severity"], p["item"], p["field"], p["code"]) for p in problems] == [
        ("error", "Alpha", "homepage_url", "unsafe-url"),
        ("warning", "B", "repo_url", "not-a-repository"),
    ]
    assert set(problems[0]) == {
        "file",
        "line",
        "col",
        "severity",
        "code",
        "blocking",
        "category",
        "subcategory",
        "item",
        "field",
        "message",
    }
    assert problems[0]["category"] == "Cat" and problems[0]["subcategory"] == "Sub"


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--data-file", "/nonexistent/landscape.yml"],
        ["validate", "--format", "xml"],
        ["frobnicate"],
        [],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        code = main(argv)
        raise SystemExit(code)
    assert raised.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_default_is_landscape_yml_in_the_working_folder(
    chdir_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_catalog(chdir_tmp, item())
    (chdir_tmp / "settings.yml").write_text("foundation: F\nurl: https://f.example\n", encoding="utf-8")
    assert main(["validate"]) == 0
    assert "in landscape.yml, settings.yml" in capsys.readouterr().out


def test_default_elsewhere_is_the_bundled_landscape(
    chdir_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--strict"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("validating the bundled PyTorch landscape")


def test_console_script_runs_as_a_module() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "torchscape.cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout.startswith("torchscape ")


def test_build_that_cannot_write_says_so_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_catalog(tmp_path, item())
    out = tmp_path / ("x" * 300)  # longer than a file name may be
    assert main(["build", "--data-file", str(path), "--output-dir", str(out)]) == 1
    err = capsys.readouterr().err
    assert "torchscape: error: could not write the site: File name too long" in err
    assert "Traceback" not in err


def test_control_characters_from_the_input_are_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_catalog(tmp_path, item("Evil\x1b]0;owned\x07\u202e", homepage_url="http://a.example"))
    main(["validate", "--data-file", str(path)])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "Evil\\x1b]0;owned\\x07\\u202e" in out
    assert all(line.startswith((str(path), "note:", "valid")) for line in out.splitlines())


def test_build_says_why_each_logo_became_a_monogram(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_catalog(tmp_path, item(), item("Beta", logo="beta.png", homepage_url="https://b.example"))
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "alpha.svg").write_text("<svg", encoding="utf-8")
    (tmp_path / "logos" / "beta.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    assert main(["build", "--data-file", str(path), "--output-dir", str(tmp_path / "site")]) == 0
    out = capsys.readouterr().out
    assert "2 item(s) show a monogram instead of their logo:\n  alpha: not well-formed XML\n  beta: " in out


def test_export_and_audit_refusals_list_each_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_catalog(tmp_path, item(logo="../outside.svg"))
    assert main(["export", "--data-file", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:" in err and "Alpha › logo:" in err and "export refused: 1 blocking problem(s)" in err
    assert main(["audit", "--data-file", str(path)]) == 1
    assert "audit refused: 1 blocking problem(s); nothing audited" in capsys.readouterr().err


def test_the_catalogs_licence_is_on_the_page_before_any_refresh(tmp_path: Path) -> None:
    path = write_catalog(tmp_path, item(license="MIT"))
    assert main(["build", "--data-file", str(path), "--output-dir", str(tmp_path / "site")]) == 0
    page = (tmp_path / "site" / "projects" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert "<dt>Licence</dt><dd>MIT</dd>" in page


def test_the_summary_says_when_no_error_stops_a_build(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item(logo="https://x.example/logo.svg"))), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "torchscape.cli", "validate", "--data-file", str(data)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[-1].startswith("not valid: 1 items, 1 error(s) (none stops `build`), ")


def write_landscape(folder: Path) -> Path:
    """A landscape with data, settings and guide files, and a history beside them."""
    data = write_catalog(folder, item())
    (folder / "settings.yml").write_text("foundation: F\nurl: https://f.example\n", encoding="utf-8")
    (folder / "guide.yml").write_text("categories: []\n", encoding="utf-8")
    record = {"source": "github", "key": "https://github.com/a/b", "fetched_at": "2026-01-01T00:00:00Z"}
    (folder / "observed.jsonl").write_text(json.dumps({**record, "data": {}}) + "\n", encoding="utf-8")
    return data


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["export", "-o", "landscape.yml"], "--output landscape.yml is the data file in use"),
        (
            ["export", "--format", "json", "-o", "./settings.yml"],
            "--output settings.yml is the settings file",
        ),
        (["export", "-o", "alias.yml"], "--output alias.yml is the data file in use"),  # a link to it
        (["export", "-o", "observed.jsonl"], "--output observed.jsonl is the observed-data history"),
        (["poster", "-o", "landscape.yml", "--format", "svg"], "--output landscape.yml is the data file"),
        (["poster", "-o", "guide.yml", "--format", "svg"], "--output guide.yml is the guide file in use"),
        (["schema", "-o", "landscape.yml"], "--output landscape.yml is the data file in use"),
        (["schema", "--kind", "settings", "-o", "settings.yml"], "--output settings.yml is the settings"),
        (["history", "export", "landscape.yml"], "history export landscape.yml is the data file in use"),
        (
            ["history", "export", "cache/observed.sqlite3"],
            "history export cache/observed.sqlite3 is the cache's database in use",
        ),
    ],
)
def test_no_output_overwrites_a_file_in_use(
    chdir_tmp: Path, argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`export -o landscape.yml` used to leave a CSV where the catalog was (exit 0)."""
    write_landscape(chdir_tmp)
    (chdir_tmp / "alias.yml").symlink_to("landscape.yml")
    assert main(["history", "import", "observed.jsonl", "--cache-dir", "cache"]) == 0  # makes the cache
    before = {p: p.read_bytes() for p in chdir_tmp.rglob("*") if p.is_file()}
    flags = ["--cache-dir", "cache"] if argv[0] in ("history", "poster") else []
    assert main([*argv, *flags]) == 2
    err = capsys.readouterr().err
    assert f"torchscape: error: {named}" in err and "choose another file" in err, err
    assert {p: p.read_bytes() for p in chdir_tmp.rglob("*") if p.is_file()} == before


def test_a_poster_is_not_written_over_a_logo_it_draws(
    chdir_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`poster -o logos/x.svg` replaced the logo, and the next build drew the poster in its place."""
    write_landscape(chdir_tmp)
    logo = chdir_tmp / "logos" / "x.svg"
    logo.parent.mkdir(exist_ok=True)
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>', encoding="utf-8")
    before = logo.read_bytes()
    assert main(["poster", "--format", "svg", "-o", "logos/x.svg", "--cache-dir", "cache"]) == 2
    assert "is in the logos folder the poster reads" in capsys.readouterr().err
    assert logo.read_bytes() == before


def writing(target: str) -> list[list[str]]:
    """A command line of each command that writes a file named on it, writing `target`."""
    return [
        ["export", "-o", target],
        ["poster", "--format", "svg", "-o", target],
        ["schema", "-o", target],
        ["history", "export", target, "--cache-dir", "cache"],
    ]


@pytest.mark.parametrize("argv", writing("out/x"))
def test_outputs_replace_the_file_a_link_points_to_whole(chdir_tmp: Path, argv: list[str]) -> None:
    """Every output is a new file renamed into place (an old one is never rewritten in place:
    a reader sees it whole), and a link is followed, not replaced."""
    write_landscape(chdir_tmp)
    assert main(["history", "import", "observed.jsonl", "--cache-dir", "cache"]) == 0
    (chdir_tmp / "real").mkdir()
    old = chdir_tmp / "real" / "x"
    old.write_text("old", encoding="utf-8")
    old.chmod(0o640)
    inode = old.stat().st_ino
    (chdir_tmp / "out").mkdir()
    (chdir_tmp / "out" / "x").symlink_to(old)
    assert main(argv) == 0
    assert (chdir_tmp / "out" / "x").is_symlink()
    assert old.read_text(encoding="utf-8") not in ("old", "")
    assert old.stat().st_ino != inode and old.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in (chdir_tmp / "real").iterdir()) == ["x"]  # no temporary file left


@pytest.mark.parametrize("argv", writing("x"))
def test_an_output_made_read_only_is_refused_not_replaced(
    chdir_tmp: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The new file renamed over it replaced it, mode and all (the mode bits are judged: the
    tests run as root, whom they do not stop)."""
    write_landscape(chdir_tmp)
    assert main(["history", "import", "observed.jsonl", "--cache-dir", "cache"]) == 0
    target = chdir_tmp / "x"
    target.write_text("keep me", encoding="utf-8")
    target.chmod(0o444)
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "x is read-only: make it writable or choose another file" in err and len(err.splitlines()) == 1
    assert target.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize(
    ("argv", "message", "code"),
    [
        (["history", "export", "."], "history export . is a folder: give the name of a file to write", 2),
        (["schema", "-o", "landscape.yml/x"], "--output landscape.yml/x: the folder", 2),
        (["new", "landscape.yml/sub"], "cannot create the example in landscape.yml/sub: not a directory", 2),
        (["new", "/proc/torchscape-x"], "cannot create the example in /proc/torchscape-x: ", 2),
        (
            ["history", "export", "h.jsonl", "--cache-dir", "landscape.yml"],
            "--cache-dir landscape.yml is not a folder",
            2,
        ),
        (["refresh", "--max-age", "99999999999999d"], "--max-age '99999999999999d' is longer than 36500d", 2),
        (["refresh", "--max-age", "99999999d"], "--max-age '99999999d' is longer than 36500d", 2),
        (["refresh", "--max-age", "9" * 400], "is longer than 36500d (100 years), the most it can be", 2),
    ],
)
def test_unusable_paths_and_values_are_one_line_errors(
    chdir_tmp: Path, argv: list[str], message: str, code: int
) -> None:
    write_landscape(chdir_tmp)
    proc = subprocess.run(
        [sys.executable, "-m", "torchscape.cli", *argv], capture_output=True, text=True, check=False
    )
    assert proc.returncode == code, proc.stderr
    assert proc.stderr.startswith("torchscape: error: ") and message in proc.stderr, proc.stderr
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr


def test_a_folder_that_cannot_be_written_is_one_line_error(chdir_tmp: Path) -> None:
    from helpers import read_only

    write_landscape(chdir_tmp)
    (chdir_tmp / "locked").mkdir()
    with read_only(chdir_tmp / "locked"):
        for argv in (["export", "-o", "locked/x.csv"], ["new", "locked/example"]):
            proc = subprocess.run(
                [sys.executable, "-m", "torchscape.cli", *argv], capture_output=True, text=True, check=False
            )
            assert proc.returncode == 2, proc.stderr
            assert proc.stderr.startswith("torchscape: error: cannot "), proc.stderr
            assert "locked/" in proc.stderr and "Traceback" not in proc.stderr
        assert list((chdir_tmp / "locked").iterdir()) == []


def test_interrupts_and_catalog_errors_keep_their_exit_codes(tmp_path: Path) -> None:
    """The catch-all for refused file operations does not swallow Ctrl-C or catalog problems."""
    path = write_catalog(tmp_path, item(logo="../outside.svg"))
    proc = subprocess.run(
        [sys.executable, "-m", "torchscape.cli", "export", "--data-file", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1 and "export refused: 1 blocking problem(s)" in proc.stderr
    # A `history import -` waiting on its standard input, interrupted.
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "torchscape.cli",
            "history",
            "import",
            "-",
            "--cache-dir",
            str(tmp_path / "c"),
        ],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C reaches it as it reaches a command typed in a terminal, also when these tests
        # run in the background (where a shell starts children with SIGINT ignored).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    ) as waiting:
        assert waiting.stdin is not None and waiting.stderr is not None
        waiting.stdin.write(
            '{"source": "github", "key": "k", "fetched_at": "2026-01-01T00:00:00Z", "data": {}}\n'
        )
        waiting.stdin.flush()
        database = tmp_path / "c" / "observed.sqlite3"  # made once the command runs, before it reads
        deadline = time.monotonic() + 60
        while not database.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        waiting.send_signal(signal.SIGINT)
        assert waiting.wait(timeout=30) == 130
        assert waiting.stderr.read() == "torchscape: interrupted\n"


HEAVY_MODULES = ("pydantic", "jinja2", "PIL", "networkx", "httpx", "torchscape.site.build")


def imported_by(code: str) -> list[str]:
    """Which of HEAVY_MODULES a fresh interpreter has imported after running `code`."""
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY_MODULES!r} if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return proc.stdout.split()


def test_commands_import_what_they_use_when_they_run() -> None:
    assert imported_by("import torchscape, torchscape.cli") == []
    help_text = "import contextlib, io, torchscape.cli\nwith contextlib.redirect_stdout(io.StringIO()), "
    help_text += "contextlib.suppress(SystemExit): torchscape.cli.main(['--help'])"
    assert imported_by(help_text) == []
    # The public API's names import the catalog's modules on first use, and work.
    loaded = imported_by("import torchscape\nassert torchscape.Landscape.__name__ == 'Landscape'")
    assert "pydantic" in loaded and "torchscape.site.build" not in loaded


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["validate", "--data-file", "folder"], "data file is a folder, not a file: folder"),
        (["validate", "--data-file", "/dev/null"], "data file is not a regular file: /dev/null"),
        (["validate", "--data-file", "absent.yml"], "data file not found: absent.yml"),
        (["validate", "--settings-file", "folder"], "settings file is a folder, not a file: folder"),
        (["validate", "--logos-path", "landscape.yml"], "logos folder is not a folder: landscape.yml"),
        (["validate", "--logos-path", "absent"], "logos folder not found: absent"),
        # a cache that is a file: the build went on without it and said nothing
        (
            ["build", "--cache-dir", "landscape.yml", "--output-dir", "out"],
            "--cache-dir landscape.yml is not a folder",
        ),
        (["refresh", "--cache-dir", "landscape.yml"], "--cache-dir landscape.yml is not a folder"),
        # what the command line gives is shown with its control characters escaped
        (["validate", "--data-file", "a\x1b[31m.yml"], "data file not found: a\\x1b[31m.yml"),
    ],
)
def test_paths_that_cannot_be_used_say_why(
    chdir_tmp: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write_landscape(chdir_tmp)
    (chdir_tmp / "folder").mkdir()
    (chdir_tmp / "out").mkdir()
    (chdir_tmp / "out" / "kept.txt").write_text("a site of before", encoding="utf-8")
    before = {p: p.read_bytes() for p in chdir_tmp.rglob("*") if p.is_file()}
    assert main(argv) == 2
    assert capsys.readouterr().err == f"torchscape: error: {message}\n"
    assert {p: p.read_bytes() for p in chdir_tmp.rglob("*") if p.is_file()} == before


def test_an_output_that_is_a_named_pipe_is_written_into_not_replaced(chdir_tmp: Path) -> None:
    """Each output used to replace whatever was at its path by a new file, pipes and devices
    too (as root, `export -o /dev/null` made /dev/null a plain file)."""
    write_landscape(chdir_tmp)
    fifo = chdir_tmp / "pipe"
    os.mkfifo(fifo)
    read: list[bytes] = []
    reader = threading.Thread(target=lambda: read.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert main(["export", "-o", "pipe"]) == 0
    reader.join(30)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert read and read[0].startswith(b"id,name,category")


def _device(path: Path, kind: int, major: int, minor: int) -> None:
    try:
        os.mknod(path, kind | 0o666, os.makedev(major, minor))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make device nodes here: {exc}")


def test_an_output_that_is_a_device_is_written_into_or_refused(
    chdir_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_landscape(chdir_tmp)
    _device(chdir_tmp / "null", stat.S_IFCHR, 1, 3)  # as /dev/null
    _device(chdir_tmp / "full", stat.S_IFCHR, 1, 7)  # as /dev/full: every write fails
    _device(chdir_tmp / "disk", stat.S_IFBLK, 7, 250)  # a loop device: never opened
    assert main(["schema", "-o", "null"]) == 0
    assert main(["export", "-o", "full"]) == 2
    assert "torchscape: error: cannot write full: no space left on device" in capsys.readouterr().err
    assert main(["export", "-o", "disk"]) == 2
    assert "--output disk is a block device: give the name of a file to write" in capsys.readouterr().err
    for name, kind in (("null", stat.S_ISCHR), ("full", stat.S_ISCHR), ("disk", stat.S_ISBLK)):
        assert kind((chdir_tmp / name).stat().st_mode), name
    assert not [p.name for p in chdir_tmp.iterdir() if p.name.endswith(".tmp")]


def test_paths_in_success_lines_have_their_control_characters_escaped(
    chdir_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Errors escaped them already; what a command said when it succeeded did not."""
    write_landscape(chdir_tmp)
    assert main(["schema", "-o", "s\x1b[31m.json"]) == 0
    assert capsys.readouterr().err == "wrote the data schema to s\\x1b[31m.json\n"
    assert main(["new", "a b\x07"]) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "created an example landscape in a b\\x07 (10 files)",
        "next: cd 'a b\\x07' && torchscape serve",
    ]
    assert main(["new", "--", "-dash"]) == 0  # `cd -dash` takes it for an option
    assert capsys.readouterr().out.splitlines()[-1] == "next: cd ./-dash && torchscape serve"


@pytest.mark.parametrize(
    "argv", [["schema", "-o", "x" * 300], ["export", "-o", "x" * 300], ["diff", "x" * 300, "HEAD"]]
)
def test_a_name_too_long_is_a_usage_error(
    chdir_tmp: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """An output (or a file to compare) named past the system's limit ended with exit 1, as
    the system's own refusals do, where the README promises 2 for a name given."""
    write_landscape(chdir_tmp)
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("torchscape: error: ")


def test_an_output_to_a_reader_that_stops_early_ends_quietly(fixture_dir: Path, tmp_path: Path) -> None:
    """`poster -o /dev/stdout | head` said "cannot write /dev/stdout: broken pipe" (exit 2);
    like `validate | head`, it now ends with exit 1 and says nothing."""
    argv = ["poster", "--data-file", str(fixture_dir / "landscape.yml"), "--format", "svg"]
    argv += ["-o", "/dev/stdout", "--cache-dir", str(tmp_path / "cache")]
    with subprocess.Popen(
        [sys.executable, "-m", "torchscape.cli", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.read(10) == b"<?xml vers"
        proc.stdout.close()  # the reader has had enough
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == 1, err
    assert err == "", err
