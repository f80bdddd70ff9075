"""Putting a build in place: only changed files are written, stale ones go, nothing outside is touched."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from helpers import catalog, dump, item
from site_helpers import build, tree_digest
from torchscape.errors import UsageError
from torchscape.paths import resolve_sources
from torchscape.site import pages
from torchscape.site.build import BuildRequest, build_site
from torchscape.site.writer import MARKER, SiteWriter, owned_files


def _catalog(tmp_path: Path, *names: str) -> Path:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(*(item(name) for name in names))), encoding="utf-8")
    return data


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_rebuild_with_nothing_changed_writes_nothing(tmp_path: Path) -> None:
    data = _catalog(tmp_path, "Alpha", "Beta")
    out = tmp_path / "site"
    first = build(data, out, tmp_path / "cache")
    assert first.changed == first.files
    before = _mtimes(out)
    again = build(data, out, tmp_path / "cache", force=True)  # renders everything, writes nothing
    assert again.changed == 0 and not again.unchanged
    assert "(0 files changed)" in again.summary()
    assert _mtimes(out) == before


def test_rebuild_with_nothing_changed_renders_nothing(tmp_path: Path) -> None:
    data = _catalog(tmp_path, "Alpha", "Beta")
    out = tmp_path / "site"
    first = build(data, out, tmp_path / "cache")
    before = _mtimes(out)
    again = build(data, out, tmp_path / "cache")
    assert again.unchanged and again.changed == 0
    assert (again.items, again.pages, again.files, again.bytes) == (
        first.items,
        first.pages,
        first.files,
        first.bytes,
    )
    assert again.summary().startswith(f"nothing changed since the last build of {out}: 2 items")
    assert _mtimes(out) == before
    # Without a cache folder there is no record: every build is a full one.
    assert not build_site(BuildRequest(resolve_sources(str(data), None, None, None), out)).unchanged


@pytest.mark.parametrize("change", ["data", "settings", "logo", "snapshot", "output-edit", "output-gone"])
def test_any_change_in_or_out_means_a_full_build(tmp_path: Path, change: str) -> None:
    data = _catalog(tmp_path, "Alpha", "Beta")
    settings = tmp_path / "settings.yml"
    settings.write_text("foundation: Example\nurl: https://example.org\n", encoding="utf-8")
    logos = tmp_path / "logos"
    logos.mkdir()
    (logos / "alpha.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(data, out, cache, settings=settings, logos=logos)
    expected = tree_digest(out)
    page = out / "projects" / "alpha" / "index.html"
    if change == "data":
        data.write_text(data.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    elif change == "settings":
        settings.write_text("foundation: Example\nurl: https://example.org/x\n", encoding="utf-8")
    elif change == "logo":
        (logos / "spare.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>', encoding="utf-8"
        )
    elif change == "snapshot":
        (tmp_path / "observed.jsonl").write_text("", encoding="utf-8")
    elif change == "output-edit":
        page.write_text("defaced", encoding="utf-8")
    else:
        page.unlink()
    report = build(data, out, cache, settings=settings, logos=logos)
    assert not report.unchanged
    if change in ("data", "logo", "snapshot") or change.startswith("output"):
        assert tree_digest(out) == expected  # rebuilt: the same site again
    assert build(data, out, cache, settings=settings, logos=logos).unchanged  # and recorded anew


def test_an_edited_logo_in_the_folder_found_beside_the_data_means_a_full_build(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item("Alpha", logo="alpha.svg"))), encoding="utf-8")
    logo = tmp_path / "logos" / "alpha.svg"
    logo.parent.mkdir()
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><rect width="9" height="9" fill="#{}"/></svg>'
    logo.write_text(svg.format("123456"), encoding="utf-8")
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(data, out, cache)  # no logos folder named: the one beside the data file is used
    assert "#123456" in next((out / "logos").glob("alpha.*.svg")).read_text(encoding="utf-8")
    logo.write_text(svg.format("abcdef"), encoding="utf-8")  # same size, other bytes
    os.utime(logo, ns=(logo.stat().st_atime_ns, logo.stat().st_mtime_ns + 1_000_000))
    assert not build(data, out, cache).unchanged
    assert "#abcdef" in next((out / "logos").glob("alpha.*.svg")).read_text(encoding="utf-8")


def test_rebuild_writes_changed_files_and_removes_stale_ones(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(_catalog(tmp_path, "Alpha", "Beta"), out, tmp_path / "cache")
    alpha = (out / "projects" / "alpha" / "index.html").stat().st_mtime_ns
    report = build(_catalog(tmp_path, "Alpha", "Gamma"), out, tmp_path / "cache")
    assert not (out / "projects" / "beta").exists()  # its page and its folder are gone
    assert (out / "projects" / "gamma" / "index.html").is_file()
    assert 0 < report.changed < report.files
    # The result is exactly what a build into an empty folder gives.
    fresh = tmp_path / "fresh"
    build(_catalog(tmp_path, "Alpha", "Gamma"), fresh, tmp_path / "cache")
    assert tree_digest(out) == tree_digest(fresh)
    # Alpha's page names the other items of its subcategory, so it changed too; only by content.
    assert (out / "projects" / "alpha" / "index.html").stat().st_mtime_ns != alpha


def test_hand_edits_are_replaced_and_files_of_others_kept(tmp_path: Path) -> None:
    data = _catalog(tmp_path, "Alpha")
    out = tmp_path / "site"
    build(data, out, tmp_path / "cache")
    expected = tree_digest(out)
    page = out / "projects" / "alpha" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Alpha", "Omega"), encoding="utf-8")
    (out / "stray.txt").write_text("left over", encoding="utf-8")
    (out / "old" / "deep").mkdir(parents=True)
    (out / "old" / "deep" / "page.html").write_text("old", encoding="utf-8")
    (out / "projects" / "notes.md").write_text("mine", encoding="utf-8")  # in a folder of the site
    build(data, out, tmp_path / "cache")
    assert tree_digest(out) == {
        **expected,
        "stray.txt": _digest("left over"),
        "old/deep/page.html": _digest("old"),
        "projects/notes.md": _digest("mine"),
    }


def test_symlinks_inside_the_site_are_never_followed(tmp_path: Path) -> None:
    data = _catalog(tmp_path, "Alpha")
    out = tmp_path / "site"
    build(data, out, tmp_path / "cache")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine", encoding="utf-8")
    (out / "linked-folder").symlink_to(outside, target_is_directory=True)  # someone's: it stays
    about = out / "about" / "index.html"
    real = about.read_bytes()
    about.unlink()
    about.symlink_to(outside / "keep.txt")  # a file the build writes, replaced by a link outside
    build(data, out, tmp_path / "cache")
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt"]
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "linked-folder").is_symlink()
    assert not about.is_symlink()
    assert about.read_bytes() == real
    # A link where the build needs a folder is refused: the build never writes through it.
    before = tree_digest(out)
    (out / "projects" / "alpha").rename(out / "projects" / "moved")
    (out / "projects" / "alpha").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UsageError, match=r"projects/alpha was not written by torchscape where the build"):
        build(data, out, tmp_path / "cache")
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt"]
    assert (out / "projects" / "alpha").is_symlink()
    (out / "projects" / "alpha").unlink()
    (out / "projects" / "moved").rename(out / "projects" / "alpha")
    assert tree_digest(out) == before


def test_a_file_of_an_earlier_build_in_the_way_of_a_folder_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "site"
    writer = SiteWriter(out)
    writer.write("index.html", "<p>one</p>")
    writer.write("a", "a file where the next build puts a folder")
    writer.write("c/d/e.txt", "a folder where the next build puts a file")
    writer.commit()
    writer = SiteWriter(out)
    writer.write("index.html", "<p>two</p>")
    writer.write("a/b.txt", "x")
    writer.write("c", "now a file")
    writer.commit()
    assert (out / "a" / "b.txt").read_text(encoding="utf-8") == "x"
    assert (out / "c").read_text(encoding="utf-8") == "now a file"
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "a", "c", "index.html"]
    assert owned_files(out) == {"index.html", "a/b.txt", "c"}


@pytest.mark.parametrize("way", ["file", "folder"])
def test_something_else_in_the_way_is_refused_before_any_change(tmp_path: Path, way: str) -> None:
    out = tmp_path / "site"
    writer = SiteWriter(out)
    writer.write("index.html", "<p>one</p>")
    writer.commit()
    if way == "file":
        (out / "a").write_text("someone's file where the build puts a folder", encoding="utf-8")
    else:
        (out / "a" / "b.txt").mkdir(parents=True)  # someone's folder where the build puts a file
        (out / "a" / "b.txt" / "notes").write_text("mine", encoding="utf-8")
    before = tree_digest(out)
    writer = SiteWriter(out)
    writer.write("index.html", "<p>two</p>")
    writer.write("a/b.txt", "x")
    where = "makes a folder" if way == "file" else "writes a file"
    with pytest.raises(UsageError, match=f"was not written by torchscape where the build {where}"):
        writer.commit()
    assert tree_digest(out) == before
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "a", "index.html"]


def test_a_new_site_written_as_it_comes_is_the_same_and_invisible_until_commit(tmp_path: Path) -> None:
    files = {"index.html": "<p>home</p>", "a/b/c.json": "{}", "logos/x.svg": "<svg/>", "a/page.html": "p"}
    held, streamed = tmp_path / "held", tmp_path / "streamed"
    writer = SiteWriter(held)
    for relative, text in files.items():
        writer.write(relative, text)
    writer.commit()
    writer = SiteWriter(streamed)
    writer.write("index.html", "<p>home</p>")
    writer.start_writing()
    for relative, text in list(files.items())[1:]:
        writer.write(relative, text)
    writer.write("a/page.html", "p")  # written twice: the last one counts, as when held
    assert not streamed.exists()  # only a staging folder so far
    writer.commit()
    assert tree_digest(streamed) == tree_digest(held)
    assert writer.written == len(files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["held", "streamed"]  # no staging left


def test_a_failed_build_leaves_no_staging_folder_and_the_old_site_untouched(tmp_path: Path) -> None:
    out = tmp_path / "site"
    writer = SiteWriter(out)
    writer.start_writing()
    writer.write("index.html", "<p>half</p>")
    writer.abort()  # what build_site does on any exception
    assert list(tmp_path.iterdir()) == []
    # An error on the writing thread (here a file where a folder must go) surfaces at commit.
    writer = SiteWriter(out)
    writer.start_writing()
    writer.write("a", "a file")
    writer.write("a/b.txt", "under the file")
    with pytest.raises(OSError):
        writer.commit()
    assert list(tmp_path.iterdir()) == []


def test_paths_outside_the_site_are_refused(tmp_path: Path) -> None:
    writer = SiteWriter(tmp_path / "site")
    for bad in ("../escape.html", "/etc/passwd", "", MARKER):
        with pytest.raises(ValueError, match="not a path inside the site"):
            writer.write(bad, "x")


def test_parallel_rendering_gives_the_same_site(tmp_path: Path) -> None:
    data = _catalog(tmp_path, *(f"Project {n:02d}" for n in range(30)))
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    build(data, serial, tmp_path / "cache")
    # A fresh process: forking is (rightly) refused while other threads run, as in a test session
    # that also drives a browser. The threshold is lowered so that a small catalog takes the pool.
    # A new site: the workers write into its staging folder themselves.
    script = """
