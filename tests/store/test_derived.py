"""Derived results: reused only for the same readable statements and data version, with
the purpose check and the audit's statement counts of a fresh read (both backends)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cupula.access.viewer import Viewer
from cupula.ingest import ingest
from cupula.model.marking import Classification, Marking
from cupula.model.statement import BASE, make_statement
from cupula.store import Store, View
from cupula.store.derived import Derived
from cupula.store.view import PurposeRequired
from tests.conftest import ADMIN

SEEN = "2026-11-27T00:00:00Z"
OPEN = Marking(classification=Classification.UNCLASSIFIED, originator="CO-DIJIN",
               releasable_to=frozenset({"ESP"}))  # fmt: skip
SECRET = Marking(classification=Classification.CONFIDENTIAL, originator="CO-DIJIN")
COLOMBIA = Viewer("ana", "CO-DIJIN", "COL", Classification.SECRET)
SPAIN = Viewer("pepe", "ES-UDYCO", "ESP", Classification.SECRET)
SPAIN_TOO = Viewer("rosa", "ES-UDYCO", "ESP", Classification.SECRET)


def put(store: Store, entity: str, marking: Marking, name: str) -> None:
    with store.writer() as w:
        w.put_marking(marking)
        w.put_statements([
            make_statement(entity, "Person", BASE, entity, "d", marking.id, seen=SEEN),
            make_statement(entity, "Person", "name", name, "d", marking.id, seen=SEEN),
        ])  # fmt: skip


def names(view: View) -> list[str]:
    return sorted(s.value for s in view.statements() if s.prop == "name")


@pytest.fixture
def filled(store: Store) -> Store:
    put(store, "p1", OPEN, "Jhon Jairo Restrepo")
    put(store, "p2", SECRET, "Wilmer Escobar")
    return store


def test_a_result_is_reused_only_for_the_same_readable_statements(filled: Store) -> None:
    cache = Derived(filled.data_version)
    builds: list[str] = []

    def build(view: View) -> list[str]:
        builds.append(view.viewer.user)
        return names(view)

    spain = cache.get(filled.view(SPAIN, purpose="t"), "names", build)
    assert spain == ["Jhon Jairo Restrepo"]
    # a colleague with the same clearance and agency reads the same statements: reused
    assert cache.get(filled.view(SPAIN_TOO, purpose="t"), "names", build) == spain
    colombia = cache.get(filled.view(COLOMBIA, purpose="t"), "names", build)
    assert colombia == ["Jhon Jairo Restrepo", "Wilmer Escobar"]
    assert builds == ["pepe", "ana"]
    # a dataset scope is another signature
    cache.get(filled.view(SPAIN, purpose="t", datasets=["other"]), "names", build)
    assert builds == ["pepe", "ana", "pepe"]


def test_a_write_makes_it_build_again(filled: Store) -> None:
    cache = Derived(filled.data_version)
    first = cache.get(filled.view(SPAIN, purpose="t"), "names", names)
    put(filled, "p3", OPEN, "Dairo Antonio Usuga")
    again = cache.get(filled.view(SPAIN, purpose="t"), "names", names)
    assert first == ["Jhon Jairo Restrepo"]
    assert again == ["Dairo Antonio Usuga", "Jhon Jairo Restrepo"]


def test_a_load_by_another_process_makes_it_build_again(
    filled: Store, db_url: str, tmp_path: Path
) -> None:
    cache = Derived(filled.data_version)
    cache.get(filled.view(SPAIN, purpose="t"), "names", names)
    entity = {"id": "p3", "schema": "Person", "properties": {"name": ["Dairo Antonio Usuga"]}}
    path = tmp_path / "more.ftm.jsonl"
    path.write_text(json.dumps(entity) + "\n", encoding="utf-8")
    other = Store.open(db_url)  # as another process would: our generation stays as it was
    ingest(other, path, by=ADMIN, dataset="d", agency="CO-DIJIN", marking="UNCLASSIFIED REL TO ESP")
    other.close()
    assert "Dairo Antonio Usuga" in cache.get(filled.view(SPAIN, purpose="t"), "names", names)


def test_a_reuse_still_needs_a_purpose_and_counts_for_the_audit(filled: Store) -> None:
    cache = Derived(filled.data_version)
    built = filled.view(COLOMBIA, purpose="t")
    cache.get(built, "names", names)
    reused = filled.view(COLOMBIA, purpose="t")
    cache.get(reused, "names", names)
    assert reused.usage == built.usage and reused.usage.total() == 4
    assert reused.originators() == {"CO-DIJIN": 4}
    with pytest.raises(PurposeRequired):
        cache.get(filled.view(COLOMBIA), "names", names)


def test_the_oldest_results_are_dropped_beyond_the_size(filled: Store) -> None:
    cache = Derived(filled.data_version, size=1)
    builds: list[str] = []

    def build(view: View) -> int:
        builds.append(view.viewer.user)
        return 1

    cache.get(filled.view(SPAIN, purpose="t"), "n", build)
    cache.get(filled.view(COLOMBIA, purpose="t"), "n", build)
    cache.get(filled.view(SPAIN, purpose="t"), "n", build)
    assert builds == ["pepe", "ana", "pepe"]
