"""Shared judgements end to end: `cupula judge --marking`, `cupula judgements`, the
disputes `cupula clusters` shows, and the API (`POST /api/judgements` with a marking,
`GET /api/judgements?entity=`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cupula.access import accounts
from cupula.access.viewer import Viewer
from cupula.api import create_app
from cupula.cli.main import app
from cupula.model.marking import Classification
from cupula.store import Store
from tests.conftest import fresh_db

runner = CliRunner()
ADMIN = Viewer.local_admin()
PAIR = ("co-w-0001", "us-t-0001")
SHARED = "RESTRICTED REL TO USA H0 ORIG CO-DIJIN"


def run(db: str, *args: str, expect: int = 0) -> str:
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == expect, result.output
    return result.output


def flat(text: str) -> str:
    """Terminal output with rich's line wrapping undone."""
    return " ".join(text.split())


def entities(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("".join(json.dumps({"id": i, "schema": "Person", "properties": {"name": [n]}})
                            + "\n" for i, n in rows))  # fmt: skip
    return path


@pytest.fixture
def db(tmp_path: Path) -> str:
    """DIJIN's wiretap alias and DEA's target, each open to the other's country; users
    ana (DIJIN, SECRET), low (DIJIN, UNCLASSIFIED), sam (DEA), pepe (UDYCO, Spain)."""
    db = fresh_db(tmp_path / "s.db")
    co = entities(tmp_path / "co.jsonl", [("co-w-0001", "El Químico"), ("co-2", "Luis Gomez")])
    us = entities(tmp_path / "us.jsonl", [("us-t-0001", "Jhon Jairo Restrepo Vargas")])
    run(db, "ingest", str(co), "--dataset", "co", "--agency", "CO-DIJIN", "--format", "ftm",
        "--marking", "UNCLASSIFIED REL TO USA,ESP")  # fmt: skip
    run(db, "ingest", str(us), "--dataset", "us", "--agency", "US-DEA", "--format", "ftm",
        "--marking", "UNCLASSIFIED REL TO COL,ESP")  # fmt: skip
    store = Store.open(db)
    for name, agency, clearance in (("ana", "CO-DIJIN", Classification.SECRET),
                                    ("low", "CO-DIJIN", Classification.UNCLASSIFIED),
                                    ("sam", "US-DEA", Classification.SECRET),
                                    ("pepe", "ES-UDYCO", Classification.SECRET)):  # fmt: skip
        accounts.add_user(store, ADMIN, name, agency, clearance, password=f"{name}-pass-1")
    store.close()
    for user in ("ana", "sam", "pepe"):
        run(db, "--as", user, "resolve")
    return db


def merged(db: str, user: str) -> list[list[str]]:
    result = runner.invoke(app, ["--db", db, "--as", user, "clusters", "--json", "--merged-only"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # disputes go to stderr


def test_judge_with_a_marking_shares_the_judgement(db: str) -> None:
    out = run(db, "--as", "ana", "judge", *PAIR, "same", "--marking", "RESTRICTED REL TO USA")
    assert SHARED in flat(out)
    assert merged(db, "ana") == [list(PAIR)] and merged(db, "sam") == [list(PAIR)]
    assert merged(db, "pepe") == []  # Spain sees both records, not the judgement
    [listed] = json.loads(run(db, "--as", "sam", "judgements", PAIR[1], "--json"))
    assert (listed["agency"], listed["marking"], listed["verdict"]) == ("CO-DIJIN", SHARED, "same")
    assert json.loads(run(db, "--as", "pepe", "judgements", "--json")) == []


def test_a_conflict_is_decided_and_shown(db: str) -> None:
    run(db, "--as", "ana", "judge", *PAIR, "same", "--marking", "RESTRICTED REL TO USA")
    run(db, "--as", "sam", "judge", *PAIR, "different", "--note", "another man")
    result = runner.invoke(app, ["--db", db, "--as", "sam", "clusters"])
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "disputed: co-w-0001 / us-t-0001 — CO-DIJIN: same [" + SHARED + "]" in out
    assert "US-DEA: different [RESTRICTED H0 ORIG US-DEA]" in out and "(1 disputed)" in out
    assert merged(db, "sam") == []  # "different" wins
    assert merged(db, "ana") == [list(PAIR)]  # DEA's objection is its own
    table = flat(run(db, "--as", "sam", "judgements", PAIR[0]))
    assert "2 judgements you may see; 1 disputed pairs." in table


def test_bad_or_forbidden_markings_record_nothing(db: str) -> None:
    out = flat(run(db, "--as", "ana", "judge", *PAIR, "same", "--marking", "TOP SECRET",
                   expect=2))  # fmt: skip
    assert "--marking" in out and "nothing was recorded" in out
    out = flat(run(db, "--as", "low", "judge", *PAIR, "same", "--marking", "SECRET", expect=3))
    assert "below SECRET" in out
    out = flat(run(db, "--as", "ana", "judge", *PAIR, "same", "--marking",
                   "RESTRICTED ORIG US-DEA", expect=3))  # fmt: skip
    assert "author's agency CO-DIJIN" in out
    assert json.loads(run(db, "judgements", "--json")) == []


@pytest.fixture
def client(db: str) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as c:
        yield c


def log_in(client: TestClient, user: str) -> dict[str, str]:
    response = client.post("/api/login", json={"user": user, "password": f"{user}-pass-1"})
    assert response.status_code == 200, response.text
    return {"X-CSRF-Token": str(response.json()["csrf"]), "X-Purpose": "op-test"}


def test_the_api_takes_a_marking_and_lists_what_the_reader_may_see(client: TestClient) -> None:
    headers = log_in(client, "ana")
    body = {"left": PAIR[0], "right": PAIR[1], "verdict": "same"}
    bad = client.post("/api/judgements", json={**body, "marking": "TOP SECRET"}, headers=headers)
    assert bad.status_code == 422
    cases = client.post("/api/judgements", json={**body, "marking": "RESTRICTED CASE op-9"},
                        headers=headers)  # fmt: skip
    assert cases.status_code == 403 and "op-9" in cases.json()["detail"]
    ok = client.post("/api/judgements", json={**body, "marking": "RESTRICTED REL TO USA"},
                     headers=headers)  # fmt: skip
    assert ok.status_code == 200 and ok.json()["marking"] == SHARED
    client.post("/api/logout", headers=headers)
    headers = log_in(client, "sam")
    listed = client.get("/api/judgements", params={"entity": PAIR[1]}, headers=headers).json()
    assert [(x["agency"], x["verdict"], x["marking"], x["disputed"]) for x in listed] == [
        ("CO-DIJIN", "same", SHARED, False)]  # fmt: skip
    assert client.get("/api/clusters", headers=headers).json() == [list(PAIR)]
    client.post("/api/logout", headers=headers)
    headers = log_in(client, "pepe")
    assert client.get("/api/judgements", params={"entity": PAIR[1]}, headers=headers).json() == []
