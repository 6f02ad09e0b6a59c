"""What the money pages draw besides the trace: who the source is, and how much money
passes through each party (the network explorer sizes companies and accounts by it)."""

from __future__ import annotations

from collections import defaultdict

from cupula.money.flows import Flows, flows_of
from cupula.store import View
from cupula.store.derived import Derived


def flows(view: View, cache: Derived) -> Flows:
    """The payments the view may see, as the money trail reads them (the same cache)."""
    result: Flows = cache.get(view, "flows", flows_of)
    return result


def caption(view: View, cache: Derived, entity_id: str) -> str:
    """The name of a party of the payments, or its id when only that is known."""
    return flows(view, cache).holder(entity_id).name


def amounts_through(view: View, cache: Derived) -> dict[str, float]:
    """Money through each party: the larger of what it received and what it paid out
    (a hub that passes money on counts once, not twice), in the base currency."""
    paid: defaultdict[str, float] = defaultdict(float)
    received: defaultdict[str, float] = defaultdict(float)
    for transfer in flows(view, cache).transfers:
        paid[transfer.payer] += transfer.amount
        received[transfer.beneficiary] += transfer.amount
    return {p: round(max(paid[p], received[p]), 2) for p in paid.keys() | received.keys()}
