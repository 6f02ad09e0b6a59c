"""The fragmentation search without a graph copy per try picks the same people, with the
same values, as a copy per try; a time budget cuts it short and says so."""

from __future__ import annotations

import igraph as ig
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cupula.graph.keyplayers import active_graph, fragmentation, key_players
from cupula.graph.network import Network


def by_copies(net: Network, k: int) -> list[tuple[int, float]]:
    """The greedy search as it was: the graph copied for every try."""
    graph, _nodes = active_graph(net)
    chosen: list[int] = []
    out = []
    for _ in range(min(k, graph.vcount())):
        best, best_value = -1, -1.0
        for c in range(graph.vcount()):
            if c in chosen:
                continue
            rest = graph.copy()
            rest.delete_vertices([*chosen, c])
            value = fragmentation(rest)
            if value > best_value + 1e-12:
                best, best_value = c, value
        chosen.append(best)
        out.append((best, best_value))
    return out


@st.composite
def graphs(draw: st.DrawFn) -> Network:
    n = draw(st.integers(3, 40))
    m = draw(st.integers(2, 2 * n))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                          min_size=m, max_size=m))  # fmt: skip
    pairs = [(a, b) for a, b in pairs if a != b] or [(0, 1)]
    src, dst = zip(*pairs, strict=True)
    return Network.from_edges(n, np.array(src), np.array(dst))


@settings(max_examples=200, deadline=None)
@given(graphs(), st.integers(1, 4))
def test_the_same_people_as_a_copy_per_try(net: Network, k: int) -> None:
    _graph, nodes = active_graph(net)
    fast = key_players(net, k=k, criterion="fragmentation", pool=10_000)
    expected = by_copies(net, k)
    assert [p.entity_id for p in fast.players] == [net.node_ids[int(nodes[c])] for c, _ in expected]
    assert [p.value_after for p in fast.players] == pytest.approx([v for _, v in expected])


def test_a_time_budget_keeps_the_best_found_and_says_so() -> None:
    g = ig.Graph.Barabasi(3000, 2)
    edges = np.asarray(g.get_edgelist())
    net = Network.from_edges(3000, edges[:, 0], edges[:, 1])
    result = key_players(net, k=5, criterion="fragmentation", budget_s=0.0)
    assert result.cut_short and len(result.players) == 1
    assert result.as_dict()["cut_short"] is True
    assert not key_players(net, k=2, criterion="fragmentation").cut_short
