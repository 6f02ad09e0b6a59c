"""The pages of the workbench, in English and Spanish: search, entity, network explorer,
leaders, money trail, cooperation figures, audit, data loading.

Server-rendered with Jinja2 (autoescaped). Each page reads through the same request
context as the API (the viewer's views, one audit entry per page) and the same reads
(``http.reads``); the network explorer and the map draw in the browser from the API with
the libraries ``web.assets`` serves. The purpose of a read travels as ``?purpose=``.

The login form carries a CSRF token bound to a random cookie set with the form; forms
after login carry the session's own CSRF token (``http.auth``).
"""

from __future__ import annotations

import codecs
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from cupula.access import audit
from cupula.access.accounts import AccountError
from cupula.access.reading import Reading
from cupula.errors import BeingComputed, CupulaError, InvalidInput, NotFound, TooManyAttempts
from cupula.graph.network import KINDS
from cupula.http import reads
from cupula.http.auth import SESSION_COOKIE, csrf_matches, log_in, log_out, session_of
from cupula.http.context import request_context
from cupula.http.errors import headers_of, internal_error, status_of
from cupula.http.state import Cache, UploadLimit
from cupula.http.upload import load_upload
from cupula.ingest import Format, IngestError, LoadOptions
from cupula.report.sankey import HEIGHT, WIDTH, sankey
from cupula.store.view import PurposeRequired
from cupula.web import money_view
from cupula.web.assets import CSP, vendor_ready
from cupula.web.fusion_view import fusion_values
from cupula.web.i18n import LANG_COOKIE, TEXT, gettext, language, reason
from cupula.web.labels import install_filters
from cupula.web.landing import what_you_may_see
from cupula.web.messages import ingest_error, load_summary, message

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
TEMPLATES.filters["reason"] = reason
install_filters(TEMPLATES)
LOGIN_CSRF_COOKIE = "cupula_login_csrf"
PageRead = Callable[[Reading], dict[str, Any]]  # what a page reads, from its request
INTERNAL = {
    "en": "Something failed on the server; nothing of it is shown here. "
    "Give the administrator the error id {id}.",
    "es": "Algo falló en el servidor; aquí no se muestra nada de ello. "
    "Indique al administrador el identificador de error {id}.",
}
router = APIRouter(include_in_schema=False)


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    lang = language(request)
    other = request.url.include_query_params(lang="en" if lang == "es" else "es")
    purpose = request.query_params.get("purpose", "")
    html = TEMPLATES.get_template(template).render(
        lang=lang,
        t=TEXT[lang],
        other_language=f"{other.path}?{other.query}",
        purpose=purpose,
        pq=f"?{urlencode({'purpose': purpose})}" if purpose else "",
        **values,
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict")
    return response


def _session_csrf(request: Request) -> str:
    session = session_of(request.app.state.store, request)
    return session.csrf if session else ""


def _logged_in(request: Request) -> bool:
    return session_of(request.app.state.store, request) is not None


def is_text_encoding(name: str) -> bool:
    """Whether ``name`` is a text encoding (not a codec such as rot13 or hex)."""
    try:
        return bool(codecs.lookup(name)._is_text_encoding)
    except LookupError:
        return False


def _failure(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, CupulaError):  # a bug: the log has it under an id, the page the id
        failed = INTERNAL[language(request)].format(id=internal_error(request, exc))
        return render(request, "message.html", 500, message=failed, viewer=None)
    status = status_of(exc)
    if isinstance(exc, PurposeRequired) and request.method == "GET":
        # the same page again, once the analyst has said why
        kept = {k: v for k, v in request.query_params.items() if k != "purpose"}
        asked = TEXT[language(request)]["purpose_needed"]
        return render(request, "message.html", status, message=asked, viewer=None,
                      ask_purpose=True, action=request.url.path, kept=kept)  # fmt: skip
    refresh = exc.retry_after if isinstance(exc, BeingComputed) else None  # the page retries
    response = render(request, "message.html", status, viewer=None, refresh=refresh,
                      message=message(str(exc), language(request)))  # fmt: skip
    response.headers.update(headers_of(exc))
    return response


def page(request: Request, template: str, read: PageRead) -> Response:
    """Run ``read(ctx)`` in a request context and render its result (or the error)."""
    if not _logged_in(request):
        return RedirectResponse("/login", status_code=303)
    try:
        with request_context(request) as ctx:
            values = read(ctx)
            return render(request, template, viewer=ctx.viewer,
                          csrf=_session_csrf(request), **values)  # fmt: skip
    except Exception as exc:  # the same error map as the API's, shown as a page
        return _failure(request, exc)


async def form_page(
    request: Request, csrf: str, template: str, act: Callable[[Reading], Awaitable[dict[str, Any]]]
) -> Response:
    """A form sent to a page: the session's CSRF token checked, then ``act`` as ``page``."""
    if not _logged_in(request):
        return RedirectResponse("/login", status_code=303)
    if not csrf_matches(request.app.state.store, request, csrf):
        expired = message("CSRF", language(request))
        return render(request, "message.html", 403, message=expired, viewer=None)
    request.state.csrf_form = True
    try:
        with request_context(request) as ctx:
            values = await act(ctx)
            status = values.pop("status", 200)
            return render(request, template, status, viewer=ctx.viewer,
                          csrf=_session_csrf(request), **values)  # fmt: skip
    except Exception as exc:  # the same error map as the API's, shown as a page
        return _failure(request, exc)


@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse("/search" if SESSION_COOKIE in request.cookies else "/login")


@router.get("/login")
def login_form(request: Request) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", csrf=token, viewer=None)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


@router.post("/login")
def login_submit(
    request: Request,
    user: str = Form(max_length=64),
    password: str = Form(max_length=1024),
    csrf: str = Form(max_length=200),
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(csrf.encode(), expected.encode()):
        expired = message("CSRF", language(request))
        return render(request, "message.html", 403, message=expired, viewer=None)
    response = RedirectResponse("/search", status_code=303)
    try:
        state = request.app.state
        log_in(state.store, state.throttle, request, response, user, password)
    except TooManyAttempts as exc:
        return render(request, "message.html", 429,
                      message=message(str(exc), language(request)), viewer=None)  # fmt: skip
    except AccountError:
        return render(request, "login.html", 401, csrf=csrf, error=True, viewer=None)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, csrf: str = Form(max_length=200)) -> Response:
    response = RedirectResponse("/login", status_code=303)
    if csrf_matches(request.app.state.store, request, csrf):
        log_out(request.app.state.store, request, response)
    return response


@router.get("/search")
def search_page(request: Request, cache: Cache, q: str = "") -> Response:
    def read(ctx: Reading) -> dict[str, Any]:
        if q.strip():  # a person's records under one result (``reads.search_people``)
            view = ctx.view()
            fused, fusion = fusion_values(request, ctx, view, cache)
            hits = reads.search_people(view, cache, q[:200], 20, fused)
            return {"q": q, "hits": hits, "title": q, **fusion}
        # a first visit: where to begin, and what this analyst may see (all of it once
        # a purpose is given, where confidential statements are among it)
        datasets, complete = what_you_may_see(ctx, cache)
        return {"q": "", "hits": [], "title": "", "datasets": datasets,
                "complete": complete}  # fmt: skip

    return page(request, "search.html", read)


@router.get("/entity/{entity_id}")
def entity_page(request: Request, cache: Cache, entity_id: str) -> Response:
    def read(ctx: Reading) -> dict[str, Any]:
        view = ctx.view()
        entity = reads.entity_page(view, cache, entity_id)
        fused, fusion = fusion_values(request, ctx, view, cache)
        if len(fused.members(fused.canonical(entity_id))) > 1:
            entity["person"] = reads.fused_entity(view, cache, fused, entity_id)
        return {"entity": entity, "title": entity["caption"], **fusion}

    return page(request, "entity.html", read)


@router.get("/network")
def network_page(request: Request, cache: Cache, entity: str = "", hops: str = "1") -> Response:
    # a page takes what the address bar holds: a bad number is the default, not an error
    depth = max(1, min(int(hops), 3)) if hops.isdigit() else 1

    def read(ctx: Reading) -> dict[str, Any]:
        view = ctx.view()
        datasets = sorted(reads.dataset_counts(view, cache))
        fused, fusion = fusion_values(request, ctx, view, cache)
        start = fused.canonical(entity) if entity else ""  # a member opens its person
        if not start:  # a first visit starts from the person ranked most likely to lead
            try:
                leaders = reads.ranking(view, cache, fused).leaders
                start = leaders[0].entity_id if leaders else ""
            except (NotFound, BeingComputed):  # no ranking (yet): the analyst picks a start
                start = ""
        phases = reads.network(view, cache).phases
        return {"entity": start, "hops": depth, "kinds": KINDS,
                "phases": phases, "money": money_view.amounts_through(view, cache, fused),
                "datasets": datasets, "vendor": vendor_ready(), **fusion,
                "title": TEXT[language(request)]["network"]}  # fmt: skip

    return page(request, "network.html", read)


@router.get("/leaders")
def leaders_page(request: Request, cache: Cache, dataset: str = "") -> Response:
    def read(ctx: Reading) -> dict[str, Any]:
        datasets = [dataset] if dataset else None
        view = ctx.view(datasets)
        fused, fusion = fusion_values(request, ctx, view, cache, datasets)
        ranking = reads.leader_ranking(view, cache, top=20, fused=fused)
        return {"ranking": ranking, "dataset": dataset, **fusion,
                "title": TEXT[language(request)]["leaders"]}  # fmt: skip

    return page(request, "leaders.html", read)


@router.get("/money")
def money_page(request: Request, cache: Cache, entity: str = "", backward: str = "") -> Response:
    back = backward.lower() in ("true", "1", "on", "yes")

    def read(ctx: Reading) -> dict[str, Any]:
        values: dict[str, Any] = {"entity": entity, "backward": back, "result": None,
                                  "title": TEXT[language(request)]["money"]}  # fmt: skip
        if entity:
            view = ctx.view()
            fused, fusion = fusion_values(request, ctx, view, cache)
            values.update(fusion)
            try:
                result = reads.money_trail(view, cache, entity, backward=back, fused=fused)
            except NotFound:  # the page, its navigation and a message: no dead end
                values["empty"] = True
                return values
            values["source_name"] = money_view.caption(view, cache, entity, fused)
            boxes, bands = sankey(result)
            secrecy = sorted({d.countries[0] for d in result.destinations
                              if d.secrecy and d.countries})  # fmt: skip
            values.update(result=result, boxes=boxes, bands=bands, width=WIDTH,
                          height=HEIGHT, amounts=json.dumps(result.by_country),
                          secrecy=json.dumps(secrecy), vendor=vendor_ready())  # fmt: skip
        return values

    return page(request, "money.html", read)


@router.get("/cooperation")
def cooperation_page(request: Request, cache: Cache) -> Response:
    def read(ctx: Reading) -> dict[str, Any]:
        return {"figures": reads.cooperation(ctx.view(), cache),
                "title": TEXT[language(request)]["cooperation"]}  # fmt: skip

    return page(request, "cooperation.html", read)


@router.get("/audit")
def audit_page(request: Request, originator: str = "") -> Response:
    def read(ctx: Reading) -> dict[str, Any]:
        viewer = ctx.viewer
        overseer = audit.oversees(viewer)
        asked = originator or (None if overseer else viewer.agency)
        entries = audit.entries_for(viewer, ctx.store, originator=asked)[-200:]
        return {"entries": list(reversed(entries)), "originator": asked or "",
                "overseer": overseer, "title": TEXT[language(request)]["audit"]}  # fmt: skip

    return page(request, "audit.html", read)


FORMATS = [f.value for f in Format]


@router.get("/load")
def load_form(request: Request) -> Response:
    def read(ctx: Reading) -> dict[str, Any]:
        return {"formats": FORMATS, "result": None,
                "title": TEXT[language(request)]["load"]}  # fmt: skip

    return page(request, "load.html", read)


@router.post("/load")
async def load_submit(
    request: Request,
    limit: UploadLimit,
    file: UploadFile,
    csrf: str = Form(max_length=200),
    dataset: str = Form(min_length=1, max_length=100),
    marking: str = Form(min_length=1, max_length=300),
    fmt: str = Form("", alias="format", max_length=20),
    mapping: UploadFile | None = None,
    phase: str = Form("", max_length=50),
    drop_invalid: bool = Form(False),
    encoding: str = Form("", max_length=40),
) -> Response:
    lang = language(request)

    async def act(ctx: Reading) -> dict[str, Any]:
        values: dict[str, Any] = {"formats": FORMATS, "result": None, "error": None,
                                  "title": TEXT[lang]["load"]}  # fmt: skip
        if not is_text_encoding(encoding or "utf-8"):  # not a codec such as rot13 or hex
            error = gettext(lang, "unknown encoding {encoding!r}").format(encoding=encoding)
            ctx.outcome = f"refused: unknown encoding {encoding!r}"
            return {**values, "error": error, "status": 422}
        options = LoadOptions(phase=phase or None, drop_invalid=drop_invalid,
                              encoding=encoding or None)  # fmt: skip
        try:
            if fmt and fmt not in FORMATS:
                raise InvalidInput(f"format {fmt!r}: one of {', '.join(FORMATS)}, or none")
            result = await load_upload(ctx, file, dataset=dataset, marking=marking,
                                       fmt=Format(fmt) if fmt else None, mapping=mapping,
                                       options=options, limit=limit)  # fmt: skip
        except (IngestError, InvalidInput) as exc:  # a marking, a size, a format too
            # the form again, with what was wrong (file, line, field); nothing loaded
            ctx.outcome = f"refused: {exc}"
            shown = ingest_error(exc, lang) if isinstance(exc, IngestError) else str(exc)
            return {**values, "error": message(shown, lang), "status": 422}
        summary = load_summary(result, lang, file=file.filename)
        return {**values, "result": result, "summary": summary}

    return await form_page(request, csrf, "load.html", act)
