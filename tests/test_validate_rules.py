"""Each validation rule on a small input, with its exact message and place."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import torchscape
from helpers import LEGACY_SAMPLE, catalog, item, lines, run_check
from torchscape.catalog.model import MAX_SECOND_PATHS
from torchscape.errors import Code
from torchscape.site.logos import LogoProcessor


def only(result: torchscape.CheckResult, code: Code) -> list[str]:
    return [line for line, p in zip(lines(result), result.problems, strict=True) if p.code is code]


PLAIN = """\
categories:
  - name: Modeling
    subcategories:
      - name: Vision
        items:
          - name: torchvision
            homepage_url: https://pytorch.org/vision
            logo: torchvision.svg
            description: Images.
            project: ecosystem
            crunchbase:
          - name: Kornia
            homepage_url: https://kornia.github.io
            logo: kornia.svg
            description: Geometry.
            second_path: ["Modeling / Empty"]
      - name: Empty
        items: []
      - name: Nothing
        items:
"""


@pytest.mark.parametrize("text", [LEGACY_SAMPLE, PLAIN], ids=["legacy", "plain"])
def test_both_styles_load_the_same(tmp_path: Path, text: str) -> None:
    result = run_check(tmp_path, text)
    assert result.problems == ()
    landscape = result.landscape
    assert landscape is not None
    assert [i.id for i in landscape] == ["torchvision", "kornia"]
    assert [s.name for s in landscape.categories[0].subcategories] == ["Vision", "Empty", "Nothing"]
    kornia = landscape.item("kornia")
    assert [p.path for p in kornia.placements] == ["Modeling / Vision", "Modeling / Empty"]
    assert landscape.items_in("Modeling", "Empty") == (kornia,)
    assert landscape.item("torchvision").status is not None
    assert landscape.item("torchvision").landscape2_id == "modeling--vision--torchvision"


def test_free_text_status_is_shown_as_written(tmp_path: Path) -> None:
    result = run_check(tmp_path, catalog(item(project="Sandbox project (2024)")))
    assert result.landscape is not None
    status = result.landscape.item("alpha").status
    assert status is not None and status.label == "Sandbox project (2024)"


def test_status_labels_from_settings(tmp_path: Path) -> None:
    settings = {
        "foundation": "F",
        "url": "https://f.example",
        "torchscape": {"statuses": {"archived": {"label": "Retired from the ecosystem", "retired": True}}},
    }
    result = run_check(
        tmp_path, catalog(item(project="archived"), item("Beta", project="archvied")), settings
    )
    assert result.landscape is not None
    status = result.landscape.item("alpha").status
    assert status is not None and (status.label, status.retired) == (
        "Retired from the ecosystem",
        True,
    )
    assert only(result, Code.UNKNOWN_STATUS) == [
        "landscape.yml:15:7: warning: Cat › Sub › Beta › project: status 'archvied' is not "
        "described in settings (known: archived); did you mean 'archived'?"
    ]


def test_did_you_mean_hints_have_a_budget_and_known_lists_a_length(tmp_path: Path) -> None:
    from torchscape.catalog.checks import SUGGESTION_BUDGET

    # Each unknown name was compared with every known one: settings naming 2,000 unknown
    # categories against 2,000 known took minutes to validate. Past the budget, no more hints.
    count = 300
    categories = [
        {"name": f"Category number {i}", "subcategories": [{"name": "Sub", "items": [item(f"I{i}")]}]}
        for i in range(count)
    ]
    statuses = {f"status{i}": {"label": f"S{i}"} for i in range(30)}
    settings = {
        "foundation": "F",
        "url": "https://f.example",
        "categories": [{"name": f"Kategory numbr {i}", "subcategories": []} for i in range(count)],
        "torchscape": {"statuses": statuses},
    }
    categories[0]["subcategories"][0]["items"][0]["project"] = "statos1"  # type: ignore[index]
    result = run_check(tmp_path, {"categories": categories}, settings)
    unknown = only(result, Code.UNKNOWN_CATEGORY)
    assert len(unknown) == count
    hinted = [message for message in unknown if "did you mean" in message]
    assert 0 < len(hinted) <= SUGGESTION_BUDGET // count < count
    assert "did you mean 'Category number 0'?" in hinted[0]
    # The known statuses are listed up to a length, so thousands of them do not make every
    # message about an unknown one thousands of names long.
    [status] = only(result, Code.UNKNOWN_STATUS)
    assert "(known: status0, status1, status10, " in status and ", status19 and 18 more)" in status


def test_every_extra_field_of_the_reference_is_known(tmp_path: Path) -> None:
    extra = {
        "accepted": "2024-05-14",
        "archived": "2020-05-14",
        "annual_review_date": "2024-05-14",
        "annual_review_url": "https://a.example",
        "artwork_url": "https://a.example",
        "audits": [{"date": "2024-05-14", "type": "fuzzing", "url": "https://a.example", "vendor": "V"}],
        "blog_url": "https://a.example",
        "bluesky_url": "https://bsky.app/x",
        "chat_channel": "#c",
        "clomonitor_name": "x",
        "dev_stats_url": "https://a.example",
        "discord_url": "https://a.example",
        "docker_url": "https://a.example",
        "documentation_url": "https://a.example",
        "facebook_url": "https://facebook.com/x",
        "github_discussions_url": "https://a.example",
        "gitter_url": "https://a.example",
        "graduated": "2024-05-14",
        "incubating": "2024-05-14",
        "linkedin_url": "https://linkedin.com/x",
        "mailing_list_url": "mailto:list@a.example",
        "other_links": [{"name": "Blog", "url": "https://a.example"}],
        "package_manager_url": "https://a.example",
        "parent_project": "Alpha",
        "pinterest_url": "https://pinterest.com/x",
        "reddit_url": "https://reddit.com/r/x",
        "slack_url": "https://a.example",
        "specification": False,
        "stack_overflow_url": "https://stackoverflow.com/x",
        "summary_business_use_case": "x",
        "summary_integration": "x",
        "summary_integrations": "x",
        "summary_intro_url": "https://a.example",
        "summary_personas": "a, b",
        "summary_release_rate": "x",
        "summary_tags": "a, b",
        "summary_use_case": "x",
        "tag": ["security"],
        "training_certifications": "x",
        "training_type": "x",
        "youtube_url": "https://youtube.com/x",
        "annotations": {
            "pypi": "alpha, alpha-extra",
            "kind": "library",
            "slug": "alpha",
            "x": "free",
        },
    }
    fields = {
        "additional_repos": [{"repo_url": "https://github.com/a/b", "branch": "main"}],
        "branch": "main",
        "crunchbase": "https://www.crunchbase.com/organization/a",
        "enduser": False,
        "joined": "2024-05-14",
        "license": "MIT",
        "project": "sandbox",
        "repo_url": "https://github.com/a/a",
        "twitter": "https://x.com/a",
        "url_for_bestpractices": "https://www.bestpractices.dev/en/projects/1",
        "unnamed_organization": False,
        "extra": extra,
    }
    result = run_check(tmp_path, catalog(item(**fields)))
    assert result.problems == ()
    alpha = result.landscape.item("alpha")  # type: ignore[union-attr]
    assert alpha.packages == ("alpha", "alpha-extra")
    assert alpha.keywords == ("a", "b")
    assert alpha.kind == "library" and alpha.license == "MIT"
    assert [r.url for r in alpha.repositories] == [
        "https://github.com/a/a",
        "https://github.com/a/b",
    ]


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("name", "landscape.yml:6:7: error: Cat › Sub › item #1 › name: is required"),
        ("homepage_url", "landscape.yml:6:7: error: Cat › Sub › Alpha › homepage_url: is required"),
        ("logo", "landscape.yml:6:7: error: Cat › Sub › Alpha › logo: is required"),
    ],
)
def test_required_fields(tmp_path: Path, field: str, expected: str) -> None:
    result = run_check(tmp_path, catalog(item(**{field: ...})))
    assert lines(result) == [expected]
    assert result.landscape is None


@pytest.mark.parametrize("name", ["", "   ", None])
def test_empty_names_are_errors(tmp_path: Path, name: str | None) -> None:
    result = run_check(tmp_path, catalog(item(name=name)))  # type: ignore[arg-type]
    assert result.landscape is None
    assert len(result.problems) == 1
    assert result.problems[0].field == "name"
    assert result.problems[0].code in (Code.EMPTY_VALUE, Code.MISSING_FIELD)


def test_duplicate_name_in_subcategory(tmp_path: Path) -> None:
    result = run_check(tmp_path, catalog(item(), item()))
    assert lines(result) == [
        "landscape.yml:10:7: error: Cat › Sub › Alpha › name: 'Alpha' is listed twice in this "
        "subcategory (first at line 6)"
    ]


def test_colliding_ids_in_one_subcategory_are_an_error(tmp_path: Path) -> None:
    result = run_check(tmp_path, catalog(item("Py Torch"), item("py-torch!")))
    assert lines(result) == [
        "landscape.yml:10:7: error: Cat › Sub › py-torch! › name: its id 'py-torch' collides "
        "with 'Py Torch' (line 6) in the same subcategory; rename one or give a distinct "
        "extra.annotations.slug"
    ]


def test_colliding_ids_across_subcategories_get_unique_ids(tmp_path: Path) -> None:
    data = {
        "categories": [
            {"name": "A", "subcategories": [{"name": "One", "items": [item("Ray")]}]},
            {
                "name": "B",
                "subcategories": [
                    {"name": "Two", "items": [item("ray")]},
                    {"name": "Three", "items": [item("RAY")]},
                ],
            },
        ]
    }
    result = run_check(tmp_path, data)
    assert [p.code for p in result.problems] == [Code.ID_COLLISION, Code.ID_COLLISION]
    assert "this one gets 'ray-2'" in lines(result)[0]
    assert result.landscape is not None
    assert [i.id for i in result.landscape] == ["ray", "ray-2", "ray-3"]


def test_slug_annotation_is_the_id(tmp_path: Path) -> None:
    result = run_check(tmp_path, catalog(item(extra={"annotations": {"slug": "ptproject"}})))
    assert result.landscape is not None and result.landscape.items[0].id == "ptproject"


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("homepage", "did you mean 'homepage_url'?"),
        ("descripton", "did you mean 'description'?"),
        ("facebook", "did you mean 'extra.facebook_url'?"),
        ("documentation_url", "did you mean 'extra.documentation_url'?"),
        ("organization", "(landscape2 ignores it, so its value is not used)"),
    ],
)
def test_unknown_keys_warn_with_a_suggestion(tmp_path: Path, key: str, suggestion: str) -> None:
    result = run_check(tmp_path, catalog(item(**{key: "https://x.example"})))
    assert result.landscape is not None
    (problem,) = result.problems
    assert problem.code is Code.UNKNOWN_KEY and problem.field == key
    assert problem.message.endswith(suggestion)


@pytest.mark.parametrize(
    ("url", "what"),
    [
        (
            "https://github.com/open-mmlab",
            "points at a GitHub organisation or user, not a repository",
        ),
        (
            "https://github.com/a/b/tree/main/sub",
            "points at a page inside a repository (/tree/main/sub)",
        ),
        (
            "https://github.com/a/b/graphs/commit-activity",
            "points at a page inside a repository (/graphs/commit-activity)",
        ),
        # These were all "points at a page inside a repository (/)".
        (
            "https://github.com/\u0440\u0443torch/pytorch",
            "has characters GitHub does not allow in an owner's or repository's name (A-Z 0-9 - _ .)",
        ),
        ("https://github.com/a/b?tab=readme", "has a query or fragment after the repository's address"),
        ("https://www.github.com/a/b", "is not written as https://github.com/OWNER/REPO"),
    ],
)
def test_repo_url_that_is_not_a_repository(tmp_path: Path, url: str, what: str) -> None:
    result = run_check(tmp_path, catalog(item(repo_url=url)))
    assert lines(result)[0].endswith(
        f"repo_url: '{url}' {what}: no repository figures (stars, commits, releases, licence) "
        "can be collected for it"
    )
    assert result.landscape is not None  # a warning only


@pytest.mark.parametrize(
    "url",
    [
        "https://gitlab.com/group/project",
        "https://codeberg.org/a/b",
        "https://github.com/a/b/",
        "https://github.com/a/b.git",
    ],
)
def test_other_hosts_and_harmless_forms_are_fine(tmp_path: Path, url: str) -> None:
    assert run_check(tmp_path, catalog(item(repo_url=url))).problems == ()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:x",
        "data:text/html,x",
        "VBScript:x",
        "file:///etc/passwd",
    ],
)
def test_dangerous_schemes_are_blocking_errors(tmp_path: Path, url: str) -> None:
    result = run_check(tmp_path, catalog(item(homepage_url=url)))
    assert result.landscape is None
    assert [p.code for p in result.problems] == [Code.UNSAFE_URL]


def test_other_schemes_and_relative_urls(tmp_path: Path) -> None:
    result = run_check(tmp_path, catalog(item(homepage_url="ftp://a.example", extra={"blog_url": "/blog"})))
    assert [m.split(": ", 3)[-1] for m in lines(result)] == [
        "'ftp://a.example' has 'ftp:'; expected an absolute http:// or https:// URL",
        "'/blog' has no scheme; expected an absolute http:// or https:// URL",
    ]


@pytest.mark.parametrize(
    ("url", "parses"),
    [
        ("https://https://a.example/", True),
        ("https://HTTP://a.example", True),
        ("https://http:a.example", False),
    ],
)
def test_a_scheme_pasted_twice_is_a_warning_when_the_url_parses_else_an_error(
    tmp_path: Path, url: str, parses: bool
) -> None:
    result = run_check(tmp_path, catalog(item(homepage_url=url)))
    # landscape2 takes a URL that parses (its host is then "https"): so do we, linked as written
    assert (result.landscape is not None) is parses
    assert [p.code for p in result.problems] == [Code.BROKEN_URL if parses else Code.INVALID_URL]
    message = f"'{url}' has its scheme twice (as in 'https://https://...')"
    assert [m.split(": ", 3)[-1] for m in lines(result)] == [
        f"{message}; it is linked as written" if parses else message
    ]


def test_mailto_only_where_allowed(tmp_path: Path) -> None:
    ok = run_check(tmp_path, catalog(item(extra={"mailing_list_url": "mailto:l@a.example"})))
    assert ok.problems == ()
    bad = run_check(tmp_path, catalog(item(homepage_url="mailto:l@a.example")))
    assert [p.code for p in bad.problems] == [Code.INVALID_URL]


def test_landscape2_domain_rules(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        catalog(item(crunchbase="https://crunchbase.com/x", twitter="https://example.com/u")),
    )
    assert [m.split(": ", 3)[-1] for m in lines(result)] == [
        "'https://crunchbase.com/x' expected https://www.crunchbase.com/organization/<name>",
        "'https://example.com/u' expected a URL on twitter.com or x.com",
    ]


def test_http_homepage_is_a_warning(tmp_path: Path) -> None:
    result = run_check(tmp_path, catalog(item(homepage_url="http://a.example")))
    assert [p.code for p in result.problems] == [Code.INSECURE_URL]


def test_logos(tmp_path: Path) -> None:
    data = catalog(
        item("A", logo="a.svg"),
        item("B", logo="missing.svg"),
        item("C", logo="c.png"),
        item("D", logo="../secret.svg"),
        item("E", logo="/etc/passwd"),
        item("F", logo="https://a.example/logo.svg"),
        item("G", logo="empty.svg"),  # the build shows a monogram for it: validate says so
        item("H", logo="sub/empty.svg"),
        item("I", logo="gone.png"),  # missing: that error only, not also "not an SVG file"
    )
    logos = {"a.svg": "<svg/>", "c.png": "x", "empty.svg": "", "sub/empty.svg": ""}
    (tmp_path / "logos" / "sub").mkdir(parents=True)
    result = run_check(tmp_path, data, logos=logos)
    got = {(p.context[2], p.code) for p in result.problems}
    empty = [p.message for p in result.problems if "empty file" in p.message]
    assert empty == [
        f"'{name}' is an empty file; a placeholder is shown instead" for name in logos if "empty" in name
    ]
    assert got == {
        ("G", Code.LOGO_MISSING),
        ("H", Code.LOGO_MISSING),
        ("B", Code.LOGO_MISSING),
        ("I", Code.LOGO_MISSING),
        ("C", Code.LOGO_NOT_SVG),
        ("C", Code.LOGO_UNUSABLE),  # "x" is no image
        ("D", Code.LOGO_OUTSIDE),
        ("E", Code.LOGO_OUTSIDE),
        ("F", Code.LOGO_URL),
    }
    missing = next(p for p in result.problems if p.code is Code.LOGO_MISSING)
    assert not missing.blocking  # the site still builds, with a placeholder
    # landscapeapp fetched logos given as URLs; landscape2 does not, and neither do we: an
    # error to fix, but no reason to refuse the build (a placeholder stands in for it)
    url = next(p for p in result.problems if p.code is Code.LOGO_URL)
    assert not url.blocking and "reads logos from the logos folder only" in url.message
    assert "`torchscape refresh` fetches it into the cache" in url.message
    not_svg = next(p for p in result.problems if p.code is Code.LOGO_NOT_SVG)
    assert "shows PNG, JPEG, GIF and WebP logos too" in not_svg.message
    assert next(p for p in result.problems if p.code is Code.LOGO_OUTSIDE).blocking


def test_a_logo_there_but_not_a_file_inside_the_folder_is_named_for_what_it_is(tmp_path: Path) -> None:
    """validate said "is not in <folder>" for each of these, which are there: the build's own
    reasons differ too."""
    data = catalog(
        item("A", logo="out.svg"),
        item("B", logo="folder.svg"),
        item("C", logo="fifo.svg"),
        item("D", logo="absent.svg"),
    )
    (tmp_path / "logos" / "folder.svg").mkdir(parents=True)
    (tmp_path / "secret.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "logos" / "out.svg").symlink_to(tmp_path / "secret.svg")
    os.mkfifo(tmp_path / "logos" / "fifo.svg")
    result = run_check(tmp_path, data, logos={})
    messages = {p.context[2]: p.message for p in result.problems if p.code is Code.LOGO_MISSING}
    folder = tmp_path / "logos"
    assert messages == {
        "A": f"'out.svg' is a link out of {folder}, which is not followed; a placeholder is shown instead",
        "B": "'folder.svg' is a folder, not a file; a placeholder is shown instead",
        "C": "'fifo.svg' is not a regular file (a pipe, a device or a broken link); a placeholder is shown instead",
        "D": f"'absent.svg' is not in {folder}; a placeholder is shown instead",
    }


def test_logos_the_build_cannot_use_are_errors(tmp_path: Path) -> None:
    """What a quick look at a logo file tells (the build would show a monogram) is reported,
    once per file, without stopping the build; blank lines before the XML declaration are
    forgiven, as the build forgives them."""
    data = catalog(
        item("A", logo="broken.svg"),
        item("B", logo="not-svg.svg"),
        item("C", logo="fake.png"),
        item("D", logo="late-declaration.svg"),
        item("E", logo="broken.svg", homepage_url="https://e.example"),
    )
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><rect width="5" height="5"/></svg>'
    logos = {
        "broken.svg": "<svg><rect",
        "not-svg.svg": "<html><body/></html>",
        "fake.png": "GIF89a",
        "late-declaration.svg": f'\n\n<?xml version="1.0"?>{svg}',
    }
    result = run_check(tmp_path, data, logos=logos)
    unusable = [(p.context[2], p.message) for p in result.problems if p.code is Code.LOGO_UNUSABLE]
    assert unusable == [
        ("A", "'broken.svg' cannot be used (not well-formed XML); a placeholder is shown instead"),
        ("B", "'not-svg.svg' cannot be used (not an SVG document); a placeholder is shown instead"),
        ("C", "'fake.png' cannot be used (not a readable image); a placeholder is shown instead"),
        ("E", "'broken.svg' cannot be used (not well-formed XML); a placeholder is shown instead"),
    ]
    assert not any(p.blocking for p in result.problems)
    late = LogoProcessor().process(tmp_path / "logos" / "late-declaration.svg", "D", "d")
    assert not late.placeholder and late.data.startswith(b"<svg")


def test_true_or_false_written_loosely_is_read_with_a_warning(tmp_path: Path) -> None:
    """landscapeapp read `enduser: yes` (YAML 1.1) or `'yes'` as true; landscape2 (YAML 1.2)
    refuses anything but true or false: a warning, and the value is still read."""
    data = catalog(
        item("A", enduser="yes", unnamed_organization="off"),
        item("B", enduser="1", homepage_url="https://b.example"),
        item("C", enduser="true", unnamed_organization="False", homepage_url="https://c.example"),
    )
    result = run_check(tmp_path, data)
    got = [(p.context[2], p.field, p.severity.value, p.message) for p in result.problems]
    read_as = "(landscape2 refuses it)"
    assert got == [
        ("A", "enduser", "warning", f"must be true or false, not 'yes': it is read as true {read_as}"),
        (
            "A",
            "unnamed_organization",
            "warning",
            f"must be true or false, not 'off': it is read as false {read_as}",
        ),
        ("B", "enduser", "warning", f"must be true or false, not '1': it is read as true {read_as}"),
    ]
    assert result.landscape is not None
    assert [item.enduser for item in result.landscape.items] == [True, True, True]
    refused = run_check(tmp_path, catalog(item("D", enduser="maybe")))
    assert [(p.severity.value, p.message) for p in refused.problems] == [
        ("error", "must be true or false, not 'maybe'")
    ]


def test_a_chapter_that_only_ends_like_a_category_is_free(tmp_path: Path) -> None:
    data = {"categories": [{"name": "Production", "subcategories": [{"name": "Sub", "items": [item()]}]}]}
    guide = {
        "categories": [
            {"category": "Introduction", "content": "hello"},
            {"category": "Production", "content": "x"},
        ]
    }
    assert list(run_check(tmp_path, data, guide=guide).problems) == []


def test_item_words_need_both(tmp_path: Path) -> None:
    settings = {
        "foundation": "F",
        "url": "https://f.example",
        "torchscape": {"item_words": {"one": "member"}},
    }
    result = run_check(tmp_path, catalog(item()), settings=settings)
    assert [(p.field, p.code) for p in result.problems] == [("torchscape.item_words.one", Code.IGNORED_VALUE)]
    assert "until both are given" in result.problems[0].message


def test_an_audit_without_a_url_is_an_error(tmp_path: Path) -> None:
    audit = {"date": "2024-01-02", "type": "security", "url": "", "vendor": "Acme"}
    result = run_check(tmp_path, catalog(item(extra={"audits": [audit]})))
    assert [(p.field, p.code) for p in result.problems] == [("extra.audits[0].url", Code.EMPTY_VALUE)]


def test_unusable_item_words_are_ignored_with_a_warning(tmp_path: Path) -> None:
    settings = {
        "foundation": "F",
        "url": "https://f.example",
        "torchscape": {"item_words": {"one": "<b>member</b>", "many": "members"}},
    }
    result = run_check(tmp_path, catalog(item()), settings=settings)
    assert [(p.field, p.code, p.severity.value) for p in result.problems] == [
        ("torchscape.item_words.one", Code.IGNORED_VALUE, "warning")
    ]
    assert "the pages say project and projects" in result.problems[0].message


@pytest.mark.parametrize(
    ("licence", "spdx"),
    [
        ("Apache-2.0", True),
        ("Apache-2.0 WITH LLVM-exception", True),
        ("(MIT OR Apache-2.0) AND BSD-3-Clause", True),
        ("GPL-2.0+", True),
        ("LicenseRef-Internal", True),
        ("BSD-2-Clause Plus Patent License", False),  # ASWF's, for BSD-2-Clause-Patent
        ("Apache 2.0", False),
        ("MIT OR", False),
        ("(MIT", False),
        ("Apache License, Version 2.0", False),
        ("MIT or Apache-2.0", True),  # all lower case: commonly accepted
        ("MIT Or Apache-2.0", False),
        ("LicenseRef-", False),
    ],
)
def test_a_licence_not_shaped_as_spdx_is_a_warning(tmp_path: Path, licence: str, spdx: bool) -> None:
    result = run_check(tmp_path, catalog(item(license=licence)))
    found = [(p.field, p.severity.value) for p in result.problems if p.code is Code.NOT_SPDX]
    assert found == ([] if spdx else [("license", "warning")])


def test_featured_items_labels_name_the_curation_statuses(tmp_path: Path) -> None:
    """landscape2's featured_items rule for `maturity` (its name for `project:`) already labels
    the values (NASA's: 'ammos' as 'NASA AMMOS'): items show that label unless torchscape.statuses
    gives one, and values it leaves out are neither warned about nor relabelled."""
    settings = {
        "foundation": "F",
        "url": "https://f.example",
        "featured_items": [
            {
                "field": "maturity",
                "options": [{"value": "ammos", "label": "NASA AMMOS"}, {"value": "jpl", "label": "NASA JPL"}],
            }
        ],
        "torchscape": {
            "statuses": {"jpl": {"label": "Jet Propulsion Laboratory"}, "gsfc": {"label": "Goddard"}}
        },
    }
    data = catalog(
        item("A", project="ammos"),
        item("B", project="jpl", homepage_url="https://b.example"),
        item("C", project="gsfc", homepage_url="https://c.example"),
    )
    result = run_check(tmp_path, data, settings=settings)
    assert list(result.problems) == [] and result.landscape is not None
    labels = [item.status.label for item in result.landscape.items if item.status]
    assert labels == ["NASA AMMOS", "Jet Propulsion Laboratory", "Goddard"]


def test_an_empty_item_is_one_error(tmp_path: Path) -> None:
    """SSIA's `- item:` with nothing after it (or `{}`): one error, not one per required field."""
    text = (
        "categories:\n  - category:\n    name: Cat\n    subcategories:\n      - subcategory:\n"
        "        name: Sub\n        items:\n          - item:\n          - {}\n"
    )
    result = run_check(tmp_path, text)
    assert [(p.line, p.code, p.message) for p in result.problems if p.severity.value == "error"] == [
        (8, Code.MISSING_FIELD, "an empty item: it needs at least a name, a homepage_url and a logo"),
        (9, Code.MISSING_FIELD, "an empty item: it needs at least a name, a homepage_url and a logo"),
    ]  # and an empty mapping the same


def test_second_path_problems(tmp_path: Path) -> None:
    result = run_check(tmp_path, catalog(item(second_path=["Cat / Nope", "just-one-part", "Cat / Sub"])))
    assert [p.code for p in result.problems] == [Code.SECOND_PATH_UNKNOWN, Code.SECOND_PATH_INVALID]
    assert result.landscape is not None
    assert result.landscape.items[0].second_paths == ()  # its own place is not repeated


def test_second_paths_past_the_limit_are_ignored_with_a_warning(tmp_path: Path) -> None:
    # one list for every item, as a YAML alias gives it: without a limit, 40 items x 40 places
    places = [f"Sub {n}" for n in range(40)]
    data = {
        "categories": [
            {
                "name": "Cat",
                "subcategories": [
                    {
                        "name": sub,
                        "items": [item(name=f"Item {sub}", second_path=[f"Cat / {p}" for p in places])],
                    }
                    for sub in places
                ],
            }
        ]
    }
    result = run_check(tmp_path, data)
    warnings = [p for p in result.problems if p.code is Code.SECOND_PATH_INVALID]
    assert len(warnings) == 40 and not any(p.blocking for p in warnings)
    assert f"more than {MAX_SECOND_PATHS} second paths" in warnings[0].message
    assert result.landscape is not None
    first, last = result.landscape.items[0], result.landscape.items[-1]
    # its own place does not count; the first 16 others are kept, in the order given
    assert [p.subcategory for p in first.second_paths] == places[1 : MAX_SECOND_PATHS + 1]
    assert [p.subcategory for p in last.second_paths] == places[:MAX_SECOND_PATHS]
    # the warning names the first entry left out
    assert warnings[0].field == f"second_path[{MAX_SECOND_PATHS + 1}]"
    assert warnings[-1].field == f"second_path[{MAX_SECOND_PATHS}]"


def test_annotations_are_type_checked(tmp_path: Path) -> None:
    annotations = {
        "pypi": "ok-name, not a name",
        "kind": "libary",
        "slug": "../x",
        "framework": " ",
    }
    result = run_check(tmp_path, catalog(item(extra={"annotations": annotations})))
    assert [(p.field, p.message) for p in result.problems] == [
        ("extra.annotations.pypi", "'not a name' is not a valid package name"),
        (
            "extra.annotations.kind",
            "'libary' is not one of library, framework, tool, service, member; did you mean 'library'?",
        ),
        (
            "extra.annotations.slug",
            "'../x' is not a usable slug (letters, digits, '.', '_', '+', '-'; at most 100)",
        ),
        ("extra.annotations.framework", "is empty; remove it or name the framework"),
    ]


def test_annotation_values_must_be_text(tmp_path: Path) -> None:
    result = run_check(tmp_path, catalog(item(extra={"annotations": {"kind": ["library"]}})))
    assert [(p.field, p.code) for p in result.problems] == [("extra.annotations.kind", Code.WRONG_TYPE)]


def test_wrong_types_everywhere_are_all_reported(tmp_path: Path) -> None:
    text = """\
    categories:
      - name: Cat
        subcategories:
          - name: Sub
            items:
              - name: [not, text]
                homepage_url: https://a.example
                logo: a.svg
              - name: B
                homepage_url: {a: 1}
                logo: b.svg
                enduser: maybe
                extra: just text
                joined: 14 May 2024
              - just a string
          - name: Sub2
            items: {a: 1}
      - not a mapping
    """
    import textwrap

    result = run_check(tmp_path, textwrap.dedent(text))
    assert lines(result) == [
        "landscape.yml:6:13: error: Cat › Sub › item #1 › name: must be text, not a list",
        "landscape.yml:10:13: error: Cat › Sub › B › homepage_url: must be text, not a mapping",
        "landscape.yml:12:13: error: Cat › Sub › B › enduser: must be true or false, not 'maybe'",
        "landscape.yml:13:13: error: Cat › Sub › B › extra: must be a mapping of keys to values, not 'just text'",
        "landscape.yml:14:13: error: Cat › Sub › B › joined: must be a date written as YYYY-MM-DD",
        "landscape.yml:15:13: error: Cat › Sub › item #3: an item must be a mapping, not 'just a string'",
        "landscape.yml:17:9: error: Cat › Sub2 › items: must be a list, not a mapping",
        "landscape.yml:18:5: error: a category must be a mapping, not 'not a mapping'",
    ]


def test_plain_scalars_are_text_as_landscape2_reads_them(tmp_path: Path) -> None:
    result = run_check(tmp_path, catalog(item(name="2048", description="yes")))
    assert result.problems == ()
    assert result.landscape is not None and result.landscape.items[0].name == "2048"


def test_problems_are_sorted_and_all_reported(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        catalog(
            item("Z", homepage_url="javascript:x"),
            item("A", logo="../a.svg"),
            item("M", repo_url="https://github.com/o"),
        ),
    )
    places = [(p.line, p.col) for p in result.problems]
    assert places == sorted(places) and len(places) == 3


def test_a_backslash_before_the_path_is_refused(tmp_path: Path) -> None:
    # Browsers read "\" as "/": this link goes to evil.example, not to twitter.com.
    sneaky = item(twitter="https://evil.example\\@twitter.com/alpha", homepage_url="https://a.example/x\\y")
    result = run_check(tmp_path, catalog(sneaky))
    assert [(p.field, p.code) for p in result.problems] == [("twitter", Code.INVALID_URL)]
    assert "backslash" in result.problems[0].message


def test_landscapeapp_settings_give_foundation_and_url_from_their_global_section(tmp_path: Path) -> None:
    settings = {
        "global": {
            "name": "ASWF Interactive Landscape",
            "short_name": "ASWF",
            "website": "https://l.aswf.example",
        },
        "twitter": {"url": "https://l.aswf.example"},
    }
    result = run_check(tmp_path, catalog(item()), settings=settings)
    # landscapeapp's own sections are named in that one warning, not each as an unknown key
    assert [(p.field, p.code, p.severity.value) for p in result.problems] == [
        ("global", Code.LANDSCAPEAPP_SETTINGS, "warning"),
    ]
    assert "foundation from global.short_name and url from global.website" in result.problems[0].message
    assert "its other sections (twitter) are not used" in result.problems[0].message
    assert result.landscape is not None and result.landscape.settings is not None
    assert (result.landscape.settings.foundation, result.landscape.settings.url) == (
        "ASWF",
        "https://l.aswf.example",
    )
    # without a short name, the name; and a landscape2 file's own values always win
    settings = {"global": {"name": "Other", "website": "https://o.example"}, "url": "https://mine.example"}
    result = run_check(tmp_path, catalog(item()), settings=settings)
    assert result.landscape is not None and result.landscape.settings is not None
    assert (result.landscape.settings.foundation, result.landscape.settings.url) == (
        "Other",
        "https://mine.example",
    )
    # a global section without them leaves landscape2's rule: both are required
    result = run_check(tmp_path, catalog(item()), settings={"global": {"email": "x@y.example"}})
    assert {(p.field, p.code) for p in result.problems} >= {
        ("foundation", Code.MISSING_FIELD),
        ("url", Code.MISSING_FIELD),
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("base_path", "//evil.example"),
        ("base_path", "/\t/evil.example"),  # browsers drop the tab: "//evil.example"
        ("base_path", "/\\evil.example"),  # browsers read "\\" as "/"
        ("base_path", "/a b"),
        ("url", "https://f.example//evil.example"),
    ],
)
def test_base_path_must_stay_on_the_site(tmp_path: Path, field: str, value: str) -> None:
    settings = {"foundation": "F", "url": "https://f.example", field: value}
    result = run_check(tmp_path, catalog(item()), settings)
    assert [(p.field, p.code) for p in result.problems] == [(field, Code.INVALID_VALUE)]
    assert result.landscape is None  # blocking: the 404 page's links start with that path


