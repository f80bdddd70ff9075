"""Shared helpers of the validators: schema errors with places, unknown keys, URL fields."""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import functools
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from torchscape.catalog.raw import LEGACY_MARKERS
from torchscape.catalog.urls import UrlProblem, check_url
from torchscape.catalog.yamlio import Mark, ParsedFile, YList, YMap, mark_of
from torchscape.errors import Code, Severity

Path_ = tuple[str | int, ...]

M = TypeVar("M", bound=BaseModel)

_ADAPTERS: dict[type[BaseModel], TypeAdapter[Any]] = {}


def field_name(loc: Iterable[str | int]) -> str:
    """`extra.other_links[0].url` from a location tuple."""
    text = ""
    for step in loc:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


@dataclass(slots=True)
class Scope:
    """Where the checks are: the file, the path to the current value, and the readable context."""

    parsed: ParsedFile
    path: Path_
    context: tuple[str, ...] = ()

    def at(self, *steps: str | int) -> Mark:
        return mark_of(self.parsed.root, self.path + steps)

    def report(
        self,
        steps: Path_,
        code: Code,
        message: str,
        severity: Severity = Severity.ERROR,
    ) -> None:
        """Record a problem about the value at `steps` below this scope."""
        self.parsed.problem(
            self.at(*steps),
            code,
            message,
            severity=severity,
            context=self.context,
            field=field_name(steps),
        )

    def warn(self, steps: Path_, code: Code, message: str) -> None:
        self.report(steps, code, message, Severity.WARNING)


def validate_model(model: type[M], value: Any, scope: Scope) -> M | None:
    """Validate `value` against `model`; every schema error becomes a problem with its place."""
    adapter = _ADAPTERS.get(model)
    if adapter is None:
        adapter = _ADAPTERS[model] = TypeAdapter(model)
    report_unknown_keys(model, value, scope, ())
    try:
        result: M = adapter.validate_python(value)
    except ValidationError as exc:
        failed = []
        alternatives: dict[tuple[Any, ...], list[str]] = {}
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            at, member = _union_member(value, loc)
            if member is not None:  # one error per kind the value could have been: said once
                alternatives.setdefault(at, []).append(_UNION_MEMBERS.get(member, member))
                failed.append(at)
                continue
            code, message = _describe(error)
            scope.report(loc, code, message)
            failed.append(loc)
        for at, kinds in alternatives.items():
            found = _value_at(value, at)
            what = "a list holding something else" if isinstance(found, list) else describe_value(found)
            scope.report(at, Code.WRONG_TYPE, f"must be {' or '.join(dict.fromkeys(kinds))}, not {what}")
        salvaged: M | None = _salvage(adapter, value, failed)
        return salvaged
    return result


#: How pydantic names the members of a union field (`tag: list[str] | str`) in an error's
#: location, in words.
_UNION_MEMBERS: Final = {
    "str": "text",
    "list[str]": "a list of texts",
    "int": "a whole number",
    "bool": "true or false",
}


def _union_member(value: Any, loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], str | None]:
    """For an error inside one member of a union field: the field's location and the member's
    name (pydantic puts it in the location, where no key of the input is); else (loc, None)."""
    current = value
    for index, step in enumerate(loc):
        in_list = isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current)
        if in_list or (isinstance(current, dict) and step in current):
            current = current[step]
        elif isinstance(step, str) and (step in _UNION_MEMBERS or "[" in step) and index:
            return loc[:index], step
        else:
            break
    return loc, None


def _value_at(value: Any, loc: tuple[Any, ...]) -> Any:
    for step in loc:
        value = value[step]
    return value


