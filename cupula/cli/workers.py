"""The workbench in one or several server processes, and how they stop.

Several processes (``cupula serve --workers N``) share everything through the store:
login sessions and their CSRF tokens live in it (``access.sessions``), no secret is
kept in a process, and the audit chain takes each process's appends in turn (the
database's unique key, then a retry). Each process is told the store by ``CUPULA_DB``
and its trusted proxies by ``CUPULA_TRUSTED_PROXIES``: uvicorn starts it afresh and
builds the application with ``workbench()``.

Stopping: on SIGTERM uvicorn stops accepting, waits ``GRACE_S`` for running requests,
then cancels them. A request computing in a thread cannot be cancelled: uvicorn and then
the interpreter's exit would wait for it (a ranking of a large store took minutes). So a
server process that is sent SIGTERM or SIGINT and is still alive ``EXIT_AFTER_S`` after
the grace ends itself, its load processes first. Only a signal arms this: an application
shut down any other way (a test's client) leaves its process alone.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import FrameType
from typing import Any

from fastapi import FastAPI

from cupula.store.engine import DB_ENV, resolve_url

GRACE_S = 3  # seconds running requests get after SIGTERM before they are cancelled
EXIT_AFTER_S = 0.5  # after the grace, a process still alive ends itself
PROXIES_ENV = "CUPULA_TRUSTED_PROXIES"


def _end_later(seconds: float) -> None:
    """End this process in ``seconds`` unless it has ended by itself."""
    from cupula.ingest.isolated import stop_all

    def end() -> None:
        time.sleep(seconds)
        stop_all()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)  # a request thread still computing holds the normal exit

    threading.Thread(target=end, name="cupula-exit", daemon=True).start()


def _arm_on_signals() -> None:
    """Make uvicorn's own SIGTERM/SIGINT handler (installed while it serves) also end the
    process after the grace; nothing when the application is not served by uvicorn."""
    import uvicorn

    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGINT):
        handler = signal.getsignal(signum)
        if not isinstance(getattr(handler, "__self__", None), uvicorn.Server):
            continue

        def on_signal(sig: int, frame: FrameType | None, handler: Any = handler) -> None:
            _end_later(GRACE_S + EXIT_AFTER_S)
            handler(sig, frame)

        signal.signal(signum, on_signal)


def ending_on_signals(app: FastAPI) -> FastAPI:
    """``app`` whose server process ends on time after a signal (see the module's note)."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        _arm_on_signals()  # at startup, on the event loop's (main) thread, inside serve
        async with inner(application) as state:
            yield state

    app.router.lifespan_context = lifespan
    return app


def workbench() -> FastAPI:
    """The application of one server process (uvicorn's factory, in each worker)."""
    from cupula.app import create_app

    proxies = os.environ.get(PROXIES_ENV, "")
    app = create_app(
        os.environ.get(DB_ENV), trusted_proxies=[p for p in proxies.split(",") if p], ahead=True
    )
    return ending_on_signals(app)


def run(db: str | None, *, host: str, port: int, workers: int, proxies: list[str]) -> None:
    """Serve the workbench on ``host:port`` in ``workers`` processes (1: this one)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from cupula.app import create_app
    from cupula.ingest.isolated import stop_all
    from cupula.store import Store

    if workers > 1:
        # Migrate once, here, rather than in every worker at the same moment; the workers
        # are new processes and learn the store and proxies from their environment.
        Store.open(db).close()
        os.environ[DB_ENV] = resolve_url(db)
        os.environ[PROXIES_ENV] = ",".join(proxies)
        app: Any = "cupula.cli.workers:workbench"
    else:
        app = ending_on_signals(create_app(db, trusted_proxies=proxies, ahead=True))
    config = uvicorn.Config(
        app,
        factory=workers > 1,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        # proxy_headers off: uvicorn would believe X-Forwarded-For from 127.0.0.1; the app
        # reads forwarded headers itself, from the trusted proxies only (http.proxies)
        proxy_headers=False,
        timeout_graceful_shutdown=GRACE_S,
    )
    try:
        if workers > 1:
            Multiprocess(config, sockets=[config.bind_socket()]).run()
        else:
            uvicorn.Server(config).run()
    finally:
        stop_all()
