"""`torchscape refresh` end to end: real fake servers on 127.0.0.1, the real cache, then `build`."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fake_index import FakeIndex, Fault, core_metadata, release
from helpers import catalog, dump, item
from torchscape.cli import main
from torchscape.sources.cache import Cache


@pytest.fixture
def landscape_file(tmp_path: Path) -> Path:
    path = tmp_path / "landscape.yml"
    items = [
        item("Alpha", repo_url="https://github.com/org/alpha", extra={"annotations": {"pypi": "alpha-pkg"}}),
        item(
            "Beta",
            repo_url="https://github.com/org/beta",
            extra={"annotations": {"pypi": "Beta_Pkg, missing-pkg"}},
        ),
    ]
    path.write_text(dump(catalog(*items)), encoding="utf-8")
    return path


def refresh_args(data: Path, cache: Path, *extra: str) -> list[str]:
    """`torchscape refresh` on `data` with `cache`, plus any other flags."""
    return ["refresh", "--data-file", str(data), "--cache-dir", str(cache), *extra]


def fake_index() -> FakeIndex:
    index = FakeIndex()
    meta = core_metadata("alpha-pkg", "1.2.0", requires_dist=["torch>=2.1", "numpy"], requires_python=">=3.9")
    index.add(
        "alpha-pkg",
        release("alpha-pkg", "1.0.0", 1) + release("alpha-pkg", "1.2.0", 5),
        metadata=meta,
        json_api=True,
    )
    index.add(
        "beta-pkg", release("beta-pkg", "0.3", 2), metadata=core_metadata("beta-pkg", "0.3"), pep658=True
    )
    return index


def test_refresh_packages_then_build(
    landscape_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_TOKENS", raising=False)
    cache = tmp_path / "cache"
    with fake_index() as index:
        code = main(refresh_args(landscape_file, cache, "--index-url", index.url))
        out = capsys.readouterr()
        assert code == 0, out
        assert "github: skipped: no GitHub token: set GITHUB_TOKEN" in out.out
        assert "packages: 2 fetched, 0 unchanged (fresher than --max-age), 1 failed (1 not-found" in out.out
        assert f"package index: {index.url} (from --index-url)" in out.err
        assert index.downloads() == []
        # A second run inside --max-age asks for nothing new except what failed before.
        before = index.count()
        assert main(refresh_args(landscape_file, cache, "--index-url", index.url, "--only", "packages")) == 0
        assert "2 unchanged" in capsys.readouterr().out
        assert index.count() - before == 1  # only the missing package again
    with Cache.open(cache) as db:
        alpha = db.facts("packages")["alpha-pkg"].data
    assert alpha["latest_version"] == "1.2.0" and alpha["torch_requirement"] == ">=2.1"
    out_dir = tmp_path / "site"
    assert (
        main(
            [
                "build",
                "--data-file",
                str(landscape_file),
                "--output-dir",
                str(out_dir),
                "--cache-dir",
                str(cache),
            ]
        )
        == 0
    )
    page = (out_dir / "projects" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert "<code>&gt;=2.1</code>" in page and "alpha-pkg</a> 1.2.0" in page


def test_failed_refresh_keeps_the_last_good_value(
    landscape_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    with fake_index() as index:
        main(refresh_args(landscape_file, cache, "--only", "packages", "--index-url", index.url))
        for _ in range(8):
            index.inject("/simple/alpha-pkg/", Fault(status=500))
        main(
            refresh_args(
                landscape_file, cache, "--only", "packages", "--max-age", "0", "--index-url", index.url
            )
        )
    last = capsys.readouterr().out.strip().splitlines()[-2]
    assert last.startswith("packages: 1 fetched, 0 unchanged") and "2 failed" in last, last
    with Cache.open(cache) as db:
        assert db.facts("packages")["alpha-pkg"].data["latest_version"] == "1.2.0"
        assert {f.key for f in db.failures("packages")} >= {"alpha-pkg", "missing-pkg"}


def test_max_age_must_be_a_duration(landscape_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["refresh", "--data-file", str(landscape_file), "--max-age", "soon"]) == 2
    assert "--max-age 'soon' is not a duration" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("env", "extra", "said"),
    [
        (
            {"GITHUB_TOKEN": "tok", "GITHUB_GRAPHQL_URL": "not a url"},
            ("--only", "github"),
            "must be an https URL",
        ),
        ({"GITHUB_TOKEN": "tok en"}, ("--only", "github"), "token 1 of 1 has characters a token cannot have"),
        ({}, ("--only", "packages", "--index-url", "ftp://127.0.0.1/simple/"), "is not an http(s) URL"),
        ({}, ("--only", "packages", "--index-url", "http://[::1/simple/"), "is not a URL (Invalid IPv6 URL)"),
        (
            {"PIP_INDEX_URL": "127.0.0.1/simple/"},
            ("--only", "packages"),
            "from PIP_INDEX_URL is not an http(s) URL",
        ),
    ],
)
def test_a_source_address_or_token_that_cannot_be_one_is_a_usage_error(
    landscape_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    extra: tuple[str, ...],
    said: str,
) -> None:
    """One line and exit 2 before anything is fetched: not a traceback, nor a failure per item."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(refresh_args(landscape_file, tmp_path / "cache", *extra)) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_what_servers_say_reaches_the_terminal_escaped(
    landscape_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A GitHub error message quoted in the summary could set the terminal's title, clear it or
    reverse the text after it: it is shown with those characters escaped."""
    import json

    from fake_github import FakeGitHub
    from fake_github import Fault as GitHubFault

    said = "\x1b]0;pwned\x07\x1b[2Jboom \u202eevil"
    body = json.dumps({"data": None, "errors": [{"message": said}]}).encode()
    with FakeGitHub([], tokens=["tok"]) as github:
        github.faults.append(GitHubFault(body=body, times=None))
        monkeypatch.setenv("GITHUB_TOKEN", "tok")
        monkeypatch.setenv("GITHUB_GRAPHQL_URL", github.url)
        main(refresh_args(landscape_file, tmp_path / "cache", "--only", "github"))
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("github:"))
    assert "boom" in line and "\\x1b]0;pwned\\x07\\x1b[2J" in line and "\\u202eevil" in line
    assert "\x1b" not in out and "\u202e" not in out


def test_refresh_github_then_build(
    landscape_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from fake_github import FakeGitHub, days_ago, repo

    secret = "ghp_notarealtoken1234567890"
    repos = [
        repo("org/alpha", stars=4200, commits=[days_ago(3)], releases=[("v1.2.0", days_ago(10))]),
        repo("new-org/beta", archived=True),
    ]
    cache = tmp_path / "cache"
    with FakeGitHub(repos, tokens=[secret]) as github:
        github.rename("org/beta", "new-org/beta")
        monkeypatch.setenv("GITHUB_TOKEN", secret)
        monkeypatch.setenv("GITHUB_GRAPHQL_URL", github.url)
        code = main(refresh_args(landscape_file, cache, "--only", "github"))
        out = capsys.readouterr()
        assert code == 0, out
        assert "github: 2 fetched, 0 unchanged (fresher than --max-age), 0 failed; 1 requests" in out.out
        assert all(r.headers.get("authorization") == f"bearer {secret}" for r in github.requests)
        assert secret not in out.out + out.err
    site = tmp_path / "site"
    assert (
        main(
            [
                "build",
                "--data-file",
                str(landscape_file),
                "--output-dir",
                str(site),
                "--cache-dir",
                str(cache),
            ]
        )
        == 0
    )
    alpha = (site / "projects" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert "4,200" in alpha and "v1.2.0" in alpha and 'tag-active">Active' in alpha
    beta = (site / "projects" / "beta" / "index.html").read_text(encoding="utf-8")
    assert "Archived upstream" in beta and "new-org/beta" in beta
    for path in [*site.rglob("*"), *cache.rglob("*")]:
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_ctrl_c_ends_a_refresh_at_once_while_the_index_keeps_a_request_waiting(
    landscape_file: Path, tmp_path: Path
) -> None:
    """The package requests run in daemon threads: Ctrl-C ends the command without waiting for a
    server that sends an answer a byte at a time (a pool's threads are waited for at exit)."""
    with fake_index() as index:
        slow = Fault(body=b"{" + b" " * 10_000 + b"}", drip=0.5)
        for name in ("alpha-pkg", "beta-pkg", "missing-pkg"):
            index.inject(f"/simple/{name}/", slow, slow, slow, slow)
        args = refresh_args(
            landscape_file, tmp_path / "cache", "--only", "packages", "--index-url", index.url
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "torchscape.cli", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # as a terminal starts it: a shell starts background jobs with SIGINT ignored, and a
            # child keeps that (Python then installs no KeyboardInterrupt handler)
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        deadline = time.monotonic() + 30
        while not index.log and time.monotonic() < deadline:  # the requests have started
            time.sleep(0.05)
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        try:
            _, err = process.communicate(timeout=10)
        finally:
            process.kill()
    assert process.returncode == 130 and "interrupted" in err and "Traceback" not in err, err
