"""Secrecy and offshore-company jurisdictions, from a table shipped with the package."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

TABLE = Path(__file__).parent / "data" / "secrecy_jurisdictions.csv"


@cache
def secrecy_jurisdictions(path: Path = TABLE) -> dict[str, str]:
    """Country code -> why it is flagged."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return {row["country"].strip().lower(): row["why"].strip() for row in csv.DictReader(lines)}
