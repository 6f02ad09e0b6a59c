"""What removing people does to the network, and how it re-formed after seizures.

``simulate_removal`` removes the top k of each ranking (the leader score, plain degree,
betweenness, the key-player set...) and reports what is left: the largest connected
group, fragmentation, and the reach of the leaders who remain (people within two steps
of the top remaining leaders), each against the intact network.

``timeline`` reads a phased network phase by phase: size, largest group, who is most
connected, and the seizures in that phase, so an analyst can see the network shrink
after a seizure and re-form (CAVIAR re-formed around Morales after the phase-4 seizure).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cupula.graph.keyplayers import active_graph, fragmentation
from cupula.graph.network import Network


@dataclass(frozen=True)
class RemovalOutcome:
    ranking: str
    removed: list[str]  # names
    largest_share: float  # largest group after / people before
    fragmentation: float
    leader_reach: float  # reach of the remaining leaders after / before

    def as_dict(self) -> dict[str, Any]:
        return {
            "ranking": self.ranking,
            "removed": self.removed,
            "largest_group_share": round(self.largest_share, 4),
            "fragmentation": round(self.fragmentation, 4),
            "leader_reach_kept": round(self.leader_reach, 4),
        }


def _reach(graph: Any, sources: Sequence[int]) -> int:
    if not sources:
        return 0
    seen: set[int] = set()
    for ball in graph.neighborhood(vertices=list(sources), order=2):
        seen.update(ball)
    return len(seen)


def simulate_removal(
    net: Network,
    orders: Mapping[str, Sequence[str]],
    *,
    k: int,
    leaders: Sequence[str],
    leaders_kept: int = 5,
) -> list[RemovalOutcome]:
    """Remove the first ``k`` entity ids of each order; ``leaders`` is the leader ranking."""
    graph, nodes = active_graph(net)
    local = {net.node_ids[int(node)]: i for i, node in enumerate(nodes)}
    n = graph.vcount()
    outcomes = []
    for name, order in orders.items():
        removed = [e for e in order if e in local][:k]
        gone = {local[e] for e in removed}
        remaining = [local[e] for e in leaders if e in local and local[e] not in gone]
        remaining = remaining[:leaders_kept]
        before = _reach(graph, remaining)
        keep = [i for i in range(n) if i not in gone]
        rest = graph.induced_subgraph(keep)
        new_index = {old: new for new, old in enumerate(keep)}
        after = _reach(rest, [new_index[i] for i in remaining])
        sizes = rest.connected_components().sizes() if rest.vcount() else [0]
        outcomes.append(
            RemovalOutcome(
                ranking=name,
                removed=[net.names[net.index[e]] for e in removed],
                largest_share=max(sizes) / n if n else 0.0,
                fragmentation=fragmentation(rest),
                leader_reach=after / before if before else 0.0,
            )
        )
    return outcomes


@dataclass(frozen=True)
class PhaseState:
    phase: str
    people: int
    ties: int  # tie records in the phase, as ``Ranking.ties`` counts them
    pairs: int  # pairs of parties in contact in the phase (parallel ties counted once)
    largest_group: int
    most_connected: list[str]  # names, most contacts in the phase first
    seizures: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "people": self.people,
            "ties": self.ties,
            "pairs": self.pairs,
            "largest_group": self.largest_group,
            "most_connected": self.most_connected,
            "seizures": self.seizures,
        }


def timeline(net: Network, *, top: int = 3) -> list[PhaseState]:
    states = []
    for phase in net.phases:
        part = net.of_phase(phase)
        graph, nodes = active_graph(part)
        degree = np.asarray(graph.degree())
        order = sorted(range(len(nodes)), key=lambda i: (-degree[i], net.names[nodes[i]]))
        sizes = graph.connected_components().sizes() if graph.vcount() else [0]
        states.append(
            PhaseState(
                phase=phase,
                people=graph.vcount(),
                ties=part.m,
                pairs=graph.ecount(),
                largest_group=max(sizes),
                most_connected=[net.names[int(nodes[i])] for i in order[:top]],
                seizures=[e.label for e in net.events if e.phase == phase],
            )
        )
    return states


def recovery(states: Sequence[PhaseState]) -> list[str]:
    """One sentence per phase with seizures: how the next phase compares."""
    lines = []
    for i, state in enumerate(states):
        if not state.seizures or i + 1 >= len(states):
            continue
        after = states[i + 1]
        change = after.people - state.people
        hub_before = state.most_connected[0] if state.most_connected else "nobody"
        hub_after = after.most_connected[0] if after.most_connected else "nobody"
        hub = (
            f"{hub_after} still the most connected"
            if hub_after == hub_before
            else f"most connected: {hub_before} -> {hub_after}"
        )
        lines.append(
            f"after {len(state.seizures)} seizure(s) in phase {state.phase}: phase "
            f"{after.phase} has {after.people} people ({change:+d}), largest group "
            f"{state.largest_group} -> {after.largest_group}; {hub}"
        )
    return lines
