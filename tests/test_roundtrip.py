"""Round-trip fixes: only the named scalar changes; every other byte of the file stays."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE
from helpers import LEGACY_SAMPLE
from torchscape.catalog.fixes import Fix
from torchscape.catalog.roundtrip import EditError, apply_fixes
from torchscape.paths import bundled_dir

PHYSICS = ("Modeling", "AI for Science and Engineering", "PhysicsNeMo")


def fix(path: tuple[str, str, str], field: str, old: str, new: str) -> Fix:
    return Fix(item="x", path=path, field=field, old=old, new=new, reason="test")


def copy(src: Path, tmp: Path) -> Path:
    target = tmp / "landscape.yml"
    shutil.copyfile(src, target)
    return target


def test_fixture_changes_only_the_value(tmp_path: Path) -> None:
    data = copy(FIXTURE / "landscape.yml", tmp_path)
    before = data.read_bytes()
    old, new = "https://github.com/NVIDIA/physicsnemo", "https://github.com/NVIDIA/physicsnemo-core"
    result = apply_fixes(data, [fix(PHYSICS, "repo_url", old, new)])
    after = data.read_bytes()
    line = b"            repo_url: " + old.encode() + b"\n"
    assert before.count(line) == 1
    assert after == before.replace(line, b"            repo_url: " + new.encode() + b"\n")
    assert [f.new for f in result.applied] == [new] and result.skipped == []
    assert f"-            repo_url: {old}\n" in result.diff
    assert f"+            repo_url: {new}\n" in result.diff
    assert result.diff.startswith(f"--- {data}\n+++ {data}\n")
    assert [p.name for p in tmp_path.iterdir()] == ["landscape.yml"]  # no temporary file left


def test_fixture_several_fixes_and_a_refusal(tmp_path: Path) -> None:
    data = copy(FIXTURE / "landscape.yml", tmp_path)
    before = data.read_text(encoding="utf-8")
    fixes = [
        fix(PHYSICS, "homepage_url", "https://developer.nvidia.com/physicsnemo", "https://nvidia.com/pn"),
        fix(PHYSICS, "repo_url", "https://github.com/NVIDIA/other", "https://github.com/x/y"),
        fix(("Modeling", "Nope", "PhysicsNeMo"), "repo_url", "a", "b"),
        fix(PHYSICS, "extra.slack_url", "a", "b"),
    ]
    result = apply_fixes(data, fixes)
    assert result.applied == fixes[:1]
    reasons = [reason for _, reason in result.skipped]
    assert (
        "is now 'https://github.com/NVIDIA/physicsnemo', not 'https://github.com/NVIDIA/other'" in reasons[0]
    )
    assert "item not found" in reasons[1]
    assert "has no extra.slack_url" in reasons[2]
    after = data.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [
        (
            "            homepage_url: https://developer.nvidia.com/physicsnemo",
            "            homepage_url: https://nvidia.com/pn",
        )
    ]


def test_nothing_written_without_write_or_when_nothing_applies(tmp_path: Path) -> None:
    data = copy(FIXTURE / "landscape.yml", tmp_path)
    before = data.read_bytes()
    old = "https://github.com/NVIDIA/physicsnemo"
    result = apply_fixes(data, [fix(PHYSICS, "repo_url", old, "https://github.com/a/b")], write=False)
    assert "+            repo_url: https://github.com/a/b" in result.diff
    assert data.read_bytes() == before
    result = apply_fixes(data, [fix(PHYSICS, "repo_url", "https://elsewhere", "https://b")])
    assert result.diff == "" and result.applied == [] and len(result.skipped) == 1
    assert data.read_bytes() == before


def test_plain_style_nested_field_on_bundled_catalog(tmp_path: Path) -> None:
    data = copy(bundled_dir() / "landscape.yml", tmp_path)
    before = data.read_text(encoding="utf-8")
    path = ("Modeling", "AI for Science and Engineering", "e3nn")
    result = apply_fixes(
        data, [fix(path, "extra.documentation_url", "https://docs.e3nn.org/", "https://e3nn.org/d")]
    )
    assert len(result.applied) == 1
    after = data.read_text(encoding="utf-8")
    assert after == before.replace(
        "              documentation_url: https://docs.e3nn.org/\n",
        "              documentation_url: https://e3nn.org/d\n",
        1,
    )
    loaded = yaml.safe_load(after)
    e3nn = loaded["categories"][0]["subcategories"][0]["items"][1]
    assert e3nn["extra"]["documentation_url"] == "https://e3nn.org/d"


def test_legacy_sample_quotes_crlf_bom_and_comments_survive(tmp_path: Path) -> None:
    text = LEGACY_SAMPLE.replace(
        "homepage_url: https://kornia.github.io", "homepage_url: 'http://kornia.github.io'  # old site"
    ).replace("homepage_url: https://pytorch.org/vision", 'homepage_url: "http://pytorch.org/vision"')
    data = tmp_path / "landscape.yml"
    data.write_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode())
    kornia = ("Modeling", "Vision", "Kornia")
    vision = ("Modeling", "Vision", "torchvision")
    fixes = [
        fix(kornia, "homepage_url", "http://kornia.github.io", "https://kornia.github.io/it's"),
        fix(vision, "homepage_url", "http://pytorch.org/vision", "https://pytorch.org/vision"),
    ]
    result = apply_fixes(data, fixes)
    assert len(result.applied) == 2
    expected = text.replace("'http://kornia.github.io'", "'https://kornia.github.io/it''s'").replace(
        '"http://pytorch.org/vision"', '"https://pytorch.org/vision"'
    )
    assert data.read_bytes() == ("\ufeff" + expected.replace("\n", "\r\n")).encode()


def test_values_that_need_quoting_are_quoted(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(LEGACY_SAMPLE, encoding="utf-8")
    kornia = ("Modeling", "Vision", "Kornia")
    hostile = "https://k.example/ #not a comment: {x}"
    apply_fixes(data, [fix(kornia, "homepage_url", "https://kornia.github.io", hostile)])
    loaded = yaml.safe_load(data.read_text(encoding="utf-8"))
    assert loaded["landscape"][0]["subcategories"][0]["items"][1]["homepage_url"] == hostile
    apply_fixes(data, [fix(kornia, "description", "Geometry.", "two\nlines\t'\"")])
    loaded = yaml.safe_load(data.read_text(encoding="utf-8"))
    assert loaded["landscape"][0]["subcategories"][0]["items"][1]["description"] == "two\nlines\t'\""


def test_same_value_fixed_twice_applies_once(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(LEGACY_SAMPLE, encoding="utf-8")
    kornia = ("Modeling", "Vision", "Kornia")
    fixes = [
        fix(kornia, "homepage_url", "https://kornia.github.io", f"https://k{i}.example") for i in range(2)
    ]
    result = apply_fixes(data, fixes)
    assert result.applied == fixes[:1]
    assert "another fix" in result.skipped[0][1]


def test_broken_file_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text("categories:\n  - name: [unclosed\n", encoding="utf-8")
    with pytest.raises(EditError, match=r"landscape\.yml:\d+: not valid YAML"):
        apply_fixes(data, [fix(PHYSICS, "repo_url", "a", "b")])


ANCHORED = """\
categories:
  - name: Cat
    subcategories:
      - name: Sub
        items:
          - name: A
            homepage_url: &h http://a.example/old
            logo: a.svg
          - {name: B, homepage_url: http://b.example/old, logo: b.svg}
          - name: C
            homepage_url: !!str http://c.example/old
            logo: c.svg
            extra:
              documentation_url: *h
"""


def test_anchors_flow_mappings_and_tags_in_the_way_of_fixes(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(ANCHORED, encoding="utf-8")
    at = {name: ("Cat", "Sub", name) for name in "ABC"}
    fixes = [
        # The anchor went with the old value, leaving `*h` undefined: every fix was refused with
        # "not valid YAML". Changing it would also change what the alias names: skipped.
        fix(at["A"], "homepage_url", "http://a.example/old", "https://a.example/new"),
        # A plain value in a flow mapping ends at `,` `}` `]`: a redirect there broke the file.
        fix(at["B"], "homepage_url", "http://b.example/old", "https://b.example/new,x}]"),
        fix(at["C"], "homepage_url", "http://c.example/old", "https://c.example/new"),  # tag kept
    ]
    result = apply_fixes(data, fixes)
    assert result.applied == fixes[1:]
    [(skipped, why)] = result.skipped
    assert skipped is fixes[0] and "anchor &h" in why
    text = data.read_text(encoding="utf-8")
    assert "homepage_url: &h http://a.example/old" in text and "documentation_url: *h" in text
    assert "homepage_url: !!str https://c.example/new" in text
    items = yaml.safe_load(text)["categories"][0]["subcategories"][0]["items"]
    assert [i["homepage_url"] for i in items] == [
        "http://a.example/old",
        "https://b.example/new,x}]",
        "https://c.example/new",
    ]
    assert items[1]["logo"] == "b.svg"


def test_a_value_shared_through_an_anchored_mapping_is_not_changed(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    shared = "            extra: &ex {documentation_url: http://docs.example/old}\n"
    text = ANCHORED.replace("            logo: a.svg\n", "            logo: a.svg\n" + shared)
    text = text.replace("              documentation_url: *h\n", "").replace(
        "            extra:\n", "            extra: *ex\n"
    )
    data.write_text(text, encoding="utf-8")
    change = fix(
        ("Cat", "Sub", "C"), "extra.documentation_url", "http://docs.example/old", "https://d.example"
    )
    result = apply_fixes(data, [change])
    assert result.applied == [] and "anchor &ex" in result.skipped[0][1]
    assert data.read_text(encoding="utf-8") == text


def test_one_fix_that_does_not_read_back_does_not_cost_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from torchscape.catalog import roundtrip

    data = tmp_path / "landscape.yml"
    data.write_text(LEGACY_SAMPLE, encoding="utf-8")
    kornia = ("Modeling", "Vision", "Kornia")
    spell = roundtrip.scalar_yaml
    # A spelling of a value that breaks the file (none is known since flow mappings are
    # handled: this stands for the next one found): the whole batch used to be refused.
    monkeypatch.setattr(
        roundtrip,
        "scalar_yaml",
        lambda value, *a, **k: "[broken" if "bad" in value else spell(value, *a, **k),
    )
    fixes = [
        fix(kornia, "homepage_url", "https://kornia.github.io", "https://bad.example"),
        fix(kornia, "description", "Geometry.", "Geometry, fixed."),
    ]
    result = apply_fixes(data, fixes)
    assert result.applied == fixes[1:]
    assert result.skipped[0][0] is fixes[0] and "could not be written back safely" in result.skipped[0][1]
    assert "landscape.yml" not in result.skipped[0][1]
    loaded = yaml.safe_load(data.read_text(encoding="utf-8"))
    kornia_item = loaded["landscape"][0]["subcategories"][0]["items"][1]
    assert (
        kornia_item["description"] == "Geometry, fixed."
        and kornia_item["homepage_url"] == "https://kornia.github.io"
    )


@pytest.mark.parametrize(
    "value", ["yes", "No", "on", "OFF", "y", "N", "12:30", "1_000", "0b101", "=", "2024-01-01", "null"]
)
def test_a_value_is_spelled_so_that_both_readers_read_it_back(value: str) -> None:
    """ruamel.yaml (YAML 1.2) judged `yes` safe to write plain; the catalog's reader (YAML 1.1)
    reads it as true, and `add` refused such a name or description."""
    from ruamel.yaml import YAML

    from torchscape.catalog.roundtrip import scalar_yaml

    for flow in (False, True):
        document = ("{{k: {}}}\n" if flow else "k: {}\n").format(scalar_yaml(value, flow=flow))
        assert yaml.load(document, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) == {"k": value}
        assert YAML(typ="safe", pure=True).load(document) == {"k": value}


TABBED = """\
categories:
- name: Cat
  subcategories:
  - name: Sub
    items:
    - name: A\t# a tab before a comment
      homepage_url:\thttp://a.example/old\t\t# tabs on both sides
      logo: a.svg
"""


def test_tabs_yaml_allows_do_not_stop_a_fix(tmp_path: Path) -> None:
    """ruamel.yaml refuses these tabs; the catalog's reader does not, and neither does YAML:
    `audit --fix` called the file "not valid YAML"."""
    data = tmp_path / "landscape.yml"
    data.write_text(TABBED, encoding="utf-8")
    change = fix(("Cat", "Sub", "A"), "homepage_url", "http://a.example/old", "https://a.example/new")
    result = apply_fixes(data, [change])
    assert result.applied == [change]
    assert data.read_text(encoding="utf-8") == TABBED.replace("http://a.example/old", "https://a.example/new")


def test_a_tab_the_editor_cannot_read_is_not_called_invalid_yaml(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    text = TABBED.replace("      logo: a.svg\n", "      logo: a.svg\n      description: Fast\tand small\n")
    data.write_text(text, encoding="utf-8")
    change = fix(("Cat", "Sub", "A"), "homepage_url", "http://a.example/old", "https://a.example/new")
    with pytest.raises(EditError) as caught:
        apply_fixes(data, [change])
    assert str(caught.value) == (
        f"{data}:9: the file is valid YAML, but the editor cannot handle the tab in column 24 "
        "(write spaces there); nothing was written"
    )
    assert data.read_text(encoding="utf-8") == text


def test_a_read_only_file_is_not_replaced(tmp_path: Path) -> None:
    """The temporary file renamed over it replaced it, mode and all. The mode bits are what is
    judged: the tests run as root, whom the mode does not stop."""
    data = tmp_path / "landscape.yml"
    data.write_text(LEGACY_SAMPLE, encoding="utf-8")
    data.chmod(0o444)
    change = fix(
        ("Modeling", "Vision", "Kornia"), "homepage_url", "https://kornia.github.io", "https://k.example"
    )
    try:
        with pytest.raises(EditError, match=r"landscape\.yml is read-only; nothing was written$"):
            apply_fixes(data, [change])
        assert data.read_text(encoding="utf-8") == LEGACY_SAMPLE
        assert "+            homepage_url: https://k.example" in apply_fixes(data, [change], write=False).diff
        assert [p.name for p in tmp_path.iterdir()] == ["landscape.yml"]
    finally:
        data.chmod(0o644)
