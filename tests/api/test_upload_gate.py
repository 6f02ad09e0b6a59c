"""No upload body is read before its sender is known and its size allowed (issue 13,
item 3: an unauthenticated 300 MB body used to be spooled to disk before the 401)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi.testclient import TestClient

from cupula.app import create_app
from tests.api.test_workbench import PURPOSE, db, log_in

__all__ = ["db"]  # the fixture


def call(app: Any, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    """POST ``path`` straight through ASGI with a body that must never be read."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        raise AssertionError("the body was read")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "method": "POST", "path": path, "raw_path": path.encode(),
        "query_string": b"", "root_path": "", "scheme": "http", "http_version": "1.1",
        "server": ("127.0.0.1", 8765), "client": ("127.0.0.1", 5000), "app": app,
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}


def test_an_unknown_sender_is_refused_before_its_body(db: str) -> None:
    app = create_app(db)
    length = {"content-length": str(300 * 2**20), "content-type": "multipart/form-data"}
    assert call(app, "/api/loads", length)[0] == 401
    assert call(app, "/api/loads", {**length, "authorization": "Bearer cup_x_y"})[0] == 401
    assert call(app, "/api/loads", {**length, "cookie": "cupula_session=forged"})[0] == 401
    status, headers = call(app, "/load", length)
    assert (status, headers["location"]) == (303, "/login")


def test_a_known_sender_is_held_to_the_size_before_its_body(db: str) -> None:
    app = create_app(db, upload_limit=1000)
    with TestClient(app) as client:
        csrf = log_in(client, "pepe")
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        base = {"cookie": cookie, "x-csrf-token": csrf, **PURPOSE}
        assert call(app, "/api/loads", {**base, "content-length": str(3 * 2**20)})[0] == 413
        assert call(app, "/api/loads", base)[0] == 411
        # within the size, the route takes it (and checks the rest)
        small = client.post("/api/loads", data={"dataset": "es-x", "marking": "RESTRICTED"},
                            files={"file": ("x.jsonl", b"")}, headers=base)  # fmt: skip
        assert small.status_code != 413