def _salvage(adapter: TypeAdapter[Any], value: Any, failed: list[tuple[Any, ...]]) -> Any:
    """Validate again without the values that failed, so that the other rules still run.

    The failures are already reported (and block a build); this only lets one run report more.
    A value missing a required field is dropped as a whole; a failed required field of the item
    itself leaves nothing to check, and then None is returned.
    """
    trimmed = _plain(value)
    for _ in range(4):
        for loc in sorted(failed, key=lambda loc: [str(step) for step in loc], reverse=True):
            if not loc:
                return None
            _delete(trimmed, loc)
        try:
            return adapter.validate_python(trimmed)
        except ValidationError as exc:
            failed = [_drop_target(e) for e in exc.errors(include_url=False)]
    return None


def _drop_target(error: Any) -> tuple[Any, ...]:
    loc = tuple(error["loc"])
    return loc[:-1] if error["type"] == "missing" else loc


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _delete(container: Any, loc: tuple[Any, ...]) -> None:
    if not loc:
        return
    for step in loc[:-1]:
        try:
            container = container[step]
        except (KeyError, IndexError, TypeError):
            return
    last = loc[-1]
    if isinstance(container, dict):
        container.pop(last, None)
    elif isinstance(container, list) and isinstance(last, int) and last < len(container):
        del container[last]


def _describe(error: Any) -> tuple[Code, str]:
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return Code.MISSING_FIELD, "is required"
    if value is None:
        return Code.EMPTY_VALUE, "is empty; it needs a value"
    expected = {
        "string_type": "text",
        "list_type": "a list",
        "model_type": "a mapping of keys to values",
        "model_attributes_type": "a mapping of keys to values",
        "dict_type": "a mapping of keys to values",
        "bool_parsing": "true or false",
        "bool_type": "true or false",
        "int_parsing": "a whole number",
        "int_type": "a whole number",
    }.get(kind)
    if expected:
        return Code.WRONG_TYPE, f"must be {expected}, not {describe_value(value)}"
    if kind == "value_error":
        return Code.INVALID_DATE, str(error["ctx"]["error"])
    return Code.INVALID_VALUE, str(error["msg"])


def describe_value(value: Any) -> str:
    """A short, safe description of a value for messages."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def report_unknown_keys(model: type[BaseModel], value: Any, scope: Scope, steps: Path_) -> None:
    """Warn about keys the model does not know, with a suggestion, and about true/false fields
    written some other way that still reads as one; recurse into known keys."""
    if not isinstance(value, YMap):
        return
    children = _children_of(model)
    marker = LEGACY_MARKERS.get(model)
    for key, child in value.items():
        if key == marker:
            if child is not None:
                message = f"the legacy '{key}:' marker has a value, which is ignored"
                scope.warn((*steps, key), Code.IGNORED_VALUE, message)
            continue
        nested = children.get(key)
        if nested is None:
            scope.warn((*steps, key), Code.UNKNOWN_KEY, unknown_key_message(key, model))
            continue
        if key in _flags_of(model) and isinstance(child, str) and child not in _YAML_BOOLEANS:
            _warn_loose_flag(child, scope, (*steps, key))
        for sub_model, many in nested:
            if many and isinstance(child, YList):
                for index, entry in enumerate(child):
                    report_unknown_keys(sub_model, entry, scope, (*steps, key, index))
            elif not many:
                report_unknown_keys(sub_model, child, scope, (*steps, key))


@functools.cache
def _flags_of(model: type[BaseModel]) -> frozenset[str]:
    """The model's true/false fields (`bool` or `bool | None`)."""
    return frozenset(
        name
        for name, info in model.model_fields.items()
        if info.annotation is bool or set(typing.get_args(info.annotation)) == {bool, type(None)}
    )


#: How YAML 1.2 (landscape2's) writes true and false; every value reaches the checks as text.
_YAML_BOOLEANS: Final = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})


def _warn_loose_flag(value: Any, scope: Scope, steps: Path_) -> None:
    """`enduser: yes`, `'yes'` or `1`: read as true (as landscapeapp's YAML 1.1 and JavaScript
    did), which landscape2 refuses; a value that reads as neither is the schema's error."""
    try:
        meaning = _FLAG.validate_python(value)
    except ValidationError:
        return
    message = (
        f"must be true or false, not {describe_value(value)}: it is read as {str(meaning).lower()} "
        "(landscape2 refuses it)"
    )
    scope.warn(steps, Code.WRONG_TYPE, message)


