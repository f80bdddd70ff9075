"""Alternatives: the items most similar to each item, computed at build time.

Similarity = cosine of TF-IDF vectors (description, keywords twice, observed GitHub topics) plus
a fixed bonus for sharing a placement (subcategory) and a smaller one for sharing a category.
Members (organisations: `Landscape.is_member`) are compared only with members, projects only
with projects. Ties are
broken by id, so the same catalog always gives the same lists.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from torchscape.catalog.model import Item

SAME_SUBCATEGORY = 0.3
SAME_CATEGORY = 0.05
MIN_SCORE = 0.12
LIMIT = 6
#: Words in more than this share of the items (and in more than COMMON_FLOOR items) are left out:
#: they say little about what an item is for, and they would make every item a candidate for
#: every other one (quadratic work on large catalogs).
COMMON_SHARE = 0.1
COMMON_FLOOR = 30

_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")
# Words that say nothing about what a project is for (our list, kept short on purpose).
_STOP = frozenset(
    """
    a an and are as at be by can for from has have in into is it its of on or that the their this
    to use used uses using via when which while with without you your it's than more most one two
    any all also other others over out up so not no choose pick want when where who what how
    pytorch torch library framework tool tools project projects python based built open source
    """.split()
)


@dataclass(frozen=True, slots=True)
class Profile:
    """What similarity reads about one item."""

    id: str
    text: str
    keywords: tuple[str, ...] = ()
    places: tuple[tuple[str, str], ...] = ()  # (category, subcategory) of every placement
    member: bool = False


def tokens(text: str) -> list[str]:
    """Lowercase words of two or more characters, without stop words."""
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in _STOP]


def _terms(profile: Profile) -> Counter[str]:
    counts: Counter[str] = Counter(tokens(profile.text))
    for keyword in profile.keywords:
        words = tokens(keyword)
        counts.update(words * 2)
        if len(words) > 1:
            counts["_".join(words)] += 2  # the phrase itself ("federated_learning")
    return counts


def _vectors(profiles: Sequence[Profile]) -> list[dict[str, float]]:
    terms = [_terms(p) for p in profiles]
    frequency: Counter[str] = Counter()
    for counts in terms:
        frequency.update(counts.keys())
    total = len(profiles)
    common = max(COMMON_FLOOR, COMMON_SHARE * total)
    vectors = []
    for counts in terms:
        vector = {
            term: (1 + math.log(n)) * (math.log((1 + total) / (1 + frequency[term])) + 1)
            for term, n in counts.items()
            if frequency[term] <= common
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({term: v / norm for term, v in vector.items()})
    return vectors


def alternatives(profiles: Sequence[Profile], limit: int = LIMIT) -> dict[str, tuple[tuple[str, float], ...]]:
    """Item id -> its most similar items as (id, score), best first (score rounded to 3 places)."""
    vectors = _vectors(profiles)
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for index, vector in enumerate(vectors):
        for term, weight in vector.items():
            postings[term].append((index, weight))
    by_place: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, profile in enumerate(profiles):
        for place in profile.places:
            by_place[place].append(index)
    categories_of = [frozenset(place[0] for place in profile.places) for profile in profiles]
    result: dict[str, tuple[tuple[str, float], ...]] = {}
    for index, profile in enumerate(profiles):
        scores: dict[int, float] = defaultdict(float)
        for term, weight in vectors[index].items():
            for other, other_weight in postings[term]:
                scores[other] += weight * other_weight
        shared = {other for place in profile.places for other in by_place[place]}
        for other in shared:
            scores[other] += SAME_SUBCATEGORY
        categories = categories_of[index]
        for other in scores:  # a bonus for candidates only: a category can be very large
            if not categories.isdisjoint(categories_of[other]):
                scores[other] += SAME_CATEGORY
        ranked = heapq.nsmallest(
            limit,
            (
                (-score, profiles[other].id)
                for other, score in scores.items()
                if other != index and score >= MIN_SCORE and profiles[other].member == profile.member
            ),
        )
        result[profile.id] = tuple((other_id, round(-score, 3)) for score, other_id in ranked)
    return result


def profiles_of(
    items: Iterable[Item],
    topics: Mapping[str, Sequence[str]] | None,
    is_member: Callable[[Item], bool],
) -> list[Profile]:
    """Profiles of catalog items; `topics` adds observed GitHub topics by item id; `is_member`
    tells organisations from projects (`Landscape.is_member`)."""
    found = []
    for item in items:
        extra_topics = tuple(t.replace("-", " ") for t in (topics or {}).get(item.id, ()))
        found.append(
            Profile(
                id=item.id,
                text=item.description or "",
                keywords=tuple(item.keywords) + extra_topics,
                places=tuple((p.category, p.subcategory) for p in item.placements),
                member=is_member(item),
            )
        )
    return found
