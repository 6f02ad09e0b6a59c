"""The largest component is picked in one pass, with the same result as the old rule
(the largest; of equal ones, the one holding the lowest node), on graphs of many
components."""

from __future__ import annotations

import warnings
from itertools import pairwise

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cupula.graph import measures
from cupula.graph.network import Network


def old_eigenvector(net: Network) -> np.ndarray:
    """The rule as it was (one scan of the nodes per component), kept as the reference."""
    g = net.undirected
    values = np.zeros(g.vcount())
    if g.ecount() == 0:
        return values
    groups = g.connected_components()
    sizes = groups.sizes()
    best = max(range(len(sizes)), key=lambda c: (sizes[c], -min(groups[c])))
    members = sorted(groups[best])
    sub = g.induced_subgraph(members)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        values[members] = sub.eigenvector_centrality(scale=True, weights=None)
    return np.round(values, 6)


@st.composite
def scattered(draw: st.DrawFn) -> Network:
    """Many small components (pairs, paths, stars, equal sizes) with shuffled node ids."""
    n = draw(st.integers(2, 60))
    order = draw(st.permutations(range(n)))
    edges: list[tuple[int, int]] = []
    i = 0
    while i < n - 1:
        size = draw(st.integers(1, 5))
        part = order[i : i + size + 1]
        edges += [(part[0], b) if draw(st.booleans()) else (a, b)
                  for a, b in pairwise(part)]  # fmt: skip
        i += size + 1 + draw(st.integers(0, 2))  # some nodes stay alone
    if not edges:
        edges = [(order[0], order[1])]
    src, dst = zip(*edges, strict=True)
    return Network.from_edges(n, np.array(src), np.array(dst))


@settings(max_examples=150, deadline=None)
@given(scattered())
def test_eigenvector_equals_the_old_rule_on_many_components(net: Network) -> None:
    assert measures.eigenvector(net).tolist() == old_eigenvector(net).tolist()


def test_equal_components_the_one_with_the_lowest_node_wins() -> None:
    membership = np.array([2, 1, 0, 0, 1, 2, 3])  # three components of two nodes
    assert measures.largest_component(membership).tolist() == [0, 5]


def test_one_pass_on_a_hundred_thousand_components() -> None:
    """Linear: 100k two-node components beside one triangle (the old rule: minutes)."""
    pairs = np.arange(200_000).reshape(-1, 2)
    edges = np.vstack([pairs, [[200_000, 200_001], [200_001, 200_002], [200_000, 200_002]]])
    net = Network.from_edges(200_003, edges[:, 0], edges[:, 1])
    values = measures.eigenvector(net)
    assert np.flatnonzero(values).tolist() == [200_000, 200_001, 200_002]
