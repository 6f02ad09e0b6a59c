"""Incremental resolution: new records blocked and scored against a stored run's index.

A full run (``engine.score_records``) estimates its *model* from all its records: the
weight of every name token and skeleton (how rare it is), the prior, and which blocking
keys are too common to use. ``ResolutionIndex`` keeps that model beside the run's
records (their name rows, as scored, and their blocking keys) in a DuckDB database, so
that records loaded afterwards are resolved against what is there without a re-run:

- a new record's keys are looked up among the stored keys, its candidate pairs scored
  by the same SQL as a full run, under the same model (a token the model has not seen
  weighs as a token seen once: as a full run would weigh it);
- a key the full run dropped stays dropped; a key first seen in an increment is used if
  no more than ``max_block`` records share it then, and that decision stays;
- a record that says exactly what a stored one says joins its unit (as in a full run);
- a record whose entity changed (a new name, date, identifier, neighbour) replaces its
  old rows and pairs; one in a unit of several identical records needs a full run.

The result is exactly that of a full run on all the records *under the stored model*
(``ResolutionIndex.empty_like`` + ``extend`` gives that run; the tests compare both).
A fresh full run re-estimates the model: with every record added the weights drift
from it (by log2(1 + added/N) bits for the commonest change); ``drift`` says how far, and
the service re-runs in full past ``MAX_DRIFT``.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from cupula.errors import NotReady
from cupula.resolve.blocking import KEYS_SQL
from cupula.resolve.engine import BEST_FORMS_SQL, Resolution, ResolveOptions, _content, name_rows
from cupula.resolve.frame import FROZEN_WEIGHTS_SQL, record_table
from cupula.resolve.records import Record
from cupula.resolve.scoring import Calibration, score_sql

# Past this share of records added since the model was estimated, a full run is due.
MAX_DRIFT = 0.1

MODEL_TABLES = ("token_weight", "skeleton_weight", "dropped_keys")


class NeedsFullRun(NotReady):
    """The change cannot be resolved incrementally (the message says why)."""


@dataclass
class Increment:
    """What an increment changed: pairs to add (record keys, bits with the prior) and
    records whose stored pairs are void (changed entities), with timings."""

    pairs: list[tuple[str, str, float]]
    replaced: list[str]
    stats: dict[str, Any] = field(default_factory=dict)


def content_hash(record: Record) -> str:
    """What makes records one unit (``engine._content``), as a short digest."""
    return hashlib.blake2b(repr(_content(record)).encode(), digest_size=12).hexdigest()


class ResolutionIndex:
    """A run's model, name rows, blocking keys and units, in DuckDB (a file or memory)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    # -- building, opening, saving --------------------------------------------------

    @classmethod
    def save(cls, resolution: Resolution, path: Path) -> None:
        """Write the index of a full run (``resolution.con`` must still be open) to
        ``path`` (replaced; written aside first, so a failure leaves the old one)."""
        src = resolution.con
        if src is None:
            raise ValueError("the resolution's tables are closed")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        src.execute(f"ATTACH '{_quoted(partial)}' AS idx")
        try:
            _copy_model(src, resolution)
            _copy_records(src, resolution)
        finally:
            src.execute("DETACH idx")
        partial.replace(path)

    @classmethod
    def open(cls, path: Path) -> ResolutionIndex:
        if not path.exists():
            raise NeedsFullRun(f"no index of the stored run at {path}: run a full resolution")
        con = duckdb.connect()
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"ATTACH '{_quoted(path)}' AS idx")
        return cls(con)

    def close(self) -> None:
        self.con.close()

    # -- the model -------------------------------------------------------------------

    def meta(self) -> dict[str, Any]:
        row = self.con.execute("SELECT value FROM idx.meta").fetchone()
        assert row is not None
        meta: dict[str, Any] = json.loads(row[0])
        return meta

    def _set_meta(self, meta: dict[str, Any]) -> None:
        self.con.execute("UPDATE idx.meta SET value = ?", [json.dumps(meta)])

    @property
    def options(self) -> ResolveOptions:
        return ResolveOptions(**self.meta()["options"])

    def drift(self) -> float:
        """Records added since the model was estimated, as a share of its records."""
        meta = self.meta()
        return float(meta["added"]) / max(int(meta["model_records"]), 1)

    def record_keys(self) -> list[str]:
        """The record keys the index holds, in the order they were added."""
        rows = self.con.execute("SELECT key FROM idx.member ORDER BY seq").fetchall()
        return [str(r[0]) for r in rows]

    # -- the increment ----------------------------------------------------------------

    def extend(
        self,
        records: Sequence[Record],
        *,
        max_drift: float | None = None,
        before_commit: Callable[[Increment], None] | None = None,
    ) -> Increment:
        """Add ``records`` (new, or new versions of stored ones) and score them against
        every record the index holds (see the module docstring). ``NeedsFullRun`` when
        more than ``max_drift`` of the model's records would have been added since it
        was estimated. ``before_commit`` stores the increment elsewhere: if it fails,
        the index stays as it was."""
        started = time.perf_counter()
        con = self.con
        meta = self.meta()
        options = ResolveOptions(**meta["options"])
        prior = float(meta["prior"])
        stats: dict[str, Any] = {"records": len(records)}
        con.execute("BEGIN TRANSACTION")
        try:
            fresh, replaced = self._triage(records)
            stats["unchanged"] = len(records) - len(fresh)
            stats["replaced"] = len(replaced)
            added = int(meta["added"]) + len(fresh)
            if max_drift is not None and added > max_drift * int(meta["model_records"]):
                raise NeedsFullRun(
                    f"{added:,} records added since the full run of "
                    f"{int(meta['model_records']):,} (more than {max_drift:.0%}): its token "
                    "weights and prior are due to be estimated again; run a full resolution"
                )
            joined, new_units = self._assign_units(fresh, meta)
            stats["new_units"] = len(new_units)
            rows, row_unit = name_rows([r for _u, r in new_units])
            units = [new_units[i][0] for i in row_unit]
            first_rid = int(meta["next_rid"])
            self._add_rows(rows, units, first_rid, meta)
            t = time.perf_counter()
            self._candidates(options.max_block)
            self._self_pairs(joined, new_units)
            (stats["candidates"],) = con.execute("SELECT count(*) FROM pairs").fetchone() or (0,)
            stats["seconds_block"] = round(time.perf_counter() - t, 3)
            t = time.perf_counter()
            pairs = self._score(prior, options.review_bits, joined, new_units)
            stats["seconds_score"] = round(time.perf_counter() - t, 3)
            meta["next_rid"] = first_rid + len(rows)
            meta["added"] = added
            self._set_meta(meta)
            stats["pairs"] = len(pairs)
            stats["seconds"] = round(time.perf_counter() - started, 3)
            increment = Increment(pairs, replaced, stats)
            if before_commit is not None:
                before_commit(increment)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return increment

    def _triage(self, records: Sequence[Record]) -> tuple[list[tuple[Record, str]], list[str]]:
        """Records that are new or changed (with their content digest), and the keys of
        the changed ones, whose rows are removed here (their pairs by the caller)."""
        seen: dict[str, int] = {}
        for i, record in enumerate(records):
            if record.key in seen:
                raise ValueError(f"record {record.key!r} is given twice")
            seen[record.key] = i
        digests = [content_hash(r) for r in records]
        given = pa.table(
            {"key": pa.array([r.key for r in records], pa.string()), "content": digests}
        )
        self.con.register("given", given)
        stored = self.con.execute(
            "SELECT m.key, m.content, m.unit, u.size FROM idx.member m "
            "JOIN given g USING (key) JOIN idx.unit u USING (unit)"
        ).fetchall()
        self.con.unregister("given")
        unchanged = {str(k) for k, c, _u, _s in stored if c == digests[seen[str(k)]]}
        replaced = sorted(str(k) for k, c, _u, _s in stored if c != digests[seen[str(k)]])
        several = sorted(
            str(k) for k, c, _u, s in stored if c != digests[seen[str(k)]] and int(s) > 1
        )
        if several:
            raise NeedsFullRun(
                f"{len(several)} changed record(s) ({', '.join(several[:3])}) had identical "
                "twins scored as one unit: run a full resolution"
            )
        if replaced:
            self._remove(replaced)
        fresh = [(r, d) for r, d in zip(records, digests, strict=True) if r.key not in unchanged]
        return fresh, replaced

    def _remove(self, keys: list[str]) -> None:
        con = self.con
        con.register("gone", pa.table({"key": pa.array(keys, pa.string())}))
        con.execute(
            "CREATE OR REPLACE TEMP TABLE gone_units AS "
            "SELECT unit FROM idx.member JOIN gone USING (key)"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE gone_rows AS "
            "SELECT rid FROM idx.rec WHERE grp IN (SELECT unit FROM gone_units)"
        )
        con.execute(
            "UPDATE idx.key_count SET n = idx.key_count.n - g.n FROM ("
            "SELECT key, count(*) AS n FROM idx.keys "
            "WHERE rid IN (SELECT rid FROM gone_rows) GROUP BY key) g "
            "WHERE idx.key_count.key = g.key"
        )
        con.execute("DELETE FROM idx.keys WHERE rid IN (SELECT rid FROM gone_rows)")
        con.execute("DELETE FROM idx.rec WHERE rid IN (SELECT rid FROM gone_rows)")
        con.execute("DELETE FROM idx.unit WHERE unit IN (SELECT unit FROM gone_units)")
        con.execute("DELETE FROM idx.member WHERE key IN (SELECT key FROM gone)")
        con.unregister("gone")

    def _assign_units(
        self, fresh: list[tuple[Record, str]], meta: dict[str, Any]
    ) -> tuple[list[tuple[int, str]], list[tuple[int, Record]]]:
        """Each fresh record's unit: a stored unit that says the same (``joined``:
        (unit, key) of records joining one), or a new one (``new_units``: (unit, its
        first record)); members and sizes are written to the index."""
        con = self.con
        digests = sorted({d for _r, d in fresh})
        con.register("wanted", pa.table({"content": pa.array(digests, pa.string())}))
        known = {
            str(c): int(u)
            for c, u in con.execute(
                "SELECT content, unit FROM idx.unit JOIN wanted USING (content)"
            ).fetchall()
        }
        con.unregister("wanted")
        next_unit = int(meta["next_unit"])
        next_seq = int(meta["next_seq"])
        joined: list[tuple[int, str]] = []
        new_units: list[tuple[int, Record]] = []
        members: list[tuple[str, int, str, int]] = []
        grown: dict[int, int] = {}
        for record, digest in fresh:
            unit = known.get(digest)
            if unit is None:
                unit = known[digest] = next_unit
                next_unit += 1
                new_units.append((unit, record))
            else:
                joined.append((unit, record.key))
            grown[unit] = grown.get(unit, 0) + 1
            members.append((record.key, unit, digest, next_seq))
            next_seq += 1
        new_set = {u for u, _r in new_units}
        con.register(
            "m",
            pa.table(
                {
                    "key": pa.array([m[0] for m in members], pa.string()),
                    "unit": pa.array([m[1] for m in members], pa.int64()),
                    "content": pa.array([m[2] for m in members], pa.string()),
                    "seq": pa.array([m[3] for m in members], pa.int64()),
                }
            ),
        )
        con.execute("INSERT INTO idx.member SELECT key, unit, content, seq FROM m")
        con.unregister("m")
        news = [(u, r.key, content_hash(r), grown[u]) for u, r in new_units]
        con.register(
            "u",
            pa.table(
                {
                    "unit": pa.array([n[0] for n in news], pa.int64()),
                    "rep": pa.array([n[1] for n in news], pa.string()),
                    "content": pa.array([n[2] for n in news], pa.string()),
                    "size": pa.array([n[3] for n in news], pa.int64()),
                    "self_bits": pa.array([None] * len(news), pa.float64()),
                }
            ),
        )
        con.execute("INSERT INTO idx.unit SELECT * FROM u")
        con.unregister("u")
        old = [(u, n) for u, n in grown.items() if u not in new_set]
        if old:
            con.register(
                "g",
                pa.table(
                    {
                        "unit": pa.array([u for u, _n in old], pa.int64()),
                        "n": pa.array([n for _u, n in old], pa.int64()),
                    }
                ),
            )
            con.execute("UPDATE idx.unit SET size = size + g.n FROM g WHERE idx.unit.unit = g.unit")
            con.unregister("g")
        meta["next_unit"] = next_unit
        meta["next_seq"] = next_seq
        return joined, new_units

    def _add_rows(
        self, rows: list[Record], units: list[int], first_rid: int, meta: dict[str, Any]
    ) -> None:
        """Name rows of the new units, weighted by the model, and their keys (in temp
        ``new_keys``), added to the index."""
        con = self.con
        table = record_table(rows, groups=units)
        table = table.set_column(
            0, "rid", pa.array(range(first_rid, first_rid + len(rows)), pa.int32())
        )
        con.register("raw_records", table)
        con.execute("CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM raw_records")
        con.unregister("raw_records")
        con.execute("CREATE OR REPLACE TEMP VIEW rec AS SELECT * FROM raw")
        con.execute(
            FROZEN_WEIGHTS_SQL.format(
                names=float(meta["model_names"]), rows=float(meta["model_rows"]), schema="idx"
            )
        )
        con.execute("DROP VIEW rec")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE rec AS SELECT raw.*, coalesce(t.tok, []) AS tok, "
            "coalesce(t.wsum, 0.0) AS wsum FROM raw LEFT JOIN rec_tokens t USING (rid)"
        )
        con.execute(KEYS_SQL)
        con.execute("CREATE OR REPLACE TEMP TABLE new_keys AS SELECT * FROM keys")
        con.execute("INSERT INTO idx.rec SELECT * FROM rec")
        con.execute("INSERT INTO idx.keys SELECT * FROM new_keys")
        con.execute("DROP TABLE rec")
        con.execute("DROP TABLE raw")

    def _candidates(self, max_block: int) -> None:
        """Temp table ``pairs`` (l, r: rows, l of the lower unit): every new row with every
        row sharing a usable key. A key's use is decided when it is first seen (in the
        full run, or here: used while no more than ``max_block`` records share it), and
        stays."""
        con = self.con
        con.execute(
            "CREATE OR REPLACE TEMP TABLE added AS "
            "SELECT key, count(*) AS n FROM new_keys GROUP BY key"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE first_seen AS SELECT key, n FROM added "
            "WHERE key NOT IN (SELECT key FROM idx.key_count)"
        )
        con.execute(
            "UPDATE idx.key_count SET n = idx.key_count.n + a.n FROM added a "
            "WHERE idx.key_count.key = a.key"
        )
        con.execute("INSERT INTO idx.key_count SELECT key, n FROM first_seen")
        con.execute(
            f"INSERT INTO idx.dropped_keys SELECT key FROM first_seen WHERE n > {int(max_block)}"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE probe AS SELECT rid, key FROM new_keys "
            "WHERE key NOT IN (SELECT key FROM idx.dropped_keys)"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE pairs AS "
            "SELECT DISTINCT CASE WHEN ga < gb THEN ra ELSE rb END AS l, "
            "       CASE WHEN ga < gb THEN rb ELSE ra END AS r FROM ("
            "  SELECT p.rid AS ra, a.grp AS ga, k.rid AS rb, b.grp AS gb "
            "  FROM probe p JOIN idx.keys k USING (key) "
            "  JOIN idx.rec a ON a.rid = p.rid JOIN idx.rec b ON b.rid = k.rid"
            ") WHERE ga <> gb"
        )

    def _self_pairs(
        self, joined: list[tuple[int, str]], new_units: list[tuple[int, Record]]
    ) -> None:
        """Units that now hold several records and have no score against themselves yet
        are scored against themselves (a full run scores every such unit)."""
        con = self.con
        grew = sorted({u for u, _k in joined})
        if not grew:
            return
        con.register("grew", pa.table({"unit": pa.array(grew, pa.int64())}))
        con.execute(
            "INSERT INTO pairs SELECT rid AS l, rid AS r FROM idx.rec WHERE grp IN ("
            "SELECT unit FROM idx.unit JOIN grew USING (unit) WHERE self_bits IS NULL)"
        )
        con.unregister("grew")
        del new_units

    def _score(
        self,
        prior: float,
        review_bits: float,
        joined: list[tuple[int, str]],
        new_units: list[tuple[int, Record]],
    ) -> list[tuple[str, str, float]]:
        con = self.con
        con.execute(
            "CREATE OR REPLACE TEMP TABLE rec AS SELECT * FROM idx.rec WHERE rid IN "
            "(SELECT l FROM pairs UNION SELECT r FROM pairs)"
        )
        calibration = Calibration.from_json(self.meta().get("calibration"))
        con.execute(
            "CREATE OR REPLACE TEMP TABLE scored_rows AS " + score_sql("pairs", 0.0, calibration)
        )
        con.execute("DROP TABLE IF EXISTS scored")
        con.execute(BEST_FORMS_SQL)
        # every unit pair, with the prior; the self-scores of units kept in the index
        con.execute(
            "UPDATE idx.unit SET self_bits = s.evidence + ? FROM scored s "
            "WHERE s.l = s.r AND idx.unit.unit = s.l",
            [prior],
        )
        rows = con.execute(
            "SELECT ua.rep, ub.rep, s.evidence + ? AS bits FROM scored s "
            "JOIN idx.unit ua ON ua.unit = s.l JOIN idx.unit ub ON ub.unit = s.r "
            "WHERE s.l <> s.r AND s.evidence + ? >= ?",
            [prior, prior, review_bits],
        ).fetchall()
        pairs = [(str(a), str(b), float(bits)) for a, b, bits in rows]
        # records joining a unit: a star from its first record, with the unit's own score
        if joined:
            units = sorted({u for u, _k in joined})
            con.register("j", pa.table({"unit": pa.array(units, pa.int64())}))
            reps = {
                int(u): (str(rep), s)
                for u, rep, s in con.execute(
                    "SELECT unit, rep, self_bits FROM idx.unit JOIN j USING (unit)"
                ).fetchall()
            }
            con.unregister("j")
            for unit, key in joined:
                rep, bits = reps[unit]
                if bits is not None and float(bits) >= review_bits:
                    pairs.append((rep, key, float(bits)))
        del new_units
        con.execute("DROP TABLE rec")
        return pairs

    @classmethod
    def empty_copy(cls, source: Path, path: Path) -> ResolutionIndex:
        """An index at ``path`` with the model and options of the one at ``source`` and
        no records: ``extend`` on it is a full run under that model (the reference the
        tests compare an increment with)."""
        path.unlink(missing_ok=True)
        con = duckdb.connect()
        con.execute(f"ATTACH '{_quoted(source)}' AS src (READ_ONLY)")
        con.execute(f"ATTACH '{_quoted(path)}' AS idx")
        for table in ("rec", "keys", "member", "unit"):
            con.execute(f"CREATE TABLE idx.{table} AS SELECT * FROM src.{table} LIMIT 0")
        for table in (*MODEL_TABLES, "meta"):
            con.execute(f"CREATE TABLE idx.{table} AS SELECT * FROM src.{table}")
        con.execute("CREATE TABLE idx.key_count AS SELECT key, 0::BIGINT AS n FROM src.key_count")
        con.execute("DETACH src")
        index = cls(con)
        meta = index.meta()
        meta.update(next_rid=0, next_unit=0, next_seq=0, added=0)
        index._set_meta(meta)
        return index


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _copy_model(src: duckdb.DuckDBPyConnection, resolution: Resolution) -> None:
    (names,) = src.execute("SELECT count(*) FROM distinct_names").fetchone() or (0,)
    (rows,) = src.execute("SELECT count(*) FROM rec").fetchone() or (0,)
    for table in MODEL_TABLES:
        src.execute(f"CREATE TABLE idx.{table} AS SELECT * FROM {table}")
    src.execute("CREATE TABLE idx.key_count AS SELECT key, n FROM block_size")
    meta = {
        "options": asdict(resolution.options),
        "prior": resolution.prior,
        "calibration": resolution.calibration.to_json(),
        "model_names": int(names),
        "model_rows": int(rows),
        "model_records": len(resolution.records),
        "added": 0,
        "next_rid": int(rows),
        "next_unit": len(resolution.representatives),
        "next_seq": len(resolution.records),
    }
    src.execute("CREATE TABLE idx.meta (value VARCHAR)")
    src.execute("INSERT INTO idx.meta VALUES (?)", [json.dumps(meta)])


