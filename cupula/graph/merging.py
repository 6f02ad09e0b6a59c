"""A network with the nodes of each resolved cluster joined into one.

Entity resolution says which records are one person; the graph analytics then need one
node per person. Each cluster's records present in the network are folded into one node
whose id is the cluster's canonical id, the smallest member id (``canonical_id``: stable
as long as the membership is), and whose name is the caption given for it (by default the
first Latin-script name of its members). Its countries are the union of the members';
ties between members of one cluster disappear (a person does not call himself); ties and
events keep their evidence ids.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from cupula.graph.network import Event, Network


def canonical_id(members: Collection[str]) -> str:
    """The id of a cluster's fused node: its smallest member id (an entity id the viewer
    may open, unchanged across runs while the cluster keeps the same members)."""
    return min(members)


def merge_nodes(
    net: Network,
    clusters: Sequence[Collection[str]],
    captions: Mapping[str, str] | None = None,
) -> Network:
    canonical = list(range(net.n))
    node_ids = list(net.node_ids)
    names = list(net.names)
    index = net.index
    for members in clusters:
        present = [index[m] for m in sorted(members) if m in index]
        if not present:
            continue
        head = present[0]
        for i in present[1:]:
            canonical[i] = head
        node_ids[head] = canonical_id(members)
        latin = [net.names[i] for i in present if net.names[i].isascii()]
        if captions is not None and node_ids[head] in captions:
            names[head] = captions[node_ids[head]]
        elif latin:
            names[head] = latin[0]
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
        node_ids=[node_ids[i] for i in kept],
        names=[names[i] for i in kept],
        schemata=[net.schemata[i] for i in kept],
        countries=[tuple(sorted(c)) for c in countries],
        src=src,
        dst=dst,
        events=tuple(_event(e, remap) for e in net.events),
        meetings=tuple(_event(e, remap) for e in net.meetings),
        history=None if net.history is None else merge_nodes(net.history, clusters, captions),
    )
    return merged.select(keep)


def _event(event: Event, remap: npt.NDArray[np.int64]) -> Event:
    involved = tuple(sorted({int(remap[i]) for i in event.involved}))
    return replace(event, involved=involved)
