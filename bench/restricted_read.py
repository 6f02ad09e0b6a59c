"""Benchmark: reading every statement of a 1M-statement store as a restricted viewer,
beside the unrestricted read of the same store in the same run (target: <= 1.3x).

    .venv/bin/python bench/restricted_read.py [--statements 1000000] [--pg URL]

The store holds the generated file loaded four times under four markings (different
originators, classifications and REL TO). Three readers: the local administrator (no
filter at all), a DEA analyst cleared for everything in it (the filter applied, nothing
removed: the filter's own cost), and a DIJIN analyst who may see half.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cupula.access.viewer import Role, Viewer  # noqa: E402
from cupula.demo.bulk import write_bulk_ftm  # noqa: E402
from cupula.ingest import ingest  # noqa: E402
from cupula.model.marking import Classification  # noqa: E402
from cupula.store import Store  # noqa: E402

MARKINGS = [
    ("CO-DIJIN", "CONFIDENTIAL REL TO USA H2 B2"),
    ("US-DEA", "SECRET H1 A2"),
    ("ES-SEPBLAC", "RESTRICTED REL TO COL,USA H0 B3"),
    ("NL-POLITIE", "RESTRICTED REL TO USA,ESP H0 A1"),
]


def read_all(store: Store, viewer: Viewer) -> tuple[float, int]:
    start = time.perf_counter()
    count = sum(1 for _ in store.view(viewer, purpose="bench").statements())
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--pg", help="a PostgreSQL database URL to use instead of SQLite")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cupula-bench-") as tmp:
        data = Path(tmp) / "bulk.ftm.jsonl"
        write_bulk_ftm(data, args.statements // len(MARKINGS))
        store = Store.open(args.pg or str(Path(tmp) / "s.db"))
        for n, (agency, marking) in enumerate(MARKINGS):
            ingest(store, data, dataset=f"d{n}", agency=agency, marking=marking)
        admin = Viewer.local_admin()
        dea = Viewer(
            user="mike",
            agency="US-DEA",
            country="USA",
            clearance=Classification.SECRET,
            roles=frozenset({Role.ANALYST}),
        )
        dijin = Viewer(
            user="ana",
            agency="CO-DIJIN",
            country="COL",
            clearance=Classification.CONFIDENTIAL,
            roles=frozenset({Role.ANALYST}),
        )
        for _ in range(args.repeat):
            full, n_full = read_all(store, admin)
            filtered, n_filtered = read_all(store, dea)
            half, n_half = read_all(store, dijin)
            print(
                f"{store.backend}: unrestricted {n_full:,} in {full:.2f} s | cleared viewer "
                f"{n_filtered:,} in {filtered:.2f} s ({filtered / full:.2f}x) | half-cleared "
                f"viewer {n_half:,} in {half:.2f} s ({half / full:.2f}x)",
                flush=True,
            )
        store.close()


if __name__ == "__main__":
    main()
