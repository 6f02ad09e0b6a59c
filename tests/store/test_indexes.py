"""The read indexes (``edge``, ``name_key``) follow the statements, and a viewer reads them
through the same filter as statements: never a tie or a search hit from a statement it
may not see, and the same ties and hits as the whole-view path (projection, NameIndex)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from cupula.access.policy import decide
from cupula.access.viewer import Role, Viewer
from cupula.graph.local import edges_of, local_network
from cupula.graph.projection import project
from cupula.ingest import ingest
from cupula.ingest.errors import IngestError
from cupula.model.marking import Classification, Marking
from cupula.model.statement import BASE, Statement, make_statement
from cupula.resolve.records import records_of
from cupula.resolve.search import NameIndex
from cupula.store import Store, name_search
from cupula.store.indexes import reindex
from cupula.store.tables import edge_table, name_key_table
from tests.access.test_invariant import AGENCIES, Stores, markings, viewers
from tests.access.test_invariant import stores as stores  # the fixture
from tests.conftest import ADMIN, PURPOSE

SEEN = "2026-01-01T00:00:00Z"


def entity(id_: str, schema: str, **props: str | list[str]) -> dict[str, Any]:
    properties = {k: v if isinstance(v, list) else [v] for k, v in props.items()}
    return {"id": id_, "schema": schema, "properties": properties}


FACTS = [
    entity("p1", "Person", name="Jhon Jairo Restrepo Vargas"),
    entity("p2", "Person", name="Dairo Antonio Usuga"),
    entity("c1", "Company", name="Inversiones Costa Azul S.L."),
    entity("t1", "Communication", initiator="p1", receiver="p2", date="2025-01-05"),
    entity("m1", "Payment", payer="p1", beneficiary="c1", amount="10", date="2025-03-01"),
    entity("e1", "Event", name="Summit", involved=["p1", "p2", "c1"]),
]


def count(store: Store, table: Any) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def ties(rows: Any) -> set[tuple[str, str, str, str]]:
    return {(r.source, r.target, r.kind, r.tie_id) for r in rows}


def net_ties(store: Store, viewer: Viewer) -> set[tuple[str, str, str, str]]:
    """The ties of the whole network the viewer may see (the projection)."""
    net = project(store.view(viewer, purpose=PURPOSE))
    return {
        (net.node_ids[s], net.node_ids[d], k, t)
        for s, d, k, t in zip(net.src.tolist(), net.dst.tolist(), net.kind, net.tie_ids,
                              strict=True)
    }  # fmt: skip


def test_a_load_writes_its_ties_and_name_keys(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "facts.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in FACTS), "utf-8")
    assert count(store, edge_table) == 0
    ingest(store, path, by=ADMIN, dataset="co", agency="CO-DIJIN",
           marking="RESTRICTED REL TO ESP")  # fmt: skip
    view = store.view(ADMIN, purpose=PURPOSE)
    # a call, a payment and the three pairs of the summit: what the projection makes
    assert ties(edges_of(view, ["p1", "p2", "c1"])) == net_ties(store, ADMIN)
    assert len(net_ties(store, ADMIN)) == 5
    hits = name_search.search(view, "restrepo vargas").hits
    assert [h.entity_id for h in hits] == ["p1"]
    # more candidates than may be scored: the answer says so, the fullest match is kept
    both = name_search.search(view, "Jhon Restrepo Dairo")
    assert both.capped is False and {h.entity_id for h in both.hits} == {"p1", "p2"}
    capped = name_search.search(view, "Jhon Restrepo Dairo", cap=1)
    assert capped.capped is True and [h.entity_id for h in capped.hits] == ["p1"]
    # the same again: nothing doubled; reindex gives the same rows
    before = (count(store, edge_table), count(store, name_key_table))
    names = name_search.name_total(view)
    assert names == 3  # the names of the three parties (an event is not searched)
    ingest(store, path, by=ADMIN, dataset="co", agency="CO-DIJIN",
           marking="RESTRICTED REL TO ESP", force=True)  # fmt: skip
    assert (count(store, edge_table), count(store, name_key_table)) == before
    assert name_search.name_total(store.view(ADMIN, purpose=PURPOSE)) == names
    assert reindex(store.engine) == before


def test_a_failed_load_leaves_no_index_rows(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(FACTS[3]) + "\n{not json\n", "utf-8")
    with pytest.raises(IngestError):
        ingest(store, path, by=ADMIN, dataset="co", agency="CO-DIJIN",
               marking="RESTRICTED")  # fmt: skip
    assert count(store, edge_table) == count(store, name_key_table) == 0


def _whole_entities(draw: st.DrawFn) -> list[tuple[Statement, Marking]]:
    """People, ties and a meeting; each entity under one marking (as one load writes it)."""
    pool = draw(st.lists(markings, min_size=1, max_size=4, unique_by=str))
    people = [f"p{i}" for i in range(5)]
    out: list[tuple[Statement, Marking]] = []

    def put(entity_id: str, schema: str, props: dict[str, list[str]]) -> None:
        marking = draw(st.sampled_from(pool))
        dataset = draw(st.sampled_from(["d1", "d2"]))
        for prop, values in {BASE: [entity_id], **props}.items():
            for value in values:
                out.append((make_statement(entity_id, schema, prop, value, dataset, marking.id,
                                           seen=SEEN), marking))  # fmt: skip

    for person in people:
        # sometimes a second partner's record: with a name of its own (the rarity of a
        # name written by two cells counts it twice: key_count sums cells)
        names = ["Ana Gomez", "ANA GÓMEZ", "Bo Ríos", person]
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True)):
            put(person, "Person", {"name": [name]})
    for n in range(draw(st.integers(0, 8))):
        a, b = draw(st.lists(st.sampled_from(people), min_size=2, max_size=2, unique=True))
        put(f"t{n}", "Communication", {"initiator": [a], "receiver": [b], "date": ["2025-01-01"]})
    if draw(st.booleans()):
        who = draw(st.lists(st.sampled_from(people), min_size=2, max_size=3, unique=True))
        put("m0", "Event", {"involved": who})
    return out


whole_entities = st.composite(_whole_entities)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(items=whole_entities(), viewer=viewers)
def test_a_viewer_reads_from_the_indexes_only_what_it_may_see(
    stores: Stores, items: list[tuple[Statement, Marking]], viewer: Viewer
) -> None:
    stores.fill(stores.full, items)
    view = stores.full.view(viewer, purpose=PURPOSE)
    people = [f"p{i}" for i in range(5)]
    visible = {s.id for s, m in items if decide(viewer, m)}
    with stores.full.engine.connect() as conn:
        rows = conn.execute(view.scoped(select(edge_table), edge_table)).all()
        keys = conn.execute(view.scoped(select(name_key_table), name_key_table)).all()
    assert {r.statement_id for r in rows} <= visible
    assert {k.statement_id for k in keys} <= visible
    # the SQL-filtered ties are the ties of the network the view gives
    assert ties(edges_of(stores.full.view(viewer, purpose=PURPOSE), people)) == net_ties(
        stores.full, viewer
    )
    # search by the key table finds what NameIndex over the whole view finds
    index = NameIndex(records_of(stores.full.view(viewer, purpose=PURPOSE)))
    for q in ("Ana Gomez", "bo", "p3"):
        found = name_search.search(stores.full.view(viewer, purpose=PURPOSE), q).hits
        assert found == index.search(q)
    # a neighbourhood holds only nodes the viewer may know of
    local = local_network(stores.full.view(viewer, purpose=PURPOSE), ["p0"], hops=2,
                          max_nodes=50)  # fmt: skip
    known = {n for t in net_ties(stores.full, viewer) for n in t[:2]}
    assert set(local.network.node_ids) <= known | {"p0"}


def test_an_agency_that_may_see_nothing_gets_no_tie_and_no_hit(stores: Stores) -> None:
    secret = Marking(classification=Classification.SECRET, originator="CO-DIJIN")
    items = [(make_statement("p1", "Person", "name", "Wilmer Escobar", "d1", secret.id,
                             seen=SEEN), secret),
             (make_statement("t1", "Communication", "initiator", "p1", "d1", secret.id,
                             seen=SEEN), secret),
             (make_statement("t1", "Communication", "receiver", "p2", "d1", secret.id,
                             seen=SEEN), secret)]  # fmt: skip
    stores.fill(stores.full, items)
    spain = Viewer(user="v", agency="ES-SEPBLAC", country=AGENCIES["ES-SEPBLAC"],
                   clearance=Classification.SECRET, roles=frozenset({Role.ANALYST}))  # fmt: skip
    view = stores.full.view(spain, purpose=PURPOSE)
    assert edges_of(view, ["p1", "p2"]) == []
    assert name_search.search(view, "Wilmer Escobar").hits == []
    assert local_network(view, ["p1"], hops=2, max_nodes=10).network.n == 0
    # the originator sees both
    own = stores.full.view(ADMIN, purpose=PURPOSE)
    assert len(edges_of(own, ["p1"])) == 1
    assert [h.entity_id for h in name_search.search(own, "Wilmer Escobar").hits] == ["p1"]


def test_reads_by_index_are_counted_for_the_audit(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "facts.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in FACTS), "utf-8")
    ingest(store, path, by=ADMIN, dataset="co", agency="CO-DIJIN",
           marking="RESTRICTED REL TO ESP")  # fmt: skip
    for read in (
        lambda v: edges_of(v, ["p1"]),
        lambda v: local_network(v, ["p1"], hops=2, max_nodes=10),
        lambda v: name_search.search(v, "restrepo"),
    ):
        view = store.view(ADMIN, purpose=PURPOSE)
        read(view)
        assert view.originators().get("CO-DIJIN", 0) > 0


def test_only_an_administrator_reindexes(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cupula.access import accounts
    from cupula.cli.main import app
    from tests.conftest import fresh_db

    db = fresh_db(tmp_path / "store.db")
    store = Store.open(db)
    accounts.add_user(store, ADMIN, "ana", "CO-DIJIN", Classification.SECRET,
                      frozenset({Role.ANALYST}), password="ana-pass-1")  # fmt: skip
    path = tmp_path / "facts.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in FACTS), "utf-8")
    ingest(store, path, by=ADMIN, dataset="co", agency="CO-DIJIN", marking="RESTRICTED")
    rows = count(store, edge_table)
    runner = CliRunner()
    refused = runner.invoke(app, ["--db", db, "--as", "ana", "admin", "reindex"])
    assert refused.exit_code != 0 and "not an administrator" in refused.output
    done = runner.invoke(app, ["--db", db, "admin", "reindex"])
    assert done.exit_code == 0, done.output
    assert f"{rows:,} tie rows" in done.output and count(store, edge_table) == rows


def test_a_fused_seed_is_walked_through_all_its_records(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "facts.jsonl"
    calls = [entity("p3", "Person", name="Tercero"),
             entity("t2", "Communication", initiator="p3", receiver="p4")]  # fmt: skip
    path.write_text("\n".join(json.dumps(e) for e in [*FACTS, *calls]), "utf-8")
    ingest(store, path, by=ADMIN, dataset="co", agency="CO-DIJIN", marking="RESTRICTED")
    view = store.view(ADMIN, purpose=PURPOSE)
    alone = local_network(view, ["p2"], hops=1, max_nodes=50).network
    assert "p4" not in alone.node_ids
    fused = {"p2": ["p2", "p3"], "p3": ["p2", "p3"]}
    both = local_network(store.view(ADMIN, purpose=PURPOSE), ["p2"], hops=1, max_nodes=50,
                         members_of=lambda n: fused.get(n, [n])).network  # fmt: skip
    assert {"p1", "p3", "p4"} <= set(both.node_ids)
