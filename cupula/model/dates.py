"""The one reading of a date that a user types (an option, a query parameter).

A date is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a prefix covers the whole month or
year, as facts dated "2025-03" do), a real day of the calendar, returned in the store's
own form, followthemoney's ("2025-1-5" is "2025-01-05"). Every part given must be
valid: followthemoney's own cleaning reads ``2025-00-10`` as the whole of 2025, and
``2025-13-45`` used to run and silently match nothing.
"""

from __future__ import annotations

import re
from datetime import date

from cupula.errors import InvalidInput

FORMS = "YYYY-MM-DD (or YYYY-MM, YYYY)"
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


class DateError(InvalidInput):
    """Not a date a user may give; the message says what to write."""


def parse_date(value: str) -> str:
    """``value`` as the store writes dates, or ``DateError``."""
    found = _DATE.fullmatch(value.strip())
    try:
        if found is None:
            raise ValueError(value)
        year, month, day = (int(part) if part else None for part in found.groups())
        # raises on month 0 or 13, February 30, year 0
        date(year or 0, 1 if month is None else month, 1 if day is None else day)
    except ValueError:
        raise DateError(f"{value!r} is not a date: write {FORMS}") from None
    parts = [f"{year:04d}"] + [f"{n:02d}" for n in (month, day) if n is not None]
    return "-".join(parts)
