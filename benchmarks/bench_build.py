"""Build times and sizes: the real PyTorch landscape and a synthetic 2,500-item one.

Cold = empty cache, warm = second build with the logo cache filled, rebuild = a warm build into
the same output folder with nothing changed (recognised as such: see `site/incremental.py`),
forced rebuild = the same with `--force` (everything rendered and compared, nothing written).
Prints medians; also the gzip size of the home page's HTML+CSS+JS and the size of the output.

    .venv/bin/python benchmarks/bench_build.py [--runs 5] [--without-relations]

Nothing is deleted until every figure is taken: each build writes into a new folder. On the
shared VMs this project is measured on (ext4 without a journal), creating files within minutes
of deleting many is several times slower: the kernel skips recently freed inodes one by one
when it allocates a new one (`recently_deleted` in a `perf` profile). Writing one 2,500-item
site's 7,990 files with plain Python took 0.6-0.7 s after five quiet minutes and 5-6 s just
after deleting 16,000 files. Older versions of this script deleted the cold build's output and
then timed the warm build into the same folder, which measured that as much as the build. So
run it when the machine has not just deleted a lot (a test run, or this script a few minutes
before); the "writing them ... took" figure, the same files written with plain Python at the
end, shows what the disk cost at the time.

The synthetic landscape gets a synthetic observed.jsonl (package requirements between its
items and on torch), so the relations step (alternatives, dependency graph, torch pages,
comparisons) has real work; `--without-relations` replaces that step with nothing, to measure
what it costs. Its output is also measured without that file, as a landscape.yml that has not
been refreshed yet builds.
"""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth
from torchscape.paths import resolve_sources
from torchscape.site.build import BuildRequest, build_site

FIXTURE = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "pytorch-landscape"


def timed(request: BuildRequest) -> float:
    started = time.perf_counter()
    build_site(request)
    return time.perf_counter() - started


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def home_weight(site: Path) -> tuple[int, int]:
    """Bytes of the home page's HTML + CSS + JS and of the JSON it fetches before it is
    interactive (`api/explorer.json`), raw and gzip-compressed (logos excluded)."""
    html = (site / "index.html").read_bytes()
    todo = [a.decode() for a in re.findall(rb'(?:href|src)="(static/[^"]+\.(?:css|js))"', html)]
    seen: dict[str, bytes] = {}
    while todo:  # the modules each script imports, statically or not, count too
        path = todo.pop()
        if path in seen or "/reload." in path or "/reuse." in path:  # (reuse.js: pages with snippets)
            continue
        seen[path] = (site / path).read_bytes()
        for static, dynamic in re.findall(rb'from "\./([^"]+)"|import\("\./([^"]+)"\)', seen[path]):
            todo.append(f"static/{(static or dynamic).decode()}")
    parts = [html, *seen.values()]
    parts.append((site / "api" / "explorer.json").read_bytes())
    return sum(len(p) for p in parts), sum(len(gzip.compress(p, 9)) for p in parts)


def synthetic(folder: Path, n: int) -> Path:
    """A synthetic landscape whose logos cycle through the fixture's real logo files."""
    data = synth.landscape(n)
    logos = sorted(p for p in (FIXTURE / "hosted_logos").iterdir() if p.suffix in (".svg", ".png"))
    index = 0
    for category in data["categories"]:  # type: ignore[union-attr]
        for sub in category["subcategories"]:
            for item in sub["items"]:
                item["logo"] = logos[index % len(logos)].name
                index += 1
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "landscape.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    (folder / "observed.jsonl").write_text(synth.observed(data), encoding="utf-8")
    return path


def skip_relations() -> None:
    """Build without the relations step (for comparison): no relations, no relation pages."""
    from torchscape.relations import Relations
    from torchscape.site import build

    build.relate = lambda landscape, observed: Relations()  # type: ignore[assignment]
    build.write_relation_pages = lambda *args: 0  # type: ignore[assignment]


def write_floor(site: Path, tmp: Path) -> tuple[float, int]:
    """Seconds to write the site's files (same paths, same bytes) into a new folder with plain
    Python: what this machine's disk costs right now, whatever the build does; and how many.
    The copy is left for the final clean-up (see the module's docstring)."""
    files = [(p.relative_to(site), p.read_bytes()) for p in sorted(site.rglob("*")) if p.is_file()]
    target = Path(tempfile.mkdtemp(prefix="floor-", dir=tmp))
    started = time.perf_counter()
    for relative, data in files:
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return time.perf_counter() - started, len(files)


def measure(name: str, data: Path, settings: Path | None, logos: Path, runs: int, tmp: Path) -> None:
    sources = resolve_sources(str(data), str(settings) if settings else None, None, str(logos))
    cold, warm, rebuild, forced = [], [], [], []
    for run in range(runs):
        cache = tmp / f"{name}-cache-{run}"
        out = tmp / f"{name}-out-{run}"
        cold.append(timed(BuildRequest(sources, tmp / f"{name}-cold-{run}", cache)))
        warm.append(timed(BuildRequest(sources, out, cache)))  # a new folder, nothing deleted
        rebuild.append(timed(BuildRequest(sources, out, cache)))
        forced.append(timed(BuildRequest(sources, out, cache, force=True)))
    size = folder_size(out)
    raw, packed = home_weight(out)
    floor, count = write_floor(out, tmp)
    print(
        f"{name}: cold {statistics.median(cold):.2f} s, warm {statistics.median(warm):.2f} s, "
        f"rebuild unchanged {statistics.median(rebuild):.2f} s, "
        f"forced rebuild unchanged (renders all, writes nothing) {statistics.median(forced):.2f} s "
        f"(medians of {runs}); "
        f"output {size / 1e6:.1f} MB ({count} files; writing them "
        f"with plain Python just after took {floor:.2f} s); home HTML+CSS+JS+explorer.json {raw / 1e3:.0f} KB raw, {packed / 1e3:.1f} KB gzip"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--without-relations", action="store_true")
    args = parser.parse_args()
    if args.without_relations:
        skip_relations()
    if not FIXTURE.is_dir():
        sys.exit("needs ../shared/fixtures/pytorch-landscape")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        logos = FIXTURE / "hosted_logos"
        measure(
            "pytorch fixture (188 items)",
            FIXTURE / "landscape.yml",
            FIXTURE / "settings.yml",
            logos,
            args.runs,
            tmp,
        )
        data = synthetic(tmp / "synthetic", 2_500)
        measure("synthetic 2,500 items", data, None, logos, args.runs, tmp)
        plain_size(data, logos, tmp, tmp / "synthetic 2,500 items-cache-0")


def plain_size(data: Path, logos: Path, tmp: Path, cache: Path) -> None:
    """The output of the synthetic landscape as a maintainer's new landscape.yml builds it:
    without observed data (no `refresh` yet), so without the pages and figures it feeds (torch
    and dependency pages, the item pages' upstream panels). Size only: the logos are cached."""
    folder = tmp / "synthetic-plain"
    folder.mkdir()
    shutil.copy(data, folder / "landscape.yml")
    out = tmp / "synthetic-plain-out"
    build_site(
        BuildRequest(resolve_sources(str(folder / "landscape.yml"), None, None, str(logos)), out, cache)
    )
    count = sum(1 for p in out.rglob("*") if p.is_file())
    print(
        f"synthetic 2,500 items without observed data: output {folder_size(out) / 1e6:.1f} MB ({count} files)"
    )


if __name__ == "__main__":
    main()
