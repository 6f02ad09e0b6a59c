"""The context of one request: who, why, which views (a ``Reading``), and its audit entry."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request

from cupula.access.reading import Reading
from cupula.errors import CupulaError
from cupula.http.auth import viewer_of
from cupula.store import Store


@contextmanager
def request_context(request: Request) -> Iterator[Reading]:
    """The viewer, purpose and views of one request; its audit entry when it ends."""
    store: Store = request.app.state.store
    viewer = viewer_of(store, request)
    purpose = request.headers.get("x-purpose") or request.query_params.get("purpose")
    ctx = Reading(store, viewer, purpose)
    try:
        yield ctx
    except Exception as exc:
        # our own errors say why; any other is a bug whose message is not for the log readers
        ctx.outcome = (
            f"refused: {exc}" if isinstance(exc, CupulaError) else "failed: internal error"
        )
        raise
    finally:
        route = request.scope.get("route")
        action = f"api {request.method} {getattr(route, 'path', request.url.path)}"
        ctx.record(action, {"path": request.url.path, "params": asked(request),
                            "outcome": ctx.outcome})  # fmt: skip


def asked(request: Request) -> dict[str, list[str]]:
    """The query parameters as sent, every value of a repeated one (a dict of them keeps
    only the last), apart from the entry's own keys so none can overwrite them."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    return params


def context(request: Request) -> Iterator[Reading]:
    with request_context(request) as ctx:
        yield ctx


Ctx = Annotated[Reading, Depends(context)]
