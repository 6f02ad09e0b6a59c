"""What the money pages draw besides the trace: who the source is, and how much money
passes through each party (the network explorer sizes companies and accounts by it)."""

from __future__ import annotations

from collections import defaultdict

from cupula.http import reads
from cupula.http.fused import APART, Fused
from cupula.money.flows import Flows
from cupula.store import View
from cupula.store.derived import Derived


def flows(view: View, cache: Derived, fused: Fused = APART) -> Flows:
    """The payments the view may see, as the money trail reads them (the same cache;
    a fused person one holder)."""
    return reads.payments(view, cache, fused)


def caption(view: View, cache: Derived, entity_id: str, fused: Fused = APART) -> str:
    """The name of a party of the payments, or its id when only that is known."""
    return flows(view, cache, fused).holder(fused.canonical(entity_id)).name


def amounts_through(view: View, cache: Derived, fused: Fused = APART) -> dict[str, float]:
    """Money through each party: the larger of what it received and what it paid out
    (a hub that passes money on counts once, not twice), in the base currency."""
    paid: defaultdict[str, float] = defaultdict(float)
    received: defaultdict[str, float] = defaultdict(float)
    for transfer in flows(view, cache, fused).transfers:
        paid[transfer.payer] += transfer.amount
        received[transfer.beneficiary] += transfer.amount
    return {p: round(max(paid[p], received[p]), 2) for p in paid.keys() | received.keys()}
