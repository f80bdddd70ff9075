"""`torchscape diff` and `diff_landscapes`: files and git revisions, every kind of change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from git_helpers import GitRepo, needs_git
from helpers import LEGACY_SAMPLE, dump
from torchscape.catalog.diff import diff_landscapes, format_json, format_markdown, format_text, read_entries
from torchscape.cli import main


def item(name: str, **fields: object) -> dict[str, object]:
    return {
        "name": name,
        "homepage_url": f"https://{name.split()[0].lower()}.example",
        "logo": "x.svg",
        **fields,
    }


def catalog(vision: list[dict[str, object]], audio: list[dict[str, object]]) -> str:
    return dump(
        {
            "categories": [
                {
                    "name": "Modeling",
                    "subcategories": [{"name": "Vision", "items": vision}, {"name": "Audio", "items": audio}],
                }
            ]
        }
    )


OLD = catalog(
    [
        item("Kornia", repo_url="https://github.com/kornia/kornia"),
        item("Pyro", project="ecosystem", repo_url="https://github.com/pyro-ppl/pyro"),
        item("Gone", description="Bye."),
        item("Slugged", extra={"annotations": {"slug": "my-slug"}}),
    ],
    [item("Asteroid", extra={"documentation_url": "https://docs.asteroid.example"})],
)
NEW = catalog(
    [
        item("Pyro", project="archived", repo_url="https://github.com/pyro-ppl/pyro"),
        item("Slugged Renamed", extra={"annotations": {"slug": "my-slug"}}),
        item("Fresh <b>*bold*</b>", description="New."),
    ],
    [
        item("Asteroid", extra={"documentation_url": "https://asteroid.example/docs"}),
        item("Kornia Vision", repo_url="https://GitHub.com/Kornia/kornia.git"),
    ],
)


def changes() -> list[dict[str, object]]:
    found = diff_landscapes(read_entries(OLD, "old.yml"), read_entries(NEW, "new.yml"), retired=["archived"])
    return [c.to_json() for c in found]


def test_every_kind_of_change() -> None:
    assert changes() == [
        {
            "kind": "added",
            "id": "fresh-b-bold-b",
            "name": "Fresh <b>*bold*</b>",
            "place": "Modeling / Vision",
        },
        {"kind": "removed", "id": "gone", "name": "Gone", "place": "Modeling / Vision"},
        {
            "kind": "renamed",
            "id": "kornia-vision",
            "name": "Kornia Vision",
            "place": "Modeling / Audio",
            "old_name": "Kornia",
        },
        {
            "kind": "renamed",
            "id": "my-slug",
            "name": "Slugged Renamed",
            "place": "Modeling / Vision",
            "old_name": "Slugged",
        },
        {
            "kind": "moved",
            "id": "kornia-vision",
            "name": "Kornia Vision",
            "place": "Modeling / Audio",
            "old_place": "Modeling / Vision",
        },
        {
            "kind": "status",
            "id": "pyro",
            "name": "Pyro",
            "place": "Modeling / Vision",
            "old_status": "ecosystem",
            "new_status": "archived",
            "retired": True,
        },
        {
            "kind": "changed",
            "id": "asteroid",
            "name": "Asteroid",
            "place": "Modeling / Audio",
            "fields": [
                {
                    "field": "extra.documentation_url",
                    "old": "https://docs.asteroid.example",
                    "new": "https://asteroid.example/docs",
                }
            ],
        },
        {
            "kind": "changed",
            "id": "kornia-vision",
            "name": "Kornia Vision",
            "place": "Modeling / Audio",
            "fields": [
                {
                    "field": "repo_url",
                    "old": "https://github.com/kornia/kornia",
                    "new": "https://GitHub.com/Kornia/kornia.git",
                },
            ],
        },
    ]


def test_same_catalog_in_both_styles_has_no_changes() -> None:
    entries = read_entries(LEGACY_SAMPLE, "legacy.yml")
    assert [e.id for e in entries] == ["torchvision", "kornia"]
    assert entries[0].status == "ecosystem" and entries[0].fields["extra.accepted"] == "2022-09-07"
    assert "item" not in entries[0].fields and "crunchbase" not in entries[0].fields
    assert diff_landscapes(entries, read_entries(LEGACY_SAMPLE, "again.yml")) == []


def test_markdown_is_inert() -> None:
    found = diff_landscapes(read_entries(OLD, "o"), read_entries(NEW, "n"))
    text = format_markdown(found)
    assert "### Added (1)" in text and "### Curation status (1)" in text
    assert r"- Fresh &lt;b&gt;\*bold\*&lt;/b&gt; added to Modeling / Vision" in text
    assert "<b>" not in text
    # A mention notifies someone and "#1" links an issue when the report is posted on GitHub.
    old = catalog([item("Kornia", description="Vision.")], [])
    new = catalog([item("Kornia", description="Ask @admin about #1.")], [])
    text = format_markdown(diff_landscapes(read_entries(old, "o"), read_entries(new, "n")))
    assert "&#64;admin" in text and "&#35;1" in text and "@admin" not in text and "#1" not in text
    # GitHub links bare addresses in text: a zero-width space inside each keeps them text
    new = catalog(
        [item("Kornia", description="Log in at https://evil.example/login or WWW.evil.example now.")], []
    )
    text = format_markdown(diff_landscapes(read_entries(old, "o"), read_entries(new, "n")))
    assert "https\u200b://evil.example/login" in text and "WWW\u200b.evil.example" in text
    assert "https://" not in text and "WWW." not in text


def test_removing_the_first_of_two_items_of_one_name_in_one_place_is_one_removal() -> None:
    """The second took the first's id and was reported changed into itself, beside a removal."""
    first = item("Dup", description="First.", repo_url="https://github.com/a/first")
    second = item("Dup", description="Second.", repo_url="https://github.com/a/second")
    old, new = catalog([first, second], []), catalog([second], [])
    found = diff_landscapes(read_entries(old, "o"), read_entries(new, "n"))
    assert [(c.kind, c.name) for c in found] == [("removed", "Dup")]
    edited = item("Dup", description="Second, edited.", repo_url="https://github.com/a/second")
    found = diff_landscapes(read_entries(old, "o"), read_entries(catalog([edited], []), "n"))
    assert [(c.kind, [f.field for f in c.fields]) for c in found] == [
        ("removed", []),
        ("changed", ["description"]),
    ]


