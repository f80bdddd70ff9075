"""`torchscape add` against files and upstream answers written to trip it: YAML 1.1 words,
aliases, a bare `items:`, tabs, hostile package links and descriptions, a read-only data file.
Real fake GitHub and package index servers on 127.0.0.1, real files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from fake_github import FakeGitHub, repo
from fake_index import FakeIndex, core_metadata, release
from torchscape.add import AddResult, Placement, outcome
from torchscape.cli import main
from torchscape.sources.cache import Cache
from torchscape.sources.facts import PackageFacts

TOKEN = "ghp_TestToken0123456789abcdefABCDEF0001"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>'

#: The Training category and its one framework, as the files of these tests start.
TRAINER = """\
- name: Training
  subcategories:
  - name: Frameworks
    items:
    - name: Example Trainer
      homepage_url: https://example.org/example-trainer
      logo: example-trainer.svg
"""
SMALL = "# keep this comment\ncategories:\n" + TRAINER


def landscape(folder: Path, text: str = SMALL) -> Path:
    """`text` as the data file of a landscape in `folder`, with every logo it names."""
    (folder / "logos").mkdir(parents=True, exist_ok=True)
    data = folder / "landscape.yml"
    data.write_text(text, encoding="utf-8")
    for line in text.splitlines():
        if line.strip().startswith("logo:"):
            name = line.split(":", 1)[1].split("#", 1)[0].strip()
            (folder / "logos" / name).write_text(SVG, encoding="utf-8")
    return data


#: An item added offline, from what is given.
FABLE = ("https://github.com/foo/fable", "--offline", "--name", "Fable")


def add(data: Path, target: str, *extra: str) -> int:
    cache = data.parent / "cache"
    return main(["add", target, "--data-file", str(data), "--cache-dir", str(cache), *extra])


def items(data: Path, category: str, subcategory: str) -> list[dict[str, object]]:
    for cat in yaml.safe_load(data.read_text(encoding="utf-8"))["categories"]:
        for sub in cat["subcategories"]:
            if (cat["name"], sub["name"]) == (category, subcategory):
                return list(sub["items"] or [])
    raise AssertionError("no such subcategory")


def add_from_github(data: Path, env: pytest.MonkeyPatch, spec: dict[str, object]) -> int:
    """`add` of the one repository `spec` describes, from a fake GitHub, into Training /
    Frameworks (the package index named is never reached: no package links back)."""
    with FakeGitHub([spec]) as github:
        env.setenv("GITHUB_TOKEN", TOKEN)
        env.setenv("GITHUB_GRAPHQL_URL", github.url)
        url = f"https://github.com/{spec['nameWithOwner']}"
        return add(
            data, url, "--index-url", "http://127.0.0.1:9/simple/", "--category", "Training / Frameworks"
        )


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_TOKENS", raising=False)
    return monkeypatch


# --- YAML 1.1 words ------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["yes", "No", "on", "OFF", "y", "n", "Yes", "12:30", "1_000"])
def test_names_the_catalog_reader_takes_for_true_false_or_numbers_are_quoted(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], word: str
) -> None:
    """They were written plain (YAML 1.2 reads `yes` as a string) and read back as true:
    "the edit did not read back as written"."""
    data = landscape(tmp_path)
    code = add(
        data, "https://github.com/foo/bar", "--offline", "--name", word, "--category", "Training / Frameworks"
    )
    assert code == 0, capsys.readouterr().err
    assert [i["name"] for i in items(data, "Training", "Frameworks")] == sorted(
        ["Example Trainer", word], key=str.casefold
    )


def test_a_description_from_github_that_is_a_yaml_1_1_word_is_added(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = landscape(tmp_path)
    code = add_from_github(data, env, repo("foo/agreeable", description="Yes"))
    assert code == 0, capsys.readouterr().err
    added = items(data, "Training", "Frameworks")[0]
    assert added["name"] == "agreeable" and added["description"] == "Yes"


# --- where the item goes -------------------------------------------------------------------

SHARED_HERE = (
    "categories:\n"
    + TRAINER
    + """\
      extra: &shared
        summary_tags: example
    - name: Example Tuner
      homepage_url: https://example.org/example-tuner
      logo: example-tuner.svg
      extra: *shared
"""
)

SHARED_ELSEWHERE = (
    """\
categories:
- name: Deployment
  subcategories:
  - name: Serving
    items:
    - name: Example Server
      homepage_url: https://example.org/example-server
      logo: example-server.svg
      extra: &common
        summary_tags: example
"""
    + TRAINER
    + """\
      extra:   # the same as the server's
        *common
  - name: Tuning
    items: []
