"""`torchscape serve` (static server, live reload, rebuild on change) and `torchscape new`."""

from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

import torchscape
from git_helpers import GitRepo, needs_git
from helpers import catalog, dump, item
from torchscape.cli import build_parser, main
from torchscape.paths import resolve_sources
from torchscape.serve import ReloadState, make_server, watch_and_rebuild
from torchscape.site.build import BuildRequest, build_site
from torchscape.site.logos import LogoProcessor


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, ReloadState, Path]]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>home</h1>", encoding="utf-8")
    (site / "404.html").write_text("<h1>Page not found</h1>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (site / "link").symlink_to(tmp_path / "secret.txt")
    state = ReloadState()
    server = make_server(site, "127.0.0.1", 0, state)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], state, site
    server.shutdown()
    server.server_close()


def test_serves_files_and_its_404(served: tuple[int, ReloadState, Path]) -> None:
    port, _, _ = served
    assert _get(port, "/") == (200, b"<h1>home</h1>")
    assert _get(port, "/missing/") == (404, b"<h1>Page not found</h1>")


def test_a_dropped_request_is_not_reported_as_an_error(
    served: tuple[int, ReloadState, Path], capfd: pytest.CaptureFixture[str]
) -> None:
    port, _, site = served
    (site / "big.bin").write_bytes(b"x" * 20_000_000)
    for _ in range(3):  # the browser leaves the page while a big file is on its way
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            client.recv(1024)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset
    time.sleep(0.5)
    assert _get(port, "/") == (200, b"<h1>home</h1>")  # still serving
    assert "Exception occurred" not in capfd.readouterr().err


@pytest.mark.parametrize(
    "path",
    ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/link", "//etc/passwd", "/index.html%00"],
)
def test_never_reads_outside_its_folder(served: tuple[int, ReloadState, Path], path: str) -> None:
    status, body = _get(served[0], path)
    assert status == 404 and b"secret" not in body


def test_lists_no_folder_and_serves_no_dot_file(served: tuple[int, ReloadState, Path]) -> None:
    port, _, site = served
    (site / "static").mkdir()
    (site / "static" / "site.css").write_text("body{}", encoding="utf-8")
    (site / ".torchscape-site").write_text("{}", encoding="utf-8")
    (site / "docs").mkdir()
    (site / "docs" / "index.html").write_text("<h1>docs</h1>", encoding="utf-8")
    assert _get(port, "/static/site.css") == (200, b"body{}")
    assert _get(port, "/static/") == (404, b"<h1>Page not found</h1>")  # was a listing
    assert _get(port, "/.torchscape-site")[0] == 404
    assert _get(port, "/docs/") == (200, b"<h1>docs</h1>")


def test_live_reload_long_poll(served: tuple[int, ReloadState, Path]) -> None:
    port, state, _ = served
    assert json.loads(_get(port, "/__torchscape/reload?version=")[1]) == {"version": 0}
    threading.Timer(0.3, state.bump).start()
    started = time.monotonic()
    assert json.loads(_get(port, "/__torchscape/reload?version=0")[1]) == {"version": 1}
    assert time.monotonic() - started < 10  # woke on the bump, not at the poll timeout


def test_port_in_use_is_a_clear_error(served: tuple[int, ReloadState, Path], tmp_path: Path) -> None:
    with pytest.raises(torchscape.UsageError, match=r"cannot listen on 127\.0\.0\.1"):
        make_server(tmp_path, "127.0.0.1", served[0], None)


def test_rebuilds_and_bumps_on_change(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item())), encoding="utf-8")
    request = BuildRequest(
        resolve_sources(str(data), None, None, None),
        tmp_path / "site",
        tmp_path / "cache",
        dev=True,
    )
    build_site(request)
    assert "reload." in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    state, stop = ReloadState(), threading.Event()
    watch_and_rebuild([data], lambda: build_site(request), state, stop)
    try:
        time.sleep(0.5)
        data.write_text(dump(catalog(item(), item("Beta"))), encoding="utf-8")
        deadline = time.monotonic() + 20
        while state.version == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert state.version >= 1
        assert (tmp_path / "site" / "projects" / "beta" / "index.html").is_file()
    finally:
        stop.set()


