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

A key shared by k records costs k(k-1)/2 pairs, and the more records share a key the
less it says. Keys are therefore taken from the most specific (fewest records) up, until
they give ``budget`` pairs; keys shared by more than ``max_block`` records are never
used. How many keys were dropped is reported with the candidate count, so recall can be
judged.
"""

from __future__ import annotations

MAX_TOKENS = 6  # name tokens used in pair keys (long names: titles, epithets)
MIN_TOKEN = 3  # shorter tokens are not keyed with a date

# The keys of every record of ``rec`` (see frame.record_table for its columns), as rows
# (rid, key) of table ``keys``. Pair keys are built over the record's distinct name
# tokens in the order they appear.
KEYS_SQL = f"""
CREATE OR REPLACE TEMP TABLE rec_token AS
    SELECT rid, tk, ph, sk, i FROM (
        SELECT rid, unnest(toks[1:{MAX_TOKENS}]) AS tk, unnest(phons[1:{MAX_TOKENS}]) AS ph,
               unnest(skels[1:{MAX_TOKENS}]) AS sk,
               generate_subscripts(toks[1:{MAX_TOKENS}], 1) AS i
        FROM rec
    );
CREATE OR REPLACE TEMP TABLE keys AS
    SELECT rid, 'i:' || unnest(ids) AS key FROM rec
    UNION ALL
    SELECT rid, 'b:' || d FROM (SELECT rid, unnest(dates) AS d FROM rec) WHERE len(d) = 10
    UNION ALL
    SELECT rid, 't:' || tk FROM rec_token
    UNION ALL
    SELECT rid, 't:~' || skels[1] FROM rec WHERE len(toks) = 1
    UNION ALL
    SELECT a.rid, k.key FROM rec_token a JOIN rec_token b ON a.rid = b.rid AND a.i < b.i,
        LATERAL (SELECT unnest([
            'n:' || least(a.tk, b.tk) || '|' || greatest(a.tk, b.tk),
            'f:' || least(a.tk[1:4], b.tk[1:4]) || '|' || greatest(a.tk[1:4], b.tk[1:4]),
            'p:' || least(a.ph, b.ph) || '|' || greatest(a.ph, b.ph),
            's:' || least(a.sk, b.sk) || '|' || greatest(a.sk, b.sk)
        ]) AS key) k
    UNION ALL
    SELECT t.rid, 'y:' || t.ph || '|' || d[1:4] FROM rec_token t
        JOIN (SELECT rid, unnest(dates) AS d FROM rec) USING (rid) WHERE len(t.tk) >= {MIN_TOKEN}
    UNION ALL
    SELECT t.rid, 'd:' || t.tk || '|' || d FROM rec_token t
        JOIN (SELECT rid, unnest(dates) AS d FROM rec) USING (rid)
        WHERE len(t.tk) >= {MIN_TOKEN} AND len(d) >= 7;
CREATE OR REPLACE TEMP TABLE keys AS SELECT DISTINCT rid, key FROM keys;
"""


# Pairs within one side (dedupe, side 0 with itself) or across sides (link, 0 with 1),
# from keys small enough to block on; one row per pair.
CANDIDATES_SQL = """
CREATE OR REPLACE TEMP TABLE block_size AS
    SELECT key, count(*) AS n FROM keys GROUP BY key;
CREATE OR REPLACE TEMP TABLE dropped_keys AS
    SELECT key FROM (
        SELECT key, n, sum(n * (n - 1) / 2) OVER (ORDER BY n, key) AS pairs_so_far
        FROM block_size WHERE n >= 2
    ) WHERE n > {max_block} OR pairs_so_far > {budget};
CREATE OR REPLACE TEMP TABLE usable_keys AS
    SELECT k.rid, k.key, r.side, r.grp FROM keys k
    JOIN block_size b USING (key) JOIN rec r USING (rid)
    WHERE b.n >= 2 AND key NOT IN (SELECT key FROM dropped_keys);
CREATE OR REPLACE TEMP TABLE pairs AS
    SELECT DISTINCT a.rid AS l, b.rid AS r
    FROM usable_keys a JOIN usable_keys b ON a.key = b.key
    WHERE {side_condition};
"""
# Rows of one group (the name forms of one entity) are never paired with each other.
DEDUPE = "a.grp < b.grp"
LINK = "a.side = 0 AND b.side = 1"


def candidates_sql(*, link: bool, max_block: int, budget: int) -> str:
    return CANDIDATES_SQL.format(
        max_block=int(max_block),
        budget=int(budget),
        side_condition=LINK if link else DEDUPE,
    )


def pair_budget(n_records: int, per_record: int) -> int:
    """Pairs the keys may give (before duplicates between keys are removed)."""
    return max(5_000_000, per_record * n_records)