"""
)


@pytest.mark.parametrize("text", [SHARED_HERE, SHARED_ELSEWHERE], ids=["anchor-here", "anchor-elsewhere"])
def test_an_item_ending_with_an_alias_is_ended_where_the_alias_is(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    """The alias's node is its anchor's, earlier in the file: the new item was put there (out of
    order) or, the anchor in another category, refused."""
    data = landscape(tmp_path, text)
    code = add(data, *FABLE, "--category", "Training / Frameworks")
    assert code == 0, capsys.readouterr().err
    block = (
        "    - name: Fable\n"
        "      homepage_url: https://github.com/foo/fable\n"
        "      repo_url: https://github.com/foo/fable\n"
        "      logo: fable.svg\n"
    )
    last = "      extra: *shared\n" if text is SHARED_HERE else "        *common\n"
    assert data.read_text(encoding="utf-8") == text.replace(last, last + block, 1)
    assert items(data, "Training", "Frameworks")[-1]["name"] == "Fable"


BARE_ITEMS = (
    "categories:\n"
    + TRAINER
    + """\
  - name: Empty
    items:{after}
  - name: Serving
    items:
    - name: Example Server
      homepage_url: https://example.org/example-server
      logo: example-server.svg
"""
)


@pytest.mark.parametrize("after", ["", "   # nothing yet"], ids=["bare", "with-comment"])
def test_a_bare_items_key_before_another_subcategory_takes_the_item(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], after: str
) -> None:
    """The empty value's place is the next token's: the next subcategory's line was cut."""
    text = BARE_ITEMS.format(after=after)
    data = landscape(tmp_path, text)
    code = add(data, *FABLE, "--category", "Training / Empty")
    assert code == 0, capsys.readouterr().err
    kept = " " + after.strip() if after else ""
    expected = text.replace(
        f"  - name: Empty\n    items:{after}\n",
        f"  - name: Empty\n    items:{kept}\n"
        "      - name: Fable\n"
        "        homepage_url: https://github.com/foo/fable\n"
        "        repo_url: https://github.com/foo/fable\n"
        "        logo: fable.svg\n",
    )
    assert data.read_text(encoding="utf-8") == expected
    assert [i["name"] for i in items(data, "Training", "Serving")] == ["Example Server"]


# --- tabs ----------------------------------------------------------------------------------


