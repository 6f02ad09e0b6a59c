"""``cupula serve`` as a real process on a free port, for the tests of its workers and of
SIGTERM; optionally with a search that computes for minutes, or a header naming the
worker (a ``sitecustomize`` on the path patches each process uvicorn starts)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
SLOW_SEARCH = """
import time
import cupula.http.reads as reads

def search_names(*args, **kwargs):
    end = time.monotonic() + 120
    while time.monotonic() < end:  # Python work in a request thread: nothing cancels it
        sum(range(1000))
    return []

reads.search_names = search_names
"""
WORKER_HEADER = """
import os
import cupula.app

made = cupula.app.create_app

def create_app(*args, **kwargs):
    app = made(*args, **kwargs)

    @app.middleware("http")
    async def worker(request, call_next):
        response = await call_next(request)
        response.headers["x-test-worker"] = str(os.getpid())
        return response

    return app

cupula.app.create_app = create_app
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


@contextmanager
def serve(
    db: str,
    tmp_path: Path,
    *,
    workers: int = 1,
    slow_search: bool = False,
    worker_header: bool = False,
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Start ``cupula --db DB serve`` and wait until it answers; yield (process, base URL).
    ``worker_header``: each answer names the process that gave it (``X-Test-Worker``)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("CUPULA_SECRET", "CUPULA_DB")}
    path = [str(ROOT)]
    if slow_search or worker_header:
        hooks = tmp_path / "hooks"
        hooks.mkdir(exist_ok=True)
        code = (SLOW_SEARCH if slow_search else "") + (WORKER_HEADER if worker_header else "")
        (hooks / "sitecustomize.py").write_text(code)
        path.insert(0, str(hooks))
    env["PYTHONPATH"] = os.pathsep.join(path)
    command = [sys.executable, "-m", "cupula.cli", "--db", db, "serve", "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    log_path = tmp_path / f"serve-{port}.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/login", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise AssertionError("cupula serve did not start: " + log_path.read_text())
        if workers > 1:  # the first worker answered: wait for the others to be up too
            while (
                time.monotonic() < deadline
                and log_path.read_text().count("Application startup complete") < workers
            ):
                time.sleep(0.1)
        yield server, base
    finally:
        if server.poll() is None:
            for child in children(server.pid):
                os.kill(child, 9)
            server.kill()
        server.wait()
