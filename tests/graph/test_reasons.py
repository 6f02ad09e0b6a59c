"""Reasons are true of the window being ranked (issue 14, item 5).

Serero's betweenness in CAVIAR phase 11 is a share of the 41 people of that phase, read
here from the raw matrix with networkx; a broker is never said to lie on 0% of the
paths; a payment, an ownership, a power of attorney or a watch list's "Linked To" is a
tie but not a contact, and not an order given; and every figure of every reason on
CAVIAR (all of it and each phase) and on the demo case is recomputed from the ties of
the window with networkx and plain Python, independently of the ranking's code.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import replace
from itertools import combinations
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from cupula.access.viewer import Viewer
from cupula.demo.generator import generate_case
from cupula.demo.run import CAVIAR, load_case, load_caviar
from cupula.graph import measures
from cupula.graph.analysis import network_of
from cupula.graph.leaders import Leader, LeaderOptions, Ranking, rank_leaders
from cupula.graph.network import CONTACT_KINDS, MONEY, OWNERSHIP, Network
from cupula.graph.temporal import Window
from cupula.ingest import ingest
from cupula.store import Store, View
from tests.conftest import ADMIN, DATA, register_agencies
from tests.graph.helpers import entity, load_entities, network

OFAC_SAMPLE = DATA / "ofac_sample"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    tmp = tmp_path_factory.mktemp("reasons")
    store = register_agencies(Store.open(str(tmp / "reasons.db")))
    load_caviar(store, tmp)
    load_case(store, generate_case(7), tmp)
    ingest(store, OFAC_SAMPLE, by=ADMIN, dataset="ofac", agency="US-OFAC",
           marking="UNCLASSIFIED H0 A1", fmt="ofac")  # fmt: skip
    return store


def _caviar(store: Store, window: Window) -> Network:
    view = store.view(Viewer.local_admin(), purpose="tests", datasets=["caviar"])
    return network_of(view, window=window).network


def _leader(ranking: Ranking, entity_id: str) -> Leader:
    return next(x for x in ranking.leaders if x.entity_id == entity_id)


def test_serero_in_phase_11_lies_on_a_share_of_the_paths_between_that_phase_s_people(
    store: Store,
) -> None:
    with (CAVIAR / "phase11.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    labels = rows[0][1:]
    raw = nx.Graph()
    for row in rows[1:]:
        for label, cell in zip(labels, row[1:], strict=True):
            if float(cell) and row[0] != label:
                raw.add_edge(row[0], label)
    share = nx.betweenness_centrality(raw)["1"]  # normalised over pairs of the others
    assert raw.number_of_nodes() == 41 and round(100 * share) == 53

    ranking = rank_leaders(_caviar(store, Window(phase="11")))
    said = [r for r in _leader(ranking, "caviar-1").reasons if r.startswith("lies on")]
    assert said == [
        f"lies on {share:.0%} of the shortest paths between the 40 others (#2 of 41): "
        "a broker between parts of the network"
    ]


def test_a_share_that_rounds_to_nothing_is_not_called_a_broker() -> None:
    # 99 triangles (nobody between anyone) and one path a-b-c: b is the only one on a
    # shortest path, between 1 pair of the 299 others' 44,551 pairs (0.002%).
    src = [3 * t + k for t in range(99) for k in (0, 1, 2)] + [297, 298]
    dst = [3 * t + (k + 1) % 3 for t in range(99) for k in (0, 1, 2)] + [298, 299]
    net = Network.from_edges(300, src, dst)
    b = measures.betweenness(net).values[298]
    assert 0 < b < 0.005
    ranking = rank_leaders(net, options=LeaderOptions(weights={"betweenness": 1.0}))
    top = ranking.leaders[0]
    assert top.entity_id == "298"  # ranked first on it, but not called a broker
    assert not any("shortest paths" in r for r in top.reasons)
    assert not any(re.search(r"\b0% .*broker", r) for x in ranking.leaders for r in x.reasons)


def _money_case(store: Store, tmp: Path) -> Network:
    boss = [entity("boss", "Person", name="Boss")]
    people = [entity(p, "Person", name=p.upper()) for p in ("p1", "p2", "p3", "p4", "p5")]
    ties = [
        entity(f"pay-{p}", "Payment", payer="boss", beneficiary=p, amount="1000")
        for p in ("p1", "p2", "p3")
    ]
    ties += [
        entity("firm", "Company", name="Front SA"),
        entity("own-1", "Ownership", owner="boss", asset="firm"),
        entity("rep-1", "Representation", agent="boss", client="p4"),
        entity("link-1", "UnknownLink", subject="boss", object="p5"),
        entity("call-1", "Communication", initiator="p1", receiver="p2", weight="3"),
        entity("call-2", "Communication", initiator="p2", receiver="p1", weight="1"),
    ]
    load_entities(store, tmp, boss + people + ties, dataset="money-case")
    return network(store)


def test_payments_ownership_representation_and_links_are_neither_contacts_nor_orders(
    sqlite_store: Store, tmp_path: Path
) -> None:
    net = _money_case(sqlite_store, tmp_path)
    share, made, received = measures.initiative(net)
    boss = net.index["boss"]
    assert (made[boss], received[boss], share[boss]) == (0.0, 0.0, 0.5)
    assert measures.contacts(net)[boss] == 0 and measures.degree(net)[boss] == 6
    ranking = rank_leaders(net, options=LeaderOptions(weights={"degree": 1.0}))
    reasons = _leader(ranking, "boss").reasons
    assert reasons[0] == "tied to 6 others (the highest of 6), none of them by calls or meetings"
    assert not any("in contact" in r or "initiated" in r for r in reasons)
    # the two who did call each other: their initiative is their calls, nothing else
    p1 = net.index["p1"]
    assert (made[p1], received[p1]) == (3.0, 1.0)


def test_an_ofac_linked_to_entry_is_a_tie_not_a_contact(store: Store) -> None:
    view = store.view(Viewer.local_admin(), purpose="tests", datasets=["ofac"])
    net = network_of(view).network
    assert set(net.kind) == {"associate"}  # "Linked To:" entries, as UnknownLink
    reasons = _leader(rank_leaders(net), "ofac-4424").reasons
    assert reasons[0] == "tied to 7 others (the highest of 3), none of them by calls or meetings"
    assert not any("contact" in r for r in reasons)


def test_one_contact_is_one_other() -> None:
    from cupula.graph import signals
    from cupula.graph.reasons import _sentence

    net = replace(Network.from_edges(3, [0], [1]), schemata=["Person", "Person", "Company"])
    sig = signals.compute(net, np.array([0, 1]), exact_limit=100)
    assert _sentence(sig, "degree", 0, 1.0) == "in contact with 1 other (tied highest of 2)"


# --- every figure of every reason, recomputed from the window's ties -------------------


def _graph(net: Network, kinds: tuple[str, ...] | None = None) -> nx.Graph:
    g = nx.Graph()
    for a, b, w, k in zip(net.src.tolist(), net.dst.tolist(), net.weight, net.kind, strict=True):
        if a != b and (kinds is None or k in kinds):
            weight = g.get_edge_data(a, b, {"weight": 0.0})["weight"]
            g.add_edge(a, b, weight=weight + float(w))
    return g


def _counterparts(g: nx.Graph, i: int) -> int:
    return g.degree(i) if i in g else 0


def _source_name(dataset: str, agency: str) -> str:
    """How a reason names a dataset: "DIJIN's wiretaps" (agency without its country,
    dataset without the agency's prefix)."""
    short = agency.split("-", 1)[1] if re.match(r"^[A-Z]{2}-", agency) else agency
    prefix = agency.lower() + "-"
    return f"{short}'s {dataset.removeprefix(prefix) if dataset.startswith(prefix) else dataset}"


def _records(view: View) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Each entity's datasets as the view's raw statements hold them, and the agency of
    each dataset: what a reason's "whose records" is checked against."""
    held: dict[str, set[str]] = {}
    for statement in view.statements():
        held.setdefault(statement.entity_id, set()).add(statement.dataset)
    return held, {d: agency for d, (_, agency) in view.dataset_order().items()}


class Checker:
    """Figures of the ranking's sentences, recomputed for one window."""

    def __init__(self, net: Network, ranking: Ranking, view: View) -> None:
        self.held, self.agencies = _records(view)
        datasets = {d for tie in net.tie_ids for d in self.held.get(tie, ())}
        self.split = len(datasets) >= 2  # reasons then say whose records
        self.named: set[str] = set()  # the agencies named by the reasons checked
        self.net = net
        self.history = net.history or net
        self.g = _graph(net)
        self.h = _graph(self.history)
        self.contacts = _graph(self.history, CONTACT_KINDS)
        people = [i for i in self.g.nodes if net.schemata[i] == "Person"]
        self.candidates = sorted(people or self.g.nodes)
        assert len(self.candidates) == ranking.candidates

    def standing(self, text: str, values: Callable[[int], float], i: int) -> None:
        total = len(self.candidates)
        better = sum(values(j) > values(i) for j in self.candidates)
        tied = sum(values(j) == values(i) for j in self.candidates) - 1
        if better == 0:
            expected = f"{'tied highest' if tied else 'the highest'} of {total}"
        else:
            expected = f"#{better + 1} of {total}"
        assert text == expected

    def whose(self, text: str | None, net: Network, i: int, keep: Callable[[int], bool]) -> None:
        """``text`` ("9 in DIJIN's wiretaps, 3 in SEPBLAC's transfers") against the
        distinct counterparts of i over the ties ``keep`` accepts, per dataset holding the
        tie's entity in the raw statements."""
        others: dict[str, set[int]] = {}
        for r, (a, b) in enumerate(zip(net.src.tolist(), net.dst.tolist(), strict=True)):
            if i in (a, b) and a != b and keep(r):
                for dataset in self.held.get(net.tie_ids[r], ()):
                    others.setdefault(dataset, set()).add(b if a == i else a)
        if not self.split:
            assert text is None
            return
        assert text is not None
        expected = sorted(((-len(o), d) for d, o in others.items()))
        assert text == ", ".join(
            f"{-n} in {_source_name(d, self.agencies[d])}" for n, d in expected
        )
        self.named |= {self.agencies[d] for d in others}

    def check(self, i: int, reason: str) -> None:
        net, g = self.net, self.g
        if m := re.fullmatch(
            r"(in contact with|tied to) (\d+) others? \((.+?)\)"
            r"(?:, (\d+|none) of them by calls or meetings)?"
            r"(?:; (\d+) of them within the period analysed)?",
            reason,
        ):
            ties = _counterparts(self.h, i)
            contacts = _counterparts(self.contacts, i)
            assert int(m[2]) == ties
            standing, _, sources = m[3].partition("; ")
            self.standing(standing, lambda j: _counterparts(self.h, j), i)
            self.whose(sources or None, self.history, i, lambda r: True)
            if m[1] == "in contact with":
                assert contacts == ties and m[4] is None
            else:
                assert contacts < ties and m[4] == (str(contacts) if contacts else "none")
            if m[5] is not None:
                assert int(m[5]) == _counterparts(g, i)
        elif m := re.fullmatch(
            r"lies on (\d+)% of the shortest paths between the (\d+) others \((.+)\): "
            r"a broker between parts of the network",
            reason,
        ):
            share = nx.betweenness_centrality(g)
            assert int(m[1]) == round(100 * share[i]) >= 1
            assert int(m[2]) == g.number_of_nodes() - 1
            self.standing(m[3], lambda j: round(share.get(j, 0.0), 9), i)
        elif m := re.fullmatch(
            r"tied to the best-connected people \((pagerank|eigenvector): .+ of (\d+)\)", reason
        ):
            assert int(m[2]) == len(self.candidates)
        elif m := re.fullmatch(r"in the innermost core of the network \(k-core (\d+)\)", reason):
            core = nx.core_number(g)
            assert int(m[1]) == core[i] == max(core.values())
        elif m := re.fullmatch(
            r"many counterparts with no tie to each other \(Burt's constraint (\S+)\): "
            r"controls what passes between them",
            reason,
        ):
            assert float(m[1]) == pytest.approx(
                nx.constraint(g, [i], weight="weight")[i], abs=0.006
            )
        elif m := re.fullmatch(
            r"brokers between (\d+) countries \((\w+); (.+)\): (\d+) pairs? of counterparts "
            r"in different countries with no tie of their own",
            reason,
        ):
            group = {j: net.countries[j][0] for j in g.nodes if net.countries[j]}
            nbrs = [j for j in g.neighbors(i) if j in group]
            others = sorted({group[j] for j in nbrs} - {group[i]})
            assert (m[2], m[3].split(", "), int(m[1])) == (group[i], others, len(others) + 1)
            pairs = sum(
                1
                for a, b in combinations(nbrs, 2)
                if not g.has_edge(a, b) and not group[a] == group[b] == group[i]
            )
            assert int(m[4]) == pairs
        elif m := re.fullmatch(
            r"initiated (\d+)% of the calls \((\d+) made, (\d+) received(?:; (.+))?\): "
            r"gives the orders",
            reason,
        ):
            calls = [
                (a, b, w)
                for a, b, w, k, d in zip(
                    net.src.tolist(), net.dst.tolist(), net.weight, net.kind, net.directed,
                    strict=True,
                )
                if d and k == "communication" and a != b
            ]  # fmt: skip
            made = sum(w for a, _, w in calls if a == i)
            received = sum(w for _, b, w in calls if b == i)
            assert (int(m[2]), int(m[3])) == (made, received)
            assert int(m[1]) == round(100 * made / (made + received))
            # whose records the calls are in: summed per dataset holding each call
            per: dict[str, float] = {}
            for r, (a, b, w, k, d) in enumerate(
                zip(net.src.tolist(), net.dst.tolist(), net.weight, net.kind, net.directed,
                    strict=True)
            ):  # fmt: skip
                if d and k == "communication" and a != b and i in (a, b):
                    for dataset in self.held.get(net.tie_ids[r], ()):
                        per[dataset] = per.get(dataset, 0.0) + float(w)
            if not self.split:
                assert m[4] is None
            else:
                ordered = sorted((-n, d) for d, n in per.items())
                parts = [f"{-n:g} in {_source_name(d, self.agencies[d])}" for n, d in ordered]
                assert m[4] == ", ".join(parts)
                self.named |= {self.agencies[d] for d in per}
        elif m := re.fullmatch(
            r"in none of the (\d+) seizures?, but ([\d or]+) steps? from the people in (\d+) "
            r"of them: close to the operations, hands off the goods",
            reason,
        ):
            events = [e for e in net.events if e.involved]
            assert int(m[1]) == len(events)
            lengths = nx.single_source_shortest_path_length(g, i)
            near = [min(lengths[j] for j in e.involved if j in lengths) for e in events
                    if any(j in lengths for j in e.involved)]  # fmt: skip
            assert int(m[3]) == len(near) and 0 not in near
            assert m[2] == " or ".join(str(s) for s in sorted(set(near)))
        elif m := re.fullmatch(
            r"(?:receives money from (\d+) (?:payer|different payers)(?: \((.+?)\))?)?"
            r"(?: and )?"
            r"(?:owns or controls (\d+) (?:company or asset|companies or assets)"
            r"(?: \((.+?)\))?)?"
            r": where the money converges",
            reason,
        ):
            kinds = net.kind
            payers = {a for a, b, k, d in zip(net.src, net.dst, kinds, net.directed, strict=True)
                      if k == MONEY and d and b == i and a != i}  # fmt: skip
            owned = {b for a, b, k, d in zip(net.src, net.dst, kinds, net.directed, strict=True)
                     if k == OWNERSHIP and d and a == i and b != i}  # fmt: skip
            assert int(m[1] or 0) == len(payers) and int(m[3] or 0) == len(owned)
            directed = net.directed.tolist()
            if m[1]:
                self.whose(m[2], net, i, lambda r: kinds[r] == MONEY and directed[r]
                           and int(net.dst[r]) == i)  # fmt: skip
            if m[3]:
                self.whose(m[4], net, i, lambda r: kinds[r] == OWNERSHIP and directed[r]
                           and int(net.src[r]) == i)  # fmt: skip
        elif m := re.fullmatch(
            r"among the top 20% by counterparts in (\d+) of (\d+) phases? \(present in (\d+)\)",
            reason,
        ):
            phases = self.history.phases
            assert int(m[2]) == len(phases)
            top = present = 0
            for phase in phases:
                part = _graph(self.history.of_phase(phase))
                if i not in part:
                    continue
                present += 1
                mine = part.degree(i)
                below = sum(part.degree(j) < mine for j in part.nodes)
                same = sum(part.degree(j) == mine for j in part.nodes)
                top += (below + same / 2) / part.number_of_nodes() >= 0.8
            assert (int(m[1]), int(m[3])) == (top, present)
        else:
            assert reason == "no single signal stands out; ranked on the combined score"


def test_every_figure_in_every_reason_is_true_of_the_window(store: Store) -> None:
    cases = [(["caviar"], Window())] + [(["caviar"], Window(phase=str(p))) for p in range(1, 12)]
    cases.append((None, Window()))  # the demo case with CAVIAR and OFAC beside it
    cases.append(([d.dataset for d in generate_case(7).files], Window()))  # the demo alone
    cases.append((["ofac"], Window()))  # a watch list's "Linked To"
    checked = 0
    for datasets, window in cases:
        view = store.view(Viewer.local_admin(), purpose="tests", datasets=datasets)
        net = network_of(view, window=window).network
        ranking = rank_leaders(net)
        checker = Checker(net, ranking, view)
        for leader in ranking.leaders:
            for reason in leader.reasons:
                checker.check(net.index[leader.entity_id], reason)
                checked += 1
    assert checked > 300


def test_meetings_keep_who_attended_which_and_how_big_they_were() -> None:
    # meeting A: 0, 1, 2, 3, 4, 5 (big); B: 0, 6 (small); C: 6, 7 (small)
    from cupula.graph import twomode
    from cupula.graph.network import Event

    net = Network.from_edges(8, [0], [1])
    meetings = (
        Event("A", "A", None, None, (0, 1, 2, 3, 4, 5)),
        Event("B", "B", None, None, (0, 6)),
        Event("C", "C", None, None, (6, 7)),
    )
    net = replace(net, meetings=meetings)
    att = twomode.attendance(net)
    assert att is not None
    assert att.attended.tolist() == [2, 1, 1, 1, 1, 1, 2, 1]
    assert att.small.tolist() == [1, 0, 0, 0, 0, 0, 2, 1]
    # two-mode betweenness against networkx on the person x meeting graph
    g = nx.Graph([(p, f"m{k}") for k, m in enumerate(meetings) for p in m.involved])
    people = list(range(8))
    raw = nx.betweenness_centrality_subset(g, people, people)
    pairs = 7 * 6 / 2
    for p in people:
        assert att.betweenness[p] == pytest.approx(raw[p] / pairs)
    ranking = rank_leaders(net, options=LeaderOptions(weights={"meeting_betweenness": 1.0}))
    top = ranking.leaders[0]
    assert top.entity_id == "0"
    assert f"lies on {att.betweenness[0]:.0%} of the shortest paths between the other 7 " in (
        " ".join(top.reasons)
    )
    assert np.isclose(att.size_sum[0] / att.attended[0], 4.0)


def test_an_attendance_matrix_keeps_its_two_modes(sqlite_store: Store, tmp_path: Path) -> None:
    from cupula.ingest import ingest
    from tests.conftest import ADMIN

    path = tmp_path / "attendance.csv"
    path.write_text("person,summit,dinner,raid\nboss,1,0,0\nlt,1,1,0\na,0,1,1\nb,0,1,1\n")
    ingest(sqlite_store, path, by=ADMIN, dataset="meet", agency="CO-DIJIN",
           marking="UNCLASSIFIED H0 A1", fmt="attendance")  # fmt: skip
    net = network(sqlite_store)
    sizes = sorted(len(m.involved) for m in net.meetings)
    assert sizes == [2, 2, 3]  # who attended which, and how many: not only co-presence
    assert sum(k == "copresence" for k in net.kind) == 1 + 3 + 1


# --- whose records the evidence is in (issue 14, item 1) --------------------------------


def test_reasons_of_a_fused_node_say_whose_records_the_evidence_is_in(store: Store) -> None:
    from cupula.graph.fusion import fusion_for
    from cupula.graph.projection import project
    from cupula.resolve.service import resolve_view

    case = generate_case(7)
    admin = Viewer.local_admin()
    whole = store.view(admin, purpose="tests")
    resolve_view(store, whole).close()
    view = store.view(admin, purpose="tests", datasets=[f.dataset for f in case.files])
    fusion = fusion_for(store, view, whole=whole)
    net = fusion.apply(project(view))
    ranking = rank_leaders(net)
    checker = Checker(net, ranking, view)
    for leader in ranking.leaders:
        for reason in leader.reasons:
            checker.check(net.index[leader.entity_id], reason)
    assert checker.split and checker.named <= set(checker.agencies.values())
    # each boss is one node of four partners' records; his reasons name two agencies
    for key in case.truth["leaders"]:
        records = set(case.truth["people"][key]["records"].values())
        boss = next(x for x in ranking.leaders if records <= set(fusion.members_of(x.entity_id)))
        text = " ".join(boss.reasons)
        assert "in SEPBLAC's transfers" in text and "in FIU's registry" in text, text
        assert re.search(r"received; \d+ in DIJIN's wiretaps\): gives the orders", text), text


def test_a_reason_never_names_an_agency_whose_records_the_viewer_cannot_see(
    sqlite_store: Store, tmp_path: Path
) -> None:
    # DIJIN's wiretaps (Colombia only) and SEPBLAC's transfers both hold call k1 of the
    # boss; Spain sees SEPBLAC's and the Guardia Civil's records, never DIJIN's
    from cupula.access.viewer import Role
    from cupula.model.marking import Classification

    people = [entity(p, "Person", name=p.upper()) for p in ("boss", "a", "b", "c", "d")]
    call = entity("k1", "Communication", initiator="boss", receiver="a")
    loads = [
        ("co-dijin-wiretaps", "CO-DIJIN", "COL", [call, entity("k2", "Communication",
                                                              initiator="boss", receiver="b")]),
        ("es-sepblac-transfers", "ES-SEPBLAC", "ESP",
         [call, entity("p1", "Payment", payer="c", beneficiary="boss")]),
        ("es-gc-ops", "ES-GC", "ESP", [entity("k3", "Communication", initiator="boss",
                                              receiver="d")]),
    ]  # fmt: skip
    for dataset, agency, country, ties in loads:
        load_entities(sqlite_store, tmp_path, [*people, *ties], dataset=dataset, agency=agency,
                      marking=f"UNCLASSIFIED REL TO {country} H0")  # fmt: skip
    spain = Viewer("luis", "ES-SEPBLAC", "ESP", Classification.CONFIDENTIAL,
                   frozenset({Role.ANALYST}))  # fmt: skip
    seen = {}
    for viewer in (spain, Viewer.local_admin()):
        view = sqlite_store.view(viewer, purpose="tests")
        net = network_of(view).network
        ranking = rank_leaders(net, options=LeaderOptions(weights={"degree": 1.0}))
        checker = Checker(net, ranking, view)
        for leader in ranking.leaders:
            for reason in leader.reasons:
                checker.check(net.index[leader.entity_id], reason)
        seen[viewer.agency] = " ".join(_leader(ranking, "boss").reasons)
        assert set(net.agencies) == {d for t in net.tie_ids for d in checker.held[t]}
    assert "DIJIN" not in seen["ES-SEPBLAC"]
    assert "2 in SEPBLAC's transfers, 1 in GC's ops" in seen["ES-SEPBLAC"]
    assert (
        "2 in DIJIN's wiretaps, 2 in SEPBLAC's transfers, 1 in GC's ops"
        in (seen[Viewer.local_admin().agency])
    )
