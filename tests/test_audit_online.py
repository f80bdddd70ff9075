"""`audit --online`: the link checker against fake web sites on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from pathlib import Path

import pytest

from fake_links import FakeSites
from helpers import catalog, dump, item
from torchscape.audit.findings import AuditCode, Finding
from torchscape.audit.links import LinkOptions, LinkTarget, check_links, link_findings
from torchscape.catalog.loader import check
from torchscape.cli import main


def audit_links(tmp_path: Path, links: dict[str, str], options: LinkOptions) -> list[Finding]:
    """Audit the homepages `links` (name -> URL) of a small catalog with the link checker."""
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(*(item(n, homepage_url=u) for n, u in links.items()))), encoding="utf-8")
    landscape = check(data, None, None, None).landscape
    assert landscape is not None
    targets = [LinkTarget(i, "homepage_url", i.homepage_url) for i in landscape]
    return list(link_findings(targets, check_links((t.url for t in targets), options)))


def by_name(findings: list[Finding]) -> dict[str, Finding]:
    return {f.name: f for f in findings}


def test_dead_links_are_errors_with_their_status(tmp_path: Path) -> None:
    with FakeSites() as sites:
        sites.add(sites.url("/gone"), status=410)
        sites.add(sites.url("/fine"), status=200)
        found = by_name(
            audit_links(
                tmp_path,
                {"Gone": sites.url("/gone"), "Missing": sites.url("/nothing"), "Fine": sites.url("/fine")},
                LinkOptions(),
            )
        )
    assert set(found) == {"Gone", "Missing"}
    assert found["Gone"].code is AuditCode.LINK_DEAD and found["Gone"].severity == "error"
    assert ("HTTP status", "410 (HEAD)") in found["Gone"].evidence
    assert ("HTTP status", "404 (GET)") in found["Missing"].evidence  # a 404 to HEAD is asked again with GET


def test_head_first_then_get_when_head_is_refused(tmp_path: Path) -> None:
    with FakeSites() as sites:
        sites.add(sites.url("/head-405"), status=200, head_status=405)
        sites.add(sites.url("/plain"), status=200)
        assert (
            audit_links(tmp_path, {"A": sites.url("/head-405"), "B": sites.url("/plain")}, LinkOptions())
            == []
        )
        methods = [(m, p) for m, _, p in sites.log]
    assert methods.count(("HEAD", "/head-405")) == 1 and methods.count(("GET", "/head-405")) == 1
    assert methods.count(("HEAD", "/plain")) == 1 and ("GET", "/plain") not in methods


def test_redirects_are_walked_and_told_apart(tmp_path: Path) -> None:
    with FakeSites() as sites:
        resolve = sites.resolve("https://proj.example", "https://www.proj.example", "https://other.example")
        sites.add("https://proj.example/old", status=301, location="https://www.proj.example/new")
        sites.add("https://www.proj.example/new", status=200)
        sites.add("https://proj.example/away", status=308, location="https://other.example/x")
        sites.add("https://other.example/x", status=200)
        sites.add("https://proj.example/tmp", status=302, location="/new-tmp")
        sites.add("https://proj.example/new-tmp", status=200)
        found = by_name(
            audit_links(
                tmp_path,
                {
                    "Moved": "https://proj.example/old",
                    "Away": "https://proj.example/away",
                    "Temporary": "https://proj.example/tmp",
                },
                LinkOptions(resolve=resolve),
            )
        )
    assert set(found) == {"Moved", "Away"}  # a temporary redirect is not a finding
    moved = found["Moved"]
    assert (
        moved.code is AuditCode.LINK_MOVED
        and ("redirect 1", "301 -> https://www.proj.example/new") in moved.evidence
    )
    assert moved.fix is not None and moved.fix.new == "https://www.proj.example/new"
    assert moved.fix.field == "homepage_url" and moved.fix.old == "https://proj.example/old"
    assert found["Away"].fix is None and "another site" in found["Away"].message


def test_http_link_where_https_works(tmp_path: Path) -> None:
    with FakeSites() as plain, FakeSites() as secure:
        resolve = {
            **plain.resolve("http://safe.example", "http://plain.example"),
            **secure.resolve("https://safe.example", "https://plain.example"),
        }
        plain.add("http://safe.example/", status=200)
        plain.add("http://plain.example/", status=200)
        secure.add("https://safe.example/", status=200)
        secure.add("https://safe.example/only-https", status=200)
        links = {
            "Safe": "http://safe.example/",
            "Plain": "http://plain.example/",
            "Only": "http://safe.example/only-https",
        }
        found = by_name(audit_links(tmp_path, links, LinkOptions(resolve=resolve)))
        assert ("HEAD", "plain.example", "/") in secure.log  # https was tried, and failed (404)
    assert set(found) == {"Safe", "Only"}
    assert found["Safe"].code is AuditCode.LINK_INSECURE
    assert found["Safe"].fix is not None and found["Safe"].fix.new == "https://safe.example/"
    only = found["Only"]  # dead over http, alive over https: the fix, not a dead link
    assert only.code is AuditCode.LINK_INSECURE and ("http", "HTTP 404") in only.evidence
    assert only.fix is not None and only.fix.new == "https://safe.example/only-https"


def test_unreachable_is_not_dead(tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{closed.getsockname()[1]}/"
    with FakeSites() as sites:
        sites.add(sites.url("/slow"), status=200, delay=2.0)
        sites.add(sites.url("/busy"), status=503)
        found = by_name(
            audit_links(
                tmp_path,
                {"Slow": sites.url("/slow"), "Refused": refused, "Busy": sites.url("/busy")},
                LinkOptions(timeout=0.5),
            )
        )
    assert {f.code for f in found.values()} == {AuditCode.LINK_UNREACHABLE}
    assert "timed out after 0.5 s" in found["Slow"].message
    assert "cannot connect" in found["Refused"].message
    assert "HTTP 503" in found["Busy"].message


def test_headers_sent_a_byte_at_a_time_are_given_up_on(tmp_path: Path) -> None:
    with FakeSites() as sites:
        sites.add(sites.url("/drip"), drip=0.1)  # every read within the timeout, the whole never
        started = time.monotonic()
        found = audit_links(tmp_path, {"Drip": sites.url("/drip")}, LinkOptions(timeout=0.5))
    assert [f.code for f in found] == [AuditCode.LINK_UNREACHABLE]
    assert "timed out after 0.5 s" in found[0].message
    assert time.monotonic() - started < 10  # HEAD then GET, 1 s each: not 21 s of dripping each


def test_hostile_redirects_are_reported_never_written_into_the_catalog(tmp_path: Path) -> None:
    with FakeSites() as sites:
        hostile = {
            "Script": "javascript:alert(1)",  # was an httpx traceback that lost the whole audit
            "Space": "/new path #frag",  # a fix would have made the catalog invalid
            "Quote": "/a'b",
            "Ftp": "ftp://files.example/x",
            "Bidi": "/x\u202egnp.exe".encode().decode("latin-1"),  # its UTF-8 bytes on the wire
        }
        links = {}
        for name, location in hostile.items():
            links[name] = sites.add(sites.url(f"/{name.lower()}"), status=301, location=location)
        sites.add(sites.url("/fine"), status=200)
        links["Fine"] = sites.add(sites.url("/old"), status=301, location="/fine")
        found = by_name(audit_links(tmp_path, links, LinkOptions()))
    assert found["Script"].code is AuditCode.LINK_UNREACHABLE
    assert "could not be checked" in found["Script"].message  # httpx refuses to read it as a URL
    assert "redirects to something other than a web address (ftp://files.example/x)" in found["Ftp"].message
    for name in ("Space", "Quote", "Bidi"):
        assert found[name].fix is None, name  # reported, left for a person to judge
    assert found["Fine"].code is AuditCode.LINK_MOVED and found["Fine"].fix is not None


def test_concurrency_is_bounded_per_host(tmp_path: Path) -> None:
    with FakeSites() as sites:
        resolve = sites.resolve("https://one.example", "https://two.example")
        links = {}
        for n in range(8):
            for host in ("one", "two"):
                links[f"{host}{n}"] = sites.add(f"https://{host}.example/{n}", status=200, delay=0.1)
        assert audit_links(tmp_path, links, LinkOptions(per_host=2, resolve=resolve)) == []
        assert sites.max_busy["one.example"] <= 2 and sites.max_busy["two.example"] <= 2
        assert len(sites.log) == 16  # each URL once, HEAD only


def test_cli_online_reports_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with FakeSites() as sites:
        sites.add(sites.url("/ok"), status=200)
        data = tmp_path / "landscape.yml"
        items = [item("Alive", homepage_url=sites.url("/ok")), item("Dead", homepage_url=sites.url("/dead"))]
        data.write_text(dump(catalog(*items)), encoding="utf-8")
        args = ["audit", "--data-file", str(data), "--cache-dir", str(tmp_path / "c"), "--online"]
        code = main([*args, "--format", "markdown"])
    out = capsys.readouterr().out
    assert code == 1
    assert "| error | `link-dead` | 1 |" in out and "<summary>Links (1)</summary>" in out
    assert "**Dead** › homepage\\_url: the link is dead (HTTP 404)" in out


def test_cli_online_fix_follows_a_permanent_redirect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeSites() as sites:
        old, new = sites.url("/old-docs"), sites.url("/docs/")
        sites.add(old, status=308, location="/docs/")
        sites.add(new, status=200)
        elsewhere = sites.add(sites.url("/elsewhere").replace("127.0.0.1", "localhost"), status=200)
        sites.add(sites.url("/away"), status=301, location=elsewhere)  # another host: no fix
        data = tmp_path / "landscape.yml"
        text = dump(catalog(item("Docs", homepage_url=old), item("Away", homepage_url=sites.url("/away"))))
        data.write_text("# keep me\n" + text, encoding="utf-8")
        args = ["audit", "--data-file", str(data), "--cache-dir", str(tmp_path / "c"), "--online", "--fix"]
        code = main([*args, "--format", "json"])
    out = capsys.readouterr()
    assert code == 0
    assert f"+      homepage_url: {new}" in out.err and "fix: applied 1 fix(es)" in out.err
    report = json.loads(out.out)  # stdout stays JSON; the diff went to stderr
    moved = {f["name"]: f for f in report["findings"] if f["code"] == "link-moved"}
    assert moved["Docs"]["fix"]["new"] == new and moved["Away"]["fix"] is None
    assert data.read_text(encoding="utf-8") == "# keep me\n" + text.replace(old, new)


def test_links_are_checked_from_inside_a_running_event_loop(tmp_path: Path) -> None:
    """As in a notebook, or beside a test browser driven through its own loop."""
    with FakeSites() as sites:
        sites.add(sites.url("/gone"), status=410)

        async def inside() -> list[Finding]:
            return audit_links(tmp_path, {"Gone": sites.url("/gone")}, LinkOptions())

        # A thread of its own for the outer loop: this test session may already run one here.
        found: list[Finding] = []
        outer = threading.Thread(target=lambda: found.extend(asyncio.run(inside())))
        outer.start()
        outer.join(timeout=60)
    assert [f.code for f in found] == [AuditCode.LINK_DEAD]


def test_a_redirect_to_an_address_with_a_password_is_reported_not_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same host, so it counted as a fact: `--fix` wrote `http://admin:hunter2@...` into the
    catalog, and the site linked to it."""
    with FakeSites() as sites:
        host = sites.origin.removeprefix("http://")
        old = sites.add(sites.url("/docs"), status=301, location=f"http://admin:hunter2@{host}/docs-new")
        sites.add(sites.url("/docs-new"), status=200)
        data = tmp_path / "landscape.yml"
        text = dump(catalog(item("Docs", homepage_url=old)))
        data.write_text(text, encoding="utf-8")
        args = ["audit", "--data-file", str(data), "--cache-dir", str(tmp_path / "c"), "--online", "--fix"]
        code = main([*args, "--format", "json"])
    out = capsys.readouterr()
    assert code == 0
    [moved] = [f for f in json.loads(out.out)["findings"] if f["code"] == "link-moved"]
    assert moved["fix"] is None
    assert "the new address holds a user name or password: check it by hand" in moved["message"]
    assert f"http://admin:***@{host}/docs-new" in moved["message"]  # the report may be public
    assert "hunter2" not in out.out + out.err
    assert "fix: nothing to fix" in out.err
    assert data.read_text(encoding="utf-8") == text
