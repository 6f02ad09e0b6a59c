"""The neighbourhood of some entities: what the network explorer draws and expands.

``neighbourhood(net, seeds, hops=…)`` walks ``hops`` ties out from the seeds (in either
direction) and returns the nodes reached and the ties among them, parallel ties of one
kind collapsed into one edge with their count, weight and first and last date. Where
more nodes are reached than ``max_nodes``, the ones kept are the closest, then those
with the highest score, then the most ties; ``truncated`` says how many were left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cupula.errors import InvalidInput
from cupula.graph.network import Network


@dataclass(frozen=True)
class NeighbourhoodOptions:
    hops: int = 1
    max_nodes: int = 150


def _degrees(net: Network) -> np.ndarray[Any, np.dtype[np.int64]]:
    counts = np.bincount(net.src, minlength=net.n) + np.bincount(net.dst, minlength=net.n)
    return counts.astype(np.int64)


def neighbourhood(
    net: Network,
    seeds: Sequence[str],
    *,
    options: NeighbourhoodOptions | None = None,
    scores: Mapping[str, float] | None = None,
    key_players: Sequence[str] = (),
    degrees: Mapping[str, int] | None = None,
    left_out: int = 0,
) -> dict[str, Any]:
    """Nodes within ``options.hops`` ties of ``seeds`` and the ties among them.

    ``scores`` (leader scores by entity id) and ``key_players`` are carried onto the
    nodes for the drawing: size by score, key players highlighted. ``degrees`` gives the
    nodes' ties in a wider network than ``net`` and ``left_out`` the nodes already left
    out of it (``graph.local``: ``net`` is then the part of the network read)."""
    options = options or NeighbourhoodOptions()
    if options.hops < 0:
        raise InvalidInput("hops must be 0 or more")
    scores = scores or {}
    index = net.index
    start = [index[s] for s in dict.fromkeys(seeds) if s in index]
    distance = np.full(net.n, -1, dtype=np.int64)
    distance[start] = 0
    frontier = np.zeros(net.n, dtype=bool)
    frontier[start] = True
    for hop in range(1, options.hops + 1):
        touching = frontier[net.src] | frontier[net.dst]
        reached = np.zeros(net.n, dtype=bool)
        reached[net.src[touching]] = True
        reached[net.dst[touching]] = True
        new = reached & (distance < 0)
        distance[new] = hop
        frontier = new
        if not new.any():
            break
    degree = _degrees(net)
    if degrees is not None:
        wider = [degrees.get(n, int(d)) for n, d in zip(net.node_ids, degree, strict=True)]
        degree = np.asarray(wider, dtype=np.int64)
    found = np.flatnonzero(distance >= 0)
    order = sorted(
        found.tolist(),
        key=lambda i: (distance[i], -scores.get(net.node_ids[i], 0.0), -degree[i], net.node_ids[i]),
    )
    kept = order[: options.max_nodes]
    inside = np.zeros(net.n, dtype=bool)
    inside[kept] = True
    highlighted = set(key_players)
    nodes = [
        {
            "id": net.node_ids[i],
            "name": net.names[i],
            "schema": net.schemata[i],
            "countries": list(net.countries[i]),
            "hops": int(distance[i]),
            "ties": int(degree[i]),
            "score": round(float(scores[net.node_ids[i]]), 4)
            if net.node_ids[i] in scores
            else None,
            "key_player": net.node_ids[i] in highlighted,
        }
        for i in kept
    ]
    return {
        "seeds": [net.node_ids[i] for i in start],
        "nodes": nodes,
        "edges": _edges(net, inside),
        "truncated": len(order) - len(kept) + left_out,
    }


def _edges(net: Network, inside: np.ndarray[Any, np.dtype[np.bool_]]) -> list[dict[str, Any]]:
    """Ties with both ends kept, one edge per pair and kind (direction kept if any). An
    edge is named by its ends' entity ids (an undirected one in their order), so that the
    same tie has the same id and ends in every drawing, however the network was read."""
    rows = np.flatnonzero(inside[net.src] & inside[net.dst] & (net.src != net.dst))
    ids = net.node_ids
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for i in rows.tolist():
        a, b = ids[int(net.src[i])], ids[int(net.dst[i])]
        directed = bool(net.directed[i])
        pair = (a, b) if directed or a < b else (b, a)
        key = (*pair, net.kind[i])
        edge = merged.get(key)
        if edge is None:
            edge = merged[key] = {
                "source": pair[0],
                "target": pair[1],
                "kind": net.kind[i],
                "directed": directed,
                "count": 0,
                "weight": 0.0,
                "first": None,
                "last": None,
                "evidence": [],
            }
        edge["count"] += 1
        edge["weight"] = round(edge["weight"] + float(net.weight[i]), 6)
        when = net.date[i]
        if when is not None:
            edge["first"] = min(edge["first"] or when, when)
            edge["last"] = max(edge["last"] or when, when)
        if net.tie_ids[i] and len(edge["evidence"]) < 3:
            edge["evidence"].append(net.tie_ids[i])
    return [{"id": f"{s}|{t}|{k}", **edge} for (s, t, k), edge in sorted(merged.items())]
