"""Key players: the set of people whose removal fragments the network most.

Borgatti's key-player problem (KPP-Neg, 2006), solved greedily: add, one at a time,
the person whose removal (with those already chosen) most increases fragmentation.

- ``fragmentation``: share of pairs of remaining people who can no longer reach each
  other at all: 1 - sum over components of s(s-1) / (n(n-1)).
- ``distance``: distance-weighted fragmentation, 1 - mean over pairs of 1/distance; it
  also counts a network that stays connected but gets longer paths (slower flow). It is
  O(n·m) per try, so it is used up to ``DISTANCE_LIMIT`` nodes.

On large networks the greedy search tries only a pool of the highest-degree and
highest-betweenness candidates at each step (``pool``), and says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from typing import Any

import igraph as ig
import numpy as np

from cupula.errors import InvalidInput
from cupula.graph.measures import betweenness
from cupula.graph.network import FloatArray, IntArray, Network

DISTANCE_LIMIT = 2_000


def fragmentation(graph: ig.Graph) -> float:
    n = graph.vcount()
    if n < 2:
        return 1.0
    sizes = np.asarray(graph.connected_components().sizes(), dtype=np.float64)
    return float(1.0 - (sizes * (sizes - 1)).sum() / (n * (n - 1)))


def distance_fragmentation(graph: ig.Graph) -> float:
    n = graph.vcount()
    if n < 2:
        return 1.0
    dist = np.asarray(graph.distances(), dtype=np.float64)
    np.fill_diagonal(dist, np.inf)
    return float(1.0 - (1.0 / dist).sum() / (n * (n - 1)))


CRITERIA = {"fragmentation": fragmentation, "distance": distance_fragmentation}


@dataclass(frozen=True)
class KeyPlayer:
    entity_id: str
    name: str
    step: int
    value_after: float  # the criterion once this person and those before are removed
    gain: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "step": self.step,
            "fragmentation_after": round(self.value_after, 4),
            "gain": round(self.gain, 4),
        }


@dataclass(frozen=True)
class KeyPlayerSet:
    players: list[KeyPlayer]
    criterion: str
    before: float
    pool: int | None  # candidates tried per step; None = all
    cut_short: bool = False  # the time budget ran out: the best found until then

    def as_dict(self) -> dict[str, Any]:
        out = {
            "criterion": self.criterion,
            "before": round(self.before, 4),
            "pool": self.pool,
            "players": [p.as_dict() for p in self.players],
        }
        if self.cut_short:
            out["cut_short"] = True
        return out


def active_graph(net: Network) -> tuple[ig.Graph, IntArray]:
    """The undirected graph of the nodes with ties; ``nodes[i]`` is its node i's index."""
    nodes = np.flatnonzero(net.active)
    return net.undirected.induced_subgraph(nodes.tolist()), nodes


def _tries(graph: ig.Graph, chosen: list[int]) -> Callable[[int], float]:
    """``fragmentation`` of ``graph`` without ``chosen`` and one more node, for any node,
    from one pass over the rest (no graph copied per try). A node that is no
    articulation point leaves its component whole, one smaller. Removing an articulation
    point splits its component into the pieces hanging from it in the block-cut tree
    (biconnected blocks and the cut nodes between them): with the tree rooted, a piece
    is the weight below one of its child blocks, or the rest of the component above."""
    keep = np.ones(graph.vcount(), dtype=bool)
    keep[chosen] = False
    position = np.cumsum(keep) - 1  # node of ``graph`` -> node of ``rest``
    rest = graph.induced_subgraph(np.flatnonzero(keep).tolist())
    membership = np.asarray(rest.connected_components().membership)
    sizes = np.bincount(membership).astype(np.float64)
    pairs = float((sizes * (sizes - 1)).sum())
    below, parent, cut_index, blocks = _block_cut_tree(rest)
    n = rest.vcount() - 1  # nodes once the tried one is removed too

    def value(c: int) -> float:
        if n < 2:
            return 1.0
        r = int(position[c])
        size = sizes[membership[r]]
        t = cut_index.get(r)
        if t is None:
            after = pairs - size * (size - 1) + (size - 1) * (size - 2)
        else:
            node = blocks + t
            children = [u for u in below.neighbors(node) if u != parent[node]]
            pieces = np.append(weights_of(children), size - weights_of([node])[0])
            after = pairs - size * (size - 1) + float((pieces * (pieces - 1)).sum())
        return float(1.0 - after / (n * (n - 1)))

    subtree = below.vs["subtree"] if below.vcount() else []

    def weights_of(nodes: list[int]) -> FloatArray:
        return np.asarray([subtree[u] for u in nodes], dtype=np.float64)

    return value


