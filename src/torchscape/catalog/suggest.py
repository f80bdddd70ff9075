"""Suggest a subcategory for a new item from the items already listed.

A small deterministic text model: each item is a bag of words from its name, description,
keywords and package names (GitHub topics too, when a caller has them), weighted by TF-IDF.
A new item's nearest neighbours (cosine similarity) vote for their subcategory with their
similarity, and each subcategory's centroid adds its own similarity, so a subcategory with many
loosely similar items does not drown a close match. Ties break by name, so the same catalog
always gives the same answer. `benchmarks/bench_suggest.py` measures it (leave-one-out).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from torchscape.catalog.model import Item

_WORD = re.compile(r"[a-z0-9]+(?:\+\+)?")
#: Words that say nothing about where a project belongs.
_STOP = frozenset(
    """a an and are as at be by can for from has have in into is it its of on or that the this to
    with without your you we our their via using use used based built new open source library
    framework tool tools toolkit project projects pytorch torch python py github com www http https
    io org html docs en latest stable main master readthedocs""".split()
)
NAME_WEIGHT = 2  # a name's words count twice: names are short and telling
NEIGHBOURS = 5
CENTROID_WEIGHT = 1.0


def words(text: str) -> list[str]:
    """Lowercase word tokens, without stop words, plurals folded ("models" -> "model")."""
    out = []
    for word in _WORD.findall(text.lower()):
        if word in _STOP or len(word) < 2:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out


def item_words(
    name: str,
    description: str | None = None,
    keywords: Iterable[str] = (),
    packages: Iterable[str] = (),
) -> tuple[str, ...]:
    """The bag of words of one item (name words repeated NAME_WEIGHT times)."""
    name_words = words(re.sub(r"([a-z])([A-Z])", r"\1 \2", name)) + words(name)
    bag = name_words * NAME_WEIGHT
    bag += words(description or "")
    for text in (*keywords, *packages):
        bag += words(text.replace("-", " ").replace("_", " "))
    return tuple(bag)


@dataclass(frozen=True, slots=True)
class Example:
    """A listed item: where it is (`Category / Subcategory`) and its words."""

    label: str
    words: tuple[str, ...]


def examples_from(items: Iterable[Item]) -> list[Example]:
    """Training examples from a loaded catalog (each item at its primary place)."""
    return [
        Example(
            f"{item.category} / {item.subcategory}",
            item_words(item.name, item.description, item.keywords, item.packages),
        )
        for item in items
    ]


Vector = dict[str, float]


def _normalised(vector: Vector) -> Vector:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}


def _dot(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


class Suggester:
    """Ranks the subcategories of a catalog for a new item's words."""

    def __init__(self, examples: Sequence[Example], *, neighbours: int = NEIGHBOURS) -> None:
        self.neighbours = neighbours
        count = len(examples)
        frequency: Counter[str] = Counter()
        for example in examples:
            frequency.update(set(example.words))
        self.idf = {word: math.log((1 + count) / (1 + n)) + 1.0 for word, n in frequency.items()}
        self.labels = sorted({e.label for e in examples})
        self.vectors = [(e.label, self.vector(e.words)) for e in examples]
        sums: dict[str, Vector] = defaultdict(dict)
        for label, vector in self.vectors:
            total = sums[label]
            for word, value in vector.items():
                total[word] = total.get(word, 0.0) + value
        self.centroids = {label: _normalised(total) for label, total in sums.items()}

    def vector(self, bag: Sequence[str]) -> Vector:
        """TF-IDF (sublinear term frequency), unit length; unknown words are dropped."""
        counts = Counter(w for w in bag if w in self.idf)
        return _normalised({w: (1.0 + math.log(n)) * self.idf[w] for w, n in counts.items()})

    def rank(self, bag: Sequence[str]) -> list[tuple[str, float]]:
        """Every subcategory with its score, best first (score 0: no shared word at all)."""
        query = self.vector(bag)
        scores = dict.fromkeys(self.labels, 0.0)
        if query:
            similar = sorted(
                ((_dot(query, vector), label) for label, vector in self.vectors),
                key=lambda pair: (-pair[0], pair[1]),
            )
            for similarity, label in similar[: self.neighbours]:
                scores[label] += similarity
            for label, centroid in self.centroids.items():
                scores[label] += CENTROID_WEIGHT * _dot(query, centroid)
        return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Leave-one-out accuracy of the suggestions on a catalog."""

    items: int
    top1: int
    top3: int

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.items if self.items else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.items if self.items else 0.0


def leave_one_out(examples: Sequence[Example], *, neighbours: int = NEIGHBOURS) -> Accuracy:
    """Suggest each example's place from all the others; count hits in the first one and three."""
    top1 = top3 = 0
    for index, example in enumerate(examples):
        rest = [*examples[:index], *examples[index + 1 :]]
        ranked = [label for label, _ in Suggester(rest, neighbours=neighbours).rank(example.words)[:3]]
        top1 += bool(ranked) and ranked[0] == example.label
        top3 += example.label in ranked
    return Accuracy(len(examples), top1, top3)


__all__ = ["Accuracy", "Example", "Suggester", "examples_from", "item_words", "leave_one_out", "words"]
