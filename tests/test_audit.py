"""`torchscape audit` offline: observed data from a real refresh against fake GitHub and a fake
package index, logos, duplicates, the report formats, --fail-on, --now, and the real fixture."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fake_index import FakeIndex, core_metadata, release
from helpers import catalog, dump, item
from torchscape.audit.report import md_escape
from torchscape.cli import main

TODAY = dt.datetime.now(dt.UTC).date().isoformat()
SETTINGS = "foundation: T\nurl: https://t.example\ntorchscape:\n  statuses:\n    ecosystem: {label: Ecosystem}\n    archived: {label: Retired, retired: true}\n"


def audit_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["audit", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def codes_by_item(report: dict[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["item"] or finding["name"], set()).add(finding["code"])
    return found


def github_item(name: str, repo: str, **fields: object) -> dict[str, object]:
    return item(
        name, repo_url=f"https://github.com/{repo}", description=f"{name} library for tensors", **fields
    )


@pytest.fixture
def observed_landscape(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, Path]:
    """A catalog refreshed from fake GitHub and a fake index: (data file, cache folder)."""
    from fake_github import FakeGitHub, days_ago, repo

    items = [
        github_item("Healthy", "org/healthy", extra={"annotations": {"pypi": "healthy-pkg, ghost-pkg"}}),
        github_item("Renamed", "org/old-name"),
        github_item("Gone", "org/gone"),
        github_item("Frozen", "org/frozen"),
        github_item("Sleepy", "org/sleepy"),
        github_item("Retiree", "org/retiree", project="archived"),
        github_item("Quiet", "org/quiet"),
        github_item("Forked", "org/forked", extra={"annotations": {"pypi": "forked-pkg"}}),
        item(
            "Drifted",
            repo_url="https://github.com/org/drifted",
            description="A charting toolkit for spreadsheets and dashboards.",
        ),
    ]
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(*items)), encoding="utf-8")
    (tmp_path / "settings.yml").write_text(SETTINGS, encoding="utf-8")
    repos = [
        repo("org/healthy", commits=[days_ago(2)]),
        repo("org/new-name", commits=[days_ago(2)]),
        repo("org/frozen", archived=True, commits=[days_ago(900)]),
        repo("org/sleepy", commits=[days_ago(500)], releases=[("v0.1", days_ago(600))]),
        repo("org/retiree", commits=[days_ago(10)]),
        repo("org/quiet", commits=[], releases=[("v1.0", days_ago(800))]),
        repo("org/forked", commits=[days_ago(3)]),
        repo(
            "org/drifted",
            description="Differentiable physics simulation engine for robotics research with GPU kernels",
        ),
    ]
    index = FakeIndex()
    index.add(
        "healthy-pkg",
        release("healthy-pkg", "1.0"),
        metadata=core_metadata("healthy-pkg", "1.0"),
        pep658=True,
    )
    other = [("Source", "https://github.com/someone/else")]
    meta = core_metadata("forked-pkg", "2.0", project_urls=other)
    index.add("forked-pkg", release("forked-pkg", "2.0"), metadata=meta, pep658=True)
    cache = tmp_path / "cache"
    with FakeGitHub(repos) as github, index:
        github.rename("org/old-name", "org/new-name")
        monkeypatch.setenv("GITHUB_TOKEN", "test-token")
        monkeypatch.setenv("GITHUB_GRAPHQL_URL", github.url)
        code = main(
            ["refresh", "--data-file", str(data), "--cache-dir", str(cache), "--index-url", index.url]
        )
    assert code == 0, capsys.readouterr()
    return data, cache


def test_findings_from_observed_data(
    observed_landscape: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    data, cache = observed_landscape
    capsys.readouterr()
    code, report = audit_json(capsys, "--data-file", str(data), "--cache-dir", str(cache), "--now", TODAY)
    assert code == 1  # errors: a repository gone, one archived upstream, a package not on the index
    found = codes_by_item(report)
    assert found.pop("healthy") == {"package-not-found"}
    assert found.pop("renamed") == {"repo-renamed"}
    assert found.pop("gone") == {"repo-gone"}
    assert found.pop("frozen") == {"archived-upstream"}
    assert found.pop("sleepy") == {"dormant"}
    assert found.pop("retiree") == {"retired-but-active"}
    assert found.pop("forked") == {"package-other-repo"}
    assert found.pop("drifted") == {"description-outdated"}
    assert found == {}  # "quiet" released long ago but shows no commits: no dormancy verdict
    by_code = {f["code"]: f for f in report["findings"]}
    renamed = by_code["repo-renamed"]
    assert renamed["fix"] == {
        "field": "repo_url",
        "old": "https://github.com/org/old-name",
        "new": "https://github.com/org/new-name",
        "reason": "GitHub reports the repository as org/new-name",
    }
    assert renamed["evidence"]["GitHub name"] == "org/new-name" and renamed["severity"] == "warning"
    assert "GitHub has no repository org/gone" in by_code["repo-gone"]["evidence"]["GitHub"]
    assert by_code["package-not-found"]["evidence"]["package"] == "ghost-pkg"
    assert "someone/else" in by_code["package-other-repo"]["message"]
    assert by_code["retired-but-active"]["evidence"]["last commit"] <= TODAY
    assert report["summary"] == {"errors": 3, "warnings": 5, "by_code": report["summary"]["by_code"]}


def test_featured_items_labels_keep_archived_retired(
    observed_landscape: tuple[Path, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Labels that featured_items gives some statuses (CNCF's: graduated, incubating) are no
    status table: `archived` stays retired for the audit, as without settings."""
    data, cache = observed_landscape
    settings = tmp_path / "settings.yml"
    settings.write_text(
        "foundation: F\nurl: https://f.example\nfeatured_items:\n  - field: maturity\n"
        "    options:\n      - {value: graduated, label: Graduated}\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    args = [
        "--data-file",
        str(data),
        "--settings-file",
        str(settings),
        "--cache-dir",
        str(cache),
        "--now",
        TODAY,
    ]
    _, report = audit_json(capsys, *args)
    assert codes_by_item(report)["retiree"] == {"retired-but-active"}


