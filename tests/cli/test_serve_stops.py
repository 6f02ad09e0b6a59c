"""``cupula serve`` stops within 5 s of SIGTERM even while a request computes for minutes
(issue 18, item 4): the request thread cannot be cancelled, so the process ends itself
once the application has shut down. In one process and with two workers."""

from __future__ import annotations

import signal
import threading
import time
from contextlib import suppress
from pathlib import Path

import httpx
import pytest

from cupula.store import Store
from tests.api.test_api import two_partners
from tests.cli.serving_processes import children, serve

LIMIT_S = 5.0


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = str(tmp_path / "serve.db")
    store = Store.open(url)
    two_partners(store)
    store.close()
    return url


def search_in_background(base: str) -> threading.Thread:
    def ask() -> None:
        with httpx.Client(base_url=base, timeout=180) as client, suppress(httpx.HTTPError):
            answer = client.post("/api/login", json={"user": "pepe", "password": "pepe-pass-1"})
            headers = {"X-CSRF-Token": answer.json()["csrf"], "X-Purpose": "op-test"}
            client.get("/api/search", params={"q": "anyone"}, headers=headers)

    thread = threading.Thread(target=ask, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_stops_within_5_s_of_sigterm_during_a_long_computation(
    db: str, tmp_path: Path, workers: int
) -> None:
    with serve(db, tmp_path, workers=workers, slow_search=True) as (server, base):
        processes = [server.pid, *children(server.pid)]
        searching = search_in_background(base)
        time.sleep(2)  # logged in (a password hash) and well into the search
        assert searching.is_alive()
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        stopped = time.monotonic() - started
    assert stopped < LIMIT_S, f"stopped after {stopped:.1f} s"
    # its helpers (multiprocessing's resource tracker) end when the processes they serve
    # have ended, a moment after
    deadline = started + LIMIT_S + 2
    while [pid for pid in processes if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.05)
    left = {pid: Path(f"/proc/{pid}/cmdline").read_bytes() for pid in processes if alive(pid)}
    assert not left, "a process of the server outlived it"


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its parent to collect it does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_an_application_shut_down_without_a_signal_leaves_its_process_alone(db: str) -> None:
    from fastapi.testclient import TestClient

    from cupula.app import create_app
    from cupula.cli.workers import EXIT_AFTER_S, GRACE_S, ending_on_signals

    with TestClient(ending_on_signals(create_app(db))) as client:
        assert client.get("/login").status_code == 200
    time.sleep(GRACE_S + EXIT_AFTER_S + 0.5)  # this test's process would have ended by now
    assert threading.main_thread().is_alive()