def test_tabs_yaml_allows_do_not_stop_the_editor(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """ruamel.yaml refuses a tab before a comment or after `key:`; the file is valid YAML (as
    `validate` reads it) and `add` called it "not valid YAML"."""
    text = SMALL.replace("logo: example-trainer.svg", "logo: example-trainer.svg\t# tab before").replace(
        "homepage_url: https://", "homepage_url:\thttps://"
    )
    data = landscape(tmp_path, text)
    assert main(["validate", "--data-file", str(data)]) == 0
    code = add(data, *FABLE, "--category", "Training / Frameworks")
    assert code == 0, capsys.readouterr().err
    after = data.read_text(encoding="utf-8")
    assert after.startswith(text) and "\t# tab before\n    - name: Fable\n" in after


def test_a_tab_the_editor_cannot_read_is_said_as_that(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A tab inside a plain value: valid YAML, which the editor cannot keep as it is."""
    text = SMALL.replace(
        "logo: example-trainer.svg", "logo: example-trainer.svg\n      description: Fast\tand small"
    )
    data = landscape(tmp_path, text)
    code = add(data, *FABLE, "--category", "Training / Frameworks")
    err = capsys.readouterr().err
    assert code == 1
    assert err == (
        f"torchscape: error: {data}:10: the file is valid YAML, but the editor cannot handle the tab "
        "in column 24 (write spaces there); nothing was written\n"
    )
    assert data.read_text(encoding="utf-8") == text
    assert not (tmp_path / "logos" / "fable.svg").exists()


# --- what upstream says --------------------------------------------------------------------


def test_a_package_link_with_a_control_character_is_left_out_with_a_note(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """It was taken for the repository (asked of GitHub, named after) and the item refused with
    errors at lines of a file never written."""
    data = landscape(tmp_path)
    index = FakeIndex()
    meta = core_metadata(
        "hostile-pkg",
        "1.0",
        summary="A package.",
        project_urls=[
            ("Source", "https://github.com/ev\x1bil/repo"),
            ("Homepage", "https://hostile.example/"),
        ],
    )
    index.add("hostile-pkg", release("hostile-pkg", "1.0"), metadata=meta, json_api=True)
    with FakeGitHub([]) as github, index:
        env.setenv("GITHUB_TOKEN", TOKEN)
        env.setenv("GITHUB_GRAPHQL_URL", github.url)
        code = add(data, "hostile-pkg", "--index-url", index.url, "--category", "Training / Frameworks")
        out = capsys.readouterr()
        assert code == 0, out.err
        assert github.requests == []  # no repository was made of it
    assert "\x1b" not in out.err + out.out  # (the index reader drops such a link: see test_packages)
    added = items(data, "Training", "Frameworks")[1]
    assert added["name"] == "hostile-pkg" and added["homepage_url"] == "https://hostile.example/"
    assert "repo_url" not in added and "\x1b" not in data.read_text(encoding="utf-8")


def test_a_cached_package_whose_only_link_is_left_out_is_refused_saying_why(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cache written before the index reader checked links (or an imported history) may hold
    one: add checks what it takes from there too."""
    data = landscape(tmp_path)
    before = data.read_bytes()
    links = (("Source", "https://github.com/ev\x1bil/repo"),)
    package = PackageFacts(name="hostile-pkg", index_url="http://127.0.0.1/simple/", project_urls=links)
    with Cache.open(data.parent / "cache") as cache:
        cache.put("packages", "hostile-pkg", package.to_json(), "2026-11-20T00:00:00Z")
    code = add(data, "hostile-pkg", "--offline", "--category", "Training / Frameworks")
    said = capsys.readouterr().err.splitlines()[-1]
    assert code == 2
    assert said.startswith("torchscape: error: no homepage is known for 'hostile-pkg' (")
    assert "the package's link 'Source' 'https://github.com/ev\\x1bil/repo' left out" in said
    assert "landscape.yml:" not in said
    assert data.read_bytes() == before


def test_direction_controls_from_upstream_are_not_written(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`Safe tool \u202egnp.exe` shows as `Safe tool exe.png`: written, then warned about."""
    data = landscape(tmp_path)
    description = "Safe tool \u202egnp.exe \u2066isolated\u2069 \u200fmark\u061c \x1b[31mred"
    code = add_from_github(data, env, repo("foo/rlo", description=description))
    out = capsys.readouterr()
    assert code == 0, out.err
    added = items(data, "Training", "Frameworks")[1]
    assert added["description"] == "Safe tool gnp.exe isolated mark [31mred"
    assert "control character" not in out.out + out.err


# --- what it says, and when it must not write ----------------------------------------------


def test_the_line_said_on_success_escapes_control_and_direction_characters(tmp_path: Path) -> None:
    """The warnings escaped `--name $'\\u202eevil'`, the success line printed it raw."""
    result = AddResult(
        {"name": "\u202eevil\x1b[2J"},
        Placement("Cat\x07", "Sub\u2066"),
        "",
        tmp_path / "logos" / "\u202eevil.svg",
        [],
        written=True,
    )
    data = tmp_path / "land\x1b.yml"
    said = outcome(result, data)
    assert said == (
        "added '\\u202eevil\\x1b[2J' to Cat\\x07 / Sub\\u2066 in "
        f"{tmp_path}/land\\x1b.yml; logo {tmp_path}/logos/\\u202eevil.svg"
    )
    dry = outcome(AddResult(result.fields, result.placement, "", result.logo_path, [], written=False), data)
    assert dry.startswith("dry run: would add '\\u202eevil\\x1b[2J' to Cat\\x07 / Sub\\u2066 and write ")
    assert "\u202e" not in dry


def test_add_says_a_given_name_escaped_on_success(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = landscape(tmp_path)
    assert add(data, *FABLE[:2], "--name", "\u202eevil", "--category", "Training / Frameworks") == 0
    out = capsys.readouterr().out
    assert "added '\\u202eevil' to Training / Frameworks" in out and "\u202e" not in out


def test_a_read_only_data_file_is_not_replaced(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The temporary file renamed over it replaced it anyway, mode and all. The mode bits are
    what is judged: the tests run as root, whom the mode does not stop."""
    data = landscape(tmp_path)
    data.chmod(0o444)
    args = (*FABLE, "--category", "Training / Frameworks")
    try:
        assert add(data, *args) == 1
        err = capsys.readouterr().err
        assert err == f"torchscape: error: {data} is read-only; nothing was written\n"
        assert data.read_text(encoding="utf-8") == SMALL
        assert not (tmp_path / "logos" / "fable.svg").exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["landscape.yml", "logos"]
        assert add(data, *args, "--dry-run") == 0  # showing what it would do writes nothing
        assert "+    - name: Fable\n" in capsys.readouterr().out
    finally:
        data.chmod(0o644)