def test_the_404_pages_root_never_names_another_host() -> None:
    from torchscape.site.pages import _site_path

    assert _site_path("") == _site_path("/") == "/"
    assert _site_path("/landscape") == "/landscape/"
    assert _site_path("//evil.example") == "/evil.example/"
    assert _site_path("/\t/evil.example") == "/%09/evil.example/"
    assert _site_path("/\\evil.example") == "/%5Cevil.example/"


def test_a_logo_linked_from_outside_the_logos_folder_is_missing(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    logos = tmp_path / "logos"
    logos.mkdir()
    (logos / "alpha.svg").symlink_to(outside / "private.svg")
    (logos / "dir").symlink_to(outside)
    data = catalog(item(), item("Beta", logo="dir/private.svg", homepage_url="https://b.example"))
    result = run_check(tmp_path, data, logos={})
    assert [(p.context[2], p.code) for p in result.problems] == [
        ("Alpha", Code.LOGO_MISSING),
        ("Beta", Code.LOGO_MISSING),
    ]


@pytest.mark.parametrize("other", ["Al\u200bpha", "Alpha\u202e", "Alpha\u2060", "Ａｌｐｈａ"])
def test_look_alike_names_in_one_subcategory_are_duplicates(tmp_path: Path, other: str) -> None:
    result = run_check(tmp_path, catalog(item(), item(other, homepage_url="https://b.example")))
    duplicate = next(p for p in result.problems if p.code is Code.DUPLICATE_NAME)
    assert "looks the same as 'Alpha'" in duplicate.message and duplicate.blocking


def test_composed_and_decomposed_accents_are_the_same_name(tmp_path: Path) -> None:
    result = run_check(
        tmp_path, catalog(item("Caf\u00e9"), item("Cafe\u0301", homepage_url="https://b.example"))
    )
    assert [p.code for p in result.problems if p.blocking] == [Code.DUPLICATE_NAME]


def test_guide_chapters_named_twice_or_naming_nothing_are_warned(tmp_path: Path) -> None:
    guide = {
        "categories": [
            {
                "category": "Cat",
                "content": "one",
                "subcategories": [
                    {"subcategory": "Sub", "content": "a"},
                    {"subcategory": "Sub", "content": "b"},
                    {"subcategory": "Subb", "content": "c"},
                ],
            },
            {"category": "Cat", "content": "two"},
            {
                "category": "Introduction",
                "content": "three",
                "subcategories": [{"subcategory": "X", "content": "x"}],
            },
            {"category": "Cats", "content": "four"},  # meant 'Cat', by its name
            {
                "category": "Basics",
                "content": "five",
                "subcategories": [{"subcategory": "Sub", "content": "d"}],
            },
        ]
    }
    result = run_check(tmp_path, catalog(item()), guide=guide)
    assert result.landscape is not None  # warnings: the site is still built
    assert lines(result) == [
        "guide.yml:7:5: warning: Cat › Sub › subcategory: 'Sub' has a section earlier in the guide; "
        "this one is only on the guide page, after it",
        "guide.yml:9:5: warning: Cat › Subb › subcategory: 'Subb' is not a subcategory of this category "
        "in the data file: its section lists no items; did you mean 'Sub'?",
        "guide.yml:11:3: warning: Cat › category: 'Cat' has a chapter earlier in the guide; "
        "this one is only on the guide page, after it",
        "guide.yml:18:3: warning: Cats › category: 'Cats' is not a category of the data file: "
        "category pages do not show this chapter; did you mean 'Cat'?",
        "guide.yml:20:3: warning: Basics › category: 'Basics' is not a category of the data file, but its "
        "sections are subcategories of 'Cat': category pages do not show this chapter; did you mean 'Cat'?",
    ]  # 'Introduction' is not a category: a chapter all the same (as landscape2's is)
    assert [p.code for p in result.problems] == [
        Code.DUPLICATE_SECTION,
        Code.UNKNOWN_CATEGORY,
        Code.DUPLICATE_SECTION,
        Code.UNKNOWN_CATEGORY,
        Code.UNKNOWN_CATEGORY,
    ]


def test_settings_listing_subcategories_warn_of_unknown_names_and_of_those_left_off_the_grid(
    tmp_path: Path,
) -> None:
    subcategories = [{"name": n, "items": [item(n.lower())]} for n in ("Diamond", "Platinum", "Gold")]
    data = {"categories": [{"name": "Cat", "subcategories": subcategories}]}
    settings = {
        "foundation": "F",
        "url": "https://f.example",
        "categories": [{"name": "Cat", "subcategories": ["Premier", "Gold"]}],
    }
    result = run_check(tmp_path, data, settings)
    assert result.landscape is not None  # warnings: the site is still built
    assert [p.code for p in result.problems] == [Code.LEFT_OUT, Code.UNKNOWN_CATEGORY]
    assert [line.split(": warning: ", 1)[1] for line in lines(result)] == [
        "categories[0].subcategories: leaves out 'Diamond', 'Platinum' of the data file: the grid "
        "shows only the subcategories listed here (the items of the others keep their pages, but "
        "are on no grid)",
        "categories[0].subcategories[0]: 'Premier' is not a subcategory of 'Cat' in the data file",
    ]


def test_a_category_without_a_name_is_reported_and_its_items_are_checked_all_the_same(
    tmp_path: Path,
) -> None:
    text = (
        "landscape:\n"
        "  - category: Members\n"
        "    subcategories:\n"
        "      - subcategory:\n"
        "        name: Founding\n"
        "        items:\n"
        "          - item:\n"
        "            name: X\n"
        "            homepage_url: https://x.example\n"
        "            logo: x.svg\n"
        "            description: d\n"
        "            twitter: handle\n"
    )
    result = run_check(tmp_path, text)
    assert result.landscape is None
    assert lines(result) == [
        "landscape.yml:2:5: error: name: category #1 needs a name (the value of its 'category:' "
        "line is ignored: write `name: Members`)",
        "landscape.yml:12:13: error: Members › Founding › X › twitter: 'handle' has no scheme; "
        "expected an absolute http:// or https:// URL",
    ]


def test_a_missing_description_says_whether_upstream_can_give_one(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        catalog(
            item("Repo", description=None, repo_url="https://github.com/o/r"),
            item("Package", description=None, extra={"annotations": {"pypi": "pkg"}}),
            item("Bare", description=None),
            item("Company", description=None, crunchbase="https://www.crunchbase.com/organization/c"),
        ),
    )
    assert [line.split("description: no description: ", 1)[1] for line in lines(result)] == [
        "the site shows upstream's (repository description or package summary) once "
        "`torchscape refresh` has fetched it",
        "the site shows upstream's (repository description or package summary) once "
        "`torchscape refresh` has fetched it",
        "the site shows none (no repo_url or package to take one from)",
        "the site shows none (landscape2 shows the organisation's from Crunchbase, whose paid API "
        "torchscape does not use; no repo_url or package to take one from)",
    ]


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000/", True),
        ("http://[::1]/x", True),
        ("http://0.0.0.0/", True),
        ("https://landscape.example.org", False),
        ("https://127.0.0.1.example.org", False),
    ],
)
def test_a_settings_url_on_this_machine_is_warned(tmp_path: Path, url: str, warned: bool) -> None:
    result = run_check(tmp_path, catalog(item()), {"foundation": "F", "url": url})
    assert [p.code for p in result.problems if p.code is Code.LOCAL_URL] == (
        [Code.LOCAL_URL] if warned else []
    )
    assert result.landscape is not None


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("https://example.org/a'b\"c<d>e/", True),
        ("https://example.org/a\u2028b/", True),
        ("https://example.org/a%20b/~x_y-z.1/", False),
        ("https://example.org/", False),
    ],
)
def test_a_settings_url_with_characters_a_url_cannot_hold_is_warned(
    tmp_path: Path, url: str, warned: bool
) -> None:
    """It passed without a word, and the sitemap listed addresses that were not URLs."""
    result = run_check(tmp_path, catalog(item()), {"foundation": "F", "url": url})
    said = [p.message for p in result.problems if p.code is Code.BROKEN_URL]
    assert any("cannot hold as written" in m for m in said) == warned


