"""The commands' date options (``--as-of``, ``--between``), read by the one parser
(``model.dates.parse_date``) before the command runs: a bad date is a usage error that
names the option, and nothing is read or written."""

from __future__ import annotations

import typer

from cupula.model.dates import FORMS, DateError, parse_date

__all__ = ["FORMS", "as_of_date", "date_range"]


def _checked(option: str, value: str) -> str:
    try:
        return parse_date(value)
    except DateError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


def as_of_date(value: str | None) -> str | None:
    return None if value is None else _checked("--as-of", value)


def date_range(value: tuple[str, str] | None) -> tuple[str, str] | None:
    if value is None:
        return None
    start, end = (_checked("--between", v) for v in value)
    if start[: len(end)] > end[: len(start)]:
        raise typer.BadParameter(f"{start} is after {end}: give START END", param_hint="--between")
    return start, end
