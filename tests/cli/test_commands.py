"""The command line, driven as a user would (typer's runner, same process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cupula.cli.main import app
from tests.conftest import DATA, PACKAGE_DATA, fresh_db

runner = CliRunner()
CAVIAR = PACKAGE_DATA / "caviar" / "caviar_full_110x110.csv"


def cupula(db: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", db, "--purpose", "tests", *args])
    return result.exit_code, result.output


def ingest_caviar(db: str) -> str:
    code, out = cupula(
        db,
        "ingest",
        str(CAVIAR),
        "--dataset",
        "caviar",
        "--agency",
        "CA-RCMP",
        "--marking",
        "UNCLASSIFIED A1",
    )
    assert code == 0, out
    return out


def test_every_command_has_help() -> None:
    commands = [[], ["init"], ["ingest"], ["stats"], ["show"], ["export"], ["demo"]]
    commands += [["leaders"], ["keyplayers"], ["report", "leaders"], ["eval", "leaders"]]
    commands += [["trace"], ["owners"], ["alerts"], ["eval", "money"], ["report", "money"]]
    for command in commands:
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0
        assert "Usage" in result.output


def test_init_says_where_the_store_is(db_url: str) -> None:
    code, out = cupula(db_url, "init")
    assert code == 0 and "store ready" in out


def test_stats_json_counts_caviar(db_url: str) -> None:
    ingest_caviar(db_url)
    code, out = cupula(db_url, "stats", "--json")
    assert code == 0
    stats = json.loads(out)
    assert stats["entities"]["Person"] == 110
    assert stats["statements"] == sum(stats["datasets"].values())
    assert list(stats["markings"]) == ["UNCLASSIFIED H0 A1 ORIG CA-RCMP"]


def test_a_bad_file_exits_2_with_the_line_and_changes_nothing(tmp_path: Path) -> None:
    db = fresh_db(tmp_path / "s.db")
    ingest_caviar(db)
    _, before = cupula(db, "stats", "--json")
    bad = tmp_path / "cut.csv"
    bad.write_text("\n".join(CAVIAR.read_text(encoding="utf-8-sig").splitlines()[:50]))
    code, out = cupula(
        db,
        "ingest",
        str(bad),
        "--dataset",
        "caviar2",
        "--agency",
        "CA-RCMP",
        "--marking",
        "UNCLASSIFIED",
        "--format",
        "matrix",
    )
    assert code == 2
    assert "cut.csv" in out and "not square" in out
    assert cupula(db, "stats", "--json")[1] == before


def test_a_bad_marking_exits_2(tmp_path: Path) -> None:
    code, out = cupula(
        fresh_db(tmp_path / "s.db"),
        "ingest",
        str(CAVIAR),
        "--dataset",
        "c",
        "--agency",
        "CA-RCMP",
        "--marking",
        "SECRET REL TO NARNIA",
    )
    assert code == 2 and "NARNIA" in out


def test_loading_twice_says_so(tmp_path: Path) -> None:
    db = fresh_db(tmp_path / "s.db")
    ingest_caviar(db)
    _, before = cupula(db, "stats", "--json")
    assert "already loaded" in " ".join(ingest_caviar(db).split())  # wrapped at any width
    assert cupula(db, "stats", "--json")[1] == before


def test_show_lists_every_value_with_source_and_marking(tmp_path: Path) -> None:
    db = fresh_db(tmp_path / "s.db")
    path = DATA / "opensanctions" / "eu_fsf_sample_t1.ftm.jsonl"
    first = json.loads(path.read_text().splitlines()[0])
    code, _ = cupula(
        db,
        "ingest",
        str(path),
        "--dataset",
        "eu",
        "--agency",
        "ES-SEPBLAC",
        "--marking",
        "CONFIDENTIAL REL TO COL H2 B2",
    )
    assert code == 0
    code, out = cupula(db, "show", first["id"], "--json")
    assert code == 0
    shown = json.loads(out)
    values = {(r["prop"], r["value"]) for r in shown["statements"]}
    assert ("name", first["properties"]["name"][0]) in values
    assert {r["marking"] for r in shown["statements"]} == {
        "CONFIDENTIAL REL TO COL H2 B2 ORIG ES-SEPBLAC"
    }
    assert {r["origin"] for r in shown["statements"]} == {f"{path.name}:1"}
    code, out = cupula(db, "show", first["id"])
    assert code == 0 and "ES-SEPBLAC" in out
    assert cupula(db, "show", "nobody")[0] == 1


@pytest.mark.parametrize("fmt", ["ftm", "statements", "gexf", "graphml"])
def test_export_formats(tmp_path: Path, fmt: str) -> None:
    db = fresh_db(tmp_path / "s.db")
    ingest_caviar(db)
    out_file = tmp_path / f"out.{fmt}"
    code, _ = cupula(db, "export", "--format", fmt, "-o", str(out_file))
    assert code == 0
    text = out_file.read_text()
    if fmt == "ftm":
        lines = [json.loads(line) for line in text.splitlines()]
        assert sum(1 for e in lines if e["schema"] == "Person") == 110
    elif fmt == "statements":
        assert text.splitlines()[0].startswith("id,entity_id,schema,prop")
        assert "UNCLASSIFIED H0 A1 ORIG CA-RCMP" in text
    else:
        import networkx as nx

        graph = nx.read_gexf(out_file) if fmt == "gexf" else nx.read_graphml(out_file)
        assert graph.number_of_nodes() == 110
        assert graph.number_of_edges() > 0


def test_export_rejects_unknown_format(tmp_path: Path) -> None:
    code, out = cupula(fresh_db(tmp_path / "s.db"), "export", "--format", "pdf")
    assert code == 2 and "must be one of" in out


def demo(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, [*args], env=env)
    return result.exit_code, result.output


def test_the_demo_builds_the_store_the_global_db_names(
    bare_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_url = bare_db_url  # the demo fills an empty database only
    monkeypatch.chdir(tmp_path)
    code, out = demo("--db", db_url, "demo")
    assert code == 0, out
    assert not (tmp_path / "cupula-demo.db").exists()
    assert "ana.dijin" in out
    stats = json.loads(cupula(db_url, "stats", "--json")[1])
    assert stats["datasets"]["caviar"] > 0
    # again, through CUPULA_DB: an SQLite demo file is rebuilt, a PostgreSQL database
    # (which the demo never drops) is refused once it holds data
    code, out = demo("demo", env={"CUPULA_DB": db_url})
    if db_url.startswith("postgresql"):
        assert code == 2 and "already holds data" in " ".join(out.split())
    else:
        assert code == 0, out
        assert json.loads(cupula(db_url, "stats", "--json")[1]) == stats
    assert not (tmp_path / "cupula-demo.db").exists()


def test_without_db_the_demo_writes_cupula_demo_db_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CUPULA_DB", raising=False)
    code, out = demo("demo")
    assert code == 0, out
    assert (tmp_path / "cupula-demo.db").stat().st_size > 0
    assert not (tmp_path / "cupula.db").exists()


def test_the_demo_never_replaces_a_store_it_did_not_make(tmp_path: Path) -> None:
    db = fresh_db(tmp_path / "real.db")
    ingest_caviar(db)
    before = cupula(db, "stats", "--json")[1]
    code, out = demo("--db", db, "demo")
    assert code == 2
    assert "holds data the demo did not make (caviar by CA-RCMP)" in " ".join(out.split())
    assert cupula(db, "stats", "--json")[1] == before
    notes = tmp_path / "notes.txt"
    notes.write_text("not a store\n")
    code, out = demo("--db", str(notes), "demo")
    assert code == 2 and "not a cupula store" in " ".join(out.split())
    assert notes.read_text() == "not a store\n"
