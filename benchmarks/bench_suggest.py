"""Leave-one-out accuracy of `add`'s subcategory suggestion on the bundled PyTorch catalog.

Each item is taken out, the model is built from all the others, and we check whether the item's
own subcategory (its primary place) is the first suggestion (top-1) or among the first three
(top-3). Also prints how long one suggestion takes on the full catalog.
"""

from __future__ import annotations

import argparse
import time

import torchscape
from torchscape.catalog.suggest import NEIGHBOURS, Suggester, examples_from, leave_one_out
from torchscape.paths import bundled_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--neighbours", type=int, default=NEIGHBOURS)
    args = parser.parse_args()
    folder = bundled_dir()
    landscape = torchscape.load(folder / "landscape.yml", folder / "settings.yml", folder / "guide.yml")
    examples = examples_from(landscape)
    labels = {e.label for e in examples}
    started = time.perf_counter()
    accuracy = leave_one_out(examples, neighbours=args.neighbours)
    elapsed = time.perf_counter() - started
    model = Suggester(examples, neighbours=args.neighbours)
    start = time.perf_counter()
    for example in examples:
        model.rank(example.words)
    per_query = (time.perf_counter() - start) / len(examples)
    print(f"bundled catalog: {accuracy.items} items in {len(labels)} subcategories")
    print(f"leave-one-out top-1: {accuracy.top1}/{accuracy.items} = {accuracy.top1_rate:.1%}")
    print(f"leave-one-out top-3: {accuracy.top3}/{accuracy.items} = {accuracy.top3_rate:.1%}")
    print(
        f"neighbours: {args.neighbours}; evaluation {elapsed:.2f} s; one suggestion {per_query * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
