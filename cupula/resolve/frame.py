"""Records laid out as DuckDB tables, where blocking and scoring run as SQL.

DuckDB runs the pair work (joins on blocking keys, string similarities on millions of
pairs) in parallel and in bounded memory; Python only prepares the records once. Each
name token carries a weight in bits, ``log2(N / (df - 1))`` over the N distinct names:
agreeing on a surname that one name in a thousand has is worth about 10 bits of
evidence, on one that every tenth name has about 3 (a term-frequency adjustment, as
Splink makes on names). Names are counted once however often they were filed (a
company filed six hundred times under one spelling does not make its own name common),
and the name itself is not counted: a token two names share is as rare as one other
name makes it. Skeletons are counted per record: a transliterated pair shares its
skeleton across two different spellings.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

from cupula.resolve.blocking import KEYS_SQL
from cupula.resolve.normalize import name_tokens, phonetic, skeleton
from cupula.resolve.records import WEAK_IDENTIFIERS, Record

WEIGHTS_SQL = """
CREATE OR REPLACE TEMP TABLE distinct_names AS
    SELECT DISTINCT list_sort(list_distinct(toks)) AS toks FROM rec WHERE len(toks) > 0;
CREATE OR REPLACE TEMP TABLE token_weight AS
    SELECT t, log2((SELECT count(*) FROM distinct_names) / greatest(count(*) - 1, 1)) AS w
    FROM (SELECT unnest(toks) AS t FROM distinct_names) GROUP BY t;
CREATE OR REPLACE TEMP TABLE skeleton_weight AS
    SELECT s, log2((SELECT count(*) FROM rec) / greatest(count(*) - 1, 1)) AS ws
    FROM (SELECT DISTINCT rid, unnest(skels) AS s FROM rec) GROUP BY s;
CREATE OR REPLACE TEMP TABLE rec_tokens AS
    SELECT rid, list({'t': t, 'p': p, 's': s, 'w': greatest(w, 1.0), 'ws': greatest(ws, 1.0)}
                     ORDER BY i) AS tok,
           sum(greatest(w, 1.0)) AS wsum
    FROM (SELECT rid, unnest(toks) AS t, unnest(phons) AS p, unnest(skels) AS s,
                 generate_subscripts(toks, 1) AS i FROM rec)
    JOIN token_weight USING (t) JOIN skeleton_weight USING (s)
    GROUP BY rid;
"""

# The same weighted tokens under a stored model (``incremental``): weights from the
# model's tables in {schema}; a token or skeleton the model has not seen weighs as one
# seen once among the model's {names} names and {rows} rows, as a full run weighs it.
FROZEN_WEIGHTS_SQL = """
CREATE OR REPLACE TEMP TABLE rec_tokens AS
    SELECT rid, list({{'t': t, 'p': p, 's': s, 'w': greatest(coalesce(w, log2({names})), 1.0),
                      'ws': greatest(coalesce(ws, log2({rows})), 1.0)}} ORDER BY i) AS tok,
           sum(greatest(coalesce(w, log2({names})), 1.0)) AS wsum
    FROM (SELECT rid, unnest(toks) AS t, unnest(phons) AS p, unnest(skels) AS s,
                 generate_subscripts(toks, 1) AS i FROM rec)
    LEFT JOIN {schema}.token_weight USING (t) LEFT JOIN {schema}.skeleton_weight USING (s)
    GROUP BY rid;
"""


def record_tokens(record: Record) -> list[str]:
    """Distinct name tokens over all the record's name forms, in order of appearance."""
    seen: dict[str, None] = {}
    for form in record.names:
        for token in name_tokens(form, record.organisation):
            seen.setdefault(token, None)
    return list(seen)


# Lists travel to DuckDB as one string per record, split there: Arrow builds flat
# strings several times faster than nested lists.
SEPARATOR = "\x1f"
LIST_COLUMNS = ("toks", "phons", "skels", "dates", "countries", "ids", "strong_kinds",
                "places", "nb")  # fmt: skip


def _joined(values: Sequence[str]) -> str:
    return SEPARATOR.join(values)


def record_table(
    records: Sequence[Record],
    sides: Sequence[int] | None = None,
    groups: Sequence[int] | None = None,
) -> pa.Table:
    """One row per record (columns as ``build_frame`` and the scoring SQL expect);
    rows of one ``group`` (default: each its own) are never compared with each other."""
    toks = [record_tokens(r) for r in records]
    n = len(records)
    columns: dict[str, list[str] | list[str | None]] = {
        "family": [r.family for r in records],
        "toks": [_joined(ts) for ts in toks],
        "phons": [_joined([phonetic(t) for t in ts]) for ts in toks],
        "skels": [_joined([skeleton(t) for t in ts]) for ts in toks],
        "dates": [_joined(r.dates) for r in records],
        "countries": [_joined(r.countries) for r in records],
        "ids": [_joined(r.identifiers) for r in records],
        "strong_kinds": [
            _joined(sorted({i.split(":", 1)[0] for i in r.identifiers} - WEAK_IDENTIFIERS))
            for r in records
        ],
        "places": [_joined(r.places) for r in records],
        "gender": [r.gender for r in records],
        "nb": [_joined(r.neighbours) for r in records],
    }
    # Typed even when empty or all null: an incremental run adds rows to these tables.
    flat = pa.table(
        {
            "rid": pa.array(range(n), pa.int32()),
            "grp": pa.array(groups if groups is not None else range(n), pa.int32()),
            "side": pa.array(sides if sides is not None else [0] * n, pa.int8()),
            **{name: pa.array(values, pa.string()) for name, values in columns.items()},
        }
    )
    lists = ", ".join(
        f"CASE WHEN {c} = '' THEN []::VARCHAR[] ELSE string_split({c}, chr(31)) END AS {c}"
        for c in LIST_COLUMNS
    )
    con = duckdb.connect()
    con.register("flat", flat)
    table = con.sql(f"SELECT * REPLACE ({lists}) FROM flat").to_arrow_table()
    con.close()
    assert table is not None
    return table


def build_frame(
    records: Sequence[Record],
    sides: Sequence[int] | None = None,
    *,
    groups: Sequence[int] | None = None,
    memory_limit: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding ``rec`` (one row per record, with weighted name
    tokens in ``tok``) and ``keys`` (its blocking keys)."""
    con = duckdb.connect()
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    raw = record_table(records, sides, groups)
    con.register("raw_records", raw)
    con.execute("CREATE TEMP TABLE raw AS SELECT * FROM raw_records")
    con.unregister("raw_records")
    con.execute("CREATE TEMP VIEW rec AS SELECT * FROM raw")
    con.execute(WEIGHTS_SQL)
    con.execute("DROP VIEW rec")
    con.execute(
        "CREATE TEMP TABLE rec AS SELECT raw.*, coalesce(t.tok, []) AS tok, "
        "coalesce(t.wsum, 0.0) AS wsum FROM raw LEFT JOIN rec_tokens t USING (rid)"
    )
    con.execute("DROP TABLE raw")
    con.execute(KEYS_SQL)
    return con
