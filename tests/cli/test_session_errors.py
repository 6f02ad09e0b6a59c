"""The CLI's error map takes cupula's own errors only: their message and exit status;
anything else is a bug, shown as one (Python's traceback, exit 1) and audited as a
failure without its message."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cupula.access import audit
from cupula.cli.session import session
from cupula.errors import InvalidInput, NotFound, Refused
from cupula.store import Store

app = typer.Typer()
RAISED: dict[str, Exception] = {
    "invalid": InvalidInput("--top must be positive"),
    "refused": Refused("ana is not an administrator"),
    "missing": NotFound("no entity 'zz' among those you may see"),
    "oserror": PermissionError(13, "/var/lib/cupula/secret-path.db"),
    "valueerror": ValueError("/var/lib/cupula/secret-path.db: bad page"),
}


@app.command()
def fail(ctx: typer.Context, kind: str) -> None:
    with session(ctx, "fail", {"kind": kind}):
        raise RAISED[kind]


@pytest.mark.parametrize(("kind", "status"), [("invalid", 2), ("refused", 3), ("missing", 2)])
def test_our_errors_are_one_line_and_a_status(tmp_path: Path, kind: str, status: int) -> None:
    db = str(tmp_path / "c.db")
    result = CliRunner().invoke(app, [kind], obj={"db": db})
    assert result.exit_code == status
    assert f"error: {RAISED[kind]}" in result.output.replace("\n", " ")


@pytest.mark.parametrize("kind", ["oserror", "valueerror"])
def test_any_other_error_is_a_bug_not_a_message(tmp_path: Path, kind: str) -> None:
    db = str(tmp_path / "c.db")
    result = CliRunner().invoke(app, [kind], obj={"db": db})
    assert result.exit_code == 1 and result.exception is RAISED[kind]
    assert "error:" not in result.output
    store = Store.open(db)
    (entry,) = [e for e in audit.entries(store) if e.action == "fail"]
    store.close()
    assert entry.query["outcome"] == "failed: internal error"
