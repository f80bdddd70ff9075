"""Against the real services (opt-in: `pytest -m live`; never in CI). A handful of requests."""

from __future__ import annotations

import os

import pytest

from torchscape.sources.facts import FetchError, PackageFacts
from torchscape.sources.packages import PackageIndexClient, resolve_index_url

pytestmark = pytest.mark.live


def test_real_package_index_answers_for_two_packages() -> None:
    index_url, _ = resolve_index_url(None, dict(os.environ))
    results: dict[str, PackageFacts | FetchError] = {}
    PackageIndexClient(index_url, concurrency=2).fetch(
        ["packaging", "pyyaml"], lambda n, r: results.__setitem__(n, r)
    )
    assert all(isinstance(r, PackageFacts) and r.latest_version for r in results.values()), results
