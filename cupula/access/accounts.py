"""Agencies, users and API tokens. Passwords are argon2id hashes; API token secrets
(256 random bits) are kept as their SHA-256, checked in microseconds on every request.

A password hash takes 64 MiB while it is checked: at most ``CONCURRENT_HASHES`` are
checked at once per process (``PasswordChecks``); a login that waits longer than
``HASH_WAIT_S`` for its turn is refused with ``TooManyAttempts`` (429), so that a burst
of logins costs bounded memory instead of gigabytes.

Every change takes the ``actor`` who makes it and asks the policy first
(``policy.may_administer``; ``policy.may_set_password`` lets a user change its own
password): a refusal is a ``Refused`` with the policy's reason, and changes nothing.
A password change and disabling a user end the user's login sessions; disabling also
revokes the user's API tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import insert, select, update

from cupula.access import policy
from cupula.access.policy import Decision
from cupula.access.sessions import end_sessions_of
from cupula.access.viewer import Role, Viewer
from cupula.errors import CupulaError, Refused, TooManyAttempts
from cupula.model.marking import AGENCY_RE, Classification, country_codes
from cupula.model.statement import now_iso
from cupula.store.store import Store
from cupula.store.tables import agency_table, token_table, user_table

HASHER = PasswordHasher()  # argon2id with the library's recommended parameters
TOKEN_PREFIX = "cup"
# A token's secret is 256 random bits: a fast hash of it is as hard to reverse as the
# secret is to guess (a slow hash only protects guessable secrets such as passwords).
TOKEN_HASH = "sha256$"
CONCURRENT_HASHES = 4  # argon2id checks at once per process (64 MiB each)
HASH_WAIT_S = 20.0  # how long a login waits for its turn before a 429


class PasswordChecks:
    """At most ``limit`` password hashes checked at once; the others wait their turn, up
    to ``wait_s`` seconds, then are refused (TooManyAttempts: the server is busy)."""

    def __init__(self, limit: int = CONCURRENT_HASHES, wait_s: float = HASH_WAIT_S) -> None:
        self.slots = threading.BoundedSemaphore(limit)
        self.wait_s = wait_s

    @contextmanager
    def turn(self) -> Iterator[None]:
        if not self.slots.acquire(timeout=self.wait_s):
            raise TooManyAttempts("the server is busy with other logins; try again in a minute")
        try:
            yield
        finally:
            self.slots.release()


PASSWORD_CHECKS = PasswordChecks()


class AccountError(CupulaError, ValueError):
    """A refused account operation or login; the message says why."""


def _require(decision: Decision) -> None:
    if not decision:
        raise Refused("; ".join(decision.reasons))


@dataclass(frozen=True)
class Agency:
    id: str
    country: str
    name: str


@dataclass(frozen=True)
class User:
    name: str
    agency: str
    clearance: Classification
    roles: frozenset[Role]
    cases: frozenset[str]
    disabled: bool
    expires: str | None


def add_agency(store: Store, actor: Viewer, agency_id: str, country: str, name: str) -> Agency:
    _require(policy.may_administer(actor))
    agency_id, country = agency_id.upper(), country.upper()
    if not AGENCY_RE.match(agency_id):
        raise AccountError(f"{agency_id!r} is not an agency id such as CO-DIJIN")
    if country not in country_codes():
        raise AccountError(f"{country!r} is not an ISO 3166 alpha-3 country code (COL, ESP)")
    with store.engine.begin() as conn:
        if conn.execute(select(agency_table.c.id).where(agency_table.c.id == agency_id)).first():
            raise AccountError(f"agency {agency_id} exists already")
        conn.execute(
            insert(agency_table).values(id=agency_id, country=country, name=name, created=now_iso())
        )
    return Agency(agency_id, country, name)


def list_agencies(store: Store) -> list[Agency]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(agency_table).order_by(agency_table.c.id)).all()
    return [Agency(r.id, r.country, r.name) for r in rows]


def _split(text: str) -> frozenset[str]:
    return frozenset(x for x in text.split(",") if x)


def _user(row: Any) -> User:
    return User(
        name=row.name,
        agency=row.agency,
        clearance=Classification(row.clearance),
        roles=frozenset(Role(r) for r in _split(row.roles)),
        cases=_split(row.cases),
        disabled=bool(row.disabled),
        expires=row.expires,
    )


def add_user(
    store: Store,
    actor: Viewer,
    name: str,
    agency: str,
    clearance: Classification,
    roles: frozenset[Role] = frozenset({Role.ANALYST}),
    *,
    cases: frozenset[str] = frozenset(),
    password: str | None = None,
    expires: str | None = None,
) -> User:
    _require(policy.may_administer(actor))
    agency = agency.upper()
    if not name or len(name) > 64 or not name.replace("-", "").replace(".", "").isalnum():
        raise AccountError("a user name is 1-64 letters, digits, '.' or '-'")
    if expires is not None:
        _parse_time(expires)
    with store.engine.begin() as conn:
        if (
            conn.execute(select(agency_table.c.id).where(agency_table.c.id == agency)).first()
            is None
        ):
            raise AccountError(f"no agency {agency}; add it with `cupula admin agency add`")
        if conn.execute(select(user_table.c.name).where(user_table.c.name == name)).first():
            raise AccountError(f"user {name} exists already")
        conn.execute(
            insert(user_table).values(
                name=name,
                agency=agency,
                clearance=int(clearance),
                roles=",".join(sorted(roles)),
                cases=",".join(sorted(cases)),
                password_hash=HASHER.hash(password) if password else None,
                disabled=0,
                expires=expires,
                created=now_iso(),
            )
        )
    return get_user(store, name)


def get_user(store: Store, name: str) -> User:
    with store.engine.connect() as conn:
        row = conn.execute(select(user_table).where(user_table.c.name == name)).first()
    if row is None:
        raise AccountError(f"no user {name!r}")
    return _user(row)


def list_users(store: Store, actor: Viewer) -> list[User]:
    """Every user with its agency, clearance, roles and cases (administrators only: the
    cases a user is a member of are themselves need-to-know)."""
    _require(policy.may_administer(actor))
    with store.engine.connect() as conn:
        rows = conn.execute(select(user_table).order_by(user_table.c.name)).all()
    return [_user(r) for r in rows]


def set_password(store: Store, actor: Viewer, name: str, password: str) -> None:
    """Set (or reset) a user's password for the web login; stored as an argon2id hash.
    The user's login sessions end and its API tokens are revoked: a password is reset
    when it may have been stolen, and a stolen session or a token made with it must not
    outlive the new one (new tokens: ``cupula admin user token``)."""
    _require(policy.may_set_password(actor, name))
    if not password:
        raise AccountError("an empty password")
    get_user(store, name)
    with store.engine.begin() as conn:
        conn.execute(
            update(user_table).where(user_table.c.name == name)
            .values(password_hash=HASHER.hash(password))
        )  # fmt: skip
        conn.execute(update(token_table).where(token_table.c.user == name).values(revoked=1))
        end_sessions_of(conn, name)


def disable_user(store: Store, actor: Viewer, name: str) -> None:
    """Disable a user: its login sessions end and its API tokens are revoked."""
    _require(policy.may_administer(actor))
    get_user(store, name)
    with store.engine.begin() as conn:
        conn.execute(update(user_table).where(user_table.c.name == name).values(disabled=1))
        conn.execute(update(token_table).where(token_table.c.user == name).values(revoked=1))
        end_sessions_of(conn, name)


def _parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise AccountError(f"{text!r} is not an ISO date or time") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def viewer_for(store: Store, name: str, *, now: datetime | None = None) -> Viewer:
    """The viewer of an active user; a disabled or expired user is refused."""
    user = get_user(store, name)
    if user.disabled:
        raise AccountError(f"user {name} is disabled")
    if user.expires is not None and _parse_time(user.expires) <= (now or datetime.now(UTC)):
        raise AccountError(f"user {name} expired on {user.expires}")
    with store.engine.connect() as conn:
        agency = conn.execute(select(agency_table).where(agency_table.c.id == user.agency)).first()
    if agency is None:
        raise AccountError(f"user {name} belongs to no known agency")
    return Viewer(
        user=user.name,
        agency=user.agency,
        country=agency.country,
        clearance=user.clearance,
        roles=user.roles,
        cases=user.cases,
    )


@cache
def _decoy_hash() -> str:
    """A hash of a random password, made once, to verify against when there is no user."""
    return HASHER.hash(secrets.token_urlsafe(16))


def login(store: Store, name: str, password: str) -> Viewer:
    """Check a password; the same error, after the same work, for an unknown user, a
    user without a password and a wrong password (an unknown user's password is checked
    against a decoy hash, so that the time taken does not tell who exists)."""
    with store.engine.connect() as conn:
        row = conn.execute(
            select(user_table.c.password_hash).where(user_table.c.name == name)
        ).first()
    try:
        with PASSWORD_CHECKS.turn():
            if row is None or row.password_hash is None:
                HASHER.verify(_decoy_hash(), password)
                raise VerificationError("no such user")  # in case a guess matched the decoy
            HASHER.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise AccountError("wrong user name or password") from None
    try:
        return viewer_for(store, name)
    except AccountError:
        # disabled or expired: the same answer as a wrong password, or the answer would
        # confirm that the password was right
        raise AccountError("wrong user name or password") from None


def create_token(store: Store, actor: Viewer, name: str, *, expires: str | None = None) -> str:
    """A new API token for ``name``, shown once: ``cup_<id>_<secret>``."""
    _require(policy.may_administer(actor))
    if expires is not None:
        _parse_time(expires)
    viewer_for(store, name)
    token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    with store.engine.begin() as conn:
        conn.execute(
            insert(token_table).values(
                id=token_id,
                user=name,
                secret_hash=token_hash(secret),
                created=now_iso(),
                expires=expires,
                revoked=0,
            )
        )
    return f"{TOKEN_PREFIX}_{token_id}_{secret}"


def token_hash(secret: str) -> str:
    """What the store keeps of a token's secret."""
    return TOKEN_HASH + hashlib.sha256(secret.encode()).hexdigest()


def _secret_matches(store: Store, token_id: str, stored: str, secret: str) -> bool:
    """Whether ``secret`` is the token's. A token made before SHA-256 hashes (an argon2id
    hash) is checked once the slow way and its hash replaced, so that it keeps working
    and costs microseconds from then on."""
    if stored.startswith(TOKEN_HASH):
        return hmac.compare_digest(token_hash(secret).encode(), stored.encode())
    try:
        with PASSWORD_CHECKS.turn():
            HASHER.verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False
    with store.engine.begin() as conn:
        conn.execute(
            update(token_table).where(token_table.c.id == token_id)
            .values(secret_hash=token_hash(secret))
        )  # fmt: skip
    return True


def viewer_for_token(store: Store, token: str) -> Viewer:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        raise AccountError("not a cupula API token")
    with store.engine.connect() as conn:
        row = conn.execute(select(token_table).where(token_table.c.id == parts[1])).first()
    if row is None or row.revoked or not _secret_matches(store, row.id, row.secret_hash, parts[2]):
        raise AccountError("invalid or revoked API token")
    if row.expires is not None and _parse_time(row.expires) <= datetime.now(UTC):
        raise AccountError("the API token has expired")
    return viewer_for(store, row.user)
