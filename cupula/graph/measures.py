"""Position measures on a network, each ``f(network, *, options) -> array per node``.

The kernels are igraph's (C); betweenness on large graphs is estimated from sampled
sources with igraph's subset betweenness. Every function returns one value per node of
the network, in node order; nodes without ties get 0.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import igraph as ig
import numpy as np

from cupula.graph.network import CONTACT_KINDS, FloatArray, IntArray, Network

EXACT_BETWEENNESS_LIMIT = 20_000  # nodes; above this, sampled sources
# Sources sampled above the limit (Brandes & Pich 2007): each costs one breadth-first
# search. 256 take about 2.5 minutes on 1M nodes / 5M ties (bench/RESULTS.md). The bound
# below is Hoeffding's, per person: |estimate - exact| <= sqrt(ln(2/delta) / 2k).
BETWEENNESS_SOURCES = 256
BETWEENNESS_DELTA = 0.1


@dataclass(frozen=True)
class Betweenness:
    """Betweenness normalised to the share of pairs of others a node lies between.

    The others are the ``present`` nodes of the network measured (those with a tie in
    it), not every node the store holds: a phase is judged among the people in it.
    ``method`` says how it was computed; ``error`` is the additive error bound on each
    value (0 when exact), holding with probability ``1 - delta``.
    """

    values: FloatArray
    method: str
    error: float
    delta: float
    present: int = 0


def degree(net: Network) -> FloatArray:
    """Distinct counterparts, whatever the kind or direction of the tie."""
    return np.asarray(net.undirected.degree(), dtype=np.float64)


def contacts(net: Network) -> FloatArray:
    """Distinct counterparts by calls or meetings only (``network.CONTACT_KINDS``)."""
    return degree(net.of_kinds(CONTACT_KINDS))


def strength(net: Network) -> FloatArray:
    """Sum of tie weights (calls, meetings, payments counted as recorded)."""
    return np.asarray(net.undirected.strength(weights="weight"), dtype=np.float64)


def directed_strength(net: Network) -> tuple[FloatArray, FloatArray]:
    """(out, in) weight over the directed communications only (calls made, received)."""
    g = net.calls_graph
    out = np.asarray(g.strength(mode="out", weights="weight"), dtype=np.float64)
    inn = np.asarray(g.strength(mode="in", weights="weight"), dtype=np.float64)
    return out, inn


def betweenness(
    net: Network,
    *,
    exact_limit: int = EXACT_BETWEENNESS_LIMIT,
    sources: int = BETWEENNESS_SOURCES,
    delta: float = BETWEENNESS_DELTA,
    seed: int = 1,
) -> Betweenness:
    """Exact (Brandes, igraph) up to ``exact_limit`` nodes, else from sampled sources.

    The sample is seeded, so the same network gives the same values. networkit's
    KADABRA was measured too and dropped: its time was erratic (1.2 s at 100k nodes,
    250 s at 300k, over 3 minutes at 1M with epsilon 0.05).
    """
    g = net.undirected
    # Nodes without a tie in this network lie on no path and are no path's end: the
    # share is taken over the pairs of the others present, as networkx normalises.
    present = np.flatnonzero(np.asarray(g.degree()) > 0)
    n = len(present)
    pairs = max((n - 1) * (n - 2) / 2, 1.0)
    if n <= exact_limit or sources >= n:
        values = np.asarray(g.betweenness(directed=False), dtype=np.float64) / pairs
        return Betweenness(values, "exact (Brandes)", 0.0, 0.0, n)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(present, size=sources, replace=False)).tolist()
    partial = np.asarray(g.betweenness(directed=False, sources=sample), dtype=np.float64)
    values = partial * (n / sources) / pairs
    error = math.sqrt(math.log(2 / delta) / (2 * sources)) * n / (n - 1)
    method = f"sampled ({sources} sources, Brandes-Pich)"
    return Betweenness(values, method, error, delta, n)


def pagerank(net: Network, *, damping: float = 0.85) -> FloatArray:
    g = net.undirected
    return np.asarray(g.pagerank(weights="weight", damping=damping), dtype=np.float64)


def largest_component(membership: IntArray) -> IntArray:
    """The nodes (sorted) of the largest component; of equal ones, the one holding the
    lowest node. One pass over the nodes whatever the number of components (a scan of
    the nodes per component took 330 s on 165k nodes in 102k components)."""
    sizes = np.bincount(membership)
    # nodes are visited in order, so each component's first index is its lowest node
    _, lowest = np.unique(membership, return_index=True)
    best = int(np.lexsort((lowest, -sizes))[0])
    return np.flatnonzero(membership == best)


def eigenvector(net: Network) -> FloatArray:
    """Eigenvector centrality within the largest connected group (max 1); 0 elsewhere.

    On a disconnected graph the leading eigenvector is not unique and ARPACK returns a
    different one from run to run; within one connected group it is unique. Values are
    rounded to 6 decimals (ARPACK's tolerance) so equal positions compare equal.
    """
    g = net.undirected
    values = np.zeros(g.vcount())
    if g.ecount() == 0:
        return values
    members = largest_component(np.asarray(g.connected_components().membership))
    sub = g.induced_subgraph(members.tolist())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        values[members] = sub.eigenvector_centrality(scale=True, weights=None)
    return np.asarray(np.round(values, 6), dtype=np.float64)


def coreness(net: Network) -> FloatArray:
    """k-core number: the deepest core a node still belongs to."""
    return np.asarray(net.undirected.coreness(), dtype=np.float64)


def constraint(net: Network) -> FloatArray:
    """Burt's constraint (0 for nodes without ties). Low constraint = structural holes."""
    values = np.asarray(net.undirected.constraint(weights="weight"), dtype=np.float64)
    return np.nan_to_num(values, nan=0.0)


def initiative(net: Network) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(share of the directed calls a node initiated, initiated, received).

    Only communications count: a payment, an ownership or a power of attorney has a
    direction in the data but says nothing about who gives the orders. The share is 0.5
    for nodes without directed calls: no evidence either way.
    """
    out, inn = directed_strength(net)
    total = out + inn
    share = np.full(net.n, 0.5)
    np.divide(out, total, out=share, where=total > 0)
    return share, out, inn


def distances_to_events(net: Network) -> FloatArray:
    """Hops from each node to the nearest person involved in an event (inf if none).

    Involved nodes are at distance 0.
    """
    involved = sorted({i for event in net.events for i in event.involved})
    if not involved:
        return np.full(net.n, np.inf)
    g: ig.Graph = net.undirected
    dist = np.asarray(g.distances(source=involved, mode="all"), dtype=np.float64)
    return np.asarray(dist.min(axis=0), dtype=np.float64)
