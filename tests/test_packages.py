"""The package-index fetcher against a fake index on 127.0.0.1, and its pure parsing functions."""

from __future__ import annotations

import gzip
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.version import Version

from fake_index import FakeIndex, Fault, core_metadata, release
from torchscape.errors import UsageError
from torchscape.sources import index_parse, packages
from torchscape.sources.facts import FetchError, FetchStats, PackageFacts
from torchscape.sources.http import MAX_ANSWER_BYTES, RetryPolicy
from torchscape.sources.packages import PackageIndexClient, resolve_index_url

Results = dict[str, PackageFacts | FetchError]


@pytest.fixture
def index() -> Iterator[FakeIndex]:
    with FakeIndex() as fake:
        yield fake


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def fetch(index: FakeIndex, *names: str, **options: object) -> tuple[Results, FetchStats]:
    results: Results = {}

    def on_result(name: str, result: PackageFacts | FetchError) -> None:
        assert name not in results
        results[name] = result

    options.setdefault("sleep", Sleeps())
    options.setdefault("rng", random.Random(1))
    options.setdefault("timeout", 5.0)
    stats = PackageIndexClient(index.url, **options).fetch(list(names), on_result)  # type: ignore[arg-type]
    return results, stats


def facts(index: FakeIndex, name: str, **options: object) -> PackageFacts:
    result = fetch(index, name, **options)[0][name]
    assert isinstance(result, PackageFacts), result
    return result


def error(index: FakeIndex, name: str, **options: object) -> FetchError:
    result = fetch(index, name, **options)[0][name]
    assert isinstance(result, FetchError), result
    return result


def add_simple(index: FakeIndex, name: str = "alpha", **options: object) -> None:
    meta = core_metadata(name, "1.1", requires_dist=["torch>=2.1,<2.6", "numpy"], license_expression="MIT")
    index.add(name, release(name, "1.0", 1) + release(name, "1.1", 5), metadata=meta, **options)


# -- versions and the latest release ------------------------------------------------------------


def test_versions_with_first_upload_times(index: FakeIndex) -> None:
    files = release("alpha", "0.9", 2) + release("alpha", "1.0", 3) + release("alpha", "0.10", 4)
    files[0].upload_time = "2024-01-02T12:00:00+02:00"  # the wheel, in another zone: 10:00 UTC
    index.add("alpha", files, versions=["0.9", "0.10", "1.0", "0.8"])  # 0.8: listed, no file left
    got = facts(index, "alpha")
    assert got.versions == (
        ("0.8", None),
        ("0.9", "2024-01-02T10:00:00Z"),
        ("0.10", "2024-01-04T10:00:00Z"),
        ("1.0", "2024-01-03T10:00:00Z"),
    )
    assert got.latest_version == "1.0"
    assert got.latest_uploaded_at == "2024-01-03T10:00:00Z"
    assert got.name == "alpha" and got.index_url == index.url


def test_an_upload_time_no_datetime_holds_in_utc_is_unknown_not_the_whole_package(index: FakeIndex) -> None:
    files = release("alpha", "1.0", 3) + release("alpha", "1.1", 4, sdist=False)
    files[0].upload_time = "0001-01-01T00:00:00+01:00"  # parses, but is before year 1 in UTC
    files[2].upload_time = "9999-12-31T23:59:59-01:00"  # and this after year 9999
    index.add("alpha", files)
    got = facts(index, "alpha")  # was "unexpected error: OverflowError" for the whole package
    assert got.versions == (("1.0", "2024-01-03T10:01:00Z"), ("1.1", None))


def test_latest_skips_yanked_and_pre_releases(index: FakeIndex) -> None:
    files = (
        release("alpha", "1.0", 1)
        + release("alpha", "1.1", 2, yanked="broken build")
        + release("alpha", "2.0rc1", 3)
        + release("alpha", "2.0.dev3", 4)
    )
    index.add("alpha", files)
    got = facts(index, "alpha")
    assert got.latest_version == "1.0"
    assert [v for v, _ in got.versions] == ["1.0", "1.1", "2.0.dev3", "2.0rc1"]


def test_latest_falls_back_to_pre_releases_only_when_nothing_else(index: FakeIndex) -> None:
    index.add("alpha", release("alpha", "0.1", 1, yanked=True) + release("alpha", "0.2b1", 2))
    assert facts(index, "alpha").latest_version == "0.2b1"


