"""Numbers written as short as they can be: exactly, except path and polygon coordinates, which
are rounded to 1/PRECISION of the shape's size; path segments are written relative or absolute,
whichever is shorter."""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Sequence
from typing import Any, Final

from torchscape.site.logos.allowlists import _NUMERIC

#: Path and polygon coordinates are rounded to a power-of-ten step of at most 1/PRECISION of the
#: shape's extent (the longer side of the box its points span), so no point moves by more than
#: 1/(2 * PRECISION) of the shape's size: invisible at any size a logo is shown at.
PRECISION: Final = 10_000
_MAX_DECIMALS: Final = 8
_MAX_COORDINATE: Final = 1e9

#: A number, read as far as it goes, as the SVG grammar reads one ("as much as possible") and
#: as `_NUMBER.findall` then splits a list: its quantifiers are possessive (`++`, `*+`, `?+` never
#: give back what they took). With plain ones, a run of digits that the rest of a pattern refused
#: was tried again split at every place (`\d+` then `\d*`): quadratic in the run where one number
#: is matched (`x="111...1!"`: 10,000 digits took 4 s), exponential in `_NUMBER_LIST`, where
#: numbers need no separator (`d="M111...1!"`: 18 digits took 5 s, each more twice as long). The
#: only lists no longer taken are those read whole only by splitting a number early (`1.1.` as
#: `1.` `1.`), which findall then read as `1.1` and dropped the rest of: such path data is now
#: kept as it is.
_NUMBER_SYNTAX: Final = r"[+-]?+(?:\d++\.?+\d*+|\.\d++)(?:[eE][+-]?+\d++)?+"
_NUMBER: Final = re.compile(_NUMBER_SYNTAX)
_NUMBER_WITH_UNIT: Final = re.compile(rf"({_NUMBER_SYNTAX})([a-z%]*+)")
_SEPARATOR: Final = re.compile(r"\s*,?\s*")
_COMMAND: Final = re.compile(r"([MmZzLlHhVvCcSsQqTtAa])")
_NUMBER_LIST: Final = re.compile(rf"\s*+(?:{_NUMBER_SYNTAX}(?:\s*+,?+\s*+{_NUMBER_SYNTAX})*+)?+\s*+")
#: What each argument of a path command is: x or y coordinate, r radius, a angle, f flag.
_ROLES: Final = {
    "M": "xy", "L": "xy", "T": "xy", "H": "x", "V": "y", "C": "xyxyxy", "S": "xyxy",
    "Q": "xyxy", "A": "rrafhxy", "Z": "",
}  # fmt: skip
_FLAG_ROLES: Final = "fh"
#: For commands whose arguments are all coordinates: 0 for each x, 1 for each y.
_AXES: Final = {
    command: tuple(0 if role == "x" else 1 for role in roles)
    for command, roles in _ROLES.items()
    if command != "A"
}

_Segment = tuple[str, list[str]]
#: The command a move's further coordinate pairs stand for: implicit lines.
_IMPLICIT: Final = {"M": "L", "m": "l"}


def _short_number(token: str) -> str:
    """The shortest spelling of a decimal number with the same value (`0.50` -> `.5`,
    `-0.0` -> `0`, `+3.` -> `3`); numbers with an exponent are only stripped of a `+`."""
    token = token.removeprefix("+")
    if "e" in token or "E" in token:
        return token
    sign = "-" if token.startswith("-") else ""
    whole, _, fraction = token.lstrip("-").partition(".")
    whole, fraction = whole.lstrip("0"), fraction.rstrip("0")
    if not whole and not fraction:
        return "0"
    return sign + whole + ("." + fraction if fraction else "")


@functools.lru_cache(maxsize=1 << 18)
def _fixed(units: int, decimals: int) -> str:
    """`units` steps of 10**-decimals, shortest spelling: (-15, 1) -> `-1.5`, (5, 2) -> `.05`."""
    if decimals == 0 or units == 0:
        return str(units)
    digits = str(abs(units)).rjust(decimals + 1, "0")
    whole, fraction = digits[:-decimals].lstrip("0"), digits[-decimals:].rstrip("0")
    return ("-" if units < 0 else "") + whole + ("." + fraction if fraction else "")


