"""``create_app``: the workbench over one store — the API's routers (``cupula.api``), the
pages and their files (``cupula.web``), over the request plumbing both share
(``cupula.http``: who is asking, the audit entry, the error map, the reads).

Every route but login takes a ``Reading`` (``http.context``): the viewer (session cookie
or API token), the stated purpose (header ``X-Purpose`` or ``?purpose=``) and the views
it opened; when the request ends, one audit entry records who asked what, why, the
outcome and how many statements of which originator it was given.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from cupula import api, web
from cupula.http import errors, state
from cupula.http.upload import MAX_BYTES


def create_app(
    db: str | None = None,
    *,
    secret: bytes | None = None,
    cache_size: int = 64,
    upload_limit: int = MAX_BYTES,
) -> FastAPI:
    """The workbench over the store at ``db`` (default: ``CUPULA_DB`` or ./cupula.db).
    Sessions are signed with ``secret`` (default: ``CUPULA_SECRET``, else random per
    process). ``cache_size`` derived results (networks, name indexes) are kept (0: none);
    uploads over ``upload_limit`` bytes are refused."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.store.close()

    app = FastAPI(
        title="cupula",
        version="0.1.0",
        lifespan=lifespan,
        description="Joint analysis of drug-trafficking networks, every fact marked.",
    )
    state.install(app, db, secret=secret, cache_size=cache_size, upload_limit=upload_limit)
    errors.install(app)
    for router in (*api.ROUTERS, *web.ROUTERS):
        app.include_router(router)
    return app