def test_invalid_filenames_are_ignored() -> None:
    page = index_parse.parse_project_page(
        {
            "files": [
                {"filename": "alpha-1.0-py3-none-any.whl", "url": "a/alpha-1.0-py3-none-any.whl"},
                {"filename": "alpha-1.0-bad.whl", "url": "x"},
                {"filename": "alpha.exe", "url": "x"},
                {"filename": "alpha-1.0.tar.gz"},  # no url
                "not an object",
            ],
            "versions": ["1.0", "not a version"],
        },
        "http://127.0.0.1/simple/alpha/",
    )
    assert [f.filename for f in page.files] == ["alpha-1.0-py3-none-any.whl"]
    assert page.files[0].url == "http://127.0.0.1/simple/alpha/a/alpha-1.0-py3-none-any.whl"
    assert page.versions == (Version("1.0"),)


def test_versions_that_are_not_a_list_make_the_page_malformed(index: FakeIndex) -> None:
    """`"versions": "10.2"` was read letter by letter: versions 0, 1 and 2."""
    index.add("alpha", release("alpha", "10.2", 1), versions="10.2")
    got = error(index, "alpha")
    assert got.kind == "malformed" and "`versions` is not a list" in got.message
    assert index.count() == 1  # asking again would get the same


def test_package_without_files(index: FakeIndex) -> None:
    index.add("empty", [], versions=[])
    got = facts(index, "empty")
    assert got.versions == () and got.latest_version is None and got.metadata_source is None
    assert index.count() == 1


# -- the torch requirement ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requires", "expected"),
    [
        (["numpy", "torch>=2.1,<2.6"], "<2.6,>=2.1"),
        (["torch (>=1.13)"], ">=1.13"),
        (["Torch>=2.0"], ">=2.0"),
        (["torch==2.4.*"], "==2.4.*"),
        (["torch"], ""),
        (['torch>=2; python_version >= "3.9"'], ">=2"),
        (['torch>=2.3; extra == "gpu"', "numpy"], None),
        (['torch>=2.3; extra == "gpu"', "torch>=1.0"], ">=1.0"),
        (["torchvision>=0.15", "pytorch-lightning"], None),
        (["not a ( requirement", "torch<3"], "<3"),
        ([], None),
    ],
)
def test_torch_requirement(requires: list[str], expected: str | None) -> None:
    assert index_parse.torch_requirement(requires) == expected


# -- where core metadata comes from -------------------------------------------------------------


def test_pep658_metadata(index: FakeIndex) -> None:
    meta = core_metadata(
        "alpha",
        "1.1",
        requires_dist=["torch (>=1.13)", 'pytest; extra == "test"'],
        requires_python=">=3.9",
        license_expression="Apache-2.0",
        summary="Alpha  does\n things.",
        project_urls=[("Source", "https://code.example/alpha"), ("Bad", "javascript:alert(1)")],
        home_page="https://alpha.example",
    )
    index.add("alpha", release("alpha", "1.0", 1) + release("alpha", "1.1", 2), metadata=meta, pep658=True)
    got = facts(index, "alpha")
    assert got.metadata_source == "pep658"
    assert got.torch_requirement == ">=1.13"
    assert got.requires_dist == ("torch (>=1.13)", 'pytest; extra == "test"')
    assert got.requires_python == ">=3.9"
    assert got.license == "Apache-2.0"
    assert got.summary == "Alpha does things."
    assert got.project_urls == (
        ("Source", "https://code.example/alpha"),
        ("Homepage", "https://alpha.example"),
    )
    assert got.page_url is None and got.notes == ()
    assert index.paths() == ["/simple/alpha/", "/files/alpha-1.1-py3-none-any.whl.metadata"]
    assert index.downloads() == []


def test_project_links_the_catalog_would_refuse_are_left_out(index: FakeIndex) -> None:
    """A host that cannot be one raised from the URL parser and failed the whole package; a
    control character went on to pages and to `add`."""
    links = [
        ("Source", "https://code.example/alpha"),
        ("Broken", "http://[::1/alpha"),
        ("Escape", "https://github.com/ev\x1bil/repo"),
        ("Spaced", "https://code.example/a b"),
    ]
    meta = core_metadata("alpha", "1.1", project_urls=links)
    index.add("alpha", release("alpha", "1.1", 2), metadata=meta, pep658=True)
    assert facts(index, "alpha").project_urls == (("Source", "https://code.example/alpha"),)


