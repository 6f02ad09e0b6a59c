"""`leaders --phase 11` and the phase-by-phase table of `keyplayers` count the same
ties (issue 13, item 17): each tie record (a call, a meeting), and apart from them the
pairs of parties in contact. They said 72 and 50 for CAVIAR's phase 11: one counted
calls, the other pairs, both under the name "ties"."""

from __future__ import annotations

from pathlib import Path

from cupula.access.viewer import Viewer
from cupula.demo.run import load_caviar
from cupula.graph.analysis import network_of
from cupula.graph.disruption import timeline
from cupula.graph.leaders import rank_leaders
from cupula.graph.temporal import Window
from cupula.store import Store
from tests.conftest import register_agencies


def test_leaders_and_the_phase_table_count_ties_and_pairs_alike(tmp_path: Path) -> None:
    store = register_agencies(Store.open(str(tmp_path / "caviar.db")), "CA-RCMP")
    load_caviar(store, tmp_path)
    view = store.view(Viewer.local_admin(), purpose="tests", datasets=["caviar"])
    states = {s.phase: s for s in timeline(network_of(view).network)}
    for phase in ("1", "11"):
        ranking = rank_leaders(network_of(view, window=Window(phase=phase)).network)
        assert (states[phase].ties, states[phase].pairs) == (ranking.ties, ranking.pairs)
    assert (states["11"].ties, states["11"].pairs) == (72, 50)
    store.close()
