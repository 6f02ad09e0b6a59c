"""The HTTP API: login, tokens, CSRF, throttling, errors, audit, and what each agency sees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cupula.access import accounts, audit
from cupula.access.viewer import Role, Viewer
from cupula.app import create_app
from cupula.model.marking import Classification, Marking
from cupula.model.statement import BASE, make_statement
from cupula.store import Store

ADMIN = Viewer.local_admin()  # who adds the agencies and users

SEEN = "2026-11-27T00:00:00Z"
SHARED = Marking(classification=Classification.UNCLASSIFIED, originator="CO-DIJIN",
                 releasable_to=frozenset({"ESP"}), reliability="B", credibility="2")  # fmt: skip
COLOMBIA_ONLY = Marking(classification=Classification.CONFIDENTIAL, originator="CO-DIJIN")
FACTS = [
    ("p1", SHARED, "name", "Jhon Jairo Restrepo Vargas"),
    ("p1", COLOMBIA_ONLY, "alias", "El Químico"),
    ("p1", COLOMBIA_ONLY, "passportNumber", "AT441122"),
    ("p2", COLOMBIA_ONLY, "name", "Wílmer Escobar Ríos"),
]


def two_partners(store: Store) -> None:
    """Colombia's DIJIN with its analyst ana, Spain's UDYCO with pepe (password: NAME-pass-1)."""
    accounts.add_agency(store, ADMIN, "CO-DIJIN", "COL", "DIJIN")
    accounts.add_agency(store, ADMIN, "ES-UDYCO", "ESP", "UDYCO")
    accounts.add_user(store, ADMIN, "ana", "CO-DIJIN", Classification.SECRET, password="ana-pass-1")
    accounts.add_user(store, ADMIN, "pepe", "ES-UDYCO", Classification.SECRET,
                      frozenset({Role.ANALYST}), password="pepe-pass-1")  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = str(tmp_path / "api.db")
    store = Store.open(url)
    two_partners(store)
    with store.writer() as w:
        for marking in (SHARED, COLOMBIA_ONLY):
            w.put_marking(marking)
        rows = []
        for entity, marking, prop, value in FACTS:
            rows.append(make_statement(entity, "Person", BASE, entity, "co", marking.id, seen=SEEN))
            rows.append(make_statement(entity, "Person", prop, value, "co", marking.id, seen=SEEN))
        w.put_statements(rows)
    store.close()
    return url


@pytest.fixture
def client(db: str) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as c:
        yield c


def log_in(client: TestClient, user: str, password: str) -> str:
    response = client.post("/api/login", json={"user": user, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["csrf"])


PURPOSE = {"X-Purpose": "op-test"}


def test_nothing_without_a_login(client: TestClient) -> None:
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["error"] == "AccountError"


def test_a_request_that_does_not_fit_says_which_field(client: TestClient) -> None:
    secret = "x" * 1025
    response = client.post("/api/login", json={"user": "ana", "password": secret})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "InvalidRequest" and body["detail"].startswith("body.password:")
    assert secret not in response.text
    assert client.get("/api/nothing-here").json() == {"error": "NotFound", "detail": "Not Found"}
    assert client.delete("/api/me").json()["error"] == "MethodNotAllowed"
    for unknown in ("/static/cupula.css", "/static/..%2Fpages.py", "/vendor/nothing.js"):
        assert client.get(unknown).status_code == 404, unknown


def test_a_wrong_password_and_then_too_many(client: TestClient) -> None:
    for _ in range(5):
        assert client.post("/api/login", json={"user": "ana", "password": "x"}).status_code == 401
    blocked = client.post("/api/login", json={"user": "ana", "password": "ana-pass-1"})
    assert blocked.status_code == 429


def test_each_agency_sees_only_what_it_may(client: TestClient) -> None:
    log_in(client, "ana", "ana-pass-1")
    mine = client.get("/api/entities/p1", headers=PURPOSE).json()
    assert {v["value"] for v in mine["values"]} >= {"El Químico", "AT441122"}
    name = next(v for v in mine["values"] if v["property"] == "name")
    assert (
        name["reliability"] == "B"
        and name["credibility"] == "2"
        and "REL TO ESP" in name["marking"]
    )
    client.cookies.clear()
    log_in(client, "pepe", "pepe-pass-1")
    theirs = client.get("/api/entities/p1", headers=PURPOSE)
    assert theirs.status_code == 200
    assert "El Químico" not in theirs.text and "AT441122" not in theirs.text
    assert client.get("/api/entities/p2", headers=PURPOSE).status_code == 404  # hidden = absent
    found = client.get("/api/search", params={"q": "Wilmer Escobar"}, headers=PURPOSE).json()
    assert found == []
    found = client.get("/api/search", params={"q": "RESTREPO VARGAS Jhon"}, headers=PURPOSE)
    assert [h["entity_id"] for h in found.json()] == ["p1"]


def test_confidential_reads_need_a_purpose(client: TestClient) -> None:
    log_in(client, "ana", "ana-pass-1")
    response = client.get("/api/entities/p1")
    assert response.status_code == 400 and "purpose" in response.json()["detail"]


def test_changes_need_the_csrf_token_with_a_session(client: TestClient, db: str) -> None:
    token = log_in(client, "ana", "ana-pass-1")
    body = {"left": "p1", "right": "p2", "verdict": "different"}
    assert client.post("/api/judgements", json=body, headers=PURPOSE).status_code == 403
    ok = client.post("/api/judgements", json=body, headers={**PURPOSE, "X-CSRF-Token": token})
    assert ok.status_code == 200 and ok.json()["verdict"] == "different"


def test_api_tokens_and_the_audit_log(client: TestClient, db: str) -> None:
    store = Store.open(db)
    token = accounts.create_token(store, ADMIN, "pepe")
    headers = {"Authorization": f"Bearer {token}", **PURPOSE}
    assert client.get("/api/me", headers=headers).json()["agency"] == "ES-UDYCO"
    assert client.get("/api/entities/p1", headers=headers).status_code == 200
    assert client.get("/api/me", headers={"Authorization": "Bearer cup_x_y"}).status_code == 401
    entries = audit.entries(store)
    read = [e for e in entries if e.action == "api GET /api/entities/{entity_id}"]
    assert read and read[-1].user == "pepe" and read[-1].statements > 0
    assert read[-1].purpose == "op-test"
    assert audit.verify(store).ok
    store.close()


def test_the_schema_and_docs_are_for_logged_in_users_and_tokens(
    client: TestClient, db: str
) -> None:
    assert client.get("/openapi.json").status_code == 401
    docs = client.get("/docs", follow_redirects=False)
    assert docs.status_code == 303 and docs.headers["location"] == "/login"
    assert client.get("/redoc").status_code == 404
    store = Store.open(db)
    token = accounts.create_token(store, ADMIN, "pepe")
    store.close()
    bearer = client.get("/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert bearer.status_code == 200
    log_in(client, "ana", "ana-pass-1")
    schema = client.get("/openapi.json").json()
    assert {"/api/login", "/api/entities/{entity_id}", "/api/search"} <= set(schema["paths"])
    assert schema == bearer.json()
    page = client.get("/docs")
    assert page.status_code == 200 and "/openapi.json" in page.text and "swagger" in page.text
