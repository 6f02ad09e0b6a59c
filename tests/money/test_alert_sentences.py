"""Each typology's sentence says which way the money went, and its transactions agree.

A fan-in was once written "5 different counterparties from mule": money that went *to*
the mule. Every sentence is checked here against the direction of the transfers behind
it."""

from __future__ import annotations

from cupula.money.flows import Flows
from cupula.money.typologies import Alert, scan
from tests.money.test_trace import flows


def alerts_of(kind: str, f: Flows) -> list[Alert]:
    found = [a for a in scan(f) if a.typology == kind]
    assert found, f"no {kind} alert"
    return found


def transfers_of(f: Flows, alert: Alert) -> list[tuple[str, str]]:
    by_id = {t.id: t for t in f.transfers}
    return [(by_id[t].payer, by_id[t].beneficiary) for t in alert.transfers]


def test_a_fan_in_is_many_payers_paying_the_holder() -> None:
    f = flows(*[(f"smurf{i}", "mule", 9_500.0 + i, f"2025-01-{i + 1:02d}") for i in range(6)])
    (alert,) = alerts_of("fan_in", f)
    assert alert.summary == "6 different counterparties paid mule within 30 days"
    assert all(beneficiary == "mule" for _, beneficiary in transfers_of(f, alert))
    assert "from mule" not in alert.summary


def test_a_fan_out_is_the_holder_paying_many() -> None:
    f = flows(*[("boss", f"b{i}", 1000.0 * (i + 1), "2025-02-01") for i in range(5)])
    (alert,) = alerts_of("fan_out", f)
    assert alert.summary == "boss paid 5 different counterparties within 30 days"
    assert all(payer == "boss" for payer, _ in transfers_of(f, alert))


def test_repeated_amounts_are_payers_sending_the_holder() -> None:
    f = flows(*[(f"p{i}", "mule", 9_500.0, f"2025-01-{i + 1:02d}") for i in range(5)])
    (alert,) = alerts_of("repeated_amount", f)
    assert alert.summary.startswith("5 payers sent mule the same amount")
    assert all(beneficiary == "mule" for _, beneficiary in transfers_of(f, alert))


def test_a_pass_through_received_first_and_passed_on_after() -> None:
    f = flows(
        ("a", "shell", 10_000.0, "2025-03-01"),
        ("shell", "b", 6_000.0, "2025-03-02"),
        ("shell", "c", 3_700.0, "2025-03-03"),
    )
    (alert,) = alerts_of("pass_through", f)
    assert alert.summary == "shell passed on 9,700 of 10,000 within 3 days"
    inflow, *outflows = transfers_of(f, alert)
    assert inflow == ("a", "shell") and all(payer == "shell" for payer, _ in outflows)


def test_layering_names_the_holders_in_the_order_the_money_went() -> None:
    f = flows(
        ("src", "h1", 10_000.0, "2025-03-01"),
        ("h1", "h2", 9_900.0, "2025-03-02"),
        ("h2", "h3", 9_800.0, "2025-03-03"),
        ("h3", "end", 9_700.0, "2025-03-04"),
    )
    (alert,) = alerts_of("layering", f)
    assert alert.summary == "passed on through 3 holders in a row: h1 → h2 → h3"


def test_a_cycle_comes_back_to_where_it_started() -> None:
    f = flows(
        ("a", "b", 50_000.0, "2025-04-01"),
        ("b", "c", 48_000.0, "2025-04-03"),
        ("c", "a", 47_000.0, "2025-04-05"),
    )
    (alert,) = alerts_of("cycle", f)
    assert alert.summary == "money came back to a through 3 transfers"
    hops = transfers_of(f, alert)
    assert hops[0][0] == "a" and hops[-1][1] == "a"
    assert all(hops[k][1] == hops[k + 1][0] for k in range(len(hops) - 1))
