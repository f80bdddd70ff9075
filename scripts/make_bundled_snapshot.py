"""Fetch, once and live, the package-index data the bundled landscape ships (observed.jsonl).

    .venv/bin/python scripts/make_bundled_snapshot.py [--index-url URL] [--concurrency 4]

It refreshes only the package index (no GitHub token needed) into a temporary cache, then writes
`src/torchscape/data/pytorch/observed.jsonl`. Values that name the index's own host (the index
URL, package page links) are left out: the repository never records a registry's hostname, and
the site links to package pages only from data a user fetched themselves.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import torchscape
from torchscape.paths import bundled_dir
from torchscape.refresh import refresh
from torchscape.sources.cache import Cache
from torchscape.sources.facts import utc_now
from torchscape.sources.packages import PackageIndexClient, resolve_index_url

DROPPED_FIELDS = ("index_url", "page_url")


_GONE = object()  # what a string naming the index's host becomes


def scrub(value: Any, hosts: set[str]) -> Any:
    """The value without strings that mention any of `hosts` (and without dropped fields). Only
    what was taken out goes: a version without an upload time stays `[version, null]` (dropping
    every null made it `[version]`, and the reader then refused the package's whole history)."""
    found = _scrub(value, hosts)
    return None if found is _GONE else found


def _scrub(value: Any, hosts: set[str]) -> Any:
    if isinstance(value, dict):
        scrubbed = {k: _scrub(v, hosts) for k, v in value.items() if k not in DROPPED_FIELDS}
        return {k: (None if v is _GONE else v) for k, v in scrubbed.items()}
    if isinstance(value, list):
        kept: list[Any] = []
        for old in value:
            new = _scrub(old, hosts)
            # An entry that names the host goes, and so does a pair or tuple that lost a part.
            if new is not _GONE and not (isinstance(old, list) and len(new) != len(old)):
                kept.append(new)
        return kept
    if isinstance(value, str) and any(host in value for host in hosts):
        return _GONE
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index-url")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    folder = bundled_dir()
    landscape = torchscape.load(folder / "landscape.yml", folder / "settings.yml")
    index_url, origin = resolve_index_url(args.index_url, dict(os.environ))
    hosts = {urlsplit(index_url).netloc}
    print(f"package index from {origin}")
    with tempfile.TemporaryDirectory() as tmp:
        factories = {"packages": lambda: PackageIndexClient(index_url, concurrency=args.concurrency)}
        for summary in refresh(landscape, Path(tmp), factories, max_age=dt.timedelta(0), now=utc_now()):
            print(summary.line().replace(index_url, "<index>"))
        with Cache.open(Path(tmp)) as cache, (folder / "observed.jsonl").open("w", encoding="utf-8") as out:
            for fact in cache.all_history():
                record = {"source": fact.source, "key": fact.key, "fetched_at": fact.fetched_at}
                record["data"] = scrub(fact.data, hosts)
                out.write(json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"wrote {folder / 'observed.jsonl'}")


if __name__ == "__main__":
    main()