def _compact_value(name: str, value: str) -> str:
    """Numbers rewritten in a shorter form where the attribute holds numbers: exactly, except
    for path and polygon coordinates (see PRECISION)."""
    if name == "d":
        return _compact_path(value)
    if name == "points":
        return _compact_points(value)
    if name == "viewBox":
        return _compact_list(value)
    if name in ("transform", "gradientTransform", "patternTransform"):
        return _NUMBER.sub(lambda match: _short_number(match.group()), value)
    if name in _NUMERIC:
        parts = [_NUMBER_WITH_UNIT.fullmatch(part) for part in value.replace(",", " ").split()]
        if parts and all(parts):
            return " ".join(_short_number(m.group(1)) + m.group(2) for m in parts if m)
    return value


def _runs_apart(previous: str, token: str) -> bool:
    """Whether `token` can follow `previous` without a separator and still read as two numbers."""
    if token[0] == "-":
        return True
    exponent = "e" in previous or "E" in previous
    return token[0] == "." and "." in previous and not exponent


def _compact_list(value: str) -> str:
    """A list of numbers (a viewBox) with short numbers, one space apart.

    Only path data may run numbers together (`M1-2`): Firefox reads a viewBox or a points list
    as pieces between spaces and commas, each a whole number (a points piece may hold one `x-y`
    pair at most), and drops the attribute otherwise: a logo autocropped to
    `viewBox="-11.51 -11.51 598.52 152.52"` was drawn unscaled and cut off there when written
    `-11.51-11.51 598.52 152.52`.
    """
    tokens = _scan_numbers(value, 0, None)
    if tokens is None:
        return value
    return " ".join(_short_number(token) for token in tokens[0])


def _compact_points(value: str) -> str:
    """Polygon or polyline points, rounded (see PRECISION), one space apart."""
    scanned = _scan_numbers(value, 0, None)
    if scanned is None or not scanned[0] or len(scanned[0]) % 2:
        return value
    numbers = [float(token) for token in scanned[0]]
    decimals = _decimals(numbers[0::2], numbers[1::2])
    if decimals is None:
        return " ".join(_short_number(token) for token in scanned[0])
    scale = 10**decimals
    return " ".join(_fixed(round(number * scale), decimals) for number in numbers)  # see _compact_list


def _decimals(xs: list[float], ys: list[float]) -> int | None:
    """How many decimals keep coordinates within 1/PRECISION of their extent; None when they
    span nothing or are too large to round safely (then they are kept exactly)."""
    if not xs and not ys:
        return None
    if any(abs(v) > _MAX_COORDINATE for v in xs) or any(abs(v) > _MAX_COORDINATE for v in ys):
        return None
    extent = max(max(xs, default=0) - min(xs, default=0), max(ys, default=0) - min(ys, default=0))
    if extent <= 0:
        return None
    return min(_MAX_DECIMALS, max(0, math.ceil(math.log10(PRECISION / extent))))


def _skip_separator(text: str, position: int) -> int:
    """The position after the spaces and (at most one) comma at `position`."""
    match = _SEPARATOR.match(text, position)
    return position if match is None else match.end()


def _scan_numbers(text: str, position: int, count: int | None) -> tuple[list[str], int] | None:
    """Up to `count` (or all) numbers from `position`, separated by spaces or one comma; with
    no count, None unless the whole text is numbers."""
    tokens: list[str] = []
    position = _skip_separator(text, position)
    while position < len(text) and (count is None or len(tokens) < count):
        match = _NUMBER.match(text, position)
        if match is None:
            break
        tokens.append(match.group())
        position = _skip_separator(text, match.end())
    if count is None and position < len(text):
        return None
    return tokens, position


# --- path data -----------------------------------------------------------------------------------


def _compact_path(d: str) -> str:
    """Path data rounded (see PRECISION), each segment relative or absolute, whichever is
    shorter, repeated commands left implicit. Path data that does not follow the grammar is
    returned unchanged: browsers draw it up to the first error, and so it still will be."""
    segments = _parse_path(d)
    if segments is None:
        return d
    absolute = _absolute(segments)
    xs: list[float] = []
    ys: list[float] = []
    for command, values in absolute:
        if command == "H":
            xs.append(values[0])
        elif command == "V":
            ys.append(values[0])
        elif command == "A":
            xs.append(values[5])
            ys.append(values[6])
        else:  # x, y pairs (none for Z)
            xs += values[0::2]
            ys += values[1::2]
    decimals = _decimals(xs, ys)
    if decimals is None:
        return _format_path([(c, [_short_argument(c, i, a) for i, a in enumerate(args)])
                             for c, args in segments])  # fmt: skip
    return _format_path(_rounded(absolute, decimals))


