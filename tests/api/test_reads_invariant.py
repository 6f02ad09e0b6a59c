"""The invariant through the workbench's reads and their shared cache: several viewers in
turn read the same store with one ``Derived`` cache (as one server does), and each gets
exactly what it gets from a store holding only the statements it may see."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cupula.access.policy import decide
from cupula.access.viewer import Viewer
from cupula.errors import NotFound
from cupula.http import reads
from cupula.model.marking import Marking
from cupula.model.statement import Statement
from cupula.store import Store
from cupula.store.derived import Derived
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
