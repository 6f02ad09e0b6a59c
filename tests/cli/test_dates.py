"""The one parser of the dates users type."""

from __future__ import annotations

import pytest

from cupula.model.dates import DateError, parse_date


@pytest.mark.parametrize(
    ("text", "read"),
    [("2025-1-5", "2025-01-05"), ("2025", "2025"), ("2025-02", "2025-02"),
     ("2024-02-29", "2024-02-29"), (" 2025-03-01 ", "2025-03-01")],
)  # fmt: skip
def test_dates_are_read_in_the_store_s_form(text: str, read: str) -> None:
    assert parse_date(text) == read


@pytest.mark.parametrize(
    "text",
    ["2025-13-45", "2025-00-10", "2025-02-29", "0000", "yesterday", "", "2025-03-01T10:00"],
)
def test_anything_else_is_refused_with_the_forms_to_write(text: str) -> None:
    with pytest.raises(DateError, match="is not a date: write YYYY-MM-DD"):
        parse_date(text)
