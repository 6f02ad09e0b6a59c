"""Two agencies in two countries, each user sees exactly what the policy allows,
through every command that reads; the audit log records it and catches tampering."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from cupula.cli.main import app
from cupula.store import Store
from cupula.store.tables import audit_table

runner = CliRunner()
CO = "CONFIDENTIAL REL TO USA H2 B2"
CO_OPEN = "UNCLASSIFIED REL TO USA,ESP H0 A1"
US = "SECRET H1 A2"


def run(
    db: str, *args: str, user: str | None = None, purpose: str | None = "op-cupula", expect: int = 0
) -> str:
    head = ["--db", db]
    if user:
        head += ["--as", user]
    if purpose:
        head += ["--purpose", purpose]
    result = runner.invoke(app, [*head, *args])
    assert result.exit_code == expect, result.output
    return result.output


def write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture
def db(tmp_path: Path) -> str:
    db = str(tmp_path / "s.db")
    run(db, "admin", "agency", "add", "CO-DIJIN", "--country", "COL", "--name", "DIJIN")
    run(db, "admin", "agency", "add", "US-DEA", "--country", "USA", "--name", "DEA")
    run(db, "admin", "agency", "add", "ES-GC", "--country", "ESP", "--name", "Guardia Civil")
    run(db, "admin", "user", "add", "ana", "--agency", "CO-DIJIN", "--clearance", "SECRET")
    run(
        db,
        "admin",
        "user",
        "add",
        "mike",
        "--agency",
        "US-DEA",
        "--clearance",
        "CONFIDENTIAL",
        "--role",
        "analyst",
        "--role",
        "supervisor",
    )
    run(db, "admin", "user", "add", "pepe", "--agency", "ES-GC", "--clearance", "SECRET")
    person = {"id": "p1", "schema": "Person", "properties": {"name": ["Jhon Restrepo"]}}
    secret = {"id": "p1", "schema": "Person", "properties": {"alias": ["El Químico"]}}
    open_ = {"id": "p2", "schema": "Person", "properties": {"name": ["Bo Marín"]}}
    dea = {"id": "p1", "schema": "Person", "properties": {"birthDate": ["1971-04-02"]}}
    run(
        db,
        "ingest",
        str(write(tmp_path / "a.jsonl", [person, secret])),
        "--dataset",
        "co",
        "--agency",
        "CO-DIJIN",
        "--marking",
        CO,
    )
    run(
        db,
        "ingest",
        str(write(tmp_path / "b.jsonl", [open_])),
        "--dataset",
        "co-open",
        "--agency",
        "CO-DIJIN",
        "--marking",
        CO_OPEN,
    )
    run(
        db,
        "ingest",
        str(write(tmp_path / "c.jsonl", [dea])),
        "--dataset",
        "us",
        "--agency",
        "US-DEA",
        "--marking",
        US,
    )
    return db


def csv_rows(output: str) -> list[dict[str, str]]:
    """The CSV an export printed, without the "exported N ..." line (stderr)."""
    lines = [line for line in output.splitlines() if not line.startswith("exported ")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def stats(db: str, user: str | None) -> dict[str, object]:
    return json.loads(run(db, "stats", "--json", user=user))  # type: ignore[no-any-return]


def test_each_user_counts_what_the_policy_allows(db: str) -> None:
    everything = stats(db, None)
    ana, mike, pepe = stats(db, "ana"), stats(db, "mike"), stats(db, "pepe")
    assert ana["datasets"] == {"co": 3, "co-open": 2}  # not the DEA's SECRET without REL TO
    assert mike["datasets"] == {"co": 3, "co-open": 2}  # its own SECRET is above its clearance
    assert pepe["datasets"] == {"co-open": 2}  # REL TO ESP only on the open file
    assert everything["statements"] == 3 + 2 + 2
    assert ana["statements"] + 2 == everything["statements"]


def test_show_and_export_hide_what_is_not_releasable(db: str, tmp_path: Path) -> None:
    out = run(db, "show", "p1", user="pepe", expect=1)
    assert "no entity" in out and "Restrepo" not in out
    mine = json.loads(run(db, "show", "p1", "--json", user="ana"))
    values = {r["value"] for r in mine["statements"]}
    assert values == {"Jhon Restrepo", "El Químico"}  # not the DEA's birth date
    exported = run(db, "export", "--format", "statements", user="pepe")
    assert "Restrepo" not in exported and "Bo Marín" in exported


def test_an_export_for_a_partner_never_carries_h2(db: str) -> None:
    text = run(db, "export", "--format", "statements", "--for", "US-DEA")
    rows = csv_rows(text)
    assert rows and all(" H2 " not in r["marking"] or "ORIG US-DEA" in r["marking"] for r in rows)
    assert not any(r["value"] == "Jhon Restrepo" for r in rows)
    court = run(db, "export", "--format", "statements", "--court")
    notes = {r["handling_note"] for r in csv_rows(court)}
    assert "H1: not for judicial proceedings without the consent of US-DEA" in notes


def test_purpose_is_required_for_confidential_reads(db: str) -> None:
    out = run(db, "stats", user="ana", purpose=None, expect=2)
    assert "purpose" in out


def test_a_disabled_user_is_refused(db: str) -> None:
    run(db, "admin", "user", "disable", "pepe")
    assert "disabled" in run(db, "stats", user="pepe", expect=3)


def test_only_admins_administer(db: str) -> None:
    out = run(db, "admin", "user", "add", "eve", "--agency", "CO-DIJIN", user="ana", expect=3)
    assert "not an administrator" in out


def test_loading_as_a_user_only_for_its_own_agency(db: str, tmp_path: Path) -> None:
    path = write(tmp_path / "x.jsonl", [{"id": "x", "schema": "Person", "properties": {}}])
    out = run(
        db,
        "ingest",
        str(path),
        "--dataset",
        "x",
        "--agency",
        "US-DEA",
        "--marking",
        "RESTRICTED",
        user="ana",
        expect=3,
    )
    assert "loads for CO-DIJIN" in out


def test_the_audit_log_records_reads_and_catches_tampering(db: str) -> None:
    run(db, "show", "p1", user="ana")
    entries = json.loads(run(db, "audit", "show", "--originator", "CO-DIJIN", "--json", user="ana"))
    read = [e for e in entries if e["action"] == "show" and e["user"] == "ana"][-1]
    assert read["purpose"] == "op-cupula" and read["statements"] == 3  # with its id statement
    assert read["originators"] == {"CO-DIJIN": 3}
    # the DEA's own reads of its data are not shown to the DIJIN as DEA data
    run(db, "audit", "show", "--originator", "US-DEA", user="ana", expect=3)
    assert "intact" in run(db, "audit", "verify")
    store = Store.open(db)
    with store.engine.begin() as conn:
        conn.execute(update(audit_table).where(audit_table.c.seq == 5).values(user="nobody"))
    store.close()
    out = run(db, "audit", "verify", expect=1)
    assert "entry 5" in out
