"""Logging in and out, and who one is."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from cupula.access import audit
from cupula.api.models import PROBLEMS, LoggedIn, LoggedOut, Me
from cupula.http.auth import log_in, log_out
from cupula.http.context import Ctx

router = APIRouter(prefix="/api", tags=["session"], responses=PROBLEMS)


class Credentials(BaseModel):
    user: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


@router.post("/login")
def login_route(body: Credentials, request: Request, response: Response) -> LoggedIn:
    """Log in with a password; sets the session cookie; returns the CSRF token."""
    state = request.app.state
    viewer, token = log_in(state.store, state.throttle, request, response,
                           body.user, body.password)  # fmt: skip
    audit.append(state.store, viewer, "api login", {"outcome": "ok"}, purpose=None)
    return LoggedIn(user=viewer.user, agency=viewer.agency, csrf=token)


@router.post("/logout")
def logout(ctx: Ctx, request: Request, response: Response) -> LoggedOut:
    """End the session (its cookie stops working at once, everywhere)."""
    log_out(request.app.state.store, request, response)
    return LoggedOut(user=ctx.viewer.user)


@router.get("/me")
def me(ctx: Ctx) -> Me:
    v = ctx.viewer
    return Me(user=v.user, agency=v.agency, country=v.country, clearance=v.clearance.name,
              roles=sorted(v.roles), cases=sorted(v.cases))  # fmt: skip
