"""Laundering typologies over the transfers a viewer may see, each alert with its
transactions.

The aggregations run in DuckDB over an Arrow table of the transfers:

- ``fan_in`` / ``fan_out``: one holder receiving from (paying to) at least ``fan``
  different counterparts within ``window_days`` (windows start every half window, so a
  burst across a boundary is still seen);
- ``repeated_amount``: at least ``fan`` different payers sending one holder the same
  amount (within ``amount_tolerance``) — smurfing, structuring;
- ``pass_through``: money that leaves a holder within ``pass_days`` of arriving, in about
  the same amount (within ``pass_tolerance``): an account used to move money on;
- ``layering``: chains of pass-through holders, the money moved on and on again within
  days at each step (rapid layering, typically through shell companies);
- ``cycle``: money that comes back to where it started through 2 to ``cycle_hops``
  transfers, each within ``window_days`` after the one before and carrying between
  ``1 - cycle_tolerance`` and 110% of its amount (round-tripping).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from cupula.money.flows import Flows
from cupula.money.trace import day

TYPOLOGIES = ("fan_in", "fan_out", "repeated_amount", "pass_through", "layering", "cycle")


@dataclass(frozen=True)
class TypologyOptions:
    fan: int = 5
    window_days: int = 30
    amount_tolerance: float = 0.01
    pass_days: int = 3
    pass_tolerance: float = 0.1
    cycle_hops: int = 4
    cycle_tolerance: float = 0.5  # each hop carries at least half of the one before
    min_amount: float = 0.0


@dataclass
class Alert:
    typology: str
    holder: str  # the account or party the pattern centres on
    transfers: list[str]  # ids of the transfers that make the pattern
    amount: float
    summary: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "typology": self.typology,
            "holder": self.holder,
            "amount": round(self.amount, 2),
            "summary": self.summary,
            "transfers": self.transfers,
            **self.details,
        }


def _table(flows: Flows, options: TypologyOptions) -> pa.Table:
    rows = [t for t in flows.transfers if t.amount >= options.min_amount]
    start = day("1970-01-01")
    epoch = [(day(t.date) - start).days for t in rows]
    return pa.table(
        {
            "id": [t.id for t in rows],
            "payer": [t.payer for t in rows],
            "beneficiary": [t.beneficiary for t in rows],
            "amount": [t.amount for t in rows],
            "day": epoch,
        }
    )


def _fan(con: duckdb.DuckDBPyConnection, holder: str, other: str, o: TypologyOptions) -> list[Any]:
    half = max(o.window_days // 2, 1)
    query = f"""
        WITH windows AS (
            SELECT *, (day + shift) // {o.window_days} AS bucket, shift
            FROM transfers, (SELECT unnest([0, {half}]) AS shift)
        ), groups AS (
            SELECT {holder} AS holder, shift, bucket,
                   count(DISTINCT {other}) AS counterparts,
                   list(id ORDER BY day, id) AS ids, sum(amount) AS total
            FROM windows GROUP BY ALL
            HAVING count(DISTINCT {other}) >= {o.fan}
        )
        SELECT holder, max(counterparts), flatten(list(ids)), max(total)
        FROM groups GROUP BY holder ORDER BY holder
    """
    return con.sql(query).fetchall()


def _repeated(con: duckdb.DuckDBPyConnection, o: TypologyOptions) -> list[Any]:
    step = 1 + o.amount_tolerance
    query = f"""
        SELECT beneficiary, floor(ln(amount) / ln({step})) AS bin,
               count(DISTINCT payer) AS payers, list(id ORDER BY day, id),
               sum(amount), min(amount), max(amount)
        FROM transfers WHERE amount > 0 GROUP BY ALL
        HAVING count(DISTINCT payer) >= {o.fan}
        ORDER BY beneficiary, bin
    """
    return con.sql(query).fetchall()


def _pass_through(con: duckdb.DuckDBPyConnection, o: TypologyOptions) -> list[Any]:
    query = f"""
        SELECT i.id, i.beneficiary, i.amount, list(x.id ORDER BY x.day, x.id), sum(x.amount)
        FROM transfers i JOIN transfers x
          ON x.payer = i.beneficiary AND x.day >= i.day AND x.day <= i.day + {o.pass_days}
         AND x.id <> i.id AND x.beneficiary <> i.payer
        GROUP BY i.id, i.beneficiary, i.amount
        HAVING sum(x.amount) BETWEEN i.amount * {1 - o.pass_tolerance}
                                 AND i.amount * {1 + o.pass_tolerance}
        ORDER BY i.beneficiary, i.id
    """
    return con.sql(query).fetchall()


def _cycles(con: duckdb.DuckDBPyConnection, o: TypologyOptions) -> list[Any]:
    """Time-respecting cycles of 2 to ``cycle_hops`` transfers, as self-joins."""
    low = 1 - o.cycle_tolerance

    def follows(prev: str, nxt: str) -> str:
        return (
            f"{nxt}.payer = {prev}.beneficiary AND {nxt}.id <> {prev}.id "
            f"AND {nxt}.day >= {prev}.day AND {nxt}.day <= {prev}.day + {o.window_days} "
            f"AND {nxt}.amount BETWEEN {prev}.amount * {low} AND {prev}.amount * 1.1"
        )

    found: list[Any] = []
    for hops in range(2, max(o.cycle_hops, 2) + 1):
        names = [f"t{k}" for k in range(hops)]
        joins = " ".join(
            f"JOIN transfers {names[k]} ON {follows(names[k - 1], names[k])}"
            for k in range(1, hops)
        )
        # every intermediate holder is new: the cycle is simple
        distinct = " AND ".join(
            f"{names[k]}.beneficiary NOT IN ({', '.join(f'{n}.payer' for n in names[: k + 1])})"
            for k in range(hops - 1)
        )
        query = f"""
            SELECT t0.payer, [{", ".join(f"{n}.id" for n in names)}], {names[-1]}.amount
            FROM transfers t0 {joins}
            WHERE {names[-1]}.beneficiary = t0.payer {("AND " + distinct) if distinct else ""}
            ORDER BY t0.payer, t0.day, t0.id
        """
        found += con.sql(query).fetchall()
    return found


def _layering(passes: list[Alert], flows: Flows) -> list[Alert]:
    """Chains of pass-through holders: money moved on, and on again, within days each.

    An alert's first transfer is what came in; the rest is what it passed on. When what
    one holder passed on is what the next one received and passed on, the two chain.
    """
    by_inflow = {a.transfers[0]: a for a in passes}
    nxt: dict[str, list[Alert]] = {
        a.transfers[0]: [by_inflow[t] for t in a.transfers[1:] if t in by_inflow] for a in passes
    }
    has_prev = {b.transfers[0] for chain in nxt.values() for b in chain}
    chains: list[list[Alert]] = []

    def extend(chain: list[Alert]) -> None:
        followers = [b for b in nxt[chain[-1].transfers[0]] if b not in chain]
        if not followers and len(chain) >= 2:
            chains.append(chain)
        for b in followers:
            extend([*chain, b])

    for a in passes:
        if a.transfers[0] not in has_prev:
            extend([a])
    out = []
    for chain in chains:
        holders = [a.holder for a in chain]
        ids = list(dict.fromkeys(t for a in chain for t in a.transfers))
        companies = sum(flows.holder(h).schema in ("Company", "Organization") for h in holders)
        out.append(
            Alert(
                "layering",
                holders[0],
                ids,
                chain[0].amount,
                f"passed on through {len(holders)} holders in a row: {' → '.join(holders)}"
                + (f" ({companies} companies)" if companies else ""),
                {"holders": holders},
            )
        )
    return out


def _fan_sentence(kind: str, holder: str, count: int, days: int) -> str:
    """Who paid whom, in the direction the money went: a fan-in is many payers of one
    holder, a fan-out one holder paying many."""
    if kind == "fan_in":
        return f"{count} different counterparties paid {holder} within {days} days"
    return f"{holder} paid {count} different counterparties within {days} days"


def scan(flows: Flows, options: TypologyOptions | None = None) -> list[Alert]:
    o = options or TypologyOptions()
    con = duckdb.connect()
    con.register("transfers", _table(flows, o))
    alerts: list[Alert] = []
    for kind, holder, other in (
        ("fan_in", "beneficiary", "payer"),
        ("fan_out", "payer", "beneficiary"),
    ):
        for who, count, ids, total in _fan(con, holder, other, o):
            unique = list(dict.fromkeys(ids))
            alerts.append(
                Alert(
                    kind,
                    who,
                    unique,
                    total,
                    _fan_sentence(kind, who, count, o.window_days),
                    {"counterparties": count},
                )
            )
    for who, _bin, payers, ids, total, low, high in _repeated(con, o):
        alerts.append(
            Alert(
                "repeated_amount",
                who,
                list(ids),
                total,
                f"{payers} payers sent {who} the same amount ({low:,.2f}–{high:,.2f})",
                {"payers": payers},
            )
        )
    for inflow, who, amount, outs, out_total in _pass_through(con, o):
        alerts.append(
            Alert(
                "pass_through",
                who,
                [inflow, *outs],
                amount,
                f"{who} passed on {out_total:,.0f} of {amount:,.0f} within {o.pass_days} days",
            )
        )
    alerts += _layering([a for a in alerts if a.typology == "pass_through"], flows)
    seen: set[frozenset[str]] = set()
    for start, ids, amount in _cycles(con, o):
        if frozenset(ids) in seen:
            continue
        seen.add(frozenset(ids))
        alerts.append(
            Alert(
                "cycle",
                start,
                list(ids),
                amount,
                f"money came back to {start} through {len(ids)} transfers",
            )
        )
    con.close()
    return alerts
