"""Payments and holdings on the viewer's fused network: a person's records one holder.

A resolved cluster (``graph.fusion``) holds money and shares as one holder under its
canonical id, named by the cluster's caption, with the union of its members' countries.
A payment between two records of one cluster moves nothing between people and is left
out (counted in ``Flows.skipped``); ownership and directorships are re-pointed at the
cluster, and links from a cluster to itself dropped.
"""

from __future__ import annotations

from dataclasses import replace

from cupula.graph.fusion import Fusion
from cupula.money.flows import Flows, Holder
from cupula.money.ownership import OwnershipGraph, _merged

WITHIN = "between records of one person (fused)"


def _holders(holders: dict[str, Holder], fusion: Fusion) -> dict[str, Holder]:
    out = {k: v for k, v in holders.items() if k not in fusion.node_of}
    for members in fusion.clusters:
        present = [holders[m] for m in members if m in holders]
        if not present:
            continue
        node = members[0]
        countries = tuple(sorted({c for h in present for c in h.countries}))
        name = fusion.captions.get(node, present[0].name)
        out[node] = Holder(node, name, present[0].schema, countries)
    return out


def fuse_flows(flows: Flows, fusion: Fusion) -> Flows:
    """``flows`` with each cluster one holder."""
    if not fusion.clusters:
        return flows
    skipped = dict(flows.skipped)
    transfers = []
    for t in flows.transfers:
        payer, beneficiary = fusion.canonical(t.payer), fusion.canonical(t.beneficiary)
        if payer == beneficiary and t.payer != t.beneficiary:
            skipped[t.id] = WITHIN
            continue
        transfers.append(replace(t, payer=payer, beneficiary=beneficiary))
    return Flows(transfers, _holders(flows.holders, fusion), flows.base, skipped)


def fuse_ownership(graph: OwnershipGraph, fusion: Fusion) -> OwnershipGraph:
    """``graph`` with each cluster one owner, asset or director."""
    if not fusion.clusters:
        return graph
    c = fusion.canonical
    links = [replace(k, owner=c(k.owner), asset=c(k.asset)) for k in graph.links]
    directors: dict[str, list[tuple[str, str]]] = {}
    for org, people in graph.directors.items():
        kept = [(c(who), evidence) for who, evidence in people if c(who) != c(org)]
        directors.setdefault(c(org), []).extend(kept)
    return OwnershipGraph(
        links=_merged([k for k in links if k.owner != k.asset]),
        directors=directors,
        holders=_holders(graph.holders, fusion),
    )
