"""Login sessions kept in the store: random, revocable, with a CSRF token of their own.

A login opens a session: a random token (256 bits) goes to the browser as a cookie and
only its SHA-256 is kept (table ``login_session``), so a copy of the database does not
give anyone a session. Each session has its own random CSRF token. A session ends when
it expires (``SESSION_SECONDS`` after the login), at logout, and when its user's password
is changed or the user is disabled (``accounts.set_password``, ``accounts.disable_user``
call ``end_sessions_of`` in the same transaction as their change). Expired rows are
deleted at the next login (``purge_expired``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update

from cupula.store.store import Store
from cupula.store.tables import login_session_table

SESSION_SECONDS = 8 * 3600
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # as model.statement.now_iso: compares as text
MAX_TOKEN_LENGTH = 128  # a cookie longer than any token is not looked up


@dataclass(frozen=True)
class LoginSession:
    user: str
    csrf: str
    expires: str


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    store: Store, user: str, *, now: datetime | None = None, seconds: int = SESSION_SECONDS
) -> tuple[str, LoginSession]:
    """A new session for ``user``: (the cookie's token, the session). Expired sessions of
    every user are deleted on the way."""
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    session = LoginSession(
        user, secrets.token_urlsafe(32), _stamp(now + timedelta(seconds=seconds))
    )
    with store.engine.begin() as conn:
        _purge(conn, now)
        conn.execute(
            insert(login_session_table).values(
                id=_key(token),
                user=user,
                csrf=session.csrf,
                created=_stamp(now),
                expires=session.expires,
                revoked=0,
            )
        )
    return token, session


def find_session(store: Store, token: str, *, now: datetime | None = None) -> LoginSession | None:
    """The live session of a cookie's token; None when unknown, ended or expired."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    with store.engine.connect() as conn:
        row = conn.execute(
            select(login_session_table).where(login_session_table.c.id == _key(token))
        ).first()
    if row is None or row.revoked or row.expires <= _stamp(now or datetime.now(UTC)):
        return None
    return LoginSession(row.user, row.csrf, row.expires)


def end_session(store: Store, token: str) -> None:
    """Log out: the session of ``token`` ends (nothing happens for an unknown token)."""
    with store.engine.begin() as conn:
        conn.execute(
            update(login_session_table)
            .where(login_session_table.c.id == _key(token))
            .values(revoked=1)
        )


def end_sessions_of(conn: Connection, user: str) -> int:
    """End every session of ``user`` inside the caller's transaction; how many were live."""
    result = conn.execute(
        update(login_session_table)
        .where(login_session_table.c.user == user, login_session_table.c.revoked == 0)
        .values(revoked=1)
    )
    return result.rowcount


def purge_expired(store: Store, *, now: datetime | None = None) -> int:
    """Delete the sessions that have expired (ended or not); how many."""
    with store.engine.begin() as conn:
        return _purge(conn, now or datetime.now(UTC))


def _purge(conn: Connection, now: datetime) -> int:
    result = conn.execute(
        delete(login_session_table).where(login_session_table.c.expires <= _stamp(now))
    )
    return result.rowcount
