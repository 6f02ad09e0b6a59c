"""Judgements are marked facts, on every backend: shared as their authors mark them,
used by exactly the readers who may see them, conflicts between agencies decided by one
rule and shown; and the migration that marks the judgements already in a store."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, inspect, select, text

from cupula.access.viewer import Viewer
from cupula.model.marking import Classification, Marking, MarkingError
from cupula.model.statement import BASE, make_statement
from cupula.resolve.judgements import (
    JudgementRefused,
    Verdict,
    current,
    history,
    judge,
)
from cupula.resolve.service import clusters_for, judgements_of, resolve_view
from cupula.store import Store
from cupula.store.engine import make_engine
from cupula.store.migrate import _config
from cupula.store.tables import judgement_marking_table, judgement_table
from cupula.store.view import PurposeRequired

# every agency's facts are open to the other two: what differs is the judgements
CO = Marking(classification=Classification.UNCLASSIFIED, originator="CO-DIJIN",
             releasable_to=frozenset({"USA", "ESP"}))  # fmt: skip
US = Marking(classification=Classification.UNCLASSIFIED, originator="US-DEA",
             releasable_to=frozenset({"COL", "ESP"}))  # fmt: skip
SEEN = "2026-11-27T00:00:00Z"
DIJIN = Viewer("ana", "CO-DIJIN", "COL", Classification.SECRET)
DIJIN_LOW = Viewer("low", "CO-DIJIN", "COL", Classification.UNCLASSIFIED)
DEA = Viewer("sam", "US-DEA", "USA", Classification.SECRET)
UDYCO = Viewer("pepe", "ES-UDYCO", "ESP", Classification.SECRET)
ADMIN = Viewer.local_admin()
# co-w-0001 (a wiretap alias) and us-t-0001 are one man whose names share nothing:
# only a judgement joins them
FACTS = [
    ("co-w-0001", CO, "name", "El Químico"),
    ("us-t-0001", US, "name", "Jhon Jairo Restrepo Vargas"),
    ("us-t-0001", US, "birthDate", "1971-04-02"),
    ("co-2", CO, "name", "Maria Fernanda Ospina"),
] + [
    (f"bg-{i}", CO, "name", f"{g} {f}")
    for i, (g, f) in enumerate((g, f) for g in ("Luis", "Carlos", "Andres", "Diana")
                               for f in ("Gomez", "Perez", "Rojas"))
]  # fmt: skip
PAIR = ["co-w-0001", "us-t-0001"]
SHARED_WITH_USA = "RESTRICTED REL TO USA"


@pytest.fixture
def loaded(store: Store) -> Store:
    with store.writer() as w:
        for marking in (CO, US):
            w.put_marking(marking)
        rows = []
        for entity, marking, prop, value in FACTS:
            rows.append(make_statement(entity, "Person", BASE, entity, "d", marking.id, seen=SEEN))
            rows.append(make_statement(entity, "Person", prop, value, "d", marking.id, seen=SEEN))
        w.put_statements(rows)
    for viewer in (DIJIN, DEA, UDYCO, ADMIN):
        resolve_view(store, store.view(viewer)).close()
    return store


def joined(store: Store, viewer: Viewer) -> bool:
    members = clusters_for(store, store.view(viewer, purpose="t")).of(PAIR[0])
    return members is not None and PAIR[1] in members


def count(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(judgement_table)).scalar_one())


def test_a_judgement_marked_for_a_partner_steers_that_partner_alone(loaded: Store) -> None:
    assert not any(joined(loaded, v) for v in (DIJIN, DEA, UDYCO))
    item = judge(loaded, DIJIN, *PAIR, Verdict.SAME, "same phone", marking=SHARED_WITH_USA)
    assert str(item.marking) == "RESTRICTED REL TO USA H0 ORIG CO-DIJIN"
    assert joined(loaded, DIJIN) and joined(loaded, DEA) and joined(loaded, ADMIN)
    assert not joined(loaded, UDYCO)  # Spain sees both records, not the judgement
    assert not current(loaded, UDYCO) and not judgements_of(loaded, loaded.view(UDYCO))
    [listed] = judgements_of(loaded, loaded.view(DEA), "us-t-0001")
    assert listed.as_dict() | {"at": None} == {
        "left": "co-w-0001", "right": "us-t-0001", "verdict": "same", "agency": "CO-DIJIN",
        "user": "ana", "at": None, "marking": "RESTRICTED REL TO USA H0 ORIG CO-DIJIN",
        "note": "same phone", "standing": True, "disputed": False}  # fmt: skip


def test_an_unmarked_judgement_is_its_agencys_alone(loaded: Store) -> None:
    item = judge(loaded, DIJIN, *PAIR, Verdict.SAME)
    assert str(item.marking) == "RESTRICTED H0 ORIG CO-DIJIN"
    assert joined(loaded, DIJIN) and not joined(loaded, DEA)
    # readers of the agency who could not read RESTRICTED do not use it either
    assert not current(loaded, DIJIN_LOW)
    # and an author cleared below RESTRICTED writes its default at its own clearance
    low = judge(loaded, DIJIN_LOW, "co-2", "bg-0", Verdict.DIFFERENT)
    assert str(low.marking) == "UNCLASSIFIED H0 ORIG CO-DIJIN"


def test_a_writer_marks_only_what_it_could_read(loaded: Store) -> None:
    before = count(loaded)
    with pytest.raises(JudgementRefused, match="clearance UNCLASSIFIED is below SECRET"):
        judge(loaded, DIJIN_LOW, *PAIR, Verdict.SAME, marking="SECRET REL TO USA")
    with pytest.raises(JudgementRefused, match="originator is its author's agency CO-DIJIN"):
        judge(loaded, DIJIN, *PAIR, Verdict.SAME, marking="RESTRICTED ORIG US-DEA")
    with pytest.raises(JudgementRefused, match="not a member of case op-1"):
        judge(loaded, DIJIN, *PAIR, Verdict.SAME, marking="RESTRICTED CASE op-1")
    with pytest.raises(MarkingError, match="TOP"):
        judge(loaded, DIJIN, *PAIR, Verdict.SAME, marking="TOP SECRET")
    assert count(loaded) == before


def test_a_change_of_mind_reaches_whoever_the_judgement_reached(loaded: Store) -> None:
    judge(loaded, DIJIN, *PAIR, Verdict.SAME, marking=SHARED_WITH_USA)
    assert joined(loaded, DEA)
    undo = judge(loaded, DIJIN, *PAIR, Verdict.RETRACTED)  # no marking: the same readers
    assert undo.marking == judge(loaded, DIJIN, *PAIR, Verdict.RETRACTED).marking
    assert str(undo.marking) == "RESTRICTED REL TO USA H0 ORIG CO-DIJIN"
    assert not joined(loaded, DEA) and not joined(loaded, DIJIN)
    assert [j.verdict for j in history(loaded, DEA, *PAIR)] == [
        Verdict.SAME, Verdict.RETRACTED, Verdict.RETRACTED]  # fmt: skip


def test_conflicting_agencies_different_wins_and_the_dispute_is_shown(loaded: Store) -> None:
    judge(loaded, DIJIN, *PAIR, Verdict.SAME, marking=SHARED_WITH_USA)
    judge(loaded, DEA, *PAIR, Verdict.DIFFERENT, "other man")  # DEA's own, not shared
    dea = clusters_for(loaded, loaded.view(DEA))
    assert not joined(loaded, DEA)
    [dispute] = dea.disputes
    assert [(j.agency, j.verdict) for j in dispute.judgements] == [
        ("CO-DIJIN", Verdict.SAME), ("US-DEA", Verdict.DIFFERENT)]  # fmt: skip
    assert "CO-DIJIN: same" in dispute.summary() and "US-DEA: different" in dispute.summary()
    assert [j.agency for j in dea.conflicts] == ["CO-DIJIN"]  # the overruled "same"
    # DIJIN does not see DEA's objection: its own judgement stands for it
    assert joined(loaded, DIJIN) and not clusters_for(loaded, loaded.view(DIJIN)).disputes
    # DEA shares its objection with Colombia: DIJIN now keeps them apart, and sees why
    judge(loaded, DEA, *PAIR, Verdict.DIFFERENT, marking="RESTRICTED REL TO COL")
    assert not joined(loaded, DIJIN) and not joined(loaded, ADMIN)
    assert len(clusters_for(loaded, loaded.view(DIJIN)).disputes) == 1
    listed = [(x.judgement.agency, x.judgement.verdict.value, x.standing, x.disputed)
              for x in judgements_of(loaded, loaded.view(DEA), PAIR[0])]  # fmt: skip
    assert listed == [
        ("CO-DIJIN", "same", True, True),
        ("US-DEA", "different", False, True),  # superseded by its shared twin
        ("US-DEA", "different", True, True),
    ]
    assert len(judgements_of(loaded, loaded.view(DIJIN), PAIR[1])) == 2  # not DEA's own


def test_a_shared_judgement_keeps_its_readers_runs(loaded: Store) -> None:
    """Sharing a judgement under a marking new to the store changes no reader's access
    signature, so no stored run is lost (markings of judgements live apart)."""
    before = {v.user: loaded.view(v).signature() for v in (DIJIN, DEA, UDYCO)}
    judge(loaded, DIJIN, *PAIR, Verdict.SAME, marking="CONFIDENTIAL REL TO USA,ESP B2")
    assert {v.user: loaded.view(v).signature() for v in (DIJIN, DEA, UDYCO)} == before
    assert joined(loaded, DEA) and joined(loaded, UDYCO)


def test_using_a_confidential_judgement_needs_a_purpose(loaded: Store) -> None:
    judge(loaded, DIJIN, *PAIR, Verdict.SAME, marking="CONFIDENTIAL REL TO USA")
    with pytest.raises(PurposeRequired):
        clusters_for(loaded, loaded.view(DEA))
    with pytest.raises(PurposeRequired):
        judgements_of(loaded, loaded.view(DEA))
    clusters_for(loaded, loaded.view(UDYCO))  # it sees no such judgement: no purpose asked
    assert joined(loaded, DEA)


# -- migration 0005 ------------------------------------------------------------------------


def test_judgements_already_in_a_store_become_their_agencys_restricted(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
        for agency, user in (("CO-DIJIN", "ana"), ("US-DEA", "sam"), ("CO-DIJIN", "ana")):
            conn.execute(
                text('INSERT INTO judgement (left_id, right_id, verdict, "user", agency, at) '
                     "VALUES ('a', 'b', 'same', :user, :agency, :at)"),
                {"user": user, "agency": agency, "at": SEEN},
            )  # fmt: skip
    store = Store(engine)  # migrates to the newest revision
    with engine.connect() as conn:
        texts = dict(conn.execute(select(judgement_marking_table)).all())
    assert texts == {Marking.parse(t).id: t for t in
                     ("RESTRICTED H0 ORIG CO-DIJIN", "RESTRICTED H0 ORIG US-DEA")}  # fmt: skip
    assert [j.agency for j in history(store, DIJIN, "a", "b")] == ["CO-DIJIN", "CO-DIJIN"]
    assert [j.agency for j in history(store, DEA, "a", "b")] == ["US-DEA"]
    assert not history(store, DIJIN_LOW, "a", "b")
    columns = {c["name"]: c for c in inspect(engine).get_columns("judgement")}
    assert columns["marking_id"]["nullable"] is False
    indexes = {i["name"] for i in inspect(engine).get_indexes("judgement")}
    assert "ix_judgement_pair" in indexes
    with engine.begin() as conn:  # and back
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
    assert "marking_id" not in {c["name"] for c in inspect(engine).get_columns("judgement")}
    store.close()
