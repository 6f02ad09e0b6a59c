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


def test_each_tie_keeps_whose_records_it_came_from_through_a_merge() -> None:
    import numpy as np

    # a-b from DIJIN's wiretaps, b-c and c-d from SEPBLAC's transfers; b and d are one man
    net = Network.from_edges(4, [0, 1, 2], [1, 2, 3], node_ids=["a", "b", "c", "d"])
    net = replace(
        net,
        tie_source=np.array([0, 1, 1]),
        sources=(("co-dijin-wiretaps",), ("es-sepblac-transfers",)),
        agencies={"co-dijin-wiretaps": "CO-DIJIN", "es-sepblac-transfers": "ES-SEPBLAC"},
    )
    merged = merge_nodes(net, [["b", "d"]])
    ties = {
        (merged.node_ids[a], merged.node_ids[b], merged.datasets_of(r))
        for r, (a, b) in enumerate(zip(merged.src.tolist(), merged.dst.tolist(), strict=True))
    }
    assert ties == {
        ("a", "b", ("co-dijin-wiretaps",)),
        ("b", "c", ("es-sepblac-transfers",)),
        ("c", "b", ("es-sepblac-transfers",)),
    }
    assert merged.source_datasets == ["co-dijin-wiretaps", "es-sepblac-transfers"]
    assert merge_nodes(net, [["a", "b"]]).datasets_of(0) == ("es-sepblac-transfers",)
