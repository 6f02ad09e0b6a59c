"""The gate in front of the upload routes: who is asking, and how much, before the body.

FastAPI reads (and spools to disk) a multipart body before a route's dependencies run,
so without this gate anyone, logged in or not, could write any amount to the server's
disk by sending a large body to ``POST /api/loads``. The gate answers before a byte of
the body is read: no credentials (no live session cookie, no valid API token) is a 401
(the page: back to the login), a body without a declared length is a 411, a declared
length over what an upload may carry (the file and its mapping at the upload limit, and
the form around them) is a 413. The route still checks everything else (CSRF, the
purpose, the policy); the server enforces the declared length.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from cupula.access.accounts import AccountError, viewer_for_token
from cupula.http.auth import session_of

UPLOAD_PATHS = frozenset({"/api/loads", "/load"})
FORM_SLACK = 1024 * 1024  # the form's other fields and the multipart framing


class UploadGate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or (scope["path"] not in UPLOAD_PATHS)
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = await self._refusal(request)
        if refusal is None:
            await self.app(scope, receive, send)
        else:
            await refusal(scope, receive, send)

    async def _refusal(self, request: Request) -> Response | None:
        page = request.url.path == "/load"
        if not await self._authenticated(request):
            if page:
                return RedirectResponse("/login", status_code=303)
            return _error(401, "AccountError",
                          "log in, or send an API token as 'Authorization: Bearer …'")  # fmt: skip
        declared = request.headers.get("content-length", "")
        if not declared.isdigit():
            return _error(411, "LengthRequired", "an upload must declare its Content-Length")
        limit: int = request.app.state.upload_limit
        if int(declared) > 2 * limit + FORM_SLACK:
            return _error(413, "TooLarge",
                          f"larger than {limit // 2**20} MiB; use `cupula ingest`")  # fmt: skip
        return None

    async def _authenticated(self, request: Request) -> bool:
        store = request.app.state.store
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            try:
                await run_in_threadpool(viewer_for_token, store, header[7:].strip())
            except AccountError:
                return False
            return True
        return await run_in_threadpool(session_of, store, request) is not None


def _error(status: int, name: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": name, "detail": detail}, status_code=status)
