"""`torchscape add`: real fake GitHub and package index servers on 127.0.0.1, real files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from fake_github import FakeGitHub, repo
from fake_index import FakeIndex, core_metadata, release
from helpers import LEGACY_SAMPLE, dump
from torchscape.add import AddRefusedWith, Placement, add_item, parse_target
from torchscape.catalog.loader import check
from torchscape.cli import main
from torchscape.errors import UsageError
from torchscape.paths import Sources
from torchscape.sources.cache import Cache

TOKEN = "ghp_TestToken0123456789abcdefABCDEF0001"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>'


def entry(name: str, description: str, repo_url: str | None = None) -> dict[str, object]:
    fields: dict[str, object] = {"name": name, "description": description}
    fields["homepage_url"] = f"https://{name.lower().replace(' ', '-')}.example"
    if repo_url:
        fields["repo_url"] = repo_url
    fields["logo"] = f"{name.lower().replace(' ', '-')}.svg"
    return fields


CATALOG = {
    "categories": [
        {
            "name": "Modeling",
            "subcategories": [
                {
                    "name": "Vision",
                    "items": [
                        entry(
                            "Albumentations", "Image augmentation for vision models: crops, flips, colour."
                        ),
                        entry(
                            "Kornia",
                            "Differentiable computer vision: image filtering, geometry, augmentation.",
                        ),
                        entry(
                            "torchvision",
                            "Vision datasets, image transforms and pretrained detection models.",
                        ),
                    ],
                },
                {
                    "name": "Audio",
                    "items": [
                        entry("Asteroid", "Audio source separation and speech enhancement recipes."),
                        entry(
                            "torchaudio",
                            "Audio and speech: waveform loading, spectrograms, speech recognition.",
                        ),
                    ],
                },
            ],
        },
        {
            "name": "Training",
            "subcategories": [
                {
                    "name": "Distributed",
                    "items": [
                        entry(
                            "DeepSpeed",
                            "Distributed training at scale: ZeRO, pipeline parallelism.",
                            "https://github.com/microsoft/DeepSpeed",
                        ),
                    ],
                }
            ],
        },
    ]
}


@pytest.fixture
def landscape(tmp_path: Path) -> Path:
    folder = tmp_path / "land"
    logos = folder / "logos"
    logos.mkdir(parents=True)
    text = "# Our landscape: keep this comment.\n" + dump(CATALOG)
    data = folder / "landscape.yml"
    data.write_text(text, encoding="utf-8")
    for cat in CATALOG["categories"]:
        for sub in cat["subcategories"]:  # type: ignore[index]
            for item in sub["items"]:
                (logos / str(item["logo"])).write_text(SVG, encoding="utf-8")
    assert check(data).landscape is not None
    return data


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_TOKENS", raising=False)
    return monkeypatch


def add_args(data: Path, target: str, *extra: str) -> list[str]:
    return ["add", target, "--data-file", str(data), "--cache-dir", str(data.parent.parent / "cache"), *extra]


def items_of(data: Path, category: str, subcategory: str) -> list[dict[str, object]]:
    loaded = yaml.safe_load(data.read_text(encoding="utf-8"))
    for cat in loaded["categories"]:
        for sub in cat["subcategories"]:
            if (cat["name"], sub["name"]) == (category, subcategory):
                return list(sub["items"])
    raise AssertionError("no such subcategory")


def without_lines(new: str, old: str) -> str:
    """`new` with the lines that are not in `old` taken out (for byte-for-byte checks of the rest)."""
    old_lines = old.splitlines(keepends=True)
    kept, i = [], 0
    for line in new.splitlines(keepends=True):
        if i < len(old_lines) and line == old_lines[i]:
            kept.append(line)
            i += 1
    return "".join(kept)


def test_online_from_github_and_the_index(
    landscape: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = landscape.read_text(encoding="utf-8")
    github_repo = repo(
        "Org/Imgaug-Torch",
        description="Image augmentation\x07 for   computer vision, on the GPU.",
        homepage="https://imgaug.example/docs",
        license="Apache-2.0",
        topics=["image-augmentation", "computer-vision"],
    )
    index = FakeIndex()
    meta = core_metadata(
        "imgaug-torch",
        "0.4",
        summary="Augment images",
        project_urls=[
            ("Source", "https://github.com/org/imgaug-torch"),
            ("Documentation", "https://docs.example/"),
        ],
    )
    index.add("imgaug-torch", release("imgaug-torch", "0.4", 3), metadata=meta, json_api=True)
    with FakeGitHub([github_repo]) as github, index:
        env.setenv("GITHUB_TOKEN", TOKEN)
        env.setenv("GITHUB_GRAPHQL_URL", github.url)
        code = main(
            add_args(landscape, "https://github.com/org/imgaug-torch/tree/main", "--index-url", index.url)
        )
        out = capsys.readouterr()
        assert code == 0, out
        assert len(github.requests) == 1
    assert "suggested places" in out.out and "using the first: Modeling / Vision" in out.out
    assert "1. Modeling / Vision" in out.out
    assert "score 0.00" not in out.out  # places without any evidence are not suggestions
    names = [i["name"] for i in items_of(landscape, "Modeling", "Vision")]
    assert names == ["Albumentations", "Imgaug-Torch", "Kornia", "torchvision"]
    added = items_of(landscape, "Modeling", "Vision")[1]
    assert added == {
        "name": "Imgaug-Torch",
        "description": "Image augmentation for computer vision, on the GPU.",
        "homepage_url": "https://imgaug.example/docs",
        "repo_url": "https://github.com/Org/Imgaug-Torch",  # as GitHub writes it
        "logo": "imgaug-torch.svg",
        "license": "Apache-2.0",
        "extra": {
            "documentation_url": "https://docs.example/",
            "summary_tags": "image-augmentation, computer-vision",
            "annotations": {"pypi": "imgaug-torch"},
        },
    }
    after = landscape.read_text(encoding="utf-8")
    assert after.startswith("# Our landscape: keep this comment.\n")
    assert without_lines(after, before) == before
    logo = landscape.parent / "logos" / "imgaug-torch.svg"
    assert logo.read_text(encoding="utf-8").startswith("<svg")
    assert check(landscape).landscape is not None
    with Cache.open(landscape.parent.parent / "cache") as cache:
        assert "https://github.com/org/imgaug-torch" in cache.facts("github")
        assert "imgaug-torch" in cache.facts("packages")


def test_package_name_finds_its_repository(
    landscape: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    index = FakeIndex()
    meta = core_metadata(
        "speechy",
        "1.0",
        summary="Speech recognition and audio spectrograms.",
        license_expression="MIT",
        project_urls=[
            ("Homepage", "https://speechy.example"),
            ("Repository", "https://github.com/sp/speechy.git"),
        ],
    )
    index.add("Speechy", release("speechy", "1.0", 2), metadata=meta, json_api=True)
    with index:
        code = main(
            add_args(landscape, "Speechy", "--index-url", index.url, "--category", "modeling / audio")
        )
        out = capsys.readouterr()
        assert code == 0, out
    assert "no GitHub token" in out.err
    added = next(i for i in items_of(landscape, "Modeling", "Audio") if i["name"] == "speechy")
    assert added["repo_url"] == "https://github.com/sp/speechy"
    assert added["homepage_url"] == "https://speechy.example"
    assert added["description"] == "Speech recognition and audio spectrograms."
    assert added["license"] == "MIT"


def test_offline_uses_what_it_is_given(
    landscape: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        add_args(
            landscape,
            "github.com/someone/Audio-Tools",
            "--offline",
            "--name",
            "Audio Tools",
            "--category",
            "Modeling / Audio",
        )
    )
    out = capsys.readouterr()
    assert code == 0, out
    added = items_of(landscape, "Modeling", "Audio")
    assert [i["name"] for i in added] == ["Asteroid", "Audio Tools", "torchaudio"]
    assert added[1] == {
        "name": "Audio Tools",
        "homepage_url": "https://github.com/someone/Audio-Tools",  # as it was given
        "repo_url": "https://github.com/someone/Audio-Tools",
        "logo": "audio-tools.svg",
    }
    assert "no description" in out.out  # the validation warning about the new item is shown
    # the monogram logo it writes can be read by others, as any file the umask allows
    umask = os.umask(0)
    os.umask(umask)
    mode = (landscape.parent / "logos" / "audio-tools.svg").stat().st_mode & 0o777
    assert mode == 0o666 & ~umask


def test_offline_package_without_facts_needs_more(
    landscape: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = landscape.read_bytes()
    assert main(add_args(landscape, "somepkg", "--offline", "--category", "Modeling / Audio")) == 2
    assert "no homepage is known for 'somepkg'" in capsys.readouterr().err
    assert landscape.read_bytes() == before


@pytest.mark.parametrize(
    ("target", "extra", "message"),
    [
        (
            "https://github.com/Microsoft/deepspeed.git",
            [],
            "https://github.com/microsoft/deepspeed is already listed as 'DeepSpeed'",
        ),
        ("https://github.com/other/kornia", [], "'Kornia' is already listed (id kornia)"),
        ("https://github.com/other/thing", ["--name", "KORNIA"], "'Kornia' is already listed"),
    ],
)
def test_duplicates_write_nothing(
    landscape: Path,
    env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    target: str,
    extra: list[str],
    message: str,
) -> None:
    before = landscape.read_bytes()
    logos = sorted(p.name for p in (landscape.parent / "logos").iterdir())
    assert main(add_args(landscape, target, "--offline", "--category", "Modeling / Vision", *extra)) == 1
    assert message in capsys.readouterr().err
    assert landscape.read_bytes() == before
    assert sorted(p.name for p in (landscape.parent / "logos").iterdir()) == logos


def test_dry_run_prints_the_diff_and_writes_nothing(
    landscape: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = landscape.read_bytes()
    assert main(add_args(landscape, "https://github.com/x/vision-kit", "--offline", "--dry-run")) == 0
    out = capsys.readouterr().out
    assert "using the first: Modeling / Vision" in out
    assert f"+++ {landscape}" in out and "+    - name: vision-kit\n" in out
    assert landscape.read_bytes() == before
    assert not (landscape.parent / "logos" / "vision-kit.svg").exists()
    assert not (landscape.parent.parent / "cache").exists()


def test_no_signal_requires_a_category(
    landscape: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(add_args(landscape, "https://github.com/qq/zzyzx", "--offline")) == 2
    assert "give --category" in capsys.readouterr().err


def test_bad_targets_and_categories(
    landscape: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(UsageError, match="not a GitHub repository URL"):
        parse_target("https://github.com/only-an-org")
    with pytest.raises(UsageError, match="neither"):
        parse_target("not a package!")
    assert parse_target("https://GitHub.com/A/B/issues").repo_url == "https://github.com/a/b"
    assert parse_target("Foo_Bar").package == "foo-bar"
    assert main(add_args(landscape, "https://github.com/x/y", "--offline", "--category", "Nope")) == 2
    assert "must be written 'Category / Subcategory'" in capsys.readouterr().err
    assert main(add_args(landscape, "https://github.com/x/y", "--offline", "--category", "A / B")) == 2
    assert "no such subcategory in the catalog; the categories are: Modeling, " in capsys.readouterr().err
    assert (
        main(add_args(landscape, "https://github.com/x/y", "--offline", "--category", "Modeling / Nope")) == 2
    )
    assert (
        "no such subcategory in the catalog; the subcategories of Modeling are: Vision"
        in capsys.readouterr().err
    )


def test_hostile_github_values_are_cleaned(
    landscape: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = repo(
        "evil/vision-hack",
        description="Vision </script><script>alert(1)</script>\u2028 'quoted': {yes}",
        homepage="javascript:alert(1)",
        license="NOASSERTION",
        topics=["ok-topic"],
    )
    with FakeGitHub([hostile]) as github:
        env.setenv("GITHUB_TOKEN", TOKEN)
        env.setenv("GITHUB_GRAPHQL_URL", github.url)
        code = main(add_args(landscape, "https://github.com/evil/vision-hack", "--offline", "--dry-run"))
        assert code == 0 and github.requests == []  # --offline: nothing fetched
        capsys.readouterr()
        code = main(
            add_args(
                landscape,
                "https://github.com/evil/vision-hack",
                "--index-url",
                "http://127.0.0.1:9/simple/",
                "--category",
                "Modeling / Audio",
                "--name",
                "Vision Hack 2",
            )
        )
        out = capsys.readouterr()
    assert code == 0, out
    assert "GitHub's homepage 'javascript:alert(1)' left out" in out.err
    added = next(i for i in items_of(landscape, "Modeling", "Audio") if i["name"] == "Vision Hack 2")
    assert added["homepage_url"] == "https://github.com/evil/vision-hack"
    assert added["description"] == "Vision </script><script>alert(1)</script> 'quoted': {yes}"
    assert "license" not in added


def test_legacy_style_and_an_empty_subcategory(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(LEGACY_SAMPLE, encoding="utf-8")
    code = main(
        [
            "add",
            "https://github.com/a/first-one",
            "--data-file",
            str(data),
            "--offline",
            "--category",
            "Modeling / Empty",
            "--cache-dir",
            str(tmp_path / "c"),
        ]
    )
    assert code == 0
    code = main(
        [
            "add",
            "https://github.com/a/later",
            "--data-file",
            str(data),
            "--offline",
            "--category",
            "Modeling / Vision",
            "--cache-dir",
            str(tmp_path / "c"),
        ]
    )
    assert code == 0
    text = data.read_text(encoding="utf-8")
    assert "        name: Empty\n        items:\n          - item:\n            name: first-one\n" in text
    assert (
        "        name: Vision\n        items:\n          - item:\n            name: later\n            homepage_url: https://github.com/a/later\n"
        in text
    )
    old = LEGACY_SAMPLE.replace("        items: []\n", "        items:\n")  # the one line that changes
    assert without_lines(text, old) == old
    assert (tmp_path / "logos" / "later.svg").is_file()


def test_a_result_that_does_not_validate_is_refused(landscape: Path) -> None:
    result = check(landscape)
    assert result.landscape is not None
    before = landscape.read_bytes()
    sources = Sources(landscape, None, None, landscape.parent / "logos")
    fields = {"name": "Bad", "homepage_url": "ftp://bad.example", "logo": "bad.svg"}
    with pytest.raises(AddRefusedWith) as caught:
        add_item(
            sources,
            result.landscape,
            fields,
            Placement("Modeling", "Vision"),
            landscape.parent / "logos",
            dry_run=False,
        )
    assert any(p.code == "invalid-url" and p.file.endswith("landscape.yml") for p in caught.value.problems)
    assert landscape.read_bytes() == before
    assert not (landscape.parent / "logos" / "bad.svg").exists()
    assert [p.name for p in landscape.parent.iterdir() if p.name.startswith(".")] == []


def test_offline_uses_the_snapshot_and_keeps_crlf(
    landscape: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = landscape.read_text(encoding="utf-8").replace("\n", "\r\n")
    landscape.write_bytes(text.encode())
    facts = {
        "requested": "https://github.com/snap/speech-kit",
        "name_with_owner": "snap/speech-kit",
        "url": "https://github.com/snap/speech-kit",
        "description": "Speech recognition toolkit for audio.",
        "license": "BSD-3-Clause",
        "topics": ["speech", "audio"],
    }
    line = {
        "source": "github",
        "key": facts["requested"],
        "fetched_at": "2024-01-01T00:00:00Z",
        "data": facts,
    }
    (landscape.parent / "observed.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert main(add_args(landscape, "https://github.com/snap/speech-kit", "--offline")) == 0
    out = capsys.readouterr().out
    assert "using the first: Modeling / Audio" in out
    raw = landscape.read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line still ends with CRLF
    added = next(i for i in items_of(landscape, "Modeling", "Audio") if i["name"] == "speech-kit")
    assert added["description"] == "Speech recognition toolkit for audio."
    assert added["license"] == "BSD-3-Clause"
    assert added["extra"] == {"summary_tags": "speech, audio"}


def test_a_broken_catalog_is_not_added_to(
    landscape: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = landscape.read_text(encoding="utf-8").replace("https://kornia.example", "javascript:alert(1)")
    landscape.write_text(text, encoding="utf-8")
    assert (
        main(add_args(landscape, "https://github.com/a/b", "--offline", "--category", "Modeling / Vision"))
        == 1
    )
    err = capsys.readouterr().err
    assert "unsafe-url" in err or "'javascript:' URLs are not allowed" in err
    assert "add refused: 1 blocking problem(s); fix them first; nothing was written" in err
    assert landscape.read_text(encoding="utf-8") == text


def test_a_logos_folder_linking_outside_the_landscape_is_not_written_to(
    landscape: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    logos = landscape.parent / "logos"
    shutil.rmtree(logos)
    logos.symlink_to(outside, target_is_directory=True)
    before = landscape.read_bytes()
    args = add_args(landscape, "https://github.com/a/b", "--offline", "--category", "Modeling / Vision")
    assert main(args) == 2
    assert "links to outside the landscape's folder: the logo is not written there" in capsys.readouterr().err
    assert list(outside.iterdir()) == [] and landscape.read_bytes() == before
    # named on purpose, it is used
    assert main([*args, "--logos-path", str(outside)]) == 0
    assert [p.name for p in outside.iterdir()] == ["b.svg"]


@pytest.mark.parametrize(
    ("items", "said"),
    [
        # One list shared by two places: the new item would be in both.
        (
            "items: &shared\n    - name: A\n      homepage_url: https://a.example/\n      logo: a.svg\n"
            "  - name: Other\n    items: *shared\n",
            "its items are shared with another place through a YAML anchor and alias",
        ),
        # A flow list: refused, and the message names the file and line and says what to do.
        (
            "items: [{name: A, homepage_url: 'https://a.example/', logo: a.svg}]\n",
            "{data}:5: Training / Frameworks: the items are not written as a block list; "
            "write them one per line as `- name: ...`",
        ),
    ],
)
def test_items_written_so_that_adding_is_unsafe_are_refused(
    tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], items: str, said: str
) -> None:
    data = tmp_path / "landscape.yml"
    text = "categories:\n- name: Training\n  subcategories:\n  - name: Frameworks\n    " + items
    data.write_text(text, encoding="utf-8")
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "a.svg").write_text(SVG, encoding="utf-8")
    args = add_args(data, "https://github.com/b/zed", "--offline", "--category", "Training / Frameworks")
    assert main(args) == 1
    assert said.format(data=data) in capsys.readouterr().err
    assert data.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in (tmp_path / "logos").iterdir()) == ["a.svg"]


def test_a_linked_data_file_is_edited_where_it_lives(
    landscape: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The link used to be replaced by a regular file holding the new item, and the real file
    never had it."""
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "landscape.yml").symlink_to(landscape)
    shutil.copytree(landscape.parent / "logos", linked / "logos")
    args = add_args(linked / "landscape.yml", "https://github.com/foo/zzz", "--offline", "--name", "Zzz")
    assert main([*args, "--category", "Modeling / Vision"]) == 0
    assert "added 'Zzz' to Modeling / Vision" in capsys.readouterr().out
    assert (linked / "landscape.yml").is_symlink()
    assert [i["name"] for i in items_of(landscape, "Modeling", "Vision")][-1] == "Zzz"
    assert (linked / "logos" / "zzz.svg").is_file()
    assert sorted(p.name for p in landscape.parent.iterdir()) == ["landscape.yml", "logos"]  # no leftovers


