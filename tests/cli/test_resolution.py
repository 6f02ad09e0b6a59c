"""The resolution commands end to end: ingest, resolve, clusters, judge, review, merged,
screen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cupula.cli.main import app
from tests.conftest import DATA, fresh_db

runner = CliRunner()
OPEN = "UNCLASSIFIED H0 A1"
MAPPING = """
entities:
  person:
    schema: Person
    keys: [id]
    properties:
      firstName: {column: first}
      lastName: {column: last}
      birthDate: {column: dob}
      nationality: {column: country}
"""
CO_ROWS = """id,first,last,dob,country
1,Jhon Jairo,Restrepo Vargas,1971-04-02,co
2,Maria Fernanda,Ospina,1980-09-09,co
3,Luis,Gomez Rojas,1966-01-01,co
4,Diana,Castro,1990-02-02,co
"""
ES_ROWS = """id,first,last,dob,country
a,Jhon Jairo,RESTREPO VARGAS,1971-04-02,co
b,Jon,Restrepo,1971-04-02,
c,Paula,Mejia,1985-05-05,es
"""


def run(db: str, *args: str, expect: int = 0, stdin: str | None = None) -> str:
    result = runner.invoke(app, ["--db", db, *args], input=stdin)
    assert result.exit_code == expect, result.output
    return result.output


@pytest.fixture
def db(tmp_path: Path) -> str:
    db = fresh_db(tmp_path / "s.db")
    mapping = tmp_path / "m.yml"
    mapping.write_text(MAPPING)
    for name, rows, agency in (("co", CO_ROWS, "CO-DIJIN"), ("es", ES_ROWS, "ES-UDYCO")):
        path = tmp_path / f"{name}.csv"
        path.write_text(rows)
        run(db, "ingest", str(path), "--dataset", name, "--agency", agency, "--marking", OPEN,
            "--mapping", str(mapping))  # fmt: skip
    return db


def clusters(db: str) -> list[list[str]]:
    return json.loads(run(db, "clusters", "--json", "--merged-only"))


def test_resolve_cluster_judge_and_undo(db: str) -> None:
    run(db, "clusters", "--json", expect=2)  # no run yet: a clear refusal
    out = run(db, "resolve")
    assert "candidate pairs" in out
    merged = clusters(db)
    assert len(merged) == 1 and len(merged[0]) in (2, 3)
    everyone = json.loads(run(db, "clusters", "--json"))
    assert sum(len(c) for c in everyone) == 7  # singletons included
    left, right = merged[0][:2]
    run(db, "judge", left, right, "different", "--note", "two brothers")
    assert all(not ({left, right} <= set(c)) for c in clusters(db))
    run(db, "resolve")  # judgements survive a new run
    assert all(not ({left, right} <= set(c)) for c in clusters(db))
    run(db, "judge", left, right, "retracted")
    assert any({left, right} <= set(c) for c in clusters(db))
    run(db, "judge", left, "no-such-id", "same", expect=2)


def test_merged_entity_and_review(db: str) -> None:
    run(db, "resolve", "--review", "0.01")
    member = clusters(db)[0][0]
    entity = json.loads(run(db, "merged", member, "--json"))
    assert len(entity["members"]) >= 2
    assert "Restrepo Vargas" in " ".join(entity["properties"]["lastName"])
    pairs = json.loads(run(db, "review", "--json"))
    for pair in pairs:
        assert set(pair["features"]) >= {"prior", "name", "date", "bits"}
    if pairs:  # answering in the terminal records a judgement
        run(db, "review", "--limit", "1", stdin="d\n")
        assert json.loads(run(db, "review", "--json")) != pairs or len(pairs) == 0


def test_screen_against_a_watch_list(tmp_path: Path) -> None:
    db = fresh_db(tmp_path / "w.db")
    run(db, "ingest", str(DATA / "ofac_sample"), "--dataset", "ofac", "--agency", "US-OFAC",
        "--marking", OPEN, "--format", "ofac")  # fmt: skip
    names = tmp_path / "names.csv"
    names.write_text(
        "name,birth_date,nationality\n"
        "Gilberto José Rodríguez Orejuela,1939-01-31,co\n"
        "HERRERA BUITRAGO Helmer,,\n"
        "Zzyzx Qwerty,,\n"
    )
    results = json.loads(
        run(db, "screen", str(names), "--json", "--dataset", "ofac", "--threshold", "0.5")
    )
    assert results[0]["hits"][0]["name"] == "RODRIGUEZ OREJUELA, Gilberto Jose"
    assert results[0]["hits"][0]["features"]["date"] > 0
    assert results[1]["hits"][0]["name"].startswith("HERRERA BUITRAGO")
    assert results[2]["hits"] == []
    table = run(db, "screen", str(names), "--threshold", "0.5")
    assert "RODRIGUEZ" in table and "no hit" in table
    # the same man written in Arabic and in Cyrillic script
    scripts = tmp_path / "scripts.csv"
    scripts.write_text("name\nجيلبرتو رودريغيز أوريخويلا\nГильберто Родригес Орехуэла\n")
    for result in json.loads(run(db, "screen", str(scripts), "--json")):
        assert result["hits"][0]["name"] == "RODRIGUEZ OREJUELA, Gilberto Jose"
        assert result["hits"][0]["probability"] > 0.9


def test_screen_says_which_line_is_bad(tmp_path: Path) -> None:
    db = fresh_db(tmp_path / "w.db")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,nationality\nAna,co\n,co\n")
    out = " ".join(run(db, "screen", str(bad), expect=2).split())
    assert "bad.csv, line 3, field 'name': empty name" in out
    assert "nothing was screened" in out
    bad.write_text("nombre\nAna\n")
    assert "no 'name' column" in run(db, "screen", str(bad), expect=2)
    bad.write_text("name,nationality\nAna,Narnia\n")
    assert "not a country" in run(db, "screen", str(bad), expect=2)


def test_noisy_lists_load_with_drop_invalid(tmp_path: Path) -> None:
    db = fresh_db(tmp_path / "n.db")
    mapping = tmp_path / "m.yml"
    mapping.write_text(MAPPING.replace("      nationality: {column: country}",
                                       "      email: {column: email}"))  # fmt: skip
    rows = tmp_path / "noisy.csv"
    rows.write_text("id,first,last,dob,email\n1,Ana,Gomez,1980-01-01,ana@x.co\n"
                    "2,Bo,Diaz,1981-02-02,bo@@broken\n")  # fmt: skip
    args = ["ingest", str(rows), "--dataset", "n", "--agency", "CO-DIJIN", "--marking", OPEN,
            "--mapping", str(mapping)]  # fmt: skip
    assert "line 3" in run(db, *args, expect=2)  # refused whole by default
    out = " ".join(run(db, *args, "--drop-invalid").split())
    assert "1 invalid values left out (--drop-invalid), first: line 3, field" in out
    assert "'bo@@broken'" in out and ":email" in out
