"""The resolution engine: records in, scored pairs and clusters out.

``score_records`` runs blocking and scoring in DuckDB and keeps the scored pairs; the
``Resolution`` it returns clusters them (with or without judgements) and explains any
pair feature by feature. It knows nothing of stores or viewers: ``resolve.service``
feeds it the records a viewer may see.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from cupula.errors import InvalidInput
from cupula.resolve.blocking import candidates_sql, pair_budget
from cupula.resolve.calibration import estimate as estimate_calibration
from cupula.resolve.clustering import Links, cluster
from cupula.resolve.frame import build_frame, record_tokens
from cupula.resolve.records import Record, compared_forms
from cupula.resolve.scoring import (
    FEATURES,
    Calibration,
    bits_for,
    estimate_prior,
    prior_bits,
    score_sql,
)

Progress = Callable[[str], None]


def quiet(_stage: str) -> None:
    return None


@dataclass(frozen=True)
class ResolveOptions:
    match: float = 0.9  # probability at and above which a pair merges automatically
    review: float = 0.2  # pairs between this and ``match`` are offered for review
    max_block: int = 1000  # blocking keys shared by more records are dropped
    pairs_per_record: int = 10  # blocking budget: keys are used, most specific first, up to this
    max_cluster: int = 1000  # clusters of more distinct records are re-clustered
    prior: float | None = None  # bits; default: estimated from the data (estimate_prior)
    memory_limit: str | None = None  # DuckDB's, e.g. "4GB"
    calibrate: bool = True  # estimate the cost of conflicts from the data (calibration)

    def __post_init__(self) -> None:
        if not 0.0 < self.review <= self.match < 1.0:
            raise InvalidInput("need 0 < review <= match < 1 (probabilities)")
        if self.max_block < 2 or self.max_cluster < 2:
            raise InvalidInput("max_block and max_cluster must be at least 2")

    @property
    def match_bits(self) -> float:
        return bits_for(self.match)

    @property
    def review_bits(self) -> float:
        return bits_for(self.review)


@dataclass
class Resolution:
    """Scored pairs of ``records`` and how to cluster and explain them.

    Records that say exactly the same thing (same family, name tokens, dates and
    identifiers) form one *unit* and are scored once: a company filed six hundred times
    under one spelling costs one row, not a block of 180,000 pairs. Each unit's first
    record stands for it in ``links``; the others are linked to it with the unit's score
    against itself (identical records of a common name without a date stay apart).
    """

    records: Sequence[Record]
    options: ResolveOptions
    prior: float
    links: Links  # record pairs scored at or above the review threshold
    units: list[int]  # unit of each record
    representatives: list[int]  # first record of each unit
    stats: dict[str, Any] = field(default_factory=dict)
    con: duckdb.DuckDBPyConnection | None = None  # holds table ``scored`` (unit pairs)
    calibration: Calibration = field(default_factory=Calibration)  # weights from the data

    def clusters(
        self,
        same: Sequence[tuple[int, int]] = (),
        different: Sequence[tuple[int, int]] = (),
        *,
        match: float | None = None,
    ) -> list[list[int]]:
        """Clusters at the options' match probability, or at ``match`` (a sweep)."""
        return cluster(
            len(self.records),
            self.links,
            threshold=self.options.match_bits if match is None else bits_for(match),
            same=same,
            different=different,
            max_size=self.options.max_cluster,
            units=self.units,
        )

    def features(self, left: int, right: int) -> dict[str, float] | None:
        """Bits contributed by each feature (and ``prior``, ``bits``) for a scored pair
        of records (None when the pair was not scored or had no evidence)."""
        if self.con is None:
            return None
        a, b = sorted((self.units[left], self.units[right]))
        cursor = self.con.execute("SELECT * FROM scored WHERE l = ? AND r = ?", [a, b])
        row = cursor.fetchone()
        if row is None:
            return None
        values = dict(zip([d[0] for d in cursor.description], row, strict=True))
        out = {"prior": self.prior}
        out.update({f.name: round(float(values[f"f_{f.name}"]), 2) for f in FEATURES})
        out["bits"] = round(float(values["evidence"]) + self.prior, 2)
        return out

    def candidate_units(self) -> list[tuple[int, int]]:
        """The pairs of units blocking proposed ((u, u): a unit scored against itself)."""
        if self.con is None:
            return []
        rows = self.con.execute(
            "SELECT DISTINCT least(a.grp, b.grp), greatest(a.grp, b.grp) FROM pairs p "
            "JOIN rec a ON a.rid = p.l JOIN rec b ON b.rid = p.r"
        ).fetchall()
        return [(int(a), int(b)) for a, b in rows]

    def review_pairs(self) -> list[tuple[int, int, float]]:
        """Pairs between the review and match thresholds, most uncertain first."""
        low, high = self.options.review_bits, self.options.match_bits
        mask = (self.links.bits >= low) & (self.links.bits < high)
        idx = np.nonzero(mask)[0]
        order = idx[np.argsort(np.abs(self.links.bits[idx]))]
        return [
            (int(self.links.left[i]), int(self.links.right[i]), float(self.links.bits[i]))
            for i in order.tolist()
        ]

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


