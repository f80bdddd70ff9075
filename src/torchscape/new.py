"""`torchscape new DIR`: a small example landscape that builds, with CI workflows (validate and
audit pull requests; refresh, audit, build and deploy to GitHub Pages on a schedule)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import yaml

from torchscape.errors import UsageError
from torchscape.outputs import os_reason
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
# Settings of this landscape (cncf/landscape2 format; see torchscape's docs/settings.md).
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

#: The steps that install Python and torchscape, after the checkout in every job.
INSTALL_STEPS = """\
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      # torchscape as pip finds it on your package index; where it is not published there, set
      # the repository variable TORCHSCAPE_SPEC to another pip requirement (a git URL, a wheel).
      - run: python -m pip install "${{ vars.TORCHSCAPE_SPEC || 'torchscape' }}"
"""

#: The first steps of a job that needs only the newest commit: the repository, Python, torchscape.
SETUP_STEPS = "      - uses: actions/checkout@v4\n" + INSTALL_STEPS

VALIDATE_WORKFLOW = """\
# On every pull request: validate the landscape, audit it, and post the audit as a comment.
name: validate
on:
  pull_request:
permissions:
  contents: read
  pull-requests: write
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      # setup steps
      - run: torchscape validate --strict
      - name: audit
        id: audit
        continue-on-error: true
        run: torchscape audit --format markdown > audit.md
      - run: cat audit.md >> "$GITHUB_STEP_SUMMARY"
      - name: comment on the pull request
        # A pull request from a fork gets a read-only token: the audit is still in the job summary.
        continue-on-error: true
        env:
          GH_TOKEN: ${{ github.token }}
          PR: ${{ github.event.pull_request.number }}
        run: gh pr comment "$PR" --body-file audit.md --edit-last || gh pr comment "$PR" --body-file audit.md
      - if: steps.audit.outcome == 'failure'
        run: echo "the audit found errors (see the comment or the job summary)" && exit 1
"""

DEPLOY_WORKFLOW = """\
# Every day (and on every push to main): refresh observed data, audit, build, deploy to GitHub Pages.
# The observed-data history is kept in git (observed.jsonl), not in an evictable CI cache.
# Enable Pages with "GitHub Actions" as the source in the repository's settings.
name: deploy
on:
  schedule:
    - cron: "17 5 * * *"
  push:
    branches: [main]
  workflow_dispatch:
permissions:
  contents: write
  pages: write
  id-token: write
concurrency:
  group: pages
  cancel-in-progress: false
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          # The whole history, not only the newest commit (the default): the site's feed lists
          # the catalog's changes commit by commit, from the git history.
          fetch-depth: 0
      # install steps
      # The cache folder for the steps below. GitHub refuses a job-level `env:` that uses the
      # `runner` context, so it is set from the runner's environment instead.
      - run: echo "CACHE=$RUNNER_TEMP/torchscape" >> "$GITHUB_ENV"
      - if: hashFiles('observed.jsonl') != ''
        run: torchscape history import observed.jsonl --cache-dir "$CACHE"
      - run: torchscape refresh --cache-dir "$CACHE"
        env:
          GITHUB_TOKEN: ${{ github.token }}
      - name: audit
        continue-on-error: true
        run: torchscape audit --cache-dir "$CACHE" --format markdown >> "$GITHUB_STEP_SUMMARY"
      # Each logo file is sanitised and drawn once per content; keep that work between runs
      # (a cold build of the real PyTorch landscape spends nearly all of its 3.3 s on logos).
      # (`with:` may use the `runner` context: this is the folder CACHE names.)
      - uses: actions/cache@v4
        with:
          path: ${{ runner.temp }}/torchscape/logos
          key: torchscape-logos-${{ hashFiles('hosted_logos/**', 'logos/**') }}
          restore-keys: torchscape-logos-
      - run: torchscape build --cache-dir "$CACHE" --output-dir site
      - run: torchscape history export observed.jsonl --cache-dir "$CACHE"
      - name: keep the history
        run: |
          git config user.name "github-actions[bot]"
          git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
          git add observed.jsonl
          git diff --cached --quiet || (git commit -m "observed data: refresh" && git push)
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""

#: The workflows `new` writes, by path.
WORKFLOWS = {
    ".github/workflows/validate.yml": VALIDATE_WORKFLOW.replace("      # setup steps\n", SETUP_STEPS),
    ".github/workflows/deploy.yml": DEPLOY_WORKFLOW.replace("      # install steps\n", INSTALL_STEPS),
}

#: What the commands write into the landscape's folder by default (build's --output-dir, the
#: staging folder a killed build leaves beside it, poster's --output): outputs, not
#: sources, so `git add -A` leaves them out. `observed.jsonl` is not here: the deploy workflow
#: keeps the observed-data history in git.
GITIGNORE = """\
# Outputs of torchscape's commands at their default places (not sources: they are rebuilt).
/site/
/.site.building-*/
/poster.svg
/poster.png
/poster.pdf
"""

README = """\
# Example landscape

Made by `torchscape new`. Edit `landscape.yml`, then:

    torchscape validate     # every problem at once
    torchscape serve        # preview at http://127.0.0.1:8000, rebuilt on every change
    torchscape build        # the static site in ./site

`.github/workflows/validate.yml` validates and audits every pull request (the audit is posted
as a comment). `.github/workflows/deploy.yml` refreshes the observed data every day, audits,
builds and deploys the site to GitHub Pages (enable Pages with "GitHub Actions" as the source).
"""


def create_example(folder: Path) -> list[Path]:
    """Write the example into `folder` (which must be new or empty); returns the files written.

    A folder that cannot be made or written (read-only, below a file, in `/proc`) is a usage
    error naming it, and what was written of the example is taken away again: a half example
    would fail `validate` for reasons that are not the user's."""
    try:
        if folder.exists() and not folder.is_dir():
            what = "is a file" if folder.is_file() else "exists and is"
            raise UsageError(f"{folder} {what}, not a folder; choose a new folder for the example")
        if folder.exists() and any(folder.iterdir()):
            raise UsageError(f"{folder} already exists and is not empty; choose a new folder")
    except OSError as exc:  # a folder that cannot be listed
        raise UsageError(f"cannot use {folder}: {os_reason(exc)}") from exc
    files: dict[str, str] = {
        "landscape.yml": _data(),
        "settings.yml": SETTINGS,
        "guide.yml": GUIDE,
        **WORKFLOWS,
        "README.md": README,
        ".gitignore": GITIGNORE,
    }
    for _, _, name, _ in EXAMPLE_ITEMS:
        files[f"logos/{_file_stem(name)}.svg"] = monogram_svg(name)
    made: list[Path] = []  # the folders this call created, outermost first
    written: list[Path] = []
    try:
        for relative, text in files.items():
            path = folder / relative
            for missing in _missing_folders(path.parent):
                missing.mkdir()
                made.append(missing)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        for path in reversed(written):
            with contextlib.suppress(OSError):
                path.unlink()
        for made_folder in reversed(made):  # innermost first; each is empty once its files are gone
            with contextlib.suppress(OSError):
                made_folder.rmdir()
        raise UsageError(f"cannot create the example in {folder}: {os_reason(exc)}") from exc
    return written


def _missing_folders(folder: Path) -> list[Path]:
    """The folders to create for `folder` to exist, outermost first."""
    missing = []
    while not folder.exists() and not folder.is_symlink() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing[::-1]


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
