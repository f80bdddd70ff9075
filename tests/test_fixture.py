"""The real PyTorch landscape validates, and its known quirks are reported as warnings."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import torchscape
from torchscape.errors import Code, Severity


def check_fixture(fixture_dir: Path) -> torchscape.CheckResult:
    return torchscape.check(
        fixture_dir / "landscape.yml",
        fixture_dir / "settings.yml",
        None,
        fixture_dir / "hosted_logos",
    )


def test_fixture_is_valid_with_warnings(fixture_dir: Path) -> None:
    result = check_fixture(fixture_dir)
    assert [p for p in result.problems if p.severity is Severity.ERROR] == []
    assert result.landscape is not None
    assert len(result.landscape) == 188
    assert len({i.id for i in result.landscape}) == 188


def test_fixture_known_quirks(fixture_dir: Path) -> None:
    problems = check_fixture(fixture_dir).problems
    not_repos = sorted(p.context[2] for p in problems if p.code is Code.NOT_A_REPOSITORY)
    assert not_repos == ["MONAI", "OpenMMLab", "Speedster", "Substra", "VISSL", "joeynmt"]
    unknown = Counter(
        p.field.split(".")[-1]
        for p in problems
        if p.code is Code.UNKNOWN_KEY and p.file.endswith("landscape.yml")
    )
    assert unknown == {"organization": 13, "facebook": 1}
    assert sum(p.code is Code.MISSING_DESCRIPTION for p in problems) == 2
    assert sum(p.code is Code.INSECURE_URL for p in problems) >= 5
    shared = [p for p in problems if p.code is Code.SHARED_CRUNCHBASE]
    assert any("organization/facebook" in p.message for p in shared)
    assert all("landscape2 shows its company data" in p.message for p in shared)
    assert [p.context[2] for p in problems if p.code is Code.LOGO_NOT_SVG] == ["Ray"]


def test_fixture_ids_and_statuses(fixture_dir: Path) -> None:
    landscape = torchscape.load(fixture_dir / "landscape.yml", fixture_dir / "settings.yml")
    pytorch = landscape.item("ptproject")  # its slug annotation
    assert pytorch.name == "PyTorch"
    assert [p.path for p in pytorch.placements] == [
        "PyTorch Projects / Foundation",
        "Training / General",
    ]
    statuses = Counter(i.status.value for i in landscape if i.status)
    assert statuses == {"archived": 68, "foundation": 6}
    assert landscape.item("pyro").status.label == "archived"  # type: ignore[union-attr]
