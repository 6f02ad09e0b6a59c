"""The store's contract, run on every backend (SQLite always, PostgreSQL with CUPULA_TEST_PG)."""

from __future__ import annotations

import pytest

from cupula.model.marking import Marking
from cupula.model.statement import BASE, Statement, make_statement
from cupula.store import Store
from cupula.store.migrate import current_revision, head_revision
from tests.conftest import seen

SEEN = "2026-01-01T00:00:00Z"
M1 = Marking.parse("CONFIDENTIAL REL TO COL H2 B2 ORIG CO-DIJIN")
M2 = Marking.parse("UNCLASSIFIED ORIG ES-SEPBLAC")


def person(
    entity_id: str,
    name: str,
    dataset: str,
    marking: Marking,
    *,
    seen: str = SEEN,
    schema: str = "Person",
) -> list[Statement]:
    return [
        make_statement(entity_id, schema, BASE, entity_id, dataset, marking.id, seen=seen),
        make_statement(
            entity_id, schema, "name", name, dataset, marking.id, seen=seen, origin="f.csv:2"
        ),
    ]


def write(store: Store, statements: list[Statement], *markings: Marking) -> None:
    with store.writer() as w:
        for m in markings:
            w.put_marking(m)
        w.put_statements(statements)


def test_a_new_store_is_migrated_and_empty(store: Store) -> None:
    assert current_revision(store.engine) == head_revision()
    assert seen(store).count_statements() == 0
    assert seen(store).count_entities() == {}


def test_reopening_keeps_data(db_url: str) -> None:
    first = Store.open(db_url)
    write(first, person("p1", "Ana", "d1", M1), M1)
    first.close()
    again = Store.open(db_url)
    assert seen(again).count_statements() == 2
    again.close()


def test_statements_come_back_as_written(store: Store) -> None:
    written = person("p1", "Ana Gómez", "d1", M1) + person("p2", "محمد", "d1", M1)
    write(store, written, M1)
    read = list(seen(store).statements())
    assert sorted(read) == sorted(written)
    assert [s.entity_id for s in read] == sorted(s.entity_id for s in read)


def test_writing_the_same_statements_twice_adds_nothing(store: Store) -> None:
    write(store, person("p1", "Ana", "d1", M1), M1)
    write(store, person("p1", "Ana", "d1", M1, seen="2026-03-01T00:00:00Z"), M1)
    statements = list(seen(store).statements())
    assert len(statements) == 2
    assert {(s.first_seen, s.last_seen) for s in statements} == {(SEEN, "2026-03-01T00:00:00Z")}


def test_an_error_inside_the_writer_leaves_the_store_as_it_was(store: Store) -> None:
    write(store, person("p1", "Ana", "d1", M1), M1)
    with pytest.raises(RuntimeError), store.writer() as w:
        w.put_marking(M2)
        w.put_statements(person("p2", "Bo", "d2", M2))
        raise RuntimeError("bad line")
    view = seen(store)
    assert view.count_statements() == 2
    assert set(view.markings()) == {M1.id}


def test_a_view_scoped_to_datasets_sees_only_them(store: Store) -> None:
    write(store, person("p1", "Ana", "d1", M1) + person("p2", "Bo", "d2", M2), M1, M2)
    view = seen(store, datasets=["d2"])
    assert {s.entity_id for s in view.statements()} == {"p2"}
    assert view.count_statements() == 2
    assert view.count_entities() == {"Person": 1}
    assert view.count_by("dataset") == {"d2": 2}
    assert set(view.markings()) == {M2.id}
    assert view.entity("p1") is None


def test_entities_merge_statements_across_datasets(store: Store) -> None:
    statements = person("p1", "Ana", "d1", M1, schema="LegalEntity") + person(
        "p1", "ANA GOMEZ", "d2", M2
    )
    write(store, statements, M1, M2)
    entity = seen(store).entity("p1")
    assert entity is not None
    assert entity.schema.name == "Person"  # the most specific of LegalEntity and Person
    assert sorted(entity.get("name")) == ["ANA GOMEZ", "Ana"]
    assert seen(store).count_entities() == {"Person": 1}
    assert [e.id for e in seen(store).entities()] == ["p1"]


def test_same_value_under_two_markings_is_two_statements(store: Store) -> None:
    write(store, person("p1", "Ana", "d1", M1) + person("p1", "Ana", "d1", M2), M1, M2)
    assert seen(store).count_statements() == 4
    assert seen(store).count_by("marking_id") == {M1.id: 2, M2.id: 2}


def test_loads_are_recorded(store: Store) -> None:
    with store.writer() as w:
        w.record_load(
            dataset="d1",
            agency="CO-DIJIN",
            path="x.csv",
            sha256="ab" * 32,
            format="ftm",
            marking_id=M1.id,
            options="{}",
            started=SEEN,
            finished=SEEN,
            statements_read=2,
            statements_added=2,
        )
        assert w.find_load("d1", "ab" * 32, M1.id) is not None
        assert w.find_load("d1", "ab" * 32, M2.id) is None
    assert [load["path"] for load in seen(store).loads()] == ["x.csv"]


def test_one_batch_may_repeat_a_statement(store: Store) -> None:
    early = person("p1", "Ana", "d1", M1, seen="2026-01-01T00:00:00Z")
    late = person("p1", "Ana", "d1", M1, seen="2026-05-01T00:00:00Z")
    write(store, early + late + early, M1)
    statements = list(seen(store).statements())
    assert len(statements) == 2
    assert {(s.first_seen, s.last_seen) for s in statements} == {
        ("2026-01-01T00:00:00Z", "2026-05-01T00:00:00Z")
    }


def test_large_batches_go_through_the_writer_pipeline(store: Store) -> None:
    statements = [s for i in range(1200) for s in person(f"p{i}", f"N {i}", "d1", M1)]
    with store.writer() as w:
        w.put_marking(M1)
        with w.pipeline() as put:
            for start in range(0, len(statements), 700):
                put(statements[start : start + 700])
    assert seen(store).count_statements() == 2400


def test_a_failing_batch_stops_the_pipeline_and_rolls_back(store: Store) -> None:
    bad = person("p1", "Ana", "d1", M1)[0]._replace(value=None)  # type: ignore[arg-type]
    with pytest.raises(Exception), store.writer() as w:  # noqa: B017 (driver-specific type)
        w.put_marking(M1)
        with w.pipeline() as put:
            put(person("p0", "Bo", "d1", M1))
            put([bad])
            put(person("p2", "Cy", "d1", M1))
    assert seen(store).count_statements() == 0
