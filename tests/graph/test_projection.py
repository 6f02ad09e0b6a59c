from __future__ import annotations

from pathlib import Path

import numpy as np

from cupula.access.viewer import Role, Viewer
from cupula.graph import network as nw
from cupula.graph.analysis import network_of
from cupula.model.marking import Classification
from cupula.store import Store
from tests.graph.helpers import entity, load_entities, network


def test_ties_of_every_kind_become_typed_edges(store: Store, tmp_path: Path) -> None:
    """On every backend."""
    load_entities(
        store,
        tmp_path,
        [
            entity("a", "Person", name="Ana", nationality="co"),
            entity("b", "Person", name="Bea", country="es"),
            entity("c", "Company", name="Costa Azul S.L.", jurisdiction="es"),
            entity("v", "Vessel", name="MV Nordic"),
            entity("k1", "Communication", initiator="a", receiver="b", weight="7", phase="2"),
            entity("k2", "Contact", party="b", counterpart="a", date="2025-03-01"),
            entity("p1", "Payment", payer="a", beneficiary="c", amount="9000", date="2025-02"),
            entity("o1", "Ownership", owner="b", asset="c", percentage="60"),
            entity("o2", "Ownership", owner="c", asset="v"),
            entity("f1", "Family", person="a", relative="b", relationship="sister"),
            entity("ev", "Event", name="Meeting", involved=["a", "b", "c"], date="2025-01"),
            entity("s1", "Seizure", name="Buenaventura", involved=["b"], date="2025-03-14"),
        ],
    )
    net = network(store)
    assert set(net.node_ids) == {"a", "b", "c", "v"}
    assert net.names[net.index["c"]] == "Costa Azul S.L."
    assert net.countries[net.index["a"]] == ("co",)
    assert net.schemata[net.index["v"]] == "Vessel"
    kinds = sorted(zip(net.tie_ids, net.kind, strict=True))
    assert ("k1", nw.COMMUNICATION) in kinds and ("p1", nw.MONEY) in kinds
    assert ("o2", nw.OWNERSHIP) in kinds and ("f1", nw.FAMILY) in kinds
    assert [k for t, k in kinds if t == "ev"] == [nw.COPRESENCE] * 3  # a-b, a-c, b-c
    row = net.tie_ids.index("k1")
    assert (net.node_ids[net.src[row]], net.node_ids[net.dst[row]]) == ("a", "b")
    assert net.directed[row] and net.weight[row] == 7 and net.phase[row] == "2"
    assert not net.directed[net.tie_ids.index("k2")]
    assert net.date[net.tie_ids.index("p1")] == "2025-02"
    assert [(e.entity_id, [net.node_ids[i] for i in e.involved]) for e in net.events] == [
        ("s1", ["b"])
    ]
    # parallel ties collapse: a-b has a call (7), a contact (1), family (1), co-presence (1)
    g = net.undirected
    assert g.es[g.get_eid(net.index["a"], net.index["b"])]["weight"] == 10
    assert net.directed_graph.ecount() == 4  # call, payment, two ownerships
    only_calls = network_of(store.view(Viewer.local_admin()), kinds=["communication"])
    assert sorted(only_calls.network.tie_ids) == ["k1", "k2"]


def test_a_tie_the_viewer_may_not_see_is_not_in_its_network(
    sqlite_store: Store, tmp_path: Path
) -> None:
    load_entities(sqlite_store, tmp_path, [entity("a", "Person", name="Ana")])
    load_entities(
        sqlite_store,
        tmp_path,
        [
            entity("b", "Person", name="Secret Boss"),
            entity("k", "Communication", initiator="b", receiver="a"),
        ],
        marking="SECRET H2 A1",
    )
    load_entities(
        sqlite_store,
        tmp_path,
        [entity("k2", "Communication", initiator="a", receiver="z")],
        dataset="other",
        marking="UNCLASSIFIED REL TO ESP H0",
    )
    spain = Viewer(
        "luis", "ES-SEPBLAC", "ESP", Classification.CONFIDENTIAL, frozenset({Role.ANALYST})
    )
    net = network(sqlite_store, spain)
    assert "b" not in net.node_ids and "Secret Boss" not in net.names
    # z is known to Spain only as the end of a tie it may see: id, no name
    assert net.names[net.index["z"]] == "z"
    assert net.tie_ids == ["k2"]
    admin = network(sqlite_store)
    assert sorted(admin.tie_ids) == ["k", "k2"]


def test_an_empty_view_gives_an_empty_network(sqlite_store: Store) -> None:
    net = network(sqlite_store)
    assert net.n == 0 and net.m == 0
    assert net.undirected.vcount() == 0
    assert np.count_nonzero(net.active) == 0
