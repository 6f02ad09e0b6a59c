"""leaders, keyplayers, report and eval on the command line; a user of another agency
sees no restricted fact in any of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cupula.cli.main import app
from tests.conftest import PACKAGE_DATA, fresh_db

runner = CliRunner()
CAVIAR = PACKAGE_DATA / "caviar"


def run(db: str, *args: str, user: str | None = None, expect: int = 0) -> str:
    head = ["--db", db, "--purpose", "tests"] + (["--as", user] if user else [])
    result = runner.invoke(app, [*head, *args])
    assert result.exit_code == expect, result.output
    return result.stdout if expect == 0 else result.output


@pytest.fixture(scope="module")
def caviar_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = fresh_db(tmp_path_factory.mktemp("caviar") / "c.db")
    for phase in range(1, 12):
        run(
            db,
            "ingest",
            str(CAVIAR / f"phase{phase}.csv"),
            "--dataset",
            "caviar",
            "--agency",
            "CA-RCMP",
            "--marking",
            "UNCLASSIFIED H0 A1",
            "--format",
            "matrix",
            "--phase",
            str(phase),
            "--directed",
            "--namespace",
            "caviar",
        )
    return db


def test_leaders_json_is_a_list_of_leaders_with_reasons(caviar_db: str) -> None:
    leaders = json.loads(run(caviar_db, "leaders", "--json", "--top", "5"))
    assert [x["rank"] for x in leaders] == [1, 2, 3, 4, 5]
    assert leaders[0]["name"] == "1"
    for x in leaders:
        assert {"entity_id", "name", "rank", "score", "reasons"} <= set(x)
        assert x["reasons"] and x["evidence"]


def test_leaders_by_phase_and_the_table(caviar_db: str) -> None:
    leaders = json.loads(run(caviar_db, "leaders", "--json", "--phase", "11", "--top", "3"))
    assert leaders[0]["name"] == "1"
    assert "within the period analysed" in leaders[0]["reasons"][0]
    table = run(caviar_db, "leaders", "--phase", "4", "--top", "3")
    assert "Leaders (phase 4)" in table and "in contact with" in table


def test_bad_windows_and_weights_say_what_is_wrong(caviar_db: str) -> None:
    out = run(caviar_db, "leaders", "--phase", "12", expect=2)
    assert "no ties in phase '12'" in out and "phases: 1, 2" in out
    out = run(caviar_db, "leaders", "--phase", "1", "--as-of", "2020-01-01", expect=2)
    assert "one of --phase, --as-of, --between" in out
    out = run(caviar_db, "leaders", "--weight", "degree=much", expect=2)
    assert "NAME=NUMBER" in out
    out = run(caviar_db, "leaders", "--weight", "charisma=1", expect=2)
    assert "unknown signal" in out
    out = run(caviar_db, "leaders", "--as-of", "2020-01-01", expect=2)
    assert "no ties to analyse" in out  # CAVIAR's ties carry phases, not dates


def test_keyplayers_json_with_removal_and_timeline(caviar_db: str) -> None:
    data = json.loads(run(caviar_db, "keyplayers", "-k", "3", "--json"))
    assert len(data["key_players"]["players"]) == 3
    assert data["key_players"]["players"][0]["name"] == "1"
    rankings = [r["ranking"] for r in data["removal"]]
    assert rankings == ["leader score", "key players", "degree", "betweenness"]
    assert [s["phase"] for s in data["timeline"]] == [str(p) for p in range(1, 12)]


def test_report_is_one_self_contained_html_file(caviar_db: str, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    run(caviar_db, "report", "leaders", "-o", str(out), "--title", "CAVIAR <test>")
    html = out.read_text()
    assert html.startswith("<!doctype html>") and "<svg" in html
    assert "CAVIAR &lt;test&gt;" in html and "<test>" not in html
    assert "src=" not in html and "href=" not in html  # nothing fetched
    assert "UNCLASSIFIED" in html


def test_eval_leaders_json(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "caviar").symlink_to(CAVIAR)
    report = json.loads(
        run(fresh_db(tmp_path / "x.db"), "eval", "leaders", "--json", "--data", str(data))
    )
    assert "montagna" in report["skipped"]
    assert all(n["leader_score"]["top_rank"] == 1 for n in report["networks"])


def test_another_agency_never_sees_a_restricted_boss(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    run(db, "admin", "agency", "add", "CO-DIJIN", "--country", "COL", "--name", "DIJIN")
    run(db, "admin", "agency", "add", "ES-GC", "--country", "ESP", "--name", "GC")
    run(db, "admin", "user", "add", "pepe", "--agency", "ES-GC", "--clearance", "SECRET")
    shared = tmp_path / "shared.jsonl"
    rows = [
        {"id": f"p{i}", "schema": "Person", "properties": {"name": [f"Soldier {i}"]}}
        for i in range(4)
    ]
    rows += [
        {
            "id": f"c{i}",
            "schema": "Communication",
            "properties": {"initiator": [f"p{i}"], "receiver": [f"p{i + 1}"]},
        }
        for i in range(3)
    ]
    shared.write_text("".join(json.dumps(r) + "\n" for r in rows))
    secret = tmp_path / "secret.jsonl"
    rows = [{"id": "boss", "schema": "Person", "properties": {"name": ["El Patrón Secreto"]}}]
    rows += [
        {
            "id": f"b{i}",
            "schema": "Communication",
            "properties": {"initiator": ["boss"], "receiver": [f"p{i}"]},
        }
        for i in range(4)
    ]
    secret.write_text("".join(json.dumps(r) + "\n" for r in rows))
    run(
        db,
        "ingest",
        str(shared),
        "--dataset",
        "co",
        "--agency",
        "CO-DIJIN",
        "--marking",
        "UNCLASSIFIED REL TO ESP H0",
    )
    run(
        db,
        "ingest",
        str(secret),
        "--dataset",
        "co-secret",
        "--agency",
        "CO-DIJIN",
        "--marking",
        "SECRET H2",
    )
    mine = json.loads(run(db, "leaders", "--json"))
    assert mine[0]["name"] == "El Patrón Secreto"
    theirs = run(db, "leaders", "--json", user="pepe")
    kp = run(db, "keyplayers", "--json", user="pepe")
    report = tmp_path / "pepe.html"
    run(db, "report", "leaders", "-o", str(report), user="pepe")
    for text in (theirs, kp, report.read_text()):
        assert "Patrón" not in text and "boss" not in text and "b0" not in text
    assert json.loads(theirs)[0]["name"].startswith("Soldier")
    assert len(json.loads(theirs)) == 4


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["leaders", "--as-of", "2025-13-45"], ["--as-of", "'2025-13-45' is not a date"]),
        (["leaders", "--as-of", "yesterday"], ["--as-of", "'yesterday' is not a date"]),
        (
            ["keyplayers", "--between", "2025-02-30", "2025-03-01"],
            ["--between", "'2025-02-30' is not a date"],
        ),
        (["keyplayers", "--between", "2025-03", "2025-01"], ["2025-03 is after 2025-01"]),
        (["report", "leaders", "-o", "x.html", "--as-of", "2025-00-10"], ["--as-of"]),
    ],
)
def test_every_date_option_is_checked_before_anything_runs(
    caviar_db: str, args: list[str], words: list[str]
) -> None:
    before = len(json.loads(run(caviar_db, "audit", "show", "--json")))
    out = " ".join(run(caviar_db, *args, expect=2).split())  # rich wraps its box
    assert all(" ".join(w.split()) in out for w in words), out
    after = len(json.loads(run(caviar_db, "audit", "show", "--json")))
    assert after == before + 1  # only the second "audit show": the refused command ran nothing


def test_a_date_is_read_in_the_store_s_form(caviar_db: str) -> None:
    out = run(caviar_db, "leaders", "--as-of", "2025-1-5", expect=2)
    assert "as of 2025-01-05" in out  # CAVIAR's ties are phased, not dated