def test_a_subcategory_or_category_given_twice_is_merged_into_the_first_with_a_warning(
    tmp_path: Path,
) -> None:
    def sub(name: str, *names: str) -> dict[str, object]:
        return {"name": name, "items": [item(n, homepage_url=f"https://{n.lower()}.example") for n in names]}

    data = {
        "categories": [
            {"name": "Cat", "subcategories": [sub("Chips", "A"), sub("Tools", "B"), sub("Chips", "C")]},
            {"name": "Other", "subcategories": [sub("Misc", "D")]},
            {"name": "Cat", "subcategories": [sub("Tools", "E"), sub("New", "F")]},
        ]
    }
    result = run_check(tmp_path, data)
    assert [p.code for p in result.problems] == [Code.DUPLICATE_SECTION] * 3
    assert [line.split(": warning: ", 1)[1] for line in lines(result)] == [
        "Cat › Chips › name: subcategory 'Chips' is in this category twice: its items are shown together, under the first",
        "Cat › name: category 'Cat' is in the landscape twice: its items are shown together, under the first",
        "Cat › Tools › name: subcategory 'Tools' is in this category twice: its items are shown together, under the first",
    ]
    landscape = result.landscape
    assert landscape is not None
    assert [(c.name, [s.name for s in c.subcategories]) for c in landscape.categories] == [
        ("Cat", ["Chips", "Tools", "New"]),
        ("Other", ["Misc"]),
    ]
    assert [i.name for i in landscape.items_in("Cat", "Chips")] == ["A", "C"]
    assert [i.name for i in landscape.items_in("Cat", "Tools")] == ["B", "E"]
    # Two names that only share an id are still ambiguous: an error, as before.
    clash = {"categories": [{"name": "Cat", "subcategories": [sub("Chips", "A"), sub("CHIPS", "B")]}]}
    assert Code.ID_COLLISION in {p.code for p in run_check(tmp_path, clash).problems}