# A pair of entities scores as its best pair of name forms ("GUZMAN LOERA, Joaquin" and
# his 18 aliases are 19 rows; a query matches the row of the name it gives).
BEST_FORMS_SQL = """
CREATE TEMP TABLE scored AS
    SELECT ul AS l, ur AS r, * EXCLUDE (l, r, ul, ur, rn) FROM (
        SELECT s.*, least(a.grp, b.grp) AS ul, greatest(a.grp, b.grp) AS ur,
               row_number() OVER (PARTITION BY least(a.grp, b.grp), greatest(a.grp, b.grp)
                                  ORDER BY s.evidence DESC) AS rn
        FROM scored_rows s JOIN rec a ON a.rid = s.l JOIN rec b ON b.rid = s.r
    ) WHERE rn = 1
"""


def name_rows(records: Sequence[Record]) -> tuple[list[Record], list[int]]:
    """One row per name form of each record (a record without names is one row), and
    the record each row comes from."""
    rows: list[Record] = []
    owner: list[int] = []
    for i, record in enumerate(records):
        compared = compared_forms(record)
        forms = compared if len(compared) > 1 else (None,)
        for form in forms:
            rows.append(
                replace(record, names=compared) if form is None
                else replace(record, names=(form,))
            )  # fmt: skip
            owner.append(i)
    return rows, owner


def _content(record: Record) -> tuple[object, ...]:
    return (record.family, tuple(sorted(record_tokens(record))), record.dates,
            record.identifiers, record.countries, record.places, record.gender,
            record.neighbours)  # fmt: skip


def units_of(
    records: Sequence[Record], sides: Sequence[int] | None, singular: frozenset[str]
) -> tuple[list[int], list[int]]:
    """(unit of each record, first record of each unit); records in ``singular`` (those
    analysts have judged) are units of their own."""
    seen: dict[tuple[object, ...], int] = {}
    units: list[int] = []
    representatives: list[int] = []
    for i, record in enumerate(records):
        side = sides[i] if sides is not None else 0
        key = ("id", record.key) if record.key in singular else (side, *_content(record))
        unit = seen.setdefault(key, len(seen))
        if unit == len(representatives):
            representatives.append(i)
        units.append(unit)
    return units, representatives


