from __future__ import annotations

from followthemoney.proxy import EntityProxy

from cupula.ingest.fragment import Fragment, fragment_statements
from cupula.model import get_model
from cupula.model.statement import BASE, make_statement, statement_id


def test_statement_ids_hash_what_makes_a_fact_the_same() -> None:
    base = statement_id("d", "e1", "Person", "name", "Ana", None, "m1")
    assert base == statement_id("d", "e1", "Person", "name", "Ana", None, "m1")
    others = {
        statement_id("d2", "e1", "Person", "name", "Ana", None, "m1"),
        statement_id("d", "e2", "Person", "name", "Ana", None, "m1"),
        statement_id("d", "e1", "Person", "alias", "Ana", None, "m1"),
        statement_id("d", "e1", "Person", "name", "Ana ", None, "m1"),
        statement_id("d", "e1", "Person", "name", "Ana", "spa", "m1"),
        statement_id("d", "e1", "Person", "name", "Ana", None, "m2"),
        statement_id("d", "e1", "LegalEntity", "name", "Ana", None, "m1"),
    }
    assert base not in others and len(others) == 7


def test_fragment_statements_equal_make_statement() -> None:
    entity: EntityProxy = get_model().make_entity("Person")
    entity.id = "p1"
    entity.add("name", ["Ana Gómez", "ANA GOMEZ"])
    entity.add("birthDate", "1970-01-02")
    fast = list(fragment_statements(Fragment(entity, "f:1"), "d", "m1", "2026-01-01T00:00:00Z"))
    slow = [
        make_statement(
            "p1", "Person", prop, value, "d", "m1", seen="2026-01-01T00:00:00Z", origin="f:1"
        )
        for prop, value in [
            (BASE, "p1"),
            ("name", "Ana Gómez"),
            ("name", "ANA GOMEZ"),
            ("birthDate", "1970-01-02"),
        ]
    ]
    assert sorted(fast) == sorted(slow)
