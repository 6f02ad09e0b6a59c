"""``cupula admin``: the commands pass their session's viewer to the account functions,
which ask the policy; a user may set its own password; a new password ends sessions."""

from __future__ import annotations

from pathlib import Path

import pytest

from cupula.access import policy
from cupula.access.policy import Decision
from cupula.access.sessions import find_session, open_session
from cupula.access.viewer import Viewer
from cupula.store import Store
from tests.cli.test_access import run


@pytest.fixture
def db(tmp_path: Path) -> str:
    db = str(tmp_path / "admin.db")
    run(db, "admin", "agency", "add", "CO-DIJIN", "--country", "COL", "--name", "DIJIN")
    run(db, "admin", "user", "add", "ana", "--agency", "CO-DIJIN")
    run(db, "admin", "user", "add", "boss", "--agency", "CO-DIJIN", "--role", "admin")
    return db


@pytest.fixture
def typed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the user types at the password prompts."""
    answers: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": answers.pop(0))
    return answers


def test_every_admin_command_asks_the_policy(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def refuse(viewer: Viewer, *args: str) -> Decision:
        asked.append(viewer.user)
        return Decision(False, ("refused by the test's policy",))

    monkeypatch.setattr(policy, "may_administer", refuse)
    commands = [
        ["agency", "add", "ES-GC", "--country", "ESP", "--name", "GC"],
        ["user", "add", "eve", "--agency", "CO-DIJIN"],
        ["user", "list"],
        ["user", "disable", "ana"],
        ["user", "token", "ana"],
    ]
    for command in commands:
        out = run(db, "admin", *command, expect=3)
        assert "refused by the test's policy" in out, command
    assert asked == ["local-admin"] * len(commands)
    monkeypatch.undo()
    assert "eve" not in run(db, "admin", "user", "list")  # nothing was added


def test_an_analyst_administers_nothing_but_an_administrator_user_does(db: str) -> None:
    for command in (["user", "list"], ["user", "token", "boss"], ["user", "disable", "boss"]):
        out = run(db, "admin", *command, user="ana", expect=3)
        assert "ana is not an administrator" in out, command
    assert run(db, "admin", "user", "token", "ana", user="boss").startswith("cup_")
    assert "ana" in run(db, "admin", "user", "list", user="boss")


def test_a_user_sets_its_own_password_and_its_sessions_end(db: str, typed: list[str]) -> None:
    store = Store.open(db)
    token, _ = open_session(store, "ana")
    typed += ["new-pass-1", "new-pass-1"]
    assert "password of ana set" in run(db, "admin", "user", "password", "ana", user="ana")
    assert find_session(store, token) is None
    typed += ["x-pass-1", "x-pass-1"]
    out = run(db, "admin", "user", "password", "boss", user="ana", expect=3)
    assert "ana is not an administrator and is not boss" in out
    store.close()


def test_disabling_a_user_ends_its_sessions(db: str) -> None:
    store = Store.open(db)
    token, _ = open_session(store, "ana")
    run(db, "admin", "user", "disable", "ana")
    assert find_session(store, token) is None
    store.close()
