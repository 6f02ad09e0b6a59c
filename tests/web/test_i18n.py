"""The Spanish interface leaves no English in a leader's reasons: every sentence the
ranking writes on CAVIAR (all of it and each phase) and on the demo case is rewritten."""

from __future__ import annotations

import re
from pathlib import Path

from cupula.access.viewer import Viewer
from cupula.demo.generator import generate_case
from cupula.demo.run import load_case, load_caviar
from cupula.graph.analysis import network_of
from cupula.graph.leaders import rank_leaders
from cupula.graph.temporal import Window
from cupula.store import Store
from cupula.web.i18n import TEXT, reason
from tests.conftest import register_agencies

ENGLISH = re.compile(
    r"\b(the|of|with|others|them|contact|contacts|shortest|tied|highest|core|brokers?|"
    r"initiated|seizures|money|phases?|steps|payers|companies|and|or|between|people)\b"
)


def test_both_languages_have_the_same_words() -> None:
    assert set(TEXT["en"]) == set(TEXT["es"])


def test_every_reason_the_ranking_writes_comes_out_in_spanish(tmp_path: Path) -> None:
    store = register_agencies(Store.open(str(tmp_path / "reasons.db")))
    load_caviar(store, tmp_path)
    load_case(store, generate_case(7), tmp_path)
    view = store.view(Viewer.local_admin(), purpose="tests")
    windows = [Window()] + [Window(phase=str(p)) for p in range(1, 12)]
    sentences = set()
    for dataset in (["caviar"], None):
        scoped = store.view(Viewer.local_admin(), purpose="tests", datasets=dataset)
        for window in windows if dataset else [Window()]:
            ranking = rank_leaders(network_of(scoped, window=window).network)
            sentences.update(r for leader in ranking.leaders for r in leader.reasons)
    assert view.count_statements() > 0 and len(sentences) > 50
    untranslated = {s: reason(s, "es") for s in sentences if ENGLISH.search(reason(s, "es"))}
    assert untranslated == {}
    assert (
        reason("in contact with 3 others (#2 of 9)", "en") == "in contact with 3 others (#2 of 9)"
    )
    store.close()


def test_reasons_of_meetings_and_of_ties_that_are_not_contacts_come_out_in_spanish() -> None:
    from dataclasses import replace

    import numpy as np

    from cupula.graph.leaders import LeaderOptions
    from cupula.graph.network import Event, Network

    # 0 pays 1..4 (ties, not contacts); 1..4 call each other; 0, 5, 6 meet in two rooms
    net = Network.from_edges(7, [0, 0, 0, 0, 1, 2, 3], [1, 2, 3, 4, 2, 3, 4], directed=True)
    net = replace(
        net,
        kind=["money"] * 4 + ["communication"] * 3,
        meetings=(Event("m1", "m1", None, None, (0, 5)), Event("m2", "m2", None, None, (0, 6))),
    )
    weights = {"degree": 1.0, "meetings": 1.0, "small_meetings": 1.0, "meeting_betweenness": 1.0}
    ranking = rank_leaders(net, options=LeaderOptions(weights=weights))
    sentences = {r for leader in ranking.leaders for r in leader.reasons}
    assert any(s.startswith("tied to 4 others") for s in sentences)
    assert any(s.startswith("attended 2 of the 2 meetings") for s in sentences)
    assert any("through the meetings" in s for s in sentences)
    untranslated = {s: reason(s, "es") for s in sentences if ENGLISH.search(reason(s, "es"))}
    assert untranslated == {} and np.all(ranking.values["meetings"] >= 0)