def test_pep658_under_its_first_name(index: FakeIndex) -> None:
    add_simple(index, pep658=True, metadata_key="dist-info-metadata", metadata_hash="none")
    got = facts(index, "alpha")
    assert got.metadata_source == "pep658" and got.torch_requirement == "<2.6,>=2.1" and got.license == "MIT"


def test_json_api_metadata(index: FakeIndex) -> None:
    meta = core_metadata(
        "Beta_Pkg",
        "1.1",
        requires_dist=["Torch==2.4.*"],
        license="BSD-3-Clause",
        project_urls=[("Docs", "https://docs.example/beta")],
    )
    index.add("Beta_Pkg", release("Beta_Pkg", "1.1", 1), metadata=meta, json_api=True)
    got = facts(index, "Beta.Pkg")
    assert got.name == "beta-pkg"
    assert got.metadata_source == "json-api"
    assert got.torch_requirement == "==2.4.*"
    assert got.license == "BSD-3-Clause"
    assert got.project_urls == (("Docs", "https://docs.example/beta"),)
    assert got.page_url == f"{index.base}/project/beta-pkg/"
    assert index.paths() == ["/simple/beta-pkg/", "/pypi/beta-pkg/json"]
    assert index.downloads() == []


def test_neither_metadata_source_keeps_the_versions(index: FakeIndex) -> None:
    add_simple(index)
    got = facts(index, "alpha")
    assert got.latest_version == "1.1"
    assert got.metadata_source is None and got.torch_requirement is None and got.requires_dist == ()
    assert any("JSON API" in note for note in got.notes)
    assert index.paths() == ["/simple/alpha/", "/pypi/alpha/json"]


def test_bad_metadata_hash_falls_back_to_the_json_api(index: FakeIndex) -> None:
    add_simple(index, pep658=True, metadata_hash="bad", json_api=True)
    got = facts(index, "alpha")
    assert got.metadata_source == "json-api"
    assert any("sha256" in note for note in got.notes)
    assert index.count("/pypi/") == 1


def test_long_license_text_is_not_kept(index: FakeIndex) -> None:
    text = "Copyright 2024 Someone\n\nPermission is hereby granted, free of charge, to any person ..."
    meta = core_metadata("alpha", "1.1", license=text)
    index.add("alpha", release("alpha", "1.1", 1), metadata=meta, pep658=True)
    got = facts(index, "alpha")
    assert got.license is None
    assert any("License field" in note for note in got.notes)


def test_json_api_location() -> None:
    assert index_parse.json_api_url("https://mirror.example/simple/", "Foo_Bar") == (
        "https://mirror.example/pypi/foo-bar/json"
    )
    assert index_parse.json_api_url("https://mirror.example/repo/simple", "x") == (
        "https://mirror.example/repo/pypi/x/json"
    )
    assert index_parse.json_api_url("https://mirror.example/devpi/root/", "x") is None


def test_index_without_a_json_api_is_not_asked(index: FakeIndex) -> None:
    add_simple(index, json_api=True)
    results: Results = {}
    stats = PackageIndexClient(f"{index.base}/plain-index/").fetch(["alpha"], results.__setitem__)
    got = results["alpha"]
    assert isinstance(got, PackageFacts) and got.latest_version == "1.1" and got.metadata_source is None
    assert got.notes == ("no core metadata: no .metadata file and no JSON API",)
    assert stats.requests == 1 and index.count("/pypi/") == 0


# -- failures -----------------------------------------------------------------------------------


def test_not_found(index: FakeIndex) -> None:
    got = error(index, "nothing-here")
    assert got.kind == "not-found" and got.key == "nothing-here"
    assert index.count() == 1


def test_invalid_name_is_not_requested(index: FakeIndex) -> None:
    assert error(index, "../etc").kind == "not-found"
    assert index.count() == 0


