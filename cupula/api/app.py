"""``create_app``: the FastAPI application over one store.

Every route but login takes a ``Reading`` (``api.context``): the viewer (session cookie
or API token), the stated purpose (header ``X-Purpose`` or ``?purpose=``) and the views
it opened; when the request ends, one audit entry records who asked what, why, the
outcome and how many statements of which originator it was given.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import FastAPI, Form, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field

from cupula.access import audit
from cupula.api import docs, errors, proxies, reads
from cupula.api.auth import log_in, log_out
from cupula.api.context import Ctx
from cupula.api.throttle import LoginThrottle
from cupula.api.upload import MAX_BYTES, load_upload
from cupula.graph.network import KINDS
from cupula.ingest import Format, LoadOptions
from cupula.model.schemata import get_model
from cupula.resolve.judgements import Verdict
from cupula.resolve.service import clusters_for, judge_seen, judgements_of
from cupula.store import Store
from cupula.store.derived import Derived
from cupula.web import assets, pages

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
Kind = enum.StrEnum("Kind", {k.upper(): k for k in KINDS})  # type: ignore[misc]


class Credentials(BaseModel):
    user: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class JudgementIn(BaseModel):
    left: str = Field(min_length=1, max_length=255)
    right: str = Field(min_length=1, max_length=255)
    verdict: Verdict
    note: str | None = Field(default=None, max_length=2000)
    # who may see and use the judgement; default: see resolve.judgements.marking_for
    marking: str | None = Field(default=None, max_length=500)


def create_app(
    db: str | None = None,
    *,
    cache_size: int = 64,
    upload_limit: int = MAX_BYTES,
    trusted_proxies: Sequence[str] | None = None,
) -> FastAPI:
    """The API over the store at ``db`` (default: ``CUPULA_DB`` or ./cupula.db); login
    sessions are kept in the store. ``cache_size`` derived results (networks, name
    indexes) are kept (0: none); uploads over ``upload_limit`` bytes are refused;
    forwarded headers are believed from ``trusted_proxies`` only (default:
    ``CUPULA_TRUSTED_PROXIES``; none when unset)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
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
    get_model()  # FtM's schemata generated once, before requests arrive on many threads
    app.state.store = Store.open(db)
    app.state.throttle = LoginThrottle()
    app.state.derived = Derived(app.state.store.data_version, size=cache_size)
    app.state.upload_limit = upload_limit
    errors.install(app)
    proxies.install(app, proxies.trusted_proxies(trusted_proxies))
    docs.install(app)

    @app.post("/api/login", tags=["session"])
    def login_route(body: Credentials, request: Request, response: Response) -> dict[str, Any]:
        """Log in with a password; sets the session cookie; returns the CSRF token."""
        viewer, token = log_in(app.state.store, app.state.throttle, request, response,
                               body.user, body.password)  # fmt: skip
        audit.append(app.state.store, viewer, "api login", {"outcome": "ok"}, purpose=None)
        return {"user": viewer.user, "agency": viewer.agency, "csrf": token}

    @app.post("/api/logout", tags=["session"])
    def logout(ctx: Ctx, request: Request, response: Response) -> dict[str, str]:
        """End the session (its cookie stops working at once, everywhere)."""
        log_out(app.state.store, request, response)
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
        """Entities whose names match ``q`` in any script, best first (a ranking score,
        not a match probability: `cupula screen` gives those)."""
        return reads.search_names(ctx.view(dataset), app.state.derived, q, limit)

    @app.get("/api/entities/{entity_id}", tags=["entities"])
    def entity(ctx: Ctx, entity_id: str) -> dict[str, Any]:
        """Every value of the entity you may see, with its source, marking and grading;
        its relationships and its timeline."""
        return reads.entity_page(ctx.view(), app.state.derived, entity_id)

    @app.get("/api/graph", tags=["analysis"])
    def graph(
        ctx: Ctx,
        entity: Annotated[list[str], Query(min_length=1, max_length=50)],
        hops: Annotated[int, Query(ge=0, le=3)] = 1,
        kind: Annotated[list[Kind] | None, Query()] = None,
        schema: Annotated[list[str] | None, Query(max_length=20)] = None,
        since: Annotated[str | None, Query(pattern=DATE_PATTERN)] = None,
        until: Annotated[str | None, Query(pattern=DATE_PATTERN)] = None,
        phase: Annotated[str | None, Query(max_length=50)] = None,
        dataset: Annotated[list[str] | None, Query()] = None,
        max_nodes: Annotated[int, Query(ge=1, le=1000)] = 150,
    ) -> dict[str, Any]:
        """The network around ``entity`` (one or more ids) for the explorer: nodes with
        their leader score and key-player mark, ties collapsed per pair and kind. A date
        range keeps dated ties only; ``phase`` the ties of one investigation phase."""
        only = reads.GraphFilter(tuple(k.value for k in kind or ()), tuple(schema or ()),
                                 since, until, phase)  # fmt: skip
        return reads.graph(ctx.view(dataset), app.state.derived, entity, hops=hops,
                           max_nodes=max_nodes, only=only)  # fmt: skip

    @app.get("/api/leaders", tags=["analysis"])
    def leaders(
        ctx: Ctx,
        dataset: Annotated[list[str] | None, Query()] = None,
        top: Annotated[int, Query(ge=1, le=reads.RANKED)] = 20,
    ) -> dict[str, Any]:
        """The people most likely at the top, with reasons (`cupula leaders`)."""
        return reads.leader_ranking(ctx.view(dataset), app.state.derived, top=top)

    @app.get("/api/money/{entity_id}", tags=["money"])
    def money(
        ctx: Ctx,
        entity_id: str,
        backward: bool = False,
        dataset: Annotated[list[str] | None, Query()] = None,
    ) -> dict[str, Any]:
        """Where the money of a person, company, account or seizure went (or, backward,
        came from): by holder and by jurisdiction, with the transfers behind it."""
        view = ctx.view(dataset)
        return reads.money_trail(view, app.state.derived, entity_id, backward=backward).as_dict()

    @app.get("/api/cooperation", tags=["cooperation"])
    def cooperation(
        ctx: Ctx, dataset: Annotated[list[str] | None, Query()] = None
    ) -> dict[str, Any]:
        """Seizures, extraditions and requests for information you may see."""
        return reads.cooperation(ctx.view(dataset), app.state.derived)

    @app.get("/api/audit", tags=["audit"])
    def audit_entries(
        ctx: Ctx,
        originator: Annotated[str | None, Query(max_length=64)] = None,
        last: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[dict[str, Any]]:
        """Who read what, when and why. Supervisors see every entry; an analyst the
        reads of its own agency's data (``originator`` = its agency)."""
        found = audit.entries_for(ctx.viewer, ctx.store, originator=originator)[-last:]
        return [e.__dict__ for e in reversed(found)]

    @app.post("/api/loads", tags=["data"])
    async def load(
        ctx: Ctx,
        file: UploadFile,
        dataset: Annotated[str, Form(min_length=1, max_length=100)],
        marking: Annotated[str, Form(min_length=1, max_length=300)],
        fmt: Annotated[Format | None, Form(alias="format")] = None,
        mapping: UploadFile | None = None,
        phase: Annotated[str | None, Form(max_length=50)] = None,
        drop_invalid: Annotated[bool, Form()] = False,
    ) -> dict[str, Any]:
        """Load a file for your agency, every fact under ``marking`` (all or nothing)."""
        options = LoadOptions(phase=phase, drop_invalid=drop_invalid)
        result = await load_upload(ctx, file, dataset=dataset, marking=marking, fmt=fmt,
                                   mapping=mapping, options=options,
                                   limit=app.state.upload_limit)  # fmt: skip
        return {**result.__dict__, "summary": result.summary()}

    @app.get("/api/clusters", tags=["resolution"])
    def clusters(ctx: Ctx, merged_only: bool = True) -> list[list[str]]:
        """Clusters of the last `cupula resolve` on what you may see."""
        result = clusters_for(ctx.store, ctx.view())
        return result.merged() if merged_only else result.members

    @app.post("/api/judgements", tags=["resolution"])
    def add_judgement(ctx: Ctx, body: JudgementIn) -> dict[str, Any]:
        """Judge two entities you may see: same, different, unsure, retracted (undo)."""
        item = judge_seen(ctx.store, ctx.view(), body.left, body.right, body.verdict, body.note,
                          marking=body.marking)  # fmt: skip
        return item.as_dict()

    @app.get("/api/judgements", tags=["resolution"])
    def list_judgements(
        ctx: Ctx, entity: Annotated[str | None, Query(max_length=255)] = None
    ) -> list[dict[str, object]]:
        """The judgements you may see (of pairs with ``entity``), oldest first: verdict,
        author agency and user, marking, whether it stands, whether the pair is disputed."""
        return [x.as_dict() for x in judgements_of(ctx.store, ctx.view(), entity)]

    assets.install(app)
    pages.install(app)
    return app
