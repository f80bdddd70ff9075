"""A fake GitHub GraphQL endpoint: a real HTTP server on 127.0.0.1 with GitHub's limits and faults.

It executes each query with graphql-core against a subset of GitHub's schema (the fields
torchscape asks for, with GitHub's types), so aliases, variables, fragments and the answer's
shape are real. Before executing it enforces GitHub's limits the way GitHub describes them:

- at most `max_repos` (100) aliased `repository` fields per query;
- `first`/`last` at most 100 on every connection (EXCESSIVE_PAGINATION), and required on a
  connection whose nodes or edges are selected (MISSING_PAGINATION_BOUNDARIES);
- a node estimate (each connection's `first` times the product of its parents' `first`) over
  `max_nodes` (500,000) is refused with MAX_NODE_LIMIT_EXCEEDED;
- the rate-limit cost (connections to fetch, divided by 100, rounded, at least 1) over `max_cost`
  (off by default) is refused with a "complexity" error, and each token has a `budget` of points
  (RATE_LIMITED once spent).

Repositories are small dicts (`repo("owner/name", stars=3, ...)`); faults are `Fault` records
matched against each request in order. Every request is recorded (`.requests`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import graphql
from graphql import GraphQLError, GraphQLObjectType, GraphQLSchema

SDL = """
scalar DateTime
scalar GitTimestamp
scalar URI
enum IssueState { OPEN CLOSED }
enum OrderDirection { ASC DESC }
enum LanguageOrderField { SIZE }
enum ReleaseOrderField { CREATED_AT NAME }
input LanguageOrder { field: LanguageOrderField! direction: OrderDirection! }
input ReleaseOrder { field: ReleaseOrderField! direction: OrderDirection! }
type Query {
  repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
  rateLimit(dryRun: Boolean = false): RateLimit
}
type RateLimit { cost: Int! limit: Int! nodeCount: Int! remaining: Int! resetAt: DateTime! used: Int! }
type Repository {
  nameWithOwner: String! url: URI! description: String homepageUrl: URI
  stargazerCount: Int! forkCount: Int! createdAt: DateTime! pushedAt: DateTime
  isArchived: Boolean! isFork: Boolean!
  issues(states: [IssueState!], first: Int, last: Int): IssueConnection!
  mentionableUsers(first: Int, last: Int): UserConnection!
  licenseInfo: License
  primaryLanguage: Language
  languages(first: Int, last: Int, orderBy: LanguageOrder): LanguageConnection
  repositoryTopics(first: Int, last: Int): RepositoryTopicConnection!
  defaultBranchRef: Ref
  latestRelease: Release
  releases(first: Int, last: Int, orderBy: ReleaseOrder): ReleaseConnection!
}
type IssueConnection { totalCount: Int! }
type UserConnection { totalCount: Int! }
type License { spdxId: String }
type Language { name: String! }
type LanguageEdge { size: Int! node: Language! }
type LanguageConnection { edges: [LanguageEdge] totalCount: Int! totalSize: Int! }
type Topic { name: String! }
type RepositoryTopic { topic: Topic! }
type RepositoryTopicConnection { nodes: [RepositoryTopic] totalCount: Int! }
type Ref { name: String! target: GitObject }
interface GitObject { oid: String! }
type Tree implements GitObject { oid: String! }
type Commit implements GitObject {
  oid: String! committedDate: DateTime!
  history(first: Int, last: Int, since: GitTimestamp, until: GitTimestamp): CommitHistoryConnection!
}
type CommitHistoryConnection { nodes: [Commit] totalCount: Int! }
type Release { tagName: String! publishedAt: DateTime }
type ReleaseConnection { nodes: [Release] totalCount: Int! }
"""
SCHEMA: GraphQLSchema = graphql.build_schema(SDL)
FIRST_LIMIT = 100


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def days_ago(days: float) -> str:
    return iso(dt.datetime.now(dt.UTC) - dt.timedelta(days=days))


def repo(name_with_owner: str, **fields: Any) -> dict[str, Any]:
    """A repository for the table; `commits` and `releases` are newest first."""
    spec: dict[str, Any] = {
        "nameWithOwner": name_with_owner,
        "description": f"{name_with_owner} does things",
        "homepage": None,
        "stars": 0,
        "forks": 0,
        "issues": 0,
        "contributors": 1,
        "created": "2020-01-01T00:00:00Z",
        "pushed": days_ago(1),
        "archived": False,
        "fork": False,
        "license": "MIT",
        "language": "Python",
        "languages": [("Python", 1000)],
        "topics": [],
        "branch": "main",
        "commits": [days_ago(1)],  # committedDate strings, newest first
        "releases": [],  # (tagName, publishedAt or None), newest first
    }
    unknown = set(fields) - set(spec)
    assert not unknown, f"unknown repo fields {unknown}"
    spec.update(fields)
    return spec


@dataclass
class Fault:
    """An answer to give instead of the real one, to matching requests (in the order listed)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None  # raw body, e.g. malformed JSON
    errors: list[dict[str, Any]] | None = None  # GraphQL errors, answered with "data": null
    delay: float = 0.0  # seconds before answering (then the real answer unless status/body/errors set)
    times: int | None = 1  # how many requests it applies to; None = all
    after: int = 0  # matching requests to let through first
    token: str | None = None  # only requests with this token
    min_repos: int = 0  # only queries with at least this many repositories

    def replaces_answer(self) -> bool:
        return self.status != 200 or self.body is not None or self.errors is not None


