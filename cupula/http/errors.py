"""The one error map of the HTTP layer (the API and the pages).

cupula's own errors (``cupula.errors``: their messages are written for the user) get
their status and their message. Anything else — a bug, a file or database error, a
builtin ``ValueError`` or ``PermissionError`` from a library — is a 500 with a generic
message and an error id; the traceback goes to the server log under that id, so the
administrator can find it and the user learns nothing of the server's insides.
"""

from __future__ import annotations

import logging
import secrets
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cupula.access.accounts import AccountError
from cupula.errors import (
    BeingComputed,
    CupulaError,
    NotFound,
    NotReady,
    Refused,
    TooManyAttempts,
)
from cupula.http.upload import TooLarge
from cupula.ingest import IngestError
from cupula.model.marking import MarkingError
from cupula.store.view import PurposeRequired

__all__ = ["STATUS", "headers_of", "install", "internal_error", "status_of"]

log = logging.getLogger("cupula.http")

# cupula's error type -> HTTP status; the first match wins, so subclasses come first
STATUS: dict[type[CupulaError], int] = {
    TooManyAttempts: 429,
    AccountError: 401,
    PurposeRequired: 400,
    Refused: 403,
    NotFound: 404,
    BeingComputed: 503,  # with Retry-After (headers_of): the result is on its way
    NotReady: 409,
    TooLarge: 413,
    IngestError: 422,
    MarkingError: 422,
    CupulaError: 400,  # InvalidInput, and any other of ours: the user's request
}
INTERNAL = "InternalError"
INTERNAL_DETAIL = "the server failed on this request; give the administrator the error id {id}"


def status_of(exc: CupulaError) -> int:
    """The HTTP status of one of cupula's errors (the pages use it too)."""
    return next(code for t, code in STATUS.items() if isinstance(exc, t))


def headers_of(exc: CupulaError) -> dict[str, str]:
    """Headers that go with the answer to one of cupula's errors (the pages use it too)."""
    if isinstance(exc, BeingComputed):
        return {"Retry-After": str(exc.retry_after)}
    return {}


def internal_error(request: Request | Scope, exc: BaseException) -> str:
    """Log ``exc`` with its traceback under a new error id, and return the id."""
    scope = request.scope if isinstance(request, Request) else request
    error_id = secrets.token_hex(6)
    log.error("error %s: %s %s", error_id, scope.get("method"), scope.get("path"), exc_info=exc)
    return error_id


def install(app: FastAPI) -> None:
    app.add_exception_handler(CupulaError, _handle)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
    app.add_middleware(InternalErrors)


async def _handle(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CupulaError)
    return JSONResponse({"error": type(exc).__name__, "detail": str(exc)},
                        status_code=status_of(exc), headers=headers_of(exc))  # fmt: skip


async def _http(_request: Request, exc: Exception) -> JSONResponse:
    """The framework's own refusals (no such route, method not allowed) in the same form."""
    assert isinstance(exc, HTTPException)
    name = HTTPStatus(exc.status_code).phrase.title().replace(" ", "")
    return JSONResponse({"error": name, "detail": str(exc.detail)}, status_code=exc.status_code,
                        headers=exc.headers)  # fmt: skip


async def _invalid(_request: Request, exc: Exception) -> JSONResponse:
    """A request that does not fit the schema: which field, and what is wrong with it."""
    assert isinstance(exc, RequestValidationError)
    problems = [
        f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()
    ]
    # the values sent are not echoed (a password too long would come back in the reply)
    return JSONResponse({"error": "InvalidRequest", "detail": "; ".join(problems)}, status_code=422)


class InternalErrors:
    """Any exception no handler took: a 500 with an error id, the traceback in the log.

    A middleware rather than a handler for ``Exception``: Starlette re-raises after such
    a handler, and the server would log the traceback a second time without the id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            if started:  # too late for another answer: the server closes the connection
                raise
            error_id = internal_error(scope, exc)
            detail = INTERNAL_DETAIL.format(id=error_id)
            response = JSONResponse({"error": INTERNAL, "detail": detail, "id": error_id},
                                    status_code=500)  # fmt: skip
            await response(scope, receive, send)