def test_text_escapes_what_would_drive_a_terminal() -> None:
    old = catalog([item("Kornia", description="Vision.")], [])
    new = catalog([item("Kornia", description="Vision \x1b]0;title\x07 \x1b[8mhidden\x1b[0m \u202etxt")], [])
    text = format_text(diff_landscapes(read_entries(old, "o"), read_entries(new, "n")))
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert r"\x1b]0;title\x07" in text and r"\u202etxt" in text  # shown escaped
    # a direction mark, line and paragraph separators, noncharacters (printed raw before)
    marks = catalog([item("Kornia", description="a\u061cb\u2028c\u2029d\uffff")], [])
    text = format_text(diff_landscapes(read_entries(old, "o"), read_entries(marks, "n")))
    assert r"a\u061cb\u2028c\u2029d\uffff" in text and not {"\u061c", "\u2028", "\u2029", "\uffff"} & set(
        text
    )
    # JSON keeps the text whole, with these characters as escapes (it is read on terminals too)
    document = format_json(diff_landscapes(read_entries(old, "o"), read_entries(new, "n")))
    assert "\u202e" not in document and r"\u202etxt" in document
    assert (
        json.loads(document)[0]["fields"][0]["new"]
        == "Vision \x1b]0;title\x07 \x1b[8mhidden\x1b[0m \u202etxt"
    )


