"""`torchscape schema`: in sync with the committed files, and true to real catalogs."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from helpers import LEGACY_SAMPLE
from torchscape.cli import main
from torchscape.paths import bundled_dir
from torchscape.schema import dumps, json_schema

COMMITTED = Path(__file__).resolve().parent.parent / "schema"
FILES = {
    "data": "landscape.schema.json",
    "settings": "settings.schema.json",
    "guide": "guide.schema.json",
}


@pytest.mark.parametrize("kind", sorted(FILES))
def test_committed_schema_is_in_sync(kind: str) -> None:
    committed = (COMMITTED / FILES[kind]).read_text(encoding="utf-8")
    assert committed == dumps(kind), "run: torchscape schema --kind {kind} -o schema/{FILES[kind]}"


@pytest.mark.parametrize("kind", sorted(FILES))
def test_schema_is_a_valid_json_schema(kind: str) -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema(kind))


@pytest.mark.parametrize(
    ("kind", "file"),
    [("data", "landscape.yml"), ("settings", "settings.yml"), ("guide", "guide.yml")],
)
def test_bundled_files_match_the_schema(kind: str, file: str) -> None:
    document = yaml.safe_load((bundled_dir() / file).read_text(encoding="utf-8"))
    jsonschema.validate(document, json_schema(kind))


def test_legacy_style_matches_the_schema() -> None:
    jsonschema.validate(yaml.safe_load(LEGACY_SAMPLE), json_schema("data"))


def test_typos_are_flagged_by_the_schema() -> None:
    document = yaml.safe_load(LEGACY_SAMPLE.replace("homepage_url:", "homepage:", 1))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, json_schema("data"))


def test_cli_writes_the_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "-o", str(tmp_path / "s.json")]) == 0
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == dumps("data")
    assert main(["schema", "--kind", "guide"]) == 0
    assert capsys.readouterr().out == dumps("guide")
