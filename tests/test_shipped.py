"""The site's own scripts and stylesheets ship without their whole-line comments, and otherwise
exactly as written."""

from __future__ import annotations

import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from torchscape.site.shipped import without_comments

STATIC = Path(str(resources.files("torchscape.site") / "static"))


def test_whole_line_comments_go_and_code_stays() -> None:
    script = (
        "// a file's header\n"
        "/**\n"
        " * A block, over lines.\n"
        " */\n"
        "export function f(x) {\n"
        "  // why\n"
        "  const url = 'http://example.invalid/'; // a trailing comment stays\n"
        "  /* one line */\n"
        "  return x / 2 /* inline stays */ + url.length;\n"
        "}\n"
    )
    assert without_comments(script, script=True) == (
        "export function f(x) {\n"
        "  const url = 'http://example.invalid/'; // a trailing comment stays\n"
        "  return x / 2 /* inline stays */ + url.length;\n"
        "}\n"
    )


def test_a_template_literal_over_lines_keeps_its_text() -> None:
    script = "const html = `<p>\n// not a comment: text\n/* nor this */\n</p>`;\n// a comment\nconst y = 1;\n"
    assert without_comments(script, script=True) == (
        "const html = `<p>\n// not a comment: text\n/* nor this */\n</p>`;\nconst y = 1;\n"
    )


def test_a_block_with_code_after_it_is_kept() -> None:
    script = "/* a note\n   over two lines */ const z = 3;\nconst w = 4;\n"
    assert without_comments(script, script=True) == script


def test_backticks_that_do_not_pair_up_ship_the_file_as_it_is() -> None:
    script = "// a comment\nconst s = '`';\n// another\n"
    assert without_comments(script, script=True) == script


def test_stylesheets_lose_block_comments_only() -> None:
    sheet = "/* why the grid is so */\n.grid { display: grid; }\n// not a CSS comment\na { color: red; }\n"
    assert (
        without_comments(sheet, script=False)
        == ".grid { display: grid; }\n// not a CSS comment\na { color: red; }\n"
    )


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
@pytest.mark.parametrize("name", sorted(p.name for p in STATIC.glob("*.js")))
def test_each_shipped_script_still_parses(name: str, tmp_path: Path) -> None:
    source = (STATIC / name).read_text("utf-8")
    shipped = without_comments(source, script=True)
    assert len(shipped) < len(source)  # each of ours has comments to leave out
    module = tmp_path / f"{Path(name).stem}.mjs"
    module.write_text(shipped, "utf-8")
    check = subprocess.run(["node", "--check", str(module)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    # Nothing but comment lines went: the lines kept are the source's, in order.
    kept = iter(source.splitlines())
    for line in shipped.splitlines():
        for original in kept:
            if original == line:
                break
            assert original.strip().startswith(("//", "/*", "*")), original
        else:
            pytest.fail(f"{line!r} is not a line of {name}")
