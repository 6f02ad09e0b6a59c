"""Trace money forward (where did it go) or backward (where did it come from).

The trace replays every transfer the viewer may see in time order, keeping for each
holder the lots of money it holds: how much, since when, and for traced money the path
of transfers it came along. Money can only leave a holder after it arrived there: a lot
is available to a payment made on a later day, or on the same day earlier in the data's
order (``same_day=False``: only on a later day). Money a holder pays beyond what it is
known to have received is its own funds, of unknown origin.

Which lots a payment takes is the allocation rule:

- ``fifo``: first in, first out — the oldest money leaves first;
- ``proportional``: every lot pays its share (the "haircut" rule).

Forward: everything the source pays out is traced. Backward: every lot is labelled with
where it came from, and the lots the source received are read back. Either way a lot
stops being followed after ``max_hops`` transfers, or when it has sat still longer than
``max_gap_days``: it then counts where it is (forward) or as the funds of the holder
where it stopped (backward). Amounts never grow along a path: a payment moves at most
its own amount, and lots are only ever split.
"""

from __future__ import annotations

import enum
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from cupula.errors import InvalidInput
from cupula.money.flows import Flows, Transfer
from cupula.money.secrecy import secrecy_jurisdictions

DUST = 1e-6  # lots smaller than this (in the base currency) are dropped, and counted


class Rule(enum.StrEnum):
    FIFO = "fifo"
    PROPORTIONAL = "proportional"


@dataclass(frozen=True)
class TraceOptions:
    backward: bool = False
    rule: Rule = Rule.FIFO
    max_hops: int = 6
    max_gap_days: int | None = 180
    same_day: bool = True
    paths: int = 10  # evidence paths kept, largest first


@dataclass(slots=True)
class Lot:
    amount: float
    arrived: str
    origin: str | None  # None: money not traced
    path: tuple[int, ...]  # indices of the transfers it came along


@lru_cache(maxsize=65536)
def day(text: str) -> date:
    """An ISO date of any precision, as its first day ("2025-03" -> 2025-03-01)."""
    text = text[:10]
    if len(text) == 4:
        text += "-01-01"
    elif len(text) == 7:
        text += "-01"
    return date.fromisoformat(text)


class _Ledger:
    """Lots held by each holder, and the rule that pays them out."""

    def __init__(self, options: TraceOptions, label_all: bool, source: str) -> None:
        self.options = options
        self.label_all = label_all
        self.source = source
        self.lots: dict[str, deque[Lot]] = defaultdict(deque)
        self.dust = 0.0
        self.stopped: list[tuple[str, Lot]] = []  # forward: traced money that ends early

    def _relabel(self, lot: Lot, holder: str, when: str) -> Lot:
        """Stop following a lot past the hop or gap limit."""
        gap = self.options.max_gap_days
        too_far = len(lot.path) >= self.options.max_hops
        too_old = gap is not None and (day(when) - day(lot.arrived)).days > gap
        if lot.origin is None or not (too_far or too_old):
            return lot
        if self.label_all:  # backward: it becomes the funds of the holder where it stopped
            return Lot(lot.amount, lot.arrived, holder, ())
        self.stopped.append((holder, lot))  # forward: it ends here
        return Lot(lot.amount, lot.arrived, None, ())

    def take(self, holder: str, amount: float, when: str) -> list[Lot]:
        """Remove ``amount`` from ``holder``'s lots by the rule; return what left.

        FIFO takes from the front of the holder's queue (lots are kept in order of
        arrival) and never looks past what it needs; proportional touches every lot.
        """
        held = self.lots.get(holder)
        out: list[Lot] = []
        need = amount
        if held and self.options.rule is Rule.PROPORTIONAL:
            usable = [lot for lot in held if self.options.same_day or lot.arrived < when]
            total = sum(lot.amount for lot in usable)
            if total > amount:
                share = amount / total
                for lot in usable:
                    part = lot.amount * share
                    lot.amount -= part
                    out.append(Lot(part, lot.arrived, lot.origin, lot.path))
                need = 0.0
                kept = [lot for lot in held if lot.amount > DUST]
                self.dust += sum(lot.amount for lot in held if lot.amount <= DUST)
                held.clear()
                held.extend(kept)
        while held and need > DUST:  # FIFO, or all of it when it is not enough
            lot = held[0]
            if not self.options.same_day and lot.arrived >= when:
                break  # the rest arrived that day or later
            if lot.amount <= need + DUST:
                held.popleft()
                part = lot.amount
            else:
                part = need
                lot.amount -= need
            need -= part
            out.append(Lot(part, lot.arrived, lot.origin, lot.path))
        if need > DUST:  # paid beyond what is known to have come in: own funds
            origin = holder if self.label_all or holder == self.source else None
            out.append(Lot(need, when, origin, ()))
        return [self._relabel(lot, holder, when) for lot in out]

    def give(self, holder: str, lots: Iterable[Lot], when: str, index: int) -> None:
        held = self.lots[holder]
        merged: dict[tuple[str | None, tuple[int, ...]], float] = defaultdict(float)
        for lot in lots:
            if lot.origin is None:
                merged[(None, ())] += lot.amount
            else:
                merged[(lot.origin, (*lot.path, index))] += lot.amount
        for (origin, path), amount in merged.items():
            if amount <= DUST:
                self.dust += amount
            elif origin is None and held and held[-1].origin is None:
                held[-1].amount += amount  # untraced money is all alike: one lot
                held[-1].arrived = when
            else:
                held.append(Lot(amount, when, origin, path))


