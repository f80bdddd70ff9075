"""The output folder is shared: a build replaces or removes only files a build wrote there.

A `CNAME`, a `.nojekyll`, a README or a folder of the owner's survives every rebuild; the
landscape's own files or the cache inside the output folder are refused before anything is
written; an update that fails half-way is undone.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from torchscape.cli import main
from torchscape.site.writer import MARKER, MARKER_TEXT, owned_files

#: Files a GitHub Pages site keeps beside the built ones (its own, not torchscape's).
OWNERS = {"CNAME": "landscape.example.org\n", ".nojekyll": "", "README.md": "# our site\n"}


def _landscape(tmp_path: Path, name: str = "base") -> Path:
    """The example landscape of `torchscape new` (data, settings, guide, logos)."""
    assert main(["new", str(tmp_path / name)]) == 0
    return tmp_path / name


def _everything(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` (dot files, temporary files included): a digest each."""
    if not folder.exists():
        return {}
    return {
        path.relative_to(folder).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
        )
        for path in sorted(folder.rglob("*"))
    }


def _build(data: Path, out: Path, cache: Path, *more: str) -> int:
    return main(
        ["build", "--data-file", str(data), "--output-dir", str(out), "--cache-dir", str(cache), *more]
    )


def _drop_tuner(data: Path) -> None:
    """Remove the example landscape's Example Tuner."""
    text = data.read_text(encoding="utf-8")
    start, end = text.index("    - name: Example Tuner\n"), text.index("- name: Deployment\n")
    data.write_text(text[:start] + text[end:], encoding="utf-8")


def test_files_of_the_owner_survive_rebuilds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = _landscape(tmp_path)
    data, out, cache = base / "landscape.yml", tmp_path / "docs", tmp_path / "cache"
    assert _build(data, out, cache) == 0
    for name, text in OWNERS.items():
        (out / name).write_text(text, encoding="utf-8")
    (out / "talks" / "2025").mkdir(parents=True)
    (out / "talks" / "2025" / "slides.pdf").write_bytes(b"%PDF-1.7")
    (out / "projects" / "notes.txt").write_text("inside a folder of the site", encoding="utf-8")
    theirs = {path: digest for path, digest in _everything(out).items() if not owned(out, path)}
    assert set(theirs) >= {*OWNERS, "talks/2025/slides.pdf", "projects/notes.txt"}
    # An item leaves the catalog: its page goes, with its folder, and nothing of others does.
    assert (out / "projects" / "example-tuner" / "index.html").is_file()
    _drop_tuner(data)
    capsys.readouterr()
    assert _build(data, out, cache) == 0
    assert "files changed)" in capsys.readouterr().out
    assert not (out / "projects" / "example-tuner").exists()
    assert {path: digest for path, digest in _everything(out).items() if path in theirs} == theirs
    # Files of others are not the site's: a rebuild with nothing changed is still recognised.
    assert _build(data, out, cache) == 0
    assert capsys.readouterr().out.startswith("nothing changed since the last build of ")
    # --force renders everything again and writes nothing; the owner's files are still there.
    assert _build(data, out, cache, "--force") == 0
    assert "(0 files changed)" in capsys.readouterr().out
    assert {path: digest for path, digest in _everything(out).items() if path in theirs} == theirs


def owned(site: Path, relative: str) -> bool:
    """Whether `relative` is a file of the build, or a folder holding some."""
    files = owned_files(site)
    assert files is not None
    return relative == MARKER or relative in files or any(f.startswith(relative + "/") for f in files)


@pytest.mark.parametrize("inside", ["data", "settings", "guide", "logos", "cache", "landscape folder"])
def test_inputs_inside_the_output_folder_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], inside: str
) -> None:
    base = _landscape(tmp_path)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert _build(base / "landscape.yml", out, cache) == 0
    flags: list[str] = []
    if inside == "data":  # the red team's: the landscape copied into its own site
        shutil.copytree(base, out / "src")
        data = out / "src" / "landscape.yml"
    elif inside == "landscape folder":  # --output-dir . in the landscape's folder
        data, out = base / "landscape.yml", base
    else:
        data = base / "landscape.yml"
        if inside == "cache":
            cache = out / ".cache"
        else:
            name = {"settings": "settings.yml", "guide": "guide.yml", "logos": "logos"}[inside]
            if inside == "logos":  # (the site has a logos/ of its own)
                shutil.copytree(base / name, out / "src-logos")
                flags = ["--logos-path", str(out / "src-logos")]
            else:
                shutil.copy(base / name, out)
                flags = [f"--{inside}-file", str(out / name)]
    before, cache_before = _everything(out), _everything(cache)
    capsys.readouterr()
    assert _build(data, out, cache, *flags) == 2
    output = capsys.readouterr()
    assert output.out == ""
    what = {"data": "data file", "landscape folder": "data file", "logos": "logos folder"}.get(inside, "")
    what = what or f"{inside} {'folder' if inside == 'cache' else 'file'}"
    assert output.err.startswith(f"torchscape: error: the {what} ")
    assert f" is inside the output folder {out}: keep the site apart" in output.err
    assert output.err.count("\n") == 1
    assert _everything(out) == before and _everything(cache) == cache_before  # nothing written


