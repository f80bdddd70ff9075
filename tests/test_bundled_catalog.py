"""The bundled PyTorch ecosystem catalog: shape, coverage and portability."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import torchscape
from torchscape.catalog.urls import canonical_repo
from torchscape.paths import bundled_dir

REQUIRED = """PyTorch, torchvision, torchaudio, torchtext, Detectron2, Albumentations, Kornia, Transformers,
torchtune, NeMo, MMF, NeuralOperator, PhysicsNeMo, MONAI, TorchIO, PennyLane, Captum,
PyTorch Lightning, fastai, Ignite, skorch, AllenNLP, torchrl, PyTorch Geometric, Opacus, Flower,
Pyro, NumPyro, ONNX Runtime, Torch-TensorRT, PyTorch/XLA, DeepSpeed, Ray, ClearML, Hydra,
TorchServe, PyTorch3D, timm, PEFT, TRL, bitsandbytes, Triton, ExecuTorch, torchtitan, Optuna,
MLflow, Accelerate, sentence-transformers, ultralytics, SpeechBrain, DGL, torchgeo, Kaolin, e3nn"""
REPO = re.compile(r"^https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


@pytest.fixture(scope="module")
def landscape() -> torchscape.Landscape:
    folder = bundled_dir()
    return torchscape.load(
        folder / "landscape.yml", folder / "settings.yml", folder / "guide.yml", folder / "logos"
    )


def software(landscape: torchscape.Landscape) -> list[torchscape.Item]:
    return [i for i in landscape if i.kind != "member"]


def test_strictly_valid(landscape: torchscape.Landscape) -> None:
    assert landscape.problems == ()


def test_size_and_structure(landscape: torchscape.Landscape) -> None:
    assert len(software(landscape)) >= 250
    names = [c.name for c in landscape.categories]
    assert names == ["Modeling", "Training", "Optimizations", "PyTorch Projects", "PyTorch Members"]
    tiers = [s.name for s in landscape.categories[-1].subcategories]
    assert tiers == ["Platinum", "Gold", "Silver", "Associate"]


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def test_every_name_the_overviews_cite_is_present(landscape: torchscape.Landscape) -> None:
    present = {_key(i.name) for i in landscape}
    aliases = {
        _key("Ignite"): _key("PyTorch Ignite"),
        _key("Triton"): _key("Triton"),
        _key("timm"): _key("timm"),
    }
    missing = [
        n.strip()
        for n in REQUIRED.split(",")
        if aliases.get(_key(n), _key(n)) not in present and not any(_key(n) in p for p in present)
    ]
    assert missing == []


def test_every_public_ecosystem_project_is_present(
    landscape: torchscape.Landscape, fixture_dir: Path
) -> None:
    public = torchscape.load(fixture_dir / "landscape.yml")
    ours_repos = {canonical_repo(r.url) for i in landscape for r in i.repositories}
    ours_names = {_key(i.name) for i in landscape}
    renamed = {"MMEditing": "MMagic"}  # open-mmlab/mmediting became open-mmlab/mmagic
    missing = []
    for item in public:
        if item.category == "PyTorch Members":
            continue
        repo = canonical_repo(item.repo_url or "")
        name = renamed.get(item.name, item.name)
        if repo not in ours_repos and _key(name) not in ours_names:
            missing.append(item.name)
    # Public entries whose repo_url was an organisation page are matched by name; renamed ones
    # (MMEditing -> MMagic, neural-compressor -> Intel Neural Compressor) by repository.
    assert missing == []


def test_per_item_fields(landscape: torchscape.Landscape) -> None:
    for item in software(landscape):
        assert item.description and 20 <= len(item.description) <= 400, item.name
        assert item.homepage_url.startswith("https://"), item.name
        assert item.repo_url and REPO.match(item.repo_url), item.name
        assert item.kind in ("library", "framework", "tool", "service"), item.name
        assert len(item.keywords) >= 3, item.name
        assert (bundled_dir() / "logos" / item.logo).is_file(), item.name


def test_no_duplicate_projects(landscape: torchscape.Landscape) -> None:
    repos = [canonical_repo(i.repo_url) for i in software(landscape) if i.repo_url]
    assert len(repos) == len(set(repos))
    keys = [_key(i.name) for i in landscape]
    assert len(keys) == len(set(keys))


def test_statuses_and_labels(landscape: torchscape.Landscape) -> None:
    assert landscape.item("pyro").status is not None
    assert landscape.item("pyro").status.label == "Retired from the ecosystem"  # type: ignore[union-attr]
    assert landscape.item("numpyro").framework == "jax"
    foundation = [i.name for i in landscape if i.status and i.status.value == "foundation"]
    assert sorted(foundation) == ["DeepSpeed", "Helion", "PyTorch", "Ray", "Safetensors", "vLLM"]


def test_portable_to_landscape2(landscape: torchscape.Landscape) -> None:
    """Our additions sit only where landscape2 accepts them: item keys are landscape2's own."""
    raw = yaml.safe_load((bundled_dir() / "landscape.yml").read_text(encoding="utf-8"))
    allowed = {
        "name",
        "description",
        "homepage_url",
        "repo_url",
        "logo",
        "project",
        "license",
        "second_path",
        "extra",
        "crunchbase",
        "twitter",
        "joined",
    }
    for category in raw["categories"]:
        for sub in category["subcategories"]:
            for item in sub["items"]:
                assert set(item) <= allowed, item["name"]
                assert set(item.get("extra", {})) <= {
                    "documentation_url",
                    "summary_tags",
                    "annotations",
                    "accepted",
                }


def test_the_bundled_snapshot_reads_back_whole() -> None:
    """Every fact of the bundled observed.jsonl passes the reader's checks as it is: its script
    dropped every null from lists, so versions without an upload time became `[version]` and the
    reader left out the whole version history of 10 packages (triton, unsloth, mmdet, ...)."""
    import json
    import sys

    from torchscape.sources.facts import PackageFacts, RepoFacts, clean_data

    lines = (bundled_dir() / "observed.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines:
        record = json.loads(line)
        model = PackageFacts if record["source"] == "packages" else RepoFacts
        assert clean_data(model, record["data"]) == record["data"], record["key"]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    try:
        from make_bundled_snapshot import scrub
    finally:
        sys.path.pop(0)
    data = {
        "versions": [["1.0", None], ["2.0", "2026-01-01T00:00:00Z"]],
        "project_urls": [["Home", "https://index.example/p/x"], ["Docs", "https://docs.example"]],
        "page_url": "https://index.example/p/x",
        "summary": "see https://index.example",
    }
    assert scrub(data, {"index.example"}) == {
        "versions": [["1.0", None], ["2.0", "2026-01-01T00:00:00Z"]],
        "project_urls": [["Docs", "https://docs.example"]],  # a pair that lost its link goes whole
        "summary": None,
    }
