"""The explorer's neighbourhood: hops, collapsed ties, limits, scores and key players."""

from __future__ import annotations

import numpy as np
import pytest

from cupula.graph.neighbourhood import NeighbourhoodOptions, neighbourhood
from cupula.graph.network import Network

# a - b - c - d - e, plus a second a-b call and a b-f payment; g alone
IDS = ["a", "b", "c", "d", "e", "f", "g"]


def chain() -> Network:
    base = Network.from_edges(7, [0, 0, 1, 2, 3, 1], [1, 1, 2, 3, 4, 5], node_ids=IDS)
    return Network(
        **{**base.__dict__, "directed": np.array([True, True, False, False, False, True]),
           "kind": ["communication"] * 5 + ["money"],
           "date": ["2025-01-02", "2025-01-01", None, None, None, "2025-03-01"],
           "tie_ids": ["call1", "call2", "t3", "t4", "t5", "pay1"]}
    )  # fmt: skip


def ids(result: dict[str, object]) -> set[str]:
    return {n["id"] for n in result["nodes"]}  # type: ignore[attr-defined, index]


def test_hops_reach_out_in_either_direction() -> None:
    net = chain()
    assert ids(neighbourhood(net, ["c"], options=NeighbourhoodOptions(hops=0))) == {"c"}
    assert ids(neighbourhood(net, ["c"])) == {"b", "c", "d"}
    assert ids(neighbourhood(net, ["c"], options=NeighbourhoodOptions(hops=2))) == {
        "a", "b", "c", "d", "e", "f"}  # fmt: skip
    assert ids(neighbourhood(net, ["g"])) == {"g"}
    assert neighbourhood(net, ["nobody"])["nodes"] == []
    with pytest.raises(ValueError):
        neighbourhood(net, ["c"], options=NeighbourhoodOptions(hops=-1))


def test_parallel_ties_are_one_edge_with_count_weight_and_dates() -> None:
    result = neighbourhood(chain(), ["a"])
    (edge,) = result["edges"]
    assert (edge["source"], edge["target"], edge["kind"]) == ("a", "b", "communication")
    assert edge["count"] == 2 and edge["weight"] == 2.0 and edge["directed"]
    assert (edge["first"], edge["last"]) == ("2025-01-01", "2025-01-02")
    assert sorted(edge["evidence"]) == ["call1", "call2"]
    kinds = {e["kind"] for e in neighbourhood(chain(), ["b"])["edges"]}
    assert kinds == {"communication", "money"}


def test_the_closest_then_the_highest_scored_are_kept() -> None:
    scores = {"a": 0.9, "d": 0.1, "f": 0.5}
    result = neighbourhood(chain(), ["c"], options=NeighbourhoodOptions(hops=2, max_nodes=4),
                           scores=scores, key_players=["d"])  # fmt: skip
    assert ids(result) == {"c", "b", "d", "a"}  # distance 1 first, then a (0.9) over f, e
    assert result["truncated"] == 2
    nodes = {n["id"]: n for n in result["nodes"]}
    assert nodes["d"]["key_player"] and not nodes["b"]["key_player"]
    assert nodes["a"]["score"] == 0.9 and nodes["b"]["score"] is None
    assert all(e["source"] in nodes and e["target"] in nodes for e in result["edges"])
