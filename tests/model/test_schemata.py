from __future__ import annotations

from followthemoney.graph import Graph

from cupula.model import get_model


def test_cupula_schemata_live_in_followthemoneys_model() -> None:
    model = get_model()
    for name in ("Seizure", "Extradition", "InformationRequest", "Communication", "Contact"):
        assert model.get(name) is not None, name
    seizure = model["Seizure"]
    for prop in (
        "date",
        "place",
        "country",
        "drug",
        "quantityKg",
        "estimatedValue",
        "seizingAgency",
        "involved",
    ):
        assert seizure.get(prop) is not None, prop
    # the reverse property is visible from a Vessel, so FtM's graph can walk it
    assert model["Vessel"].get("seizuresInvolved") is not None


def test_communication_is_a_directed_edge_in_ftm_graph() -> None:
    model = get_model()
    call = model.make_entity("Communication")
    call.id = "c1"
    call.add("initiator", "a")
    call.add("receiver", "b")
    call.add("weight", "4")
    graph = Graph()
    graph.add(call)
    edges = list(graph.iteredges())
    assert [(e.source_id, e.target_id) for e in edges] == [("entity:a", "entity:b")]
    assert model["Communication"].edge_directed is True
    assert model["Contact"].edge_directed is False


def test_seizure_caption_uses_its_name() -> None:
    seizure = get_model().make_entity("Seizure")
    seizure.add("name", "Rotterdam seizure")
    seizure.add("drug", "cocaine")
    assert seizure.caption == "Rotterdam seizure"