@pytest.mark.parametrize("folder", ["logos", "cache"])
def test_an_output_folder_inside_the_logos_or_cache_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], folder: str
) -> None:
    base = _landscape(tmp_path)
    cache = tmp_path / "cache"
    out = (base / "logos" if folder == "logos" else cache) / "site"
    capsys.readouterr()
    assert _build(base / "landscape.yml", out, cache) == 2
    err = capsys.readouterr().err
    assert f"the output folder {out} is inside the {folder} folder" in err
    assert not out.exists()


def test_a_rename_failing_half_way_undoes_the_update(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _landscape(tmp_path)
    data, out, cache = base / "landscape.yml", tmp_path / "site", tmp_path / "cache"
    assert _build(data, out, cache) == 0
    (out / "CNAME").write_text("landscape.example.org\n", encoding="utf-8")
    before = _everything(out)
    # Every item's description changes: the home page, the API files and each item's page are
    # rewritten; one page cannot be replaced (an immutable file), after others were renamed in.
    text = data.read_text(encoding="utf-8")
    for old, new in (("'A training", "'Now a training"), ("Hyperp", "Now hyperp"), ("Serves", "Now serves")):
        assert old in text
        text = text.replace(old, new)
    data.write_text(text, encoding="utf-8")
    last = sorted((out / "projects").iterdir())[-1] / "index.html"
    if subprocess.run(["chattr", "+i", str(last)], capture_output=True, check=False).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        capsys.readouterr()
        assert _build(data, out, cache) == 1
    finally:
        subprocess.run(["chattr", "-i", str(last)], check=True)
    err = capsys.readouterr().err
    assert err == (
        f"torchscape: error: could not write the site: Operation not permitted ({last}); "
        "nothing was changed: the site is as it was\n"
    )
    assert _everything(out) == before  # no temporary file left, every replaced file put back
    assert _build(data, out, cache) == 0  # once the cause is gone, the update goes through
    assert "Now " in last.read_text(encoding="utf-8")
    assert (out / "CNAME").read_text(encoding="utf-8") == "landscape.example.org\n"


def test_a_site_whose_marker_lists_no_files_loses_nothing_of_others(tmp_path: Path) -> None:
    base = _landscape(tmp_path)
    data, out, cache = base / "landscape.yml", tmp_path / "site", tmp_path / "cache"
    assert _build(data, out, cache) == 0
    files = owned_files(out)
    assert files is not None and "index.html" in files
    (out / MARKER).write_bytes(MARKER_TEXT)  # as torchscape wrote it before markers listed files
    (out / "CNAME").write_text("landscape.example.org\n", encoding="utf-8")
    (out / "index.html").write_text("edited by hand", encoding="utf-8")
    assert _build(data, out, cache) == 0
    assert (out / "CNAME").read_text(encoding="utf-8") == "landscape.example.org\n"
    assert "edited by hand" not in (out / "index.html").read_text(encoding="utf-8")  # a path it writes
    assert owned_files(out) == files  # from now on the marker says


def test_a_marker_naming_files_outside_the_site_is_not_trusted(tmp_path: Path) -> None:
    base = _landscape(tmp_path)
    data, out, cache = base / "landscape.yml", tmp_path / "site", tmp_path / "cache"
    assert _build(data, out, cache) == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("not the site's", encoding="utf-8")
    marker = out / MARKER
    marker.write_bytes(marker.read_bytes() + b'"../victim.txt"\n')
    assert owned_files(out) is None
    assert _build(data, out, cache, "--force") == 0
    assert victim.read_text(encoding="utf-8") == "not the site's"


def test_an_old_file_that_cannot_be_removed_is_noted_and_removed_later(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _landscape(tmp_path)
    data, out, cache = base / "landscape.yml", tmp_path / "site", tmp_path / "cache"
    assert _build(data, out, cache) == 0
    folder = out / "projects" / "example-tuner"
    _drop_tuner(data)
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        capsys.readouterr()
        assert _build(data, out, cache) == 0  # the site is updated; one old page stays for now
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    page = folder / "index.html"
    assert (
        f"note: could not remove {page} (no longer part of the site): Operation not permitted; "
        "the next build tries again\n"
    ) in capsys.readouterr().out
    files = owned_files(out)
    assert files is not None and "projects/example-tuner/index.html" in files
    assert _build(data, out, cache) == 0  # not "nothing changed": it tries again
    assert "(0 files changed)" in capsys.readouterr().out
    assert not folder.exists()
    files = owned_files(out)
    assert files is not None and not any(f.startswith("projects/example-tuner/") for f in files)
