"""Reusing the landscape elsewhere: badges, embed pages, the API's schemas, exports, the poster."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import defusedxml.ElementTree as SafeET
import jsonschema
import pytest

import torchscape
from helpers import catalog, dump, item
from site_helpers import build, bundled_sources, parse
from torchscape.cli import main
from torchscape.export import Selection, select
from torchscape.poster import logos_for, poster_svg
from torchscape.site import api_schema
from torchscape.site.badges import badge_svg, snippets, text_width
from torchscape.site.build import BuildRequest, build_site

REPO = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "A & <b>\"Q\"</b> ]]> 'x'"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("reuse")
    (base / "empty").mkdir()
    build_site(BuildRequest(bundled_sources(base / "empty"), base / "site", base / "cache"))
    return base / "site"


@pytest.fixture(scope="module")
def landscape(tmp_path_factory: pytest.TempPathFactory) -> torchscape.Landscape:
    sources = bundled_sources(tmp_path_factory.mktemp("cwd"))
    return torchscape.load(sources.data_file, sources.settings_file, sources.guide_file, sources.logos_path)


# --- badges ----------------------------------------------------------------------------------


def test_every_item_has_a_well_formed_badge(site: Path, landscape: torchscape.Landscape) -> None:
    for entry in landscape:
        root = SafeET.fromstring((site / "badges" / f"{entry.id}.svg").read_bytes())
        assert root.tag == f"{SVG}svg"
        texts = [t.text for t in root.iter(f"{SVG}text")]
        assert texts.count("PyTorch Landscape") == 1
        assert texts.count(f"{entry.category} / {entry.subcategory}") == 1


def test_badge_width_follows_the_text() -> None:
    short = SafeET.fromstring(badge_svg("L", "A / B"))
    long = SafeET.fromstring(badge_svg("L", "Optimizations / Compilers and Graph Tools"))
    assert int(long.get("width")) - int(short.get("width")) == pytest.approx(
        text_width("Optimizations / Compilers and Graph Tools") - text_width("A / B"), abs=2
    )
    assert text_width("mmm") > text_width("iii")
    # Each run is pinned to the measured width, so it fits whatever font renders it.
    run = [t for t in long.iter(f"{SVG}text")][-1]
    assert int(run.get("textLength")) == round(text_width("Optimizations / Compilers and Graph Tools"))


def test_badge_text_is_escaped() -> None:
    root = SafeET.fromstring(badge_svg(HOSTILE, HOSTILE))
    assert [t.text for t in root.iter(f"{SVG}text")] == [HOSTILE] * 2
    assert root.get("aria-label") == f"{HOSTILE}: {HOSTILE}"


def test_characters_xml_forbids_are_left_out_of_badges_and_the_poster(tmp_path: Path) -> None:
    forbidden = "Bad\x1b[2J\x07\ufffe name"
    root = SafeET.fromstring(badge_svg(forbidden, forbidden))
    assert [t.text for t in root.iter(f"{SVG}text")] == ["Bad[2J name"] * 2
    data = tmp_path / "landscape.yml"
    data.write_text(
        dump(catalog(item(forbidden), category=forbidden, subcategory=forbidden)), encoding="utf-8"
    )
    landscape = torchscape.load(data)
    assert SafeET.fromstring(poster_svg(landscape, tmp_path / "cache")) is not None


def test_item_page_has_the_badge_markdown_and_the_parts_of_the_other_snippets(site: Path) -> None:
    html = (site / "projects" / "pytorch-lightning" / "index.html").read_text(encoding="utf-8")
    base = "https://landscape.torchscape.dev"
    assert f"[![PyTorch Landscape: Training / General]({base}/badges/pytorch-lightning.svg)]" in html
    assert f'data-badge="{base}/badges/pytorch-lightning.svg"' in html
    assert f'data-page="{base}/projects/pytorch-lightning/"' in html
    assert 'src="../../badges/pytorch-lightning.svg" alt="PyTorch Landscape: Training / General"' in html
    # reStructuredText and HTML are made by reuse.js (test_reuse_browser), not written 2,500 times
    assert ".. image::" not in html


def test_badge_snippets_without_a_site_url_are_relative_and_say_so(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item(), category=HOSTILE)), encoding="utf-8")
    landscape = torchscape.load(data)
    entry = next(iter(landscape))
    found = snippets(entry, "X", "")
    assert not found.absolute and found.image == f"badges/{entry.id}.svg"
    assert found.page == f"projects/{entry.id}/" and found.alt.startswith(f"X: {HOSTILE}")
    assert "\\<b\\>" in found.markdown
    build(data, tmp_path / "site", tmp_path / "cache")
    html = (tmp_path / "site" / "projects" / entry.id / "index.html").read_text(encoding="utf-8")
    assert "(no <code>url</code> in the settings: put the site's address in front)" in html
    assert "<b>" not in html.split('id="badge-title"')[1].split("</section>")[0]


# --- embeds ----------------------------------------------------------------------------------


def test_embed_pages_exist_and_are_light(site: Path, landscape: torchscape.Landscape) -> None:
    assert (site / "embed" / "index.html").is_file()
    for category in landscape.categories:
        assert (site / "embed" / category.id / "index.html").is_file()
        for sub in category.subcategories:
            page = site / "embed" / category.id / sub.id / "index.html"
            parsed = parse(page)
            scripts = [link for link in parsed.links if link.endswith(".js")]
            assert len(scripts) == 1 and "/embed." in scripts[0]
            assert parsed.inline_scripts == [] and parsed.style_attributes == 0
            html = page.read_text(encoding="utf-8")
            assert all(f'data-id="{i}"' in html for i in sub.item_ids)
    for entry in landscape:
        assert (site / "embed" / "item" / f"{entry.id}.html").is_file()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "embed" not in home and "reuse." not in home and "badges/" not in home


def test_embed_setup_lists_every_view_and_writes_a_snippet(
    site: Path, landscape: torchscape.Landscape
) -> None:
    html = (site / "embed" / "index.html").read_text(encoding="utf-8")
    for category in landscape.categories:
        assert f'value="embed/{category.id}/"' in html
    assert html.count('data-kind="item"') == len(landscape)
    assert '&lt;iframe src="https://landscape.torchscape.dev/embed/modeling/"' in html
    assert "torchscape:height" in html
    assert 'data-key="subcategory:training/distributed"' in html
    category = (site / "categories" / "training" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../embed/?view=category:training"' in category
    parsed = parse(site / "embed" / "index.html")
    assert parsed.inline_scripts == [] and parsed.style_attributes == 0


def test_embed_snippet_quotes_names_for_the_page_it_is_pasted_into(tmp_path: Path) -> None:
    import html as htmllib
    import re

    # Shown as text to copy: with the names only escaped for this page, a `"` in them came out
    # raw in the copied snippet and closed the attribute on the reader's own site.
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item("Alpha"), category='<b>Cat</b> & "co"')), encoding="utf-8")
    settings = tmp_path / "settings.yml"
    settings.write_text(dump({"foundation": 'X"><script>alert(1)</script>', "url": "https://example.org"}))
    build(data, tmp_path / "site", tmp_path / "cache", settings=settings)
    page = (tmp_path / "site" / "embed" / "index.html").read_text(encoding="utf-8")
    code = re.search(r'<code id="embed-iframe" data-iframe-snippet>(.*?)</code>', page, re.S)
    assert code is not None
    snippet = htmllib.unescape(code.group(1))  # the text a reader copies
    assert snippet.startswith('<iframe src="https://example.org/embed/')
    title = re.search(r' title="([^"]*)"', snippet)
    assert title is not None and "<script" not in snippet
    assert htmllib.unescape(title.group(1)).startswith('X"><script>alert(1)</script>')


# --- API schemas ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", api_schema.NAMES)
def test_committed_api_schema_is_in_sync(name: str) -> None:
    committed = (REPO / "schema" / f"api-{name}.schema.json").read_text(encoding="utf-8")
    assert committed == api_schema.dumps(name), "run: python scripts/api_schemas.py"
    jsonschema.Draft202012Validator.check_schema(api_schema.api_schema(name))


def test_built_api_files_validate(site: Path) -> None:
    def check(name: str, path: Path) -> None:
        schema = json.loads((site / "api" / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)

    check("items", site / "api" / "items.json")
    check("explorer", site / "api" / "explorer.json")
    check("explorer-text", site / "api" / "explorer-text.json")
    check("redirects", site / "api" / "redirects.json")
    check("compare", site / "api" / "compare.json")
    for path in sorted((site / "api" / "categories").glob("*.json")):
        check("category", path)


def test_api_schema_catches_a_wrong_file(site: Path) -> None:
    items = json.loads((site / "api" / "items.json").read_text(encoding="utf-8"))
    items["items"][0]["status"] = "ecosystem"  # an object in version 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(items, api_schema.api_schema("items"))
    items["version"] = 99
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": 99, "items": []}, api_schema.api_schema("items"))
    compare = json.loads((site / "api" / "compare.json").read_text(encoding="utf-8"))
    first = next(iter(compare["items"].values()))
    first["cells"][4] = "12"  # stars: a number, not its text
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(compare, api_schema.api_schema("compare"))
    first["cells"][4] = None
    jsonschema.validate(compare, api_schema.api_schema("compare"))
    first["cells"].pop()  # one fact per row
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(compare, api_schema.api_schema("compare"))


def test_api_version_and_bump_policy_are_documented() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert '"version": 1' in readme and "api/schema/" in readme
    assert "Version policy" in readme


# --- export --------------------------------------------------------------------------------


def test_export_csv_to_stdout_matches_items_csv_columns(
    site: Path, chdir_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export"]) == 0
    out = capsys.readouterr().out
    assert out == (site / "items.csv").read_text(encoding="utf-8")


def test_export_filters(landscape: torchscape.Landscape) -> None:
    training = select(landscape, Selection(category="training"))
    assert training and all(any(p.category == "Training" for p in i.placements) for i in training)
    sub = select(landscape, Selection(category="Training", subcategory="Distributed"))
    assert sub and all(any(p.subcategory == "Distributed" for p in i.placements) for i in sub)
    assert len(sub) < len(training)
    archived = select(landscape, Selection(statuses=("archived",)))
    assert archived and all(i.status and i.status.value == "archived" for i in archived)
    found = select(landscape, Selection(query="LIGHTNING trainer"))
    assert "pytorch-lightning" in [i.id for i in found]
    assert select(landscape, Selection(query="zzzz-nothing")) == []


def test_export_json_and_parquet_files(chdir_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "json", "--category", "Training", "-o", "t.json"]) == 0
    body = json.loads((chdir_tmp / "t.json").read_text(encoding="utf-8"))
    assert body["version"] == 1 and body["items"]
    assert list(body["items"][0]) == body["columns"]
    assert "exported" in capsys.readouterr().err
    pq = pytest.importorskip("pyarrow.parquet")
    assert main(["export", "--format", "parquet", "--query", "vision", "-o", "v.parquet"]) == 0
    table = pq.read_table(chdir_tmp / "v.parquet")
    assert table.column_names == body["columns"]
    assert table.num_rows > 0 and "torchvision" in table.column("id").to_pylist()


def test_export_csv_is_defused_and_user_errors_are_clear(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "landscape.yml"
    sneaky = item("Beta", homepage_url="https://b.example", description="Fine\r=cmd|' /C calc'!A0")
    data.write_text(dump(catalog(item("=cmd|' /C calc'!A0"), sneaky)), encoding="utf-8")
    out = tmp_path / "x.csv"
    assert main(["export", "--data-file", str(data), "-o", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert rows[1][1].startswith("'=")
    # A carriage return inside a cell does not end the row (it became a quoted line feed)
    assert len(rows) == 3 and all(len(row) == len(rows[0]) for row in rows)
    assert "Fine\n=cmd|' /C calc'!A0" in rows[2]
    assert main(["export", "--data-file", str(data), "--category", "Nope"]) == 2
    assert "no category called 'Nope'" in capsys.readouterr().err
    # A misspelt status selected nothing and exited 0 ("exported 0 of 2"), unlike a category.
    assert main(["export", "--data-file", str(data), "--status", "none", "--status", "graduatd"]) == 2
    assert "no curation status called 'graduatd'; the statuses are: none" in capsys.readouterr().err
    assert main(["export", "--data-file", str(data), "--format", "parquet"]) == 2
    assert main(["export", "--data-file", str(data), "-o", str(tmp_path / "no" / "x.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no leftovers


# --- pandas ----------------------------------------------------------------------------------


def test_to_pandas(landscape: torchscape.Landscape) -> None:
    pytest.importorskip("pandas")
    frame = landscape.to_pandas()
    assert len(frame) == len(landscape)
    assert {"id", "name", "category", "subcategory", "status"} <= set(frame.columns)
    assert frame.set_index("id").loc["pytorch-lightning", "category"] == "Training"


# --- poster ----------------------------------------------------------------------------------


def test_poster_svg_is_well_formed_and_has_every_item(
    landscape: torchscape.Landscape, tmp_path: Path
) -> None:
    svg = poster_svg(landscape, tmp_path / "cache")
    root = SafeET.fromstring(svg.encode("utf-8"))
    shown = {g.get("data-id") for g in root.iter(f"{SVG}g") if g.get("class") == "item"}
    assert shown == {i.id for i in landscape}
    images = {i.get("id"): i.get("href") for i in root.iter(f"{SVG}image")}
    assert images and all(h.startswith("data:image/") for h in images.values())
    assert len(set(images.values())) == len(images)  # each distinct logo embedded once
    items = [g for g in root.iter(f"{SVG}g") if g.get("class") == "item"]
    uses = [u.get("href") for g in items for u in g.iter(f"{SVG}use")]
    assert len(uses) == len(items) and {u.removeprefix("#") for u in uses} == set(images)
    titles = [t.text for t in root.iter(f"{SVG}text")]
    assert "PyTorch Landscape" in titles
    assert poster_svg(landscape, tmp_path / "cache") == svg  # deterministic


def test_poster_escapes_and_cli_writes_svg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item(HOSTILE), category="<C&>", subcategory="]]>")), encoding="utf-8")
    out = tmp_path / "p.svg"
    assert main(["poster", "--data-file", str(data), "-o", str(out), "--cache-dir", str(tmp_path / "c")]) == 0
    root = SafeET.fromstring(out.read_bytes())
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<C&>" in texts and HOSTILE in [t.text for t in root.iter(f"{SVG}title")]
    assert main(["poster", "--data-file", str(data), "-o", str(tmp_path / "p.gif")]) == 2
    assert "--format" in capsys.readouterr().err


def test_poster_reads_no_logo_from_outside_the_logos_folder(tmp_path: Path) -> None:
    """As the site build: a logo file that is a link to outside the logos folder is not read
    (validate calls it missing); the poster drew it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><rect width="9" height="9" fill="#abcdef"/></svg>',
        encoding="utf-8",
    )
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "dir").symlink_to(outside)  # a folder on the way out
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item(logo="dir/private.svg"))), encoding="utf-8")
    landscape = torchscape.load(data, logos_path=tmp_path / "logos")
    logo = logos_for(landscape, tmp_path / "cache")["alpha"]
    assert logo.placeholder and b"abcdef" not in logo.data