def _short_argument(command: str, index: int, argument: str) -> str:
    """An argument in its shortest exact spelling (arc flags are single digits already)."""
    return argument if _ROLES[command.upper()][index] in _FLAG_ROLES else _short_number(argument)


def _parse_path(d: str) -> list[_Segment] | None:
    """The (command, arguments) segments of path data, or None when it is not well-formed."""
    pieces = _COMMAND.split(d)
    if pieces[0].strip() or len(pieces) < 3 or pieces[1] not in "mM":
        return None
    segments: list[_Segment] = []
    for command, text in zip(pieces[1::2], pieces[2::2], strict=True):
        upper = command.upper()
        arguments = _command_arguments(upper, text)
        if arguments is None:
            return None
        size = len(_ROLES[upper])
        if len(arguments) == size:  # one segment (a Z has none)
            segments.append((command, arguments))
            continue
        segments.append((command, arguments[:size]))
        repeated = _IMPLICIT.get(command, command)
        for index in range(size, len(arguments), size):
            segments.append((repeated, arguments[index : index + size]))
    return segments


def _command_arguments(command: str, text: str) -> list[str] | None:
    """All the arguments after one command letter (one or more segments' worth), or None."""
    size = len(_ROLES[command])
    if command == "A":
        return _arc_arguments(text)
    if not _NUMBER_LIST.fullmatch(text):
        return None
    arguments: list[str] = _NUMBER.findall(text)
    if (size == 0) != (not arguments) or (size and len(arguments) % size):
        return None
    return arguments


def _arc_arguments(text: str) -> list[str] | None:
    """The arguments of arc segments; the two flags are single digits (`a1 1 0 01.5.5`)."""
    arguments: list[str] = []
    position = _skip_separator(text, 0) if text.strip() else len(text)
    if position and text[:position].strip():  # a comma right after the command letter
        return None
    while position < len(text):
        for role in _ROLES["A"]:
            if role in _FLAG_ROLES:
                if position >= len(text) or text[position] not in "01":
                    return None
                arguments.append(text[position])
                position = _skip_separator(text, position + 1)
                continue
            match = _NUMBER.match(text, position)
            if match is None:
                return None
            arguments.append(match.group())
            position = _skip_separator(text, match.end())
    if not arguments or text[position:].strip() or text.rstrip().endswith(","):
        return None
    return arguments


def _absolute(segments: list[_Segment]) -> list[tuple[str, list[float]]]:
    """Segments with upper-case commands and absolute coordinates."""
    out: list[tuple[str, list[float]]] = []
    x = y = start_x = start_y = 0.0
    for command, arguments in segments:
        upper = command.upper()
        values = list(map(float, arguments))
        if upper == "Z":
            x, y = start_x, start_y
        elif upper == "H":
            if command == "h":
                values[0] += x
            x = values[0]
        elif upper == "V":
            if command == "v":
                values[0] += y
            y = values[0]
        else:
            if command == "a":
                values[5] += x
                values[6] += y
            elif command != upper:
                values[0::2] = [v + x for v in values[0::2]]
                values[1::2] = [v + y for v in values[1::2]]
            x, y = values[-2], values[-1]
            if upper == "M":
                start_x, start_y = x, y
        out.append((upper, values))
    return out


def _offset(value: float | int, role: str, x: float | int, y: float | int) -> Any:
    """A relative argument made absolute (or, with the negated point, the reverse)."""
    return value + x if role == "x" else value + y if role == "y" else value


def _end_point(
    command: str, values: Sequence[float | int], x: Any, y: Any, start_x: Any, start_y: Any
) -> tuple[Any, Any]:
    """The current point after an absolute segment."""
    if command == "Z":
        return start_x, start_y
    if command == "H":
        return values[0], y
    if command == "V":
        return x, values[0]
    return values[-2], values[-1]