@dataclass(frozen=True)
class Destination:
    entity_id: str
    name: str
    amount: float
    currency: str
    countries: tuple[str, ...]
    secrecy: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "amount": round(self.amount, 2),
            "currency": self.currency,
            "country": self.countries[0] if self.countries else None,
            "countries": list(self.countries),
            "secrecy_jurisdiction": self.secrecy,
        }


@dataclass(frozen=True)
class TracePath:
    amount: float
    transfers: list[Transfer]

    def as_dict(self) -> dict[str, Any]:
        return {
            "amount": round(self.amount, 2),
            "transfers": [
                {
                    "id": t.id,
                    "payer": t.payer,
                    "beneficiary": t.beneficiary,
                    "amount": round(t.amount, 2),
                    "as_written": t.original,
                    "date": t.date,
                }
                for t in self.transfers
            ],
        }


@dataclass(frozen=True)
class TraceResult:
    source: str
    options: TraceOptions
    currency: str
    total: float  # money traced: paid out (forward) or received (backward) by the source
    destinations: list[Destination]  # forward: where it is; backward: where it came from
    by_country: dict[str, float]
    paths: list[TracePath]
    dust: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "direction": "backward" if self.options.backward else "forward",
            "rule": str(self.options.rule),
            "max_hops": self.options.max_hops,
            "max_gap_days": self.options.max_gap_days,
            "currency": self.currency,
            "total": round(self.total, 2),
            "destinations": [d.as_dict() for d in self.destinations],
            "by_country": {k: round(v, 2) for k, v in self.by_country.items()},
            "paths": [p.as_dict() for p in self.paths],
            "dust": round(self.dust, 6),
        }


def _relevant(flows: Flows, source: str, options: TraceOptions) -> list[int]:
    """Indices of the transfers that can matter: every one touching a holder that money
    can reach from (forward) or into (backward) the source, in time, within the hops.

    A holder is reached at a date: forward, the earliest date money from the source can
    be there; backward, the latest date it can still leave towards the source.
    """
    transfers = flows.transfers
    back = options.backward
    reached = {source: "9999" if back else "0000"}
    frontier = dict(reached)
    for _ in range(options.max_hops):
        found: dict[str, str] = {}
        for t in transfers:
            if back and t.beneficiary in frontier and t.date <= frontier[t.beneficiary]:
                found[t.payer] = max(t.date, found.get(t.payer, ""))
            elif not back and t.payer in frontier and t.date >= frontier[t.payer]:
                found[t.beneficiary] = min(t.date, found.get(t.beneficiary, "9999"))
        better = {
            h: d
            for h, d in found.items()
            if h not in reached or (d > reached[h] if back else d < reached[h])
        }
        if not better:
            break
        reached.update(better)
        frontier = better
    return [i for i, t in enumerate(transfers) if t.payer in reached or t.beneficiary in reached]


