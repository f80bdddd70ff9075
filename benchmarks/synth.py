"""Synthetic landscapes of N items, shaped like real ones (for benchmarks)."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

WORDS = (
    "torch vision language audio graph learning neural model training inference fast data "
    "tensor distributed quantum privacy federated robust serving compiler runtime kernel"
).split()


def landscape(n: int, seed: int = 7) -> dict[str, object]:
    """A plain-style landscape with `n` items over 4 categories x 8 subcategories."""
    rng = random.Random(seed)
    categories = []
    per_sub = max(1, n // 32)
    count = 0
    for c in range(4):
        subs = []
        for s in range(8):
            items = []
            for _ in range(per_sub if (c, s) != (3, 7) else n - count):
                count += 1
                name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {count}"
                items.append(_item(name, count, rng))
            subs.append({"name": f"Subcategory {c}.{s}", "items": items})
        categories.append({"name": f"Category {c}", "subcategories": subs})
    return {"categories": categories}


def _item(name: str, index: int, rng: random.Random) -> dict[str, object]:
    slug = name.lower().replace(" ", "-")
    return {
        "name": name,
        "description": " ".join(rng.choice(WORDS) for _ in range(25)).capitalize() + ".",
        "homepage_url": f"https://{slug}.example.org/",
        "repo_url": f"https://github.com/org{index % 97}/{slug}",
        "logo": f"{slug}.svg",
        "project": rng.choice(["ecosystem", "archived", "foundation", None]),
        "license": "Apache-2.0",
        "extra": {
            "summary_tags": ", ".join(rng.sample(WORDS, 4)),
            "documentation_url": f"https://{slug}.example.org/docs",
            "annotations": {"pypi": slug, "kind": "library"},
        },
    }


def write(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "landscape.yml"
    path.write_text(yaml.safe_dump(landscape(n), sort_keys=False), encoding="utf-8")
    return path
