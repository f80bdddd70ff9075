"""The GitHub fetcher against a fake GitHub on 127.0.0.1: batches, splits, limits, tokens, secrets."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import os
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest

from fake_github import FakeGitHub, Fault, days_ago, repo
from torchscape.sources.facts import FetchError, FetchStats, RepoFacts
from torchscape.sources.github import (
    DEFAULT_GRAPHQL_URL,
    GitHubClient,
    endpoint_from_env,
    tokens_from_env,
)
from torchscape.sources.github_query import WEEKS, build_query, parse_repository, since_for
from torchscape.sources.http import MAX_ANSWER_BYTES, RetryPolicy

TOKEN = "ghp_TestToken0123456789abcdefABCDEF0001"
TOKEN_B = "ghp_TestToken0123456789abcdefABCDEF0002"
TOKEN_C = "ghp_TestToken0123456789abcdefABCDEF0003"
SCHEMA_FILE = (
    Path(__file__).resolve().parent.parent / ".tools/node_modules/@octokit/graphql-schema/schema.graphql"
)


@dataclass
class Run:
    results: dict[str, RepoFacts | FetchError]
    stats: FetchStats
    sleeps: list[float] = field(default_factory=list)

    def facts(self, url: str) -> RepoFacts:
        result = self.results[url]
        assert isinstance(result, RepoFacts), result
        return result

    def error(self, url: str) -> FetchError:
        result = self.results[url]
        assert isinstance(result, FetchError), result
        return result

    def errors(self) -> list[FetchError]:
        return [r for r in self.results.values() if isinstance(r, FetchError)]


def specs(count: int, owner: str = "org") -> list[dict[str, Any]]:
    return [repo(f"{owner}/repo-{i}", stars=i) for i in range(count)]


def urls(repos: list[dict[str, Any]]) -> list[str]:
    return [f"https://github.com/{r['nameWithOwner'].lower()}" for r in repos]


def fetch(gh: FakeGitHub, repos: list[str], tokens: list[str] | None = None, **options: Any) -> Run:
    sleeps: list[float] = []
    results: dict[str, RepoFacts | FetchError] = {}

    def on_result(url: str, result: RepoFacts | FetchError) -> None:
        assert url not in results, f"{url} reported twice"
        results[url] = result

    options.setdefault("rng", random.Random(7))
    client = GitHubClient(gh.url, tokens or [TOKEN], sleep=sleeps.append, **options)
    stats = client.fetch(repos, on_result)
    assert set(results) == set(repos), "every repository is reported exactly once"
    assert stats.fetched + stats.failed == len(set(repos))
    return Run(results, stats, sleeps)


# -- configuration ------------------------------------------------------------------------------------


def test_tokens_from_env() -> None:
    assert tokens_from_env({}) == []
    assert tokens_from_env({"GITHUB_TOKEN": " a1 "}) == ["a1"]
    assert tokens_from_env({"GITHUB_TOKENS": "a1, b2,,a1 ", "GITHUB_TOKEN": "c3"}) == ["a1", "b2"]
    assert tokens_from_env({"GITHUB_TOKENS": " ", "GITHUB_TOKEN": "c3"}) == ["c3"]


def test_endpoint_from_env() -> None:
    assert endpoint_from_env({}) == DEFAULT_GRAPHQL_URL
    assert endpoint_from_env({"GITHUB_GRAPHQL_URL": " https://ghe.example/api/graphql "}) == (
        "https://ghe.example/api/graphql"
    )


def test_constructor_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="no GitHub token"):
        GitHubClient(DEFAULT_GRAPHQL_URL, [])
    with pytest.raises(ValueError, match="batch_size") as info:
        GitHubClient(DEFAULT_GRAPHQL_URL, [TOKEN], batch_size=101)
    with pytest.raises(ValueError, match="https") as info:
        GitHubClient("http://ghe.example/graphql", [TOKEN])
    with pytest.raises(ValueError, match="token 2 of 2") as info:
        GitHubClient(DEFAULT_GRAPHQL_URL, [TOKEN, f"{TOKEN_B}\n"])
    assert TOKEN_B not in str(info.value)
    client = GitHubClient("http://127.0.0.1:9/graphql", [TOKEN])
    assert TOKEN not in repr(client)


# -- batching --------------------------------------------------------------------------------------------


def test_batches_of_50_with_variables_and_auth_header() -> None:
    table = specs(120)
    with FakeGitHub(table) as gh:
        run = fetch(gh, urls(table))
    assert [r.repos for r in gh.requests] == [50, 50, 20]
    assert run.stats.requests == 3 and run.stats.fetched == 120 and run.stats.split_batches == 0
    for request in gh.requests:
        assert request.headers["authorization"] == f"bearer {TOKEN}"
        assert "repo-" not in request.query, "owner/name go in variables, never in the document"
        assert request.variables["o0"] == "org" and request.variables["n0"].startswith("repo-")
        assert request.nodes < 500_000
    assert run.facts(urls(table)[7]).stars == 7


def test_results_are_delivered_as_each_batch_answers() -> None:
    table = specs(120)
    seen: list[tuple[int, str]] = []
    threads: set[int] = set()
    with FakeGitHub(table) as gh:

        def on_result(url: str, result: RepoFacts | FetchError) -> None:
            seen.append((len(gh.requests), url))
            threads.add(threading.get_ident())

        GitHubClient(gh.url, [TOKEN], sleep=lambda _: None).fetch(urls(table) + urls(table)[:3], on_result)
    assert [n for n, _ in seen] == [1] * 50 + [2] * 50 + [3] * 20
    assert len({u for _, u in seen}) == 120
    assert threads == {threading.get_ident()}


def test_facts_are_parsed() -> None:
    commits = [days_ago(d) for d in (0.5, 1, 8, 100, 300, 400, 500)]
    releases = [("v3", days_ago(10)), ("draft", None), ("v2", days_ago(200)), ("v1", days_ago(700))]
    table = [
        repo(
            "Acme/Rocket",
            stars=1234,
            forks=56,
            issues=7,
            contributors=89,
            homepage="https://rocket.example",
            archived=True,
            license="Apache-2.0",
            languages=[("Python", 9000), ("C++", 800)],
            topics=["pytorch", "rockets"],
            commits=commits,
            releases=releases,
        ),
        repo(
            "acme/bare", description=None, license=None, language=None, languages=[], commits=[], branch=None
        ),
    ]
    with FakeGitHub(table) as gh:
        run = fetch(gh, ["https://github.com/acme/rocket", "https://github.com/acme/bare"])
    rocket = run.facts("https://github.com/acme/rocket")
    assert (rocket.name_with_owner, rocket.url) == ("Acme/Rocket", "https://github.com/Acme/Rocket")
    assert (rocket.stars, rocket.forks, rocket.open_issues, rocket.contributors) == (1234, 56, 7, 89)
    assert rocket.homepage == "https://rocket.example" and rocket.is_archived and not rocket.is_fork
    assert rocket.license == "Apache-2.0" and rocket.primary_language == "Python"
    assert rocket.languages == (("Python", 9000), ("C++", 800)) and rocket.topics == ("pytorch", "rockets")
    assert rocket.last_commit_at == commits[0] and rocket.default_branch == "main"
    assert rocket.commits_last_year == 5
    assert len(rocket.weekly_commits) == WEEKS and sum(rocket.weekly_commits) == 5
    assert rocket.weekly_commits[-1] == 2 and rocket.weekly_commits[-2] == 1
    assert (rocket.latest_release_tag, rocket.latest_release_at) == ("v3", releases[0][1])
    assert rocket.releases_last_year == 2
    assert not rocket.renamed
    bare = run.facts("https://github.com/acme/bare")
    assert bare.description is None and bare.license is None and bare.languages == ()
    assert bare.last_commit_at is None and bare.commits_last_year is None and bare.weekly_commits == ()
    assert bare.latest_release_tag is None and bare.releases_last_year == 0


def test_weekly_commits_only_when_the_whole_year_fits() -> None:
    busy = repo("org/busy", commits=[days_ago(d / 2) for d in range(300)])
    with FakeGitHub([busy]) as gh:
        run = fetch(gh, ["https://github.com/org/busy"])
        lean = fetch(gh, ["https://github.com/org/busy"], weekly=False)
    assert run.facts("https://github.com/org/busy").commits_last_year == 300
    assert run.facts("https://github.com/org/busy").weekly_commits == ()
    assert lean.facts("https://github.com/org/busy").commits_last_year == 300
    assert gh.requests[1].response_bytes < gh.requests[0].response_bytes / 3


def test_parse_repository_rejects_a_wrong_shape() -> None:
    since = since_for(dt.datetime.now(dt.UTC))
    url = "https://github.com/a/b"
    with pytest.raises(ValueError, match="integer"):
        parse_repository(url, {"nameWithOwner": "a/b", "url": url, "stargazerCount": "1"}, since)


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("nameWithOwner", "evil/y\n      injected: true", "not an owner/name"),
        ("nameWithOwner", "evil/x #comment", "not an owner/name"),
        ("nameWithOwner", "../x", "not an owner/name"),
        ("nameWithOwner", "a/..", "not an owner/name"),
        ("url", "javascript:alert(1)", "not a web address"),
        ("stargazerCount", 10**300, "not a count"),
        ("forkCount", -5, "not a count"),
    ],
)
def test_parse_repository_refuses_what_would_become_a_bad_link(
    field: str, value: object, problem: str
) -> None:
    """`audit --fix` makes `repo_url` of nameWithOwner: a hostile answer must not edit the catalog."""
    answer = {"nameWithOwner": "a/b", "url": "https://github.com/a/b", "stargazerCount": 1, field: value}
    with pytest.raises(ValueError, match=problem):
        parse_repository("https://github.com/a/b", answer, since_for(dt.datetime.now(dt.UTC)))
    good = {"nameWithOwner": "a/b", "url": "https://github.com/a/b", "stargazerCount": 1, "forkCount": 0}
    answer = {**answer, field: good[field]}
    answer.update(forkCount=0, isArchived=False, isFork=False)
    assert parse_repository("https://github.com/a/b", answer, since_for(dt.datetime.now(dt.UTC))).stars == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("latestRelease", {"tagName": "v1", "publishedAt": "soon"}),
        (
            "defaultBranchRef",
            {"name": "main", "target": {"history": {"nodes": [{"committedDate": "yesterday"}]}}},
        ),
        ("createdAt", "2024-13-45T00:00:00Z"),
        ("pushedAt", 1700000000),
    ],
)
def test_parse_repository_refuses_a_time_that_is_not_one(field: str, value: object) -> None:
    """Stored unchecked, such a time broke every later audit and build (they compute with it)."""
    answer = {"nameWithOwner": "a/b", "url": "https://github.com/a/b", "stargazerCount": 1, "forkCount": 0}
    answer.update(isArchived=False, isFork=False)
    since = since_for(dt.datetime.now(dt.UTC))
    assert parse_repository("https://github.com/a/b", answer, since).stars == 1
    with pytest.raises(ValueError, match=r"timestamp|string"):
        parse_repository("https://github.com/a/b", {**answer, field: value}, since)


# -- splitting --------------------------------------------------------------------------------------------


def test_split_when_the_query_costs_too_much() -> None:
    table = specs(50)
    with FakeGitHub(table, max_cost=2) as gh:
        run = fetch(gh, urls(table))
    assert gh.requests[0].cost == 4, "50 repositories x 7 connections = 350 requests -> 4 points"
    assert [r.repos for r in gh.requests] == [50, 25, 25]
    assert run.stats.split_batches == 1 and run.stats.fetched == 50 and run.sleeps == []


def test_split_when_the_node_limit_is_exceeded() -> None:
    table = specs(50)
    with FakeGitHub(table, max_nodes=3_000) as gh:
        run = fetch(gh, urls(table))
    assert run.stats.fetched == 50 and run.stats.split_batches > 0
    assert all(r.nodes <= 3_000 for r in gh.requests if not r.refused)
    assert any(r.nodes > 3_000 for r in gh.requests if r.refused)
    assert all(r.repos <= 13 for r in gh.requests[-4:])


def test_one_repository_too_costly_fails_alone() -> None:
    table = specs(2)
    with FakeGitHub(table, max_nodes=10) as gh:
        run = fetch(gh, urls(table))
    assert [r.repos for r in gh.requests] == [2, 1, 1]
    assert {e.kind for e in run.errors()} == {"refused"} and run.stats.failed == 2


@pytest.mark.parametrize("status", [502, 504])
def test_split_on_gateway_timeout(status: int) -> None:
    table = specs(50)
    with FakeGitHub(table) as gh:
        gh.faults.append(Fault(status=status, min_repos=26, times=None))
        run = fetch(gh, urls(table))
    assert [r.repos for r in gh.requests] == [50, 25, 25]
    assert run.stats.split_batches == 1 and run.stats.fetched == 50


def test_split_on_graphql_timeout_error() -> None:
    message = (
        "Something went wrong while executing your query. This may be the result of a timeout, "
        "or it could be a GitHub bug. Please include `ABCD:1234` when reporting this issue."
    )
    table = specs(40)
    with FakeGitHub(table) as gh:
        gh.faults.append(Fault(errors=[{"message": message}], min_repos=11, times=None))
        run = fetch(gh, urls(table))
    assert [r.repos for r in gh.requests] == [40, 20, 10, 10, 20, 10, 10]
    assert run.stats.split_batches == 3 and run.stats.fetched == 40


def test_a_single_repository_that_keeps_timing_out_is_retried_then_fails() -> None:
    table = specs(2)
    with FakeGitHub(table) as gh:
        gh.faults.append(Fault(status=502, times=None))
        run = fetch(gh, urls(table), retry=RetryPolicy(attempts=3))
    assert [r.repos for r in gh.requests] == [2, 1, 1, 1, 1, 1, 1]
    assert {e.kind for e in run.errors()} == {"timeout"} and run.stats.retries == 4


# -- partial answers, renames ----------------------------------------------------------------------------


def test_partial_errors_fail_only_their_repositories() -> None:
    table = specs(10)
    with FakeGitHub(table) as gh:
        gh.hidden.add("org/repo-3")
        gh.repo_errors["org/repo-4"] = {
            "type": "FORBIDDEN",
            "message": "Resource protected by SAML enforcement.",
        }
        gh.repo_errors["org/repo-5"] = {"type": "INTERNAL", "message": "oops"}
        run = fetch(gh, [*urls(table), "https://github.com/gone/away"])
    assert len(gh.requests) == 1 and run.stats.fetched == 7
    assert run.error("https://github.com/gone/away").kind == "not-found"
    assert "gone/away" in run.error("https://github.com/gone/away").message
    assert run.error("https://github.com/org/repo-3").kind == "not-found"
    assert run.error("https://github.com/org/repo-4").kind == "refused"
    assert "SAML" in run.error("https://github.com/org/repo-4").message
    assert run.error("https://github.com/org/repo-5").kind == "server"
    assert run.stats.errors == {"not-found": 2, "refused": 1, "server": 1}


def test_a_per_repository_timeout_is_retried_alone() -> None:
    table = specs(5)
    with FakeGitHub(table) as gh:
        gh.repo_errors["org/repo-2"] = {"type": "TIMEOUT", "message": "Timeout on validation of query"}
        run = fetch(gh, urls(table), retry=RetryPolicy(attempts=2))
    assert [r.repos for r in gh.requests] == [5, 1]
    assert run.error("https://github.com/org/repo-2").kind == "timeout" and run.stats.fetched == 4


def test_rename_is_reported_with_the_new_name() -> None:
    with FakeGitHub([repo("NewOwner/new-name", stars=5)]) as gh:
        gh.rename("oldowner/old-name", "NewOwner/new-name")
        run = fetch(gh, ["https://github.com/oldowner/old-name"])
    facts = run.facts("https://github.com/oldowner/old-name")
    assert facts.requested == "https://github.com/oldowner/old-name"
    assert facts.name_with_owner == "NewOwner/new-name" and facts.renamed and facts.stars == 5


def test_a_url_that_names_no_repository_is_not_sent() -> None:
    with FakeGitHub(specs(1)) as gh:
        run = fetch(gh, ["https://github.com/org", "https://github.com/org/repo-0"])
    assert run.error("https://github.com/org").kind == "not-found"
    assert [r.repos for r in gh.requests] == [1]


# -- retries ----------------------------------------------------------------------------------------------


def test_retry_on_500_then_success() -> None:
    table = specs(3)
    policy = RetryPolicy(attempts=4, base_delay=0.5, max_delay=30)
    with FakeGitHub(table) as gh:
        gh.faults.append(Fault(status=500, times=2))
        run = fetch(gh, urls(table), retry=policy)
    assert [r.status for r in gh.requests] == [500, 500, 200]
    assert run.stats.retries == 2 and run.stats.fetched == 3
    assert len(run.sleeps) == 2
    assert 0.25 <= run.sleeps[0] <= 0.5 and 0.5 <= run.sleeps[1] <= 1.0, "backoff with jitter"


def test_server_errors_exhaust_the_retries() -> None:
    table = specs(3)
    with FakeGitHub(table) as gh:
        gh.faults.append(Fault(status=503, times=None))
        run = fetch(gh, urls(table), retry=RetryPolicy(attempts=3))
    assert len(gh.requests) == 3 and len(run.sleeps) == 2
    assert {e.kind for e in run.errors()} == {"server"} and run.stats.failed == 3


def test_stop_when_github_keeps_failing() -> None:
    table = specs(500)
    with FakeGitHub(table) as gh:
        gh.faults.append(Fault(status=500, times=None))
        run = fetch(gh, urls(table), batch_size=10)
    assert len(gh.requests) == 16, "stops after 16 failed requests in a row"
    assert run.stats.failed == 500 and {e.kind for e in run.errors()} == {"server"}
    assert "in a row" in run.error(urls(table)[-1]).message


def test_client_timeout_is_retried() -> None:
    table = specs(3)
    with FakeGitHub(table) as gh:
        gh.faults.append(Fault(delay=1.0, times=1))
        run = fetch(gh, urls(table), timeout=0.3)
    assert run.stats.retries == 1 and run.stats.fetched == 3 and run.stats.split_batches == 0


def test_connection_refused_is_a_network_error() -> None:
    with FakeGitHub() as gh:
        url = gh.url
    client = GitHubClient(url, [TOKEN], sleep=lambda _: None, retry=RetryPolicy(attempts=2))
    results: dict[str, RepoFacts | FetchError] = {}
    stats = client.fetch(["https://github.com/a/b"], results.__setitem__)
    assert stats.requests == 2 and isinstance(results["https://github.com/a/b"], FetchError)
    assert results["https://github.com/a/b"].kind == "network"


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'{"data": 3}', b'{"errors": "no"}', b'{"data": {"r0": {"url": 1}}, "x": 1}'],
)
def test_malformed_answers_are_retried(body: bytes) -> None:
    table = specs(1)
    with FakeGitHub(table) as gh:
        gh.faults.append(Fault(body=body, times=1))
        run = fetch(gh, urls(table))
    if b'"r0"' in body:  # one repository's entry has the wrong shape: that repository fails, not the batch
        assert run.error(urls(table)[0]).kind == "malformed" and len(gh.requests) == 1
    else:
        assert run.stats.retries == 1 and run.stats.fetched == 1 and len(run.sleeps) == 1


def test_malformed_answers_fail_the_batch_after_the_retries() -> None:
    table = specs(4)
    with FakeGitHub(table) as gh:
        gh.faults.append(Fault(body=b"<html>oops</html>", times=None))
        run = fetch(gh, urls(table), retry=RetryPolicy(attempts=3))
    assert len(gh.requests) == 3 and {e.kind for e in run.errors()} == {"malformed"}


def test_an_answer_nested_too_deeply_fails_the_batch_without_a_traceback() -> None:
    table = specs(2)
    with FakeGitHub(table) as gh:
        gh.faults.append(Fault(body=b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", times=None))
        run = fetch(gh, urls(table))
    assert len(gh.requests) == 1 and {e.kind for e in run.errors()} == {"malformed"}
    assert "nested too deeply" in run.errors()[0].message


def test_an_answer_that_inflates_past_the_limit_fails_the_batch_at_once() -> None:
    table = specs(2)
    bomb = gzip.compress(b" " * (MAX_ANSWER_BYTES + 2**20))  # about 65 KB on the wire
    with FakeGitHub(table) as gh:
        gh.faults.append(Fault(body=bomb, headers={"Content-Encoding": "gzip"}, times=None))
        run = fetch(gh, urls(table))
    assert len(gh.requests) == 1 and {e.kind for e in run.errors()} == {"malformed"}
    assert "the answer is over 64 MB once decoded" in run.errors()[0].message


# -- rate limits ------------------------------------------------------------------------------------------


def primary_limit(reset_in: float, **kwargs: Any) -> Fault:
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(time.time() + reset_in))}
    return Fault(status=403, headers=headers, **kwargs)


def test_primary_rate_limit_waits_when_the_wait_is_short() -> None:
    table = specs(60)
    with FakeGitHub(table) as gh:
        gh.faults.append(primary_limit(30, times=1))
        run = fetch(gh, urls(table))
    assert run.stats.fetched == 60 and len(run.sleeps) == 1 and 25 <= run.sleeps[0] <= 31
    assert [r.status for r in gh.requests] == [403, 200, 200]


def test_a_limit_that_resets_soon_every_time_is_waited_for_twice_its_longest_wait_at_most() -> None:
    table = specs(3)
    with FakeGitHub(table) as gh:
        gh.faults.append(primary_limit(100, times=None))  # "reset in 100 s", answer after answer
        run = fetch(gh, urls(table))
    assert len(run.sleeps) == 2 and sum(run.sleeps) <= 2 * RetryPolicy().max_wait  # not 5 waits
    assert {e.kind for e in run.errors()} == {"rate-limited"} and len(gh.requests) == 3


@pytest.mark.parametrize(
    ("retry_after", "said"),
    [("600", "about 10 min"), ("18000", "about 5 h"), ("99999999999999999999999", "more than two days")],
)
def test_a_long_rate_limit_is_told_in_words_that_fit(retry_after: str, said: str) -> None:
    """A server may ask for any wait: it read "about 1666666666666666491904 min"."""
    table = specs(1)
    with FakeGitHub(table) as gh:
        gh.faults.append(Fault(status=403, headers={"Retry-After": retry_after}, times=None))
        run = fetch(gh, urls(table))
    error = run.error(urls(table)[0])
    assert error.kind == "rate-limited" and error.message.startswith(f"the rate limit is used up for {said}")


def test_a_redirect_is_not_followed_with_the_query() -> None:
    table = specs(2)
    with FakeGitHub(table) as gh:
        gh.faults.append(Fault(status=307, headers={"Location": "http://127.0.0.2:9/graphql"}, times=None))
        run = fetch(gh, urls(table))
    assert len(gh.requests) == 1 and {e.kind for e in run.errors()} == {"refused"}
    assert "GitHub answered HTTP 307" in run.errors()[0].message


def test_secondary_rate_limit_honours_retry_after() -> None:
    table = specs(3)
    with FakeGitHub(table) as gh:
        gh.faults.append(Fault(status=429, headers={"Retry-After": "7"}, times=1))
        run = fetch(gh, urls(table))
    assert run.sleeps == [pytest.approx(7.0, abs=0.5)] and run.stats.fetched == 3


def test_rate_limit_error_in_a_graphql_answer() -> None:
    table = specs(3)
    with FakeGitHub(table) as gh:
        gh.faults.append(Fault(errors=[{"type": "RATE_LIMITED", "message": "API rate limit exceeded"}]))
        run = fetch(gh, urls(table))
    assert run.sleeps == [pytest.approx(60.0, abs=0.5)] and run.stats.fetched == 3


def test_rate_limit_stop_leaves_resumable_errors() -> None:
    table = specs(120)
    with FakeGitHub(table) as gh:
        gh.faults.append(primary_limit(3600, times=None, after=1))
        run = fetch(gh, urls(table))
        assert run.stats.fetched == 50 and run.stats.failed == 70 and run.sleeps == []
        errors = run.errors()
        assert {e.kind for e in errors} == {"rate-limited"}
        assert all(e.retry_after is not None and 3500 < e.retry_after <= 3600 for e in errors)
        assert "fetches only what is missing" in errors[0].message
        gh.faults.clear()
        again = fetch(gh, [e.key for e in errors])
    assert again.stats.fetched == 70 and [r.repos for r in gh.requests[-2:]] == [50, 20]


def test_a_token_is_rested_before_github_refuses_it() -> None:
    table = specs(200)
    with FakeGitHub(table, budget=8) as gh:
        run = fetch(gh, urls(table))
    assert len(gh.requests) == 2, "cost 4 each: after two the budget is spent and no third request is sent"
    assert run.stats.fetched == 100 and run.stats.errors == {"rate-limited": 100}


def test_tokens_rotate_and_skip_an_exhausted_one() -> None:
    table = specs(250)
    with FakeGitHub(table) as gh:
        gh.faults.append(primary_limit(3600, token=TOKEN_B, times=None))
        tokens = tokens_from_env({"GITHUB_TOKENS": f"{TOKEN},{TOKEN_B},{TOKEN_C}", "GITHUB_TOKEN": "unused"})
        run = fetch(gh, urls(table), tokens=tokens)
    assert run.stats.fetched == 250 and run.sleeps == []
    assert [r.token for r in gh.requests] == [TOKEN, TOKEN_B, TOKEN_C, TOKEN, TOKEN_C, TOKEN]
    assert [r.status for r in gh.requests] == [200, 403, 200, 200, 200, 200]


def test_every_token_exhausted_waits_for_the_first_reset() -> None:
    table = specs(10)
    with FakeGitHub(table) as gh:
        gh.faults.append(primary_limit(40, token=TOKEN, times=1))
        gh.faults.append(primary_limit(20, token=TOKEN_B, times=1))
        run = fetch(gh, urls(table), tokens=[TOKEN, TOKEN_B])
    assert len(run.sleeps) == 1 and 15 <= run.sleeps[0] <= 21 and run.stats.fetched == 10


# -- tokens and secrets -------------------------------------------------------------------------------------


def test_a_refused_token_fails_every_remaining_repository() -> None:
    table = specs(120)
    with FakeGitHub(table, tokens={"ghp_someOtherValidToken000000000000000"}) as gh:
        run = fetch(gh, urls(table))
    assert len(gh.requests) == 1 and run.stats.errors == {"auth": 120}
    assert "refused the token" in run.errors()[0].message


def test_a_refused_token_among_several_is_dropped() -> None:
    table = specs(120)
    with FakeGitHub(table, tokens={TOKEN_B}) as gh:
        run = fetch(gh, urls(table), tokens=[TOKEN, TOKEN_B])
    assert run.stats.fetched == 120
    assert [r.token for r in gh.requests] == [TOKEN, TOKEN_B, TOKEN_B, TOKEN_B]


def test_tokens_never_leak(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    """GitHub (or a proxy) echoing the token must not carry it into a message, a log or an exception."""
    caplog.set_level(logging.DEBUG)
    table = specs(6)
    echo = f"bad credentials for bearer {TOKEN} / {TOKEN_B}"
    with FakeGitHub(table, tokens={TOKEN_B}) as gh:
        gh.faults.append(Fault(status=500, body=json.dumps({"message": echo}).encode(), times=1))
        gh.faults.append(
            Fault(status=403, headers={"Retry-After": "1"}, body=json.dumps({"message": echo}).encode())
        )
        gh.faults.append(Fault(errors=[{"message": f"Something went wrong {TOKEN}"}], min_repos=2))
        gh.repo_errors["org/repo-1"] = {"type": "FORBIDDEN", "message": echo}
        gh.repo_errors["org/repo-2"] = {"type": "OOPS", "message": echo}
        gh.faults.append(Fault(status=401, body=json.dumps({"message": echo}).encode(), token=TOKEN))
        run = fetch(gh, urls(table), tokens=[TOKEN, TOKEN_B])
        own = f"bad credentials for bearer {TOKEN}"
        gh.faults.append(Fault(status=401, body=json.dumps({"message": own}).encode()))
        refused = fetch(gh, urls(table), tokens=[TOKEN])
    texts = [e.message for e in run.errors() + refused.errors()]
    assert any("***" in t for t in texts)
    captured = capsys.readouterr()
    for text in [*texts, caplog.text, captured.out, captured.err]:
        assert TOKEN not in text and TOKEN_B not in text
    with pytest.raises(ValueError) as info:
        GitHubClient("http://example.invalid/graphql", [TOKEN])
    assert TOKEN not in str(info.value) and TOKEN not in repr(info.value)


def test_auth_header_on_every_request_even_after_splits_and_retries() -> None:
    table = specs(60)
    with FakeGitHub(table, max_cost=2) as gh:
        gh.faults.append(Fault(status=500, times=1))
        gh.faults.append(Fault(status=429, headers={"Retry-After": "1"}, times=1))
        fetch(gh, urls(table), tokens=[TOKEN, TOKEN_B])
    assert len(gh.requests) >= 5
    assert all(
        r.headers.get("authorization") in (f"bearer {TOKEN}", f"bearer {TOKEN_B}") for r in gh.requests
    )


# -- the fake enforces GitHub's limits -----------------------------------------------------------------------


def post(gh: FakeGitHub, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = {"query": query, "variables": variables}
    answer = httpx.post(gh.url, json=body, headers={"Authorization": f"bearer {TOKEN}"})
    result: dict[str, Any] = answer.json()
    return result


def test_fake_rejects_more_than_100_repositories_and_pages_over_100() -> None:
    table = specs(101)
    since = "2020-01-01T00:00:00Z"
    variables: dict[str, Any] = {"since": since}
    for i, r in enumerate(table):
        variables[f"o{i}"], variables[f"n{i}"] = r["nameWithOwner"].split("/")
    with FakeGitHub(table) as gh:
        too_many = post(gh, build_query(101), variables)
        too_long = post(gh, build_query(1).replace("first: 100", "first: 101"), variables)
        unbounded = post(gh, build_query(1).replace("releases(first: 100, ", "releases("), variables)
        fine = post(gh, build_query(100), variables)
    assert "at most 100" in too_many["errors"][0]["message"] and "data" not in too_many
    assert {e["type"] for e in too_long["errors"]} == {"EXCESSIVE_PAGINATION"}
    assert {e["type"] for e in unbounded["errors"]} == {"MISSING_PAGINATION_BOUNDARIES"}
    assert len(fine["data"]) == 101 and "errors" not in fine
    assert gh.requests[-1].repos == 100 and gh.requests[-1].cost == 7


# -- the query against GitHub's published schema --------------------------------------------------------------


def test_query_is_valid_against_githubs_schema() -> None:
    if not SCHEMA_FILE.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SCHEMA_FILE} is missing: npm install --prefix .tools @octokit/graphql-schema")
        pytest.skip("GitHub's schema is absent: run `npm install --prefix .tools @octokit/graphql-schema`")
    # GitHub's SDL breaks two rules graphql-core checks (a field defined twice, deprecations on
    # interface fields); neither matters for validating a query against it.
    schema = graphql.build_schema(
        SCHEMA_FILE.read_text(encoding="utf-8"), assume_valid=True, assume_valid_sdl=True
    )
    for weekly in (True, False):
        document = graphql.parse(build_query(50, weekly=weekly))
        assert graphql.validate(schema, document) == []
    broken = graphql.parse(build_query(1).replace("stargazerCount", "stargazersCount"))
    assert graphql.validate(schema, broken), "the check does catch a wrong field"
