"""``cupula eval leaders``: the leader ranking on real networks with known leaders.

Every network goes the way a partner's file would: ``ingest`` into a fresh store, read
back through a view, projected, cut to a phase where asked, and ranked. Plain degree,
betweenness, eigenvector and PageRank are computed on the same projected network in
the same run, candidates ordered by value with ties broken by name (the same for all).

Known leaders (from each dataset's SOURCE.md):

- CAVIAR: 1 (Serero, the mastermind) is the target; 3 (Perlini, lieutenant) and 12
  (Morales, cocaine-import organiser) are the other leaders.
- Montagna: N11 (boss of Cosa Nostra in Messina) is the target; family bosses N2, N3,
  N14, N16, N42, N46 and deputy boss N47 are the other leaders.

Meetings kept person x event (``graph.twomode``) are measured wherever a network holds
attendance: the ranking is run again with the meeting signals given weight, beside the
default; a network without attendance says so (``with_meeting_signals`` is null), so
that no weight is given to signals no labelled network has tested.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from cupula.access.viewer import Viewer
from cupula.evaluation.metrics import RankQuality, quality
from cupula.evaluation.scratch import register_agency
from cupula.evaluation.sources import dataset_dir
from cupula.graph import measures
from cupula.graph.leaders import LeaderOptions, candidates_of, order_by, rank_leaders
from cupula.graph.network import FloatArray, Network
from cupula.graph.projection import project
from cupula.graph.temporal import Window, restrict
from cupula.ingest import LoadOptions, ingest
from cupula.store import Store

CAVIAR_LEADERS = {"1", "3", "12"}
MONTAGNA_LEADERS = {"11", "2", "3", "14", "16", "42", "46", "47"}  # ids k = node Nk
MEETING_SIGNALS = ("meetings", "small_meetings", "meeting_betweenness")
BASELINES: dict[str, Callable[[Network], FloatArray]] = {
    "degree": measures.degree,
    "betweenness": lambda net: measures.betweenness(net).values,
    "eigenvector": measures.eigenvector,
    "pagerank": measures.pagerank,
}


@dataclass(frozen=True)
class Case:
    family: str
    name: str
    network: Network
    leaders: set[str]
    primary: str


@dataclass
class CaseResult:
    family: str
    name: str
    nodes: int
    ties: int
    candidates: int
    ours: RankQuality
    baselines: dict[str, RankQuality]
    top5: list[str] = field(default_factory=list)
    meetings: int = 0  # meetings with attendance (two-mode) in the network
    with_meetings: RankQuality | None = None  # the meeting signals at weight 1 each
    # Known leaders among the candidates, and the best average precision any ordering of
    # the candidates could reach: a leader absent from the network counts 0 whatever the
    # method (five of Montagna's eight bosses never appear in the calls: at most 0.375).
    leaders_present: int = 0
    ceiling: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "network": self.name,
            "nodes": self.nodes,
            "ties": self.ties,
            "candidates": self.candidates,
            "leader_score": self.ours.as_dict(),
            "baselines": {k: v.as_dict() for k, v in self.baselines.items()},
            "top5": self.top5,
            "meetings": self.meetings,
            "with_meeting_signals": (
                None if self.with_meetings is None else self.with_meetings.as_dict()
            ),
            "leaders_present": self.leaders_present,
            "ceiling": round(self.ceiling, 4),
        }


@dataclass
class Report:
    results: list[CaseResult]
    skipped: dict[str, str]
    sources: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "networks": [r.as_dict() for r in self.results],
            "skipped": self.skipped,
            "sources": self.sources,
        }


@contextmanager
def _scratch_store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory(prefix="cupula-eval-") as tmp:
        store = Store.open(str(Path(tmp) / "eval.db"))
        try:
            yield store
        finally:
            store.close()


def _load(store: Store, path: Path, dataset: str, agency: str, **options: Any) -> None:
    fmt = options.pop("fmt")
    register_agency(store, agency)
    ingest(
        store,
        path,
        by=Viewer.local_admin(),
        dataset=dataset,
        agency=agency,
        marking="UNCLASSIFIED H0 A1",
        fmt=fmt,
        options=LoadOptions(**options),
    )


def _network(store: Store, *datasets: str) -> Network:
    return project(store.view(Viewer.local_admin(), datasets=list(datasets)))


def caviar_cases(folder: Path) -> Iterator[Case]:
    with _scratch_store() as store:
        for phase in range(1, 12):
            _load(
                store,
                folder / f"phase{phase}.csv",
                "caviar-phases",
                "CA-RCMP",
                fmt="matrix",
                phase=str(phase),
                directed=True,
                namespace="caviar",
            )
        _load(
            store,
            folder / "caviar_full_110x110.csv",
            "caviar-full",
            "CA-RCMP",
            fmt="matrix",
            directed=True,
            namespace="caviar",
        )
        full = _network(store, "caviar-full")
        yield Case("CAVIAR", "aggregate (110 x 110)", full, CAVIAR_LEADERS, "1")
        phases = _network(store, "caviar-phases")
        for name in phases.phases:
            cut = restrict(phases, Window(phase=name)).network
            yield Case("CAVIAR", f"phase {name}", cut, CAVIAR_LEADERS, "1")


def montagna_cases(folder: Path) -> Iterator[Case]:
    with _scratch_store() as store:
        _load(
            store,
            folder / "Montagna_phonecalls_edgelist.tsv",
            "montagna-calls",
            "IT-ROS",
            fmt="edgelist",
            directed=True,
            channel="phone",
            namespace="montagna",
        )
        _load(
            store,
            folder / "Montagna_meetings_edgelist.tsv",
            "montagna-meetings",
            "IT-ROS",
            fmt="edgelist",
            directed=False,
            channel="meeting",
            namespace="montagna",
        )
        for name, datasets in (
            ("phone calls", ["montagna-calls"]),
            ("meetings", ["montagna-meetings"]),
            ("calls + meetings", ["montagna-calls", "montagna-meetings"]),
        ):
            net = _network(store, *datasets)
            yield Case("Montagna", name, net, MONTAGNA_LEADERS, "11")


FAMILIES: dict[str, Callable[[Path], Iterator[Case]]] = {
    "caviar": caviar_cases,
    "montagna": montagna_cases,
}


def evaluate(case: Case, options: LeaderOptions | None = None) -> CaseResult:
    options = options or LeaderOptions()
    net = case.network
    ranking = rank_leaders(net, options=replace(options, top=None))
    ours = [lead.name for lead in ranking.leaders]
    cands = candidates_of(net, options.schemata)
    baselines = {
        name: quality(
            [net.names[i] for i in order_by(net, f(net), cands)], case.leaders, case.primary
        )
        for name, f in BASELINES.items()
    }
    meetings = sum(1 for m in net.meetings if m.involved)
    present = len(case.leaders & {net.names[i] for i in cands})
    with_meetings = None
    if meetings:
        weights = {**options.weights, **dict.fromkeys(MEETING_SIGNALS, 1.0)}
        tried = rank_leaders(net, options=replace(options, top=None, weights=weights))
        with_meetings = quality([x.name for x in tried.leaders], case.leaders, case.primary)
    return CaseResult(
        family=case.family,
        name=case.name,
        nodes=int(np.count_nonzero(net.active)),
        ties=int(net.undirected.ecount()),
        candidates=len(cands),
        ours=quality(ours, case.leaders, case.primary),
        baselines=baselines,
        top5=ours[:5],
        meetings=meetings,
        with_meetings=with_meetings,
        leaders_present=present,
        ceiling=present / len(case.leaders) if case.leaders else 0.0,
    )


def run(
    data: Path | None = None,
    *,
    options: LeaderOptions | None = None,
    on_case: Callable[[CaseResult], None] | None = None,
) -> Report:
    report = Report([], {}, {})
    for family, cases in FAMILIES.items():
        folder = dataset_dir(family, data)
        if folder is None:
            report.skipped[family] = f"no {family}/ folder in {data or 'the shared data'}"
            continue
        report.sources[family] = str(folder)
        for case in cases(folder):
            result = evaluate(case, options)
            report.results.append(result)
            if on_case:
                on_case(result)
    return report
