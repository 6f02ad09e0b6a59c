"""A person's records hold money and shares as one holder on the fused network."""

from __future__ import annotations

from cupula.graph.fusion import FUSED, Fusion, FusionNote
from cupula.money.flows import Flows, Holder, Transfer
from cupula.money.fusion import WITHIN, fuse_flows, fuse_ownership
from cupula.money.ownership import Link, OwnershipGraph, owners
from cupula.money.trace import TraceOptions, trace

FUSION = Fusion([("a-1", "b-1")], {"a-1": "Jaramillo"}, FusionNote(FUSED))


def _flows() -> Flows:
    holders = {
        "a-1": Holder("a-1", "JARAMILLO", "Person", ("ae",)),
        "b-1": Holder("b-1", "Jaramillo Z.", "Person", ("es",)),
        "x": Holder("x", "Courier", "Person", ("co",)),
    }
    transfers = [
        Transfer("p1", "x", "b-1", 100.0, "100 USD", "2025-01-01"),
        Transfer("p2", "b-1", "a-1", 60.0, "60 USD", "2025-01-02"),  # his own records
    ]
    return Flows(transfers, holders, "USD")


def test_a_clusters_records_are_one_holder_and_own_transfers_are_not_traced() -> None:
    fused = fuse_flows(_flows(), FUSION)
    assert [(t.payer, t.beneficiary) for t in fused.transfers] == [("x", "a-1")]
    assert fused.skipped == {"p2": WITHIN}
    assert fused.holder("a-1") == Holder("a-1", "Jaramillo", "Person", ("ae", "es"))
    assert "b-1" not in fused.holders
    result = trace(fused, "x", TraceOptions())
    assert [(d.entity_id, d.amount) for d in result.destinations] == [("a-1", 100.0)]
    # apart, the money would seem to end with a record that passed it on to another
    apart = trace(_flows(), "x", TraceOptions())
    assert {d.entity_id for d in apart.destinations} == {"a-1", "b-1"}


def test_ownership_through_any_record_is_the_persons() -> None:
    graph = OwnershipGraph(
        links=[Link("a-1", "c", 0.3, "o1"), Link("b-1", "c", 0.3, "o2")],
        holders={"a-1": Holder("a-1", "A", "Person", ()), "b-1": Holder("b-1", "B", "Person", ())},
    )
    result = owners(fuse_ownership(graph, FUSION), "c", threshold=0.25)
    assert [(o.entity_id, round(o.effective, 2)) for o in result.owners] == [("a-1", 0.3)]
