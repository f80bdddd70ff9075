"""The explorer's browser logic (static/search.js, static/filters.js): its Node tests, run from pytest.

The tests themselves are in tests/js/ (Node's built-in test runner, no npm packages), so that
`make test` runs them too. Without Node they are skipped, except in CI (CI=true), where that fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
JS_TESTS = REPO / "tests" / "js"


def test_js_logic() -> None:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Node.js is missing: the tests of static/search.js and static/filters.js need `node`")
        pytest.skip(
            "Node.js is not installed: the tests of static/search.js and static/filters.js need `node`"
        )
    files = sorted(JS_TESTS.glob("*.test.mjs"))
    assert files, f"no *.test.mjs files in {JS_TESTS}"
    # Files, not the folder: newer Node versions read `node --test` arguments as glob patterns.
    result = subprocess.run(
        [node, "--test", "--test-reporter=tap", *(str(f.relative_to(REPO)) for f in files)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20_000:]
    assert "# fail 0" in output, output[-20_000:]