def test_fields_indented_under_the_legacy_markers_get_a_message_saying_how_to_write_them(
    tmp_path: Path,
) -> None:
    nested = "landscape:\n  - category:\n      name: Members\n      subcategories: []\n"
    assert lines(run_check(tmp_path, nested)) == [
        "landscape.yml:2:5: error: name: category #1 needs a name (its fields are indented under "
        "'category:'; landscape2 reads them beside it: 'category:' alone on its line, then "
        "`name: Members` at the same indentation)"
    ]
    bare_list = "- category:\n  name: Members\n  subcategories: []\n"
    assert lines(run_check(tmp_path, bare_list)) == [
        "landscape.yml:1:1: error: expected a mapping with a 'landscape:' or 'categories:' list, found "
        "a list (a list of categories? put 'landscape:' on the first line, and the list under it)"
    ]


def test_a_name_with_a_slash_is_warned_of_only_where_second_path_is_used(tmp_path: Path) -> None:
    def landscape(second_path: list[str] | None) -> dict[str, object]:
        fields = {"second_path": second_path} if second_path else {}
        return {
            "categories": [
                {
                    "name": "CI/CD",
                    "subcategories": [{"name": "Build / Test", "items": [item("A", **fields)]}],
                },
                {"name": "Other", "subcategories": [{"name": "Misc", "items": [item("B")]}]},
            ]
        }

    assert run_check(tmp_path, landscape(None)).problems == ()  # nothing can miss them
    result = run_check(tmp_path, landscape(["Other / Misc"]))
    assert [(p.code, p.message) for p in result.problems] == [
        (Code.SECOND_PATH_INVALID, "a category name with '/' cannot be a second_path target"),
        (Code.SECOND_PATH_INVALID, "a subcategory name with '/' cannot be a second_path target"),
    ]


