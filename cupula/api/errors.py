"""Every error of the API mapped to one HTTP status in one place (as yente does)."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from cupula.access.accounts import AccountError
from cupula.api.upload import TooLarge
from cupula.ingest import IngestError
from cupula.model.marking import MarkingError
from cupula.resolve.service import NoRun, UnknownEntity
from cupula.store.view import PurposeRequired


class NotFound(LookupError):
    """No such thing among what the viewer may see (also when it exists but is hidden)."""


class TooManyAttempts(PermissionError):
    """Too many failed logins; try again later."""


# exception type -> HTTP status; the first match wins, so subclasses come first
STATUS: dict[type[Exception], int] = {
    TooManyAttempts: 429,
    AccountError: 401,
    PurposeRequired: 400,
    PermissionError: 403,
    NotFound: 404,
    UnknownEntity: 404,
    NoRun: 409,
    IngestError: 422,
    MarkingError: 422,
    TooLarge: 413,
    ValueError: 400,
}


def install(app: FastAPI) -> None:
    for exc_type in STATUS:
        app.add_exception_handler(exc_type, _handle)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)


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


def status_of(exc: Exception) -> int:
    """The HTTP status of one of the errors in ``STATUS`` (pages use it too)."""
    return next(code for t, code in STATUS.items() if isinstance(exc, t))


async def _handle(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"error": type(exc).__name__, "detail": str(exc)},
                        status_code=status_of(exc))  # fmt: skip
