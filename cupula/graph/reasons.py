"""Plain-words reasons for a leader's rank, each quoting figures that are true of the graph.

A reason is given for every signal where the person stands out (top quarter of the
candidates, or a strong insulation score), strongest contribution first. The figures
come from the same arrays the score was computed from; tests check them against the
data.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from cupula.graph.network import FloatArray, Network
from cupula.graph.signals import RAW_SIGNALS, Signals

STANDS_OUT = 0.75
CONTEXT = 2  # reasons quoted from signals that do not carry the score


def _neighbour_groups(sig: Signals, i: int) -> list[str]:
    assert sig.groups is not None
    own = sig.groups[i]
    groups = {int(sig.groups[j]) for j in sig.net.undirected.neighbors(i)}
    return sorted(sig.group_labels[g] for g in groups if g >= 0 and g != own)


def _standing(sig: Signals, name: str, i: int) -> str:
    rank, total = sig.position(name, i)
    assert sig.candidates is not None
    values = sig.values[name][sig.candidates]
    tied = int(np.count_nonzero(values == sig.values[name][i])) - 1
    if rank == 1:
        return f"the highest of {total}" if not tied else f"tied highest of {total}"
    return f"#{rank} of {total}"


def _sentence(sig: Signals, name: str, i: int, pct: float) -> str | None:
    v = sig.values[name][i]
    if name == "degree":
        text = f"in contact with {int(v)} others ({_standing(sig, name, i)})"
        if sig.window_degree is not None and sig.net.history is not None:
            text += f"; {int(sig.window_degree[i])} of them within the period analysed"
        return text
    if name == "betweenness":
        b = sig.betweenness
        assert b is not None
        bound = f" ± {b.error:.0%}" if b.error else ""
        return (
            f"lies on {v:.0%}{bound} of the shortest paths between the others "
            f"({_standing(sig, name, i)}): a broker between parts of the network"
        )
    if name in ("pagerank", "eigenvector"):
        return f"tied to the best-connected people ({name}: {_standing(sig, name, i)})"
    if name == "coreness":
        top = int(sig.values["coreness"].max())
        if top < 3 or int(v) < top:
            return None
        return f"in the innermost core of the network (k-core {int(v)})"
    if name == "structural_holes":
        if -v > 0.35:
            return None
        return (
            f"many contacts with no tie to each other (Burt's constraint {-v:.2f}): "
            "controls what passes between them"
        )
    if name == "brokerage":
        assert sig.brokerage is not None and sig.groups is not None
        own = sig.group_labels[sig.groups[i]] if sig.groups[i] >= 0 else "unknown"
        others = _neighbour_groups(sig, i)
        if v <= 0 or not others:
            return None
        return (
            f"brokers between {len(others) + 1} countries ({own}; {', '.join(others)}): "
            f"{int(v)} pairs of contacts in different countries with no tie of their own"
        )
    if name == "initiative":
        assert sig.initiated is not None and sig.received is not None
        out, inn = sig.initiated[i], sig.received[i]
        if out + inn == 0 or v < 0.6:
            return None
        return (
            f"initiated {v:.0%} of the directed contacts "
            f"({int(out)} made, {int(inn)} received): gives the orders"
        )
    if name == "insulation":
        return _insulation(sig, i)
    if name == "money":
        assert sig.payers is not None and sig.owned is not None
        parts = []
        if sig.payers[i]:
            parts.append(f"receives money from {int(sig.payers[i])} different payers")
        if sig.owned[i]:
            parts.append(f"owns or controls {int(sig.owned[i])} companies or assets")
        return " and ".join(parts) + ": where the money converges" if parts else None
    if name == "persistence":
        top_phases = sum(1 for p in sig.phase_presence if p[i] >= 0.8)
        present = sum(1 for p in sig.phase_presence if p[i] > 0)
        if 2 * top_phases < len(sig.phases):
            return None
        return (
            f"among the top 20% by contacts in {top_phases} of {len(sig.phases)} phases "
            f"(present in {present})"
        )
    return None


def _insulation(sig: Signals, i: int) -> str | None:
    events = [e for e in sig.net.events if e.involved]
    if not events or sig.event_distance is None or sig.event_distance[i] == 0:
        return None
    dist = np.asarray(sig.net.undirected.distances(source=[i])[0], dtype=np.float64)
    nearest = [dist[list(e.involved)].min() for e in events]
    steps = [int(d) for d in nearest if np.isfinite(d)]
    if not steps:
        return None
    near = sorted(set(steps))
    how = " or ".join(str(s) for s in near)
    return (
        f"in none of the {len(events)} seizures, but {how} steps from the people in "
        f"{len(steps)} of them: close to the operations, hands off the goods"
    )


def reasons_for(
    sig: Signals, pct: Mapping[str, FloatArray], weights: Mapping[str, float], i: int
) -> list[str]:
    """Reasons for the signals that carry the score, then up to ``CONTEXT`` others."""
    scoring = sorted(
        (n for n in pct if weights.get(n, 0.0) > 0), key=lambda n: -weights[n] * pct[n][i]
    )
    context = sorted((n for n in pct if weights.get(n, 0.0) <= 0), key=lambda n: -pct[n][i])
    out: list[str] = []
    extra = 0
    for name in scoring + context:
        p = float(pct[name][i])
        threshold = 0.9 if name in RAW_SIGNALS else STANDS_OUT
        if p < threshold or (name == "eigenvector" and "pagerank" in scoring):
            continue
        if name in context and extra >= CONTEXT:
            break
        sentence = _sentence(sig, name, i, p)
        if sentence:
            out.append(sentence)
            extra += name in context
    return out or ["no single signal stands out; ranked on the combined score"]


def evidence_ties(net: Network, i: int, limit: int) -> list[str]:
    """The entities behind the node's strongest ties (heaviest first)."""
    rows = np.flatnonzero((net.src == i) | (net.dst == i))
    if not len(rows) or limit <= 0:
        return []
    rows = rows[np.argsort(-net.weight[rows], kind="stable")]
    seen: list[str] = []
    for r in rows:
        tie = net.tie_ids[r]
        if tie and tie not in seen:
            seen.append(tie)
        if len(seen) >= limit:
            break
    return seen
