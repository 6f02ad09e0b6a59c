"""Search, entity pages and graph expansion read by index give, on the demo store and for
every partner's analyst, what the whole-view path gave (the name index over all records,
the projected network): the same hits, relationships, timeline, similar names, nodes and
ties. Scores and key players on the graph's nodes are left out: they now come from the
stored ranking and from what is drawn (issue 18), not from the whole network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from cupula.access.accounts import viewer_for
from cupula.entity_page import SIMILAR, SIMILAR_NAMES_ASKED, relationships, timeline
from cupula.graph.analysis import network_of
from cupula.graph.neighbourhood import NeighbourhoodOptions, neighbourhood
from cupula.graph.network import Network
from cupula.http import reads
from cupula.resolve.records import records_of
from cupula.resolve.search import NameIndex
from cupula.store import Store
from cupula.store.derived import Derived

QUERIES = ["Guzman", "El Chapo", "Restrepo", "Mejia", "Ahmed", "juan perez", "gold", "ochoa"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    from cupula.demo.run import run_demo

    db = str(tmp_path_factory.mktemp("demo") / "demo.db")
    run_demo(db, console=Console(quiet=True)).close()
    return Store.open(db)


def old_similar(index: NameIndex, entity_id: str, values: list[dict[str, Any]]) -> list[Any]:
    """The similar names as the whole-index path listed them (the oracle)."""
    names = [v["value"] for v in values if v["property"] in ("name", "alias")]
    best: dict[str, dict[str, Any]] = {}
    for name in names[:SIMILAR_NAMES_ASKED]:
        for hit in index.search(name, limit=10):
            if hit.entity_id == entity_id or hit.score < 0.7:
                continue
            if hit.entity_id not in best or hit.score > best[hit.entity_id]["score"]:
                best[hit.entity_id] = {"entity_id": hit.entity_id, "name": hit.name,
                                       "schema": hit.schema, "score": hit.score}  # fmt: skip
    return sorted(best.values(), key=lambda h: (-h["score"], h["entity_id"]))[:SIMILAR]


def busiest(net: Network, k: int) -> list[str]:
    degree: dict[str, int] = {}
    for s, d in zip(net.src.tolist(), net.dst.tolist(), strict=True):
        for n in (s, d):
            degree[net.node_ids[n]] = degree.get(net.node_ids[n], 0) + 1
    return sorted(degree, key=lambda n: (-degree[n], n))[:k]


def drawn(found: dict[str, Any]) -> dict[str, Any]:
    """What is drawn, apart from key players (chosen within the drawing, not the whole)
    and the fusion's additions (records apart here: no resolution in this store)."""
    nodes = [{k: v for k, v in n.items() if k not in ("key_player", "members", "partners")}
             for n in found["nodes"]]  # fmt: skip
    return {k: v for k, v in found.items() if k != "fusion"} | {"nodes": nodes}


@pytest.mark.parametrize("user", ["ana.dijin", "luis.sepblac", "mike.dea", "fatima.fiu"])
def test_reads_by_index_answer_as_the_whole_view_did(
    demo: Store, user: str, tmp_path: Path
) -> None:
    viewer = viewer_for(demo, user)

    def view():  # type: ignore[no-untyped-def]
        return demo.view(viewer, purpose="test")

    cache = Derived(demo.data_version)
    index = NameIndex(records_of(view()))
    for q in QUERIES:
        new = reads.search_names(view(), cache, q, 10)
        old = index.search(q, limit=10)
        assert [(h["entity_id"], h["name"], h["score"]) for h in new] == [
            (h.entity_id, h.name, h.score) for h in old
        ], q
        assert all(h["capped"] is False for h in new)
    net = network_of(view()).network
    seeds = busiest(net, 4)
    assert seeds
    for seed in seeds:
        page = reads.entity_page(view(), cache, seed)
        assert page["relationships"] == relationships(net, seed)
        assert page["timeline"] == timeline(net, seed, page["values"])
        assert page["similar"] == old_similar(index, seed, page["values"])
        for hops in (1, 2):
            new_graph = reads.graph(view(), cache, [seed], hops=hops, max_nodes=5000)
            scores = reads.scores_for(view(), cache)
            old_graph = neighbourhood(
                net, [seed], options=NeighbourhoodOptions(hops, 5000), scores=scores
            )
            assert drawn(new_graph) == drawn(old_graph), (seed, hops)


def test_the_drawing_takes_stored_scores_and_picks_key_players_among_what_is_drawn(
    demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = viewer_for(demo, "mike.dea")
    net = network_of(demo.view(viewer, purpose="test")).network
    seed = busiest(net, 1)[0]
    monkeypatch.setattr(reads, "scores_for", lambda view, cache, fused: {seed: 0.5})
    found = reads.graph(demo.view(viewer, purpose="test"), Derived(demo.data_version), [seed],
                        hops=2, max_nodes=20)  # fmt: skip
    drawn_ids = {n["id"] for n in found["nodes"]}
    assert len(drawn_ids) == 20 and found["truncated"] > 0
    assert {n["id"]: n["score"] for n in found["nodes"]}[seed] == 0.5
    players = {n["id"] for n in found["nodes"] if n["key_player"]}
    assert players and players <= drawn_ids
