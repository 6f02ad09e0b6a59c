"""The API's documentation, for those who may use the API: ``/openapi.json`` and ``/docs``
answer a logged-in user or an API token only (the schema names every route and field,
which tells an outsider what to try). Without credentials ``/openapi.json`` is a 401 and
``/docs`` sends the browser to the login page."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, RedirectResponse, Response

from cupula.access.accounts import AccountError
from cupula.api.auth import viewer_of

OPENAPI_URL = "/openapi.json"
DOCS_URL = "/docs"


def install(app: FastAPI) -> None:
    @app.get(OPENAPI_URL, include_in_schema=False)
    def openapi(request: Request) -> JSONResponse:
        viewer_of(app.state.store, request)  # AccountError: 401
        return JSONResponse(app.openapi())

    @app.get(DOCS_URL, include_in_schema=False)
    def docs(request: Request) -> Response:
        try:
            viewer_of(app.state.store, request)
        except AccountError:
            return RedirectResponse("/login", status_code=303)
        return get_swagger_ui_html(openapi_url=OPENAPI_URL, title=f"{app.title} API")