def _rounded(absolute: list[tuple[str, list[float]]], decimals: int) -> list[_Segment]:
    """Segments on a grid of 10**-decimals, each in its shorter form, relative or absolute.

    Relative arguments are differences of rounded absolute points, so rounding errors do not
    add up along the path. Paths without arcs (nearly all) are spelled all at once.
    """
    if any(command == "A" for command, _ in absolute):
        return _rounded_with_arcs(absolute, decimals)
    scale = 10**decimals
    units = [round(v * scale) for _, values in absolute for v in values]
    relative: list[int] = []
    x = y = start_x = start_y = 0
    start = 0
    for command, values in absolute:
        end = start + len(values)
        if command == "Z":
            x, y = start_x, start_y
            continue
        segment = units[start:end]
        if command == "H":
            relative.append(segment[0] - x)
            x = segment[0]
        elif command == "V":
            relative.append(segment[0] - y)
            y = segment[0]
        else:
            relative.extend([u - (y if index & 1 else x) for index, u in enumerate(segment)])
            x, y = segment[-2], segment[-1]
            if command == "M":
                start_x, start_y = x, y
        start = end
    spelled_absolute = list(map(_fixed, units, itertools.repeat(decimals)))
    spelled_relative = list(map(_fixed, relative, itertools.repeat(decimals)))
    # Running totals of the spellings' lengths: a segment's two lengths are differences of them.
    absolute_lengths = list(itertools.accumulate(map(len, spelled_absolute), initial=0))
    relative_lengths = list(itertools.accumulate(map(len, spelled_relative), initial=0))
    out: list[_Segment] = []
    start = 0
    for command, values in absolute:
        end = start + len(values)
        if relative_lengths[end] - relative_lengths[start] <= absolute_lengths[end] - absolute_lengths[start]:
            out.append((command.lower(), spelled_relative[start:end]))
        else:
            out.append((command, spelled_absolute[start:end]))
        start = end
    return out


def _rounded_with_arcs(absolute: list[tuple[str, list[float]]], decimals: int) -> list[_Segment]:
    """`_rounded` for a path with arcs, whose radii, angles and flags are spelled apart."""
    scale = 10**decimals
    out: list[_Segment] = []
    x = y = start_x = start_y = 0
    for command, values in absolute:
        roles = _ROLES[command]
        if command == "A":
            units = [_to_units(v, role, scale) for v, role in zip(values, roles, strict=True)]
            relative = [_offset(u, role, -x, -y) for u, role in zip(units, roles, strict=True)]
            as_absolute = [_spell(u, role, decimals) for u, role in zip(units, roles, strict=True)]
            as_relative = [_spell(u, r, decimals) for u, r in zip(relative, roles, strict=True)]
        else:
            units = [round(v * scale) for v in values]
            point = (x, y)
            relative = [u - point[a] for u, a in zip(units, _AXES[command], strict=True)]
            as_absolute = [_fixed(u, decimals) for u in units]
            as_relative = [_fixed(u, decimals) for u in relative]
        shorter = sum(map(len, as_relative)) <= sum(map(len, as_absolute))
        out.append((command.lower(), as_relative) if shorter else (command, as_absolute))
        x, y = _end_point(command, units, x, y, start_x, start_y)
        if command == "M":
            start_x, start_y = x, y
    return out


def _to_units(value: float, role: str, scale: int) -> Any:
    """Coordinates and radii in grid steps; angles and flags as they are."""
    return round(value * scale) if role in "xyr" else value


def _spell(value: Any, role: str, decimals: int) -> str:
    """One argument of a rounded segment as text."""
    if role in _FLAG_ROLES:
        return str(int(value))
    if role == "a":
        return _short_number(f"{value:.3f}")
    return _fixed(int(value), decimals)


def _format_path(segments: list[_Segment]) -> str:
    """Path data from segments with spelled-out arguments: a command letter only where it
    changes (a line after a move of the same case is implicit), arc flags spaced, numbers
    joined as tightly as they still parse."""
    out: list[str] = []
    previous_command = previous_token = ""
    previous_flag = False
    for command, arguments in segments:
        implicit = (command == previous_command and command not in "mMzZ") or (
            previous_command + command in ("ML", "ml")
        )
        if not implicit:
            out.append(command)
            previous_token = ""
        roles = _ROLES[command.upper()]
        for token, role in zip(arguments, roles, strict=True):
            flag = role in _FLAG_ROLES
            if previous_token and (flag or previous_flag or not _runs_apart(previous_token, token)):
                out.append(" ")
            out.append(token)
            previous_token, previous_flag = token, flag
        previous_command = command
    return "".join(out)
