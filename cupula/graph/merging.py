"""A network with the nodes of each resolved cluster joined into one.

Entity resolution says which records are one person; the graph analytics then need one
node per person: each cluster's members are folded into its first member (the node keeps
that member's id, its name, and the union of the members' countries); ties between
members of one cluster disappear (a person does not call himself); ties and events keep
their evidence ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from cupula.graph.network import Event, Network


def merge_nodes(net: Network, clusters: Sequence[Sequence[str]]) -> Network:
    canonical = list(range(net.n))
    names = list(net.names)
    index = net.index
    for members in clusters:
        present = [index[m] for m in sorted(members) if m in index]
        for i in present[1:]:
            canonical[i] = present[0]
        latin = [net.names[i] for i in present if net.names[i].isascii()]
        if present and latin:
            names[present[0]] = latin[0]
    kept = sorted(set(canonical))
    new_index = {old: new for new, old in enumerate(kept)}
    remap = np.asarray([new_index[canonical[i]] for i in range(net.n)], dtype=np.int64)
    countries: list[set[str]] = [set() for _ in kept]
    for i, cs in enumerate(net.countries):
        countries[remap[i]].update(cs)
    src, dst = remap[net.src], remap[net.dst]
    keep = src != dst
    merged = replace(
        net,
        node_ids=[net.node_ids[i] for i in kept],
        names=[names[i] for i in kept],
        schemata=[net.schemata[i] for i in kept],
        countries=[tuple(sorted(c)) for c in countries],
        src=src,
        dst=dst,
        events=tuple(_event(e, remap) for e in net.events),
        meetings=tuple(_event(e, remap) for e in net.meetings),
        history=None if net.history is None else merge_nodes(net.history, clusters),
    )
    return merged.select(keep)


def _event(event: Event, remap: npt.NDArray[np.int64]) -> Event:
    involved = tuple(sorted({int(remap[i]) for i in event.involved}))
    return replace(event, involved=involved)