@dataclass
class Recorded:
    headers: dict[str, str]
    query: str
    variables: dict[str, Any]
    repos: int  # aliased repository fields in the query
    token: str | None
    status: int = 0
    nodes: int = 0
    cost: int = 0
    response_bytes: int = 0
    seconds: float = 0.0  # time the server spent answering (latency included)
    refused: bool = False  # answered with errors and no data (limits, faults, invalid query)


@dataclass
class Estimate:
    nodes: int = 0
    requests: int = 0  # connections to fetch, each times its parents' `first`
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def cost(self) -> int:
        return max(1, round(self.requests / 100))


class FakeGitHub:
    """The fake endpoint. `with FakeGitHub([...]) as gh:` then point a client at `gh.url`."""

    def __init__(
        self,
        repos: Iterable[dict[str, Any]] = (),
        *,
        tokens: Iterable[str] | None = None,  # valid tokens; None: any token
        max_repos: int = 100,
        max_nodes: int = 500_000,
        max_cost: int | None = None,
        budget: int = 5_000,
        latency: float = 0.0,
    ) -> None:
        self.table = {r["nameWithOwner"].lower(): r for r in repos}
        self.renames: dict[str, str] = {}  # old owner/name (lowercase) -> current owner/name
        self.hidden: set[str] = set()  # answered null with no error
        self.repo_errors: dict[str, dict[str, Any]] = {}  # owner/name (lowercase) -> GraphQL error
        self.faults: list[Fault] = []
        self.requests: list[Recorded] = []
        self.tokens = set(tokens) if tokens is not None else None
        self.max_repos, self.max_nodes, self.max_cost = max_repos, max_nodes, max_cost
        self.budget, self.latency = budget, latency
        self.spent: dict[str | None, int] = {}
        self.reset_at = int(time.time()) + 3600
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/graphql"

    def __enter__(self) -> FakeGitHub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add(self, *repos: dict[str, Any]) -> None:
        self.table.update({r["nameWithOwner"].lower(): r for r in repos})

    def rename(self, old: str, new: str) -> None:
        self.renames[old.lower()] = new

    # -- answering ---------------------------------------------------------------------------------

    def answer(self, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, str], bytes, Recorded]:
        started = time.perf_counter()
        token = _token(headers)
        try:
            request = json.loads(raw)
            query, variables = str(request["query"]), dict(request.get("variables") or {})
            document = graphql.parse(query)
        except (ValueError, KeyError, TypeError, GraphQLError) as exc:
            record = Recorded(headers, raw.decode("utf-8", "replace"), {}, 0, token)
            return self._finish(record, started, 200, {}, {"errors": [{"message": f"Parse error: {exc}"}]})
        record = Recorded(headers, query, variables, _count_repos(document), token)
        if self.latency:
            time.sleep(self.latency)
        status, extra, body = self._respond(record, document, variables)
        return self._finish(record, started, status, extra, body)

    def _respond(
        self, record: Recorded, document: graphql.DocumentNode, variables: dict[str, Any]
    ) -> tuple[int, dict[str, str], Any]:
        fault = self._fault(record)
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.replaces_answer():
            body: Any = fault.body if fault.body is not None else {"data": None, "errors": fault.errors}
            if fault.status != 200 and fault.body is None and fault.errors is None:
                body = {"message": f"fault {fault.status}", "documentation_url": "https://docs.example/rest"}
            return fault.status, fault.headers, body
        if self.tokens is not None and record.token not in self.tokens:
            return 401, {}, {"message": "Bad credentials", "documentation_url": "https://docs.example/rest"}
        errors = graphql.validate(SCHEMA, document)
        if errors:
            return 200, {}, {"errors": [_github_error(e) for e in errors]}
        return self._execute(record, document, variables)

    def _execute(
        self, record: Recorded, document: graphql.DocumentNode, variables: dict[str, Any]
    ) -> tuple[int, dict[str, str], Any]:
        estimate = estimate_query(document, variables)
        record.nodes, record.cost = estimate.nodes, estimate.cost
        refusal = self._limits(record, estimate)
        if refusal:
            return 200, {}, {"errors": refusal}
        with self.lock:
            spent = self.spent.get(record.token, 0)
            if spent + estimate.cost > self.budget:
                headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(self.reset_at)}
                message = "API rate limit already exceeded for user ID 1."
                return 200, headers, {"errors": [{"type": "RATE_LIMITED", "message": message}]}
            self.spent[record.token] = spent = spent + estimate.cost
        root = _Root(self, estimate, self.budget - spent)
        result = graphql.execute_sync(SCHEMA, document, root_value=root, variable_values=variables)
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [_github_error(e) for e in result.errors]
        headers = {"X-RateLimit-Remaining": str(self.budget - spent), "X-RateLimit-Reset": str(self.reset_at)}
        return 200, headers, body

    def _limits(self, record: Recorded, estimate: Estimate) -> list[dict[str, Any]]:
        if record.repos > self.max_repos:
            message = (
                f"This query requests {record.repos} repositories; at most {self.max_repos} are allowed."
            )
            return [{"type": "EXCESSIVE_ALIASES", "message": message}]
        if estimate.problems:
            return estimate.problems
        if estimate.nodes > self.max_nodes:
            message = (
                f"This query requests up to {estimate.nodes:,} possible nodes which exceeds "
                f"the maximum limit of {self.max_nodes:,}."
            )
            return [{"type": "MAX_NODE_LIMIT_EXCEEDED", "message": message}]
        if self.max_cost is not None and estimate.cost > self.max_cost:
            message = (
                f"Query has complexity of {estimate.cost}, which exceeds max complexity of {self.max_cost}"
            )
            return [{"message": message}]
        return []

    def _fault(self, record: Recorded) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.token is not None and fault.token != record.token:
                    continue
                if record.repos < fault.min_repos or fault.times == 0:
                    continue
                if fault.after > 0:
                    fault.after -= 1
                    return None
                if fault.times is not None:
                    fault.times -= 1
                return fault
        return None

    def _finish(
        self, record: Recorded, started: float, status: int, headers: dict[str, str], body: Any
    ) -> tuple[int, dict[str, str], bytes, Recorded]:
        data = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode()
        record.status, record.response_bytes = status, len(data)
        record.refused = status != 200 or not isinstance(body, dict) or body.get("data") is None
        record.seconds = time.perf_counter() - started
        with self.lock:
            self.requests.append(record)
        return status, headers, data, record

    def lookup(self, owner: str, name: str) -> dict[str, Any] | None:
        key = f"{owner}/{name}".lower()
        if key in self.repo_errors:
            error = self.repo_errors[key]
            raise GraphQLError(error["message"], extensions={"type": error.get("type")})
        if key in self.hidden:
            return None
        key = self.renames.get(key, key).lower()
        if key not in self.table:
            message = f"Could not resolve to a Repository with the name '{owner}/{name}'."
            raise GraphQLError(message, extensions={"type": "NOT_FOUND"})
        return self.table[key]