import sys
from pathlib import Path
from torchscape.paths import resolve_sources
from torchscape.site import pages
from torchscape.site.build import BuildRequest, build_site
pages.PARALLEL_FROM, pages.WORKERS = 2, 3
assert pages.workers_for(30) == 3, pages.workers_for(30)
report = build_site(BuildRequest(resolve_sources(sys.argv[1], None, None, None), Path(sys.argv[2]), Path(sys.argv[3])))
print(report.files, report.bytes, report.pages)
"""
    run = [sys.executable, "-c", script, str(data), str(parallel), str(tmp_path / "cache")]
    done = subprocess.run(run, check=True, timeout=120, capture_output=True, text=True)
    assert tree_digest(serial) == tree_digest(parallel)
    first = build(data, tmp_path / "again", tmp_path / "other-cache")
    assert done.stdout.split() == [str(first.files), str(first.bytes), str(first.pages)]
    # An update in place: the workers compare their files with the live site's and send back
    # only those that differ; only changed files are written.
    kept = parallel / "badges" / "project-05.svg"  # a worker's file that this change leaves alone
    before = kept.stat()
    changed = _catalog(tmp_path, *(f"Project {n:02d}" for n in range(1, 31)))
    subprocess.run(run, check=True, timeout=120)
    build(changed, serial, tmp_path / "cache")
    assert tree_digest(serial) == tree_digest(parallel)
    after = kept.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not (parallel / "badges" / "project-00.svg").exists()


@pytest.mark.parametrize("part", ["_feed_of", "relate"])
def test_a_part_failing_in_its_own_process_fails_the_build(tmp_path: Path, part: str) -> None:
    data = _catalog(tmp_path, *(f"Project {n:02d}" for n in range(30)))
    # As above: a fresh process, the threshold lowered so that the feed gets its own process.
    script = """
