"""Name search through the view, by the name-key index kept in the database.

A search reads the candidate entities from ``name_key`` (the viewer's filter in SQL,
``View.scoped``), rarest keys first and at most ``CANDIDATES`` of them, assembles only
those entities through the view and scores them with ``resolve.search.NameIndex``: the
same keys and the same scoring as an index over everything the viewer may see, with the
rarity of each token counted in the database over what the viewer may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from cupula.resolve.normalize import name_forms, name_tokens, skeleton
from cupula.resolve.records import record_of
from cupula.resolve.search import (
    MIN_SCORE,
    NameCounts,
    NameIndex,
    SearchHit,
    query_tokens,
    token_keys,
)
from cupula.store.tables import key_count_table, name_key_table
from cupula.store.view import View

K = name_key_table.c
C = key_count_table.c
CANDIDATES = 500  # entities scored at most per search (about 0.3 s of scoring)
KEY_CHUNK = 500  # keys per IN (...)
NAMES = "n:"  # the key every indexed name form has once
NAMED = ("id", "name")  # the statements a record's names come from: existence and names


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    capped: bool  # more entities shared a key with the query than were scored


def name_total(view: View) -> int:
    """The names (name forms of entities) the viewer may see."""
    return key_counts(view, [NAMES]).get(NAMES, 0)


def key_counts(view: View, keys: Iterable[str]) -> dict[str, int]:
    """For each key, the names the viewer may see that hold it (``key_count``, summed
    over the cells the viewer may see)."""
    wanted = sorted(set(keys))
    counts: dict[str, int] = {}
    with view.engine.connect() as conn:
        for start in range(0, len(wanted), KEY_CHUNK):
            query = view.scoped(
                select(C.key, func.sum(C.names)).where(
                    C.key.in_(wanted[start : start + KEY_CHUNK])
                ),
                key_count_table,
            ).group_by(C.key)
            counts.update({str(k): int(n) for k, n in conn.execute(query)})
    return counts


def candidates(view: View, keys: dict[str, int], cap: int) -> tuple[list[str], bool]:
    """Entities holding any of ``keys`` (key -> names holding it), at most ``cap``, and
    whether some were left out: first those holding the most of the query's exact tokens
    (a full name before a shared surname), then by the looser keys, rarest first."""
    found: dict[str, None] = {}
    exact = sorted(k for k in keys if k.startswith("t:") and keys[k])
    with view.engine.connect() as conn:
        if exact:
            query = view.scoped(select(K.entity_id).where(K.key.in_(exact)), name_key_table)
            query = query.group_by(K.entity_id).order_by(
                func.count(K.key.distinct()).desc(), K.entity_id
            )
            for (entity_id,) in conn.execute(query.limit(cap + 1)):
                if len(found) == cap:
                    return list(found), True
                found[entity_id] = None
        for key in sorted(keys, key=lambda k: (keys[k], k)):
            if keys[key] == 0 or key in exact:
                continue
            query = view.scoped(select(K.entity_id).where(K.key == key).distinct(), name_key_table)
            for (entity_id,) in conn.execute(query.limit(cap + 1)):
                if entity_id not in found:
                    if len(found) == cap:
                        return list(found), True
                    found[entity_id] = None
    return list(found), False


def search(
    view: View,
    text: str,
    *,
    limit: int = 10,
    min_score: float = MIN_SCORE,
    cap: int = CANDIDATES,
    total: int | None = None,
) -> SearchResult:
    """Entities whose names match ``text``, scored as ``NameIndex.search`` scores them.
    ``total`` (``name_total(view)``) may be passed in when kept from an earlier search."""
    tokens = query_tokens(text)
    if not tokens:
        return SearchResult([], False)
    query_keys = {key for t in tokens for key, _ in token_keys(t)}
    counts = key_counts(view, query_keys)
    ids, capped = candidates(view, {k: counts.get(k, 0) for k in query_keys}, cap)
    if not ids:
        return SearchResult([], False)
    named = view.assembled(ids, props=NAMED)  # only what a record's names are made of
    records = [r for e in named.values() if (r := record_of(e)) is not None]
    # The rarity of every token of the candidates' names, as over all names in view.
    names_tokens = {
        t
        for r in records
        for text in r.names
        for form in name_forms(text) or [text]
        for t in name_tokens(form, r.organisation)
    }
    weighed = {f"{p}:{v}" for t in names_tokens for p, v in (("t", t), ("s", skeleton(t)))}
    counts.update(key_counts(view, weighed - counts.keys()))
    weights = NameCounts(total=name_total(view) if total is None else total, df=counts)
    hits = NameIndex(records, weights).search(text, limit=limit, min_score=min_score)
    return SearchResult(hits, capped)
