"""How a load writes its index rows fast without changing what they say: each name's
keys computed once, new name-key rows counted without reading them back (unless a chunk
met stored or repeated rows), a tie made from all its fragments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from cupula.ingest import ingest
from cupula.store import Store
from cupula.store.indexes import name_rows, reindex
from cupula.store.tables import edge_table, key_count_table, name_key_table
from tests.conftest import ADMIN

K = name_key_table.c
C = key_count_table.c


def entity(id_: str, schema: str, **props: str | list[str]) -> dict[str, Any]:
    properties = {k: v if isinstance(v, list) else [v] for k, v in props.items()}
    return {"id": id_, "schema": schema, "properties": properties}


def load(store: Store, path: Path, entities: list[dict[str, Any]]) -> None:
    path.write_text("\n".join(json.dumps(e) for e in entities), "utf-8")
    ingest(store, path, by=ADMIN, dataset="co", agency="CO-DIJIN",
           marking="RESTRICTED REL TO ESP")  # fmt: skip


def key_counts(store: Store) -> dict[tuple[str, str, str], int]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(C.key, C.dataset, C.marking_id, C.names))
        return {(k, d, m): n for k, d, m, n in rows if n}


def recounted(store: Store) -> dict[tuple[str, str, str], int]:
    """The names holding each key, counted from the name-key rows themselves."""
    query = select(K.key, K.dataset, K.marking_id, func.count()).group_by(
        K.key, K.dataset, K.marking_id
    )
    with store.engine.connect() as conn:
        return {(k, d, m): n for k, d, m, n in conn.execute(query)}


def test_key_counts_count_each_name_once_over_loads(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path / "a.jsonl", [
        entity("p1", "Person", name="Ana María López"),
        entity("p2", "Person", name="Juan Pérez"),
    ])  # fmt: skip
    first = key_counts(store)
    assert first == recounted(store)
    assert first[("t:lopez", "co", next(iter(first))[2])] == 1
    # Again the names of p1 (rows stored: that chunk is counted by what it inserted), a
    # new name sharing a token, and one name stated twice in the file (a repeat in a chunk).
    load(store, tmp_path / "b.jsonl", [
        entity("p1", "Person", name="Ana María López"),
        entity("p3", "Person", name="Ana López"),
        entity("p4", "Person", name="Rosa Díaz"),
        entity("p4", "Person", name=["Rosa Díaz", "Rosa Díaz"], nationality="co"),
    ])  # fmt: skip
    counts = key_counts(store)
    assert counts == recounted(store)
    marking = next(iter(counts))[2]
    assert counts[("t:lopez", "co", marking)] == 2  # p1 once, p3 once
    assert counts[("t:diaz", "co", marking)] == 1
    assert counts[("n:", "co", marking)] == 4  # four names in all
    reindex(store.engine)
    assert key_counts(store) == counts


def test_a_tie_whose_fragments_span_batches_is_one_edge(store: Store, tmp_path: Path) -> None:
    # The payment's ends and its date come in fragments far apart: the edge is made from
    # all of them (kept until the load finishes).
    filler = [entity(f"x{i}", "Person", name=f"Filler Person {i}") for i in range(6_000)]
    load(store, tmp_path / "t.jsonl", [
        entity("m1", "Payment", payer="p1"),
        *filler,
        entity("m1", "Payment", beneficiary="c1", date="2025-03-01", amount="10"),
        entity("p1", "Person", name="Ana López"),
        entity("c1", "Company", name="Costa Azul S.L."),
    ])  # fmt: skip
    with store.engine.connect() as conn:
        rows = conn.execute(select(edge_table.c.source, edge_table.c.target, edge_table.c.date))
        assert [tuple(r) for r in rows] == [("p1", "c1", "2025-03-01")]
    before = key_counts(store)
    assert reindex(store.engine)[0] == 1
    assert key_counts(store) == before


def test_each_distinct_name_is_keyed_once() -> None:
    name_rows.cache_clear()
    first = name_rows("Restrepo Vargas, Jhon Jairo", False)
    assert name_rows("Restrepo Vargas, Jhon Jairo", False) is first
    assert name_rows.cache_info().hits == 1
    kinds = {kind for _key, _name, kind in first}
    assert kinds == {"n", "t", "p", "s", "x"}
