"""The audit chain: every tampering is caught and the first bad entry named."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from cupula.access import audit
from cupula.access.viewer import Role, Viewer
from cupula.store import Store
from cupula.store.tables import audit_table

A = audit_table.c


@pytest.fixture
def logged(db_url: str) -> Store:
    store = Store.open(db_url)
    viewer = Viewer.local_admin()
    for n in range(1, 6):
        audit.append(
            store,
            viewer,
            "show",
            {"entity_id": f"e{n}"},
            purpose=f"case {n}",
            statements=n,
            originators={"CO-DIJIN": n},
        )
    return store


def test_an_untouched_log_verifies(logged: Store) -> None:
    result = audit.verify(logged, expected_head=audit.head(logged))
    assert result.ok and result.entries == 5


def test_an_edited_entry_is_named(logged: Store) -> None:
    with logged.engine.begin() as conn:
        conn.execute(update(audit_table).where(A.seq == 3).values(purpose="nothing to see"))
    result = audit.verify(logged)
    assert not result.ok and result.bad_seq == 3 and "changed" in str(result)


def test_a_deleted_entry_is_named(logged: Store) -> None:
    with logged.engine.begin() as conn:
        conn.execute(delete(audit_table).where(A.seq == 2))
    result = audit.verify(logged)
    assert not result.ok and result.bad_seq == 2 and "missing" in str(result)


def test_an_inserted_entry_is_named(logged: Store) -> None:
    with logged.engine.begin() as conn:
        rows = conn.execute(select(audit_table).order_by(A.seq.desc())).all()
        for row in rows:  # make room at 3 by renumbering, as a forger would
            if row.seq >= 3:
                conn.execute(update(audit_table).where(A.seq == row.seq).values(seq=row.seq + 1))
        forged = dict(rows[-3]._mapping)  # a copy of entry 3 (now 4)
        forged.update(seq=3, purpose="forged")
        conn.execute(audit_table.insert().values(**forged))
    result = audit.verify(logged)
    assert not result.ok and result.bad_seq == 3


def test_reordered_entries_are_named(logged: Store) -> None:
    with logged.engine.begin() as conn:
        two = dict(conn.execute(select(audit_table).where(A.seq == 2)).one()._mapping)
        four = dict(conn.execute(select(audit_table).where(A.seq == 4)).one()._mapping)
        conn.execute(delete(audit_table).where(A.seq.in_([2, 4])))
        conn.execute(audit_table.insert().values(**{**four, "seq": 2}))
        conn.execute(audit_table.insert().values(**{**two, "seq": 4}))
    result = audit.verify(logged)
    assert not result.ok and result.bad_seq == 2


def test_a_cut_tail_is_caught_against_the_head_kept_outside(logged: Store) -> None:
    kept = audit.head(logged)
    with logged.engine.begin() as conn:
        conn.execute(delete(audit_table).where(A.seq >= 4))
    assert audit.verify(logged).ok  # a shorter chain is still a chain...
    result = audit.verify(logged, expected_head=kept)
    assert not result.ok and result.bad_seq == 4 and "cut off" in str(result)


def test_entries_by_originator(logged: Store, tmp_path: Path) -> None:
    audit.append(
        logged, Viewer.local_admin(), "stats", {}, purpose=None, originators={"ES-SEPBLAC": 3}
    )
    assert [e.seq for e in audit.entries(logged, originator="ES-SEPBLAC")] == [6]
    assert len(audit.entries(logged, originator="co-dijin")) == 5


def test_an_unreadable_head_is_refused(logged: Store) -> None:
    with pytest.raises(ValueError, match="SEQ:HASH"):
        audit.verify(logged, expected_head="five")


def test_a_head_that_does_not_match_is_named(logged: Store) -> None:
    seq = audit.head(logged).split(":")[0]
    result = audit.verify(logged, expected_head=f"{seq}:{'f' * 64}")
    assert not result.ok and result.bad_seq == 5 and "head kept outside" in str(result)


ANALYST = Viewer("luis", "ES-SEPBLAC", "ESP", Viewer.local_admin().clearance)


def test_an_analyst_sees_its_agencys_part_and_nothing_that_depends_on_others(
    logged: Store,
) -> None:
    """Two reads by another user, one of Spanish data only and one of Spanish data with
    Colombian and American data: the analyst is shown the same of both (how much of its
    own data, who, when, what kind of read), so nothing tells the second from the first."""
    dea = Viewer("mike", "US-DEA", "USA", ANALYST.clearance)
    audit.append(logged, dea, "show", {"entity_id": "es-1"}, purpose="op-x",
                 statements=4, originators={"ES-SEPBLAC": 4})  # fmt: skip
    mixed_counts = {"ES-SEPBLAC": 4, "CO-DIJIN": 20, "US-DEA": 7}
    audit.append(logged, dea, "show", {"entity_id": ["es-1", "co-w-9"]}, purpose="op-x",
                 statements=31, originators=mixed_counts)  # fmt: skip
    audit.append(logged, ANALYST, "stats", {"outcome": "ok"}, purpose="mine",
                 statements=12, originators={"ES-SEPBLAC": 5, "CO-DIJIN": 7})  # fmt: skip
    alone, mixed, own = audit.entries_for(ANALYST, logged, originator="ES-SEPBLAC")
    keep = {"seq", "at"}
    assert {k: v for k, v in alone.__dict__.items() if k not in keep} == {
        k: v for k, v in mixed.__dict__.items() if k not in keep
    }
    assert mixed.statements == 4 and mixed.originators == {"ES-SEPBLAC": 4}
    assert mixed.query == {} and mixed.purpose is None and mixed.hash == mixed.prev_hash == ""
    assert set(mixed.withheld) >= {"query", "purpose", "hash"}
    # its own entry keeps its own words; the counts are its agency's alike
    assert own.query == {"outcome": "ok"} and own.purpose == "mine"
    assert own.statements == 5 and own.originators == {"ES-SEPBLAC": 5}
    # DEA's supervisor reads its own user's entries whole; SEPBLAC's supervisor does not
    # supervise DEA's users: it reads them as its analyst does
    dea_supervisor = Viewer(
        "boss", "US-DEA", "USA", ANALYST.clearance, frozenset({Role.SUPERVISOR})
    )
    assert audit.entries_for(dea_supervisor, logged)[-1].originators["CO-DIJIN"] == 20
    supervisor = Viewer("sup", "ES-SEPBLAC", "ESP", ANALYST.clearance, frozenset({Role.SUPERVISOR}))
    assert audit.entries_for(supervisor, logged)[-2].originators == {"ES-SEPBLAC": 4}
    assert audit.entries_for(supervisor, logged)[-1] == audit.entries(logged)[-1]  # its own staff
    assert audit.shown_to(ANALYST, audit.entries(logged)[0]) is None  # CO-DIJIN data only
    with pytest.raises(PermissionError):
        audit.entries_for(ANALYST, logged, originator="CO-DIJIN")
