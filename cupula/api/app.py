"""``create_app``: the FastAPI application over one store.

Every route but login takes a ``Reading`` (``api.context``): the viewer (session cookie
or API token), the stated purpose (header ``X-Purpose`` or ``?purpose=``) and the views
it opened; when the request ends, one audit entry records who asked what, why, the
outcome and how many statements of which originator it was given.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request, Response
from pydantic import BaseModel, Field

from cupula.access import audit
from cupula.api import errors
from cupula.api.auth import CSRF_COOKIE, SESSION_COOKIE, LoginThrottle, log_in
from cupula.api.context import Ctx
from cupula.api.reads import entity_values, leader_ranking, search_names
from cupula.resolve.judgements import Verdict
from cupula.resolve.service import clusters_for, judge_seen
from cupula.store import Store
from cupula.web import pages

SECRET_ENV = "CUPULA_SECRET"


class Credentials(BaseModel):
    user: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class JudgementIn(BaseModel):
    left: str = Field(min_length=1, max_length=255)
    right: str = Field(min_length=1, max_length=255)
    verdict: Verdict
    note: str | None = Field(default=None, max_length=2000)


def create_app(db: str | None = None, *, secret: bytes | None = None) -> FastAPI:
    """The API over the store at ``db`` (default: ``CUPULA_DB`` or ./cupula.db). Sessions
    are signed with ``secret`` (default: ``CUPULA_SECRET``, else random per process)."""

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
    app.state.store = Store.open(db)
    env_secret = os.environ.get(SECRET_ENV)
    app.state.secret = secret or (env_secret.encode() if env_secret else secrets.token_bytes(32))
    app.state.throttle = LoginThrottle()
    errors.install(app)

    @app.post("/api/login", tags=["session"])
    def login_route(body: Credentials, request: Request, response: Response) -> dict[str, Any]:
        """Log in with a password; sets the session cookie; returns the CSRF token."""
        viewer, token = log_in(app.state.store, app.state.secret, app.state.throttle,
                               request, response, body.user, body.password)  # fmt: skip
        audit.append(app.state.store, viewer, "api login", {"outcome": "ok"}, purpose=None)
        return {"user": viewer.user, "agency": viewer.agency, "csrf": token}

    @app.post("/api/logout", tags=["session"])
    def logout(ctx: Ctx, response: Response) -> dict[str, str]:
        response.delete_cookie(SESSION_COOKIE)
        response.delete_cookie(CSRF_COOKIE)
        return {"user": ctx.viewer.user}

    @app.get("/api/me", tags=["session"])
    def me(ctx: Ctx) -> dict[str, Any]:
        v = ctx.viewer
        return {
            "user": v.user,
            "agency": v.agency,
            "country": v.country,
            "clearance": v.clearance.name,
            "roles": sorted(v.roles),
            "cases": sorted(v.cases),
        }

    @app.get("/api/search", tags=["entities"])
    def search(
        ctx: Ctx,
        q: Annotated[str, Query(min_length=1, max_length=200)],
        limit: Annotated[int, Query(ge=1, le=50)] = 10,
        dataset: Annotated[list[str] | None, Query()] = None,
    ) -> list[dict[str, Any]]:
        """Entities whose names match ``q`` in any script (the screening engine)."""
        return search_names(ctx.view(dataset), q, limit)

    @app.get("/api/entities/{entity_id}", tags=["entities"])
    def entity(ctx: Ctx, entity_id: str) -> dict[str, Any]:
        """Every value of the entity you may see, with its source, marking and grading."""
        return entity_values(ctx.view(), entity_id)

    @app.get("/api/leaders", tags=["analysis"])
    def leaders(
        ctx: Ctx,
        dataset: Annotated[list[str] | None, Query()] = None,
        top: Annotated[int, Query(ge=1, le=200)] = 20,
    ) -> dict[str, Any]:
        """The people most likely at the top, with reasons (`cupula leaders`)."""
        return leader_ranking(ctx.view(dataset), top=top)

    @app.get("/api/clusters", tags=["resolution"])
    def clusters(ctx: Ctx, merged_only: bool = True) -> list[list[str]]:
        """Clusters of the last `cupula resolve` on what you may see."""
        result = clusters_for(ctx.store, ctx.view())
        return result.merged() if merged_only else result.members

    @app.post("/api/judgements", tags=["resolution"])
    def add_judgement(ctx: Ctx, body: JudgementIn) -> dict[str, Any]:
        """Judge two entities you may see: same, different, unsure, retracted (undo)."""
        item = judge_seen(ctx.store, ctx.view(), body.left, body.right, body.verdict, body.note)
        return {"left": item.left, "right": item.right, "verdict": item.verdict.value,
                "user": item.user, "at": item.at}  # fmt: skip

    pages.install(app)
    return app
