"""The pages: login, search (names in any script) and the entity page, in English and
Spanish. Server-rendered with Jinja2 (autoescaped), no script: each page reads through
the same request context as the API (the viewer's views, one audit entry per page).

The login form carries a CSRF token bound to a random cookie set with the form; forms
after login carry the session's CSRF token (``api.auth.csrf_token``).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from cupula.access.accounts import AccountError
from cupula.access.reading import Reading
from cupula.api.auth import SESSION_COOKIE, csrf_token, log_in, user_of_session
from cupula.api.context import request_context
from cupula.api.errors import NotFound, TooManyAttempts
from cupula.api.reads import entity_values, leader_ranking, search_names
from cupula.store.view import PurposeRequired
from cupula.web.i18n import LANG_COOKIE, TEXT, language

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
LOGIN_CSRF_COOKIE = "cupula_login_csrf"
PageRead = Callable[[Reading], dict[str, Any]]  # what a page reads, from its request


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    lang = language(request)
    other = request.url.include_query_params(lang="en" if lang == "es" else "es")
    html = TEMPLATES.get_template(template).render(
        lang=lang, t=TEXT[lang], other_language=f"{other.path}?{other.query}", **values
    )
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict")
    return response


def _session_csrf(request: Request) -> str:
    session = request.cookies.get(SESSION_COOKIE, "")
    return csrf_token(request.app.state.secret, session)


def install(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        return RedirectResponse("/search" if SESSION_COOKIE in request.cookies else "/login")

    @app.get("/login", include_in_schema=False)
    def login_form(request: Request) -> Response:
        token = secrets.token_urlsafe(24)
        response = render(request, "login.html", csrf=token, viewer=None)
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict")
        return response

    @app.post("/login", include_in_schema=False)
    def login_submit(
        request: Request,
        user: str = Form(max_length=64),
        password: str = Form(max_length=1024),
        csrf: str = Form(max_length=200),
    ) -> Response:
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not expected or not hmac.compare_digest(csrf, expected):
            return render(request, "message.html", 403, message="CSRF", viewer=None)
        response = RedirectResponse("/search", status_code=303)
        try:
            log_in(app.state.store, app.state.secret, app.state.throttle, request, response,
                   user, password)  # fmt: skip
        except TooManyAttempts as exc:
            return render(request, "message.html", 429, message=str(exc), viewer=None)
        except AccountError:
            return render(request, "login.html", 401, csrf=csrf, error=True, viewer=None)
        response.delete_cookie(LOGIN_CSRF_COOKIE)
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf: str = Form(max_length=200)) -> Response:
        response = RedirectResponse("/login", status_code=303)
        session = request.cookies.get(SESSION_COOKIE)
        if session is not None and hmac.compare_digest(csrf, _session_csrf(request)):
            response.delete_cookie(SESSION_COOKIE)
        return response

    def page(
        request: Request, template: str, read: Callable[[Reading], dict[str, Any]]
    ) -> Response:
        """Run ``read(ctx)`` in a request context and render its result (or the error)."""
        try:
            user_of_session(app.state.secret, request.cookies.get(SESSION_COOKIE, ""))
        except AccountError:
            return RedirectResponse("/login", status_code=303)
        try:
            with request_context(request) as ctx:
                values = read(ctx)
                return render(request, template, viewer=ctx.viewer,
                              csrf=_session_csrf(request), **values)  # fmt: skip
        except (NotFound, PurposeRequired) as exc:
            return render(request, "message.html", 404 if isinstance(exc, NotFound) else 400,
                          message=str(exc), viewer=None)  # fmt: skip

    @app.get("/search", include_in_schema=False)
    def search_page(request: Request, q: str = "", purpose: str = "") -> Response:
        def read(ctx: Reading) -> dict[str, Any]:
            hits = search_names(ctx.view(), q[:200], 20) if q.strip() else []
            return {"q": q, "purpose": purpose, "hits": hits, "title": q}

        return page(request, "search.html", read)

    @app.get("/entity/{entity_id}", include_in_schema=False)
    def entity_page(request: Request, entity_id: str) -> Response:
        def read(ctx: Reading) -> dict[str, Any]:
            entity = entity_values(ctx.view(), entity_id)
            return {"entity": entity, "title": entity["caption"]}

        return page(request, "entity.html", read)

    @app.get("/leaders", include_in_schema=False)
    def leaders_page(request: Request, dataset: str = "", purpose: str = "") -> Response:
        def read(ctx: Reading) -> dict[str, Any]:
            ranking = leader_ranking(ctx.view([dataset] if dataset else None), top=20)
            return {"ranking": ranking, "dataset": dataset, "purpose": purpose,
                    "title": TEXT[language(request)]["leaders"]}  # fmt: skip

        return page(request, "leaders.html", read)
