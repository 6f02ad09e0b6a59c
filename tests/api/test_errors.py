"""The one error map: cupula's own errors keep their status and message; anything else
raised while serving (a file error, a KeyError, a library's ValueError or PermissionError)
is a 500 that shows nothing of the error but an id, which the server log has with the
traceback. The API and the pages alike, and the audit log keeps no such message."""

from __future__ import annotations

import ast
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cupula.access import audit
from cupula.app import create_app
from cupula.errors import InvalidInput, NotFound, NotReady, Refused
from cupula.http import reads
from cupula.store import Store
from tests.api.test_api import PURPOSE, db, log_in  # noqa: F401  (db: the fixture)

SECRET_DETAIL = "/var/lib/cupula/secret-path.db: disk I/O error in table statements"
NOT_OURS = [
    OSError(SECRET_DETAIL),
    PermissionError(13, SECRET_DETAIL),  # an OSError: once a 403 with its message
    KeyError(SECRET_DETAIL),
    ValueError(SECRET_DETAIL),  # once a 400 with its message
    LookupError(SECRET_DETAIL),
    RuntimeError(SECRET_DETAIL),
]
OURS = [
    (InvalidInput("unknown tie kind(s) spam"), 400, "InvalidInput"),
    (Refused("ana may not do that"), 403, "Refused"),
    (NotFound("no entity zz among what you may see"), 404, "NotFound"),
    (NotReady("run cupula resolve first"), 409, "NotReady"),
]


@pytest.fixture
def client(db: str) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(db), raise_server_exceptions=False) as c:
        log_in(c, "ana", "ana-pass-1")
        yield c


def failing(exc: Exception) -> object:
    def read(*_args: object, **_kwargs: object) -> object:
        raise exc

    return read


@pytest.mark.parametrize("exc", NOT_OURS, ids=lambda e: type(e).__name__)
def test_any_other_error_is_a_500_with_an_id_in_the_log(
    client: TestClient,
    db: str,  # noqa: F811
    exc: Exception,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(reads, "cooperation", failing(exc))
    with caplog.at_level(logging.ERROR, logger="cupula.http"):
        response = client.get("/api/cooperation", headers=PURPOSE)
        page = client.get("/cooperation", params={"purpose": "op-test"})
    assert response.status_code == 500 and page.status_code == 500
    body = response.json()
    assert body["error"] == "InternalError" and re.fullmatch(r"[0-9a-f]{12}", body["id"])
    for answer in (response.text, page.text):
        assert "secret-path" not in answer and type(exc).__name__ not in answer
    page_id = re.search(r"\b[0-9a-f]{12}\b", page.text)
    assert page_id is not None
    logged = {r.getMessage().split()[1].rstrip(":"): r for r in caplog.records}
    for error_id in (body["id"], page_id.group()):
        record = logged[error_id]  # the administrator finds the id, and the error with it
        assert record.exc_info is not None and record.exc_info[1] is exc
    assert "secret-path" in caplog.text  # the traceback is in the log
    store = Store.open(db)
    failed = [e for e in audit.entries(store) if e.action.endswith("/cooperation")]
    store.close()
    assert [e.query["outcome"] for e in failed] == ["failed: internal error"] * 2


@pytest.mark.parametrize(("exc", "status", "name"), OURS, ids=lambda x: str(x)[:12])
def test_our_own_errors_keep_their_status_and_message(
    client: TestClient, exc: Exception, status: int, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reads, "cooperation", failing(exc))
    response = client.get("/api/cooperation", headers=PURPOSE)
    assert response.status_code == status
    assert response.json() == {"error": name, "detail": str(exc)}
    page = client.get("/cooperation", params={"purpose": "op-test"})
    assert page.status_code == status and str(exc) in page.text


def test_the_errors_users_meet_every_day_are_still_theirs(client: TestClient) -> None:
    assert client.get("/api/entities/nobody", headers=PURPOSE).status_code == 404
    assert client.get("/api/entities/p1").status_code == 400  # no purpose
    same = {"left": "p1", "right": "p1", "verdict": "same"}
    judged = client.post("/api/judgements", json=same, headers=PURPOSE)
    assert judged.status_code == 403  # no CSRF token: Refused, not a library's PermissionError
    assert client.get("/api/clusters", headers=PURPOSE).status_code == 409


PACKAGE = Path(__file__).resolve().parents[2] / "cupula"
# the layers that talk to users raise only cupula's errors; the domain never refuses with
# a builtin PermissionError (an OSError: a file error, not a policy's answer)
USER_FACING = ("cli", "api", "http", "web")
BUILTIN_INPUT_ERRORS = {"ValueError", "LookupError", "KeyError"}


def builtin_raises(root: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        facing = path.relative_to(root).parts[0] in USER_FACING
        banned = {"PermissionError"} | (
            {"ValueError", "LookupError", "KeyError"} if facing else set()
        )
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):  # raised or built to raise
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in banned:
                name = getattr(node.func, "id", None)
                found.append(f"{path.relative_to(root.parent)}:{node.lineno}: {name}(…)")
    return found


def test_user_facing_code_raises_our_own_errors() -> None:
    assert builtin_raises() == []


BUILTIN_ERRORS = {"Exception", "ValueError", "PermissionError", "LookupError", "KeyError",
                  "OSError", "RuntimeError"}  # fmt: skip


def errors_not_ours(root: Path = PACKAGE) -> list[str]:
    """Exception classes cupula defines on a builtin alone: the map would not know them."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.ClassDef) or node.name == "CupulaError":
                continue
            bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
            if bases & BUILTIN_ERRORS and bases <= BUILTIN_ERRORS:
                found.append(f"{path.relative_to(root.parent)}:{node.lineno}: {node.name}")
    return found


def test_every_error_class_of_ours_is_a_cupula_error(tmp_path: Path) -> None:
    assert errors_not_ours() == []
    (tmp_path / "x.py").write_text("class Refusal(PermissionError):\n    pass\n")
    assert len(errors_not_ours(tmp_path)) == 1


def test_the_raise_check_can_fail(tmp_path: Path) -> None:
    (tmp_path / "cli").mkdir()
    (tmp_path / "cli" / "x.py").write_text("raise ValueError('--top must be positive')\n")
    (tmp_path / "graph.py").write_text("def f():\n    raise PermissionError('not yours')\n")
    (tmp_path / "cli" / "y.py").write_text("def f():\n    return KeyError('no such')\n")
    assert len(builtin_raises(tmp_path)) == 3
