"""What a view counts for the audit log: each distinct statement given once, however many
times and through however many views of one reading it was read (both backends)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cupula.access.reading import Reading
from cupula.access.viewer import Viewer
from cupula.model.marking import Classification, Marking
from cupula.model.statement import BASE, make_statement
from cupula.store import Store, View
from cupula.store.derived import Derived
from cupula.summary import summarize

SEEN = "2026-11-27T00:00:00Z"
DIJIN = Marking(classification=Classification.UNCLASSIFIED, originator="CO-DIJIN",
                releasable_to=frozenset({"ESP"}))  # fmt: skip
SEPBLAC = Marking(classification=Classification.RESTRICTED, originator="ES-SEPBLAC")
HIDDEN = Marking(classification=Classification.SECRET, originator="CO-DIJIN")
LUIS = Viewer("luis", "ES-SEPBLAC", "ESP", Classification.CONFIDENTIAL)
# entity -> (dataset, marking, names): 3 statements each (id + 2 names)
FACTS = {
    "p1": ("co", DIJIN, ["Jhon Jairo Restrepo", "El Químico"]),
    "p2": ("co", DIJIN, ["Dairo Úsuga", "Otoniel"]),
    "p3": ("es", SEPBLAC, ["Inversiones Costa Azul", "ICA S.L."]),
    "p4": ("co", HIDDEN, ["Wílmer Escobar", "El Flaco"]),  # luis never sees these
}
VISIBLE = {"CO-DIJIN": 6, "ES-SEPBLAC": 3}


@pytest.fixture
def filled(store: Store) -> Store:
    with store.writer() as w:
        rows = []
        for entity, (dataset, marking, names) in FACTS.items():
            w.put_marking(marking)
            rows.append(make_statement(entity, "Person", BASE, entity, dataset, marking.id,
                                       seen=SEEN))  # fmt: skip
            rows += [make_statement(entity, "Person", "name", n, dataset, marking.id, seen=SEEN)
                     for n in names]  # fmt: skip
        w.put_statements(rows)
    return store


READS: dict[str, Callable[[View], object]] = {
    "stats": summarize,
    "all": lambda v: list(v.statements()),
    "entities": lambda v: list(v.entities()),
    "p1": lambda v: v.entity("p1"),
    "p3": lambda v: v.entity("p3"),
    "p4": lambda v: v.entity("p4"),  # hidden: gives nothing
    "ids": lambda v: v.entity_ids(["Person"]),
    "count": lambda v: v.count_entities(),
    "by dataset": lambda v: v.count_by("dataset"),
    "co": lambda v: list(v.statements(dataset="co")),
    "names": lambda v: list(v.statements(schema="Person")),
}


def given_by(read: str, scope: str | None) -> set[tuple[str, str]]:
    """What one read gives luis through a view of dataset ``scope`` (None: all), as
    (entity, id or name) pairs, worked out from the facts themselves."""
    out: set[tuple[str, str]] = set()
    for entity, (dataset, marking, names) in FACTS.items():
        if marking is HIDDEN or scope not in (None, dataset):
            continue
        everything = {(entity, BASE)} | {(entity, n) for n in names}
        reads_whole = ("stats", "all", "entities", "names", "by dataset", entity, dataset)
        if read in reads_whole:
            out |= everything
        elif read in ("ids", "count"):
            out.add((entity, BASE))
    return out


def by_originator(given: set[tuple[str, str]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for entity, _ in given:
        originator = FACTS[entity][1].originator
        out[originator] = out.get(originator, 0) + 1
    return out


def test_stats_counts_each_statement_once(filled: Store) -> None:
    reading = Reading(filled, LUIS, "t")
    assert summarize(reading.view())["statements"] == 9
    assert reading.statements() == 9 and reading.originators() == VISIBLE


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(st.sampled_from(sorted(READS)), max_size=4), min_size=1, max_size=3))
def test_any_reads_through_any_views_count_what_they_gave(
    filled: Store, views: list[list[str]]
) -> None:
    """Whatever is read, in any order, through several views of one reading (the third
    scoped to one dataset), the entry counts the distinct statements given. (The reads
    do not write: one store serves every example.)"""
    reading = Reading(filled, LUIS, "t")
    expected: set[tuple[str, str]] = set()
    for n, reads in enumerate(views):
        scope = "es" if n == 2 else None
        view = reading.view([scope] if scope else None)
        for read in reads:
            READS[read](view)
            expected |= given_by(read, scope)
    assert reading.originators() == by_originator(expected)
    assert reading.statements() == len(expected)


def test_a_pass_stopped_early_counts_what_it_gave(filled: Store) -> None:
    reading = Reading(filled, LUIS, "t")
    first = list(islice(reading.view().statements(), 4))
    assert len(first) == 4 and reading.statements() == 4


def test_a_reused_result_counts_like_a_fresh_read(filled: Store) -> None:
    cache = Derived(filled.data_version)
    fresh = Reading(filled, LUIS, "t")
    cache.get(fresh.view(), "all", lambda v: len(list(v.statements())))
    reused = Reading(filled, LUIS, "t")
    view = reused.view()
    view.entity("p3")  # read before, and again inside the reused result: once
    cache.get(view, "all", lambda v: len(list(v.statements())))
    assert reused.statements() == fresh.statements() == 9
    assert reused.originators() == fresh.originators() == VISIBLE