def test_server_errors_are_retried(index: FakeIndex) -> None:
    add_simple(index, json_api=True)
    index.inject("/simple/alpha/", Fault(500), Fault(502))
    index.inject("/pypi/alpha/json", Fault(503))
    sleeps = Sleeps()
    got, stats = fetch(index, "alpha", sleep=sleeps)
    assert isinstance(got["alpha"], PackageFacts) and got["alpha"].metadata_source == "json-api"
    assert stats.requests == 5 and stats.retries == 3 and stats.fetched == 1
    assert len(sleeps) == 3 and all(0 < s <= 2.0 for s in sleeps)


def test_retries_give_up(index: FakeIndex) -> None:
    add_simple(index)
    index.inject("/simple/alpha/", *[Fault(500)] * 4)
    got, stats = fetch(index, "alpha")
    assert isinstance(got["alpha"], FetchError) and got["alpha"].kind == "server"
    assert stats.requests == 4 and stats.failed == 1 and stats.errors == {"server": 1}


def test_timeouts_are_retried(index: FakeIndex) -> None:
    add_simple(index, json_api=True)
    index.inject("/simple/alpha/", Fault(delay=2.0))
    got = facts(index, "alpha", timeout=0.3)
    assert got.latest_version == "1.1"


def test_timeouts_give_up(index: FakeIndex) -> None:
    add_simple(index)
    index.inject("/simple/alpha/", Fault(delay=2.0), Fault(delay=2.0))
    got = error(index, "alpha", timeout=0.2, retry=RetryPolicy(attempts=2))
    assert got.kind == "timeout"


def test_an_answer_that_inflates_past_the_limit_fails_at_once(index: FakeIndex) -> None:
    add_simple(index)
    bomb = gzip.compress(b"\0" * (MAX_ANSWER_BYTES + 2**20))  # about 65 KB on the wire
    index.inject("/simple/alpha/", Fault(body=bomb, headers={"Content-Encoding": "gzip"}))
    got, stats = fetch(index, "alpha")
    failure = got["alpha"]
    assert isinstance(failure, FetchError) and failure.kind == "malformed"
    assert "the answer is over 64 MB once decoded" in failure.message
    assert stats.requests == 1  # not asked again: it would answer the same


def test_an_answer_nested_too_deeply_is_malformed(index: FakeIndex) -> None:
    add_simple(index)
    index.inject("/simple/alpha/", Fault(body=b"[" * 100_000 + b"]" * 100_000), Fault(body=b"[" * 100_000))
    got = error(index, "alpha", retry=RetryPolicy(attempts=2))
    assert got.kind == "malformed" and "nested too deeply" in got.message


def test_an_answer_sent_a_byte_at_a_time_is_given_up_on(index: FakeIndex) -> None:
    add_simple(index)
    drip = Fault(body=b"{" + b" " * 1000 + b"}", drip=0.05)  # every read within the timeout
    index.inject("/simple/alpha/", drip, drip)
    started = time.monotonic()
    got = error(index, "alpha", timeout=0.5, retry=RetryPolicy(attempts=2))
    assert got.kind == "timeout" and "no whole answer within 1.5 s" in got.message
    assert time.monotonic() - started < 8  # two attempts of 1.5 s, not 2 x 50 s


def test_connection_refused() -> None:
    with FakeIndex() as gone:
        url = gone.url
    results: Results = {}
    PackageIndexClient(url, retry=RetryPolicy(attempts=2), sleep=Sleeps()).fetch(["a"], results.__setitem__)
    assert isinstance(results["a"], FetchError) and results["a"].kind == "network"


def test_metadata_failure_fails_the_package(index: FakeIndex) -> None:
    add_simple(index, json_api=True)
    index.inject("/pypi/alpha/json", *[Fault(500)] * 4)
    got = error(index, "alpha")
    assert got.kind == "server" and got.message.startswith("JSON API")


def test_retry_after_is_honoured(index: FakeIndex) -> None:
    add_simple(index)
    index.inject("/simple/alpha/", Fault(429, headers={"Retry-After": "7"}))
    index.inject("/pypi/alpha/json", Fault(503, headers={"Retry-After": "3"}))
    sleeps = Sleeps()
    got = facts(index, "alpha", sleep=sleeps)
    assert got.latest_version == "1.1"
    assert sleeps == [7.0, 3.0]


