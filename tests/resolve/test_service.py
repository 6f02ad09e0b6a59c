"""Resolution over a store, on every backend: runs, judgements, undo, merged entities."""

from __future__ import annotations

import pytest

from cupula.access.viewer import Viewer
from cupula.model.marking import Classification, Marking
from cupula.model.statement import BASE, make_statement
from cupula.resolve.engine import ResolveOptions
from cupula.resolve.judgements import Verdict, current, history, judge
from cupula.resolve.service import (
    NoRun,
    clusters_for,
    is_stale,
    merged_entity,
    resolve_view,
    stored_options,
    stored_run,
)
from cupula.store import Store

CO = Marking(classification=Classification.UNCLASSIFIED, originator="CO-DIJIN",
             releasable_to=frozenset({"ESP"}))  # fmt: skip
CO_ONLY = Marking(classification=Classification.UNCLASSIFIED, originator="CO-DIJIN")
ES = Marking(classification=Classification.UNCLASSIFIED, originator="ES-UDYCO",
             releasable_to=frozenset({"COL"}))  # fmt: skip
SEEN = "2026-11-27T00:00:00Z"
COLOMBIA = Viewer("ana", "CO-DIJIN", "COL", Classification.SECRET)
SPAIN = Viewer("pepe", "ES-UDYCO", "ESP", Classification.SECRET)
# (entity, marking, property, value)
FACTS = [
    ("co-1", CO, "name", "Jhon Jairo Restrepo Vargas"),
    ("co-1", CO, "birthDate", "1971-04-02"),
    ("co-1", CO_ONLY, "passportNumber", "AT441122"),  # Colombia's eyes only
    ("co-1", CO_ONLY, "alias", "El Químico"),
    ("es-1", ES, "name", "RESTREPO VARGAS, Jhon Jairo"),
    ("es-1", ES, "birthDate", "1971-04-02"),
    ("es-2", ES, "name", "Jon Restrepo"),
    ("es-2", ES, "birthDate", "1971-04-02"),
    ("co-2", CO, "name", "Maria Fernanda Ospina"),
    ("co-2", CO, "birthDate", "1980-09-09"),
]
BACKGROUND = [(f"bg-{i}", CO, "name", f"{g} {f}") for i, (g, f) in enumerate(
    (g, f) for g in ("Luis", "Carlos", "Andres", "Diana", "Paula", "Camilo")
    for f in ("Gomez", "Perez", "Rojas", "Castro", "Mejia"))]  # fmt: skip


@pytest.fixture
def loaded(store: Store) -> Store:
    with store.writer() as w:
        for marking in (CO, CO_ONLY, ES):
            w.put_marking(marking)
        rows = []
        for entity, marking, prop, value in FACTS + BACKGROUND:
            rows.append(make_statement(entity, "Person", BASE, entity, "d", marking.id, seen=SEEN))
            rows.append(make_statement(entity, "Person", prop, value, "d", marking.id, seen=SEEN))
        w.put_statements(rows)
    return store


def groups(store: Store, viewer: Viewer) -> list[list[str]]:
    return clusters_for(store, store.view(viewer)).merged()


def test_clusters_need_a_run_for_what_the_viewer_sees(loaded: Store) -> None:
    with pytest.raises(NoRun):
        clusters_for(loaded, loaded.view(COLOMBIA))
    resolve_view(loaded, loaded.view(COLOMBIA)).close()
    with pytest.raises(NoRun):  # Spain sees other statements: Colombia's run is not its
        clusters_for(loaded, loaded.view(SPAIN))


