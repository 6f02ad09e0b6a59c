"""The one parser of the dates that commands take (``--as-of``, ``--between``).

A date is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a prefix covers the whole month or
year, as ties dated "2025-03" do), a real day of the calendar, written back in the
store's own form, followthemoney's ("2025-1-5" is "2025-01-05"). Anything else stops
the command before it reads anything, naming the option and the value: ``2025-13-45``
used to run and silently match nothing, and followthemoney's own cleaning would read
``2025-00-10`` as the whole of 2025, so every part given must be valid here.
"""

from __future__ import annotations

import re
from datetime import date

import typer

FORMS = "YYYY-MM-DD (or YYYY-MM, YYYY)"


_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def parse_date(option: str, value: str) -> str:
    """``value`` as the store writes dates, or a usage error naming ``option``."""
    found = _DATE.fullmatch(value.strip())
    try:
        if found is None:
            raise ValueError(value)
        year, month, day = (int(part) if part else None for part in found.groups())
        # raises on month 0 or 13, February 30, year 0
        date(year or 0, 1 if month is None else month, 1 if day is None else day)
    except ValueError:
        message = f"{value!r} is not a date: write {FORMS}"
        raise typer.BadParameter(message, param_hint=option) from None
    parts = [f"{year:04d}"] + [f"{n:02d}" for n in (month, day) if n is not None]
    return "-".join(parts)


def as_of_date(value: str | None) -> str | None:
    return None if value is None else parse_date("--as-of", value)


def date_range(value: tuple[str, str] | None) -> tuple[str, str] | None:
    if value is None:
        return None
    start, end = (parse_date("--between", v) for v in value)
    if start[: len(end)] > end[: len(start)]:
        raise typer.BadParameter(f"{start} is after {end}: give START END", param_hint="--between")
    return start, end
