"""Hand-built cases where the answer is known."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cupula.money.flows import Flows, Holder, Transfer
from cupula.money.trace import Rule, TraceOptions, day, trace


def flows(*rows: tuple[str, str, float, str], countries: dict[str, str] | None = None) -> Flows:
    transfers = [
        Transfer(f"t{n}", payer, beneficiary, amount, f"{amount:g} USD", when)
        for n, (payer, beneficiary, amount, when) in enumerate(rows)
    ]
    transfers.sort(key=lambda t: (t.date, t.id))
    holders = {h: Holder(h, h.upper(), "Company", (c,)) for h, c in (countries or {}).items()}
    return Flows(transfers, holders, "USD")


def where(result: object) -> dict[str, float]:
    return {d.entity_id: round(d.amount, 6) for d in result.destinations}  # type: ignore[attr-defined]


def test_a_payment_made_before_the_money_arrived_is_not_followed() -> None:
    f = flows(("s", "a", 100, "2025-03-10"), ("a", "b", 100, "2025-03-01"))
    assert where(trace(f, "s")) == {"a": 100}


def test_fifo_pays_the_oldest_money_first_proportional_pays_shares() -> None:
    f = flows(
        ("x", "a", 100, "2025-03-01"),  # clean money, older
        ("s", "a", 100, "2025-03-05"),
        ("a", "b", 100, "2025-03-10"),
    )
    assert where(trace(f, "s", TraceOptions(rule=Rule.FIFO))) == {"a": 100}
    assert where(trace(f, "s", TraceOptions(rule=Rule.PROPORTIONAL))) == {"a": 50, "b": 50}


def test_amounts_never_grow_along_a_path() -> None:
    f = flows(
        ("s", "a", 100, "2025-01-01"), ("a", "b", 500, "2025-01-02"), ("b", "c", 80, "2025-01-03")
    )
    result = trace(f, "s")
    assert result.total == 100
    assert where(result) == {"b": 20, "c": 80}
    for path in result.paths:
        assert path.amount <= min(t.amount for t in path.transfers)


def test_hops_and_gaps_limit_how_far_money_is_followed() -> None:
    chain = flows(
        ("s", "a", 10, "2025-01-01"), ("a", "b", 10, "2025-01-02"), ("b", "c", 10, "2025-01-03")
    )
    assert where(trace(chain, "s", TraceOptions(max_hops=2))) == {"b": 10}
    assert where(trace(chain, "s", TraceOptions(max_hops=6))) == {"c": 10}
    slow = flows(("s", "a", 10, "2025-01-01"), ("a", "b", 10, "2025-12-01"))
    assert where(trace(slow, "s", TraceOptions(max_gap_days=90))) == {"a": 10}
    assert where(trace(slow, "s", TraceOptions(max_gap_days=None))) == {"b": 10}


def test_same_day_money_can_pass_through_unless_strict() -> None:
    f = flows(("s", "a", 10, "2025-01-01"), ("a", "b", 10, "2025-01-01"))
    assert where(trace(f, "s")) == {"b": 10}
    assert where(trace(f, "s", TraceOptions(same_day=False))) == {"a": 10}


def test_backward_says_where_the_money_came_from() -> None:
    f = flows(
        ("x", "a", 60, "2025-02-01"),
        ("y", "a", 40, "2025-02-02"),
        ("a", "s", 100, "2025-02-03"),
        ("z", "a", 999, "2025-02-04"),  # after: cannot have funded s
    )
    result = trace(f, "s", TraceOptions(backward=True))
    assert result.total == 100
    assert where(result) == {"x": 60, "y": 40}
    top = result.paths[0]
    assert [t.id for t in top.transfers] == ["t0", "t2"] and top.amount == 60


def test_money_back_at_the_source_ends_there() -> None:
    f = flows(
        ("s", "a", 100, "2025-01-01"), ("a", "s", 100, "2025-01-02"), ("s", "b", 100, "2025-01-03")
    )
    result = trace(f, "s")
    assert result.total == 200
    assert where(result) == {"s": 100, "b": 100}


def test_destinations_by_country_and_secrecy_flags() -> None:
    f = flows(
        ("s", "shell", 70, "2025-01-01"),
        ("s", "bank", 30, "2025-01-01"),
        countries={"shell": "vg", "bank": "es"},
    )
    result = trace(f, "s")
    assert result.by_country == {"vg": 70, "es": 30}
    shell = result.destinations[0]
    assert shell.entity_id == "shell" and "British Virgin Islands" in shell.secrecy[0]
    assert result.as_dict()["destinations"][0]["country"] == "vg"


def test_partial_dates() -> None:
    assert str(day("2025")) == "2025-01-01" and str(day("2025-03")) == "2025-03-01"
    assert str(day("2025-03-14T10:00:00")) == "2025-03-14"
    with pytest.raises(ValueError, match="max-hops"):
        trace(flows(), "s", TraceOptions(max_hops=0))


transfers = st.lists(
    st.tuples(
        st.sampled_from("sabcd"),
        st.sampled_from("sabcd"),
        st.integers(1, 1000),
        st.sampled_from(["2025-01-01", "2025-01-02", "2025-01-03", "2025-02-01"]),
    ).filter(lambda r: r[0] != r[1]),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(rows=transfers, rule=st.sampled_from(list(Rule)), backward=st.booleans())
def test_money_is_conserved(
    rows: list[tuple[str, str, int, str]], rule: Rule, backward: bool
) -> None:
    result = trace(flows(*rows), "s", TraceOptions(rule=rule, backward=backward))
    assert sum(d.amount for d in result.destinations) + result.dust == pytest.approx(result.total)
    paid = (
        sum(a for p, _, a, _ in rows if p == "s")
        if not backward
        else sum(a for _, b, a, _ in rows if b == "s")
    )
    assert result.total == pytest.approx(paid)