# -- the query's size, as GitHub estimates it ---------------------------------------------------------


def estimate_query(document: graphql.DocumentNode, variables: Mapping[str, Any]) -> Estimate:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, graphql.FragmentDefinitionNode)
    }
    estimate = Estimate()
    for definition in document.definitions:
        if isinstance(definition, graphql.OperationDefinitionNode):
            _walk(definition.selection_set, SCHEMA.query_type, 1, fragments, variables, estimate)
    return estimate


def _walk(
    selections: graphql.SelectionSetNode,
    parent: Any,
    multiplier: int,
    fragments: Mapping[str, graphql.FragmentDefinitionNode],
    variables: Mapping[str, Any],
    estimate: Estimate,
) -> None:
    for node in selections.selections:
        if isinstance(node, graphql.FieldNode):
            _walk_field(node, parent, multiplier, fragments, variables, estimate)
        elif isinstance(node, graphql.InlineFragmentNode):
            kind = SCHEMA.get_type(node.type_condition.name.value) if node.type_condition else parent
            _walk(node.selection_set, kind, multiplier, fragments, variables, estimate)
        elif isinstance(node, graphql.FragmentSpreadNode):
            fragment = fragments[node.name.value]
            kind = SCHEMA.get_type(fragment.type_condition.name.value)
            _walk(fragment.selection_set, kind, multiplier, fragments, variables, estimate)