@pytest.mark.parametrize(
    ("blocked", "code", "message"),
    [
        (
            "pyarrow",
            "from torchscape.cli import main; raise SystemExit(main(['export', '--format', 'parquet', '-o', 'x.parquet']))",
            "needs pyarrow: pip install 'torchscape[parquet]'",
        ),
        (
            "pandas",
            "import torchscape\ntry:\n    torchscape.load("
            + repr(str(REPO / "src/torchscape/data/pytorch/landscape.yml"))
            + ").to_pandas()\n"
            "except torchscape.TorchscapeError as e:\n    print(e, file=__import__('sys').stderr); raise SystemExit(1)",
            "needs pandas: pip install 'torchscape[pandas]'",
        ),
    ],
)
def test_optional_extras_missing_say_how_to_install(
    tmp_path: Path, blocked: str, code: str, message: str
) -> None:
    """Without the optional package (blocked from importing in a fresh process): a clear message."""
    script = f"import sys\nsys.modules[{blocked!r}] = None\n{code}\n"
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.parquet").exists()


def test_a_category_called_item_does_not_collide_with_item_cards(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item("Sub"), category="Item", subcategory="Sub")), encoding="utf-8")
    build(data, tmp_path / "site", tmp_path / "cache")
    embed = tmp_path / "site" / "embed"
    assert (embed / "item-category" / "sub" / "index.html").is_file()
    assert (embed / "item" / "sub.html").is_file()  # the item card of the item called "Sub"
    assert "embed-card" in (embed / "item" / "sub.html").read_text(encoding="utf-8")


def test_a_category_called_item_does_not_take_the_folder_of_one_called_item_category(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    first = catalog(item("Foo"), category="Item", subcategory="Sub")
    second = catalog(item("Bar"), category="Item Category", subcategory="Sub")
    first["categories"] += second["categories"]  # type: ignore[operator]
    data.write_text(dump(first), encoding="utf-8")
    build(data, tmp_path / "site", tmp_path / "cache")
    embed = tmp_path / "site" / "embed"
    # Both went to embed/item-category/: the second overwrote the first's view.
    own = (embed / "item-category" / "index.html").read_text(encoding="utf-8")
    moved = (embed / "item-category-2" / "index.html").read_text(encoding="utf-8")
    assert 'data-id="bar"' in own and 'data-id="foo"' not in own
    assert 'data-id="foo"' in moved and 'data-id="bar"' not in moved
    setup = (embed / "index.html").read_text(encoding="utf-8")
    assert setup.count('value="embed/item-category/"') == 1 and 'value="embed/item-category-2/"' in setup