def test_a_dangling_link_in_the_logos_folder_is_not_written_through(
    landscape: Path, env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (landscape.parent / "logos" / "zzz.svg").symlink_to(elsewhere / "zzz.svg")
    args = add_args(landscape, "https://github.com/foo/zzz", "--offline", "--category", "Modeling / Vision")
    assert main(args) == 0
    assert list(elsewhere.iterdir()) == []
    assert (landscape.parent / "logos" / "zzz.svg").is_symlink()
    assert (landscape.parent / "logos" / "zzz-2.svg").is_file()
    assert items_of(landscape, "Modeling", "Vision")[-1]["logo"] == "zzz-2.svg"


@pytest.mark.parametrize("locked", ["logos", "."])
def test_a_folder_that_cannot_be_written_is_one_line_and_writes_nothing(
    landscape: Path, env: pytest.MonkeyPatch, locked: str
) -> None:
    from helpers import read_only

    before = landscape.read_bytes()
    logos_before = sorted(p.name for p in (landscape.parent / "logos").iterdir())
    args = add_args(landscape, "https://github.com/foo/zzz", "--offline", "--category", "Modeling / Vision")
    with read_only(landscape.parent / locked):
        proc = subprocess.run(
            [sys.executable, "-m", "torchscape.cli", *args],
            capture_output=True,
            text=True,
            check=False,
            cwd=landscape.parent,
        )
    assert proc.returncode == 1, proc.stderr
    shown = "logos/zzz.svg" if locked == "logos" else "in ."
    assert proc.stderr.startswith(f"torchscape: error: cannot write {shown}: "), proc.stderr
    assert proc.stderr.endswith("; nothing was written\n") and len(proc.stderr.splitlines()) == 1
    assert landscape.read_bytes() == before
    assert sorted(p.name for p in (landscape.parent / "logos").iterdir()) == logos_before
