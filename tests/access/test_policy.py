"""The access decision, case by case (the adversarial table)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cupula.access import accounts
from cupula.access.policy import decide
from cupula.access.viewer import Role, Viewer
from cupula.model.marking import Classification, Marking
from cupula.store import Store

ADMIN = Viewer.local_admin()  # who adds the agencies and users

C = Classification


def viewer(
    agency: str,
    country: str,
    clearance: Classification = C.SECRET,
    cases: frozenset[str] = frozenset(),
) -> Viewer:
    return Viewer(
        user="u",
        agency=agency,
        country=country,
        clearance=clearance,
        roles=frozenset({Role.ANALYST}),
        cases=cases,
    )


CASES = [
    # (marking, viewer, allowed, why)
    ("CONFIDENTIAL ORIG CO-DIJIN", viewer("CO-DIJIN", "COL"), True, "originator"),
    (
        "CONFIDENTIAL ORIG CO-DIJIN",
        viewer("CO-DIJIN", "COL", C.RESTRICTED),
        False,
        "originator below the classification",
    ),
    (
        "UNCLASSIFIED ORIG CO-DIJIN",
        viewer("CO-FISCALIA", "COL"),
        False,
        "same country, different agency, no REL TO",
    ),
    (
        "UNCLASSIFIED REL TO COL ORIG CO-DIJIN",
        viewer("CO-FISCALIA", "COL"),
        True,
        "same country named in REL TO",
    ),
    (
        "RESTRICTED REL TO US-DEA ORIG ES-SEPBLAC",
        viewer("US-DEA", "USA"),
        True,
        "agency named in REL TO",
    ),
    (
        "RESTRICTED REL TO US-DEA ORIG ES-SEPBLAC",
        viewer("US-FBI", "USA"),
        False,
        "another agency of the named agency's country",
    ),
    (
        "SECRET REL TO USA ORIG CO-DIJIN",
        viewer("US-DEA", "USA", C.CONFIDENTIAL),
        False,
        "country named but clearance too low",
    ),
    (
        "SECRET REL TO USA ORIG CO-DIJIN",
        viewer("US-DEA", "USA", C.SECRET),
        True,
        "clearance equal to the classification",
    ),
    (
        "RESTRICTED REL TO ESP ORIG CO-DIJIN",
        viewer("NL-POLITIE", "NLD"),
        False,
        "a country not named",
    ),
    (
        "RESTRICTED REL TO COL CASE op-1 ORIG CO-DIJIN",
        viewer("CO-DIJIN", "COL"),
        False,
        "originator outside the case",
    ),
    (
        "RESTRICTED CASE op-1,op-2 ORIG CO-DIJIN",
        viewer("CO-DIJIN", "COL", cases=frozenset({"op-1"})),
        False,
        "member of one case of two",
    ),
    (
        "RESTRICTED CASE op-1,op-2 ORIG CO-DIJIN",
        viewer("CO-DIJIN", "COL", cases=frozenset({"op-1", "op-2", "op-9"})),
        True,
        "member of every case",
    ),
    (
        'SECRET REL TO ESP H3 "not before trial" B2 ORIG CO-DIJIN',
        viewer("ES-GC", "ESP"),
        True,
        "handling codes do not decide who sees",
    ),
    (
        "RESTRICTED REL TO col ORIG CO-DIJIN",
        viewer("CO-X", "COL"),
        True,
        "REL TO is read case-insensitively",
    ),
]


@pytest.mark.parametrize(("text", "who", "allowed", "why"), CASES, ids=[c[3] for c in CASES])
def test_decide(text: str, who: Viewer, allowed: bool, why: str) -> None:
    decision = decide(who, Marking.parse(text))
    assert decision.allowed is allowed, f"{why}: {decision}"
    assert decision.reasons  # always says why


def test_the_local_administrator_sees_everything() -> None:
    assert decide(Viewer.local_admin(), Marking.parse("SECRET CASE x ORIG CO-DIJIN"))


@pytest.fixture
def accounts_store(tmp_path: Path) -> Store:
    store = Store.open(str(tmp_path / "s.db"))
    accounts.add_agency(store, ADMIN, "CO-DIJIN", "COL", "DIJIN")
    return store


def test_disabled_and_expired_users_cannot_act(accounts_store: Store) -> None:
    accounts.add_user(accounts_store, ADMIN, "ana", "CO-DIJIN", C.SECRET)
    accounts.add_user(accounts_store, ADMIN, "old", "CO-DIJIN", C.SECRET, expires="2026-01-01")
    token = accounts.create_token(accounts_store, ADMIN, "ana")
    assert accounts.viewer_for_token(accounts_store, token).user == "ana"
    accounts.disable_user(accounts_store, ADMIN, "ana")
    with pytest.raises(accounts.AccountError, match="disabled"):
        accounts.viewer_for(accounts_store, "ana")
    with pytest.raises(accounts.AccountError):
        accounts.viewer_for_token(accounts_store, token)
    with pytest.raises(accounts.AccountError, match="expired"):
        accounts.viewer_for(accounts_store, "old", now=datetime(2026, 6, 1, tzinfo=UTC))


def test_passwords_are_argon2id_hashes(accounts_store: Store) -> None:
    accounts.add_user(accounts_store, ADMIN, "ana", "CO-DIJIN", C.SECRET, password="s3cret horse")
    with accounts_store.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM user_account").scalar_one()
    assert stored.startswith("$argon2id$") and "s3cret" not in stored
    assert accounts.login(accounts_store, "ana", "s3cret horse").agency == "CO-DIJIN"
    with pytest.raises(accounts.AccountError, match="wrong user name or password"):
        accounts.login(accounts_store, "ana", "guess")
    with pytest.raises(accounts.AccountError, match="wrong user name or password"):
        accounts.login(accounts_store, "nobody", "guess")


def test_users_need_a_known_agency(accounts_store: Store) -> None:
    with pytest.raises(accounts.AccountError, match="no agency"):
        accounts.add_user(accounts_store, ADMIN, "x", "ES-SEPBLAC", C.SECRET)
    with pytest.raises(accounts.AccountError, match="alpha-3"):
        accounts.add_agency(accounts_store, ADMIN, "ES-SEPBLAC", "XX", "x")
