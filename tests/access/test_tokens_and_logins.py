"""API tokens are checked without a password hash, and password hashes are checked a few
at a time (issue 18, item 4): a token costs microseconds per request, a token made
before keeps working (its argon2id hash replaced at first use), and a burst of logins
never checks more than ``CONCURRENT_HASHES`` hashes (64 MiB each) at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from cupula.access import accounts
from cupula.access.viewer import Viewer
from cupula.errors import TooManyAttempts
from cupula.model.marking import Classification as C
from cupula.store import Store
from cupula.store.tables import token_table

ADMIN = Viewer.local_admin()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(str(tmp_path / "accounts.db"))
    accounts.add_agency(store, ADMIN, "CO-DIJIN", "COL", "DIJIN")
    accounts.add_user(store, ADMIN, "ana", "CO-DIJIN", C.SECRET, password="ana-pass-1")
    return store


def stored_hash(store: Store) -> str:
    with store.engine.connect() as conn:
        return str(conn.execute(select(token_table.c.secret_hash)).scalar_one())


def test_a_token_is_checked_without_a_password_hash(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = accounts.create_token(store, ADMIN, "ana")
    secret = token.split("_", 2)[2]
    assert stored_hash(store).startswith("sha256$") and secret not in stored_hash(store)

    class NoArgon2:
        def verify(self, *args: Any) -> bool:
            raise AssertionError("argon2 used for a token")

    monkeypatch.setattr(accounts, "HASHER", NoArgon2())
    started = time.perf_counter()
    for _ in range(20):
        assert accounts.viewer_for_token(store, token).user == "ana"
    assert (time.perf_counter() - started) / 20 < 0.05  # argon2id alone took ~100 ms
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), token + "x", "cup_x_y"):
        with pytest.raises(accounts.AccountError, match="invalid or revoked"):
            accounts.viewer_for_token(store, wrong)


def test_a_token_made_before_keeps_working_and_is_rehashed_at_first_use(store: Store) -> None:
    token = accounts.create_token(store, ADMIN, "ana")
    secret = token.split("_", 2)[2]
    with store.engine.begin() as conn:  # as create_token stored it before: argon2id
        conn.execute(update(token_table).values(secret_hash=accounts.HASHER.hash(secret)))
    with pytest.raises(accounts.AccountError):
        accounts.viewer_for_token(store, token[:-2] + "zz")
    assert stored_hash(store).startswith("$argon2id$")  # a wrong secret changes nothing
    assert accounts.viewer_for_token(store, token).user == "ana"
    assert stored_hash(store) == accounts.token_hash(secret)
    assert accounts.viewer_for_token(store, token).user == "ana"


def test_revoked_tokens_stay_refused(store: Store) -> None:
    token = accounts.create_token(store, ADMIN, "ana")
    accounts.disable_user(store, ADMIN, "ana")
    with pytest.raises(accounts.AccountError, match="invalid or revoked"):
        accounts.viewer_for_token(store, token)


def test_no_more_than_a_few_password_hashes_are_checked_at_once(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    running, most = 0, 0
    lock = threading.Lock()
    verify = accounts.HASHER.verify

    def counted(stored: str, password: str) -> bool:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.05)  # long enough for the others to pile up
            return verify(stored, password)
        finally:
            with lock:
                running -= 1

    class Counted:
        def verify(self, stored: str, password: str) -> bool:
            return counted(stored, password)

    monkeypatch.setattr(accounts, "HASHER", Counted())
    outcomes: list[str] = []

    def log_in(i: int) -> None:
        try:
            accounts.login(store, "ana", "ana-pass-1" if i % 2 else "wrong")
            outcomes.append("ok")
        except accounts.AccountError:
            outcomes.append("wrong")

    threads = [threading.Thread(target=log_in, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == accounts.CONCURRENT_HASHES
    assert sorted(outcomes) == ["ok"] * 8 + ["wrong"] * 8  # each waited its turn


def test_a_login_that_waits_too_long_is_told_to_come_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = accounts.PasswordChecks(limit=1, wait_s=0.1)
    monkeypatch.setattr(accounts, "PASSWORD_CHECKS", checks)
    with checks.turn():  # another login holds the only turn
        started = time.perf_counter()
        with pytest.raises(TooManyAttempts, match="busy"):
            accounts.login(store, "ana", "ana-pass-1")
        assert time.perf_counter() - started < 1
    assert accounts.login(store, "ana", "ana-pass-1").user == "ana"