def test_judgements_survive_a_rerun_and_undo_restores_both(loaded: Store) -> None:
    view = loaded.view(COLOMBIA)
    resolve_view(loaded, view).close()
    assert ["co-1", "es-1", "es-2"] in groups(loaded, COLOMBIA)
    judge(loaded, COLOMBIA, "es-2", "co-1", Verdict.DIFFERENT, "other Jon")
    judge(loaded, COLOMBIA, "es-2", "es-1", Verdict.DIFFERENT)
    assert groups(loaded, COLOMBIA) == [["co-1", "es-1"]]
    resolve_view(loaded, view).close()  # re-running keeps the judgements
    assert groups(loaded, COLOMBIA) == [["co-1", "es-1"]]
    # undo the automatic merge of co-1 and es-1: both entities come back whole
    judge(loaded, COLOMBIA, "co-1", "es-1", Verdict.DIFFERENT)
    assert groups(loaded, COLOMBIA) == []
    assert merged_entity(view, ["co-1"]).get("name") == ["Jhon Jairo Restrepo Vargas"]
    assert merged_entity(view, ["es-1"]).get("name") == ["RESTREPO VARGAS, Jhon Jairo"]
    # and undo the undo
    judge(loaded, COLOMBIA, "co-1", "es-1", Verdict.RETRACTED)
    assert groups(loaded, COLOMBIA) == [["co-1", "es-1"]]
    assert [j.verdict for j in history(loaded, COLOMBIA, "es-1", "co-1")] == [
        Verdict.DIFFERENT, Verdict.RETRACTED]  # fmt: skip


def test_same_joins_what_scores_would_not(loaded: Store) -> None:
    resolve_view(loaded, loaded.view(COLOMBIA)).close()
    judge(loaded, COLOMBIA, "co-2", "bg-0", Verdict.SAME)
    assert ["bg-0", "co-2"] in groups(loaded, COLOMBIA)


def test_judgements_belong_to_the_judging_agency(loaded: Store) -> None:
    judge(loaded, COLOMBIA, "co-1", "es-1", Verdict.DIFFERENT)
    assert current(loaded, COLOMBIA)
    assert not current(loaded, SPAIN)
    resolve_view(loaded, loaded.view(SPAIN)).close()
    assert ["co-1", "es-1", "es-2"] in groups(loaded, SPAIN)


def test_a_merged_entity_holds_only_what_its_viewer_may_see(loaded: Store) -> None:
    for viewer in (COLOMBIA, SPAIN):
        view = loaded.view(viewer)
        resolve_view(loaded, view).close()
        members = clusters_for(loaded, view).of("co-1")
        assert members is not None and "es-1" in members
        entity = merged_entity(view, members)
        assert entity is not None
        assert "RESTREPO VARGAS, Jhon Jairo" in entity.get("name")
        seen_by_spain = viewer is SPAIN
        assert ("AT441122" in entity.get("passportNumber")) is not seen_by_spain
        assert ("El Químico" in entity.get("alias")) is not seen_by_spain


def test_the_run_keeps_its_options(loaded: Store) -> None:
    view = loaded.view(COLOMBIA)
    strict = ResolveOptions(match=0.999999, review=0.5, max_cluster=7)
    resolve_view(loaded, view, strict).close()
    assert stored_options(loaded, view)[0] == strict
    assert groups(loaded, COLOMBIA) == [["co-1", "es-1"]]  # "Jon Restrepo" is not that sure


def test_a_load_after_the_run_makes_it_stale(loaded: Store) -> None:
    view = loaded.view(COLOMBIA)
    resolve_view(loaded, view).close()
    assert not is_stale(loaded, view)
    with loaded.writer() as w:
        later = "2999-01-01T00:00:00Z"
        w.record_load(dataset="d", agency="CO-DIJIN", path="x", sha256="0" * 64, format="ftm",
                      marking_id=CO.id, options="{}", started=later, finished=later,
                      statements_read=0, statements_added=0)  # fmt: skip
    assert is_stale(loaded, view)


def test_a_load_in_the_same_second_as_the_run_makes_it_stale(loaded: Store) -> None:
    """Times have whole seconds: the run keeps the last load it saw, so a load that
    finishes in the run's own second is still after it (was counted as before)."""
    view = loaded.view(COLOMBIA)
    resolve_view(loaded, view).close()
    run = stored_run(loaded, view)
    assert run is not None and run.loads_since == 0
    with loaded.writer() as w:
        w.record_load(dataset="d", agency="CO-DIJIN", path="x", sha256="0" * 64, format="ftm",
                      marking_id=CO.id, options="{}", started=run.at, finished=run.at,
                      statements_read=0, statements_added=0)  # fmt: skip
    assert is_stale(loaded, view)
    assert stored_run(loaded, view).loads_since == 1  # type: ignore[union-attr]
