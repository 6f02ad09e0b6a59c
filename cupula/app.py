"""``create_app``: the workbench over one store — the API's routers (``cupula.api``), the
pages and their files (``cupula.web``), over the request plumbing both share
(``cupula.http``: who is asking, the audit entry, the error map, the reads).

Every route but login takes a ``Reading`` (``http.context``): the viewer (session cookie
or API token), the stated purpose (header ``X-Purpose`` or ``?purpose=``) and the views
it opened; when the request ends, one audit entry records who asked what, why, the
outcome and how many statements of which originator it was given.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI

from cupula import api, web
from cupula.http import errors, proxies, state
from cupula.http.gate import UploadGate
from cupula.http.upload import MAX_BYTES


def create_app(
    db: str | None = None,
    *,
    cache_size: int = 64,
    upload_limit: int = MAX_BYTES,
    trusted_proxies: Sequence[str] | None = None,
    ahead: bool = False,
) -> FastAPI:
    """The workbench over the store at ``db`` (default: ``CUPULA_DB`` or ./cupula.db); login
    sessions are kept in the store. ``cache_size`` derived results (networks, name
    indexes) are kept (0: none); uploads over ``upload_limit`` bytes are refused;
    forwarded headers are believed from ``trusted_proxies`` only (default:
    ``CUPULA_TRUSTED_PROXIES``; none when unset). With ``ahead`` (a server), the
    leader ranking and key players of each view are computed ahead by a child process
    and read from the store (``precompute``); without, built on the first request."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.ahead is not None:
            app.state.ahead.start()
        try:
            yield
        finally:
            if app.state.ahead is not None:
                app.state.ahead.stop()
            app.state.store.close()

    app = FastAPI(
        title="cupula",
        version="0.1.0",
        lifespan=lifespan,
        description="Joint analysis of drug-trafficking networks, every fact marked.",
        openapi_url=None,  # served to logged-in users only (api.docs)
        docs_url=None,
        redoc_url=None,
    )
    state.install(app, db, cache_size=cache_size, upload_limit=upload_limit, ahead=ahead)
    errors.install(app)
    proxies.install(app, proxies.trusted_proxies(trusted_proxies))
    app.add_middleware(UploadGate)  # no body is read before its sender is known
    for router in (*api.ROUTERS, *web.ROUTERS):
        app.include_router(router)
    return app
