"""Weights from the data: Fellegi–Sunter's m and u per level, as Splink fits them.

The fixed weights of ``scoring`` assume that a record of the same person rarely gives
another birth date, identifier, address or name: a conflict costs −5, −10, −2 or −1
bits, a replaced name three quarters of its tokens' weights. How rarely is a property
of the data, not of the model: a partner's clerks who retype national ids make another
id far likelier between two records of one person than a registry does. So each run
re-estimates log2(m/u) for every level of ``CALIBRATED`` (the values their SQL gives):

- u, the level's chance between records of different entities, on pairs of records
  drawn at random, each counted as a non-match as far as the fixed weights say so;
- m, its chance between records of one entity, *leave one out*: its share among the
  candidate pairs (a sample) that every other feature alone, at its fixed weight, calls
  a sure match. EM over every level at once was tried first: it settled on "same name"
  as the match class (Febrl2: an id conflict at −0.8 bits, 52 false pairs);
- the fixed weight's m counts as ``PSEUDO_PAIRS`` pairs, and nothing moves on fewer than
  ``MIN_SURE`` sure matches: a small store (the demo) keeps the fixed weights.

A replaced name is measured the same way and caps what one unmatched token costs, and
where the data are large enough a name's agreement counts at most log2(pairs). Bounds
are in ``_level_bits``. The estimate is reported (``stats["calibration"]``), kept with
an incremental index's model, and every pair's explanation gives the bits used.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from cupula.resolve.scoring import Calibration

# Features whose levels are estimated; a level is a value the feature's SQL gives (see
# scoring.OTHER_FEATURES), so two cases of one fixed value are one level.
CALIBRATED = ("date", "identifier", "place")
SAMPLE_PAIRS = 50_000  # candidate pairs m is measured on
RANDOM_PAIRS = 20_000  # random pairs u is counted on (conflicts are common: enough)
MIN_SURE = 200  # sure matches needed before the data move a weight (a small store keeps them)
PSEUDO_PAIRS = 50.0  # weight of the fixed weight's m against the data's
SEED = 20261201
# What a replaced name costs without an estimate: two unmatched tokens of about 10 bits
# each at three quarters (a token seen once in a thousand names).
REPLACED_NAME_BITS = -15.0
MIN_TOKEN_CAP = 2.0  # an unmatched token counts at least this much of its weight
HARDEST = 3.0  # a level's estimate stays within this factor of its fixed weight
SURE_BITS = math.log2(0.99 / 0.01)  # a sure match: p >= 0.99


def _random_pairs(con: duckdb.DuckDBPyConnection, count: int) -> pa.Table:
    """Pairs of name rows drawn at random (seeded), never two rows of one record."""
    rows = con.execute("SELECT rid, grp, side FROM rec ORDER BY rid").fetchnumpy()
    rid = np.asarray(rows["rid"], dtype=np.int64)
    grp = np.asarray(rows["grp"], dtype=np.int64)
    side = np.asarray(rows["side"], dtype=np.int64)
    rng = np.random.default_rng(SEED)
    if len(rid) < 2:
        return pa.table({"l": pa.array([], pa.int32()), "r": pa.array([], pa.int32())})
    left = rng.integers(0, len(rid), count)
    right = rng.integers(0, len(rid), count)
    keep = grp[left] != grp[right]
    if side.any():  # a link: pairs across the two sides only
        keep &= side[left] != side[right]
    return pa.table(
        {
            "l": pa.array(rid[left[keep]], pa.int32()),
            "r": pa.array(rid[right[keep]], pa.int32()),
        }
    )


def _levels(
    con: duckdb.DuckDBPyConnection, query: str
) -> tuple[dict[str, npt.NDArray[np.float64]], npt.NDArray[np.float64]]:
    """The level of each calibrated feature, ``name`` and ``short_unmatched`` of each
    pair the query scores, and its evidence."""
    columns = ", ".join(f"f_{name}" for name in (*CALIBRATED, "name"))
    arrays = con.execute(f"SELECT evidence, short_unmatched, {columns} FROM ({query})").fetchnumpy()
    levels: dict[str, npt.NDArray[np.float64]] = {
        name: np.asarray(np.round(np.asarray(arrays[f"f_{name}"], np.float64), 2), np.float64)
        for name in (*CALIBRATED, "name")
    }
    levels["short_unmatched"] = np.asarray(arrays["short_unmatched"], np.float64)
    return levels, np.asarray(arrays["evidence"], np.float64)


def estimate(
    con: duckdb.DuckDBPyConnection,
    score: Callable[..., str],
    start_prior: float,
    total_pairs: int,
) -> Calibration:
    """The estimated bits of each level of the ``CALIBRATED`` features and
    the cap on an unmatched name token, from ``con``'s candidate ``pairs`` and random
    pairs of ``rec``; ``score(table, with_levels=True)`` is the scoring query over a
    table of pairs (fixed weights); ``total_pairs``, the pairs of records in the run."""
    con.register("random_pairs_arrow", _random_pairs(con, RANDOM_PAIRS))
    con.execute("CREATE OR REPLACE TEMP TABLE random_pairs AS SELECT * FROM random_pairs_arrow")
    con.unregister("random_pairs_arrow")
    random_levels, random_evidence = _levels(con, score("random_pairs", with_levels=True))
    # u counts non-matches: a random pair of a small set is a match often enough to
    # matter (one in a thousand in a set of a thousand records), so each random pair
    # counts as a non-match as much as the fixed weights say it is one.
    apart = 1.0 / (1.0 + np.exp2(start_prior + random_evidence))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE sample_pairs AS SELECT * FROM pairs "
        f"USING SAMPLE reservoir({SAMPLE_PAIRS} ROWS) REPEATABLE ({SEED % 1000})"
    )
    levels, evidence = _levels(con, score("sample_pairs", with_levels=True))
    con.execute("DROP TABLE random_pairs")
    con.execute("DROP TABLE sample_pairs")
    n_random = len(random_levels["name"])
    if evidence.size == 0 or n_random == 0:
        return Calibration()
    weights: dict[str, dict[float, float]] = {}
    for name in CALIBRATED:
        # Leave one out: the pairs that the other features alone, at their fixed
        # weights and the default prior, call sure matches (p >= 0.99), and how often
        # this feature conflicts among them. Softening one conflict never makes another
        # pair a sure match, so the estimate cannot feed on itself (EM over every
        # conflict at once settles on "same name" as the match class).
        sure = start_prior + evidence - levels[name] >= SURE_BITS
        for level in np.unique(levels[name]).tolist():
            if level == 0:
                continue
            estimated = _level_bits(
                sure,
                levels[name] == level,
                apart * (random_levels[name] == level),
                float(apart.sum()),
                level,
            )
            if estimated != level:
                weights.setdefault(name, {})[level] = estimated
    # No agreement is measured rarer than once among all pairs of records, however many
    # rare tokens a name sums (the tokens of "Lillie-Hinrichs" are not two independent
    # chances): where the data are large enough to say anything, a name's agreement
    # counts at most log2(pairs).
    sure_by_others = start_prior + evidence - levels["name"] >= SURE_BITS
    name_cap = (
        round(math.log2(max(total_pairs, 2)), 2) if sure_by_others.sum() >= MIN_SURE else None
    )
    return Calibration(
        weights, _token_cap(levels, random_levels, apart, evidence, start_prior), name_cap
    )


def _level_bits(
    sure: npt.NDArray[np.bool_],
    here: npt.NDArray[np.bool_],
    at_random: npt.NDArray[np.float64],
    random_total: float,
    fixed: float,
) -> float:
    """log2(m/u) of a level: m among the sure matches, the fixed weight's m counting as
    ``PSEUDO_PAIRS`` of them; u among random pairs. A conflict stays within
    [HARDEST × fixed, 0]; an agreement seen at random within [fixed / HARDEST, fixed];
    one never seen at random has a u the sample cannot measure, only bound, so its
    estimate may raise its weight (up to HARDEST × fixed), not lower it."""
    if float(sure.sum()) < MIN_SURE:
        return fixed  # too few sure matches to say anything
    hits = float(at_random.sum())  # random pairs at this level, as non-matches
    u = (hits + 1.0) / (random_total + 1.0)
    m0 = min(u * 2.0**fixed, 1.0)
    m = (float((sure & here).sum()) + PSEUDO_PAIRS * m0) / (float(sure.sum()) + PSEUDO_PAIRS)
    bits = math.log2(max(m, 1e-12) / u)
    if fixed < 0:
        return round(min(max(bits, HARDEST * fixed), 0.0), 2)
    if hits < 1.0:  # u only bounded: the estimate is a floor
        return round(min(max(bits, fixed), HARDEST * fixed), 2)
    # Random pairs understate how often candidates (records that share name tokens)
    # agree on a common value (a city, where names and cities share an origin), so a
    # measured agreement may lose weight, never gain it.
    return round(min(max(bits, fixed / HARDEST), fixed), 2)


def _token_cap(
    levels: dict[str, npt.NDArray[np.float64]],
    random_levels: dict[str, npt.NDArray[np.float64]],
    apart: npt.NDArray[np.float64],
    evidence: npt.NDArray[np.float64],
    start_prior: float,
) -> float | None:
    """The most an unmatched name token's weight counts: a replaced name (a token of
    the shorter name with no counterpart, one on each side) should cost log2(m/u), how
    much rarer it is between records of one entity, measured as the conflicts are,
    whatever the rarity of the tokens. None where the data do not say (no sure match
    by other evidence, or names replaced as often in matches as at random)."""
    sure = start_prior + evidence - levels["name"] >= SURE_BITS
    named = levels["name"] != 0  # both records have a name
    random_named = random_levels["name"] != 0
    if not (sure & named).any() or not random_named.any():
        return None
    bits = _level_bits(
        sure[named],
        levels["short_unmatched"][named] > 0,
        apart[random_named] * (random_levels["short_unmatched"][random_named] > 0),
        float(apart[random_named].sum()),
        REPLACED_NAME_BITS,
    )
    if bits <= REPLACED_NAME_BITS:
        return None
    # the two unmatched tokens of a replaced name count three quarters each
    return round(max(-bits / 1.5, MIN_TOKEN_CAP), 2)
