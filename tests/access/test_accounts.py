"""Managing accounts asks the policy inside the domain functions (not only in the CLI);
a login takes as long for a user who does not exist as for a wrong password."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cupula.access import accounts, policy
from cupula.access.policy import Decision
from cupula.access.viewer import Role, Viewer
from cupula.model.marking import Classification as C
from cupula.store import Store
from cupula.store.tables import agency_table, token_table, user_table

ADMIN = Viewer.local_admin()
ANA = Viewer("ana", "CO-DIJIN", "COL", C.SECRET, frozenset({Role.ANALYST, Role.SUPERVISOR}))
BOSS = Viewer("boss", "CO-DIJIN", "COL", C.SECRET, frozenset({Role.ADMIN}))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(str(tmp_path / "accounts.db"))
    accounts.add_agency(store, ADMIN, "CO-DIJIN", "COL", "DIJIN")
    accounts.add_user(store, ADMIN, "ana", "CO-DIJIN", C.SECRET, password="ana-pass-1")
    accounts.add_user(store, ADMIN, "pepe", "CO-DIJIN", C.SECRET, password="pepe-pass-1")
    return store


def snapshot(store: Store) -> tuple[Any, ...]:
    with store.engine.connect() as conn:
        return tuple(
            tuple(conn.execute(select(t)).all()) for t in (agency_table, user_table, token_table)
        )


# each change an account function makes, as (name, call with the acting viewer)
CHANGES: list[tuple[str, Callable[[Store, Viewer], object]]] = [
    ("add_agency", lambda s, v: accounts.add_agency(s, v, "ES-GC", "ESP", "Guardia Civil")),
    ("add_user", lambda s, v: accounts.add_user(s, v, "eve", "CO-DIJIN", C.SECRET)),
    ("set_password", lambda s, v: accounts.set_password(s, v, "pepe", "taken-over")),
    ("disable_user", lambda s, v: accounts.disable_user(s, v, "pepe")),
    ("create_token", lambda s, v: accounts.create_token(s, v, "pepe")),
    ("list_users", lambda s, v: accounts.list_users(s, v)),
]


@pytest.mark.parametrize("name,change", CHANGES, ids=[n for n, _ in CHANGES])
def test_a_user_who_is_no_administrator_changes_nothing(
    store: Store, name: str, change: Callable[[Store, Viewer], object]
) -> None:
    before = snapshot(store)
    with pytest.raises(PermissionError, match="ana is not an administrator"):
        change(store, ANA)
    assert snapshot(store) == before
    change(store, BOSS)  # an administrator (not the local one) may


@pytest.mark.parametrize("name,change", CHANGES, ids=[n for n, _ in CHANGES])
def test_every_account_change_asks_the_policy(
    store: Store, monkeypatch: pytest.MonkeyPatch, name: str, change: Callable[..., object]
) -> None:
    asked: list[str] = []

    def refuse(viewer: Viewer, *args: str) -> Decision:
        asked.append(viewer.user)
        return Decision(False, ("refused by the test's policy",))

    monkeypatch.setattr(policy, "may_administer", refuse)
    monkeypatch.setattr(policy, "may_set_password", refuse)
    before = snapshot(store)
    with pytest.raises(PermissionError, match="refused by the test's policy"):
        change(store, ADMIN)  # even the local administrator is refused when the policy says so
    assert asked == ["local-admin"] and snapshot(store) == before


def test_a_user_may_set_its_own_password_only(store: Store) -> None:
    accounts.set_password(store, ANA, "ana", "ana-pass-2")
    assert accounts.login(store, "ana", "ana-pass-2").user == "ana"
    with pytest.raises(PermissionError, match="ana is not an administrator and is not pepe"):
        accounts.set_password(store, ANA, "pepe", "x")
    assert policy.may_set_password(ANA, "ana") and not policy.may_set_password(ANA, "pepe")
    assert policy.may_set_password(BOSS, "pepe")


def test_a_token_with_a_bad_end_date_is_refused(store: Store) -> None:
    with pytest.raises(accounts.AccountError, match="'next week' is not an ISO date"):
        accounts.create_token(store, ADMIN, "ana", expires="next week")


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    with pytest.raises(accounts.AccountError, match="wrong user name or password"):
        call()
    return time.perf_counter() - start


def test_an_unknown_user_takes_as_long_as_a_wrong_password(store: Store) -> None:
    accounts.add_user(store, ADMIN, "nopass", "CO-DIJIN", C.SECRET)  # token users have none
    accounts.login(store, "ana", "ana-pass-1")  # warm up (the decoy hash is made once)
    timed(lambda: accounts.login(store, "nobody", "guess"))
    known, unknown, passwordless = [], [], []
    for _ in range(3):  # interleaved, so that a busy machine slows all three alike
        known.append(timed(lambda: accounts.login(store, "ana", "guess")))
        unknown.append(timed(lambda: accounts.login(store, "nobody", "guess")))
        passwordless.append(timed(lambda: accounts.login(store, "nopass", "guess")))
    reference = statistics.median(known)
    for other in (unknown, passwordless):
        ratio = statistics.median(other) / reference
        assert 0.5 < ratio < 2.0, (known, unknown, passwordless)


def test_a_disabled_user_with_the_right_password_gets_the_common_answer(store: Store) -> None:
    accounts.add_user(store, ADMIN, "eve", "CO-DIJIN", C.SECRET, password="eve-pass-1")
    accounts.disable_user(store, ADMIN, "eve")
    answers = []
    for password in ("eve-pass-1", "wrong"):
        with pytest.raises(accounts.AccountError) as refused:
            accounts.login(store, "eve", password)
        answers.append(str(refused.value))
    assert answers == ["wrong user name or password"] * 2


def test_a_new_password_revokes_the_users_tokens(store: Store) -> None:
    accounts.add_user(store, ADMIN, "eve", "CO-DIJIN", C.SECRET, password="eve-pass-1")
    token = accounts.create_token(store, ADMIN, "eve")
    assert accounts.viewer_for_token(store, token).user == "eve"
    accounts.set_password(store, ADMIN, "eve", "eve-pass-2")
    with pytest.raises(accounts.AccountError):
        accounts.viewer_for_token(store, token)
