"""Results computed ahead and kept in the database: read back equal, only by a view of
the same signature, stale with their age after a load, ``BeingComputed`` before the first;
the reader's usage says what the result was built from."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from cupula.access import accounts
from cupula.access.viewer import Viewer
from cupula.errors import BeingComputed, NotFound
from cupula.graph.analysis import network_of
from cupula.graph.keyplayers import key_players
from cupula.graph.leaders import LeaderOptions, rank_leaders
from cupula.model.marking import Classification
from cupula.precompute import KEY_PLAYERS, LEADERS, RANKED, compute_ahead, plan, read_result
from cupula.resolve.service import resolve_view, stored_run
from cupula.store import Store, View
from cupula.store import results as stored
from cupula.store.tables import ahead_task_table, load_table, stored_result_table
from tests.conftest import register_agencies
from tests.graph.helpers import calls, load_entities

COLOMBIA = Viewer("ana", "CO-DIJIN", "COL", Classification.SECRET)
COLOMBIA_LOW = Viewer("luis", "CO-DIJIN", "COL", Classification.UNCLASSIFIED)
SPAIN = Viewer("pepe", "ES-UDYCO", "ESP", Classification.SECRET)
SPAIN_TOO = Viewer("rosa", "ES-UDYCO", "ESP", Classification.SECRET)
USA = Viewer("joe", "US-DEA", "USA", Classification.SECRET)
VIEWERS = [COLOMBIA, COLOMBIA_LOW, SPAIN, SPAIN_TOO, USA]
SHARED = "UNCLASSIFIED REL TO ESP H0 B2"
OWN = "CONFIDENTIAL H0 B2"


def filled_store(path: Path) -> Store:
    store = register_agencies(Store.open(str(path / "results.db")))
    for v in VIEWERS:
        accounts.add_user(store, Viewer.local_admin(), v.user, v.agency, v.clearance)
    loads = path / "loads"
    loads.mkdir()
    load_entities(store, loads, calls(("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")),
                  dataset="shared", marking=SHARED)  # fmt: skip
    load_entities(store, loads, calls(("d", "e"), ("e", "f"), ("f", "d"), ("a", "f")),
                  dataset="own", marking=OWN)  # fmt: skip
    return store


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[Store]:
    store = filled_store(tmp_path)
    yield store
    store.close()


def view(store: Store, viewer: Viewer, datasets: list[str] | None = None) -> View:
    return store.view(viewer, purpose="tests", datasets=datasets)


def test_a_stored_result_reads_back_equal_to_one_built_inline(filled: Store) -> None:
    assert compute_ahead(filled, [COLOMBIA]) == 1
    net = network_of(view(filled, COLOMBIA)).network
    built = rank_leaders(net, options=LeaderOptions(top=RANKED))
    reader = view(filled, COLOMBIA)
    got = read_result(filled, reader, LEADERS)
    assert got.stale_since is None
    assert got.value.as_dict() == built.as_dict()
    assert got.value.scores == built.scores
    players = read_result(filled, view(filled, COLOMBIA), KEY_PLAYERS).value
    expected = key_players(net, k=5, betweenness_values=built.values["betweenness"])
    assert players == expected


def test_the_reader_is_counted_as_having_read_what_the_result_was_built_from(
    filled: Store,
) -> None:
    compute_ahead(filled, [SPAIN])
    built = view(filled, SPAIN)
    network_of(built)
    reader = view(filled, SPAIN)
    read_result(filled, reader, LEADERS)
    assert reader.usage.total() > 0
    assert reader.usage == built.usage
    assert reader.originators() == built.originators()


def test_before_the_first_computation_the_reader_is_told_it_is_being_computed(
    filled: Store,
) -> None:
    woken: list[bool] = []
    with pytest.raises(BeingComputed) as caught:
        read_result(filled, view(filled, SPAIN), LEADERS, wake=lambda: woken.append(True))
    assert str(caught.value) == (
        "the leader ranking of your view is being computed (0 of 1 views done); "
        "try again in a minute"
    )
    assert woken == [True]  # the reader's view was asked for, and the worker woken
    # the view a reader asked for is computed although no registered user has it
    assert compute_ahead(filled, []) == 1
    assert read_result(filled, view(filled, SPAIN), LEADERS).value.leaders


def test_after_a_load_the_previous_result_is_given_with_the_time_it_went_stale(
    filled: Store, tmp_path: Path
) -> None:
    compute_ahead(filled, [SPAIN])
    first = read_result(filled, view(filled, SPAIN), LEADERS)
    more = tmp_path / "more"
    more.mkdir()
    load_entities(filled, more, calls(("a", "g"), ("g", "h")), dataset="shared", marking=SHARED)
    with filled.engine.connect() as conn:
        finished = conn.execute(select(load_table.c.finished).order_by(load_table.c.id)).all()
    stale = read_result(filled, view(filled, SPAIN), LEADERS)
    assert stale.stale_since == finished[-1][0]
    assert stale.computed_at == first.computed_at
    assert stale.value.as_dict() == first.value.as_dict()
    assert stored.progress(filled, stored.data_version(filled)) == stored.Progress(0, 1)
    compute_ahead(filled, [SPAIN])
    fresh = read_result(filled, view(filled, SPAIN), LEADERS)
    assert fresh.stale_since is None
    assert "g" in fresh.value.scores and "g" not in first.value.scores


def test_a_view_without_ties_gets_the_same_answer_as_when_built(filled: Store) -> None:
    compute_ahead(filled, [USA])  # sees nothing of either load
    with pytest.raises(NotFound, match="no ties to analyse"):
        read_result(filled, view(filled, USA), LEADERS)
    assert read_result(filled, view(filled, USA), KEY_PLAYERS).value is None


def test_stopping_leaves_the_rest_waiting(filled: Store) -> None:
    class Stopped:
        def is_set(self) -> bool:
            return True

    assert compute_ahead(filled, [COLOMBIA, SPAIN], stop=Stopped()) == 0  # type: ignore[arg-type]
    assert stored.progress(filled, stored.data_version(filled)) == stored.Progress(0, 2)


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = filled_store(tmp_path_factory.mktemp("property"))
    yield store
    store.close()


DATASET_SCOPES = [None, ["shared"], ["own"], ["shared", "own"]]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    writer=st.sampled_from(VIEWERS),
    writer_scope=st.sampled_from(DATASET_SCOPES),
    reader=st.sampled_from(VIEWERS),
    reader_scope=st.sampled_from(DATASET_SCOPES),
)
def test_a_viewer_never_reads_a_result_computed_for_another_signature(
    shared_store: Store,
    writer: Viewer,
    writer_scope: list[str] | None,
    reader: Viewer,
    reader_scope: list[str] | None,
) -> None:
    store = shared_store
    with store.engine.begin() as conn:
        conn.execute(delete(stored_result_table))
        conn.execute(delete(ahead_task_table))
    # a result is computed for the writer's view (the way a reader's demand is)
    wanted = view(store, writer, writer_scope)
    with pytest.raises(BeingComputed):
        read_result(store, wanted, LEADERS)
    compute_ahead(store, [writer])
    with store.engine.connect() as conn:
        kept = {tuple(r) for r in conn.execute(
            select(stored_result_table.c.signature, stored_result_table.c.variant).distinct()
        )}  # fmt: skip
    reading = view(store, reader, reader_scope)
    mine = (reading.checked_signature(), stored.variant_of(reading))
    try:
        got = read_result(store, reading, LEADERS)
    except BeingComputed:
        assert mine not in kept
        return
    except NotFound:  # computed for its signature: a view without ties
        assert mine in kept
        return
    assert mine in kept
    inline = rank_leaders(network_of(view(store, reader, reader_scope)).network,
                          options=LeaderOptions(top=RANKED))  # fmt: skip
    assert got.value.scores == inline.scores


def test_a_load_brings_the_resolution_run_of_a_view_up_to_date(tmp_path: Path) -> None:
    store = register_agencies(Store.open(str(tmp_path / "resolved.db")))
    try:
        accounts.add_user(store, Viewer.local_admin(), "ana", "CO-DIJIN", Classification.SECRET)
        ana = accounts.viewer_for(store, "ana")
        loads = tmp_path / "loads"
        loads.mkdir()
        chain = [(f"p{i}", f"p{i + 1}") for i in range(40)]
        load_entities(store, loads, calls(*chain), dataset="shared", marking=SHARED)
        resolve_view(store, view(store, ana))
        load_entities(store, loads, calls(("p0", "q1")), dataset="shared", marking=SHARED)
        assert stored_run(store, view(store, ana)).loads_since == 1  # type: ignore[union-attr]
        compute_ahead(store)
        assert stored_run(store, view(store, ana)).loads_since == 0  # type: ignore[union-attr]
    finally:
        store.close()


def test_two_server_processes_never_compute_the_same_view(filled: Store) -> None:
    other = Store.open(str(filled.engine.url.database))  # another process's connection
    try:
        version = stored.data_version(filled)
        plan(filled, version, [COLOMBIA, SPAIN])
        first, second = stored.claim(filled, version), stored.claim(other, version)
        assert first is not None and second is not None
        assert first.signature != second.signature
        assert stored.claim(filled, version) is None and stored.claim(other, version) is None
        # a claimer that went silent (killed) is taken over once its lease has passed
        long_ago = "2000-01-01T00:00:00Z"
        with filled.engine.begin() as conn:
            conn.execute(update(ahead_task_table).values(claimed_at=long_ago))
        assert stored.claim(other, version) is not None
    finally:
        other.close()
