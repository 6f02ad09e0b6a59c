"""trace, owners, alerts and eval money on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cupula.cli.main import app
from tests.conftest import fresh_db

runner = CliRunner()


def run(db: str, *args: str, user: str | None = None, expect: int = 0) -> str:
    head = ["--db", db, "--purpose", "tests"] + (["--as", user] if user else [])
    result = runner.invoke(app, [*head, *args])
    assert result.exit_code == expect, result.output
    return result.stdout if expect == 0 else result.output


def row(eid: str, schema: str, **props: object) -> str:
    properties = {k: v if isinstance(v, list) else [str(v)] for k, v in props.items()}
    return json.dumps({"id": eid, "schema": schema, "properties": properties}) + "\n"


@pytest.fixture
def db(tmp_path: Path) -> str:
    db = fresh_db(tmp_path / "m.db")
    case = tmp_path / "case.jsonl"
    case.write_text(
        row("boss", "Person", name="El Jefe", country="ae")
        + row("mule", "Person", name="Mula", country="co")
        + row("shell", "Company", name="Shell Ltd", jurisdiction="vg")
        + row("front", "Company", name="Front SA", jurisdiction="es")
        + row("nominee", "Person", name="Nominee")
        + row(
            "p1",
            "Payment",
            payer="mule",
            beneficiary="shell",
            amount=100000,
            currency="USD",
            date="2025-01-10",
        )
        + row(
            "p2",
            "Payment",
            payer="shell",
            beneficiary="boss",
            amount=98000,
            currency="USD",
            date="2025-01-12",
        )
        + row("o1", "Ownership", owner="nominee", asset="shell", percentage=60)
        + row("o2", "Ownership", owner="shell", asset="front", percentage=50)
        + row("r1", "Representation", agent="nominee", client="boss")
        + row("sz1", "Seizure", name="Buenaventura", involved=["mule"], date="2025-03-01")
    )
    run(
        db,
        "ingest",
        str(case),
        "--dataset",
        "case",
        "--agency",
        "CO-DIJIN",
        "--marking",
        "UNCLASSIFIED H0",
    )
    return db


def test_trace_json_has_destinations_and_paths(db: str) -> None:
    data = json.loads(run(db, "trace", "mule", "--json"))
    assert data["total"] == 100000
    dest = {d["entity_id"]: d for d in data["destinations"]}
    assert dest["boss"]["amount"] == 98000 and dest["boss"]["country"] == "ae"
    assert dest["shell"]["amount"] == 2000 and dest["shell"]["secrecy_jurisdiction"]
    assert dest["boss"]["currency"] == "USD"
    assert [t["id"] for t in data["paths"][0]["transfers"]] == ["p1", "p2"]
    back = json.loads(run(db, "trace", "boss", "--backward", "--json"))
    assert [d["entity_id"] for d in back["destinations"]] == ["mule"]
    table = run(db, "trace", "mule")
    assert "El Jefe" in table and "British Virgin Islands" in table


def test_owners_finds_the_boss_behind_the_nominee(db: str) -> None:
    data = json.loads(run(db, "owners", "front", "--json"))
    owners = {o["entity_id"]: o for o in data["owners"]}
    assert owners["shell"]["effective_share"] == 0.5
    assert owners["nominee"]["effective_share"] == pytest.approx(0.3)
    assert owners["boss"]["effective_share"] == pytest.approx(0.3)
    assert set(data["beneficial_owners"]) == {"boss", "nominee"}
    assert "vg" not in json.dumps(owners["shell"]["secrecy_jurisdictions"])  # flagged by entity
    assert "shell" in owners["boss"]["secrecy_jurisdictions"]


def test_errors_say_what_is_wrong(db: str) -> None:
    assert "no payments from 'nobody'" in run(db, "trace", "nobody", expect=2)
    assert "no owners" in run(db, "owners", "mule", expect=2)
    assert "between 0 and 1" in run(db, "owners", "front", "--threshold", "25", expect=2)
    assert "no exchange rate for XYZ" in run(db, "trace", "mule", "--currency", "XYZ", expect=2)


def test_alerts_json(db: str, tmp_path: Path) -> None:
    (alert,) = json.loads(run(db, "alerts", "--json"))
    assert alert["typology"] == "pass_through" and alert["holder"] == "shell"
    assert alert["transfers"] == ["p1", "p2"]
    data = json.loads(run(db, "alerts", "--json", "--fan", "1", "--typology", "fan_out"))
    assert {a["typology"] for a in data} == {"fan_out"}
    assert "unknown typology" in run(db, "alerts", "--typology", "magic", expect=2)


def test_eval_money_runs_the_layering_case(tmp_path: Path) -> None:
    data = tmp_path / "empty"
    data.mkdir()
    report = json.loads(
        run(fresh_db(tmp_path / "x.db"), "eval", "money", "--json", "--data", str(data))
    )
    assert report["layering"]["recall"] > 0.999
    assert "amlsim" in report["skipped"]


def test_a_seizure_traces_the_money_of_the_people_involved(db: str) -> None:
    by_seizure = json.loads(run(db, "trace", "sz1", "--json"))
    by_person = json.loads(run(db, "trace", "mule", "--json"))
    assert by_seizure["destinations"] == by_person["destinations"]
    assert by_seizure["total"] == 100000


def test_money_report_is_one_html_file(db: str, tmp_path: Path) -> None:
    out = tmp_path / "m.html"
    run(db, "report", "money", "mule", "-o", str(out), "--title", "Mula <x>")
    html = out.read_text()
    assert html.startswith("<!doctype html>") and "<svg" in html
    assert "Mula &lt;x&gt;" in html and "src=" not in html and "href=" not in html
    assert "El Jefe (boss)" in html and "#c62828" in html  # the BVI shell: a red jurisdiction
    assert "no payments from 'nobody'" in run(
        db, "report", "money", "nobody", "-o", str(out), expect=2
    )