def test_watching_survives_a_file_renamed_away_and_back_and_a_link_to_the_root(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item())), encoding="utf-8")
    logos = tmp_path / "logos"
    logos.mkdir()
    (logos / "alpha.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>',
        encoding="utf-8",
    )
    (logos / "rootlink").symlink_to("/")  # the watcher walked the whole disk and died on /proc
    request = BuildRequest(
        resolve_sources(str(data), None, None, str(logos)), tmp_path / "site", None, dev=True
    )
    build_site(request)
    state, stop = ReloadState(), threading.Event()
    watch_and_rebuild([data, logos], lambda: build_site(request), state, stop)

    def settles_on(version: int) -> None:
        deadline = time.monotonic() + 20
        while state.version < version and time.monotonic() < deadline:
            time.sleep(0.1)
        assert state.version >= version

    try:
        time.sleep(0.5)
        # An editor saving by rename, or a checkout: the file is gone for a moment. The rebuild
        # that sees it gone fails (said in a line); the watching goes on.
        data.rename(tmp_path / "landscape.bak")
        time.sleep(0.8)
        (tmp_path / "landscape.bak").rename(data)
        time.sleep(0.8)
        version = state.version
        data.write_text(dump(catalog(item(), item("Beta"))), encoding="utf-8")
        settles_on(version + 1)
        assert (tmp_path / "site" / "projects" / "beta" / "index.html").is_file()
        (logos / "beta").mkdir()  # a new logo folder is watched too
        time.sleep(0.8)
        version = state.version
        (logos / "beta" / "b.svg").write_text((logos / "alpha.svg").read_text(), encoding="utf-8")
        settles_on(version + 1)
    finally:
        stop.set()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception in thread" not in err
    assert "rebuild failed: " in err and "still serving the last good build" in err


def test_new_creates_a_landscape_that_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "my-landscape"
    assert main(["new", str(folder)]) == 0
    assert main(["validate", "--strict", "--data-file", str(folder / "landscape.yml")]) == 0
    assert (
        main(
            [
                "build",
                "--data-file",
                str(folder / "landscape.yml"),
                "--output-dir",
                str(tmp_path / "out"),
                "--cache-dir",
                str(tmp_path / "c"),
            ]
        )
        == 0
    )
    assert (tmp_path / "out" / "projects" / "example-trainer" / "index.html").is_file()
    audit = ["audit", "--data-file", str(folder / "landscape.yml"), "--cache-dir", str(tmp_path / "c")]
    assert main([*audit, "--fail-on", "warning"]) == 0  # the example is clean
    assert "created an example landscape" in capsys.readouterr().out


