"""What one application holds for all its requests (``app.state``): the store, the secret
the login throttle, the cache of derived results, the upload limit;
and the dependencies that hand them to a route."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request

from cupula.http.throttle import LoginThrottle
from cupula.model.schemata import get_model
from cupula.store import Store
from cupula.store.derived import Derived


def install(app: FastAPI, db: str | None, *, cache_size: int, upload_limit: int) -> None:
    get_model()  # FtM's schemata generated once, before requests arrive on many threads
    app.state.store = Store.open(db)
    app.state.throttle = LoginThrottle()
    app.state.derived = Derived(app.state.store.data_version, size=cache_size)
    app.state.upload_limit = upload_limit


def derived(request: Request) -> Derived:
    cache: Derived = request.app.state.derived
    return cache


def upload_limit(request: Request) -> int:
    limit: int = request.app.state.upload_limit
    return limit


Cache = Annotated[Derived, Depends(derived)]
UploadLimit = Annotated[int, Depends(upload_limit)]
