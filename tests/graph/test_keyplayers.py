from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import igraph as ig
import pytest

from cupula.graph.disruption import recovery, simulate_removal, timeline
from cupula.graph.keyplayers import (
    distance_fragmentation,
    fragmentation,
    key_players,
)
from cupula.graph.leaders import rank_leaders
from cupula.graph.network import Event, Network


def two_stars() -> Network:
    """Hubs 0 and 6 with five leaves each, joined through broker 12."""
    src = [0] * 5 + [6] * 5 + [0, 12]
    dst = [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 6]
    return Network.from_edges(13, src, dst)


def test_fragmentation_follows_its_definition() -> None:
    assert fragmentation(ig.Graph.Full(5)) == 0.0
    assert fragmentation(ig.Graph(n=4)) == 1.0
    g = ig.Graph(n=4, edges=[(0, 1), (2, 3)])  # 2 of 6 pairs connected
    assert fragmentation(g) == pytest.approx(1 - 4 / 12)
    path = ig.Graph(n=3, edges=[(0, 1), (1, 2)])  # distances 1, 1, 2
    assert distance_fragmentation(path) == pytest.approx(1 - (1 + 1 + 0.5) * 2 / 6)


@pytest.mark.parametrize("criterion", ["fragmentation", "distance"])
def test_the_greedy_first_pick_is_the_best_single_removal(criterion: str) -> None:
    net = two_stars()
    result = key_players(net, k=1, criterion=criterion)
    measure = fragmentation if criterion == "fragmentation" else distance_fragmentation
    best = max(
        range(13),
        key=lambda v: measure(net.undirected.induced_subgraph([u for u in range(13) if u != v])),
    )
    first = result.players[0]
    g = net.undirected.copy()
    g.delete_vertices([int(first.entity_id)])
    assert measure(g) == pytest.approx(first.value_after)
    g_best = net.undirected.copy()
    g_best.delete_vertices([best])
    assert first.value_after == pytest.approx(measure(g_best))


def test_two_key_players_cut_both_stars() -> None:
    result = key_players(two_stars(), k=2, criterion="fragmentation")
    assert {p.entity_id for p in result.players} == {"0", "6"}
    assert result.players[1].value_after > result.players[0].value_after > result.before
    # greedy is optimal here: no other pair fragments more
    net = two_stars()
    best = max(
        fragmentation(net.undirected.induced_subgraph([u for u in range(13) if u not in pair]))
        for pair in combinations(range(13), 2)
    )
    assert result.players[1].value_after == pytest.approx(best)


def test_large_networks_search_a_pool() -> None:
    net = Network.from_edges(400, list(range(399)), list(range(1, 400)))
    result = key_players(net, k=1, pool=10, criterion="fragmentation")
    assert result.pool is not None and result.pool <= 20
    assert result.players[0].entity_id in {str(i) for i in range(190, 210)}  # near the middle
    given = key_players(
        net,
        k=1,
        pool=10,
        criterion="fragmentation",
        betweenness_values=rank_leaders(net).values["betweenness"],
    )
    assert given == result  # the ranking's betweenness serves the pool search


def test_removing_a_ranking_reports_what_is_left() -> None:
    net = two_stars()
    outcomes = simulate_removal(
        net, {"hubs": ["0", "6"], "leaves": ["1", "2"]}, k=2, leaders=["0", "6", "12", "1"]
    )
    hubs, leaves = outcomes
    assert hubs.removed == ["0", "6"] and leaves.removed == ["1", "2"]
    assert hubs.largest_share == pytest.approx(1 / 13)  # only singletons and broker
    assert leaves.largest_share == pytest.approx(11 / 13)
    assert hubs.fragmentation > leaves.fragmentation
    assert hubs.leader_reach < leaves.leader_reach


def test_timeline_and_recovery_after_a_seizure() -> None:
    net = Network.from_edges(6, [0, 0, 1, 3, 3, 3], [1, 2, 2, 4, 5, 1])
    net = replace(
        net,
        phase=["1", "1", "1", "2", "2", "2"],
        events=(Event("s", "300 kg", None, "1", ()),),
    )
    states = timeline(net)
    assert [s.phase for s in states] == ["1", "2"]
    assert states[0].people == 3 and states[1].people == 4
    assert states[0].most_connected[0] == "0" and states[1].most_connected[0] == "3"
    assert states[0].seizures == ["300 kg"]
    (line,) = recovery(states)
    assert "after 1 seizure(s) in phase 1" in line and "(+1)" in line and "0 -> 3" in line
