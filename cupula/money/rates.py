"""Exchange rates: amounts in one currency, by date, from a replaceable table.

The table (``data/rates.csv`` or a file the user gives) lists units of each currency per
one US dollar, by ISO date prefix: a row for "2025" serves every day of 2025, a row for
"2025-03" every day of March 2025; the most specific row not after the payment's date is
used. Amounts are converted to the base currency (USD unless asked otherwise).
"""

from __future__ import annotations

import bisect
import csv
from dataclasses import dataclass, field
from pathlib import Path

from cupula.errors import InvalidInput

DEFAULT_RATES = Path(__file__).parent / "data" / "rates.csv"


class RateError(InvalidInput):
    """A currency or date the rate table cannot convert."""


@dataclass
class Rates:
    base: str = "USD"
    table: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # sorted by date
    source: str = ""

    @classmethod
    def load(cls, path: Path | None = None, *, base: str = "USD") -> Rates:
        path = path or DEFAULT_RATES
        table: dict[str, list[tuple[str, float]]] = {"USD": [("0000", 1.0)]}
        lines = [
            ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")
        ]
        for n, row in enumerate(csv.DictReader(lines), start=2):
            try:
                rate = float(row["per_usd"])
                date, currency = row["date"].strip(), row["currency"].strip().upper()
            except (KeyError, ValueError, AttributeError) as exc:
                raise RateError(f"{path}: row {n}: need date,currency,per_usd ({exc})") from None
            if rate <= 0 or not date or len(currency) != 3:
                raise RateError(f"{path}: row {n}: {row}")
            table.setdefault(currency, []).append((date, rate))
        for rows in table.values():
            rows.sort()
        rates = cls(base.upper(), table, str(path))
        rates.per_usd(rates.base, "9999")  # the base itself must be known
        return rates

    def per_usd(self, currency: str, date: str | None) -> float:
        rows = self.table.get(currency.upper())
        if not rows:
            raise RateError(f"no exchange rate for {currency} in {self.source}")
        if date is None:
            return rows[-1][1]  # undated: the latest rate
        i = bisect.bisect_right(rows, (date, float("inf")))
        return rows[max(i - 1, 0)][1]

    def convert(self, amount: float, currency: str | None, date: str | None) -> float:
        """``amount`` in ``currency`` on ``date``, in the base currency."""
        if currency is None or currency.upper() == self.base:
            return amount
        usd = amount / self.per_usd(currency, date)
        return usd * self.per_usd(self.base, date)
