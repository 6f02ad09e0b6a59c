"""Login sessions: random per login, kept in the store, ended by logout, a password
change and disabling the user; each with its own CSRF token; expired ones cleaned up."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from cupula.access import accounts
from cupula.access.sessions import find_session, open_session, purge_expired
from cupula.access.viewer import Viewer
from cupula.app import create_app
from cupula.http.auth import CSRF_COOKIE, SESSION_COOKIE
from cupula.store import Store
from cupula.store.tables import login_session_table
from tests.api.test_api import PURPOSE, db, log_in  # noqa: F401  (db: the fixture)

ADMIN = Viewer.local_admin()


def logged_in(db: str, user: str, password: str) -> tuple[TestClient, str, str]:  # noqa: F811
    """A fresh client logged in as ``user``: (client, session cookie, CSRF token)."""
    client = TestClient(create_app(db))
    csrf = log_in(client, user, password)
    return client, str(client.cookies[SESSION_COOKIE]), csrf


def me(db: str, cookie: str) -> int:  # noqa: F811
    """The status of ``GET /api/me`` sent with only this session cookie, from a new client."""
    with TestClient(create_app(db)) as other:
        raw = f"{SESSION_COOKIE}={cookie}".encode()  # as sent, whatever bytes it holds
        return other.get("/api/me", headers={"cookie": raw}).status_code


def test_logout_ends_the_session_for_whoever_holds_the_cookie(db: str) -> None:  # noqa: F811
    client, cookie, csrf = logged_in(db, "ana", "ana-pass-1")
    with client:
        assert me(db, cookie) == 200
        assert client.post("/api/logout").status_code == 403  # logging out needs the token too
        assert client.post("/api/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
        assert SESSION_COOKIE not in client.cookies and CSRF_COOKIE not in client.cookies
    assert me(db, cookie) == 401  # a copy of the cookie kept from before is worth nothing


def test_the_logout_form_ends_the_session(db: str) -> None:  # noqa: F811
    with TestClient(create_app(db)) as client:
        form = client.get("/login")
        token = form.text.split('name="csrf" value="')[1].split('"')[0]
        sent = {"user": "ana", "password": "ana-pass-1", "csrf": token}
        assert client.post("/login", data=sent, follow_redirects=False).status_code == 303
        cookie = str(client.cookies[SESSION_COOKIE])
        csrf = str(client.cookies[CSRF_COOKIE])
        assert me(db, cookie) == 200
        client.post("/logout", data={"csrf": "not the token"}, follow_redirects=False)
        assert me(db, cookie) == 200  # a forged logout form does nothing
        out = client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/login"
    assert me(db, cookie) == 401
    with TestClient(create_app(db), cookies={SESSION_COOKIE: cookie}) as stale:
        page = stale.get("/search", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login"


def test_a_password_change_ends_every_session_of_that_user_only(db: str) -> None:  # noqa: F811
    _, first, _ = logged_in(db, "ana", "ana-pass-1")
    _, second, _ = logged_in(db, "ana", "ana-pass-1")
    _, pepe, _ = logged_in(db, "pepe", "pepe-pass-1")
    store = Store.open(db)
    accounts.set_password(store, ADMIN, "ana", "ana-pass-2")
    store.close()
    assert (me(db, first), me(db, second), me(db, pepe)) == (401, 401, 200)
    _, third, _ = logged_in(db, "ana", "ana-pass-2")
    assert me(db, third) == 200


def test_disabling_a_user_ends_its_sessions(db: str) -> None:  # noqa: F811
    _, cookie, _ = logged_in(db, "pepe", "pepe-pass-1")
    store = Store.open(db)
    accounts.disable_user(store, ADMIN, "pepe")
    with store.engine.connect() as conn:
        revoked = conn.execute(select(login_session_table.c.revoked)).scalars().all()
    store.close()
    assert revoked == [1]
    assert me(db, cookie) == 401


def test_two_logins_get_different_sessions_and_csrf_tokens(db: str) -> None:  # noqa: F811
    one, cookie_one, csrf_one = logged_in(db, "ana", "ana-pass-1")
    two, cookie_two, csrf_two = logged_in(db, "ana", "ana-pass-1")
    assert cookie_one != cookie_two and csrf_one != csrf_two
    assert len(cookie_one) >= 43 and len(csrf_one) >= 43  # 256 random bits each
    body = {"left": "p1", "right": "p2", "verdict": "unsure"}
    with one:
        # the other session's CSRF token is not this session's
        crossed = one.post(
            "/api/judgements", json=body, headers={**PURPOSE, "X-CSRF-Token": csrf_two}
        )
        assert crossed.status_code == 403
        own = one.post("/api/judgements", json=body, headers={**PURPOSE, "X-CSRF-Token": csrf_one})
        assert own.status_code == 200
    two.close()


def test_only_a_hash_of_the_session_token_is_stored(db: str) -> None:  # noqa: F811
    _, cookie, csrf = logged_in(db, "ana", "ana-pass-1")
    store = Store.open(db)
    with store.engine.connect() as conn:
        rows = conn.execute(select(login_session_table)).all()
    store.close()
    assert len(rows) == 1
    assert rows[0].id == hashlib.sha256(cookie.encode()).hexdigest()
    assert rows[0].user == "ana" and rows[0].csrf == csrf and rows[0].revoked == 0
    assert cookie not in {str(v) for v in rows[0]}


def test_expired_sessions_are_refused_and_deleted(db: str) -> None:  # noqa: F811
    store = Store.open(db)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    live, session = open_session(store, "ana")
    token, _ = open_session(store, "ana", now=yesterday, seconds=3600)
    assert find_session(store, token) is None
    assert find_session(store, live) == session
    assert find_session(store, live, now=datetime.now(UTC) + timedelta(hours=9)) is None
    assert me(db, token) == 401
    assert purge_expired(store) == 1  # the expired one; the live one stays
    assert find_session(store, live) == session
    open_session(store, "pepe", now=yesterday, seconds=60)
    logged_in(db, "pepe", "pepe-pass-1")  # a login cleans up on the way
    with store.engine.connect() as conn:
        users = conn.execute(select(login_session_table.c.user)).scalars().all()
    store.close()
    assert sorted(users) == ["ana", "pepe"]


def test_a_cookie_or_csrf_token_that_is_not_one_is_refused(db: str) -> None:  # noqa: F811
    for cookie in ("", "x", "ana|9999999999|deadbeef", "é" * 50, "a" * 5000):
        assert me(db, cookie) == 401, cookie
    client, _, _ = logged_in(db, "ana", "ana-pass-1")
    body = {"left": "p1", "right": "p2", "verdict": "unsure"}
    with client:
        for sent in ("", "é".encode() * 43, b"x" * 5000):
            answer = client.post("/api/judgements", json=body,
                                 headers={**PURPOSE, "X-CSRF-Token": sent})  # fmt: skip
            assert answer.status_code == 403, sent
