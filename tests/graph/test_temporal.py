from __future__ import annotations

from dataclasses import replace

import numpy as np

from cupula.evaluation.sources import BUNDLED
from cupula.graph.network import Event, Network, phase_key
from cupula.graph.temporal import Window, restrict


def montagna_meetings() -> Network:
    """Montagna's meetings (bundled copy), as arrays."""
    rows = [
        line.split()
        for line in (BUNDLED["montagna"] / "Montagna_meetings_edgelist.tsv")
        .read_text()
        .splitlines()
    ]
    labels = sorted({r[0] for r in rows} | {r[1] for r in rows}, key=int)
    index = {label: i for i, label in enumerate(labels)}
    return Network.from_edges(
        len(labels),
        [index[r[0]] for r in rows],
        [index[r[1]] for r in rows],
        weight=[float(r[2]) for r in rows],
        node_ids=[f"N{label}" for label in labels],
    )


def dated() -> Network:
    net = Network.from_edges(4, [0, 1, 2, 0], [1, 2, 3, 3])
    return replace(
        net,
        date=["2025-01-10", "2025-02", None, "2025-03-05"],
        phase=["1", "2", "10", None],
        events=(
            Event("s1", "seizure 1", "2025-02-01", "2", (1,)),
            Event("s2", "seizure 2", "2025-04-01", "10", (2,)),
        ),
    )


def test_phases_sort_naturally() -> None:
    assert sorted(["10", "2", "phase 1"], key=phase_key) == ["phase 1", "2", "10"]
    assert dated().phases == ["1", "2", "10"]


def test_as_of_keeps_the_past_and_counts_the_undated() -> None:
    cut = restrict(dated(), Window(as_of="2025-02-28"))
    assert cut.network.src.tolist() == [0, 1]  # 2025-01-10 and 2025-02 (February)
    assert cut.undated == 1
    assert [e.entity_id for e in cut.network.events] == ["s1"]


def test_between_is_inclusive_on_date_prefixes() -> None:
    cut = restrict(dated(), Window(between=("2025-02", "2025-03-05")))
    assert cut.network.src.tolist() == [1, 0]
    assert cut.network.history is not None
    assert cut.network.history.m == 3  # everything up to the end of the window


def test_a_phase_has_its_ties_and_a_history_that_never_looks_ahead() -> None:
    cut = restrict(dated(), Window(phase="2"))
    assert cut.network.src.tolist() == [1]
    history = cut.network.history
    assert history is not None and history.phase == ["1", "2"]
    assert [e.entity_id for e in cut.network.events] == ["s1"]
    assert [e.entity_id for e in history.events] == ["s1"]


def test_no_window_is_the_whole_network() -> None:
    net = dated()
    cut = restrict(net, Window())
    assert cut.network is net and cut.undated == 0
    assert np.count_nonzero(cut.network.active) == 4