def _block_cut_tree(graph: ig.Graph) -> tuple[ig.Graph, list[int], dict[int, int], int]:
    """The block-cut forest of ``graph``: nodes 0..B-1 its biconnected blocks, B+i its
    i-th cut node; each tree rooted (``parent``), each node carrying ``subtree``: the
    nodes of ``graph`` below it (a block counts its members that are no cut node).
    Array work throughout: a million-node graph has about as many blocks."""
    # igraph's own call returns each block as the edge ids of a spanning tree of it; its
    # Python wrapper turns them into vertex sets one edge at a time (most of the time)
    spanning, cuts = ig.GraphBase.biconnected_components(graph, True)
    b, c, nv = len(spanning), len(cuts), graph.vcount()
    cut_at = np.full(nv, -1, dtype=np.int64)
    cut_at[np.asarray(cuts, dtype=np.int64)] = np.arange(c)
    lengths = np.fromiter((len(t) for t in spanning), dtype=np.int64, count=b)
    edge_ids = np.fromiter(chain.from_iterable(spanning), dtype=np.int64, count=int(lengths.sum()))
    flat = chain.from_iterable(graph.get_edgelist())
    ends = np.fromiter(flat, dtype=np.int64, count=2 * graph.ecount()).reshape(-1, 2)[edge_ids]
    pairs = np.unique(np.repeat(np.arange(b, dtype=np.int64), 2 * lengths) * nv + ends.ravel())
    block_of, members = pairs // nv, pairs % nv  # each (block, member) once
    is_cut = cut_at[members] >= 0
    root = b + c  # one root above every tree, so that one search orders all
    weight = np.zeros(root + 1)
    weight[:b] = np.bincount(block_of[~is_cut], minlength=b)
    weight[b:root] = 1.0
    edges = np.column_stack([block_of[is_cut], b + cut_at[members[is_cut]]])
    tree = ig.Graph(n=root + 1, edges=edges.tolist())
    trees = np.asarray(tree.connected_components().membership[:b])
    _, first_blocks = np.unique(trees, return_index=True)
    tree.add_edges([(root, int(v)) for v in first_blocks])
    order, layers, parent = tree.bfs(root)
    order_arr, parent_arr = np.asarray(order), np.asarray(parent)
    subtree = weight.copy()
    for i in range(len(layers) - 2, 0, -1):  # deepest layer first, the root's last
        layer = order_arr[layers[i] : layers[i + 1]]
        np.add.at(subtree, parent_arr[layer], subtree[layer])
    tree.vs["subtree"] = subtree.tolist()
    return tree, parent, {int(v): i for i, v in enumerate(cuts)}, b


def key_players(
    net: Network,
    *,
    k: int = 5,
    criterion: str | None = None,
    pool: int = 200,
    betweenness_values: FloatArray | None = None,
    budget_s: float | None = None,
) -> KeyPlayerSet:
    """``betweenness_values`` (per node of ``net``), when already computed, spare the
    pool search on large networks from computing it again. ``budget_s``: once that many
    seconds have passed, the search keeps the best person of the step it is in and
    stops (``cut_short``)."""
    graph, nodes = active_graph(net)
    n = graph.vcount()
    if criterion is None:
        criterion = "distance" if n <= DISTANCE_LIMIT else "fragmentation"
    if criterion not in CRITERIA:
        raise InvalidInput(f"unknown criterion {criterion!r}; use {' or '.join(CRITERIA)}")
    measure = CRITERIA[criterion]
    candidates = list(range(n))
    pool_used: int | None = None
    if n > pool:
        deg = np.asarray(graph.degree())
        btw = (betweenness(net).values if betweenness_values is None else betweenness_values)[nodes]
        top = set(np.argsort(-deg)[:pool].tolist()) | set(np.argsort(-btw)[:pool].tolist())
        candidates = sorted(top)
        pool_used = len(candidates)
    before = measure(graph)
    chosen: list[int] = []
    players: list[KeyPlayer] = []
    current = before
    started = time.monotonic()
    cut_short = False
    for step in range(1, min(k, n) + 1):
        tries = _tries(graph, chosen) if criterion == "fragmentation" else None
        best, best_value = -1, -1.0
        for c in candidates:
            if c in chosen:
                continue
            if budget_s is not None and best >= 0 and time.monotonic() - started > budget_s:
                cut_short = True  # keep the best found so far; say so
                break
            if tries is not None:
                value = tries(c)
            else:
                rest = graph.copy()
                rest.delete_vertices([*chosen, c])
                value = measure(rest)
            if value > best_value + 1e-12:
                best, best_value = c, value
        if best < 0:
            break
        chosen.append(best)
        node = int(nodes[best])
        players.append(
            KeyPlayer(net.node_ids[node], net.names[node], step, best_value, best_value - current)
        )
        current = best_value
        if cut_short:
            break
    return KeyPlayerSet(players, criterion, before, pool_used, cut_short)
