"""The same resolution on Spark, for when one machine is outgrown.

Spark does the parts that need all records at once: token frequencies (the weights),
block sizes and the pair budget, and the join of records on blocking keys into
candidate pairs. What concerns one record or one pair runs in the executors with the
very SQL the single-machine engine runs, in an embedded DuckDB per Arrow batch:
``blocking.KEYS_SQL`` makes each record's keys and ``scoring.score_sql`` scores each
pair. Pairs with evidence come back to the driver, where the prior is estimated and the
clusters are built as on one machine (``clustering.cluster``: union-find over pairs
above the review threshold fits a driver well beyond what fits one DuckDB).

Records are not grouped into units of identical records here (each is scored on its
own), and a record's name forms are pooled rather than scored one by one. Weights are
the fixed ones: the weights estimated from the data (``calibration``) are not yet
estimated on Spark. Scores of single-name records are otherwise those of the
single-machine engine with ``calibrate=False``, which ``tests/resolve/test_spark.py``
checks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from cupula.resolve.blocking import KEYS_SQL, pair_budget
from cupula.resolve.clustering import Links
from cupula.resolve.engine import ResolveOptions
from cupula.resolve.frame import record_table
from cupula.resolve.records import Record
from cupula.resolve.scoring import FEATURES, estimate_prior, prior_bits, score_sql

KEY_SCHEMA = "rid INT, key STRING"
SCORED_SCHEMA = "l INT, r INT, evidence DOUBLE, " + ", ".join(
    f"f_{f.name} DOUBLE" for f in FEATURES
)


def _arrow(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    table = con.execute(sql).to_arrow_table()
    assert table is not None
    return table


def _keys(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    con = duckdb.connect()
    for batch in batches:
        con.register("rec", pa.Table.from_batches([batch]))
        con.execute(KEYS_SQL)
        yield from _arrow(con, "SELECT rid, key FROM keys").to_batches()
        con.unregister("rec")


def _score(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Each batch: one row per pair, the left record's columns as ``a_*``, the right's
    as ``b_*``."""
    con = duckdb.connect()
    for batch in batches:
        con.register("joined", pa.Table.from_batches([batch]))
        columns = [c[2:] for c in batch.schema.names if c.startswith("a_")]
        both = " UNION ".join(
            f"SELECT {', '.join(f'{side}_{c} AS {c}' for c in columns)} FROM joined"
            for side in ("a", "b")
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE rec AS {both}")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE pairs AS SELECT a_rid AS l, b_rid AS r FROM joined"
        )
        yield from _arrow(con, score_sql("pairs", min_evidence=0.0)).to_batches()
        con.unregister("joined")


def score_on_spark(
    spark: Any, records: Sequence[Record], options: ResolveOptions | None = None
) -> tuple[Links, float, dict[str, Any]]:
    """(record pairs at or above the review threshold, prior bits, statistics)."""
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    options = options or ResolveOptions()
    raw = spark.createDataFrame(record_table(records))
    n = raw.count()
    keys = raw.mapInArrow(_keys, KEY_SCHEMA).distinct()
    sizes = keys.groupBy("key").agg(F.count("*").alias("n")).where("n >= 2")
    budget = pair_budget(n, options.pairs_per_record)
    order = Window.orderBy("n", "key").rowsBetween(Window.unboundedPreceding, 0)
    usable = (
        sizes.withColumn("so_far", F.sum(F.col("n") * (F.col("n") - 1) / 2).over(order))
        .where((F.col("n") <= options.max_block) & (F.col("so_far") <= budget))
        .select("key")
    )
    kept = keys.join(usable, "key")
    pairs = (
        kept.alias("a").join(kept.alias("b"), "key")
        .where(F.col("a.rid") < F.col("b.rid"))
        .select(F.col("a.rid").alias("l"), F.col("b.rid").alias("r"))
        .distinct()
    )  # fmt: skip
    rec = _weighted(raw, n)
    joined = (
        pairs.join(rec.select([F.col(c).alias(f"a_{c}") for c in rec.columns]),
                   F.col("l") == F.col("a_rid"))
        .join(rec.select([F.col(c).alias(f"b_{c}") for c in rec.columns]),
              F.col("r") == F.col("b_rid"))
        .drop("l", "r")
    )  # fmt: skip
    scored = joined.mapInArrow(_score, SCORED_SCHEMA).select("l", "r", "evidence").toArrow()
    left = np.asarray(scored.column("l").to_numpy(), dtype=np.int64)
    right = np.asarray(scored.column("r").to_numpy(), dtype=np.int64)
    evidence = np.asarray(scored.column("evidence").to_numpy(), dtype=np.float64)
    if options.prior is not None:
        prior = options.prior
    else:
        estimated = estimate_prior(evidence, n * (n - 1) // 2, prior_bits(n))
        prior = max(estimated, prior_bits(n))
    keep = evidence + prior >= options.review_bits
    stats = {"records": n, "candidates": pairs.count(), "scored": int(keep.sum())}
    return Links(left[keep], right[keep], evidence[keep] + prior), prior, stats


def _weighted(raw: Any, n: int) -> Any:
    """Records with ``tok`` (name tokens with their weights) and ``wsum``, as
    ``frame.WEIGHTS_SQL`` computes them on one machine (tokens over distinct names,
    skeletons over records)."""
    from pyspark.sql import functions as F

    tokens = raw.select(
        "rid",
        F.posexplode(F.arrays_zip("toks", "phons", "skels")).alias("i", "z"),
    ).select("rid", "i", F.col("z.toks").alias("t"), F.col("z.phons").alias("p"),
             F.col("z.skels").alias("s"))  # fmt: skip

    def weights(df: Any, column: str, total: int, name: str) -> Any:
        return (
            df.groupBy(column)
            .count()
            .select(
                column,
                F.greatest(
                    F.log2(F.lit(total) / F.greatest(F.col("count") - 1, F.lit(1))), F.lit(1.0)
                ).alias(name),
            )
        )

    names = (
        raw.where(F.size("toks") > 0)
        .select(F.array_sort(F.array_distinct("toks")).alias("name"))
        .distinct()
    )
    token_df = names.select(F.explode("name").alias("t"))
    skeleton_df = tokens.select("rid", "s").distinct()
    weighted = tokens.join(weights(token_df, "t", names.count(), "w"), "t").join(
        weights(skeleton_df, "s", n, "ws"), "s"
    )
    tok = weighted.groupBy("rid").agg(
        F.array_sort(F.collect_list(F.struct("i", "t", "p", "s", "w", "ws"))).alias("sorted"),
        F.sum("w").alias("wsum"),
    ).select(
        "rid",
        F.transform("sorted", lambda x: F.struct(
            x["t"].alias("t"), x["p"].alias("p"), x["s"].alias("s"), x["w"].alias("w"),
            x["ws"].alias("ws"))).alias("tok"),
        "wsum",
    )  # fmt: skip
    return (
        raw.join(tok, "rid", "left")
        .withColumn("tok", F.coalesce("tok", F.array().cast(tok.schema["tok"].dataType)))
        .withColumn("wsum", F.coalesce("wsum", F.lit(0.0)))
        .drop("toks", "phons", "skels", "side")
    )
