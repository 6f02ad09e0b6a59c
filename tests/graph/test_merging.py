from dataclasses import replace

from cupula.graph.merging import merge_nodes
from cupula.graph.network import Event, Network


def test_cluster_members_become_one_node() -> None:
    net = Network.from_edges(4, [0, 1, 2], [1, 2, 3], node_ids=["a", "b", "c", "d"])
    net = replace(net, events=(Event("s", "seizure", None, None, (1, 3)),))
    merged = merge_nodes(net, [["d", "b"], ["x", "y"]])
    assert merged.node_ids == ["a", "b", "c"]
    # a-b, b-c, c-b(was d): ties between members would vanish, none here
    assert sorted(zip(merged.src.tolist(), merged.dst.tolist(), strict=True)) == [
        (0, 1),
        (1, 2),
        (2, 1),
    ]
    assert merged.events[0].involved == (1,)
    assert merge_nodes(net, [["a", "b"]]).m == 2  # the a-b tie is a self-tie and goes


def test_the_merged_node_is_named_in_latin_script_where_a_member_is() -> None:
    net = Network.from_edges(3, [0, 1], [1, 2], node_ids=["a", "b", "c"])
    net = replace(net, names=["غوزمان", "Guzman", "x"])
    assert merge_nodes(net, [["a", "b"]]).names == ["Guzman", "x"]


def test_the_fused_node_takes_the_clusters_canonical_id_and_caption() -> None:
    # the smallest member id is the node's id even where that member has no tie here
    net = Network.from_edges(3, [0, 1], [1, 2], node_ids=["k", "m", "z"])
    merged = merge_nodes(net, [["z", "m", "a"]], captions={"a": "Jaramillo"})
    assert merged.node_ids == ["k", "a"]
    assert merged.names == ["k", "Jaramillo"]
    assert merged.history is None
