"""Rank the people most likely at the top of an organisation, and say why.

``rank_leaders(network, options=...)`` combines the signals of ``graph.signals`` into
one score: the weighted mean of each signal's percentile among the candidates (people,
or every party when the data has no people). A score of 0.9 means "on average, at
least as high as 90% of the others on what we could measure". Each leader comes with
reasons in plain words, the figures behind them, and the ties that are the evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cupula.errors import InvalidInput
from cupula.graph import signals as sg
from cupula.graph.measures import EXACT_BETWEENNESS_LIMIT
from cupula.graph.network import FloatArray, IntArray, Network
from cupula.graph.reasons import evidence_ties, reasons_for

PEOPLE = ("Person",)


@dataclass(frozen=True)
class LeaderOptions:
    weights: Mapping[str, float] = field(default_factory=lambda: dict(sg.DEFAULT_WEIGHTS))
    top: int | None = None
    schemata: tuple[str, ...] = PEOPLE
    exact_betweenness_limit: int = EXACT_BETWEENNESS_LIMIT
    evidence: int = 5  # ties quoted per leader


@dataclass(frozen=True)
class Leader:
    entity_id: str
    name: str
    rank: int
    score: float
    reasons: list[str]
    signals: dict[str, dict[str, float]]
    evidence: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "rank": self.rank,
            "score": round(self.score, 4),
            "reasons": self.reasons,
            "signals": self.signals,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Ranking:
    leaders: list[Leader]
    signals: list[str]
    weights: dict[str, float]
    candidates: int
    nodes: int
    ties: int  # tie records: each call, meeting or payment counts, parallel ones too
    pairs: int  # pairs of parties with at least one tie (the undirected simple graph)
    betweenness: str
    scores: dict[str, float]  # entity id -> score, for every candidate
    # every signal's value per node, so that callers reuse them (betweenness is costly)
    values: dict[str, FloatArray] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "leaders": [leader.as_dict() for leader in self.leaders],
            "signals": self.signals,
            "weights": self.weights,
            "candidates": self.candidates,
            "nodes": self.nodes,
            "ties": self.ties,
            "pairs": self.pairs,
            "betweenness": self.betweenness,
        }


def candidates_of(net: Network, schemata: tuple[str, ...]) -> IntArray:
    """Active nodes of the wanted schemata; every active node if none is of them."""
    active = net.active
    wanted = np.array([s in schemata for s in net.schemata], dtype=bool) & active
    chosen = wanted if wanted.any() else active
    return np.flatnonzero(chosen)


def order_by(net: Network, values: FloatArray, candidates: IntArray) -> list[int]:
    """Candidates by ``values``, highest first, ties by name: how plain measures rank."""
    return sorted(candidates.tolist(), key=lambda i: (-values[i], net.names[i]))


def rank_leaders(net: Network, *, options: LeaderOptions | None = None) -> Ranking:
    options = options or LeaderOptions()
    unknown = set(options.weights) - set(sg.DEFAULT_WEIGHTS)
    if unknown:
        raise InvalidInput(
            f"unknown signal(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sg.DEFAULT_WEIGHTS)}"
        )
    cands = candidates_of(net, options.schemata)
    signals = sg.compute(net, cands, exact_limit=options.exact_betweenness_limit)
    used = {k: options.weights.get(k, 0.0) for k in signals.available}
    used = {k: w for k, w in used.items() if w > 0}
    pct = {
        name: values if name in sg.RAW_SIGNALS else sg.percentiles(values, cands)
        for name, values in signals.values.items()
    }
    total = sum(used.values()) or 1.0
    score = sum((w * pct[name] for name, w in used.items()), np.zeros(net.n)) / total
    # Highest score first; ties broken by degree, then id, so the order is reproducible.
    degree = signals.values["degree"]
    order = sorted(cands, key=lambda i: (-score[i], -degree[i], net.node_ids[i]))
    top = order if options.top is None else order[: options.top]
    leaders = [
        Leader(
            entity_id=net.node_ids[i],
            name=net.names[i],
            rank=r,
            score=float(score[i]),
            reasons=reasons_for(signals, pct, options.weights, int(i)),
            signals={
                name: {
                    "value": round(float(signals.values[name][i]), 6),
                    "percentile": round(float(pct[name][i]), 4),
                }
                for name in signals.available
            },
            evidence=evidence_ties(net, int(i), options.evidence),
        )
        for r, i in enumerate(top, start=1)
    ]
    assert signals.betweenness is not None
    return Ranking(
        leaders=leaders,
        signals=list(used),
        weights=used,
        candidates=len(cands),
        nodes=net.n,
        ties=net.m,
        pairs=net.undirected.ecount(),
        betweenness=signals.betweenness.method,
        scores={net.node_ids[i]: float(score[i]) for i in cands},
        values=signals.values,
    )
