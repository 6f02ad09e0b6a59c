"""A load in a process of its own, with a time budget: what a server runs for an upload.

Reading and checking a file is CPU work in Python; in a server's thread it holds the GIL
that every other request needs, and a thread cannot be stopped. In a child process it
takes none of the server's time, a load over its budget is killed (its transaction dies
with it: the store stays as it was) and the caller is answered with a clear error, and a
server that stops ends its loads. SQLite (WAL) and PostgreSQL both take the child's
writes beside the server's reads; the store's data version sees the new load.

Children come from a fork server that has imported cupula once, so a load starts in
milliseconds instead of the seconds a fresh interpreter needs, and no child is forked
from a server's threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import pickle
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from cupula.errors import TooManyAttempts
from cupula.ingest.errors import IngestError
from cupula.ingest.loader import LoadResult, ingest
from cupula.store import Store

# Seconds a load over HTTP may take. The largest upload (512 MiB) loads in about a minute
# on a laptop; a load still running after this is stopped and answered with an error.
LOAD_BUDGET_S = 300.0
POLL_S = 0.02
NICE = 10  # added to a load process's niceness
CONTEXT = multiprocessing.get_context("forkserver")
CONTEXT.set_forkserver_preload(["cupula.ingest.isolated"])
_running: set[BaseProcess] = set()


# Loads running at once in one server: each takes a core (and up to its budget), so more
# than this would starve the server's readers; the next is asked to come back later.
MAX_CONCURRENT = 2


class LoadsBusy(TooManyAttempts):
    """As many loads as the server runs at once are running; try again shortly."""


class LoadTimedOut(IngestError):
    """A load that took longer than its budget; it was stopped and nothing was kept."""


def _portable(exc: BaseException) -> BaseException:
    """The exception itself if it crosses to the parent intact, else its text."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _watch(lifeline: Connection) -> None:
    """In the child: end it, uncommitted, when the server that asked for the load is gone
    (its end of the lifeline closes, however it ended: killed, crashed, stopped)."""
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv()
    os._exit(1)


def _load(
    url: str, path: str, options: dict[str, Any], answer: Connection, lifeline: Connection
) -> None:
    """In the child: open the store, load, send back ("ok", result) or ("error", exc)."""
    threading.Thread(target=_watch, args=(lifeline,), daemon=True).start()
    os.nice(NICE)  # the server's requests come first on a busy machine
    try:
        store = Store.open(url)
        try:
            result: Any = ("ok", ingest(store, path, **options))
        finally:
            store.close()
    except BaseException as exc:  # everything goes back to the parent, which raises it
        result = ("error", _portable(exc))
    answer.send(result)
    answer.close()


def _stop(process: BaseProcess) -> None:
    if process.is_alive():
        process.kill()
    process.join(timeout=5)
    _running.discard(process)


def stop_all() -> None:
    """End every load still running (a server that stops calls this)."""
    for process in list(_running):
        _stop(process)


async def load_isolated(
    store: Store, path: Path | str, *, budget: float | None = None, **options: Any
) -> LoadResult:
    """``ingest(store, path, **options)`` in a child process, awaited without blocking the
    event loop. Raises what ``ingest`` raises; ``LoadTimedOut`` after ``budget`` seconds
    (default ``LOAD_BUDGET_S``), the load stopped and nothing kept. Cancelling the caller
    (a server shutting down) stops the load too."""
    budget = LOAD_BUDGET_S if budget is None else budget
    if len(_running) >= MAX_CONCURRENT:  # checked and added on the event loop: no race
        raise LoadsBusy(
            f"{len(_running)} loads are running, the most this server runs at once; "
            "nothing was loaded: send the file again in a minute"
        )
    url = store.engine.url.render_as_string(hide_password=False)
    receive, send = CONTEXT.Pipe(duplex=False)
    lifeline, keep_alive = CONTEXT.Pipe(duplex=False)  # the child watches; we hold the end
    process = CONTEXT.Process(
        target=_load,
        args=(url, str(path), options, send, lifeline),
        name="cupula-load",
        daemon=True,
    )
    _running.add(process)
    try:
        await asyncio.to_thread(process.start)  # the first start launches the fork server
        send.close()
        lifeline.close()
        deadline = time.monotonic() + budget
        while not receive.poll():
            if not process.is_alive() and not receive.poll():
                raise RuntimeError(f"the load process ended without an answer ({process.exitcode})")
            if time.monotonic() > deadline:
                raise LoadTimedOut(
                    Path(path).name,
                    f"the load took longer than {budget:g} s, the most a load over HTTP may "
                    "take; it was stopped and nothing was loaded (load large files with "
                    "`cupula ingest`)",
                )
            await asyncio.sleep(POLL_S)
        status, payload = receive.recv()
    finally:
        receive.close()
        _stop(process)
        keep_alive.close()
    if status == "error":
        raise payload
    assert isinstance(payload, LoadResult)
    return payload
