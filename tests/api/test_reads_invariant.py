"""The invariant through the workbench's reads and their shared cache: several viewers in
turn read the same store with one ``Derived`` cache (as one server does), and each gets
exactly what it gets from a store holding only the statements it may see."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from cupula.access.policy import decide
from cupula.access.viewer import Viewer
from cupula.errors import NotFound
from cupula.http import reads
from cupula.http.fused import fused_for, member_records
from cupula.model.marking import Marking
from cupula.model.statement import Statement
from cupula.resolve.engine import ResolveOptions
from cupula.resolve.judgements import Verdict, judge
from cupula.resolve.service import resolve_view
from cupula.store import Store
from cupula.store.derived import Derived
from cupula.store.tables import judgement_marking_table, judgement_table
from tests.access.test_invariant import EXAMPLES, PEOPLE, Stores, network_sets, viewers
from tests.access.test_invariant import stores as stores  # the fixture


def or_none(read: object) -> object:
    try:
        return read() if callable(read) else read
    except NotFound:
        return None


def workbench_read(store: Store, cache: Derived, viewer: Viewer) -> dict[str, object]:
    def view():  # type: ignore[no-untyped-def]
        return store.view(viewer, purpose="invariant")

    out: dict[str, object] = {
        "search": [reads.search_names(view(), cache, q, 10) for q in ("Ana", "Bo", "p0", "Cy")],
        "cooperation": reads.cooperation(view(), cache),
        "leaders": or_none(lambda: reads.leader_ranking(view(), cache, top=5)),
    }
    for person in PEOPLE[:3]:
        out[f"entity {person}"] = or_none(lambda p=person: reads.entity_page(view(), cache, p))
        out[f"graph {person}"] = or_none(
            lambda p=person: reads.graph(view(), cache, [p], hops=2, max_nodes=50)
        )
        out[f"money {person}"] = or_none(
            lambda p=person: reads.money_trail(view(), cache, p, backward=False).as_dict()
        )
    return out


@settings(
    max_examples=max(30, EXAMPLES // 10),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(items=network_sets(), turn=st.lists(viewers, min_size=2, max_size=4))
def test_a_shared_cache_gives_no_viewer_anything_it_may_not_see(
    stores: Stores, items: list[tuple[Statement, Marking]], turn: list[Viewer]
) -> None:
    stores.fill(stores.full, items)
    shared = Derived(stores.full.data_version)
    for viewer in [*turn, turn[0]]:  # the first again: now from the cache
        stores.fill(stores.only, [(s, m) for s, m in items if decide(viewer, m)])
        alone = workbench_read(stores.only, Derived(stores.only.data_version), viewer)
        assert workbench_read(stores.full, shared, viewer) == alone


# -- the fused network: a viewer's clusters, members and captions, and every fused read,
# come only from what it may see, through the same shared cache ------------------------


def without_notes(result: object) -> object:
    """A read's result without its fusion note (whose time of resolution differs between
    the two stores' runs)."""
    if isinstance(result, dict):
        return {k: without_notes(v) for k, v in result.items() if k != "fusion"}
    if isinstance(result, list):
        return [without_notes(v) for v in result]
    return result


def fused_workbench_read(store: Store, cache: Derived, viewer: Viewer) -> dict[str, object]:
    with store.writer() as w:
        w.conn.execute(delete(judgement_table))
        w.conn.execute(delete(judgement_marking_table))
    judge(store, viewer, "p0", "p1", Verdict.SAME, "invariant")
    judge(store, viewer, "p2", "p3", Verdict.SAME, "invariant")
    judge(store, viewer, "p4", "p5", Verdict.SAME, "invariant")
    resolve_view(store, store.view(viewer, purpose="invariant"), ResolveOptions(prior=-2.0)).close()

    def view():  # type: ignore[no-untyped-def]
        return store.view(viewer, purpose="invariant")

    fused = fused_for(view(), cache, store=store)
    out: dict[str, object] = {
        "clusters": fused.fusion.clusters,
        "captions": fused.fusion.captions,
        "search": [reads.search_people(view(), cache, q, 10, fused) for q in ("Ana", "Bo", "p0")],
        "leaders": or_none(lambda: reads.leader_ranking(view(), cache, top=5, fused=fused)),
    }
    for person in PEOPLE[:4]:
        out[f"graph {person}"] = or_none(
            lambda p=person: reads.graph(view(), cache, [p], hops=2, max_nodes=50, fused=fused)
        )
        out[f"members {person}"] = or_none(lambda p=person: member_records(view(), fused, p))
    return out


def strings_in(result: object) -> set[str]:
    if isinstance(result, dict):
        return set().union(*(strings_in(v) for v in result.values())) if result else set()
    if isinstance(result, list | tuple):
        return set().union(*(strings_in(v) for v in result)) if result else set()
    return {result} if isinstance(result, str) else set()


@settings(
    max_examples=max(20, EXAMPLES // 20),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(items=network_sets(), turn=st.lists(viewers, min_size=2, max_size=3))
def test_fused_reads_give_no_viewer_a_record_it_may_not_see(
    stores: Stores, items: list[tuple[Statement, Marking]], turn: list[Viewer]
) -> None:
    stores.fill(stores.full, items)
    shared = Derived(stores.full.data_version)
    for viewer in turn:
        visible = [(s, m) for s, m in items if decide(viewer, m)]
        stores.fill(stores.only, visible)
        alone = fused_workbench_read(stores.only, Derived(stores.only.data_version), viewer)
        full = fused_workbench_read(stores.full, shared, viewer)
        assert without_notes(full) == without_notes(alone)
        # ids of which it sees nothing: no statement of its own, none that names it
        seen = {s.entity_id for s, _ in visible} | {s.value for s, _ in visible}
        hidden = {s.entity_id for s, _ in items} - seen
        assert not strings_in(full) & hidden