def test_a_repository_listed_twice_for_an_item_is_warned_of_and_kept_once(tmp_path: Path) -> None:
    repos = [
        {"repo_url": "https://github.com/o/demo"},
        {"repo_url": "https://github.com/O/Demo/"},
        {"repo_url": "https://github.com/o/r"},  # the item's own repo_url
        {"repo_url": "https://github.com/o/demo/tree/main/docs"},  # a page inside: another place
    ]
    result = run_check(tmp_path, catalog(item(repo_url="https://github.com/o/r", additional_repos=repos)))
    assert [(p.code, p.field) for p in result.problems if p.code is Code.IGNORED_VALUE] == [
        (Code.IGNORED_VALUE, "additional_repos[1].repo_url"),
        (Code.IGNORED_VALUE, "additional_repos[2].repo_url"),
    ]
    assert result.landscape is not None
    assert [r.url for r in result.landscape.items[0].repositories] == [
        "https://github.com/o/r",
        "https://github.com/o/demo",
        "https://github.com/o/demo/tree/main/docs",
    ]


def test_landscapeapp_settings_label_the_curation_statuses_from_relation_values(tmp_path: Path) -> None:
    relation = {
        "label": "Stage",
        "values": [
            {
                "id": "hosted",
                "label": "Hosted projects",
                "children": [
                    {"id": "at_large", "label": "Stage 1 At Large", "tag": "At Large"},
                    {"id": "growth", "label": "Stage 2 Growth"},
                    {"id": "archived", "label": "Archived", "tag": "Archived"},
                ],
            },
            {"id": False, "label": "Not hosted"},  # landscapeapp's "no relation": not a status
        ],
    }
    settings = {
        "global": {"short_name": "F", "website": "https://f.example"},
        "relation": relation,
        "torchscape": {"statuses": {"growth": {"label": "Growing"}}},  # the file's own label wins
    }
    data = catalog(item("A", project="at_large"), item("B", project="growth"), item("C", project="archived"))
    result = run_check(tmp_path, data, settings=settings)
    assert [p.code for p in result.problems] == [Code.LANDSCAPEAPP_SETTINGS]  # relation: not unknown
    assert "the curation statuses' labels from relation.values" in result.problems[0].message
    assert result.landscape is not None
    assert {k: (v.label, v.retired) for k, v in result.landscape.statuses.items()} == {
        "hosted": ("Hosted projects", False),
        "at_large": ("At Large", False),
        "growth": ("Growing", False),
        "archived": ("Archived", True),
    }


