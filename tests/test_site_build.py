"""`torchscape build`: the produced site is complete, safe, deterministic and swapped in atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import torchscape
from helpers import catalog, dump, item
from site_helpers import build, bundled_sources, parse, tree_digest, unresolved_links
from torchscape.cli import main
from torchscape.errors import CatalogError, UsageError
from torchscape.site.build import BuildRequest, build_site


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("bundled")
    (base / "empty").mkdir()
    build_site(BuildRequest(bundled_sources(base / "empty"), base / "site", base / "cache"))
    return base / "site"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import FIXTURE

    if not (FIXTURE / "landscape.yml").is_file():
        pytest.skip("../shared/fixtures/pytorch-landscape is absent")
    base = tmp_path_factory.mktemp("fixture")
    build(
        FIXTURE / "landscape.yml",
        base / "site",
        base / "cache",
        settings=FIXTURE / "settings.yml",
        logos=FIXTURE / "hosted_logos",
    )
    return base / "site"


def test_every_local_link_and_asset_resolves(bundled_site: Path) -> None:
    assert unresolved_links(bundled_site) == []


def test_fixture_builds_and_links_resolve(fixture_site: Path) -> None:
    assert unresolved_links(fixture_site) == []
    items = json.loads((fixture_site / "api" / "items.json").read_text(encoding="utf-8"))["items"]
    assert len(items) == 188
    assert all((fixture_site / "projects" / i["id"] / "index.html").is_file() for i in items)


def test_pages_exist(bundled_site: Path) -> None:
    for page in (
        "index.html",
        "guide/index.html",
        "about/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "items.csv",
    ):
        assert (bundled_site / page).is_file(), page
    assert (bundled_site / "categories" / "modeling" / "index.html").is_file()
    assert (bundled_site / "projects" / "pytorch-lightning" / "index.html").is_file()


def test_about_page_explains_statuses_in_any_landscapes_words(bundled_site: Path) -> None:
    """It said "retired from the programme" (the PyTorch ecosystem's words) on every landscape,
    and showed visitors the YAML (`project: archived`)."""
    about = (bundled_site / "about" / "index.html").read_text(encoding="utf-8")
    statuses = about[about.index("<h2>Curation statuses</h2>") : about.index("<h2>Data</h2>")]
    assert "<dt>Retired from the ecosystem</dt>" in statuses
    assert "says nothing about whether the project is still developed" in statuses
    assert "programme" not in statuses and "project:" not in statuses
    assert "(written <code>archived</code> in the catalog)" in statuses


def test_no_template_syntax_leaks(bundled_site: Path) -> None:
    for page in bundled_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "{{" not in text and "{%" not in text, page


def test_item_page_metadata(bundled_site: Path) -> None:
    html = (bundled_site / "projects" / "pyro" / "index.html").read_text(encoding="utf-8")
    assert "<title>Pyro · PyTorch Landscape</title>" in html
    assert '<meta name="description" content="' in html
    assert '<link rel="canonical" href="https://landscape.torchscape.dev/projects/pyro/">' in html
    assert "Retired from the ecosystem" in html
    # On the grid, the retired tile says what its tag means (it read as a dead project).
    home = (bundled_site / "index.html").read_text(encoding="utf-8")
    tile = home[home.index('data-id="pyro"') : home.index("</a>", home.index('data-id="pyro"'))]
    assert 'title="A curation status: it says nothing about whether the code is still developed"' in tile
    ld = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    data = json.loads(ld)
    assert data["name"] == "Pyro" and data["codeRepository"] == "https://github.com/pyro-ppl/pyro"


def test_security_headers_and_no_inline_code(bundled_site: Path) -> None:
    for page in [
        bundled_site / "index.html",
        bundled_site / "projects" / "pyro" / "index.html",
        bundled_site / "guide" / "index.html",
    ]:
        html = page.read_text(encoding="utf-8")
        csp = html.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp
        parsed = parse(page)
        assert set(parsed.inline_scripts) <= {"application/ld+json"}
        assert parsed.style_attributes == 0


def test_items_json_and_exports(bundled_site: Path) -> None:
    landscape = torchscape.load(
        torchscape.paths.bundled_dir() / "landscape.yml",
        torchscape.paths.bundled_dir() / "settings.yml",
    )
    body = json.loads((bundled_site / "api" / "items.json").read_text(encoding="utf-8"))
    assert body["version"] == 1
    ids = [i["id"] for i in body["items"]]
    assert ids == [i.id for i in landscape] and len(set(ids)) == len(ids)
    lightning = next(i for i in body["items"] if i["id"] == "pytorch-lightning")
    assert {
        "name",
        "category",
        "subcategory",
        "second_paths",
        "homepage_url",
        "repo_url",
        "status",
        "license",
        "packages",
        "logo",
        "page",
    } <= set(lightning)
    for category in landscape.categories:
        part = json.loads(
            (bundled_site / "api" / "categories" / f"{category.id}.json").read_text(encoding="utf-8")
        )
        assert part["name"] == category.name
        listed = {i for sub in part["subcategories"] for i in sub["items"]}
        assert {entry["id"] for entry in part["items"]} == listed
        for entry in part["items"]:  # in short: the fields of items.json that show an item
            full = next(i for i in body["items"] if i["id"] == entry["id"])
            assert entry == {key: full[key] for key in entry} and "page" in entry and "observed" not in entry
    rows = list(csv.DictReader(io.StringIO((bundled_site / "items.csv").read_text(encoding="utf-8"))))
    assert len(rows) == len(landscape)
    redirects = json.loads((bundled_site / "api" / "redirects.json").read_text(encoding="utf-8"))["items"]
    assert redirects["pytorch-projects--foundation--pytorch"] == "projects/pytorch/"


def test_build_is_deterministic_across_processes(tmp_path: Path, fixture_dir: Path) -> None:
    sites = []
    for index, (seed, tz, lang) in enumerate(
        (("1", "UTC", "C.UTF-8"), ("4242", "Asia/Kolkata", "en_US.UTF-8"))
    ):
        out = tmp_path / f"site{index}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": tz, "LC_ALL": lang, "LANG": lang}
        args = [
            "build",
            "--data-file",
            str(fixture_dir / "landscape.yml"),
            "--settings-file",
            str(fixture_dir / "settings.yml"),
            "--output-dir",
            str(out),
            "--cache-dir",
            str(tmp_path / f"cache{index}"),
        ]
        subprocess.run(
            [sys.executable, "-m", "torchscape.cli", *args],
            check=True,
            env=env,
            capture_output=True,
        )
        sites.append(tree_digest(out))
    assert sites[0] == sites[1]


def test_failed_build_leaves_previous_site_untouched(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item())), encoding="utf-8")
    out = tmp_path / "site"
    build(data, out, tmp_path / "cache")
    before = tree_digest(out)
    data.write_text(dump(catalog(item(homepage_url="javascript:alert(1)"))), encoding="utf-8")
    with pytest.raises(CatalogError):
        build(data, out, tmp_path / "cache")
    assert tree_digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left


def test_refuses_to_replace_a_folder_it_did_not_make(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item())), encoding="utf-8")
    precious = tmp_path / "docs"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work", encoding="utf-8")
    with pytest.raises(UsageError, match="not built by torchscape"):
        build(data, precious, tmp_path / "cache")
    assert (precious / "thesis.tex").read_text(encoding="utf-8") == "years of work"


HOSTILE_NAME = '<script>alert("name")</script>'
HOSTILE_DESCRIPTION = "</script><script>alert(1)</script> & <img src=x onerror=alert(2)>"


def test_hostile_text_is_escaped_everywhere(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    hostile = item(
        HOSTILE_NAME,
        description=HOSTILE_DESCRIPTION,
        homepage_url='https://a.example/"onmouseover="alert(3)',
        extra={
            "summary_tags": "<b>x</b>",
            "other_links": [{"name": "<i>docs</i>", "url": "https://a.example/?q=<x>"}],
        },
    )
    data.write_text(dump(catalog(hostile)), encoding="utf-8")
    guide = tmp_path / "guide.yml"
    guide.write_text(
        dump(
            {
                "categories": [
                    {
                        "category": "Cat",
                        "content": '<script>alert(4)</script>\n\n[click](javascript:alert(5)) <a href="javascript:x">y</a>\n\n# Big heading',
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    settings = tmp_path / "settings.yml"
    settings.write_text(
        dump(
            {
                "foundation": "F",
                "url": "https://f.example",
                "footer": {"text": "<iframe src=https://evil.example></iframe>[ok](https://ok.example)"},
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    build(data, out, tmp_path / "cache", settings=settings, guide=guide)
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html, page
        assert dangerous_markup(html) == [], page
    item_page = next((out / "projects").iterdir()) / "index.html"
    html = item_page.read_text(encoding="utf-8")
    ld = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert json.loads(ld)["description"] == HOSTILE_DESCRIPTION  # intact, yet cannot close the script
    assert "&lt;script&gt;" in html
    guide_html = (out / "guide" / "index.html").read_text(encoding="utf-8")
    assert (
        '<a href="https://ok.example" rel="noopener noreferrer nofollow">ok</a>' in guide_html
        or "ok.example" in (out / "index.html").read_text(encoding="utf-8")
    )
    assert "<h4>Big heading</h4>" in guide_html


class _Dangers(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if (
            tag in ("iframe", "object", "embed", "img")
            and "src" in values
            and not (values["src"] or "").startswith(("../", "logos/", "static/"))
        ):
            self.found.append(f"<{tag} src={values['src']}>")
        if tag == "script" and values.get("type") not in ("module", "application/ld+json"):
            self.found.append("<script>")
        self.found += [f"{tag}[{name}]" for name, _ in attrs if name.startswith("on")]
        self.found += [
            f"{tag}[{n}={v}]"
            for n, v in attrs
            if n in ("href", "src")
            and (v or "").strip().lower().startswith(("javascript", "data:text", "vbscript"))
        ]


def dangerous_markup(html: str) -> list[str]:
    """Elements and attributes that could run code or load from elsewhere."""
    parser = _Dangers()
    parser.feed(html)
    return parser.found


def test_control_and_direction_characters_do_not_reach_pages(tmp_path: Path) -> None:
    """A name with an escape sequence put a raw ESC byte into 9 pages (HTML does not allow it, and
    a terminal showing the file obeys it), and U+202E reversed the text after it beyond its
    element. Each is shown as U+FFFD; validate warns of both."""
    data = tmp_path / "landscape.yml"
    data.write_text(
        dump(catalog(item("Tuner \x1b[31mRED \u202eevil", description="A \x07bell."))), encoding="utf-8"
    )
    out = tmp_path / "site"
    build(data, out, tmp_path / "cache")
    pages = list(out.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not {"\x1b", "\x07", "\u202e"} & set(text), page
    item_page = next(p for p in pages if p.parent.name.startswith("tuner")).read_text(encoding="utf-8")
    assert "Tuner \ufffd[31mRED \ufffdevil" in item_page
    # The JSON the site's scripts make views of (the list view, the compare table) follows the
    # pages; the API keeps the data whole.
    for view in ("explorer.json", "explorer-text.json", "compare.json"):
        assert "\u202e" not in (out / "api" / view).read_text(encoding="utf-8"), view
    assert (
        "\u202eevil"
        in json.loads((out / "api" / "items.json").read_text(encoding="utf-8"))["items"][0]["name"]
    )


def test_base_path_for_sub_path_hosting(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item())), encoding="utf-8")
    settings = tmp_path / "settings.yml"
    settings.write_text(
        dump({"foundation": "F", "url": "https://org.github.io", "base_path": "/landscape/"}),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    build(data, out, tmp_path / "cache", settings=settings)
    html = (out / "projects" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://org.github.io/landscape/projects/alpha/">' in html
    assert 'href="../../static/' in html  # relative links work under any prefix
    not_found = (out / "404.html").read_text(encoding="utf-8")
    assert 'href="/landscape/static/' in not_found  # the 404 page is served at any depth
    assert "https://org.github.io/landscape/projects/alpha/" in (out / "sitemap.xml").read_text(
        encoding="utf-8"
    )


def test_cli_build_defaults(chdir_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--cache-dir", str(chdir_tmp / "cache")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "building the bundled PyTorch landscape (no landscape.yml in this folder)"
    assert "built 346 items" in out and (chdir_tmp / "site" / "index.html").is_file()
    (chdir_tmp / "landscape.yml").write_text(dump(catalog(item())), encoding="utf-8")
    assert main(["build", "--cache-dir", str(chdir_tmp / "cache")]) == 0
    assert "built 1 items" in capsys.readouterr().out


def test_cli_build_refusal_is_clear(chdir_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (chdir_tmp / "landscape.yml").write_text(dump(catalog(item(logo="../../etc/passwd"))), encoding="utf-8")
    assert main(["build", "--cache-dir", str(chdir_tmp / "cache")]) == 1
    err = capsys.readouterr().err
    assert "logo-outside" not in err and "points outside the logos folder" in err
    assert "build refused: 1 blocking problem(s); site is untouched" in err


def test_notes_for_a_landscape_without_settings_or_with_the_wrong_logos_folder(
    chdir_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = [item(f"P{n}", homepage_url=f"https://p{n}.example", logo=f"p{n}.svg") for n in range(12)]
    (chdir_tmp / "landscape.yml").write_text(dump(catalog(*entries)), encoding="utf-8")
    (chdir_tmp / "logos").mkdir()
    assert main(["validate"]) == 1
    out = capsys.readouterr().out
    assert "note: none of the 12 logo files is in logos: is --logos-path the folder they are in?" in out
    assert "note: no settings file: the site is titled 'Open source Landscape'" in out
    assert main(["build", "--cache-dir", str(chdir_tmp / "cache")]) == 0
    assert "note: no settings file: the site is titled 'Open source Landscape'" in capsys.readouterr().out
    (chdir_tmp / "logos" / "p0.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'
    )
    (chdir_tmp / "settings.yml").write_text("foundation: F\nurl: https://f.example\n", encoding="utf-8")
    main(["validate"])
    out = capsys.readouterr().out
    assert (
        "none of the" not in out and "no settings file" not in out
    )  # one logo there: its errors say the rest


def test_a_refusal_shows_what_refuses_it_among_many_errors(
    chdir_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """LF Edge's landscape: 161 missing logos (errors that do not stop a build) hid the one
    homepage without a scheme that did. The refusal lists only that one; validate says where."""
    entries = [item(f"P{n}", homepage_url=f"https://p{n}.example", logo=f"p{n}.svg") for n in range(30)]
    entries.append(item("Volutus", homepage_url="www.vapor.example", logo="v.svg"))
    (chdir_tmp / "landscape.yml").write_text(dump(catalog(*entries)), encoding="utf-8")
    (chdir_tmp / "logos").mkdir()
    assert main(["build", "--cache-dir", str(chdir_tmp / "cache")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "Volutus › homepage_url: 'www.vapor.example' has no scheme" in err[0]
    assert err[1] == (
        "build refused: 1 blocking problem(s) (31 other error(s) and 0 warning(s): "
        "`torchscape validate` lists them); site is untouched"
    )
    assert main(["validate"]) == 1
    line = next(n for n, text in enumerate(dump(catalog(*entries)).splitlines(), 1) if "vapor" in text)
    assert (
        capsys.readouterr()
        .out.splitlines()[-1]
        .startswith(f"not valid: 32 error(s) (1 stops `build`: landscape.yml:{line}), 0 warning(s)")
    )


def test_a_landscapeapp_catalog_builds(chdir_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """landscapeapp's files, as many foundations still keep them: a logo given as a URL (an
    error, not a blocking one: a monogram stands in) and a settings file with `global:`."""
    (chdir_tmp / "hosted_logos").mkdir()
    (chdir_tmp / "hosted_logos" / "alpha.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>',
        encoding="utf-8",
    )
    remote = item("Beta", homepage_url="https://b.example", logo="https://cdn.example/beta.svg")
    (chdir_tmp / "landscape.yml").write_text(dump(catalog(item(), remote)), encoding="utf-8")
    (chdir_tmp / "settings.yml").write_text(
        "global:\n  name: Example Interactive Landscape\n  short_name: Example\n"
        "  website: https://landscape.example.org\n",
        encoding="utf-8",
    )
    assert main(["validate"]) == 1
    said = capsys.readouterr().out
    assert "Beta › logo: 'https://cdn.example/beta.svg' is a URL" in said
    assert "warning: global: a landscapeapp settings file" in said
    assert main(["build", "--cache-dir", str(chdir_tmp / "cache")]) == 0
    out = capsys.readouterr().out
    assert "note: the catalog has 1 error(s) and 1 warning(s) that do not stop a build" in out
    assert "beta: is a URL" in out  # its monogram, and why
    home = (chdir_tmp / "site" / "index.html").read_text(encoding="utf-8")
    assert "<title>Example Landscape</title>" in home and "cdn.example" not in home
    beta = home[home.index('data-id="beta"') : home.index("</li>", home.index('data-id="beta"'))]
    assert "monogram" in beta


def test_newer_landscape2_settings_are_read(tmp_path: Path) -> None:
    """Settings fields of recent landscape2 versions: a group's `alias` (its tab's anchor), a
    featured rule's `exclude.groups` (not featured in those groups' tabs), `header.motd`
    (markdown, sanitised) and `hide_organization_section_in_projects` (no organisation
    section here to hide)."""
    data = {
        "categories": [
            {
                "name": "Projects",
                "subcategories": [
                    {
                        "name": "All",
                        "items": [
                            item("Alpha", project="member"),
                            item("Beta", homepage_url="https://b.example"),
                        ],
                    }
                ],
            },
            {
                "name": "Members",
                "subcategories": [
                    {
                        "name": "All",
                        "items": [item("Gamma", project="member", homepage_url="https://g.example")],
                    }
                ],
            },
        ]
    }
    settings = {
        "foundation": "F",
        "url": "https://f.example",
        "hide_organization_section_in_projects": True,
        "header": {"motd": "Meet us at **F-Con** <script>alert(1)</script> [details](https://f.example/con)"},
        "groups": [
            {"name": "Projects", "alias": "projects-tab", "categories": ["Projects"]},
            {"name": "Members", "categories": ["Members"]},
        ],
        "featured_items": [
            {
                "field": "maturity",
                "options": [{"value": "member", "label": "Member"}],
                "exclude": {"groups": ["Members"]},
            }
        ],
    }
    (tmp_path / "landscape.yml").write_text(dump(data), encoding="utf-8")
    (tmp_path / "settings.yml").write_text(dump(settings), encoding="utf-8")
    report = build(
        tmp_path / "landscape.yml", tmp_path / "site", tmp_path / "cache", settings=tmp_path / "settings.yml"
    )
    assert report.landscape is not None and not report.landscape.problems  # nothing unknown
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    projects = home[home.index('id="group-projects-tab"') : home.index('id="group-members"')]
    members = home[home.index('id="group-members"') :]
    assert projects.index('data-id="alpha"') < projects.index('data-id="beta"')
    assert 'class="tile is-featured" href="projects/alpha/"' in projects and "tag-featured" in projects
    assert (
        'class="tile" href="projects/gamma/"' in members and "tag-featured" not in members.split("</main>")[0]
    )
    page = (tmp_path / "site" / "projects" / "beta" / "index.html").read_text(encoding="utf-8")
    motd = page[page.index('<div class="motd"') : page.index("</div>", page.index('<div class="motd"'))]
    assert "<strong>F-Con</strong>" in motd and 'href="https://f.example/con"' in motd
    assert "<script" not in motd and "alert" not in motd.replace("&lt;script&gt;alert(1)&lt;/script&gt;", "")
    # the featured rule names a group that exists: a misspelt one is a warning
    settings["featured_items"][0]["exclude"] = {"groups": ["Membres"]}  # type: ignore[index]
    (tmp_path / "settings.yml").write_text(dump(settings), encoding="utf-8")
    checked = torchscape.check(tmp_path / "landscape.yml", tmp_path / "settings.yml")
    assert [(p.code.value, p.field) for p in checked.problems] == [
        ("unknown-category", "featured_items[0].exclude.groups[0]")
    ]
    assert "did you mean 'Members'?" in checked.problems[0].message


def test_stats_page_has_charts_and_numbers(bundled_site: Path) -> None:
    html = (bundled_site / "stats" / "index.html").read_text(encoding="utf-8")
    for chart in ("categories", "status", "kind", "license", "activity"):
        assert f'id="{chart}"' in html
    assert '<svg class="chart"' in html and 'role="img"' in html
    assert "<td>Retired from the ecosystem</td><td>68</td>" in html
    assert "<td>Modeling</td><td>141</td>" in html  # 140 listed there first, plus one second placement


def test_items_without_a_logo_are_drawn_as_text_in_tiles_and_cards(tmp_path: Path) -> None:
    from torchscape.site.monogram import PALETTE, monogram_index

    logos = tmp_path / "logos"
    logos.mkdir()
    (logos / "alpha.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>',
        encoding="utf-8",
    )
    data = tmp_path / "landscape.yml"
    entries = [
        item("Alpha"),
        item("Torch Vision Extras", logo="missing.svg", homepage_url="https://b.example"),
    ]
    data.write_text(dump(catalog(*entries)), encoding="utf-8")
    out = tmp_path / "site"
    report = build(data, out, tmp_path / "cache", logos=logos)
    assert report.placeholders == ["torch-vision-extras"]
    colour = monogram_index("Torch Vision Extras")
    drawn = f'<span class="monogram mono-{colour}" aria-hidden="true">TV</span>'
    home = (out / "index.html").read_text(encoding="utf-8")
    tile = home[
        home.index('data-id="torch-vision-extras"') : home.index(
            "</li>", home.index('data-id="torch-vision-extras"')
        )
    ]
    assert drawn in tile and "<img" not in tile
    alpha = home[home.index('data-id="alpha"') : home.index("</li>", home.index('data-id="alpha"'))]
    assert "<img" in alpha and "monogram" not in alpha  # a real logo stays an image
    category = next((out / "categories").glob("*/index.html")).read_text(encoding="utf-8")
    assert drawn in category
    # Its own page still shows the monogram file (an image, large, with alt text) ...
    page = (out / "projects" / "torch-vision-extras" / "index.html").read_text(encoding="utf-8")
    assert 'alt="Torch Vision Extras logo"' in page
    # ... and the page's stylesheet has every palette colour as a class.
    theme = next((out / "static").glob("site.*.css")).read_text(encoding="utf-8")
    assert all(f".mono-{n} {{ background: {c}; }}" in theme for n, c in enumerate(PALETTE))


def test_no_torch_or_dependency_pages_without_their_data(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item(), item("Beta", homepage_url="https://b.example"))), encoding="utf-8")
    settings = tmp_path / "settings.yml"
    settings.write_text("foundation: Other\nurl: https://landscape.other.example\n", encoding="utf-8")
    out = tmp_path / "site"
    build(data, out, tmp_path / "cache", settings=settings)
    assert not (out / "torch").exists() and not (out / "graph").exists()
    home = (out / "index.html").read_text(encoding="utf-8")
    page = (out / "projects" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert "torch/" not in home + page and "graph/" not in home + page and 'id="torch-title"' not in page
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "/torch/" not in sitemap and "/graph/" not in sitemap and "/guide/" not in sitemap
    assert "/stats/" in sitemap and unresolved_links(out) == []


def test_item_page_links_crunchbase_and_the_extra_links(tmp_path: Path) -> None:
    entry = item(
        crunchbase="https://www.crunchbase.com/organization/alpha",
        extra={
            "linkedin_url": "https://www.linkedin.com/company/alpha",
            "mailing_list_url": "mailto:list@alpha.example",
            "slack_url": "https://alpha.slack.example/",
        },
    )
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(entry)), encoding="utf-8")
    build(data, tmp_path / "site", tmp_path / "cache")
    page = (tmp_path / "site" / "projects" / "alpha" / "index.html").read_text(encoding="utf-8")
    links = page[page.index('<ul class="links">') : page.index("</ul>", page.index('<ul class="links">'))]
    expected = [
        ("https://www.crunchbase.com/organization/alpha", "Crunchbase"),
        ("mailto:list@alpha.example", "Mailing list"),
        ("https://alpha.slack.example/", "Slack"),
        ("https://www.linkedin.com/company/alpha", "LinkedIn"),
    ]
    positions = [
        links.index(f'<a href="{url}" rel="noopener noreferrer">{label}</a>') for url, label in expected
    ]
    assert positions == sorted(positions)


def test_pages_call_items_what_the_settings_say(tmp_path: Path) -> None:
    """A landscape of member companies calls them members (`torchscape.item_words`)."""
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item(), item("Beta", homepage_url="https://b.example"))), encoding="utf-8")
    settings = tmp_path / "settings.yml"
    settings.write_text(
        "foundation: F\nurl: https://f.example\ntorchscape:\n  item_words: {one: member, many: members}\n",
        encoding="utf-8",
    )
    out = tmp_path / "site"
    build(data, out, tmp_path / "cache", settings=settings)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "<p>2 members, arranged by what they are for." in home and 'data-words="member|members"' in home
    assert "Search members, topics, keywords" in home and "projects" not in home.replace("projects/", "")
    assert "lists 2 members." in (out / "about" / "index.html").read_text(encoding="utf-8")
    stats = (out / "stats" / "index.html").read_text(encoding="utf-8")
    assert "2 members. Curated" in stats and "Members per category" in stats and ">Members</th>" in stats
    assert "Project" not in stats and 'data-words="member|members"' in stats  # compare.js reads it too


def test_a_description_of_several_paragraphs_keeps_them(tmp_path: Path) -> None:
    text = "Geospatial services.\n\nCamptocamp SA, Lausanne\nAddress: PSE-A <EPFL>\n\n\n+41 21 000 00 00"
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item(description=text))), encoding="utf-8")
    build(data, tmp_path / "site", tmp_path / "cache")
    page = (tmp_path / "site" / "projects" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<p class="lead">([^<]*)</p>', page) == [
        "Geospatial services.",
        "Camptocamp SA, Lausanne Address: PSE-A &lt;EPFL&gt;",
        "+41 21 000 00 00",
    ]


def test_item_page_shows_what_extra_says_besides_links(tmp_path: Path) -> None:
    """A foundation's stages, reviews, audits, chat and summaries (landscape2 keeps them all);
    the archiving date under the label the settings give `archived`, and nothing for an item
    without them."""
    entry = item(
        project="archived",
        enduser="true",
        extra={
            "incubating": "2021-04-21",
            "graduated": "2024-09-23",
            "archived": "2025-01-02",
            "annual_review_date": "2025-02-05",
            "audits": [
                {
                    "date": "2023-03-01",
                    "type": "security",
                    "url": "https://a.example/audit",
                    "vendor": "<Acme>",
                }
            ],
            "chat_channel": "#alpha",
            "parent_project": "Beta",
            "tag": ["observability", "runtime"],
            "specification": "true",
            "summary_use_case": "Tracing <b>things</b>",
            "summary_personas": "Operators",
        },
    )
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(entry, item("Beta", homepage_url="https://b.example"))), encoding="utf-8")
    settings = tmp_path / "settings.yml"
    settings.write_text(
        "foundation: F\nurl: https://f.example\ntorchscape:\n  statuses:\n"
        "    archived: {label: Retired from the programme, retired: true}\n",
        encoding="utf-8",
    )
    build(data, tmp_path / "site", tmp_path / "cache", settings=settings)
    page = (tmp_path / "site" / "projects" / "alpha" / "index.html").read_text(encoding="utf-8")
    facts = page[page.index('id="catalog-title"') : page.index("</dl>", page.index('id="catalog-title"'))]
    for expected in (
        '<dt>Incubating since</dt><dd><time datetime="2021-04-21">2021-04-21</time></dd>',
        '<dt>Graduated</dt><dd><time datetime="2024-09-23">2024-09-23</time></dd>',
        '<dt>Retired from the programme</dt><dd><time datetime="2025-01-02">2025-01-02</time></dd>',
        '<dt>Annual review</dt><dd><time datetime="2025-02-05">2025-02-05</time></dd>',
        '<a href="https://a.example/audit" rel="noopener noreferrer">security</a> by &lt;Acme&gt;',
        "<dt>Part of</dt><dd>Beta</dd>",
        "<dt>TAG</dt><dd>observability, runtime</dd>",
        "<dt>Specification</dt>",
        "<dt>Chat</dt><dd>#alpha</dd>",
        "<dt>Use case</dt><dd>Tracing &lt;b&gt;things&lt;/b&gt;</dd>",
        "<dt>Who uses it</dt><dd>Operators</dd>",
        "<dt>Membership</dt><dd>End user</dd>",
    ):
        assert expected in facts, expected
    plain = (tmp_path / "site" / "projects" / "beta" / "index.html").read_text(encoding="utf-8")
    plain_facts = plain[
        plain.index('id="catalog-title"') : plain.index("</dl>", plain.index('id="catalog-title"'))
    ]
    assert "<dt>" in plain_facts and not any(
        label in plain_facts for label in ("Incubating", "Graduated", "Chat", "TAG", "Membership", "Use case")
    )


def test_tiles_show_a_bitmap_thumbnail_of_an_svg_logo_and_its_page_the_svg(tmp_path: Path) -> None:
    logos = tmp_path / "logos"
    logos.mkdir()
    shapes = "".join(
        f'<circle cx="{x * 7.3 + 3}" cy="{y * 5.9 + 3}" r="{(x + y) % 5 + 1.5}" fill="#{x * 17:02x}{y * 15:02x}80"/>'
        for x in range(14)
        for y in range(16)
    )  # many shapes: smaller drawn at tile size than written out
    (logos / "alpha.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 110 100">{shapes}</svg>', encoding="utf-8"
    )
    data = tmp_path / "landscape.yml"
    data.write_text(
        dump(catalog(item("Alpha"), item("Beta", homepage_url="https://b.example"))), encoding="utf-8"
    )
    out = tmp_path / "site"
    build(data, out, tmp_path / "cache", logos=logos)
    home = (out / "index.html").read_text(encoding="utf-8")
    tile = home[home.index('data-id="alpha"') : home.index("</li>", home.index('data-id="alpha"'))]
    (thumbnail,) = {link for link in parse(out / "index.html").links if link.startswith("logos/alpha.")}
    assert thumbnail.endswith(".webp") and thumbnail in tile
    # What the grid's logos weigh (the explorer fetches them ahead of need when that is little):
    # the thumbnail both tiles show, once, not the SVG of the item pages.
    assert f'data-logo-bytes="{(out / thumbnail).stat().st_size}"' in home
    page = out / "projects" / "alpha" / "index.html"
    (logo,) = {link for link in parse(page).links if "logos/alpha." in link and f"../../{thumbnail}" != link}
    assert logo.endswith(".svg") and 'alt="Alpha logo"' in page.read_text(encoding="utf-8")
    assert (
        json.loads((out / "api" / "items.json").read_text(encoding="utf-8"))["items"][0]["logo"] == logo[6:]
    )
    beta = (out / "projects" / "beta" / "index.html").read_text(encoding="utf-8")
    alternatives = beta[beta.index('id="alternatives-title"') :]
    assert f'src="../../{thumbnail}"' in alternatives  # Alpha among Beta's alternatives: a tile
    assert unresolved_links(out) == []


def test_very_long_names_get_ids_short_enough_for_file_names(tmp_path: Path) -> None:
    from torchscape.catalog.ids import MAX_ID_BYTES

    long_name, wide_name = "z" * 300, "中" * 120  # 300 and 360 bytes as an id
    data = tmp_path / "landscape.yml"
    data.write_text(
        dump(
            catalog(item(long_name), item(wide_name, homepage_url="https://b.example"), subcategory="?" * 300)
        ),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    report = build(data, out, tmp_path / "cache")
    ids = [entry.id for entry in report.landscape.items] if report.landscape else []
    assert len(ids) == 2 and all(len(i.encode("utf-8")) <= MAX_ID_BYTES for i in ids)
    assert ids[0].startswith("z" * 100) and ids[0] != ids[1]
    for identifier in ids:
        assert (out / "projects" / identifier / "index.html").is_file()
        assert (out / "badges" / f"{identifier}.svg").is_file()
    assert report.landscape is not None
    assert re.fullmatch(r"subcategory-[0-9a-f]{8}", report.landscape.categories[0].subcategories[0].id)
    assert unresolved_links(out) == []


def test_links_out_of_the_logos_folder_are_not_published_and_the_site_is_readable(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = '<svg xmlns="http://www.w3.org/2000/svg"><title>PRIVATE-OUTSIDE</title><rect width="9" height="9"/></svg>'
    (outside / "private.svg").write_text(secret, encoding="utf-8")
    logos = tmp_path / "logos"
    logos.mkdir()
    (logos / "alpha.svg").symlink_to(outside / "private.svg")
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item())), encoding="utf-8")
    out = tmp_path / "site"
    report = build(data, out, tmp_path / "cache", logos=logos)
    assert report.placeholders == ["alpha"]
    assert not any(b"PRIVATE-OUTSIDE" in p.read_bytes() for p in (out / "logos").iterdir())
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask  # not the 0700 of a temporary folder


def test_a_guide_naming_a_category_twice_gives_each_section_its_own_id(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item())), encoding="utf-8")
    guide = tmp_path / "guide.yml"
    chapter = {"category": "Cat", "subcategories": [{"subcategory": "Sub", "content": "first"}]}
    second = {"category": "Cat", "subcategories": [{"subcategory": "Sub", "content": "second"}]}
    guide.write_text(
        dump({"categories": [{**chapter, "content": "one"}, {**second, "content": "two"}]}), encoding="utf-8"
    )
    out = tmp_path / "site"
    build(data, out, tmp_path / "cache", guide=guide)
    html = (out / "guide" / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'<section id="([^"]+)"', html)
    assert ids == ["guide-cat", "guide-cat--sub", "guide-cat-2", "guide-cat-2--sub"]
    links = re.findall(r'<a href="#(guide-[^"]+)"', html)
    assert links == ["guide-cat", "guide-cat-2"]
    category = (out / "categories" / "cat" / "index.html").read_text(encoding="utf-8")
    assert "first" in category and "second" not in category  # the first section, as validate says


def test_guide_links_by_landscape2_anchors_reach_the_sections(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item())), encoding="utf-8")
    guide = tmp_path / "guide.yml"
    text = "See [Sub](#cat--sub), [ours](#guide-cat--sub), [elsewhere](#nowhere) and [out](https://x.example/#cat--sub)."
    chapter = {"category": "Cat", "content": text, "subcategories": [{"subcategory": "Sub", "content": "s"}]}
    guide.write_text(dump({"categories": [chapter]}), encoding="utf-8")
    out = tmp_path / "site"
    build(data, out, tmp_path / "cache", guide=guide)
    page = (out / "guide" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'href="([^"]*#[^"]*)"', page.split('class="guide-body"', 1)[1]) == [
        "#guide-cat--sub",  # landscape2's anchor, pointed at our section's id
        "#guide-cat--sub",
        "#nowhere",  # left as written
        "https://x.example/#cat--sub",
    ]
    category = (out / "categories" / "cat" / "index.html").read_text(encoding="utf-8")
    prose = category.split('<div class="prose">', 1)[1].split("</div>", 1)[0]
    assert re.findall(r'href="([^"]*#[^"]*)"', prose) == [
        "../../guide/#guide-cat--sub",  # from the category page: on the guide page
        "../../guide/#guide-cat--sub",
        "#nowhere",
        "https://x.example/#cat--sub",
    ]


def test_html_written_in_markdown_is_kept_when_harmless_dropped_when_not(tmp_path: Path) -> None:
    from torchscape.site.markdown import to_html

    # landscape2 renders HTML written in markdown; a stray end tag must not show up as text
    assert to_html("a [mark](https://t.example)</a> of X") == (
        '<p>a <a href="https://t.example" rel="noopener noreferrer nofollow">mark</a> of X</p>\n'
    )
    assert to_html("<b>bold</b> H<sub>2</sub>O") == "<p><b>bold</b> H<sub>2</sub>O</p>\n"
    hostile = (
        "<script>alert(1)</script><style>*{}</style><img src=x onerror=alert(2)>"
        '<a href="javascript:alert(3)" onclick="alert(4)">j</a><iframe src="https://e.example"></iframe>'
        '<div style="background:url(https://e.example/x)">kept text</div>'
    )
    html = to_html(hostile)
    assert html.strip() == '<a rel="noopener noreferrer nofollow">j</a>kept text'  # an HTML block: no <p>


def test_footer_links_go_by_their_services_names(tmp_path: Path) -> None:
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item())), encoding="utf-8")
    settings = tmp_path / "settings.yml"
    links = {
        "github": "https://github.com/f",
        "linkedin": "https://www.linkedin.com/company/f",
        "slack": "https://f.slack.com",
    }
    settings.write_text(
        dump({"foundation": "F", "url": "https://f.example", "footer": {"links": links}}), encoding="utf-8"
    )
    out = tmp_path / "site"
    build(data, out, tmp_path / "cache", settings=settings)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<li><a href="[^"]+" rel="noopener noreferrer">([^<]+)</a></li>', html) == [
        "GitHub",
        "LinkedIn",
        "Slack",
    ]


def test_markdown_too_long_to_parse_safely_is_shown_as_plain_paragraphs() -> None:
    from torchscape.site.markdown import MAX_MARKDOWN_CHARS, to_html, to_text

    slow = "![" * (MAX_MARKDOWN_CHARS // 2 + 1) + "\n\n<b>x</b>"  # quadratic for markdown-it
    assert to_html(slow).endswith("<p>&lt;b&gt;x&lt;/b&gt;</p>\n")  # escaped, not parsed
    assert "![![" in to_text(slow)
    assert to_html("**b**") == "<p><strong>b</strong></p>\n"  # shorter text: markdown as before


def test_category_pages_show_the_first_paragraph_of_a_subcategory_guide_section(tmp_path: Path) -> None:
    from torchscape.site.markdown import first_paragraph

    # A heading right after the first paragraph used to run into it ("... of them. Lightning vs
    # Ignite All four wrap ..."): block boundaries were lost when the tags were stripped.
    text = "Libraries that organise\nthe **loop**.\n\n#### A vs B\n\nBoth wrap a loop.\n\n- A\n- B\n"
    assert first_paragraph(text) == "Libraries that organise the loop."
    assert first_paragraph("#### Only a heading\n\n- and\n- a list\n") == ""
    assert first_paragraph("> a quote\n\nThen words.") == "Then words."
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item("Alpha"))), encoding="utf-8")
    guide = tmp_path / "guide.yml"
    sub = {"subcategory": "Sub", "content": text}
    guide.write_text(dump({"categories": [{"category": "Cat", "subcategories": [sub]}]}), encoding="utf-8")
    build(data, tmp_path / "site", tmp_path / "cache", guide=guide)
    page = (tmp_path / "site" / "categories" / "cat" / "index.html").read_text(encoding="utf-8")
    assert '<p class="muted">Libraries that organise the loop.</p>' in page
    assert "A vs B" not in page and "Both wrap" not in page


def test_guide_text_on_category_pages_is_escaped_once(tmp_path: Path) -> None:
    from torchscape.site.markdown import to_text

    text = "Tom & Jerry's loops: use `a<b` when 5 > 3. <script>x()</script>"
    assert to_text(text) == "Tom & Jerry's loops: use a<b when 5 > 3."  # plain text, not HTML
    data = tmp_path / "landscape.yml"
    data.write_text(dump(catalog(item("Alpha"))), encoding="utf-8")
    guide = tmp_path / "guide.yml"
    guide.write_text(
        dump(
            {"categories": [{"category": "Cat", "subcategories": [{"subcategory": "Sub", "content": text}]}]}
        ),
        encoding="utf-8",
    )
    build(data, tmp_path / "site", tmp_path / "cache", guide=guide)
    page = (tmp_path / "site" / "categories" / "cat" / "index.html").read_text(encoding="utf-8")
    assert "Tom &amp; Jerry&#39;s loops: use a&lt;b when 5 &gt; 3." in page and "&amp;amp;" not in page
    assert "<script" not in page.split("</head>")[1].replace('<script type="module"', "")


def test_item_pages_link_to_where_corrections_are_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A listed project had no way to ask for a correction of its entry."""
    data = tmp_path / "landscape.yml"
    data.write_text(
        dump(catalog(item("Q&A #1"), item("Beta", homepage_url="https://b.example"))), encoding="utf-8"
    )
    settings = tmp_path / "settings.yml"
    form = "https://git.example/land/issues/new?title=Correction:+{name}&labels=data&item={id}"
    settings.write_text(
        f"foundation: F\nurl: https://f.example\ntorchscape:\n  corrections_url: '{form}'\n", "utf-8"
    )
    out = tmp_path / "site"
    build(data, out, tmp_path / "cache", settings=settings)
    page = (out / "projects" / "q-a-1" / "index.html").read_text(encoding="utf-8")
    link = "https://git.example/land/issues/new?title=Correction:+Q%26A%20%231&amp;labels=data&amp;item=q-a-1"
    assert f'<a href="{link}" rel="noopener noreferrer">Suggest a correction</a>' in page
    # Checked as a link made from it: a dangerous scheme stops the build, as in any URL field.
    settings.write_text(
        "foundation: F\nurl: https://f.example\ntorchscape:\n  corrections_url: 'javascript:alert({id})'\n",
        "utf-8",
    )
    assert main(["validate", "--data-file", str(data), "--settings-file", str(settings)]) == 1
    assert "error: torchscape.corrections_url: 'javascript:' URLs are not allowed" in capsys.readouterr().out


def test_no_corrections_link_without_the_setting(bundled_site: Path) -> None:
    assert "Suggest a correction" not in (bundled_site / "projects" / "pyro" / "index.html").read_text(
        "utf-8"
    )
