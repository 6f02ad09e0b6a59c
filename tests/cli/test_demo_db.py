"""``cupula demo --db URL`` builds the demo in that store, an SQLite file or a PostgreSQL
database (issue 18, item 5), as ``cupula --db URL demo`` does; a PostgreSQL database that
holds data is refused and left as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cupula.cli.main import app

runner = CliRunner()


def cupula(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"CUPULA_DB": ""})
    return result.exit_code, result.output


def test_demo_db_builds_the_demo_in_that_store(
    bare_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = cupula("demo", "--db", bare_db_url)
    assert code == 0, out
    assert not (tmp_path / "cupula-demo.db").exists()
    stats = json.loads(cupula("--db", bare_db_url, "--purpose", "tests", "stats", "--json")[1])
    assert stats["datasets"]["caviar"] > 0 and len(stats["datasets"]) > 1
    code, out = cupula("demo", "--db", bare_db_url)
    if bare_db_url.startswith("postgresql"):
        assert code == 2 and "already holds data" in " ".join(out.split())
    else:  # an SQLite file of an earlier demo is rebuilt
        assert code == 0, out
    after = json.loads(cupula("--db", bare_db_url, "--purpose", "tests", "stats", "--json")[1])
    assert after == stats
