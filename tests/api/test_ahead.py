"""A server computes the leader ranking and key players ahead: a fresh server answers
"being computed" (503, Retry-After) instead of making the analyst wait, then the stored
result, with the same audit counts as a result built on the request; it stops within
5 s of SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from cupula.access import audit
from cupula.app import create_app
from cupula.ingest import ingest
from cupula.precompute import Background, compute_ahead
from cupula.store import Store
from cupula.store.tables import load_table
from tests.api.test_workbench import PURPOSE, SHARED, db, entity, log_in, write
from tests.conftest import ADMIN

__all__ = ["db"]  # the fixture, shared with the workbench's tests
ROOT = Path(__file__).resolve().parents[2]
MESSAGE = (
    "the leader ranking of your view is being computed (0 of 1 views done); try again in a minute"
)


def last_audit(db: str) -> audit.Entry:
    store = Store.open(db)
    try:
        return audit.entries(store)[-1]
    finally:
        store.close()


def test_a_fresh_server_says_being_computed_then_answers_from_the_store(db: str) -> None:
    # no lifespan: the child process is not started, the test computes in its place
    client = TestClient(create_app(db, ahead=True))
    log_in(client, "pepe")
    first = client.get("/api/leaders", headers=PURPOSE)
    assert first.status_code == 503
    assert first.headers["Retry-After"] == "60"
    assert first.json() == {"error": "BeingComputed", "detail": MESSAGE}
    page = client.get("/leaders?purpose=op-test")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "60"
    assert '<meta http-equiv="refresh" content="60">' in page.text
    assert "is being computed (0 of 1 views done)" in page.text

    store = Store.open(db)
    try:
        assert compute_ahead(store) == 2  # ana; pepe and sara share one view
    finally:
        store.close()
    ahead = client.get("/api/leaders", headers=PURPOSE)
    assert ahead.status_code == 200
    counted = last_audit(db)

    inline_client = TestClient(create_app(db))  # built on the request, as before
    log_in(inline_client, "pepe")
    inline = inline_client.get("/api/leaders", headers=PURPOSE)
    assert inline.status_code == 200
    assert ahead.json() == inline.json()
    built = last_audit(db)
    assert (counted.statements, counted.originators) == (built.statements, built.originators)
    assert counted.statements > 0
    graph = client.get("/api/graph?entity=p1", headers=PURPOSE)
    assert graph.status_code == 200, graph.text


def test_after_a_load_the_page_shows_the_previous_ranking_with_its_age(
    db: str, tmp_path: Path
) -> None:
    client = TestClient(create_app(db, ahead=True))
    log_in(client, "pepe")
    store = Store.open(db)
    try:
        compute_ahead(store)
        calls = [entity("p9", "Person", name="Nuevo Contacto"),
                 entity("t9", "Communication", initiator="p1", receiver="p9")]  # fmt: skip
        ingest(store, write(tmp_path / "more.jsonl", calls), by=ADMIN, dataset="co-shared",
               agency="CO-DIJIN", marking=SHARED)  # fmt: skip
        since = audit_free_last_load(store)
    finally:
        store.close()
    page = client.get("/leaders?purpose=op-test")
    assert page.status_code == 200
    assert f"stale since a load at {since}" in page.text
    assert "(0 of 1 views done)" in page.text  # pepe's view asked for again
    answer = client.get("/api/leaders", headers=PURPOSE)
    assert answer.status_code == 200
    assert answer.json()["age"]["stale_since"] == since
    assert answer.json()["age"]["progress"] == "0 of 1"
    assert "p9" not in answer.text  # the ranking computed before the load


def audit_free_last_load(store: Store) -> str:
    with store.engine.connect() as conn:
        return str(conn.execute(select(func.max(load_table.c.finished))).scalar())


def test_the_servers_child_process_computes_them(db: str) -> None:
    with TestClient(create_app(db, ahead=True)) as client:
        log_in(client, "ana")
        deadline = time.monotonic() + 90
        while (answer := client.get("/api/leaders", headers=PURPOSE)).status_code == 503:
            assert time.monotonic() < deadline, answer.text
            time.sleep(0.5)
        assert answer.status_code == 200, answer.text
        assert answer.json()["leaders"][0]["entity_id"] == "p1"
        child = client.app.state.ahead  # type: ignore[attr-defined]
        assert child.alive
    assert not child.alive  # stopped with the app


def busy_forever(db: str, wake: object, stop: object) -> None:
    """A child that never looks at its stop event (a ranking deep in igraph)."""
    while True:
        time.sleep(1)


def test_a_busy_child_is_stopped_within_seconds(tmp_path: Path) -> None:
    child = Background(str(tmp_path / "x.db"), target=busy_forever)
    child.start()
    started = time.monotonic()
    child.stop()
    assert time.monotonic() - started < 3
    assert not child.alive


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_server_stops_within_5_s_of_sigterm(db: str) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "cupula.cli", "--db", db, "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        time.sleep(1)  # the child process is computing ahead by now
        sent = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
        assert time.monotonic() - sent < 5
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
