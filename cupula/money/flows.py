"""The payments a viewer may see, as dated transfers between holders.

Each FtM ``Payment`` (payer -> beneficiary, amount, currency, date) becomes one
``Transfer``, its amount converted to the base currency with the rate of its date. The
holders are the payer and beneficiary entities (people, companies, or bank accounts when
a partner only knows accounts). Payments without an amount or a date cannot be traced in
time; they are kept out and counted (``Flows.skipped``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from followthemoney.proxy import EntityProxy

from cupula.errors import NotFound
from cupula.model.entity import countries_of, first_date, first_number
from cupula.money.rates import Rates
from cupula.store.view import View


@dataclass(frozen=True, slots=True)
class Transfer:
    id: str  # the Payment entity: the evidence
    payer: str
    beneficiary: str
    amount: float  # in the base currency
    original: str  # as written, e.g. "9000 EUR"
    date: str  # ISO, as precise as the data


@dataclass
class Holder:
    """Who holds money or shares: a party, or an account when that is all that is known."""

    entity_id: str
    name: str
    schema: str
    countries: tuple[str, ...]

    @classmethod
    def of(cls, proxy: EntityProxy) -> Holder:
        assert proxy.id is not None
        return cls(proxy.id, proxy.caption or proxy.id, proxy.schema.name, countries_of(proxy))


def holder_in(holders: dict[str, Holder], entity_id: str) -> Holder:
    """The holder, or one known only by its id (the end of a tie the viewer may see)."""
    return holders.get(entity_id) or Holder(entity_id, entity_id, "LegalEntity", ())


@dataclass
class Flows:
    transfers: list[Transfer]
    holders: dict[str, Holder]
    base: str
    skipped: dict[str, str] = field(default_factory=dict)  # payment id -> why

    def holder(self, entity_id: str) -> Holder:
        return holder_in(self.holders, entity_id)


def flows_from_entities(entities: Iterable[EntityProxy], rates: Rates) -> Flows:
    out = Flows([], {}, rates.base)
    payments: list[EntityProxy] = []
    for proxy in entities:
        if proxy.id is None:
            continue
        if proxy.schema.is_a("Payment"):
            payments.append(proxy)
        elif proxy.schema.is_a("Thing"):
            out.holders[proxy.id] = Holder.of(proxy)
    for p in payments:
        assert p.id is not None
        amount = first_number(p.get("amount"))
        when = first_date(p)
        # a partner that only knows the accounts: the accounts are the holders
        payers = p.get("payer") or p.get("payerAccount")
        beneficiaries = p.get("beneficiary") or p.get("beneficiaryAccount")
        if amount is None or amount <= 0:
            out.skipped[p.id] = "no amount"
            continue
        if when is None:
            out.skipped[p.id] = "no date"
            continue
        if len(payers) != 1 or len(beneficiaries) != 1:
            out.skipped[p.id] = "not one payer and one beneficiary"
            continue
        currency = next(iter(sorted(p.get("currency"))), None)
        out.transfers.append(
            Transfer(
                id=p.id,
                payer=payers[0],
                beneficiary=beneficiaries[0],
                amount=rates.convert(amount, currency, when),
                original=f"{amount:g} {currency or rates.base}",
                date=when,
            )
        )
    out.transfers.sort(key=lambda t: (t.date, t.id))
    return out


def trace_sources(view: View, entity_id: str) -> list[str]:
    """Whose money a trace from ``entity_id`` follows: the entity's own, or for a seizure
    the money of the parties it names as involved (as far as the viewer sees them)."""
    start = view.entity(entity_id)
    if start is not None and start.schema.is_a("Seizure"):
        sources = start.get("involved")
        if not sources:
            raise NotFound(f"seizure {entity_id!r} names nobody involved that you may see")
        return list(sources)
    return [entity_id]


def flows_of(view: View, rates: Rates | None = None) -> Flows:
    """The payments of everything ``view`` lets its viewer see."""
    return flows_from_entities(view.entities(), rates or Rates.load())