def _copy_records(src: duckdb.DuckDBPyConnection, resolution: Resolution) -> None:
    src.execute("CREATE TABLE idx.rec AS SELECT * FROM rec")
    src.execute("CREATE TABLE idx.keys AS SELECT rid, key FROM keys")
    records, units, reps = resolution.records, resolution.units, resolution.representatives
    digests = [content_hash(records[i]) for i in reps]
    size = [0] * len(reps)
    for u in units:
        size[u] += 1
    self_bits = {
        int(u): float(e) + resolution.prior
        for u, e in src.execute("SELECT l, evidence FROM scored WHERE l = r").fetchall()
    }
    src.register(
        "u",
        pa.table(
            {
                "unit": pa.array(range(len(reps)), pa.int64()),
                "rep": pa.array([records[i].key for i in reps], pa.string()),
                "content": pa.array(digests, pa.string()),
                "size": pa.array(size, pa.int64()),
                "self_bits": pa.array([self_bits.get(u) for u in range(len(reps))], pa.float64()),
            }
        ),
    )
    src.execute("CREATE TABLE idx.unit AS SELECT * FROM u")
    src.unregister("u")
    src.register(
        "m",
        pa.table(
            {
                "key": pa.array([r.key for r in records], pa.string()),
                "unit": pa.array(units, pa.int64()),
                "content": pa.array([digests[u] for u in units], pa.string()),
                "seq": pa.array(range(len(records)), pa.int64()),
            }
        ),
    )
    src.execute("CREATE TABLE idx.member AS SELECT * FROM m")
    src.unregister("m")


__all__ = ["Increment", "NeedsFullRun", "ResolutionIndex", "content_hash"]
