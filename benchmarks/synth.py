"""Synthetic landscapes of N items, shaped like real ones (for benchmarks)."""

from __future__ import annotations

import json
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


def observed(data: dict[str, object], seed: int = 7) -> str:
    """An observed.jsonl for a synthetic landscape: each item's package requires 0 to 4 other
    items' packages and torch (a random lower bound, sometimes none), like package index facts."""
    rng = random.Random(seed)
    names = [
        str(item["extra"]["annotations"]["pypi"])  # type: ignore[index]
        for category in data["categories"]  # type: ignore[attr-defined]
        for sub in category["subcategories"]
        for item in sub["items"]
    ]
    lines = []
    for name in names:
        low = rng.choice([None, "", ">=1.13", ">=2.0", ">=2.4", ">=2.6,<2.10"])
        requires = [f"{other}>=1.0" for other in rng.sample(names, rng.randint(0, 4)) if other != name]
        requires += [f"torch{low}"] if low is not None else []
        requires += ['pytest; extra == "test"']
        fact = {
            "name": name,
            "index_url": "http://127.0.0.1/simple/",
            "latest_version": "1.0.0",
            "latest_uploaded_at": "2026-06-01T00:00:00Z",
            "versions": [["0.9.0", "2025-06-01T00:00:00Z"], ["1.0.0", "2026-06-01T00:00:00Z"]],
            "requires_dist": requires,
            "requires_python": ">=3.10",
            "torch_requirement": low,
        }
        record = {"source": "packages", "key": name, "fetched_at": "2026-11-01T00:00:00Z", "data": fact}
        lines.append(json.dumps(record, sort_keys=True))
    return "\n".join(lines) + "\n"
