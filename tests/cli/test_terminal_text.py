"""A partner's words reach another analyst's terminal as text (issue 13, hostile input):
rich markup in a value is not obeyed and escape sequences never reach the terminal."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cupula.cli.main import app
from cupula.cli.safe import plain
from tests.conftest import fresh_db

runner = CliRunner()
HOSTILE = "[bold]m[/bold] \x1b[2J\x1b]8;;http://x\x07link\x1b]8;;\x07"


def test_plain_replaces_every_control_character() -> None:
    assert "\x1b" not in plain(HOSTILE) and "\x07" not in plain(HOSTILE)
    assert plain("a\tb\nc") == "a\tb\nc"


def test_show_and_audit_print_values_as_they_are(tmp_path: Path) -> None:
    db = fresh_db(tmp_path / "s.db")
    entity = {"id": "p1", "schema": "Person", "properties": {"name": ["Fulano"],
              "notes": [HOSTILE]}}  # fmt: skip
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(entity) + "\n", "utf-8")
    loaded = runner.invoke(app, ["--db", db, "ingest", str(path), "--dataset", "d",
                                 "--agency", "CO-DIJIN", "--marking", "RESTRICTED"])  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    shown = runner.invoke(app, ["--db", db, "show", "p1"], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    assert "[bold]m[/bold]" in shown.output and "\x1b" not in shown.output
    runner.invoke(app, ["--db", db, "--purpose", HOSTILE, "stats"])
    audit = runner.invoke(app, ["--db", db, "audit", "show"], terminal_width=300)
    assert audit.exit_code == 0, audit.output
    assert "\x1b" not in audit.output and "\x07" not in audit.output
