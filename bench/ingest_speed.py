"""Benchmark: statements per second loaded, and peak memory, by file size and backend.

    .venv/bin/python bench/ingest_speed.py                      # SQLite, 250k..1M
    .venv/bin/python bench/ingest_speed.py --sizes 1000000 2000000 --pg postgresql://...

Each load runs in its own process (``cupula ingest``), so its peak resident memory is
its own (``os.wait4``). Beside it, in the same run and on the same file, the reference
path a developer would write with followthemoney alone: ``EntityProxy.from_dict``
(cleaning every value), ``Statement.from_entity``, and SQLAlchemy Core executemany of
``Statement.to_db_row()`` dicts into a plain statement table (as nomenklatura's SQL
store does). Figures, not pass/fail: this is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cupula.demo.bulk import write_bulk_ftm  # noqa: E402
from cupula.store.engine import resolve_url  # noqa: E402

REFERENCE = r"""
import sys, time, orjson
from sqlalchemy import Boolean, Column, DateTime, MetaData, String, Table, Text, create_engine
from followthemoney import model
from followthemoney.statement import Statement
path, url = sys.argv[1], sys.argv[2]
meta = MetaData()
table = Table("statement", meta, Column("id", String(255), primary_key=True),
    Column("entity_id", String(255), index=True), Column("canonical_id", String(255)),
    Column("prop", String(255)), Column("prop_type", String(255)), Column("schema", String(255)),
    Column("value", Text), Column("original_value", Text), Column("dataset", String(255)),
    Column("lang", String(16)), Column("origin", String(255)), Column("external", Boolean),
    Column("first_seen", DateTime), Column("last_seen", DateTime))
engine = create_engine(url)
meta.create_all(engine)
t = time.perf_counter()
batch, n = [], 0
with engine.begin() as conn:
    with open(path, "rb") as fh:
        for line in fh:
            entity = model.get_proxy(orjson.loads(line), cleaned=False)
            for stmt in Statement.from_entity(entity, "bulk", first_seen="2026-01-01T00:00:00"):
                batch.append(stmt.to_db_row())
            if len(batch) >= 10000:
                conn.execute(table.insert(), batch); n += len(batch); batch = []
    if batch:
        conn.execute(table.insert(), batch); n += len(batch)
print(n, time.perf_counter() - t)
"""


def run_measured(cmd: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MiB, and stdout of a child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed:\n{err}")
    return elapsed, usage.ru_maxrss // 1024, out


def fresh_pg(url: str, name: str) -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(url)
    with psycopg.connect(
        host=base.host, port=base.port, user=base.username, dbname=base.database, autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.set(database=name).render_as_string(hide_password=False)


def report(what: str, backend: str, statements: int, seconds: float, rss: int) -> dict[str, Any]:
    """One measured load, printed as it comes."""
    row = {
        "what": what,
        "backend": backend,
        "statements": statements,
        "seconds": round(seconds, 2),
        "per_second": round(statements / seconds),
        "peak_rss_mib": rss,
    }
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250_000, 500_000, 1_000_000])
    parser.add_argument("--pg", help="PostgreSQL server URL (a database per run is created)")
    parser.add_argument("--no-reference", action="store_true", help="skip the FtM reference")
    parser.add_argument("--repeat", type=int, default=1, help="loads per size and backend")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    cupula = [sys.executable, "-m", "cupula.cli"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="cupula-bench-") as tmp:
        for size in args.sizes:
            data = Path(tmp) / f"bulk{size}.ftm.jsonl"
            statements = write_bulk_ftm(data, size)
            targets = [("sqlite", str(Path(tmp) / f"s{size}.db"))]
            if args.pg:
                targets.append(("postgresql", fresh_pg(args.pg, f"cupula_bench_{size}")))
            for backend, url in targets:
                for attempt in range(args.repeat):
                    if attempt:  # a fresh store for every repeat
                        url = (
                            str(Path(tmp) / f"s{size}-{attempt}.db")
                            if backend == "sqlite"
                            else fresh_pg(args.pg, f"cupula_bench_{size}_{attempt}")
                        )
                    register = ["admin", "agency", "add", "CO-DIJIN", "--country", "COL"]
                    run_measured([*cupula, "--db", url, *register, "--name", "DIJIN"])
                    seconds, rss, _ = run_measured(
                        [
                            *cupula,
                            "--db",
                            url,
                            "ingest",
                            str(data),
                            "--dataset",
                            "bulk",
                            "--agency",
                            "CO-DIJIN",
                            "--marking",
                            "RESTRICTED REL TO ESP H1 B2",
                        ]
                    )
                    rows.append(report("cupula ingest", backend, statements, seconds, rss))
                if args.no_reference:
                    continue
                if backend == "sqlite":
                    ref_url = f"sqlite:///{Path(tmp) / f'r{size}.db'}"
                else:
                    ref_url = resolve_url(fresh_pg(args.pg, f"cupula_ref_{size}"))
                seconds, rss, out = run_measured(
                    [sys.executable, "-c", REFERENCE, str(data), ref_url]
                )
                written = int(out.split()[0])
                rows.append(report("FtM + SQLAlchemy reference", backend, written, seconds, rss))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
