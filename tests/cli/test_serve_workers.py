"""``cupula serve --workers 2`` (issue 18, item 4): the processes share the login sessions
through the store (no secret to set: a session opened on one worker is good on the
other), 200 concurrent requests all succeed, and the audit chain both processes appended
to verifies afterwards."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import func, select

from cupula.store import Store
from cupula.store.tables import audit_table
from tests.api.test_api import db  # noqa: F401  (the fixture: two partners and their facts)
from tests.cli.serving_processes import ROOT, children, serve

REQUESTS = 200
PURPOSE = {"X-Purpose": "op-test"}


def audit_entries(url: str) -> int:
    store = Store.open(url)
    try:
        with store.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(audit_table)).scalar_one())
    finally:
        store.close()


def test_two_workers_share_sessions_and_keep_the_audit_chain(
    db: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    before = audit_entries(db)
    with serve(db, tmp_path, workers=2, worker_header=True) as (server, base):
        assert len([p for p in children(server.pid) if Path(f"/proc/{p}").exists()]) >= 2
        with httpx.Client(base_url=base, timeout=60) as login:
            answer = login.post("/api/login", json={"user": "ana", "password": "ana-pass-1"})
            assert answer.status_code == 200, answer.text
            cookies = dict(login.cookies)
            headers = {"X-CSRF-Token": answer.json()["csrf"], **PURPOSE}

        # a new connection per request: uvicorn's workers share one listening socket, so
        # connections land on either process
        def ask(i: int) -> tuple[int, str]:
            path = "/api/search" if i % 2 else "/api/entities/p1"
            params = {"q": "Restrepo"} if i % 2 else {}
            with httpx.Client(base_url=base, timeout=60, cookies=cookies) as client:
                answer = client.get(path, params=params, headers=headers)
                return answer.status_code, answer.headers.get("x-test-worker", "?")

        with ThreadPoolExecutor(max_workers=20) as pool:
            answers = list(pool.map(ask, range(REQUESTS)))
        statuses = Counter(status for status, _ in answers)
        by_worker = Counter(worker for _, worker in answers)
        # a request that changes something (CSRF checked against the session in the store)
        with httpx.Client(base_url=base, timeout=60, cookies=cookies) as client:
            assert client.post("/api/logout", headers=headers).status_code in (200, 204)
    assert statuses == Counter({200: REQUESTS})
    assert len(by_worker) == 2, by_worker  # both processes answered
    assert audit_entries(db) >= before + REQUESTS
    verify = subprocess.run(
        [sys.executable, "-m", "cupula.cli", "--db", db, "audit", "verify"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr
