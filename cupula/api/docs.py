"""The API's documentation, for those who may use the API: ``/openapi.json`` and ``/docs``
answer a logged-in user or an API token only (the schema names every route and field,
which tells an outsider what to try). Without credentials ``/openapi.json`` is a 401 and
``/docs`` sends the browser to the login page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, RedirectResponse, Response

from cupula.access.accounts import AccountError
from cupula.http.auth import viewer_of

OPENAPI_URL = "/openapi.json"
DOCS_URL = "/docs"


router = APIRouter(include_in_schema=False)


@router.get(OPENAPI_URL)
def openapi(request: Request) -> JSONResponse:
    viewer_of(request.app.state.store, request)  # AccountError: 401
    return JSONResponse(request.app.openapi())


@router.get(DOCS_URL)
def docs(request: Request) -> Response:
    try:
        viewer_of(request.app.state.store, request)
    except AccountError:
        return RedirectResponse("/login", status_code=303)
    return get_swagger_ui_html(openapi_url=OPENAPI_URL, title=f"{request.app.title} API")