def test_now_pins_the_verdicts(
    observed_landscape: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    data, cache = observed_landscape
    capsys.readouterr()
    later = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    _, report = audit_json(capsys, "--data-file", str(data), "--cache-dir", str(cache), "--now", later)
    found = codes_by_item(report)
    assert "retiree" not in found  # quiet for 400 days: retiring it was right
    assert found["healthy"] == {"package-not-found", "dormant"}
    assert report["now"] == later
    assert main(["audit", "--data-file", str(data), "--now", "next tuesday"]) == 2
    assert "--now 'next tuesday' is not a date" in capsys.readouterr().err


def test_fail_on_and_text_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item("Org", repo_url="https://github.com/just-an-org"))), encoding="utf-8")
    args = ["audit", "--data-file", str(data), "--cache-dir", str(tmp_path / "none")]
    assert main(args) == 0  # warnings only
    out = capsys.readouterr().out
    # the line of the field, not of the item (`- name: Org` is line 6): editors jump to it
    assert "landscape.yml:10: warning: Org › repo_url: repo_url points at a GitHub organisation" in out
    assert "    repo_url: https://github.com/just-an-org" in out
    assert "note: no observed data: run `torchscape refresh`" in out
    assert out.rstrip().endswith("audit: 0 error(s), 1 warning(s) (not-a-repository 1)")
    assert main([*args, "--fail-on", "warning"]) == 1