def score_records(
    records: Sequence[Record],
    options: ResolveOptions | None = None,
    *,
    sides: Sequence[int] | None = None,
    singular: frozenset[str] = frozenset(),
    progress: Progress = quiet,
) -> Resolution:
    """Block and score ``records``: within the set (dedupe) or, with ``sides``, only
    between side 0 and side 1 (link: screening a list against a store)."""
    options = options or ResolveOptions()
    stats: dict[str, Any] = {"records": len(records)}
    started = time.perf_counter()
    progress("preparing names and keys")
    units, reps = units_of(records, sides, singular)
    size = np.bincount(np.asarray(units, dtype=np.int64), minlength=len(reps)).astype(np.float64)
    rows, row_unit = name_rows([records[i] for i in reps])
    row_sides = None if sides is None else [sides[reps[u]] for u in row_unit]
    con = build_frame(rows, row_sides, groups=row_unit, memory_limit=options.memory_limit)
    stats["units"] = len(reps)
    stats["name_rows"] = len(rows)
    stats["seconds_prepare"] = round(time.perf_counter() - started, 2)
    progress("finding candidate pairs")
    t = time.perf_counter()
    con.execute(
        candidates_sql(
            link=sides is not None,
            max_block=options.max_block,
            budget=pair_budget(len(reps), options.pairs_per_record),
        )
    )
    if sides is None:  # each unit of several records is scored against itself
        repeated = [row for row, u in enumerate(row_unit) if size[u] > 1]
        con.register("repeated", pa.table({"row": pa.array(repeated, pa.int32())}))
        con.execute("INSERT INTO pairs SELECT row AS l, row AS r FROM repeated")
        con.unregister("repeated")
    (stats["keys"],) = con.execute("SELECT count(*) FROM block_size").fetchone() or (0,)
    (stats["keys_dropped"],) = con.execute("SELECT count(*) FROM dropped_keys").fetchone() or (0,)
    (stats["candidates"],) = con.execute("SELECT count(*) FROM pairs").fetchone() or (0,)
    stats["seconds_block"] = round(time.perf_counter() - t, 2)
    progress(f"scoring {stats['candidates']:,} candidate pairs")
    t = time.perf_counter()
    n = len(records)
    if sides is None:
        total_pairs = n * (n - 1) // 2
    else:
        ones = sum(1 for s in sides if s)
        total_pairs = ones * (n - ones)
    calibration = Calibration()
    if options.calibrate:
        calibration = estimate_calibration(con, score_sql, prior_bits(n), total_pairs)
    stats["calibration"] = calibration.describe()
    # Pairs with no net evidence for a match cannot reach the review threshold under
    # any prior (priors are negative), so they are not kept.
    con.execute(
        "CREATE TEMP TABLE scored_rows AS "
        + score_sql("pairs", min_evidence=0.0, calibration=calibration)
    )
    con.execute(BEST_FORMS_SQL)
    arrays = con.execute("SELECT l, r, evidence FROM scored").fetchnumpy()
    left = np.asarray(arrays["l"], dtype=np.int64)
    right = np.asarray(arrays["r"], dtype=np.int64)
    evidence = np.asarray(arrays["evidence"], dtype=np.float64)
    # how many record pairs each unit pair stands for
    weight = np.where(left == right, size[left] * (size[left] - 1) / 2, size[left] * size[right])
    if options.prior is not None:
        prior = options.prior
    else:
        # EM collapses when the evidence is weak everywhere (one-word names): never
        # expect less than one other record of the same entity per record.
        estimated = estimate_prior(evidence, total_pairs, prior_bits(n), weights=weight)
        prior = max(estimated, prior_bits(n))
    links = _record_links(left, right, evidence + prior, units, reps, options.review_bits)
    stats["prior_bits"] = round(prior, 2)
    stats["scored"] = len(links.bits)
    stats["matches"] = int((links.bits >= options.match_bits).sum())
    stats["seconds_score"] = round(time.perf_counter() - t, 2)
    return Resolution(records, options, prior, links, units, reps, stats, con, calibration)


def _record_links(
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    bits: npt.NDArray[np.float64],
    units: Sequence[int],
    reps: Sequence[int],
    review_bits: float,
) -> Links:
    """Unit pairs as record pairs: between representatives, and a star from each
    representative to the other records of its unit (with the unit's own score)."""
    keep = bits >= review_bits
    left, right, bits = left[keep], right[keep], bits[keep]
    rep = np.asarray(reps, dtype=np.int64)
    between = left != right
    self_bits = dict(zip(left[~between].tolist(), bits[~between].tolist(), strict=True))
    unit_arr = np.asarray(units, dtype=np.int64)
    members = np.nonzero(rep[unit_arr] != np.arange(len(units)))[0]  # not representatives
    has_self = np.array([int(u) in self_bits for u in unit_arr[members].tolist()], dtype=bool)
    members = members[has_self]
    star_bits = np.array([self_bits[int(u)] for u in unit_arr[members].tolist()], np.float64)
    return Links(
        np.concatenate([rep[left[between]], rep[unit_arr[members]]]),
        np.concatenate([rep[right[between]], members]),
        np.concatenate([bits[between], star_bits]),
    )


__all__ = ["Resolution", "ResolveOptions", "quiet", "score_records"]
