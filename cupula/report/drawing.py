"""A network drawing as SVG shapes: positions from igraph's force-directed layout.

Large networks are cut to the people that matter for the picture: the leaders, the
key players and their direct contacts, up to ``max_nodes``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from cupula.graph.network import Network

SIZE = 900  # px, square canvas


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float
    name: str
    title: str
    rank: int | None
    key_player: bool
    seized: bool


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float


def _focus(net: Network, scores: dict[str, float], keep: set[str], max_nodes: int) -> list[int]:
    active = np.flatnonzero(net.active).tolist()
    if len(active) <= max_nodes:
        return [int(i) for i in active]
    g = net.undirected
    chosen = {net.index[e] for e in keep if e in net.index}
    for i in sorted(chosen, key=lambda i: -scores.get(net.node_ids[i], 0.0)):
        for j in g.neighbors(i):
            if len(chosen) >= max_nodes:
                break
            chosen.add(j)
    by_score = sorted(active, key=lambda i: -scores.get(net.node_ids[i], 0.0))
    for i in by_score:
        if len(chosen) >= max_nodes:
            break
        chosen.add(i)
    return sorted(chosen)


def draw(
    net: Network,
    *,
    scores: dict[str, float],
    ranks: dict[str, int],
    key_players: set[str],
    max_nodes: int = 400,
    seed: int = 1,
) -> tuple[list[Dot], list[Line], int]:
    """Dots and lines in canvas pixels, and how many people were left out."""
    nodes = _focus(net, scores, set(ranks) | key_players, max_nodes)
    sub = net.undirected.induced_subgraph(nodes)
    random.seed(seed)  # igraph's layouts draw their start from Python's random module
    coords = np.zeros((0, 2))
    if sub.vcount():
        coords = np.asarray(sub.layout_fruchterman_reingold(niter=500).coords, dtype=np.float64)
    if len(coords):
        lo, hi = coords.min(axis=0), coords.max(axis=0)
        span = np.where(hi - lo > 0, hi - lo, 1.0)
        coords = 30 + (coords - lo) / span * (SIZE - 60)
    seized = {i for e in net.events for i in e.involved}
    dots = []
    for local, node in enumerate(nodes):
        entity = net.node_ids[node]
        score = scores.get(entity, 0.0)
        rank = ranks.get(entity)
        dots.append(
            Dot(
                x=float(coords[local, 0]),
                y=float(coords[local, 1]),
                r=3 + 9 * score**2,
                name=net.names[node],
                title=f"{net.names[node]}: score {score:.2f}" + (f", rank {rank}" if rank else ""),
                rank=rank,
                key_player=entity in key_players,
                seized=node in seized,
            )
        )
    weights = np.asarray(sub.es["weight"], dtype=np.float64) if sub.ecount() else np.zeros(0)
    top = float(weights.max()) if len(weights) else 1.0
    lines = [
        Line(
            float(coords[a, 0]),
            float(coords[a, 1]),
            float(coords[b, 0]),
            float(coords[b, 1]),
            0.5 + 2.5 * float(w) / top,
        )
        for (a, b), w in zip(sub.get_edgelist(), weights, strict=True)
    ]
    left_out = int(np.count_nonzero(net.active)) - len(nodes)
    return dots, lines, left_out
