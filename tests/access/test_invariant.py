"""The invariant: a viewer never sees a statement it is not cleared for, and nothing it
may not see changes anything it does see (judgements, marked facts too, included).

For random statements under random markings (with cases) and random viewers:

- every read path (statements, entity, entities, counts, markings, loads, exports)
  returns only statements ``decide`` allows;
- what a viewer gets from the full store equals what it gets from a store holding only
  the statements it may see (so hidden statements change no count, no merged entity,
  no export).

The oracle check runs VIEWERS_PER_CASE viewers on each generated store; with the CI
profile that is over 10,000 viewer cases.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from followthemoney.proxy import EntityProxy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from cupula.access.policy import decide
from cupula.access.viewer import Role, Viewer
from cupula.export import export
from cupula.graph.disruption import timeline
from cupula.graph.keyplayers import key_players
from cupula.graph.leaders import rank_leaders
from cupula.graph.projection import project
from cupula.model.entity import assemble
from cupula.model.marking import Classification, Handling, Marking
from cupula.model.statement import BASE, Statement, make_statement
from cupula.money.flows import flows_of
from cupula.money.ownership import owners, ownership_of
from cupula.money.trace import TraceOptions, trace
from cupula.money.typologies import TypologyOptions, scan
from cupula.report.leaders import render_leaders
from cupula.resolve.engine import ResolveOptions
from cupula.resolve.judgements import Verdict, judge
from cupula.resolve.service import clusters_for, judgements_of, merged_entity, resolve_view
from cupula.store import Store
from cupula.store.tables import (
    edge_table,
    judgement_marking_table,
    judgement_table,
    key_count_table,
    marking_table,
    name_key_table,
    statement_table,
)
from cupula.summary import summarize

AGENCIES = {"CO-DIJIN": "COL", "CO-FISCALIA": "COL", "ES-SEPBLAC": "ESP", "US-DEA": "USA"}
CASE_IDS = ["op-1", "op-2"]
VIEWERS_PER_CASE = 12
EXAMPLES = 900 if os.environ.get("CI") else 120

agency = st.sampled_from(sorted(AGENCIES))
markings = st.builds(
    Marking,
    classification=st.sampled_from(list(Classification)),
    originator=agency,
    releasable_to=st.frozensets(
        st.sampled_from(["COL", "ESP", "USA", "US-DEA", "CO-FISCALIA"]), max_size=2
    ),
    handling=st.sampled_from([Handling.H0, Handling.H1, Handling.H2]),
    compartments=st.frozensets(st.sampled_from(CASE_IDS), max_size=1),
)
viewers = st.builds(
    lambda a, c, cases: Viewer(
        user="v",
        agency=a,
        country=AGENCIES[a],
        clearance=c,
        roles=frozenset({Role.ANALYST}),
        cases=cases,
    ),
    agency,
    st.sampled_from(list(Classification)),
    st.frozensets(st.sampled_from(CASE_IDS), max_size=2),
)


@st.composite
def statement_sets(draw: st.DrawFn) -> list[tuple[Statement, Marking]]:
    pool = draw(st.lists(markings, min_size=1, max_size=4, unique_by=str))
    out = []
    for n in range(draw(st.integers(1, 14))):
        marking = draw(st.sampled_from(pool))
        entity_id = f"e{draw(st.integers(0, 4))}"
        schema = draw(st.sampled_from(["Person", "LegalEntity", "Company"]))
        dataset = draw(st.sampled_from(["d1", "d2"]))
        out.append(
            (
                make_statement(
                    entity_id,
                    schema,
                    BASE,
                    entity_id,
                    dataset,
                    marking.id,
                    seen="2026-01-01T00:00:00Z",
                ),
                marking,
            )
        )
        value = draw(st.sampled_from(["Ana", "ANA GOMEZ", "Bo", f"n{n}"]))
        out.append(
            (
                make_statement(
                    entity_id,
                    schema,
                    "name",
                    value,
                    dataset,
                    marking.id,
                    seen="2026-01-01T00:00:00Z",
                ),
                marking,
            )
        )
    return out


class Stores:
    """Two reusable SQLite stores (a new one per example would cost a migration)."""

    def __init__(self, tmp: Path) -> None:
        self.full = Store.open(str(tmp / "full.db"))
        self.only = Store.open(str(tmp / "only.db"))

    def fill(self, store: Store, items: list[tuple[Statement, Marking]]) -> None:
        with store.writer() as w:
            for table in (
                statement_table,
                marking_table,
                edge_table,
                name_key_table,
                key_count_table,
            ):
                w.conn.execute(delete(table))  # the read indexes follow the statements
            for _, marking in items:
                w.put_marking(marking)
            w.put_statements([s for s, _ in items])


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    pair = Stores(tmp_path_factory.mktemp("invariant"))
    yield pair
    pair.full.close()
    pair.only.close()


def _as_dict(entity: EntityProxy | None) -> dict[str, object] | None:
    """An entity's content; the order of a property's values carries no meaning."""
    if entity is None:
        return None
    data = entity.to_dict()
    return {**data, "properties": {k: sorted(v) for k, v in data["properties"].items()}}


def everything_read(store: Store, viewer: Viewer) -> dict[str, object]:
    view = store.view(viewer, purpose="invariant")
    out: dict[str, object] = {
        "statements": sorted(view.statements()),
        "summary": summarize(view),
        "entities": [e.to_dict() for e in view.entities()],
        "one": [_as_dict(view.entity(f"e{i}")) for i in range(5)],
    }
    for fmt in ("ftm", "statements", "graphml"):
        buffer = io.StringIO()
        export(view, fmt, buffer)
        out[fmt] = buffer.getvalue()
    return out


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    items=statement_sets(),
    who=st.lists(viewers, min_size=VIEWERS_PER_CASE, max_size=VIEWERS_PER_CASE),
)
def test_a_viewer_sees_exactly_what_it_is_cleared_for(
    stores: Stores, items: list[tuple[Statement, Marking]], who: list[Viewer]
) -> None:
    stores.fill(stores.full, items)
    for viewer in who:
        allowed = [(s, m) for s, m in items if decide(viewer, m)]
        view = stores.full.view(viewer, purpose="invariant")
        got = list(view.statements())
        # nothing it may not see, and everything it may
        assert {s.id for s in got} == {s.id for s, _ in allowed}
        assert all(decide(viewer, view.all_markings()[s.marking_id]) for s in got)
        # entities and counts are those of the visible statements alone
        by_entity: dict[str, list[Statement]] = {}
        for s in sorted({s for s, _ in allowed}):
            by_entity.setdefault(s.entity_id, []).append(s)
        expected = {eid: _as_dict(assemble(eid, group)) for eid, group in by_entity.items()}
        assert {e.id: _as_dict(e) for e in view.entities()} == expected
        for eid in ("e0", "e1"):
            assert _as_dict(view.entity(eid)) == expected.get(eid)
        assert view.count_statements() == len({s.id for s, _ in allowed})
        assert set(view.markings()) == {m.id for _, m in allowed}


@settings(
    max_examples=max(40, EXAMPLES // 10),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(items=statement_sets(), viewer=viewers)
def test_hidden_statements_change_nothing_the_viewer_sees(
    stores: Stores, items: list[tuple[Statement, Marking]], viewer: Viewer
) -> None:
    stores.fill(stores.full, items)
    stores.fill(stores.only, [(s, m) for s, m in items if decide(viewer, m)])
    assert everything_read(stores.full, viewer) == everything_read(stores.only, viewer)


# -- analytics: rankings, key players, reports, traces, alerts and owners see only what
# the viewer may see ------------------------------------------------------------------

PEOPLE = [f"p{i}" for i in range(6)]


@st.composite
def network_sets(draw: st.DrawFn) -> list[tuple[Statement, Marking]]:
    """People and ties between them, each fact under its own random marking."""
    pool = draw(st.lists(markings, min_size=1, max_size=4, unique_by=str))
    out: list[tuple[Statement, Marking]] = []

    def put(entity_id: str, schema: str, prop: str, value: str) -> None:
        marking = draw(st.sampled_from(pool))
        stmt = make_statement(
            entity_id, schema, prop, value, "d1", marking.id, seen="2026-01-01T00:00:00Z"
        )
        out.append((stmt, marking))

    for person in PEOPLE:
        put(person, "Person", BASE, person)
        put(person, "Person", "name", draw(st.sampled_from(["Ana", "Bo", "Cy", person])))
        if draw(st.booleans()):
            put(person, "Person", "nationality", draw(st.sampled_from(["co", "es", "ae"])))
    for n in range(draw(st.integers(1, 12))):
        schema, ends = draw(
            st.sampled_from(
                [
                    ("Communication", ("initiator", "receiver")),
                    ("Contact", ("party", "counterpart")),
                    ("Payment", ("payer", "beneficiary")),
                ]
            )
        )
        a, b = draw(st.lists(st.sampled_from(PEOPLE), min_size=2, max_size=2, unique=True))
        tie = f"t{n}"
        put(tie, schema, BASE, tie)
        put(tie, schema, ends[0], a)
        put(tie, schema, ends[1], b)
        if schema != "Payment":
            put(tie, schema, "weight", str(draw(st.integers(1, 5))))
            put(tie, schema, "phase", draw(st.sampled_from(["1", "2"])))
        else:
            put(tie, schema, "amount", str(draw(st.integers(1, 900))))
            put(tie, schema, "date", draw(st.sampled_from(["2025-01-01", "2025-01-02"])))
    if draw(st.booleans()):
        put("own", "Ownership", BASE, "own")
        put("own", "Ownership", "owner", "p0")
        put("own", "Ownership", "asset", "p1")
        put("own", "Ownership", "percentage", "60")
    if draw(st.booleans()):
        put("s0", "Seizure", BASE, "s0")
        for person in draw(st.lists(st.sampled_from(PEOPLE), max_size=2, unique=True)):
            put("s0", "Seizure", "involved", person)
    return out


def analytics_read(store: Store, viewer: Viewer) -> dict[str, object]:
    view = store.view(viewer, purpose="invariant")
    net = project(view)
    out: dict[str, object] = {
        "nodes": list(zip(net.node_ids, net.names, net.countries, strict=True)),
        "ties": sorted(
            zip(net.src.tolist(), net.dst.tolist(), net.weight.tolist(), net.tie_ids, strict=True)
        ),
    }
    flows = flows_of(view)
    out["trace"] = trace(flows, "p0").as_dict()
    out["trace_back"] = trace(flows, "p1", TraceOptions(backward=True)).as_dict()
    out["alerts"] = [a.as_dict() for a in scan(flows, TypologyOptions(fan=2))]
    out["owners"] = owners(ownership_of(view), "p1").as_dict()
    if net.m:
        out["leaders"] = rank_leaders(net).as_dict()
        out["keyplayers"] = key_players(net, k=2).as_dict()
        out["timeline"] = [s.as_dict() for s in timeline(net)]
        ranking = rank_leaders(net)
        html = render_leaders(net, ranking, None, title="t", viewer="v", window="all", markings=[])
        out["report"] = html.split("Computed", 1)[1].split("</header>", 1)[1]
    return out


@settings(
    max_examples=max(40, EXAMPLES // 6),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(items=network_sets(), viewer=viewers)
def test_rankings_use_nothing_the_viewer_may_not_see(
    stores: Stores, items: list[tuple[Statement, Marking]], viewer: Viewer
) -> None:
    stores.fill(stores.full, items)
    stores.fill(stores.only, [(s, m) for s, m in items if decide(viewer, m)])
    full = analytics_read(stores.full, viewer)
    assert full == analytics_read(stores.only, viewer)
    hidden_names = {s.value for s, m in items if s.prop == "name" and not decide(viewer, m)}
    visible_names = {s.value for s, m in items if s.prop == "name" and decide(viewer, m)}
    for leader in full.get("leaders", {}).get("leaders", []):  # type: ignore[attr-defined]
        if leader["name"] in hidden_names:
            assert leader["name"] in visible_names or leader["name"] == leader["entity_id"]


# -- entity resolution: records, scores, clusters, judgements and merged entities rest
# only on what the viewer may see ---------------------------------------------------------


def resolution_read(store: Store, viewer: Viewer) -> dict[str, object]:
    with store.writer() as w:
        w.conn.execute(delete(judgement_table))
    judge(store, viewer, "p0", "p1", Verdict.SAME, "invariant")
    judge(store, viewer, "p2", "p3", Verdict.DIFFERENT, "invariant")
    view = store.view(viewer, purpose="invariant")
    resolution = resolve_view(store, view, ResolveOptions(prior=-2.0))
    pairs = sorted(
        (resolution.records[a].key, resolution.records[b].key, round(bits, 6))
        for a, b, bits in zip(
            resolution.links.left.tolist(),
            resolution.links.right.tolist(),
            resolution.links.bits.tolist(),
            strict=True,
        )
    )
    resolution.close()
    groups = clusters_for(store, view)
    return {
        "records": sorted(repr(r) for r in resolution.records),
        "pairs": pairs,
        "clusters": groups.members,
        "merged": [_as_dict(merged_entity(view, g)) for g in groups.members],
    }


@settings(
    max_examples=max(30, EXAMPLES // 10),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(items=network_sets(), viewer=viewers)
def test_resolution_uses_nothing_the_viewer_may_not_see(
    stores: Stores, items: list[tuple[Statement, Marking]], viewer: Viewer
) -> None:
    stores.fill(stores.full, items)
    stores.fill(stores.only, [(s, m) for s, m in items if decide(viewer, m)])
    full = resolution_read(stores.full, viewer)
    assert full == resolution_read(stores.only, viewer)
    visible = {s.value for s, m in items if decide(viewer, m)}
    for entity in full["merged"]:  # type: ignore[attr-defined]
        for values in (entity or {}).get("properties", {}).values():
            assert set(values) <= visible


# -- shared judgements: a viewer's clusters and the judgements listed to it rest only on
# the judgements it may see --------------------------------------------------------------

# (marking, pair, verdict): the author is a user of the marking's originator cleared for
# everything, so that it may write any of them (policy.may_mark)
Judged = tuple[Marking, tuple[str, str], Verdict]
judgement_lists = st.lists(
    st.tuples(
        markings,
        st.lists(st.sampled_from(PEOPLE[:4]), min_size=2, max_size=2, unique=True).map(tuple),
        st.sampled_from(list(Verdict)),
    ),
    max_size=8,
)


def author_of(marking: Marking) -> Viewer:
    return Viewer(user=f"u-{marking.originator}", agency=marking.originator,
                  country=AGENCIES[marking.originator], clearance=Classification.SECRET,
                  roles=frozenset({Role.ANALYST}), cases=frozenset(CASE_IDS))  # fmt: skip


def judged_read(store: Store, viewer: Viewer, judgements: list[Judged]) -> dict[str, object]:
    with store.writer() as w:
        w.conn.execute(delete(judgement_table))
        w.conn.execute(delete(judgement_marking_table))
    for marking, (a, b), verdict in judgements:
        judge(store, author_of(marking), a, b, verdict, "invariant", marking=marking)
    view = store.view(viewer, purpose="invariant")
    resolve_view(store, view, ResolveOptions(prior=-2.0)).close()
    groups = clusters_for(store, view)

    def said(j: object) -> tuple[object, ...]:  # a judgement without its time of writing
        return tuple(v for k, v in j.as_dict().items() if k != "at")  # type: ignore[attr-defined]

    listed = judgements_of(store, view)
    for item in listed:  # nothing listed that it may not see
        assert decide(viewer, item.judgement.marking)
    return {
        "clusters": groups.members,
        "judged": groups.judged,
        "conflicts": sorted(said(j) for j in groups.conflicts),
        "disputes": [[said(j) for j in d.judgements] for d in groups.disputes],
        "listed": [(said(x.judgement), x.standing, x.disputed) for x in listed],
        "p0": [said(x.judgement) for x in judgements_of(store, view, "p0")],
    }


@settings(
    max_examples=max(30, EXAMPLES // 10),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(items=network_sets(), judgements=judgement_lists, viewer=viewers)
def test_clusters_and_listings_use_only_the_judgements_the_viewer_may_see(
    stores: Stores, items: list[tuple[Statement, Marking]], judgements: list[Judged], viewer: Viewer
) -> None:
    stores.fill(stores.full, items)
    stores.fill(stores.only, [(s, m) for s, m in items if decide(viewer, m)])
    full = judged_read(stores.full, viewer, judgements)
    seen = [j for j in judgements if decide(viewer, j[0])]
    assert full == judged_read(stores.only, viewer, seen)