def _replay(
    flows: Flows, source: str, options: TraceOptions
) -> tuple[float, list[tuple[str, Lot]], float]:
    """Replay the transfers for one source: (money traced, where each lot ended, dust)."""
    ledger = _Ledger(options, label_all=options.backward, source=source)
    transfers = flows.transfers
    received: list[Lot] = []  # backward: what the source received
    total = 0.0
    for i in _relevant(flows, source, options):
        t = transfers[i]
        moving = ledger.take(t.payer, t.amount, t.date)
        if not options.backward and t.payer == source:
            total += t.amount
            moving = [Lot(lot.amount, lot.arrived, source, ()) for lot in moving]
        if options.backward and t.beneficiary == source:
            total += t.amount
            received += [Lot(lot.amount, lot.arrived, lot.origin, (*lot.path, i)) for lot in moving]
            continue  # what the source does with it next is not asked
        if not options.backward and t.beneficiary == source:
            # money back at its source (a round trip) ends there; what the source pays
            # later is counted again as money it paid out
            ledger.stopped += [
                (source, Lot(lot.amount, t.date, lot.origin, (*lot.path, i)))
                for lot in moving
                if lot.origin
            ]
            moving = [Lot(lot.amount, lot.arrived, None, ()) for lot in moving]
        ledger.give(t.beneficiary, moving, t.date, i)
    if options.backward:
        ends = [(lot.origin or "unknown", lot) for lot in received]
    else:
        ends = [(holder, lot) for holder, lots in ledger.lots.items() for lot in lots if lot.origin]
        ends += ledger.stopped
    return total, ends, ledger.dust


def trace(flows: Flows, source: str, options: TraceOptions | None = None) -> TraceResult:
    """Where the money ``source`` paid out went (or, backward, where its receipts came
    from)."""
    return trace_many(flows, [source], options)


def _result(
    flows: Flows,
    source: str,
    options: TraceOptions,
    total: float,
    ends: list[tuple[str, Lot]],
    dust: float,
) -> TraceResult:
    amounts: dict[str, float] = defaultdict(float)
    path_amounts: dict[tuple[int, ...], float] = defaultdict(float)
    for holder, lot in ends:
        amounts[holder] += lot.amount
        path_amounts[lot.path] += lot.amount
    secrecy = secrecy_jurisdictions()
    destinations = []
    by_country: dict[str, float] = defaultdict(float)
    for holder, amount in sorted(amounts.items(), key=lambda kv: (-kv[1], kv[0])):
        h = flows.holder(holder)
        destinations.append(
            Destination(
                holder,
                h.name,
                amount,
                flows.base,
                h.countries,
                [secrecy[c] for c in h.countries if c in secrecy],
            )
        )
        by_country[h.countries[0] if h.countries else "unknown"] += amount
    paths = [
        TracePath(amount, [flows.transfers[i] for i in path])
        for path, amount in sorted(path_amounts.items(), key=lambda kv: (-kv[1], kv[0]))
        if path
    ][: options.paths]
    return TraceResult(
        source=source,
        options=options,
        currency=flows.base,
        total=total,
        destinations=destinations,
        by_country=dict(sorted(by_country.items(), key=lambda kv: -kv[1])),
        paths=paths,
        dust=dust,
    )


def trace_many(
    flows: Flows, sources: list[str], options: TraceOptions | None = None
) -> TraceResult:
    """One trace from one or several holders (the people involved in a seizure): each
    source replayed alone, the results added up. Money moving between two of the sources
    is counted from each, as each of them paid or received it."""
    options = options or TraceOptions()
    if options.max_hops < 1:
        raise InvalidInput("--max-hops must be at least 1")
    total, ends, dust = 0.0, [], 0.0
    for source in sources:
        part_total, part_ends, part_dust = _replay(flows, source, options)
        total, dust = total + part_total, dust + part_dust
        ends += part_ends
    return _result(flows, "+".join(sources), options, total, ends, dust)
