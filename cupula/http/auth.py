"""Who is asking: a session cookie from a password login, or an API token.

- Sessions: ``cupula_session`` = ``user|expiry|hmac``, HttpOnly, SameSite=Strict, Secure on
  HTTPS, valid for ``SESSION_SECONDS``; signed with the app's secret.
- CSRF: requests that change something and come with the session cookie must carry the
  header ``X-CSRF-Token``, an HMAC of the session the login returned (also in the
  readable cookie ``cupula_csrf``): a page of another site cannot read it.
- Tokens: ``Authorization: Bearer cup_<id>_<secret>`` (``cupula admin token``); no CSRF.
- Logins are rate-limited: ``MAX_FAILURES`` failures per user and address in
  ``FAILURE_WINDOW`` seconds, then 429 until the window has passed.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import defaultdict, deque

from fastapi import Request, Response

from cupula.access.accounts import AccountError, login, viewer_for, viewer_for_token
from cupula.access.viewer import Viewer
from cupula.errors import Refused, TooManyAttempts
from cupula.store import Store

SESSION_COOKIE = "cupula_session"
CSRF_COOKIE = "cupula_csrf"
CSRF_HEADER = "x-csrf-token"
SESSION_SECONDS = 8 * 3600
MAX_FAILURES = 5
FAILURE_WINDOW = 60.0
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _sign(secret: bytes, text: str) -> str:
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


def session_value(secret: bytes, user: str, now: float | None = None) -> str:
    expiry = int((now or time.time()) + SESSION_SECONDS)
    body = f"{user}|{expiry}"
    return f"{body}|{_sign(secret, body)}"


def csrf_token(secret: bytes, session: str) -> str:
    return _sign(secret, f"csrf|{session}")


def user_of_session(secret: bytes, value: str, now: float | None = None) -> str:
    try:
        user, expiry, signature = value.rsplit("|", 2)
    except ValueError:
        raise AccountError("not a session; log in again") from None
    if not hmac.compare_digest(signature, _sign(secret, f"{user}|{expiry}")):
        raise AccountError("not a session; log in again")
    if not expiry.isdigit() or int(expiry) < (now or time.time()):
        raise AccountError("the session has expired; log in again")
    return user


class LoginThrottle:
    """Failed logins per (address, user) in a sliding window."""

    def __init__(self) -> None:
        self.failures: defaultdict[tuple[str, str], deque[float]] = defaultdict(deque)

    def check(self, key: tuple[str, str], now: float) -> None:
        recent = self.failures[key]
        while recent and recent[0] < now - FAILURE_WINDOW:
            recent.popleft()
        if len(recent) >= MAX_FAILURES:
            raise TooManyAttempts("too many failed logins; wait a minute and try again")

    def fail(self, key: tuple[str, str], now: float) -> None:
        self.failures[key].append(now)


def log_in(
    store: Store,
    secret: bytes,
    throttle: LoginThrottle,
    request: Request,
    response: Response,
    user: str,
    password: str,
) -> tuple[Viewer, str]:
    """Check the password, set the session and CSRF cookies; return (viewer, CSRF token)."""
    now = time.time()
    key = (request.client.host if request.client else "?", user)
    throttle.check(key, now)
    try:
        viewer = login(store, user, password)
    except AccountError:
        throttle.fail(key, now)
        raise
    session = session_value(secret, viewer.user, now)
    token = csrf_token(secret, session)
    secure = request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, session, max_age=SESSION_SECONDS, httponly=True,
                        samesite="strict", secure=secure)  # fmt: skip
    response.set_cookie(CSRF_COOKIE, token, max_age=SESSION_SECONDS, httponly=False,
                        samesite="strict", secure=secure)  # fmt: skip
    return viewer, token


def viewer_of(store: Store, secret: bytes, request: Request) -> Viewer:
    """The viewer a request speaks for (AccountError when none or invalid)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return viewer_for_token(store, header[7:].strip())
    session = request.cookies.get(SESSION_COOKIE)
    if session is None:
        raise AccountError("log in, or send an API token as 'Authorization: Bearer …'")
    user = user_of_session(secret, session)
    # a page's form carries the token in a field, checked before (request.state.csrf_form)
    if request.method not in SAFE_METHODS and not getattr(request.state, "csrf_form", False):
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent, csrf_token(secret, session)):
            raise Refused("missing or wrong X-CSRF-Token header")
    return viewer_for(store, user)