def test_control_characters_in_names_and_descriptions_are_warned_of(tmp_path: Path) -> None:
    data = catalog(
        item(name="Bad\x1b[2J name", description="Fine\nacross lines\tand tabbed"),
        item(name="Other", description="A bell\x07 rings"),
        # A direction override shows another name and runs on past it (into a page's title);
        # the right-to-left mark (U+200F) that such text uses is fine.
        item(name="Good\u202eliveD", license="MIT\u2066", description="\u05e9\u05dc\u05d5\u05dd\u200f ok"),
        category="Cat\x00egory",
    )
    result = run_check(tmp_path, data)
    found = [(p.field, p.message) for p in result.problems if p.code is Code.CONTROL_CHARACTER]
    assert found == [
        ("name", "has a control character (U+0000) at position 4: remove it"),
        ("name", "has a control character (U+001B) at position 4: remove it"),
        ("description", "has a control character (U+0007) at position 7: remove it"),
        ("name", "has a writing-direction control character (U+202E) at position 5: remove it"),
        ("license", "has a writing-direction control character (U+2066) at position 4: remove it"),
    ]
    assert result.landscape is not None  # a warning: the site escapes them where it matters


def test_markdown_too_long_to_render_is_warned_of(tmp_path: Path) -> None:
    long = "word " * 5_000
    guide = {"categories": [{"category": "Cat", "content": long, "subcategories": []}]}
    settings = {"foundation": "F", "url": "https://f.example", "footer": {"text": long}}
    result = run_check(tmp_path, catalog(item()), settings=settings, guide=guide)
    found = [(p.file.rsplit("/", 1)[-1], p.field) for p in result.problems if "plain paragraphs" in p.message]
    assert found == [("guide.yml", "content"), ("settings.yml", "footer.text")]
    assert "is 25,000 characters long, over 20,000" in next(
        p.message for p in result.problems if p.field == "content"
    )
    assert result.landscape is not None


