"""How much a conflict costs, estimated from the data (Fellegi–Sunter's m by EM).

The fixed weights of ``scoring`` assume that a record of the same person rarely gives a
different birth date, identifier or address: a conflict costs −5, −10 and −1 bits. How
rarely is a property of the data, not of the model: a partner's clerks who retype
national ids make a different id far likelier between two records of one person than
a registry does. So, as Splink does, each conflict's weight log2(m/u) is re-estimated
on every run:

- u, the chance of the conflict between two records of different entities, is counted
  on pairs of records drawn at random (nearly all non-matches);
- m, its chance between two records of one entity, by expectation-maximisation over a
  sample of the candidate pairs, with every other feature's bits fixed;
- the default m (the one the fixed weight implies) counts as ``PSEUDO_PAIRS`` pairs of
  evidence, so a small store keeps the fixed weights.

A conflict's estimated weight is kept between its fixed weight and 0: the data may show
that a field is noisy and its conflicts say less, never that a conflict is evidence for
a match nor that it says more than the fixed weight. Agreements keep their fixed
weights (their u is too small to count on a random sample). The estimate is reported
(``stats["calibration"]``) and every pair's explanation gives the bits used.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from cupula.resolve.scoring import estimate_prior

# Features whose conflict levels are estimated; a level is a value the feature's SQL
# gives (see scoring.OTHER_FEATURES).
CALIBRATED = ("date", "identifier", "place")
SAMPLE_PAIRS = 200_000  # candidate pairs the EM runs on
RANDOM_PAIRS = 20_000  # random pairs u is counted on (conflicts are common: enough)
PSEUDO_PAIRS = 50.0  # weight of the fixed weight's m against the data's
SEED = 20261201
SURE_BITS = math.log2(0.99 / 0.01)  # a sure match: p >= 0.99

# level bits (fixed) -> level bits (estimated), per feature
Calibration = dict[str, dict[float, float]]


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
    columns = ", ".join(f"f_{name}" for name in CALIBRATED)
    arrays = con.execute(f"SELECT evidence, {columns} FROM ({query})").fetchnumpy()
    levels = {name: np.round(np.asarray(arrays[f"f_{name}"], np.float64), 2)
              for name in CALIBRATED}  # fmt: skip
    return levels, np.asarray(arrays["evidence"], np.float64)


def estimate(
    con: duckdb.DuckDBPyConnection,
    score: Callable[[str], str],
    start_prior: float,
) -> Calibration:
    """The estimated bits of each conflict level of the ``CALIBRATED`` features, from
    ``con``'s candidate ``pairs`` and random pairs of ``rec``; ``score(table)`` is the
    scoring query over a table of pairs (fixed weights)."""
    con.register("random_pairs_arrow", _random_pairs(con, RANDOM_PAIRS))
    con.execute("CREATE OR REPLACE TEMP TABLE random_pairs AS SELECT * FROM random_pairs_arrow")
    con.unregister("random_pairs_arrow")
    random_levels, _ = _levels(con, score("random_pairs"))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE sample_pairs AS SELECT * FROM pairs "
        f"USING SAMPLE reservoir({SAMPLE_PAIRS} ROWS) REPEATABLE ({SEED % 1000})"
    )
    levels, evidence = _levels(con, score("sample_pairs"))
    con.execute("DROP TABLE random_pairs")
    con.execute("DROP TABLE sample_pairs")
    n_random = len(next(iter(random_levels.values()), []))
    if evidence.size == 0 or n_random == 0:
        return {}
    # u of each conflict level, and the default m its fixed weight implies
    conflicts: dict[str, dict[float, tuple[float, float]]] = {}
    for name in CALIBRATED:
        for level in np.unique(levels[name]).tolist():
            if level >= 0:
                continue
            u = (float((random_levels[name] == level).sum()) + 1.0) / (n_random + 1.0)
            m0 = min(u * 2.0**level, 1.0)
            conflicts.setdefault(name, {})[level] = (u, m0)
    if not conflicts:
        return {}
    weights: Calibration = {}
    for name, by_level in conflicts.items():
        # Leave one out: the pairs that the other features alone, at their fixed
        # weights and the default prior, call sure matches (p >= SURE), and how often
        # this feature conflicts among them. Softening one conflict never makes another
        # pair a sure match, so the estimate cannot feed on itself (EM over every
        # conflict at once settles on "same name" as the match class).
        sure = start_prior + evidence - levels[name] >= SURE_BITS
        matched = float(sure.sum())
        for level, (u, m0) in by_level.items():
            hits = float((sure & (levels[name] == level)).sum())
            m = (hits + PSEUDO_PAIRS * m0) / (matched + PSEUDO_PAIRS)
            new = round(min(max(math.log2(max(m, 1e-12) / u), level), 0.0), 2)
            if new != level:
                weights.setdefault(name, {})[level] = new
    return weights