def test_logo_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    logos = tmp_path / "logos"
    logos.mkdir()
    (logos / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script/></svg>'
    )
    (logos / "huge.svg").write_text("<svg>" + " " * 300_000 + "</svg>")
    (logos / "spare.svg").write_text("<svg/>")
    (logos / "fine.svg").write_text("<svg/>")
    logo_names = {"Evil": "evil.svg", "Huge": "huge.svg", "Fine": "fine.svg", "Absent": "absent.svg"}
    items = [item(n, logo=f, homepage_url=f"https://{f}.example") for n, f in logo_names.items()]
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(*items)), encoding="utf-8")
    code, report = audit_json(capsys, "--data-file", str(data), "--cache-dir", str(tmp_path / "c"))
    assert code == 1
    found = {(f["code"], f["name"]): f for f in report["findings"]}
    assert set(found) == {
        ("logo-unsafe", "evil.svg"),
        ("logo-oversized", "huge.svg"),
        ("logo-unused", "spare.svg"),
        ("logo-missing", "Absent"),
    }
    unsafe = found[("logo-unsafe", "evil.svg")]
    assert "a <script> element" in unsafe["message"] and "an event handler attribute" in unsafe["message"]
    assert unsafe["evidence"] == {"file": "evil.svg", "used by": "evil"} and unsafe["item"] is None
    assert found[("logo-oversized", "huge.svg")]["message"].startswith("292 KiB")
    lines = data.read_text(encoding="utf-8").splitlines()
    missing = found[("logo-missing", "Absent")]["line"]  # the logo's own line, not the item's
    assert lines[missing - 1].strip() == "logo: absent.svg"


def test_duplicates_and_missing_descriptions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = [
        item("One", repo_url="https://github.com/org/same"),
        item("Two", repo_url="https://github.com/Org/Same/", description=...),
        item("Three", repo_url="https://huggingface.co/org/model", homepage_url="https://c.example"),
        item("Four", repo_url="https://huggingface.co/org/model/", homepage_url="https://d.example"),
        # landscapeapp's flag (CNCF's data still has it): the same repository on purpose
        item(
            "Five",
            repo_url="https://github.com/org/same",
            homepage_url="https://e.example",
            allow_duplicate_repo="true",
        ),
    ]
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(*items)), encoding="utf-8")
    _, report = audit_json(capsys, "--data-file", str(data), "--cache-dir", str(tmp_path / "c"))
    assert codes_by_item(report) == {
        "two": {"duplicate-item", "description-missing"},
        "four": {"duplicate-item"},
    }
    duplicate = next(f for f in report["findings"] if f["code"] == "duplicate-item" and f["item"] == "two")
    assert duplicate["evidence"] == {"repository": "https://github.com/org/same", "also listed as": "one"}


def test_text_counts_the_rest_of_a_warning_kind_after_ten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [item(f"P{n:02}", description=..., homepage_url=f"https://p{n}.example") for n in range(13)]
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(*items)), encoding="utf-8")
    args = ["audit", "--data-file", str(data), "--cache-dir", str(tmp_path / "c")]
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert sum("[description-missing]" in line for line in out) == 10
    assert "... and 3 more description-missing warning(s) (`--all` lists them)" in out
    assert out[-1] == "audit: 0 error(s), 13 warning(s) (description-missing 13)"
    assert main([*args, "--all"]) == 0
    assert capsys.readouterr().out.count("[description-missing]") == 13