def test_a_trailing_newline_does_not_pass_a_pattern(tmp_path: Path) -> None:
    """Python's `$` matches before a final newline: slugs, aliases, dates, package names and
    colours are matched to their very end (a slug "x\\n" made files named with a newline)."""
    annotated = item(name="Trainer", extra={"annotations": {"slug": "trainer\n"}})
    settings = {
        "foundation": "F",
        "url": "https://f.example",
        "groups": [{"name": "Projects", "alias": "proj\n", "categories": ["Cat"]}],
    }
    result = run_check(tmp_path, catalog(annotated), settings=settings)
    fields = {p.field: p.message for p in result.problems}
    assert "is not a usable slug" in fields["extra.annotations.slug"]
    assert "is not usable as the tab's anchor" in fields["groups[0].alias"]


@pytest.mark.parametrize("mark", ["\u202e", "\u200b", "\u2066", "\ufeff"])
def test_a_url_with_an_invisible_direction_or_width_character_is_refused(tmp_path: Path, mark: str) -> None:
    result = run_check(tmp_path, catalog(item(homepage_url=f"https://example.org/doc{mark}exe.gpj")))
    (problem,) = [p for p in result.problems if p.field == "homepage_url"]
    assert problem.blocking and "contains spaces or control characters" in problem.message


def test_a_site_url_with_a_query_or_fragment_is_warned_of_and_left_without_them(tmp_path: Path) -> None:
    from torchscape.site.model import base_url

    settings = {"foundation": "F", "url": "https://example.org/land?ref=x#top"}
    result = run_check(tmp_path, catalog(item()), settings)
    [problem] = [p for p in result.problems if p.field == "url"]
    assert problem.code is Code.BROKEN_URL and not problem.blocking
    assert result.landscape is not None
    # Pages' addresses were "https://example.org/land?ref=x#top/projects/alpha/".
    assert base_url(result.landscape.settings) == "https://example.org/land"