def _walk_field(
    node: graphql.FieldNode,
    parent: Any,
    multiplier: int,
    fragments: Mapping[str, graphql.FragmentDefinitionNode],
    variables: Mapping[str, Any],
    estimate: Estimate,
) -> None:
    name = node.name.value
    if name.startswith("__") or not isinstance(parent, GraphQLObjectType | graphql.GraphQLInterfaceType):
        return
    kind = graphql.get_named_type(parent.fields[name].type)
    if kind.name.endswith("Connection"):
        estimate.requests += multiplier
        size = _argument(node, "first", variables) or _argument(node, "last", variables)
        if size is not None and size > FIRST_LIMIT:
            estimate.problems.append(_pagination_error(name, size))
        if size is None and _selects_items(node):
            message = (
                f"You must provide a `first` or `last` value to properly paginate the `{name}` connection."
            )
            estimate.problems.append({"type": "MISSING_PAGINATION_BOUNDARIES", "message": message})
        multiplier *= size or 1
        estimate.nodes += multiplier
    if node.selection_set:
        _walk(node.selection_set, kind, multiplier, fragments, variables, estimate)


def _argument(node: graphql.FieldNode, name: str, variables: Mapping[str, Any]) -> int | None:
    for argument in node.arguments or ():
        if argument.name.value == name:
            value = graphql.value_from_ast_untyped(argument.value, dict(variables))
            return int(value) if value is not None else None
    return None


def _selects_items(node: graphql.FieldNode) -> bool:
    selections = node.selection_set.selections if node.selection_set else ()
    return any(isinstance(s, graphql.FieldNode) and s.name.value in ("nodes", "edges") for s in selections)


def _pagination_error(name: str, size: int) -> dict[str, Any]:
    message = f"Requesting {size} records on the `{name}` connection exceeds the `first` limit of {FIRST_LIMIT} records."
    return {"type": "EXCESSIVE_PAGINATION", "message": message}


def _count_repos(document: graphql.DocumentNode) -> int:
    count = 0
    for definition in document.definitions:
        if isinstance(definition, graphql.OperationDefinitionNode):
            fields = definition.selection_set.selections
            count += sum(
                1 for f in fields if isinstance(f, graphql.FieldNode) and f.name.value == "repository"
            )
    return count


# -- resolvers: the table's dicts as GitHub's objects -------------------------------------------------


class _Root:
    def __init__(self, fake: FakeGitHub, estimate: Estimate, remaining: int) -> None:
        self.fake, self.estimate, self.remaining = fake, estimate, remaining

    def repository(self, _info: Any, owner: str, name: str, followRenames: bool = True) -> Any:
        spec = self.fake.lookup(owner, name)
        return None if spec is None else _repository(spec)

    def rateLimit(self, _info: Any, dryRun: bool = False) -> dict[str, Any]:
        reset = dt.datetime.fromtimestamp(self.fake.reset_at, dt.UTC)
        return {
            "cost": self.estimate.cost,
            "limit": self.fake.budget,
            "nodeCount": self.estimate.nodes,
            "remaining": self.remaining,
            "resetAt": iso(reset),
            "used": self.fake.budget - self.remaining,
        }


