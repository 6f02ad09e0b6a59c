"""Candidate generation (blocking): which pairs of records are worth scoring.

Two records become a candidate pair when they share a *blocking key*:

- ``i:``  an identifier (passport, national id, IBAN, IMO, e-mail, phone, wallet);
- ``n:``  two name tokens of one name form, in either order ("guzman|joaquin");
- ``p:``  the same pair as phonetic keys (typos, Latin spelling variants);
- ``f:``  the same pair as four-letter prefixes (endings dropped or misspelt);
- ``s:``  the same pair as consonant skeletons (transliteration: غوزمان ~ Guzmán);
- ``d:``  one name token with a birth date (a surname swapped, missing or misspelt);
- ``t:``  each token alone, and the skeleton of a one-word name (a missing surname);
- ``y:``  a token's phonetic key with a birth year; ``b:`` a full birth date.

Keys shared by more than ``max_block`` records (a very common name pair) are dropped:
they would cost quadratic work and are rarely the only key a true pair shares. Keys of
one token or one date alone ("t:", "b:") are weaker: the smallest of them are used until
they give ``weak_budget`` pairs, the rest dropped. How many keys were dropped is
reported with the candidate count, so recall can be judged.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from cupula.resolve.normalize import name_tokens, phonetic, skeleton
from cupula.resolve.records import Record

MAX_TOKENS = 6  # tokens of one name form used in keys (long names: titles, epithets)
MIN_DATE_TOKEN = 3


def blocking_keys(record: Record) -> set[str]:
    keys = {f"i:{i}" for i in record.identifiers}
    full_dates = [d for d in record.dates if len(d) >= 7]
    years = {d[:4] for d in record.dates}
    keys.update(f"b:{d}" for d in record.dates if len(d) == 10)
    for form in record.names:
        tokens = sorted(set(name_tokens(form, record.organisation)[:MAX_TOKENS]))
        if len(tokens) == 1:
            keys.add(f"t:~{skeleton(tokens[0])}")
        for a, b in combinations(tokens, 2):
            keys.add(f"n:{a}|{b}")
            fa, fb = sorted((a[:4], b[:4]))
            keys.add(f"f:{fa}|{fb}")
            pa, pb = sorted((phonetic(a), phonetic(b)))
            keys.add(f"p:{pa}|{pb}")
            sa, sb = sorted((skeleton(a), skeleton(b)))
            keys.add(f"s:{sa}|{sb}")
        for token in tokens:
            keys.add(f"t:{token}")
            if len(token) >= MIN_DATE_TOKEN:
                keys.update(f"y:{phonetic(token)}|{year}" for year in years)
                for date in full_dates:
                    keys.add(f"d:{token}|{date}")
    return keys


def key_rows(records: Iterable[Record]) -> tuple[list[int], list[str]]:
    """(record index, key) rows of every record's blocking keys."""
    rids: list[int] = []
    keys: list[str] = []
    for rid, record in enumerate(records):
        for key in blocking_keys(record):
            rids.append(rid)
            keys.append(key)
    return rids, keys


# Pairs within one side (dedupe, side 0 with itself) or across sides (link, 0 with 1),
# from keys small enough to block on; one row per pair.
CANDIDATES_SQL = """
CREATE OR REPLACE TEMP TABLE block_size AS
    SELECT key, count(*) AS n FROM keys GROUP BY key;
CREATE OR REPLACE TEMP TABLE dropped_keys AS
    SELECT key FROM block_size WHERE n > {max_block} AND key[1:2] NOT IN ('t:', 'b:')
    UNION ALL
    SELECT key FROM (
        SELECT key, n, sum(n * (n - 1) / 2) OVER (ORDER BY n, key) AS pairs_so_far
        FROM block_size WHERE key[1:2] IN ('t:', 'b:') AND n >= 2
    ) WHERE n > {max_block} OR pairs_so_far > {weak_budget};
CREATE OR REPLACE TEMP TABLE usable_keys AS
    SELECT k.rid, k.key, r.side FROM keys k
    JOIN block_size b USING (key) JOIN rec r USING (rid)
    WHERE b.n >= 2 AND key NOT IN (SELECT key FROM dropped_keys);
CREATE OR REPLACE TEMP TABLE pairs AS
    SELECT DISTINCT a.rid AS l, b.rid AS r
    FROM usable_keys a JOIN usable_keys b ON a.key = b.key
    WHERE {side_condition};
"""
DEDUPE = "a.rid < b.rid"
LINK = "a.side = 0 AND b.side = 1"


def candidates_sql(*, link: bool, max_block: int, weak_budget: int) -> str:
    return CANDIDATES_SQL.format(
        max_block=int(max_block),
        weak_budget=int(weak_budget),
        side_condition=LINK if link else DEDUPE,
    )


def weak_budget(n_records: int) -> int:
    """Pairs allowed from one-token and one-date keys: 20 per record, at least 2M."""
    return max(2_000_000, 20 * n_records)