def test_markdown_is_escaped_and_grouped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = "Evil <img src=x onerror=alert(1)> @everyone | [x](javascript:alert(1)) #1"
    items = [item(hostile, description=..., repo_url="https://github.com/org")]
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(*items)), encoding="utf-8")
    assert (
        main(["audit", "--data-file", str(data), "--cache-dir", str(tmp_path / "c"), "--format", "markdown"])
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("### torchscape audit\n")
    assert "| severity | kind | findings |" in out and "| warning | `not-a-repository` | 1 |" in out
    assert (
        "<summary>Repositories (1)</summary>" in out
        and "<summary>Duplicates and descriptions (1)</summary>" in out
    )
    assert "<img" not in out and "@everyone" not in out and " #1" not in out
    assert "\\[x\\](javascript" in out  # shown as text, never a link
    assert md_escape(hostile) in out
    assert md_escape("a|b_c") == "a\\|b\\_c"


def test_markdown_fix_addresses_are_code_and_free_text_is_never_a_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GitHub links a bare address anywhere in a comment: one in an upstream description became a
    link in the report. The addresses of a fix are code spans: exact, copyable, never links."""
    from torchscape.sources.cache import Cache
    from torchscape.sources.facts import RepoFacts

    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item("Odd", repo_url="https://github.com/org/odd"))), encoding="utf-8")
    url = "https://github.com/org/odd"
    said = "Moved! Log in at https://evil.example/login or www.evil.example"
    facts = RepoFacts(
        requested=url, name_with_owner="neworg/odd", url="https://github.com/neworg/odd", description=said
    )
    with Cache.open(tmp_path / "c") as cache:
        cache.put("github", url, facts.to_json(), "2026-11-20T00:00:00Z")
    args = ["audit", "--data-file", str(data), "--cache-dir", str(tmp_path / "c"), "--format", "markdown"]
    assert main([*args, "--now", "2026-11-22"]) == 0
    out = capsys.readouterr().out
    assert "fix: `https://github.com/org/odd` → `https://github.com/neworg/odd`" in out
    free = out.replace("`https://github.com/org/odd`", "").replace("`https://github.com/neworg/odd`", "")
    assert "://" not in free.replace("\u200b://", "") and "www." not in free


def test_observed_must_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item())), encoding="utf-8")
    assert main(["audit", "--data-file", str(data), "--observed", str(tmp_path / "nope.jsonl")]) == 2
    assert "--observed" in capsys.readouterr().err
    (tmp_path / "bad.jsonl").write_text("not json\n")
    assert main(["audit", "--data-file", str(data), "--observed", str(tmp_path / "bad.jsonl")]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err


def test_blocking_catalog_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text("categories: [", encoding="utf-8")
    assert main(["audit", "--data-file", str(data)]) == 1
    assert "nothing audited" in capsys.readouterr().err


def test_real_fixture(fixture_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The upstream PyTorch landscape, judged against the bundled catalog's snapshot."""
    from torchscape.paths import bundled_dir

    snapshot = (bundled_dir() / "observed.jsonl").read_text(encoding="utf-8")
    as_of = max(json.loads(line)["fetched_at"] for line in snapshot.splitlines())[:10]
    args = ["--data-file", str(fixture_dir / "landscape.yml"), "--observed", "bundled", "--now", as_of]
    code, report = audit_json(capsys, *args, "--cache-dir", str(tmp_path / "empty"))
    assert code == 0, report["summary"]
    names: dict[str, set[str]] = {}
    for finding in report["findings"]:
        names.setdefault(finding["name"], set()).add(finding["code"])
    assert "retired-but-active" in names["Pyro"] and "retired-but-active" in names["docTR"]
    pyro = next(f for f in report["findings"] if f["name"] == "Pyro")
    assert pyro["evidence"]["packages matched by repository URL"] == "pyro-ppl"
    not_repos = {f["name"] for f in report["findings"] if f["code"] == "not-a-repository"}
    assert not_repos == {"OpenMMLab", "joeynmt", "MONAI", "Substra", "VISSL", "Speedster"}
    alarms = {"retired-but-active", "archived-upstream", "dormant"}
    for healthy in ("torchvision", "Opacus", "PyTorch Lightning", "MONAI", "Transformers"):
        assert not names.get(healthy, set()) & alarms, healthy
    assert report["summary"]["by_code"]["logo-unused"] == 58


FIX_YAML = """\
# Our catalog. Comments, order and quoting must survive --fix.
categories:
  - name: Cat
    subcategories:
      - name: Sub
        items:
          - name: Moved   # renamed upstream
            project: archived   # a curation decision: never touched
            homepage_url: "https://moved.example"
            repo_url: 'https://github.com/org/old-name'
            logo: alpha.svg
            description: Moved library for tensors
          - name: Stays
            homepage_url: https://stays.example
            logo: alpha.svg
            repo_url: https://github.com/org/stays
"""


def renamed_upstream(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """FIX_YAML in `folder`, and a cache refreshed from fake GitHub where `org/old-name` is now
    `org/new-name`: (data file, cache folder)."""
    from fake_github import FakeGitHub, days_ago, repo

    data = folder / "landscape.yml"
    data.write_text(FIX_YAML, encoding="utf-8")
    (folder / "settings.yml").write_text(SETTINGS, encoding="utf-8")
    cache = folder / "cache"
    repos = [repo("org/new-name", commits=[days_ago(400)]), repo("org/stays")]
    with FakeGitHub(repos) as github:
        github.rename("org/old-name", "org/new-name")
        monkeypatch.setenv("GITHUB_TOKEN", "test-token")
        monkeypatch.setenv("GITHUB_GRAPHQL_URL", github.url)
        assert main(["refresh", "--data-file", str(data), "--cache-dir", str(cache), "--only", "github"]) == 0
    return data, cache


def test_fix_rewrites_a_renamed_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data, cache = renamed_upstream(tmp_path, monkeypatch)
    capsys.readouterr()
    args = ["audit", "--data-file", str(data), "--cache-dir", str(cache), "--now", TODAY]
    assert main([*args, "--fix"]) == 0
    out = capsys.readouterr()
    assert "-            repo_url: 'https://github.com/org/old-name'" in out.out
    assert "+            repo_url: 'https://github.com/org/new-name'" in out.out
    assert "fix: applied 1 fix(es)" in out.err
    expected = FIX_YAML.replace("org/old-name", "org/new-name")
    assert data.read_text(encoding="utf-8") == expected  # only those bytes changed
    assert main([*args, "--fix"]) == 0  # nothing left to fix
    assert "fix: nothing to fix" in capsys.readouterr().err
    assert data.read_text(encoding="utf-8") == expected


def test_fix_edits_a_linked_data_file_where_it_lives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The link used to be replaced by a fixed copy, and the real file never changed."""
    real = tmp_path / "real"
    real.mkdir()
    data, cache = renamed_upstream(real, monkeypatch)
    (tmp_path / "linked").mkdir()
    link = tmp_path / "linked" / "landscape.yml"
    link.symlink_to(data)
    args = ["audit", "--data-file", str(link), "--settings-file", str(real / "settings.yml")]
    assert main([*args, "--cache-dir", str(cache), "--now", TODAY, "--fix"]) == 0
    assert "fix: applied 1 fix(es)" in capsys.readouterr().err
    assert link.is_symlink()
    assert data.read_text(encoding="utf-8") == FIX_YAML.replace("org/old-name", "org/new-name")
    assert sorted(p.name for p in real.iterdir()) == ["cache", "landscape.yml", "settings.yml"]


def test_fix_into_a_folder_that_cannot_be_written_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers import read_only

    data, cache = renamed_upstream(tmp_path, monkeypatch)
    argv = ["audit", "--data-file", str(data), "--cache-dir", str(cache), "--now", TODAY, "--fix"]
    with read_only(data.parent):
        proc = subprocess.run(
            [sys.executable, "-m", "torchscape.cli", *argv], capture_output=True, text=True, check=False
        )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines()[-1].startswith(f"torchscape: error: {data}: cannot write the file: ")
    assert proc.stderr.endswith("; nothing was written\n") and "Traceback" not in proc.stderr
    assert data.read_text(encoding="utf-8") == FIX_YAML


def test_fetched_text_cannot_drive_the_terminal() -> None:
    from torchscape.audit.findings import AuditCode, Finding
    from torchscape.audit.report import AuditReport, to_markdown, to_text

    hostile = "clean\x1b[2J\x1b]0;pwned\x07 text\r\nnext"
    finding = Finding(
        AuditCode.DESCRIPTION_OUTDATED, "x", "X\x1b[31m", "description", "m", (("repository", hostile),)
    )
    report = AuditReport("landscape.yml", 1, "2026-11-22", (finding,))
    for text in (to_text(report), to_markdown(report)):
        assert "\x1b" not in text and "\x07" not in text and "\r" not in text
    assert "repository: clean [2J ]0;pwned  text next" in to_text(report)


def test_fix_of_a_read_only_data_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The temporary file renamed over it replaced it anyway. The mode bits are what is judged:
    the tests run as root, whom the mode does not stop."""
    data, cache = renamed_upstream(tmp_path, monkeypatch)
    capsys.readouterr()
    data.chmod(0o444)
    try:
        code = main(["audit", "--data-file", str(data), "--cache-dir", str(cache), "--now", TODAY, "--fix"])
        err = capsys.readouterr().err
        assert code == 1
        assert err.splitlines()[-1] == f"torchscape: error: {data} is read-only; nothing was written"
        assert data.read_text(encoding="utf-8") == FIX_YAML
    finally:
        data.chmod(0o644)
