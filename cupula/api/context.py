"""The context of one request: who, why, which views, and its audit entry."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from cupula.access import audit
from cupula.access.viewer import Viewer
from cupula.api.auth import viewer_of
from cupula.store import Store, View


@dataclass
class Context:
    store: Store
    viewer: Viewer
    purpose: str | None
    views: list[View] = field(default_factory=list)

    def view(self, datasets: list[str] | None = None) -> View:
        view = self.store.view(self.viewer, datasets=datasets or None, purpose=self.purpose)
        self.views.append(view)
        return view

    def originators(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for view in self.views:
            total.update(view.originators())
        return dict(total)


@contextmanager
def request_context(request: Request) -> Iterator[Context]:
    """The viewer, purpose and views of one request; its audit entry when it ends."""
    store: Store = request.app.state.store
    viewer = viewer_of(store, request.app.state.secret, request)
    purpose = request.headers.get("x-purpose") or request.query_params.get("purpose")
    ctx = Context(store, viewer, purpose)
    outcome = "ok"
    try:
        yield ctx
    except Exception as exc:
        outcome = f"refused: {exc}"
        raise
    finally:
        route = request.scope.get("route")
        action = f"api {request.method} {getattr(route, 'path', request.url.path)}"
        query = {"path": request.url.path, **dict(request.query_params), "outcome": outcome}
        audit.append(
            store,
            viewer,
            action,
            query,
            purpose=purpose,
            statements=sum(sum(v.usage.values()) for v in ctx.views),
            originators=ctx.originators(),
        )


def context(request: Request) -> Iterator[Context]:
    with request_context(request) as ctx:
        yield ctx


Ctx = Annotated[Context, Depends(context)]