def test_too_long_retry_after_gives_up(index: FakeIndex) -> None:
    add_simple(index)
    index.inject("/simple/alpha/", Fault(429, headers={"Retry-After": "3600"}))
    sleeps = Sleeps()
    got = error(index, "alpha", sleep=sleeps)
    assert (got.kind, got.retry_after) == ("rate-limited", 3600.0)
    assert sleeps == [] and index.count() == 1


def test_rate_limit_waits_are_shown_and_add_up_to_four_minutes_a_run(
    index: FakeIndex, caplog: pytest.LogCaptureFixture
) -> None:
    """Each package's worker waited as asked, up to 3 x 100 s each, in silence: with 16 of them
    that was minutes per wave of packages. Now the run waits 240 s at most, and says so."""
    for name in ("alpha", "beta", "gamma"):
        add_simple(index, name)
        index.inject(f"/simple/{name}/", *[Fault(429, headers={"Retry-After": "100"})] * 4)
    sleeps = Sleeps()
    results, _ = fetch(index, "alpha", "beta", "gamma", sleep=sleeps, concurrency=1)
    assert sleeps == [100.0, 100.0]  # a third would make 300 s
    assert {r.kind for r in results.values() if isinstance(r, FetchError)} == {"rate-limited"}
    waits = [r.getMessage() for r in caplog.records if "waiting" in r.getMessage()]
    assert len(waits) == 2 and all(
        w.endswith("/simple/alpha/: rate limited (HTTP 429); waiting 100 s") for w in waits
    )


def test_malformed_json_after_retries(index: FakeIndex) -> None:
    add_simple(index)
    bad = Fault(body=b'{"files": [', content_type="application/vnd.pypi.simple.v1+json")
    index.inject("/simple/alpha/", bad, bad, bad, bad)
    got, stats = fetch(index, "alpha")
    failure = got["alpha"]
    assert isinstance(failure, FetchError) and failure.kind == "malformed" and "JSON" in failure.message
    assert stats.requests == 4


def test_malformed_once_then_fine(index: FakeIndex) -> None:
    add_simple(index)
    index.inject("/simple/alpha/", Fault(body=b"[]", content_type="application/vnd.pypi.simple.v1+json"))
    assert facts(index, "alpha").latest_version == "1.1"


def test_html_only_index_is_refused_clearly() -> None:
    with FakeIndex(html_only=True) as index:
        add_simple(index)
        got = error(index, "alpha")
        assert got.kind == "malformed" and "PEP 691" in got.message and "text/html" in got.message
        assert index.count() == 1  # not worth asking again


def test_fake_serves_html_without_the_json_accept_header(index: FakeIndex) -> None:
    import httpx

    add_simple(index)
    response = httpx.get(f"{index.url}alpha/")
    assert response.headers["content-type"] == "text/html" and "alpha-1.1.tar.gz" in response.text


# -- concurrency and callbacks ------------------------------------------------------------------


def test_concurrency_is_bounded_and_results_come_back_on_the_calling_thread() -> None:
    names = [f"pkg-{n}" for n in range(40)]
    with FakeIndex(latency=0.02) as index:
        for name in names:
            add_simple(index, name, pep658=True)
        seen: list[tuple[str, int]] = []
        stats = PackageIndexClient(index.url, concurrency=4).fetch(
            [*names, names[0]], lambda name, result: seen.append((name, threading.get_ident()))
        )
        assert index.max_concurrent <= 4
        assert index.max_concurrent >= 2  # and it does work in parallel
    assert sorted(name for name, _ in seen) == sorted(names)
    assert {thread for _, thread in seen} == {threading.get_ident()}
    assert stats.requests == 80 and stats.fetched == 40 and stats.failed == 0


def test_a_failing_callback_stops_the_fetch() -> None:
    def explode(name: str, result: object) -> None:
        raise KeyError(name)

    with FakeIndex(latency=0.01) as index:
        for n in range(30):
            add_simple(index, f"pkg-{n}")
        with pytest.raises(KeyError):
            PackageIndexClient(index.url, concurrency=2).fetch([f"pkg-{n}" for n in range(30)], explode)
        assert index.count("/simple/") < 30


# -- which index --------------------------------------------------------------------------------


