"""Every route reads and writes through the policy (issue 13, item 13).

With ``policy.decide`` replaced by one that denies everything, no route answers an
analyst with any name or entity id of the store: a route that read the tables itself, or
a view that did not ask the policy, would. Every route of the API and the pages is listed
here with how it is called (or why it needs no such check), so a new route cannot be
added without saying how it is held to the policy.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rich.console import Console

from cupula import api, web
from cupula.access import accounts
from cupula.access.viewer import Viewer
from cupula.app import create_app
from cupula.demo.run import run_demo
from tests.conftest import deny_everything, names_and_ids

ANALYST, PASSWORD = "luis.sepblac", "luis-pass-1"
BOSS = "es-p-0004"
GET = "GET"
# (method, path) -> the path and query to call, or why it needs no such check
ROUTES: dict[tuple[str, str], str | None] = {
    ("POST", "/api/login"): "no fact: tests/api/test_sessions.py",
    ("POST", "/api/logout"): "no fact: tests/api/test_sessions.py",
    ("POST", "/login"): "no fact: tests/api/test_sessions.py",
    ("POST", "/logout"): "no fact: tests/api/test_sessions.py",
    ("GET", "/login"): "the login form: no fact",
    ("GET", "/openapi.json"): "the schema of the API: no fact",
    ("GET", "/docs"): "the schema of the API: no fact",
    ("GET", "/static/{name}"): "our scripts: no fact",
    ("GET", "/vendor/{name}"): "npm libraries: no fact",
    ("POST", "/api/loads"): "tests/api/test_load_ownership.py: ingest asks may_load, may_mark",
    ("POST", "/load"): "tests/api/test_load_ownership.py: the same ingest as the API",
    ("POST", "/api/judgements"): "tests/resolve/test_judgements_cli.py: judge_seen reads a view",
    ("GET", "/api/me"): "/api/me",
    ("GET", "/api/search"): "/api/search?q=Jaramillo",
    ("GET", "/api/entities/{entity_id}"): f"/api/entities/{BOSS}",
    ("GET", "/api/entities/{entity_id}/members"): f"/api/entities/{BOSS}/members",
    ("GET", "/api/graph"): f"/api/graph?entity={BOSS}&hops=2",
    ("GET", "/api/leaders"): "/api/leaders",
    ("GET", "/api/money/{entity_id}"): f"/api/money/{BOSS}",
    ("GET", "/api/cooperation"): "/api/cooperation",
    ("GET", "/api/audit"): "/api/audit?originator=ES-SEPBLAC",
    ("GET", "/api/clusters"): "/api/clusters",
    ("GET", "/api/judgements"): "/api/judgements",
    ("GET", "/"): "/",
    ("GET", "/search"): "/search?q=Jaramillo",
    ("GET", "/entity/{entity_id}"): f"/entity/{BOSS}",
    ("GET", "/network"): f"/network?entity={BOSS}",
    ("GET", "/leaders"): "/leaders",
    ("GET", "/money"): f"/money?entity={BOSS}",
    ("GET", "/cooperation"): "/cooperation",
    ("GET", "/audit"): "/audit",
    ("GET", "/load"): "/load",
}
CALLED = sorted(v for v in ROUTES.values() if v is not None and v.startswith("/"))


def routes() -> set[tuple[str, str]]:
    found = set()
    for router in (*api.ROUTERS, *web.ROUTERS):
        for route in router.routes:
            for method in getattr(route, "methods", None) or ():
                found.add((method, getattr(route, "path", "")))
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, set[str]]:
    """The demo store and what must never come out: every name and entity id in it."""
    db = str(tmp_path_factory.mktemp("demo") / "demo.db")
    store = run_demo(db, console=Console(file=io.StringIO()))
    accounts.set_password(store, Viewer.local_admin(), ANALYST, PASSWORD)
    secrets = names_and_ids(store)
    store.close()
    return db, secrets


@pytest.fixture(scope="module")
def client(demo: tuple[str, set[str]]) -> Iterator[TestClient]:
    with TestClient(create_app(demo[0])) as c:
        answer = c.post("/api/login", json={"user": ANALYST, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        c.headers.update({"X-Purpose": "tests", "X-CSRF-Token": answer.json()["csrf"]})
        yield c


def test_every_route_is_covered() -> None:
    assert routes() == set(ROUTES), "say how each route is held to the policy"


def test_the_check_sees_a_leak_when_the_policy_allows(
    client: TestClient, demo: tuple[str, set[str]]
) -> None:
    text = client.get(f"/api/entities/{BOSS}").text
    assert any(s in text for s in demo[1] - {BOSS})


@pytest.mark.parametrize("url", CALLED)
def test_nothing_comes_out_when_the_policy_denies_everything(
    url: str, client: TestClient, demo: tuple[str, set[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    deny_everything(monkeypatch)
    text = client.get(url).text
    leaked = sorted(s for s in demo[1] - {BOSS} if s in text)
    assert not leaked, f"{url} gave out {leaked[:5]} without the policy's leave"