def test_a_file_that_is_not_utf8_or_too_large_is_one_line_naming_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Python's codec message and a byte offset, where validate names the line and column; and
    a 49 MB file was read whole (22 s, 740 MB of memory) where validate refuses it."""
    (tmp_path / "old.yml").write_text(OLD, encoding="utf-8")
    (tmp_path / "latin.yml").write_bytes(NEW.encode("utf-8") + b"# caf\xe9\n")
    line = NEW.count("\n") + 1
    with (tmp_path / "huge.yml").open("wb") as huge:
        huge.truncate(33 * 1024 * 1024)  # sparse: no time or space spent
    for name, said in (
        ("latin.yml", f"latin.yml:{line}:6: the file is not UTF-8 text (byte 0xe9 cannot be decoded)"),
        ("huge.yml", "huge.yml: the file is 34,603,008 bytes; the limit is 32 MiB"),
    ):
        assert main(["diff", str(tmp_path / "old.yml"), str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert said in err and len(err.splitlines()) == 1, err


def test_cli_with_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "old.yml").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.yml").write_text(NEW, encoding="utf-8")
    args = [
        "diff",
        str(tmp_path / "old.yml"),
        str(tmp_path / "new.yml"),
        "--data-file",
        str(tmp_path / "x.yml"),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Removed (1):\n  Gone removed from Modeling / Vision\n" in out
    assert "  Pyro: curation status ecosystem → archived\n" in out  # no settings: not known as retired
    assert out.endswith("1 added, 1 removed, 2 renamed, 1 moved, 1 status, 2 changed\n")
    (tmp_path / "settings.yml").write_text(
        "torchscape:\n  statuses:\n    archived: {label: Retired, retired: true}\n", encoding="utf-8"
    )
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert next(c for c in data if c["kind"] == "status")["retired"] is True


def test_cli_refuses_what_it_cannot_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("categories:\n  - name: [oops\n", encoding="utf-8")
    good = tmp_path / "good.yml"
    good.write_text(OLD, encoding="utf-8")
    assert main(["diff", str(bad), str(good)]) == 2
    err = capsys.readouterr().err
    assert f"cannot read {bad}: {bad}:" in err and "not valid YAML" in err
    assert "Traceback" not in err
    # a settings file named on the command line that is no YAML was taken for none, silently
    binary = tmp_path / "settings.bin"
    binary.write_bytes(bytes(range(256)))
    assert main(["diff", str(good), str(good), "--settings-file", str(binary)]) == 2
    err = capsys.readouterr().err
    assert f"torchscape: error: cannot read the settings file: {binary}:2:118: " in err and "not UTF-8" in err
    # beside the data file, unnamed, it is read leniently as before
    (tmp_path / "settings.yml").write_bytes(bytes(range(256)))
    assert main(["diff", str(good), str(good), "--data-file", str(good)]) == 0


@needs_git
def test_git_revisions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = GitRepo(tmp_path, monkeypatch)
    repo.commit({"land/landscape.yml": OLD}, "first", "2024-01-01T00:00:00Z")
    repo.commit({"land/landscape.yml": NEW}, "second", "2024-01-02T00:00:00Z")
    monkeypatch.chdir(tmp_path / "land")
    assert main(["diff", "HEAD~1", "HEAD"]) == 0
    out = capsys.readouterr().out
    assert "Kornia renamed to Kornia Vision" in out and "Fresh <b>*bold*</b> added" in out
    assert main(["diff", "HEAD~1:land/landscape.yml", "landscape.yml", "--format", "markdown"]) == 0
    assert "### Removed (1)" in capsys.readouterr().out
    assert main(["diff", "no-such-rev", "HEAD"]) == 2
    assert "no-such-rev" in capsys.readouterr().err


def test_not_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert main(["diff", "HEAD~1", "HEAD"]) == 2
    assert "not a file" in capsys.readouterr().err


def test_removing_the_first_of_two_items_sharing_a_name() -> None:
    # Ids of items sharing a name are numbered in file order (x, x-2): after the first goes,
    # the second's id is x. It is still the same item in the same place, not a move.
    def text(*places: str) -> str:
        subs = [
            {
                "name": place,
                "items": [{"name": "X", "homepage_url": f"https://{place}.example", "logo": "x.svg"}],
            }
            for place in places
        ]
        return dump({"categories": [{"name": "Cat", "subcategories": subs}]})

    changes = diff_landscapes(read_entries(text("A", "B"), "old"), read_entries(text("B"), "new"))
    assert [(c.kind, c.name, c.place) for c in changes] == [("removed", "X", "Cat / A")]


def test_a_key_given_twice_is_compared_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`project:` twice in one item: diff compared the first value and said nothing, so the
    status change in the second line went unreported (validate calls it an error)."""
    item = "    - name: A\n      homepage_url: https://a.example\n      logo: a.svg\n      project: x\n"
    head = "categories:\n- name: C\n  subcategories:\n  - name: S\n    items:\n"
    (tmp_path / "old.yml").write_text(head + item, encoding="utf-8")
    (tmp_path / "new.yml").write_text(head + item + "      project: y\n", encoding="utf-8")
    assert main(["diff", str(tmp_path / "old.yml"), str(tmp_path / "new.yml")]) == 0
    out = capsys.readouterr()
    assert out.out == "no changes\n"
    assert "warning: " in out.err and "new.yml:10:7: duplicate key 'project' (first at line 9)" in out.err
    assert "(the diff reads the first value)" in out.err
