"""Who is asking: a session cookie from a password login, or an API token.

- Sessions live in the store (``access.sessions``): the cookie ``cupula_session`` holds a
  random token (HttpOnly, SameSite=Strict, Secure on HTTPS) for ``SESSION_SECONDS``; the
  session ends at logout, when the user's password is changed or the user disabled.
- CSRF: requests that change something and come with the session cookie must carry the
  header ``X-CSRF-Token``, the session's own random token, which the login returned (also
  in the readable cookie ``cupula_csrf``): a page of another site cannot read it.
- Tokens: ``Authorization: Bearer cup_<id>_<secret>`` (``cupula admin user token``); no CSRF.
- Logins are throttled per user and address, per user and per address
  (``http.throttle``); the address is the peer's unless it is a trusted proxy
  (``http.proxies``).
"""

from __future__ import annotations

import hmac
import time

from fastapi import Request, Response

from cupula.access.accounts import AccountError, login, viewer_for, viewer_for_token
from cupula.access.sessions import (
    SESSION_SECONDS,
    LoginSession,
    end_session,
    find_session,
    open_session,
)
from cupula.access.viewer import Viewer
from cupula.errors import Refused
from cupula.http.throttle import LoginThrottle
from cupula.store import Store

SESSION_COOKIE = "cupula_session"
CSRF_COOKIE = "cupula_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def client_host(request: Request) -> str:
    """The address the request comes from (forwarded headers are read before, and only
    from trusted proxies: ``http.proxies``)."""
    return request.client.host if request.client else "?"


def log_in(
    store: Store,
    throttle: LoginThrottle,
    request: Request,
    response: Response,
    user: str,
    password: str,
) -> tuple[Viewer, str]:
    """Check the password, open a session and set its cookies; return (viewer, CSRF token)."""
    host = client_host(request)
    throttle.check(host, user, time.monotonic())
    try:
        viewer = login(store, user, password)
    except AccountError:
        throttle.fail(host, user, time.monotonic())
        raise
    throttle.succeed(host, user)
    token, session = open_session(store, viewer.user)
    secure = request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_SECONDS, httponly=True,
                        samesite="strict", secure=secure)  # fmt: skip
    response.set_cookie(CSRF_COOKIE, session.csrf, max_age=SESSION_SECONDS, httponly=False,
                        samesite="strict", secure=secure)  # fmt: skip
    return viewer, session.csrf


def log_out(store: Store, request: Request, response: Response) -> None:
    """End the request's session (if any) and clear its cookies."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(store, token)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)


def session_of(store: Store, request: Request) -> LoginSession | None:
    """The live session of the request's cookie (None: none, ended or expired)."""
    if not hasattr(request.state, "login_session"):  # read once: a page checks, then its context
        token = request.cookies.get(SESSION_COOKIE, "")
        request.state.login_session = find_session(store, token) if token else None
    found: LoginSession | None = request.state.login_session
    return found


def csrf_matches(store: Store, request: Request, sent: str) -> bool:
    """Whether ``sent`` (a form's field) is the CSRF token of the request's live session."""
    session = session_of(store, request)
    return session is not None and hmac.compare_digest(sent.encode(), session.csrf.encode())


def viewer_of(store: Store, request: Request) -> Viewer:
    """The viewer a request speaks for (AccountError when none or invalid)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return viewer_for_token(store, header[7:].strip())
    if SESSION_COOKIE not in request.cookies:
        raise AccountError("log in, or send an API token as 'Authorization: Bearer …'")
    session = session_of(store, request)
    if session is None:
        raise AccountError("the session has ended or expired; log in again")
    # a page's form carries the token in a field, checked before (request.state.csrf_form)
    checked = request.method in SAFE_METHODS or getattr(request.state, "csrf_form", False)
    if not checked and not csrf_matches(store, request, request.headers.get(CSRF_HEADER, "")):
        raise Refused("missing or wrong X-CSRF-Token header")
    return viewer_for(store, session.user)
