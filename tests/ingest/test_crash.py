"""A load killed with SIGKILL half-way leaves the store as it was before that load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from cupula.demo.bulk import write_bulk_ftm
from cupula.store import Store
from cupula.summary import summarize
from tests.conftest import DATA, seen

CUPULA = [sys.executable, "-m", "cupula.cli"]
MARKING = "RESTRICTED ORIG CO-DIJIN"


def writing_started(db_url: str, wal: Path) -> bool:
    """True once the loader is inside its transaction, writing statements."""
    if "://" not in db_url:
        return wal.exists() and wal.stat().st_size > 4_000_000
    store = Store.open(db_url)
    try:
        with store.engine.connect() as conn:
            # a backend of this database holding a transaction id has written in its
            # transaction (statements, or the indexes beside them: whichever the poll meets)
            active = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND backend_xid IS NOT NULL "
                    "AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        return bool(active)
    finally:
        store.close()


def test_kill_9_mid_load_changes_nothing(db_url: str, tmp_path: Path) -> None:
    store = Store.open(db_url)
    base = DATA / "opensanctions" / "eu_fsf_sample_t1.ftm.jsonl"
    subprocess.run(
        [
            *CUPULA,
            "--db",
            db_url,
            "ingest",
            str(base),
            "--dataset",
            "base",
            "--agency",
            "CO-DIJIN",
            "--marking",
            MARKING,
        ],
        check=True,
        capture_output=True,
    )
    before = summarize(seen(store))
    loads_before = seen(store).loads()
    store.close()

    big = tmp_path / "big.ftm.jsonl"
    write_bulk_ftm(big, 1_500_000)
    proc = subprocess.Popen(
        [
            *CUPULA,
            "--db",
            db_url,
            "ingest",
            str(big),
            "--dataset",
            "big",
            "--agency",
            "CO-DIJIN",
            "--marking",
            MARKING,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    wal = Path(db_url + "-wal")
    while not writing_started(db_url, wal):
        assert proc.poll() is None, "the load finished before it could be killed"
        assert time.monotonic() < deadline, "the load never started writing"
        time.sleep(0.05)
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL

    store = Store.open(db_url)
    try:
        assert summarize(seen(store)) == before
        assert seen(store).loads() == loads_before
        if store.backend == "sqlite":
            with store.engine.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        # and the store takes the same load afterwards
        result = subprocess.run(
            [
                *CUPULA,
                "--db",
                db_url,
                "ingest",
                str(base),
                "--dataset",
                "base2",
                "--agency",
                "CO-DIJIN",
                "--marking",
                MARKING,
            ],
            capture_output=True,
            check=True,
        )
        assert result.returncode == 0
        assert summarize(seen(store, datasets=["base2"]))["statements"] == before["statements"]
    finally:
        store.close()