def test_index_flag_wins() -> None:
    env = {"PIP_INDEX_URL": "https://env.example/simple/"}
    assert resolve_index_url("https://flag.example/simple/", env) == (
        "https://flag.example/simple/",
        "--index-url",
    )


def test_pip_index_url_environment() -> None:
    env = {"PIP_INDEX_URL": " https://env.example/simple/ "}
    assert resolve_index_url(None, env) == ("https://env.example/simple/", "PIP_INDEX_URL")


def _pip_env(tmp_path: Path, config: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"))
    if config is None:
        env["PIP_CONFIG_FILE"] = os.devnull  # pip then reads no configuration file at all
    else:
        (tmp_path / "pip.conf").write_text(config, encoding="utf-8")
        env["PIP_CONFIG_FILE"] = str(tmp_path / "pip.conf")
    return env


def test_pip_configuration(tmp_path: Path) -> None:
    env = _pip_env(tmp_path, "[global]\nindex-url = https://config.example/simple/\n")
    assert resolve_index_url(None, env) == (
        "https://config.example/simple/",
        "pip configuration (global.index-url)",
    )
    env = _pip_env(
        tmp_path,
        "[global]\nindex-url = https://a.example/simple/\n[install]\nindex-url = https://b.example/simple/\n",
    )
    assert resolve_index_url(None, env)[0] == "https://b.example/simple/"


def test_pip_default(tmp_path: Path) -> None:
    url, source = resolve_index_url(None, _pip_env(tmp_path, None))
    assert url.startswith("https://") and url.rstrip("/").endswith("/simple")
    assert source == "pip's default index"


def test_pip_config_in_a_subprocess(tmp_path: Path) -> None:
    """The whole chain in a fresh interpreter, configured only by its environment."""
    env = _pip_env(tmp_path, "[global]\nindex-url = https://sub.example/simple/\n")
    code = "import os; from torchscape.sources.packages import resolve_index_url as r; print(r(None, os.environ)[0])"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "https://sub.example/simple/"


def test_no_pip_asks_for_the_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    monkeypatch.setitem(sys.modules, "pip._internal.models.index", None)
    with pytest.raises(UsageError, match="--index-url"):
        resolve_index_url(None, {})


def test_pip_config_list_parsing() -> None:
    output = "global.index-url='https://a.example/simple/'\ninstall.timeout='60'\nnot a line\nx.y=[1]\n"
    assert packages.parse_pip_config_list(output) == {
        "global.index-url": "https://a.example/simple/",
        "install.timeout": "60",
    }


def test_results_arrive_as_each_package_is_done() -> None:
    with FakeIndex() as index:
        for name in ("slow", "fast-1", "fast-2"):
            add_simple(index, name)
        index.inject("/simple/slow/", Fault(delay=0.5))
        order: list[str] = []
        PackageIndexClient(index.url, concurrency=3).fetch(
            ["slow", "fast-1", "fast-2"], lambda n, r: order.append(n)
        )
    assert order[-1] == "slow"


def test_not_acceptable_means_no_json_form(index: FakeIndex) -> None:
    add_simple(index)
    index.inject("/simple/alpha/", Fault(406))
    got = error(index, "alpha")
    assert got.kind == "malformed" and "PEP 691" in got.message


def test_same_version() -> None:
    assert index_parse.same_version("1.0", "1.0.0")
    assert not index_parse.same_version("1.0", "1.1")
    assert not index_parse.same_version("1.0", None)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Apache 2.0", "Apache-2.0"),
        ("Apache License, Version 2.0", "Apache-2.0"),
        ("Apache License v2.0", "Apache-2.0"),
        ("The MIT License", "MIT"),
        ("BSD 3-Clause License", "BSD-3-Clause"),
        ("BSD-3", "BSD-3-Clause"),
        # Not one licence for certain: kept as written.
        ("Apache", "Apache"),
        ("BSD", "BSD"),
        ("Apache Software License", "Apache Software License"),
        ("Apache-2.0 OR MIT", "Apache-2.0 OR MIT"),
    ],
)
def test_common_licence_names_become_their_spdx_ids(text: str, shown: str) -> None:
    """The site counted "Apache 2.0" (from packages' License fields) apart from "Apache-2.0"."""
    from torchscape.sources.index_parse import licence_name, pick_license

    assert licence_name(text) == shown
    assert pick_license(None, text) == (shown, ())
