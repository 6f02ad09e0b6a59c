from __future__ import annotations

from pathlib import Path

import pytest

from cupula.access.viewer import Role, Viewer
from cupula.model.marking import Classification
from cupula.money.flows import flows_of
from cupula.money.rates import RateError, Rates
from cupula.store import Store
from tests.graph.helpers import entity, load_entities


def test_rates_use_the_most_specific_row_not_after_the_date(tmp_path: Path) -> None:
    table = tmp_path / "r.csv"
    table.write_text(
        "# test\ndate,currency,per_usd\n2025,EUR,0.8\n2025-06,EUR,0.9\n2025,COP,4000\n"
    )
    rates = Rates.load(table)
    assert rates.convert(80, "EUR", "2025-03-14") == pytest.approx(100)
    assert rates.convert(90, "EUR", "2025-07") == pytest.approx(100)
    assert rates.convert(4_000_000, "COP", "2025-01-01") == pytest.approx(1000)
    assert rates.convert(5, None, "2025") == 5
    in_euros = Rates.load(table, base="EUR")
    assert in_euros.convert(100, "USD", "2025-02-01") == pytest.approx(80)
    with pytest.raises(RateError, match="no exchange rate for GBP"):
        rates.convert(1, "GBP", "2025")
    bad = tmp_path / "bad.csv"
    bad.write_text("date,currency,per_usd\n2025,EUR,lots\n")
    with pytest.raises(RateError, match="row 2"):
        Rates.load(bad)


def test_the_shipped_table_converts_the_demo_currencies() -> None:
    rates = Rates.load()
    for currency in ("EUR", "COP", "AED", "MXN", "GBP"):
        assert 0 < rates.convert(1000, currency, "2025-05-01") < 5000
    assert rates.convert(3672.5, "AED", "2024") == pytest.approx(1000)  # the dirham's peg


def test_payments_a_viewer_may_not_see_are_not_in_its_flows(
    sqlite_store: Store, tmp_path: Path
) -> None:
    load_entities(
        sqlite_store,
        tmp_path,
        [
            entity("a", "Person", name="Ana", country="co"),
            entity("c", "Company", name="Costa Azul", jurisdiction="es"),
            entity(
                "p1",
                "Payment",
                payer="a",
                beneficiary="c",
                amount="900",
                currency="EUR",
                date="2025-02-01",
            ),
            entity("p2", "Payment", payer="a", beneficiary="c", date="2025-02-02"),
        ],
        marking="UNCLASSIFIED REL TO ESP H0",
    )
    load_entities(
        sqlite_store,
        tmp_path,
        [entity("p3", "Payment", payer="c", beneficiary="z", amount="800", date="2025-02-03")],
        dataset="secret",
        marking="SECRET H2",
    )
    spain = Viewer("luis", "ES-SEPBLAC", "ESP", Classification.SECRET, frozenset({Role.ANALYST}))
    flows = flows_of(sqlite_store.view(spain, purpose="tests"))
    assert [t.id for t in flows.transfers] == ["p1"]
    assert flows.skipped == {"p2": "no amount"}
    assert flows.transfers[0].original == "900 EUR"
    assert flows.holder("c").countries == ("es",)
    admin = flows_of(sqlite_store.view(Viewer.local_admin(), purpose="tests"))
    assert [t.id for t in admin.transfers] == ["p1", "p3"]
