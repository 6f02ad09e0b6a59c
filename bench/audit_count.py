"""Benchmark: what the audit entry of a command counts, and what counting costs, on a
1M-statement store.

    .venv/bin/python bench/audit_count.py [--statements 1000000] [--db PATH]

Each read runs as a command does (a ``Reading`` opening views), and prints the time, the
statements the audit entry would log, and what the command itself says it read:

- ``stats`` (four passes over the store: by marking, statements, entities, datasets);
- ``export``-like: one full pass over every statement;
- a full pass, then 1,000 entities read one by one (ids kept: none, the cells are whole);
- 1,000 entities one by one and the id statements of every entity (no full pass: the ids
  of what was read are kept).

``--db`` keeps the generated store for a second run (e.g. with another checkout on
PYTHONPATH, to compare with the counting before).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from cupula.access.reading import Reading  # noqa: E402
from cupula.access.viewer import Viewer  # noqa: E402
from cupula.demo.bulk import write_bulk_ftm  # noqa: E402
from cupula.ingest import ingest  # noqa: E402
from cupula.store import Store  # noqa: E402
from cupula.store.tables import statement_table  # noqa: E402
from cupula.summary import summarize  # noqa: E402

S = statement_table.c
MARKINGS = [
    ("CO-DIJIN", "CONFIDENTIAL REL TO USA H2 B2"),
    ("US-DEA", "SECRET H1 A2"),
    ("ES-SEPBLAC", "RESTRICTED REL TO COL,USA H0 B3"),
    ("NL-POLITIE", "RESTRICTED REL TO USA,ESP H0 A1"),
]


def build(path: Path, statements: int) -> None:
    with tempfile.TemporaryDirectory(prefix="cupula-bench-") as tmp:
        data = Path(tmp) / "bulk.ftm.jsonl"
        write_bulk_ftm(data, statements // len(MARKINGS))
        store = Store.open(str(path))
        for n, (agency, marking) in enumerate(MARKINGS):
            ingest(store, data, dataset=f"d{n}", agency=agency, marking=marking)
        store.close()


def stats(reading: Reading) -> int:
    return int(summarize(reading.view())["statements"])


def full_pass(reading: Reading) -> int:
    return sum(1 for _ in reading.view().statements())


def full_then_entities(reading: Reading) -> int:
    view = reading.view()
    count = sum(1 for _ in view.statements())
    for entity_id in view.entity_ids(["Person"])[:1000]:
        view.entity(entity_id)
    return count


SCHEMATA = ["Person", "Company", "Payment", "Communication", "Ownership"]


def entities_only(reading: Reading) -> int:
    view = reading.view()
    ids = view.entity_ids(SCHEMATA)
    given = {s.id for entity_id in ids[:1000] for s in view.statements(entity_id=entity_id)}
    # and the id statement of every entity listed, counted here straight from the table
    query = select(S.id).where(S.prop == "id", S.schema.in_(SCHEMATA))
    with reading.store.engine.connect() as conn:
        given.update(conn.execute(query).scalars())
    return len(given)


def run(store: Store, name: str, read: Callable[[Reading], int]) -> None:
    reading = Reading(store, Viewer.local_admin(), "bench")
    start = time.perf_counter()
    said = read(reading)
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    logged, originators = reading.statements(), reading.originators()
    count_s = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{name:22} read {read_s:6.2f} s | audit count {count_s:5.3f} s | logged {logged:>9,}"
        f" | the command read {said:>9,} | by originator {originators} | peak RSS {rss:,.0f} MB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="keep (or reuse) the store here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cupula-bench-") as tmp:
        path = args.db or Path(tmp) / "s.db"
        if not path.exists():
            start = time.perf_counter()
            build(path, args.statements)
            print(f"built {path} in {time.perf_counter() - start:.0f} s", flush=True)
        store = Store.open(str(path))
        run(store, "stats", stats)
        run(store, "full pass", full_pass)
        run(store, "full pass + 1k entities", full_then_entities)
        run(store, "1k entities + ids", entities_only)
        store.close()


if __name__ == "__main__":
    main()
