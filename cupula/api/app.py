"""``create_app``: the FastAPI application over one store.

Every route but login takes a ``Context``: the viewer (session cookie or API token),
the stated purpose (header ``X-Purpose`` or ``?purpose=``) and the views it opened;
when the request ends, one audit entry records who asked what, why, the outcome and how
many statements of which originator it was given.
"""

from __future__ import annotations

import os
import secrets
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request, Response
from pydantic import BaseModel, Field

from cupula.access import audit
from cupula.access.viewer import Viewer
from cupula.api import errors
from cupula.api.auth import CSRF_COOKIE, SESSION_COOKIE, LoginThrottle, log_in, viewer_of
from cupula.api.errors import NotFound
from cupula.graph.analysis import network_of
from cupula.graph.leaders import LeaderOptions, rank_leaders
from cupula.graph.temporal import Window
from cupula.resolve.engine import ResolveOptions
from cupula.resolve.judgements import Verdict, judge
from cupula.resolve.records import make_record
from cupula.resolve.screening import screen
from cupula.resolve.service import clusters_for
from cupula.store import Store, View

SECRET_ENV = "CUPULA_SECRET"


@dataclass
class Context:
    store: Store
    viewer: Viewer
    purpose: str | None
    views: list[View] = field(default_factory=list)

    def view(self, datasets: list[str] | None = None) -> View:
        view = self.store.view(self.viewer, datasets=datasets or None, purpose=self.purpose)
        self.views.append(view)
        return view

    def originators(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for view in self.views:
            total.update(view.originators())
        return dict(total)


def context(request: Request) -> Iterator[Context]:
    store: Store = request.app.state.store
    viewer = viewer_of(store, request.app.state.secret, request)
    purpose = request.headers.get("x-purpose") or request.query_params.get("purpose")
    ctx = Context(store, viewer, purpose)
    outcome = "ok"
    try:
        yield ctx
    except Exception as exc:
        outcome = f"refused: {exc}"
        raise
    finally:
        route = request.scope.get("route")
        action = f"api {request.method} {getattr(route, 'path', request.url.path)}"
        query = {"path": request.url.path, **dict(request.query_params), "outcome": outcome}
        audit.append(
            store,
            viewer,
            action,
            query,
            purpose=purpose,
            statements=sum(sum(v.usage.values()) for v in ctx.views),
            originators=ctx.originators(),
        )


Ctx = Annotated[Context, Depends(context)]


class Credentials(BaseModel):
    user: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class JudgementIn(BaseModel):
    left: str = Field(min_length=1, max_length=255)
    right: str = Field(min_length=1, max_length=255)
    verdict: Verdict
    note: str | None = Field(default=None, max_length=2000)


def _entity(view: View, entity_id: str) -> dict[str, Any]:
    """Every value of an entity with its source, marking and grading."""
    markings = view.markings()
    statements = list(view.statements(entity_id=entity_id))
    if not statements:
        raise NotFound(f"no entity {entity_id!r} among what you may see")
    entity = view.entity(entity_id)
    assert entity is not None
    values = [
        {
            "property": s.prop,
            "value": s.value,
            "dataset": s.dataset,
            "marking": str(markings[s.marking_id]) if s.marking_id in markings else None,
            "reliability": markings[s.marking_id].reliability if s.marking_id in markings else None,
            "credibility": markings[s.marking_id].credibility if s.marking_id in markings else None,
            "origin": s.origin,
            "first_seen": s.first_seen,
        }
        for s in statements
        if s.prop != "id"
    ]
    return {"id": entity_id, "schema": entity.schema.name, "caption": entity.caption,
            "values": values}  # fmt: skip


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
        query = make_record("query:1", "LegalEntity", names=[q])
        hits = screen(ctx.view(dataset), [(1, {"name": q}, query)],
                      options=ResolveOptions(match=0.9, review=0.05), top=limit)  # fmt: skip
        return [{"entity_id": h.entity_id, "name": h.name, "probability": round(h.probability, 4)}
                for h in hits[0].hits]  # fmt: skip

    @app.get("/api/entities/{entity_id}", tags=["entities"])
    def entity(ctx: Ctx, entity_id: str) -> dict[str, Any]:
        """Every value of the entity you may see, with its source, marking and grading."""
        return _entity(ctx.view(), entity_id)

    @app.get("/api/leaders", tags=["analysis"])
    def leaders(
        ctx: Ctx,
        dataset: Annotated[list[str] | None, Query()] = None,
        top: Annotated[int, Query(ge=1, le=200)] = 20,
    ) -> dict[str, Any]:
        """The people most likely at the top, with reasons (`cupula leaders`)."""
        cut = network_of(ctx.view(dataset), window=Window(), kinds=None)
        if cut.network.m == 0:
            raise NotFound("no ties to analyse among what you may see")
        return rank_leaders(cut.network, options=LeaderOptions(top=top)).as_dict()

    @app.get("/api/clusters", tags=["resolution"])
    def clusters(ctx: Ctx, merged_only: bool = True) -> list[list[str]]:
        """Clusters of the last `cupula resolve` on what you may see."""
        result = clusters_for(ctx.store, ctx.view())
        return result.merged() if merged_only else result.members

    @app.post("/api/judgements", tags=["resolution"])
    def add_judgement(ctx: Ctx, body: JudgementIn) -> dict[str, Any]:
        """Judge two entities you may see: same, different, unsure, retracted (undo)."""
        view = ctx.view()
        for entity_id in (body.left, body.right):
            if view.entity(entity_id) is None:
                raise NotFound(f"no entity {entity_id!r} among what you may see")
        item = judge(ctx.store, ctx.viewer, body.left, body.right, body.verdict, body.note)
        return {"left": item.left, "right": item.right, "verdict": item.verdict.value,
                "user": item.user, "at": item.at}  # fmt: skip

    return app