def test_new_refuses_a_non_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x").write_text("x", encoding="utf-8")
    assert main(["new", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err


def test_new_on_a_file_says_it_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It said the file "already exists and is not empty", as of a folder with files in it."""
    target = tmp_path / "some" / "file.yml"
    target.parent.mkdir()
    target.write_text("keep me", encoding="utf-8")
    assert main(["new", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"{target} is a file, not a folder; choose a new folder for the example" in err
    assert "not empty" not in err and len(err.splitlines()) == 1
    assert target.read_text(encoding="utf-8") == "keep me"


def test_new_settings_point_to_the_settings_reference(tmp_path: Path) -> None:
    """The comment sent readers to docs/fields.md, which documents the data file's fields."""
    assert main(["new", str(tmp_path / "l")]) == 0
    first = (tmp_path / "l" / "settings.yml").read_text(encoding="utf-8").splitlines()[0]
    pointers = re.findall(r"docs/[\w.-]+\.md", first)
    assert pointers == ["docs/settings.md"]
    assert "## " in (Path(__file__).resolve().parents[1] / pointers[0]).read_text(encoding="utf-8")


@needs_git
def test_new_ignores_what_the_commands_write_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a .gitignore, `git add -A` after a build or a poster committed `site/` and `poster.svg`."""
    folder = tmp_path / "land"
    assert main(["new", str(folder)]) == 0
    repo = GitRepo(folder, monkeypatch)
    monkeypatch.chdir(folder)
    cache = ["--cache-dir", str(tmp_path / "c")]
    assert main(["build", *cache]) == 0  # into ./site, the default
    assert main(["poster", *cache]) == 0  # ./poster.svg
    (folder / "observed.jsonl").write_text("", encoding="utf-8")  # the workflow keeps it in git
    capsys.readouterr()
    assert (folder / "site" / "index.html").is_file() and (folder / "poster.svg").is_file()
    repo.run("add", "-A")
    staged = repo.run("diff", "--cached", "--name-only").splitlines()
    assert [name for name in staged if name.startswith(("site/", "poster."))] == []
    assert {".gitignore", "landscape.yml", "observed.jsonl", "logos/example-trainer.svg"} <= set(staged)
    # The other formats of the poster, and a staging folder a killed build left beside the site.
    others = ["poster.png", "poster.pdf", ".site.building-x1y2/index.html"]
    assert repo.run("check-ignore", *others).splitlines() == others


def torchscape_command_lines(script: str) -> list[list[str]]:
    """Every `torchscape ...` command of a shell script, as argument lists (up to a shell operator)."""
    found = []
    for line in script.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens = list(lexer)
        for start, token in enumerate(tokens):
            command_start = start == 0 or set(tokens[start - 1]) <= set("|&;(")
            if token == "torchscape" and command_start:
                rest = tokens[start + 1 :]
                stop = next((n for n, t in enumerate(rest) if set(t) <= set("<>|&;()")), len(rest))
                found.append(rest[:stop])
    return found


def test_new_workflows_are_valid_and_use_only_real_commands(tmp_path: Path) -> None:
    main(["new", str(tmp_path / "l")])
    folder = tmp_path / "l" / ".github" / "workflows"
    workflows = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in folder.glob("*.yml")}
    assert set(workflows) == {"validate.yml", "deploy.yml"}
    commands: list[list[str]] = []
    for workflow in workflows.values():
        assert set(workflow) >= {"name", "jobs"} and True in workflow  # `on:` reads as True in YAML 1.1
        steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
        for step in steps:
            assert set(step) & {"run", "uses"}, step
            commands += torchscape_command_lines(step.get("run", ""))
    used = {args[0] for args in commands}
    assert used == {"validate", "audit", "refresh", "build", "history"}
    for args in commands:
        build_parser().parse_args(args)  # the command and its flags exist (exits on an unknown one)
    assert ["audit", "--format", "markdown"] in commands
    assert set(workflows["validate.yml"][True]) == {"pull_request"}
    deploy = workflows["deploy.yml"]
    assert deploy[True]["schedule"][0]["cron"]
    uses = {step.get("uses", "").split("@")[0] for job in deploy["jobs"].values() for step in job["steps"]}
    assert {"actions/upload-pages-artifact", "actions/deploy-pages"} <= uses
    assert deploy["permissions"]["pages"] == "write" and deploy["permissions"]["id-token"] == "write"
    # The logo cache kept between runs is where the build puts it: the --cache-dir's logos/.
    build = deploy["jobs"]["build"]
    steps = build["steps"]
    cached = next(step for step in steps if step.get("uses", "").startswith("actions/cache@"))
    first_use = next(n for n, step in enumerate(steps) if "$CACHE" in step.get("run", ""))
    sets = [n for n, step in enumerate(steps) if "GITHUB_ENV" in step.get("run", "")]
    assert len(sets) == 1 and sets[0] < first_use
    setting = re.fullmatch(r'echo "CACHE=\$RUNNER_TEMP(/\S+)" >> "\$GITHUB_ENV"', steps[sets[0]]["run"])
    assert setting is not None
    # (the runner's RUNNER_TEMP is the `runner.temp` of expressions)
    assert cached["with"]["path"] == "${{ runner.temp }}" + f"{setting[1]}/logos"
    assert LogoProcessor(tmp_path / "c")._cache == tmp_path / "c" / "logos"
    assert ["build", "--cache-dir", "$CACHE", "--output-dir", "site"] in commands


#: The contexts GitHub Actions allows in the workflow keys read before a job's runner exists
#: (GitHub's "Contexts" reference, "Context availability"); `runner`, `env`, `steps` and `job`
#: are not among them, and a workflow using them there is refused as a whole.
EARLY_CONTEXTS = {
    ("env",): {"github", "secrets", "inputs", "vars"},
    ("concurrency",): {"github", "inputs", "vars"},
    ("jobs", "*", "env"): {"github", "needs", "strategy", "matrix", "vars", "secrets", "inputs"},
    ("jobs", "*", "runs-on"): {"github", "needs", "strategy", "matrix", "vars", "inputs"},
    ("jobs", "*", "concurrency"): {"github", "needs", "strategy", "matrix", "vars", "inputs"},
}


def _texts(value: object) -> list[str]:
    if isinstance(value, dict):
        return [text for v in value.values() for text in _texts(v)]
    if isinstance(value, list):
        return [text for v in value for text in _texts(v)]
    return [value] if isinstance(value, str) else []


def misplaced_contexts(workflow: dict[object, object]) -> list[str]:
    """`where: context` for each context an expression uses where GitHub does not allow it."""
    found = []
    for path, allowed in EARLY_CONTEXTS.items():
        places: list[tuple[str, object]] = [("", workflow)]
        for key in path:
            places = [
                (f"{where}.{k}".lstrip("."), v)
                for where, parent in places
                if isinstance(parent, dict)
                for k, v in parent.items()
                if key in ("*", k)
            ]
        for where, value in places:
            for text in _texts(value):
                for expression in re.findall(r"\$\{\{(.*?)\}\}", text, re.DOTALL):
                    bare = re.sub(r"'(?:[^']|'')*'", "''", expression)  # string literals aside
                    names = re.findall(r"(?<![\w.-])([A-Za-z_][\w-]*)\s*(?=[.\[])", bare)
                    found += [f"{where}: {name}" for name in names if name not in allowed]
    return found


def test_the_context_checker_catches_a_runner_context_in_a_job_env() -> None:
    workflow = {
        "env": {"A": "${{ github.sha }}", "B": "${{ format('{0}', runner.os) }}"},
        "jobs": {"j": {"env": {"X": "${{ runner.temp }}/x", "Y": "${{ hashFiles('a.b') }}"}, "runs-on": "x"}},
    }
    assert misplaced_contexts(workflow) == ["env: runner", "jobs.j.env: runner"]


def test_new_workflows_use_contexts_only_where_github_allows_them(tmp_path: Path) -> None:
    """deploy.yml set `CACHE: ${{ runner.temp }}/torchscape` in its job's `env:`, where the
    `runner` context is not available: GitHub refused the whole workflow."""
    assert main(["new", str(tmp_path / "l")]) == 0
    for path in sorted((tmp_path / "l" / ".github" / "workflows").glob("*.yml")):
        assert misplaced_contexts(yaml.safe_load(path.read_text(encoding="utf-8"))) == [], path.name


def test_new_deploy_workflow_fetches_the_whole_history(tmp_path: Path) -> None:
    """The feed lists the catalog's changes from the git history; actions/checkout fetches only
    the newest commit unless told otherwise."""
    assert main(["new", str(tmp_path / "l")]) == 0
    text = (tmp_path / "l" / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8")
    steps = yaml.safe_load(text)["jobs"]["build"]["steps"]
    checkout = [step for step in steps if step.get("uses", "").startswith("actions/checkout@")]
    assert len(checkout) == 1 and checkout[0]["with"]["fetch-depth"] == 0
    assert "fetch-depth: 0" in text and "history" in text.split("fetch-depth: 0")[0].rsplit("- uses:", 1)[1]


@pytest.mark.parametrize("version", ["%C2%B2", "9" * 5000, "-1", "1e3"])
def test_an_odd_reload_version_is_answered_not_dropped(
    served: tuple[int, ReloadState, Path], version: str
) -> None:
    """ "²" passed `str.isdigit` and 5,000 digits passed too: `int` then raised in the handler,
    which dropped the connection with a traceback on the terminal."""
    port, _, _ = served
    status, body = _get(port, f"/__torchscape/reload?version={version}")
    assert (status, json.loads(body)) == (200, {"version": 0})


def test_a_port_in_use_or_an_unknown_host_says_which_flag_to_change(
    served: tuple[int, ReloadState, Path], tmp_path: Path
) -> None:
    with pytest.raises(
        torchscape.UsageError, match=r"cannot listen on 127\.0\.0\.1:\d+: .*; try another --port"
    ):
        make_server(tmp_path, "127.0.0.1", served[0], None)
    with pytest.raises(
        torchscape.UsageError, match=r"cannot listen on 999\.1\.1\.1:0: .*; check --host and --port"
    ):
        make_server(tmp_path, "999.1.1.1", 0, None)


@pytest.mark.parametrize("port", ["99999", "-1", "eighty"])
def test_a_port_out_of_range_is_a_usage_error(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    """It was a traceback ending in `OverflowError: bind(): port must be 0-65535`."""
    with pytest.raises(SystemExit) as raised:
        main(["serve", "--port", port])
    assert raised.value.code == 2
    assert f"argument --port: '{port}' is not a port number (0 to 65535)" in capsys.readouterr().err


@contextmanager
def serving_process(
    tmp_path: Path, data: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`torchscape serve` of the data file `data` in its own process, once it has announced its
    address (the site is built then): the process, and what it printed until then."""
    land = tmp_path / "land"
    land.mkdir()
    (land / "landscape.yml").write_text(data, encoding="utf-8")
    argv = [
        "serve",
        "--data-file",
        str(land / "landscape.yml"),
        "--port",
        "0",
        "--cache-dir",
        str(tmp_path / "c"),
    ]
    with subprocess.Popen(
        [sys.executable, "-m", "torchscape.cli", *argv], stdout=subprocess.PIPE, text=True, env=env
    ) as proc:
        assert proc.stdout is not None
        said = []
        for line in proc.stdout:
            said.append(line)
            if "at http://127.0.0.1:" in line:
                break
        yield proc, "".join(said)


def test_serve_ended_by_sigterm_removes_its_temporary_site(tmp_path: Path) -> None:
    """Ctrl-C removed it; SIGTERM (`timeout`, a closed terminal's job control) left it behind."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary)}
    with serving_process(tmp_path, dump(catalog(item())), env) as (proc, _):
        assert [p.name[:17] for p in temporary.iterdir()] == ["torchscape-serve-"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    assert list(temporary.iterdir()) == []


def test_only_loopback_addresses_are_served_without_a_note() -> None:
    from torchscape.serve import _loopback

    assert [_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "fe80::1%lo")] == [
        True,
        True,
        True,
        False,
    ]
    assert [_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.2", "example")] == [False] * 4


def test_a_connection_that_stays_silent_is_closed(tmp_path: Path) -> None:
    """A client that opened a connection and never finished its request held a thread for
    ever (200 of them were all still open after two minutes)."""
    (tmp_path / "index.html").write_text("<h1>home</h1>", encoding="utf-8")
    server = make_server(tmp_path, "127.0.0.1", 0, ReloadState(), idle=0.5)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(server.server_address[:2], timeout=10) as idle:
            idle.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and nothing more
            started = time.monotonic()
            assert idle.recv(1024) == b""  # closed by the server
            assert time.monotonic() - started < 5
        assert _get(server.server_address[1], "/")[0] == 200  # the others are still served
    finally:
        server.shutdown()
        server.server_close()


def test_the_server_names_itself_without_a_version_or_a_trailing_space(
    served: tuple[int, ReloadState, Path],
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", served[0], timeout=30)
    connection.request("GET", "/")
    response = connection.getresponse()
    assert response.getheader("Server") == "torchscape"
    assert response.getheader("X-Content-Type-Options") == "nosniff"


def test_serve_says_what_build_says_about_the_catalog(tmp_path: Path) -> None:
    """serve printed only the build's summary line: not the warnings that did not stop it, nor
    the items shown with a monogram, which `build` prints."""
    with serving_process(tmp_path, dump(catalog(item(colour="red")))) as (proc, text):
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert "note: the catalog has 0 error(s) and 1 warning(s) that do not stop a build" in text
    assert "item(s) show a monogram instead of their logo" in text
