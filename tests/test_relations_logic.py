"""Relations (issue #8): requirement parsing, torch compatibility, dependencies, similarity,
the graph layout, comparisons' settings, and the known-pairs check on the bundled catalog."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from packaging.specifiers import SpecifierSet

import torchscape
from helpers import catalog, item, run_check
from site_helpers import graph_boxes
from torchscape.catalog.model import Landscape
from torchscape.paths import bundled_dir
from torchscape.relations import named_comparisons, relate
from torchscape.relations.compare import (
    COMPARE_VERSION,
    ROWS,
    compare_data,
    expand_all,
    item_cells,
    mark_best,
    torch_cell,
)
from torchscape.relations.dependencies import built_on, used_by
from torchscape.relations.graph import NODE_HEIGHT, NODE_WIDTH, layout
from torchscape.relations.requirements import accepts, is_final, minor_of, parse_specifier, required_names
from torchscape.relations.similarity import Profile, alternatives, tokens
from torchscape.relations.torch_compat import TorchVersions, compatibility, torch_versions
from torchscape.sources.observed import ItemObserved, Observed, Thresholds, load_observed

# --- requirements ------------------------------------------------------------------------------


def test_required_names_keep_markers_and_drop_extras() -> None:
    lines = [
        "numpy>=1.17",
        "Torch (>=2.0)",
        'tomli; python_version < "3.11"',
        'pytest>=7; extra == "test"',
        "ruff; python_version >= \"3.9\" and extra == 'quality'",
        'typing_extensions; platform_machine == "extra"',  # a value, not the extra variable
        "not a requirement !!",
        "Foo.Bar_baz",
    ]
    assert required_names(lines) == ("foo-bar-baz", "numpy", "tomli", "torch", "typing-extensions")


def test_specifiers_are_read_by_packaging() -> None:
    assert parse_specifier(None) is None
    assert parse_specifier("") == SpecifierSet("")
    assert parse_specifier(">=2.0,<3") == SpecifierSet("<3,>=2.0")
    assert parse_specifier(">= two") is None


@pytest.mark.parametrize(
    ("spec", "minor", "releases", "expected"),
    [
        (">=2.0", "2.0", (), True),
        (">=2.0", "1.13", (), False),
        ("<2.15", "2.15", ("2.15.0",), False),
        ("<2.15", "2.14", ("2.14.0", "2.14.1"), True),
        (">=2.7.1", "2.7", ("2.7.0",), False),
        (">=2.7.1", "2.7", ("2.7.0", "2.7.1"), True),
        ("==2.1.0", "2.1", ("2.1.0", "2.1.1"), True),
        ("~=2.13.0", "2.14", (), False),
        ("", "1.0", (), True),
        ("<3,>=1.10", "2.4", (), True),
    ],
)
def test_accepts_a_minor_when_some_release_of_it_matches(
    spec: str, minor: str, releases: tuple[str, ...], expected: bool
) -> None:
    assert accepts(SpecifierSet(spec), minor, releases) is expected


def test_versions() -> None:
    assert minor_of("2.4.1") == "2.4"
    assert minor_of("2.5.0rc1") is None
    assert minor_of("nonsense") is None
    assert is_final("1.0") and is_final("5") and not is_final("0.1.dev3") and not is_final("2.0b1")


# --- torch compatibility -----------------------------------------------------------------------


def _landscape(tmp_path: Path, *items: dict[str, object], settings: object | None = None) -> Landscape:
    result = run_check(tmp_path, catalog(*items), settings=settings)
    assert result.landscape is not None, [p.format() for p in result.problems]
    return result.landscape


def _package(
    name: str, requires: list[str] | None = None, torch: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {"name": name, "requires_dist": requires or [], "torch_requirement": torch, **extra}


def test_torch_versions_come_from_settings_then_torch_releases_then_requirements(tmp_path: Path) -> None:
    landscape = _landscape(
        tmp_path,
        item("PyTorch", extra={"annotations": {"pypi": "torch"}}),
        item("Lib", extra={"annotations": {"pypi": "lib"}}),
    )
    torch_releases = [["2.3.0", "t"], ["2.4.0", "t"], ["2.4.1", "t"], ["2.5.0rc1", "t"]]
    observed = Observed(
        {
            "pytorch": ItemObserved(packages=(_package("torch", versions=torch_releases),)),
            "lib": ItemObserved(packages=(_package("lib", ["torch>=2.4.1"], ">=2.4.1"),)),
        }
    )
    found = torch_versions(landscape, observed, None)
    assert found.minors == ("2.4", "2.3") and found.source == "observed torch releases"
    assert found.releases["2.4"] == ("2.4.0", "2.4.1")
    assert compatibility(landscape, observed, found) == {"pytorch": None, "lib": ("2.4",)}
    configured = torch_versions(landscape, observed, ["2.1", "2.6.0"])
    assert configured.minors == ("2.6", "2.1") and configured.source == "settings"
    without_torch = Observed({"lib": observed.get("lib")})
    fallback = torch_versions(landscape, without_torch, None)
    assert fallback.minors == ("2.4",) and fallback.source == "requirements"


def test_no_requirement_or_no_package_is_unknown_never_compatible(tmp_path: Path) -> None:
    landscape = _landscape(
        tmp_path,
        item("A", extra={"annotations": {"pypi": "a"}}),
        item("B", extra={"annotations": {"pypi": "b"}}),
        item("C"),
    )
    observed = Observed(
        {"a": ItemObserved(packages=(_package("a", torch=""),)), "b": ItemObserved(packages=(_package("b"),))}
    )
    versions = TorchVersions(("2.1", "2.0"), {}, "settings")
    assert compatibility(landscape, observed, versions) == {"a": ("2.1", "2.0"), "b": None, "c": None}
    assert torch_cell(None, None) == {"text": "unknown"}
    assert (
        torch_cell("", ("2.1", "2.0"), ("2.1", "2.0"))["text"]
        == "any version (every tested version: 2.0 to 2.1)"
    )
    assert torch_cell("<2.1", (), ("2.1",)) == {"text": "<2.1 (none of the tested versions)", "value": 0}


# --- dependencies ------------------------------------------------------------------------------


def test_built_on_and_used_by_only_count_listed_items(tmp_path: Path) -> None:
    landscape = _landscape(
        tmp_path,
        item("Base", extra={"annotations": {"pypi": "base-pkg"}}),
        item("Mid", extra={"annotations": {"pypi": "mid"}}),
        item("Top", extra={"annotations": {"pypi": "top, top-extra"}}),
    )
    observed = Observed(
        {
            "mid": ItemObserved(packages=(_package("mid", ["Base_Pkg>=1", "numpy", 'top; extra == "x"']),)),
            "top": ItemObserved(
                packages=(_package("top", ["mid"]), _package("top-extra", ["base-pkg", "top"]))
            ),
        }
    )
    edges = built_on(landscape, observed)
    assert edges == {"mid": ("base",), "top": ("base", "mid")}
    assert used_by(edges) == {"base": ("mid", "top"), "mid": ("top",)}


# --- similarity --------------------------------------------------------------------------------


def test_similarity_ranks_by_text_and_placement_deterministically() -> None:
    place = ("Training", "Loops")
    profiles = [
        Profile(
            "trainer-a", "Trainer for training loops with callbacks and checkpointing", ("trainer",), (place,)
        ),
        Profile(
            "trainer-b", "Event-driven engine for training loops and checkpointing", ("trainer",), (place,)
        ),
        Profile("viz", "Plots images of cats", ("images",), (("Vision", "Plots"),)),
        Profile("trainer-c", "Training loops for tabular data", (), (("Other", "Place"),)),
        Profile("org", "Trainer company that writes training loops", (), (place,), member=True),
    ]
    first = alternatives(profiles)
    assert first == alternatives(list(profiles))  # same input, same output
    assert [other for other, _ in first["trainer-a"]][:2] == ["trainer-b", "trainer-c"]
    assert all(other != "org" for other, _ in first["trainer-a"])  # members only with members
    assert first["viz"] == ()  # nothing close enough
    assert first["org"] == ()
    scores = [score for _, score in first["trainer-a"]]
    assert scores == sorted(scores, reverse=True)


def test_tokens_drop_stop_words() -> None:
    assert tokens("A PyTorch library for Graph neural-networks, c++ and GNN") == [
        "graph",
        "neural",
        "networks",
        "c++",
        "gnn",
    ]


#: Pairs a reader of this ecosystem expects: item -> items of which one should be among its top
#: three alternatives.
KNOWN_PAIRS: dict[str, set[str]] = {
    "pytorch-lightning": {"ignite", "fastai", "skorch"},
    "ignite": {"pytorch-lightning", "fastai", "skorch"},
    "fastai": {"pytorch-lightning", "ignite", "skorch"},
    "skorch": {"pytorch-lightning", "ignite", "fastai"},
    "pyro": {"numpyro"},
    "numpyro": {"pyro"},
    "pytorch-geometric": {"dgl"},
    "dgl": {"pytorch-geometric"},
    "vllm": {"sglang", "text-generation-inference", "tensorrt-llm", "lmdeploy"},
    "optuna": {"ax", "nevergrad", "botorch"},
    "botorch": {"ax", "gpytorch"},
    "torchserve": {"triton-inference-server", "kserve", "bentoml", "litserve"},
    "onnx-runtime": {"openvino", "torch-tensorrt", "tvm"},
    "diffusers": {"k-diffusion", "denoising-diffusion-pytorch"},
    "captum": {"pytorch-grad-cam", "transformerlens"},
    "deepspeed": {"fairscale", "colossal-ai", "megatron-lm"},
    "peft": {"adapters", "unsloth", "trl"},
    "torchvision": {"timm", "kornia"},
    "mlflow": {"aim", "clearml", "weights-biases", "polyaxon"},
    "pytorch-forecasting": {"darts", "gluonts", "neuralforecast"},
    "stable-baselines3": {"tianshou", "cleanrl", "torchrl", "pfrl"},
    "bitsandbytes": {"hqq", "gptqmodel", "torchao"},
}
#: Items whose top three alternatives should all be privacy or federated-learning tools.
PRIVACY_OR_FEDERATED = ("opacus", "flower", "pysyft", "crypten")


def known_pairs_report(
    landscape: Landscape, relations_alternatives: dict[str, Any]
) -> tuple[int, int, list[str]]:
    """(checked, held, lines) for the known pairs and the privacy/federated rule."""
    lines, held = [], 0
    for item_id, expected in KNOWN_PAIRS.items():
        top = [other for other, _ in relations_alternatives[item_id][:3]]
        ok = bool(expected & set(top))
        held += ok
        lines.append(f"{'ok ' if ok else 'NO '} {item_id}: {top}")
    places = {"Privacy", "Federated Learning"}
    for item_id in PRIVACY_OR_FEDERATED:
        top = [other for other, _ in relations_alternatives[item_id][:3]]
        ok = all(landscape.item(o).subcategory in places for o in top)
        held += ok
        lines.append(f"{'ok ' if ok else 'NO '} {item_id}: {top}")
    return len(KNOWN_PAIRS) + len(PRIVACY_OR_FEDERATED), held, lines


@pytest.fixture(scope="module")
def bundled() -> tuple[Landscape, Observed]:
    folder = bundled_dir()
    landscape = torchscape.load(folder / "landscape.yml", folder / "settings.yml", folder / "guide.yml")
    return landscape, load_observed(landscape, None, Thresholds())


def test_known_pairs_on_the_bundled_catalog(bundled: tuple[Landscape, Observed]) -> None:
    landscape, observed = bundled
    relations = relate(landscape, observed)
    checked, held, lines = known_pairs_report(landscape, dict(relations.alternatives))
    print("\n".join(lines), f"\n{held} of {checked} hold")
    assert checked == 26
    assert held >= 24, "\n".join(lines)
    lightning = [o for o, _ in relations.alternatives["pytorch-lightning"]]
    assert {"ignite", "fastai"} <= set(lightning)
    assert relations.alternatives["pyro"][0][0] == "numpyro"


def test_bundled_relations_are_consistent(bundled: tuple[Landscape, Observed]) -> None:
    landscape, observed = bundled
    relations = relate(landscape, observed)
    assert relations.base == "pytorch"
    assert "pytorch" in relations.built_on["pytorch-lightning"]
    assert "pytorch-lightning" in relations.used_by["pytorch"]
    for source, targets in relations.built_on.items():
        for target in targets:
            assert source in relations.used_by[target]
    assert len(relations.torch.minors) == 12 and relations.torch.source == "observed torch releases"
    assert relations.compatible["pytorch"] is None  # torch does not require itself
    assert [c.id for c in relations.comparisons][:2] == ["training-loops", "probabilistic-programming"]


# --- compare cells -----------------------------------------------------------------------------


def test_cells_say_unknown_and_best_marks_only_differences(bundled: tuple[Landscape, Observed]) -> None:
    landscape, observed = bundled
    relations = relate(landscape, observed)
    names = {i.id: i.name for i in landscape}
    cells = {
        i: item_cells(landscape.item(i), observed.get(i), relations, names, observed.as_of)
        for i in ("pytorch-lightning", "ignite", "fastai")
    }
    assert cells["ignite"]["stars"] == {"text": "unknown"}  # the snapshot has no GitHub data
    assert "value" in cells["ignite"]["releases"]
    assert cells["ignite"]["releases"]["value"] < 60  # nightly builds are not releases
    records = [cells["pytorch-lightning"], cells["ignite"]]
    best = mark_best(records)
    assert "stars" not in best
    same = mark_best([cells["ignite"], cells["ignite"]])
    assert same == {}


def test_compare_data_is_compact_and_the_browser_expands_it_as_the_build_does(
    bundled: tuple[Landscape, Observed], tmp_path: Path
) -> None:
    """api/compare.json carries facts; compare.js must turn them into the very cells the
    pre-rendered tables show (every kind of row, values the snapshot lacks included)."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Node.js is missing: the test of static/compare.js needs `node`")
        pytest.skip("Node.js is not installed: the test of static/compare.js needs `node`")
    landscape, observed = bundled
    relations = relate(landscape, observed)
    facts = {item_id: dict(found) for item_id, found in relations.facts.items()}
    for item_id, stars in zip(("ignite", "fastai", "skorch"), (1_234_567, 999, 0), strict=True):
        facts[item_id].update(
            stars=stars,
            stars_trend=[-stars, "2026-01-01"],
            contributors=stars + 1,
            last_commit=[stars % 400, "2026-10-29"],
            releases=1000,
        )
    relations = dataclasses.replace(relations, facts=facts)
    names = {item.id: item.name for item in landscape}
    cells = {item_id: expand_all(found, names) for item_id, found in facts.items()}
    data = compare_data(landscape, relations, observed.as_of)
    assert data["version"] == COMPARE_VERSION == 2
    assert [r["key"] for r in data["rows"]] == [r.key for r in ROWS]
    ignite = data["items"]["ignite"]["cells"]
    assert len(ignite) == len(ROWS) and ignite[[r.key for r in ROWS].index("stars_trend")] == [
        -1234567,
        "2026-01-01",
    ]
    assert cells["ignite"]["stars_trend"] == {
        "text": "-1,234,567 since 2026-01-01",
        "value": -1234567,
    }
    assert cells["fastai"]["stars_trend"]["text"] == "-999 since 2026-01-01"
    assert cells["skorch"]["stars_trend"]["text"] == "+0 since 2026-01-01"
    path = tmp_path / "compare.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    compare_js = Path(torchscape.__file__).parent / "site" / "static" / "compare.js"
    script = (
        'import { readFileSync } from "node:fs";'
        f"import {{ itemCells }} from {json.dumps(compare_js.as_uri())};"
        'const data = JSON.parse(readFileSync(process.argv[1], "utf8"));'
        "const cells = Object.fromEntries(Object.keys(data.items).map((id) => [id, itemCells(data, id)]));"
        "process.stdout.write(JSON.stringify(cells));"
    )
    result = subprocess.run(
        [node, "--input-type=module", "-e", script, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == cells


# --- graph -------------------------------------------------------------------------------------


def test_layout_columns_follow_chains_and_survive_cycles() -> None:
    edges = {"app": ["mid"], "mid": ["base"], "x": ["y"], "y": ["x"], "side": ["base"]}
    names = {k: k.upper() for k in ("app", "mid", "base", "x", "y", "side")}
    names["app"] = "<App & Co>"
    categories = dict.fromkeys(names, "Cat")
    drawing = layout("all", "All", edges, names, categories)
    column = {n.id: n.column for n in drawing.nodes}
    assert column == {"base": 0, "mid": 1, "side": 1, "app": 2, "x": 0, "y": 0}
    svg = drawing.svg("../projects/{id}/")
    assert "&lt;App &amp; Co&gt;" in svg and "<App" not in svg
    assert 'href="../projects/app/"' in svg
    focused = layout("one", "One", edges, names, categories, focus={"mid"})
    assert {n.id for n in focused.nodes} == {"app", "mid", "base"}
    assert {n.id for n in focused.nodes if n.context} == {"app", "base"}


def test_graph_svg_is_terse_and_edges_join_the_boxes() -> None:
    """One relative cubic per edge, from the right side of what an item is built on to the
    item's left side (a cycle's edges run backwards); tooltips only where they add something."""
    edges = {"app": ["mid"], "mid": ["base"], "x": ["y"], "y": ["x"]}
    names = {k: k.upper() for k in ("app", "mid", "base", "x", "y")}
    names["mid"] = "A name far too long for its box"
    categories = dict.fromkeys(names, "Cat") | {"base": "Other"}
    drawing = layout("all", "All", edges, names, categories)
    svg = drawing.svg("../projects/{id}/", "Cat")
    boxes = graph_boxes(svg, "../projects/")
    assert set(boxes) == set(names) and 'class="nodes"' in svg  # no context here
    paths = re.findall(r'<path d="M(-?\d+) (-?\d+)c([^"]+)"/>', svg)
    assert len(paths) == len(drawing.edges) == 4 and "data-" not in svg and 'class="edge"' not in svg
    for (source, target), (x1, y1, curve) in zip(drawing.edges, paths, strict=True):
        numbers = [int(n) for n in re.findall(r"-?\d+", curve)]
        assert len(numbers) == 6 and numbers[1] == 0 and numbers[3] == numbers[5]
        start, end = (int(x1), int(y1)), (int(x1) + numbers[4], int(y1) + numbers[5])
        assert start == (boxes[target][0] + NODE_WIDTH, boxes[target][1] + NODE_HEIGHT // 2)
        assert end == (boxes[source][0], boxes[source][1] + NODE_HEIGHT // 2)
    titles = re.findall(r"<title>([^<]*)</title>", svg)
    assert sorted(titles) == ["A name far too long for its box (Cat)", "BASE (Other)"]
    assert len(re.findall("<title>", drawing.svg("../projects/{id}/"))) == len(names)  # no page category
    focused = layout("one", "One", edges, names, categories, focus={"mid"}).svg("../projects/{id}/")
    assert 'class="nodes faded"' in focused and focused.count('class="own"') == 1  # most are context
    assert '<a href="../projects/mid/" class="own">' in focused


# --- settings ----------------------------------------------------------------------------------


SETTINGS = {"foundation": "F", "url": "https://f.example"}


def test_comparisons_in_settings_are_validated(tmp_path: Path) -> None:
    data = catalog(item("Alpha"), item("Beta"), item("Gamma"))
    settings = {
        **SETTINGS,
        "torchscape": {
            "comparisons": [
                {"name": "Good", "items": ["alpha", "Beta"]},
                {"name": "Typo", "items": ["alpha", "betta", "gamma"]},
                {"name": "Too many", "items": ["a", "b", "c", "d", "e"]},
            ],
            "torch_versions": ["2.4", "two"],
        },
    }
    result = run_check(tmp_path, data, settings=settings)
    messages = [p.format() for p in result.problems]
    typo = "'betta' is not an item id of the data file, so it is left out; did you mean 'beta'?"
    assert any("settings.yml" in m and "warning" in m and typo in m for m in messages), messages
    assert any("needs 2 to 4 item ids, found 5" in m for m in messages), messages
    assert any("'two' is not a torch version such as 2.4" in m for m in messages), messages
    assert result.landscape is None  # a wrong count is an invalid value (blocking)


def test_an_item_listed_twice_in_a_comparison_counts_once(tmp_path: Path) -> None:
    data = catalog(item("Alpha"), item("Beta"), item("Gamma"))
    settings = {
        **SETTINGS,
        "torchscape": {
            "comparisons": [
                {"name": "Twice", "items": ["alpha", "beta", "Alpha"]},
                {"name": "Thrice", "items": ["gamma", "gamma", "GAMMA"]},
            ]
        },
    }
    result = run_check(tmp_path, data, settings=settings)
    messages = [p.format() for p in result.problems]
    assert sum("is listed already in this comparison: shown once" in m for m in messages) == 3, messages
    # three entries, one item: no comparison page can be made of it, as of a list of one
    assert any("needs 2 to 4 item ids, found 1 different" in m for m in messages), messages
    assert result.landscape is None
    del settings["torchscape"]["comparisons"][1]  # type: ignore[index]
    result = run_check(tmp_path, data, settings=settings)
    assert result.landscape is not None
    (twice,) = named_comparisons(result.landscape)
    assert twice.items == ("alpha", "beta")


def test_unknown_comparison_ids_are_left_out(tmp_path: Path) -> None:
    data = catalog(item("Alpha"), item("Beta"), item("Gamma"))
    settings = {
        **SETTINGS,
        "torchscape": {
            "comparisons": [
                {"name": "Typo", "items": ["alpha", "betta", "gamma"]},
                {"name": "Typo", "items": ["ALPHA", "beta"]},
                {"name": "Alone", "items": ["alpha", "nothing"]},
            ]
        },
    }
    result = run_check(tmp_path, data, settings=settings)
    assert result.landscape is not None
    codes = [p.code.value for p in result.problems]
    assert codes.count("unknown-item") == 2
    found = named_comparisons(result.landscape)
    assert [(c.id, c.items) for c in found] == [("typo", ("alpha", "gamma")), ("typo-2", ("alpha", "beta"))]


def test_versions_with_more_digits_than_python_converts_are_unknown_not_a_crash(tmp_path: Path) -> None:
    huge = "2." + "9" * 5000  # int() refuses over 4,300 digits: packaging raises a plain ValueError
    assert parse_specifier(f"<{huge}") is None and parse_specifier(f">=2.0,!={huge}.*") is None
    assert minor_of(huge) is None and not is_final(huge)
    assert accepts(SpecifierSet(">=2.0"), "2.4", [huge]) is False
    settings = {**SETTINGS, "torchscape": {"torch_versions": [huge, "2.4"]}}
    result = run_check(tmp_path, catalog(item("Alpha")), settings=settings)
    (problem,) = result.problems
    assert problem.blocking and problem.message.endswith("...' is not a torch version such as 2.4")


def test_days_since_count_calendar_days_to_the_date_shown() -> None:
    """ "72 (2026-09-10)" as of 2026-11-22 read one day short: whole 24-hour spans were counted."""
    import datetime as dt

    from torchscape.relations.compare import _days

    now = dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC)
    assert _days("2026-09-10T23:00:00Z", now) == 73  # 72 days and 2 hours
    assert _days("2026-11-22T00:30:00Z", now) == 0
    assert _days("2026-11-21T23:59:00-05:00", now) == 0  # 04:59 UTC on the 22nd
    assert _days("2026-09-10T23:00:00Z", now.replace(tzinfo=None)) == 73
    assert _days("not a time", now) is None
