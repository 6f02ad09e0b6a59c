"""The leader ranking: output shape, reasons true of the graph, signals used only when
the data supports them, and the known leaders of real networks."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from cupula.graph import measures
from cupula.graph.leaders import LeaderOptions, rank_leaders
from cupula.graph.network import Event, Network
from cupula.graph.temporal import Window, restrict
from cupula.store import Store
from tests.graph.helpers import entity, load_entities, network
from tests.graph.test_temporal import montagna_meetings


def test_every_leader_has_the_fields_and_reasons_that_match_the_graph() -> None:
    net = montagna_meetings()
    ranking = rank_leaders(net, options=LeaderOptions(top=15))
    degree = measures.degree(net)
    btw = measures.betweenness(net).values
    assert [x.rank for x in ranking.leaders] == list(range(1, 16))
    assert all(
        a.score >= b.score for a, b in zip(ranking.leaders, ranking.leaders[1:], strict=False)
    )
    for x in ranking.leaders:
        d = x.as_dict()
        assert {"entity_id", "name", "rank", "score", "reasons"} <= set(d)
        i = net.index[x.entity_id]
        assert x.reasons
        for reason in x.reasons:
            if m := re.match(
                r"in contact with (\d+) others \((#(\d+)|.*highest) of (\d+)\)", reason
            ):
                assert int(m.group(1)) == degree[i]
                better = int(np.count_nonzero(degree[net.active] > degree[i]))
                assert int(m.group(3) or 1) == better + 1
                assert int(m.group(4)) == ranking.candidates
            if m := re.match(r"lies on (\d+)% of the shortest paths", reason):
                assert int(m.group(1)) == round(100 * btw[i])
        assert x.signals["degree"]["value"] == degree[i]


def test_the_score_is_the_weighted_mean_of_percentiles() -> None:
    net = montagna_meetings()
    ranking = rank_leaders(net, options=LeaderOptions(weights={"degree": 1.0, "pagerank": 3.0}))
    for x in ranking.leaders[:10]:
        s = x.signals
        expected = (s["degree"]["percentile"] + 3 * s["pagerank"]["percentile"]) / 4
        assert x.score == pytest.approx(expected, abs=1e-3)
    assert ranking.weights == {"degree": 1.0, "pagerank": 3.0}


def test_unknown_signals_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown signal"):
        rank_leaders(montagna_meetings(), options=LeaderOptions(weights={"charisma": 1.0}))


def test_signals_need_data_that_supports_them() -> None:
    plain = rank_leaders(Network.from_edges(3, [0, 1], [1, 2]))
    assert "brokerage" not in plain.signals and "insulation" not in plain.signals
    assert set(plain.signals) == {"degree", "pagerank"}


def test_insulation_rewards_being_near_a_seizure_but_not_in_it() -> None:
    # boss 0 -> lieutenant 1 -> crew 2, 3 (seized); 4 is a bystander far away
    net = Network.from_edges(6, [0, 1, 1, 2, 4], [1, 2, 3, 3, 5])
    net = replace(net, events=(Event("s1", "Buenaventura", "2025-03-14", None, (2, 3)),))
    ranking = rank_leaders(net, options=LeaderOptions(weights={"insulation": 1.0}))
    by_id = {x.entity_id: x for x in ranking.leaders}
    assert by_id["0"].signals["insulation"]["value"] == 1.0
    assert by_id["2"].signals["insulation"]["value"] == 0.0
    assert by_id["1"].signals["insulation"]["value"] == 0.6
    assert ranking.leaders[0].entity_id == "0"
    assert any("in none of the 1 seizure, but 2 steps" in r for r in by_id["0"].reasons)


def test_brokerage_across_countries_is_explained(sqlite_store: Store, tmp_path: Path) -> None:
    load_entities(
        sqlite_store,
        tmp_path,
        [
            entity("m", "Person", name="Madrid Broker", country="es"),
            entity("a", "Person", name="Ana", nationality="co"),
            entity("b", "Person", name="Bo", nationality="co"),
            entity("d", "Person", name="Dubai Man", country="ae"),
            entity("t1", "Communication", initiator="m", receiver="a"),
            entity("t2", "Communication", initiator="m", receiver="b"),
            entity("t3", "Communication", initiator="m", receiver="d"),
        ],
    )
    ranking = rank_leaders(network(sqlite_store))
    top = ranking.leaders[0]
    assert top.name == "Madrid Broker"
    text = " ".join(top.reasons)
    assert "brokers between 3 countries (es; ae, co)" in text
    assert "3 pairs of counterparts in different countries" in text
    assert set(top.evidence) == {"t1", "t2", "t3"}


def test_people_are_ranked_not_companies_unless_there_are_no_people() -> None:
    net = replace(Network.from_edges(3, [0, 0], [1, 2]), schemata=["Company", "Person", "Person"])
    assert {x.entity_id for x in rank_leaders(net).leaders} == {"1", "2"}
    companies = replace(net, schemata=["Company"] * 3)
    assert len(rank_leaders(companies).leaders) == 3


def test_a_phase_is_judged_with_the_contacts_made_before_it() -> None:
    # phase 1: boss 0 calls 1..4; phase 2: 1 is busiest, 0 makes one call
    src = [0, 0, 0, 0, 1, 1, 1, 0]
    dst = [1, 2, 3, 4, 2, 3, 4, 1]
    net = replace(Network.from_edges(5, src, dst), phase=["1"] * 4 + ["2"] * 4)
    phase2 = restrict(net, Window(phase="2")).network
    boss = {x.entity_id: x for x in rank_leaders(phase2).leaders}["0"]
    assert boss.signals["degree"]["value"] == 4  # everyone he has dealt with so far
    assert "in contact with 4 others" in boss.reasons[0]
    assert "1 of them within the period analysed" in boss.reasons[0]
    alone = replace(phase2, history=None)  # the phase on its own, without its past
    assert {x.entity_id: x for x in rank_leaders(alone).leaders}["0"].score < boss.score


def test_percentiles_are_mid_ranks_among_the_candidates() -> None:
    from cupula.graph.signals import percentiles

    values = np.array([3.0, 1.0, 2.0, 2.0, 9.0])
    got = percentiles(values, np.array([0, 1, 2, 3]))  # node 4 is not a candidate
    # ranks 4, 1, 2.5, 2.5 among four candidates; (rank - 0.5) / 4
    assert got.tolist() == [0.875, 0.125, 0.5, 0.5, 0.0]
