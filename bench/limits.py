"""Benchmark: what one hostile long value costs the name keys and the search box.

    .venv/bin/python bench/limits.py                 # the code of this checkout
    CUPULA_ROOT=/path/to/other/checkout .venv/bin/python bench/limits.py   # another one

Times ``resolve.normalize.phonetic`` (rigour's metaphone behind it) on one token of
10k, 100k and 1M characters, then a first search (the name index built from the store,
then one query) on a store of 200 people and one whose name is ``"A" * 1_000_000``,
written straight into the store as a store loaded before the input limits holds it.
Figures, not pass/fail: this is not a test.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(os.environ.get("CUPULA_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))

from cupula.access.viewer import Viewer  # noqa: E402
from cupula.model.marking import Marking  # noqa: E402
from cupula.model.statement import make_statement, now_iso  # noqa: E402
from cupula.resolve.normalize import phonetic  # noqa: E402
from cupula.resolve.records import records_of  # noqa: E402
from cupula.resolve.search import NameIndex  # noqa: E402
from cupula.store import Store  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)
LONG = 1_000_000


def time_phonetic(size: int) -> float:
    token = "a" * size + str(time.time_ns())  # never a cached token
    started = time.perf_counter()
    phonetic(token)
    return time.perf_counter() - started


def time_search(folder: Path) -> float:
    store = Store.open(str(folder / "bench.db"))
    marking = Marking.parse("UNCLASSIFIED", originator="XX-BENCH")
    seen = now_iso()
    names = [f"Person {i} Escobar Gaviria" for i in range(200)] + ["A" * LONG]
    with store.writer() as writer:
        mid = writer.put_marking(marking)
        rows = []
        for i, name in enumerate(names):
            entity = f"p{i}"
            rows.append(make_statement(entity, "Person", "id", entity, "bench", mid, seen=seen))
            rows.append(make_statement(entity, "Person", "name", name, "bench", mid, seen=seen))
        writer.put_statements(rows)
    view = store.view(Viewer.local_admin())
    started = time.perf_counter()
    hits = NameIndex(records_of(view)).search("Escobar")
    elapsed = time.perf_counter() - started
    store.close()
    assert hits, "the search found nothing"
    return elapsed


def main() -> None:
    figures: dict[str, float] = {}
    for size in SIZES:
        figures[f"phonetic_{size}_s"] = round(time_phonetic(size), 6)
        print(f"phonetic, one token of {size:,} characters: {figures[f'phonetic_{size}_s']} s")
    with tempfile.TemporaryDirectory() as folder:
        figures["search_with_1m_name_s"] = round(time_search(Path(folder)), 3)
    print(f"first search on a store holding a {LONG:,}-character name: "
          f"{figures['search_with_1m_name_s']} s")  # fmt: skip
    print(json.dumps({"root": str(ROOT), **figures}))


if __name__ == "__main__":
    main()
