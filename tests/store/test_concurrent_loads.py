"""Loads at the same time (issue 18, item 4): two loads under a marking new to the store
both succeed, and each load records what it inserted itself, not the table's growth
while it ran (which other loads add to)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from sqlalchemy import func, select

from cupula.access.viewer import Viewer
from cupula.ingest import LoadResult, ingest
from cupula.model.marking import Classification
from cupula.store import Store
from cupula.store.tables import load_table, marking_table, statement_table

ANA = Viewer("ana", "CO-DIJIN", "COL", Classification.SECRET)
NEW_MARKING = "RESTRICTED REL TO ESP,USA"  # not in the store before the loads
LOADS = 10


def people(path: Path, *names: str) -> Path:
    rows = [{"id": f"co-p-{n.lower()}", "schema": "Person", "properties": {"name": [n]}}
            for n in names]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


def load_all_at_once(store: Store, files: list[Path]) -> list[LoadResult | BaseException]:
    """Load each file on its own thread (its own dataset), all started together."""
    start = threading.Barrier(len(files))
    results: list[LoadResult | BaseException] = [RuntimeError("not run")] * len(files)

    def one(i: int) -> None:
        start.wait()
        try:
            results[i] = ingest(store, files[i], by=ANA, dataset=f"co-tips-{i}",
                                agency="CO-DIJIN", marking=NEW_MARKING)  # fmt: skip
        except BaseException as exc:  # reported by the assertion, not lost in the thread
            results[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(files))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def rows(store: Store, table: object) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_loads_under_a_new_marking_at_once_all_succeed_and_count_their_own(
    store: Store, tmp_path: Path
) -> None:
    for i in range(LOADS):  # uploads into datasets that exist (a new one is claimed first)
        ingest(store, people(tmp_path / f"old{i}.jsonl", f"Old{i}"), by=ANA,
               dataset=f"co-tips-{i}", agency="CO-DIJIN", marking="RESTRICTED")  # fmt: skip
    files = [people(tmp_path / f"{i}.jsonl", f"Alias{i}") for i in range(LOADS)]
    before = rows(store, statement_table)
    results = load_all_at_once(store, files)
    failures = [r for r in results if not isinstance(r, LoadResult)]
    assert failures == []
    added = [r.statements_added for r in results if isinstance(r, LoadResult)]
    # one person: an id statement and a name, each load its own entity
    assert added == [2] * LOADS
    assert rows(store, statement_table) - before == sum(added)
    assert rows(store, marking_table) >= 1
    with store.engine.connect() as conn:
        recorded = conn.execute(
            select(load_table.c.statements_added).where(load_table.c.dataset.like("co-tips-%"))
        ).scalars().all()  # fmt: skip
    assert sorted(recorded) == [2] * (2 * LOADS)


def test_statements_already_stored_are_not_counted_again(store: Store, tmp_path: Path) -> None:
    first = ingest(store, people(tmp_path / "a.jsonl", "Uno", "Dos"), by=ANA,
                   dataset="co-tips", agency="CO-DIJIN", marking=NEW_MARKING)  # fmt: skip
    # the same two people again, one new one, and a line repeated within the file
    again = ingest(store, people(tmp_path / "b.jsonl", "Uno", "Dos", "Tres", "Tres"), by=ANA,
                   dataset="co-tips", agency="CO-DIJIN", marking=NEW_MARKING)  # fmt: skip
    assert (first.statements_added, again.statements_added) == (4, 2)
    assert again.statements_read == 8
