"""What one application holds for all its requests (``app.state``): the store, the secret
the login throttle, the cache of derived results, the upload limit, and (in a server) the
child process that computes whole-network results ahead; and the dependencies that hand
them to a route."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request

from cupula.http.throttle import LoginThrottle
from cupula.model.schemata import get_model
from cupula.precompute import Background, read_result
from cupula.store import Store, View
from cupula.store.derived import Derived


def install(
    app: FastAPI, db: str | None, *, cache_size: int, upload_limit: int, ahead: bool = False
) -> None:
    """``ahead``: whole-network results are computed by a child process and read from
    the database (``precompute``); started and stopped with the app (``app.lifespan``)."""
    get_model()  # FtM's schemata generated once, before requests arrive on many threads
    store = app.state.store = Store.open(db)
    app.state.throttle = LoginThrottle()
    app.state.derived = Derived(store.data_version, size=cache_size)
    app.state.upload_limit = upload_limit
    app.state.ahead = None
    if ahead:
        background = app.state.ahead = Background(
            store.engine.url.render_as_string(hide_password=False)
        )

        def stored(view: View, name: str, network: str) -> Any:
            return read_result(store, view, name, network=network, wake=background.wake)

        app.state.derived.stored = stored


def derived(request: Request) -> Derived:
    cache: Derived = request.app.state.derived
    return cache


def upload_limit(request: Request) -> int:
    limit: int = request.app.state.upload_limit
    return limit


Cache = Annotated[Derived, Depends(derived)]
UploadLimit = Annotated[int, Depends(upload_limit)]
