"""Our own scripts and stylesheets as the site ships them: without their whole-line comments.

The files under `static/` are written for the people who maintain them, with comments that say
why; visitors download them on every first visit, and on the home page they count toward its
budget (issue #3). Comments were a third of the scripts' compressed size.

Only comments that take whole lines go: a line that is a `//` comment, and a `/* ... */` block
that starts a line and ends one. Code is never rewritten, so what runs is what was tested.
This is a line scanner, not a parser, so it keeps to cases it can be sure of: a multi-line
template literal (a script's only construct in which such a line is text, not a comment) is
followed by counting backticks, and when that count does not come out even at the end of the
file the file ships as it is.
"""

from __future__ import annotations


def without_comments(text: str, *, script: bool) -> str:
    """`text` (a script when `script`, else a stylesheet) without its whole-line comments."""
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    in_template = False
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if not in_template and stripped.startswith("/*"):
            end = _block_end(lines, index)
            if end is not None:
                index = end + 1
                continue
        elif not in_template and script and stripped.startswith("//"):
            index += 1
            continue
        kept.append(line)
        if script:
            in_template ^= _backticks(line) % 2 == 1
        index += 1
    return text if in_template else "".join(kept)


def _block_end(lines: list[str], start: int) -> int | None:
    """The line on which the block comment starting `lines[start]` ends, when nothing follows
    it there; else None (the block is kept)."""
    first = lines[start].strip()[2:]
    for index in range(start, len(lines)):
        text = first if index == start else lines[index]
        if "*/" in text:
            return index if not text.split("*/", 1)[1].strip() else None
    return None


def _backticks(line: str) -> int:
    """Backticks on a line of code that are not escaped."""
    return sum(1 for i, c in enumerate(line) if c == "`" and (i == 0 or line[i - 1] != "\\"))
