"""Name search for people typing into a box: fast enough to answer as they type.

Screening (``resolve.screening``) scores a list with the whole resolution model and
builds its frames per call, which is right for a list and too slow for a search box
with fifty analysts behind it. ``NameIndex`` is built once from the same records (see
``store.derived`` for when it is rebuilt) and answers from an inverted index over the
same normal forms resolution blocks on: ASCII tokens (any script, transliterated), their
phonetic codes, consonant skeletons (Arabic or Cyrillic spellings lose vowels) and
4-letter prefixes (a name half typed).

A hit's score mixes how much of the query the best of the entity's names holds (three
quarters) and how much of that name the query covers (a quarter), each token weighted
by how rare it is (log2 N/df), a token found only through its phonetic code, skeleton or
prefix counting for less: a name holding everything typed ranks first, the shortest such
name before longer ones. It ranks; it is
not a match probability (``cupula screen`` gives those).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from cupula.resolve.normalize import name_forms, name_tokens, phonetic, skeleton
from cupula.resolve.records import Record

# How much a query token counts when found only through a looser key.
EXACT, PHONETIC, SKELETON, PREFIX = 1.0, 0.9, 0.8, 0.6
PREFIX_LENGTH = 4
MIN_SCORE = 0.3
QUERY_SHARE = 0.75  # how much of a score is the query found; the rest, the name covered


@lru_cache(maxsize=200_000)
def token_keys(token: str) -> list[tuple[str, float]]:
    """The index keys of one token with the credit a match on each earns."""
    keys = [(f"t:{token}", EXACT), (f"p:{phonetic(token)}", PHONETIC)]
    if len(token) > 2:
        keys.append((f"s:{skeleton(token)}", SKELETON))
    if len(token) >= PREFIX_LENGTH:
        keys.append((f"x:{token[:PREFIX_LENGTH]}", PREFIX))
    return keys


def name_keys(text: str, organisation: bool) -> list[tuple[str, list[str]]]:
    """The name forms of one written name with the index keys of each (the forms and
    keys ``NameIndex`` indexes; ``store.indexes`` writes them as rows)."""
    found: list[tuple[str, list[str]]] = []
    for form in name_forms(text):  # forms of forms are themselves (NameIndex asks again)
        tokens = name_tokens(form, organisation)
        if tokens:
            keys = dict.fromkeys(key for token in tokens for key, _ in token_keys(token))
            found.append((form, list(keys)))
    return found


def query_tokens(text: str) -> list[str]:
    """The tokens of what was typed into the search box."""
    forms = name_forms(text) or [text]
    return list(dict.fromkeys(t for form in forms for t in name_tokens(form)))


@dataclass(frozen=True)
class SearchHit:
    entity_id: str
    name: str  # the name that matched best
    schema: str
    score: float


@dataclass(frozen=True)
class _Name:
    record: int
    text: str
    tokens: tuple[str, ...]
    keys: dict[str, float]  # every index key of its tokens, with the credit a match earns


@dataclass(frozen=True)
class NameCounts:
    """How many names a reader may see (``total``) and how many hold each key (``df``):
    the rarity weights of a search over more names than are scored (``store.name_search``)."""

    total: int
    df: Mapping[str, int]


class NameIndex:
    """An inverted index of the names of ``records``; ``counts``, when given, weighs
    tokens by the names of a wider whole than ``records`` (the candidates of a search)."""

    def __init__(self, records: Sequence[Record], counts: NameCounts | None = None) -> None:
        self.records = list(records)
        self.names: list[_Name] = []
        self.postings: defaultdict[str, set[int]] = defaultdict(set)
        for r, record in enumerate(self.records):
            for text in record.names:
                for form in name_forms(text) or [text]:
                    tokens = name_tokens(form, record.organisation)
                    if not tokens:
                        continue
                    keys = dict(kc for token in tokens for kc in token_keys(token))
                    for key in keys:
                        self.postings[key].add(len(self.names))
                    self.names.append(_Name(r, text, tokens, keys))
        self._total = max(len(self.names), 1) if counts is None else max(counts.total, 1)
        self._counts = counts
        self._name_weight = [sum(self.weight(t) for t in name.tokens) for name in self.names]

    def _df(self, key: str) -> int:
        if self._counts is not None:
            return self._counts.df.get(key, 0)
        return len(self.postings.get(key, ()))

    def weight(self, token: str) -> float:
        """Rarity of a token among the indexed names (rare surnames weigh most)."""
        df = self._df(f"t:{token}") or self._df(f"s:{skeleton(token)}")
        return math.log2(1 + self._total / max(df, 1))

    @staticmethod
    def _credit(query_keys: list[tuple[str, float]], name: _Name) -> float:
        """The best credit a query token (its keys) earns against one indexed name."""
        return max((credit for key, credit in query_keys if key in name.keys), default=0.0)

    def search(
        self, text: str, *, limit: int = 10, min_score: float = MIN_SCORE
    ) -> list[SearchHit]:
        query = query_tokens(text)
        if not query:
            return []
        query_keys = {t: token_keys(t) for t in query}
        candidates: set[int] = set()
        for keys in query_keys.values():
            for key, _ in keys:
                candidates.update(self.postings.get(key, ()))
        weights = {t: self.weight(t) for t in query}
        query_weight = sum(weights.values())
        best: dict[int, tuple[float, str]] = {}
        for n in candidates:
            name = self.names[n]
            matched = sum(weights[t] * self._credit(keys, name) for t, keys in query_keys.items())
            score = QUERY_SHARE * matched / query_weight + (1 - QUERY_SHARE) * min(
                matched / self._name_weight[n], 1.0
            )
            if score >= min_score and score > best.get(name.record, (0.0, ""))[0]:
                best[name.record] = (score, name.text)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], self.records[item[0]].key))
        return [
            SearchHit(self.records[r].key, shown, self.records[r].schema, round(score, 4))
            for r, (score, shown) in ranked[:limit]
        ]