import sys
from pathlib import Path
from torchscape.paths import resolve_sources
from torchscape.site import build, pages
pages.PARALLEL_FROM, pages.WORKERS = 2, 3
assert pages.workers_for(30) == 3  # so the feed and the relations get processes of their own
def broken(*args):
    raise ValueError("no " + sys.argv[4] + " today")
setattr(build, sys.argv[4], broken)
try:
    build.build_site(build.BuildRequest(resolve_sources(sys.argv[1], None, None, None), Path(sys.argv[2]), Path(sys.argv[3])))
except ValueError as exc:
    print("raised:", exc)
"""
    run = [sys.executable, "-c", script, str(data), str(tmp_path / "site"), str(tmp_path / "cache"), part]
    done = subprocess.run(run, check=True, timeout=120, capture_output=True, text=True)
    assert done.stdout.strip() == f"raised: no {part} today"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "landscape.yml"]  # nothing left


def test_no_fork_while_other_threads_run() -> None:
    started, stop = threading.Event(), threading.Event()
    worker = threading.Thread(target=lambda: (started.set(), stop.wait()))
    worker.start()
    started.wait()
    try:
        assert pages.workers_for(10**6) == 1
    finally:
        stop.set()
        worker.join()


@pytest.mark.parametrize("existing", [False, True])
def test_a_build_failing_late_leaves_the_previous_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    from torchscape.site import build as build_module

    data = _catalog(tmp_path, "Alpha", "Beta")
    out = tmp_path / "site"
    if existing:
        build(data, out, tmp_path / "cache")
    before = tree_digest(out) if existing else None

    def broken(*args: object) -> tuple[str, list[str]]:
        raise RuntimeError("the disk is full")  # after the pages were already being written

    monkeypatch.setattr(build_module, "_feed_of", broken)
    with pytest.raises(RuntimeError):
        build(_catalog(tmp_path, "Alpha", "Gamma"), out, tmp_path / "cache")
    if existing:
        assert tree_digest(out) == before
    else:
        assert not out.exists()
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers == ["cache", "landscape.yml", *(["site"] if existing else [])]  # no staging folder


def test_an_update_that_cannot_write_a_file_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(_catalog(tmp_path, "Alpha", "Beta"), out, tmp_path / "cache")
    before = tree_digest(out)
    locked = out / "projects" / "beta"
    # An immutable folder: nothing can be created in it, even by root (the disk "refuses").
    if subprocess.run(["chattr", "+i", str(locked)], capture_output=True, check=False).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        data = _catalog(tmp_path, "Alpha", "Beta")
        data.write_text(
            data.read_text(encoding="utf-8").replace("Does alpha things.", "New."), encoding="utf-8"
        )
        with pytest.raises(OSError):
            build(data, out, tmp_path / "cache")
    finally:
        subprocess.run(["chattr", "-i", str(locked)], check=True)
    assert tree_digest(out) == before  # api/items.json, the home page, Alpha's page: all as they were
