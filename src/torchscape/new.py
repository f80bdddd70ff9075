"""`torchscape new DIR`: a small example landscape that builds, with a CI workflow."""

from __future__ import annotations

from pathlib import Path

import yaml

from torchscape.errors import UsageError
from torchscape.site.monogram import monogram_svg

EXAMPLE_ITEMS = (
    (
        "Training",
        "Frameworks",
        "Example Trainer",
        "A training loop library: write the model, get the loop, logging and checkpoints.",
    ),
    (
        "Training",
        "Frameworks",
        "Example Tuner",
        "Hyperparameter search that runs trials in parallel and stops bad ones early.",
    ),
    (
        "Deployment",
        "Serving",
        "Example Server",
        "Serves trained models over HTTP with batching and metrics.",
    ),
)

SETTINGS = """\
# Settings of this landscape (cncf/landscape2 format; see torchscape's docs/fields.md).
foundation: Example
url: https://example.org/landscape
groups:
  - name: Projects
    categories: [Training, Deployment]
torchscape:
  statuses:
    graduated: {label: "Graduated project"}
    archived: {label: "Retired", retired: true}
"""

GUIDE = """\
categories:
  - category: Training
    content: |
      Tools that train models. Start with a framework, add a tuner when you search for settings.
    subcategories:
      - subcategory: Frameworks
        content: |
          Training loops and their helpers.
  - category: Deployment
    content: |
      Tools that put trained models to work.
"""

WORKFLOW = """\
# Validate the landscape on every pull request; build the site on every push to main.
name: landscape
on:
  pull_request:
  push:
    branches: [main]
jobs:
  validate-and-build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: python -m pip install torchscape
      - run: torchscape validate --strict
      - run: torchscape build --output-dir site
      - uses: actions/upload-artifact@v4
        with:
          name: site
          path: site
"""

README = """\
# Example landscape

Made by `torchscape new`. Edit `landscape.yml`, then:

    torchscape validate     # every problem at once
    torchscape serve        # preview at http://127.0.0.1:8000, rebuilt on every change
    torchscape build        # the static site in ./site

`.github/workflows/landscape.yml` validates pull requests and builds the site on main.
"""


def create_example(folder: Path) -> list[Path]:
    """Write the example into `folder` (which must be new or empty); returns the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} already exists and is not empty; choose a new folder")
    files: dict[str, str] = {
        "landscape.yml": _data(),
        "settings.yml": SETTINGS,
        "guide.yml": GUIDE,
        ".github/workflows/landscape.yml": WORKFLOW,
        "README.md": README,
    }
    for _, _, name, _ in EXAMPLE_ITEMS:
        files[f"logos/{_file_stem(name)}.svg"] = monogram_svg(name)
    written = []
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _data() -> str:
    categories: dict[str, dict[str, list[dict[str, object]]]] = {}
    for category, subcategory, name, description in EXAMPLE_ITEMS:
        stem = _file_stem(name)
        item: dict[str, object] = {
            "name": name,
            "description": description,
            "homepage_url": f"https://example.org/{stem}",
            "repo_url": f"https://github.com/example/{stem}",
            "logo": f"{stem}.svg",
            "license": "Apache-2.0",
            "extra": {"summary_tags": "example", "annotations": {"kind": "library"}},
        }
        categories.setdefault(category, {}).setdefault(subcategory, []).append(item)
    data = {
        "categories": [
            {"name": c, "subcategories": [{"name": s, "items": items} for s, items in subs.items()]}
            for c, subs in categories.items()
        ]
    }
    header = "# The catalog: categories, subcategories and items (cncf/landscape2 format).\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _file_stem(name: str) -> str:
    return name.lower().replace(" ", "-")
