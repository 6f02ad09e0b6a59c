"""The measures against networkx (the reference implementation) on a real network."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from cupula.graph import measures
from cupula.graph.network import Network
from cupula.graph.temporal import Window, restrict
from tests.graph.test_temporal import montagna_meetings


@pytest.fixture(scope="module")
def pair() -> tuple[Network, nx.Graph]:
    net = montagna_meetings()
    g = nx.Graph()
    g.add_nodes_from(range(net.n))
    for a, b, w in zip(net.src.tolist(), net.dst.tolist(), net.weight.tolist(), strict=True):
        if a != b:
            prev = g.get_edge_data(a, b, {"weight": 0.0})["weight"]
            g.add_edge(a, b, weight=prev + w)
    return net, g


def _array(values: dict[int, float], n: int) -> np.ndarray:
    return np.array([values[i] for i in range(n)])


def test_degree_strength_and_coreness_agree_with_networkx(pair: tuple[Network, nx.Graph]) -> None:
    net, g = pair
    assert measures.degree(net).tolist() == [d for _, d in sorted(g.degree())]
    assert measures.strength(net).tolist() == [d for _, d in sorted(g.degree(weight="weight"))]
    assert measures.coreness(net).tolist() == [nx.core_number(g)[i] for i in range(net.n)]


def test_betweenness_exact_agrees_with_networkx(pair: tuple[Network, nx.Graph]) -> None:
    net, g = pair
    ours = measures.betweenness(net)
    assert ours.error == 0
    ref = _array(nx.betweenness_centrality(g, normalized=True), net.n)
    assert np.allclose(ours.values, ref, atol=1e-9)


def test_sampled_betweenness_stays_within_its_error_bound(pair: tuple[Network, nx.Graph]) -> None:
    net, g = pair
    approx = measures.betweenness(net, exact_limit=0, sources=40, delta=0.1)
    assert "40 sources" in approx.method
    assert approx.error == pytest.approx((np.log(20) / 80) ** 0.5 * 101 / 100)
    ref = _array(nx.betweenness_centrality(g, normalized=True), net.n)
    assert np.max(np.abs(approx.values - ref)) <= approx.error
    again = measures.betweenness(net, exact_limit=0, sources=40)
    assert np.array_equal(approx.values, again.values)  # seeded: same network, same values
    everyone = measures.betweenness(net, exact_limit=0, sources=net.n)
    assert np.allclose(everyone.values, ref) and everyone.error == 0


def test_pagerank_constraint_and_eigenvector_agree_with_networkx(
    pair: tuple[Network, nx.Graph],
) -> None:
    net, g = pair
    ref_pr = _array(nx.pagerank(g, weight="weight", tol=1e-12), net.n)
    assert np.allclose(measures.pagerank(net), ref_pr, atol=1e-6)
    ref = nx.constraint(g, weight="weight")
    ours = measures.constraint(net)
    for i in range(net.n):
        expected = 0.0 if np.isnan(ref[i]) else ref[i]
        assert ours[i] == pytest.approx(expected, abs=1e-9)
    largest = max(nx.connected_components(g), key=len)
    ev = nx.eigenvector_centrality_numpy(g.subgraph(largest))
    top = max(ev.values())
    eig = measures.eigenvector(net)
    for i in range(net.n):
        assert eig[i] == pytest.approx(ev[i] / top if i in largest else 0.0, abs=1e-5)


def test_initiative_counts_who_made_the_directed_contacts() -> None:
    net = Network.from_edges(3, [0, 0, 1], [1, 2, 0], weight=[3, 1, 1], directed=True)
    share, made, received = measures.initiative(net)
    assert made.tolist() == [4, 1, 0] and received.tolist() == [1, 3, 1]
    assert share.tolist() == [0.8, 0.25, 0.0]
    undirected = Network.from_edges(2, [0], [1])
    assert measures.initiative(undirected)[0].tolist() == [0.5, 0.5]  # no evidence


def test_a_window_without_ties_is_refused() -> None:
    net = Network.from_edges(2, [0], [1])
    with pytest.raises(ValueError, match="no ties in phase"):
        restrict(net, Window(phase="3"))