def _repository(spec: dict[str, Any]) -> dict[str, Any]:
    owner_name = spec["nameWithOwner"]
    return {
        "nameWithOwner": owner_name,
        "url": f"https://github.com/{owner_name}",
        "description": spec["description"],
        "homepageUrl": spec["homepage"],
        "stargazerCount": spec["stars"],
        "forkCount": spec["forks"],
        "createdAt": spec["created"],
        "pushedAt": spec["pushed"],
        "isArchived": spec["archived"],
        "isFork": spec["fork"],
        "issues": lambda _info, **_: {"totalCount": spec["issues"]},
        "mentionableUsers": lambda _info, **_: {"totalCount": spec["contributors"]},
        "licenseInfo": {"spdxId": spec["license"]} if spec["license"] else None,
        "primaryLanguage": {"name": spec["language"]} if spec["language"] else None,
        "languages": lambda _info, first=None, **_: _languages(spec["languages"], first),
        "repositoryTopics": lambda _info, first=None, **_: _topics(spec["topics"], first),
        "defaultBranchRef": _branch(spec) if spec["branch"] else None,
        "latestRelease": _latest(spec["releases"]),
        "releases": lambda _info, first=None, **_: _releases(spec["releases"], first),
    }


def _languages(languages: list[tuple[str, int]], first: int | None) -> dict[str, Any]:
    edges = [{"size": size, "node": {"name": name}} for name, size in languages[:first]]
    return {"edges": edges, "totalCount": len(languages), "totalSize": sum(s for _, s in languages)}


def _topics(topics: list[str], first: int | None) -> dict[str, Any]:
    return {"nodes": [{"topic": {"name": t}} for t in topics[:first]], "totalCount": len(topics)}


def _branch(spec: dict[str, Any]) -> dict[str, Any]:
    commits: list[str] = spec["commits"]
    return {"name": spec["branch"], "target": _commit(commits, 0) if commits else None}


def _commit(commits: list[str], index: int) -> dict[str, Any]:
    def history(_info: Any, first: int | None = None, since: str | None = None, **_: Any) -> dict[str, Any]:
        later = commits[index:]
        if since is not None:
            later = [c for c in later if c >= since]
        nodes = [
            {"__typename": "Commit", "oid": f"c{i}", "committedDate": c} for i, c in enumerate(later[:first])
        ]
        return {"nodes": nodes, "totalCount": len(later)}

    return {"__typename": "Commit", "oid": f"c{index}", "committedDate": commits[index], "history": history}


def _latest(releases: list[tuple[str, str | None]]) -> dict[str, Any] | None:
    published = [(tag, at) for tag, at in releases if at]
    return {"tagName": published[0][0], "publishedAt": published[0][1]} if published else None


def _releases(releases: list[tuple[str, str | None]], first: int | None) -> dict[str, Any]:
    nodes = [{"tagName": tag, "publishedAt": at} for tag, at in releases[:first]]
    return {"nodes": nodes, "totalCount": len(releases)}


# -- HTTP ---------------------------------------------------------------------------------------------


def _github_error(error: GraphQLError) -> dict[str, Any]:
    """graphql-core's error in GitHub's shape (`type` at the top, as GitHub does)."""
    formatted: dict[str, Any] = dict(error.formatted)
    extensions = formatted.pop("extensions", None) or {}
    if "type" in extensions:
        formatted["type"] = extensions["type"]
    return formatted


def _token(headers: Mapping[str, str]) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token if scheme.lower() in ("bearer", "token") and token else None


def _handler(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms stalls

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                status, extra, body, _ = fake.answer(headers, raw)
            except Exception:  # a bug in the fake: answer 500 and show it, rather than hang up
                traceback.print_exc()
                status, extra, body = 500, {}, b'{"message": "fake crashed"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