_FLAG: Final = TypeAdapter(bool)


@functools.cache
def _children_of(model: type[BaseModel]) -> dict[str, list[tuple[type[BaseModel], bool]]]:
    """For each field of a model, the models nested in it (computed once per model)."""
    return {name: _nested_models(info.annotation) for name, info in model.model_fields.items()}


def _nested_models(annotation: Any) -> list[tuple[type[BaseModel], bool]]:
    """The model types inside an annotation, and whether they are list entries."""
    found: list[tuple[type[BaseModel], bool]] = []
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, False)]
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found.extend(_nested_models(arg))
    elif origin is list:
        found.extend((m, True) for m, _ in _nested_models(typing.get_args(annotation)[0]))
    return found


def unknown_key_message(key: str, model: type[BaseModel]) -> str:
    """`unknown key 'x' (ignored); did you mean 'y'?`, looking at this level and the next."""
    known = list(model.model_fields)
    message = f"unknown key '{key}' (landscape2 ignores it, so its value is not used)"
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.8)
    if close:
        return f"{message}; did you mean '{close[0]}'?"
    nested = model.model_fields.get("extra")
    if nested is not None:
        for sub, _ in _nested_models(nested.annotation):
            for candidate in (key, f"{key}_url"):
                if candidate in sub.model_fields:
                    return f"{message}; did you mean 'extra.{candidate}'?"
    return message


def check_url_field(
    scope: Scope, steps: Path_, url: str | None, kind: str = "", *, allow_mailto: bool = False
) -> bool:
    """Check one URL field; report problems. True when the URL is usable."""
    if url is None:
        return False
    if not url.strip():
        scope.report(steps, Code.EMPTY_VALUE, "is empty; remove the key or give a URL")
        return False
    try:
        check_url(url, kind, allow_mailto=allow_mailto)
    except UrlProblem as exc:
        if exc.slip:  # harmless, and landscape2 takes it: shown as written
            scope.warn(steps, Code.BROKEN_URL, f"'{shorten(url)}' {exc}; it is linked as written")
            return True
        code = Code.UNSAFE_URL if exc.unsafe else Code.INVALID_URL
        scope.report(steps, code, f"'{shorten(url)}' {exc}" if not exc.unsafe else str(exc))
        return False
    return True


def shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


#: Names the "did you mean" hints of one check may compare in all. Each unknown name is compared
#: with every name it could have meant (up to 60 microseconds a pair for alike names of 20-odd
#: letters), so settings naming 2,000 unknown categories against 2,000 known ones took
#: minutes to validate; past this many comparisons (about 0.3 s) the hints stop. A real
#: landscape's typos cost a few hundred.
SUGGESTION_BUDGET: Final = 5_000
_suggestions_left: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "suggestions", default=None
)


@contextlib.contextmanager
def suggestion_budget(comparisons: int = SUGGESTION_BUDGET) -> Iterator[None]:
    """Bound the work of `suggest` within the block (one check of a landscape's files)."""
    token = _suggestions_left.set([comparisons])
    try:
        yield
    finally:
        _suggestions_left.reset(token)


def suggest(value: str, options: Iterable[str]) -> str:
    """`; did you mean 'x'?` or nothing (also once the budget of the check is spent)."""
    candidates = list(options)
    left = _suggestions_left.get()
    if left is not None:
        if left[0] < len(candidates):
            return ""
        left[0] -= len(candidates)
    close = difflib.get_close_matches(value, candidates, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def listing(names: Iterable[str], limit: int = 12) -> str:
    """Names joined with commas, at most `limit` of them, then how many more: messages that
    list what is known stay short when thousands are (each unknown value repeats the list)."""
    names = list(names)
    shown = ", ".join(shorten(name, 40) for name in names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"
