"""Plain-words reasons for a leader's rank, each quoting figures that are true of the graph.

A reason is given for every signal where the person stands out (top quarter of the
candidates, or a strong insulation score), strongest contribution first. The figures
come from the same arrays the score was computed from; tests check them against the
data. Where the network's ties come from two or more datasets (partners' records fused
into one node), counts of counterparts, payers and holdings also say whose records they
are in (``graph.provenance``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from cupula.graph import provenance
from cupula.graph.network import MONEY, OWNERSHIP, FloatArray, Network
from cupula.graph.signals import RAW_SIGNALS, Signals
from cupula.graph.twomode import SMALL_MEETING

STANDS_OUT = 0.75
CONTEXT = 2  # reasons quoted from signals that do not carry the score


def _neighbour_groups(sig: Signals, i: int) -> list[str]:
    assert sig.groups is not None
    own = sig.groups[i]
    groups = {int(sig.groups[j]) for j in sig.net.undirected.neighbors(i)}
    return sorted(sig.group_labels[g] for g in groups if g >= 0 and g != own)


def counted(n: int, singular: str, plural: str) -> str:
    """ "1 other", "2 others": a count with its noun in the right number."""
    return f"{n} {singular if n == 1 else plural}"


def _number(x: float) -> str:
    """A summed weight as the data gave it: 42, or 2.5 when the weights were not whole."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _standing(sig: Signals, name: str, i: int) -> str:
    rank, total = sig.position(name, i)
    assert sig.candidates is not None
    values = sig.values[name][sig.candidates]
    tied = int(np.count_nonzero(values == sig.values[name][i])) - 1
    if rank == 1:
        return f"the highest of {total}" if not tied else f"tied highest of {total}"
    return f"#{rank} of {total}"


def _degree(sig: Signals, i: int) -> str:
    """Counterparts up to the end of the window; only calls and meetings are "contacts"."""
    ties = int(sig.values["degree"][i])
    assert sig.contacts is not None
    contacts = int(sig.contacts[i])
    standing = _standing(sig, "degree", i)
    history = sig.net.history or sig.net
    if provenance.split_by_source(history):
        standing += "; " + provenance.whose(history, provenance.counterparts_by_dataset(history, i))
    if contacts == ties:
        text = f"in contact with {counted(ties, 'other', 'others')} ({standing})"
    else:
        by_calls = f"{contacts} of them" if contacts else "none of them"
        text = (
            f"tied to {counted(ties, 'other', 'others')} ({standing}), "
            f"{by_calls} by calls or meetings"
        )
    if sig.window_degree is not None and sig.net.history is not None:
        text += f"; {int(sig.window_degree[i])} of them within the period analysed"
    return text


def _betweenness(sig: Signals, i: int) -> str | None:
    b = sig.betweenness
    assert b is not None
    v = float(b.values[i])
    # A share that prints as 0%, or that the sampling error could cancel, is no broker.
    if round(100 * v) < 1 or v <= b.error:
        return None
    bound = f" ± {b.error:.0%}" if b.error else ""
    others = counted(b.present - 1, "other", "others")
    return (
        f"lies on {v:.0%}{bound} of the shortest paths between the {others} "
        f"({_standing(sig, 'betweenness', i)}): a broker between parts of the network"
    )


def _brokerage(sig: Signals, i: int) -> str | None:
    assert sig.brokerage is not None and sig.groups is not None
    v = float(sig.values["brokerage"][i])
    own = sig.group_labels[sig.groups[i]] if sig.groups[i] >= 0 else "unknown"
    others = _neighbour_groups(sig, i)
    if v <= 0 or not others:
        return None
    about = "about " if sig.brokerage.sampled[i] else ""
    pairs = counted(round(v), "pair", "pairs")
    return (
        f"brokers between {len(others) + 1} countries ({own}; {', '.join(others)}): "
        f"{about}{pairs} of counterparts in different countries with no tie of their own"
    )


def _initiative(sig: Signals, i: int) -> str | None:
    assert sig.initiated is not None and sig.received is not None
    v = float(sig.values["initiative"][i])
    out, inn = sig.initiated[i], sig.received[i]
    if out + inn == 0 or v < 0.6:
        return None
    whose = ""
    if provenance.split_by_source(sig.net):
        whose = "; " + provenance.whose(sig.net, provenance.calls_by_dataset(sig.net, i))
    return (
        f"initiated {v:.0%} of the calls ({_number(out)} made, {_number(inn)} received"
        f"{whose}): gives the orders"
    )


def _money(sig: Signals, i: int) -> str | None:
    assert sig.payers is not None and sig.owned is not None
    net = sig.net
    split = provenance.split_by_source(net)

    def source(kind: str, incoming: bool) -> str:
        if not split:
            return ""
        counts = provenance.counterparts_by_dataset(net, i, kinds=(kind,), incoming=incoming)
        return f" ({provenance.whose(net, counts)})" if counts else ""

    parts = []
    if payers := int(sig.payers[i]):
        word = "payer" if payers == 1 else "different payers"
        parts.append(f"receives money from {payers} {word}{source(MONEY, True)}")
    if owned := int(sig.owned[i]):
        things = counted(owned, "company or asset", "companies or assets")
        parts.append(f"owns or controls {things}{source(OWNERSHIP, False)}")
    return " and ".join(parts) + ": where the money converges" if parts else None


def _persistence(sig: Signals, i: int) -> str | None:
    top_phases = sum(1 for p in sig.phase_presence if p[i] >= 0.8)
    present = sum(1 for p in sig.phase_presence if p[i] > 0)
    if 2 * top_phases < len(sig.phases):
        return None
    return (
        f"among the top 20% by counterparts in {top_phases} of "
        f"{counted(len(sig.phases), 'phase', 'phases')} (present in {present})"
    )


def _meetings(sig: Signals, name: str, i: int) -> str | None:
    a = sig.attendance
    assert a is not None
    standing = _standing(sig, name, i)
    if name == "meetings":
        if not a.attended[i]:
            return None
        mean = a.size_sum[i] / a.attended[i]
        return (
            f"attended {int(a.attended[i])} of the "
            f"{counted(a.meetings, 'meeting', 'meetings')} ({standing}), "
            f"of {mean:.1f} people on average"
        )
    if name == "small_meetings":
        if not a.small[i]:
            return None
        return (
            f"attended {int(a.small[i])} of the {counted(a.small_meetings, 'meeting', 'meetings')}"
            f" of at most {SMALL_MEETING} people ({standing}): where few are present"
        )
    v = float(a.betweenness[i])
    if round(100 * v) < 1:
        return None
    return (
        f"lies on {v:.0%} of the shortest paths between the other "
        f"{counted(a.attendees - 1, 'attendee', 'attendees')} through the meetings "
        f"({standing}): links those who never meet"
    )


def _sentence(sig: Signals, name: str, i: int, pct: float) -> str | None:
    v = sig.values[name][i]
    if name == "degree":
        return _degree(sig, i)
    if name == "betweenness":
        return _betweenness(sig, i)
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
            f"many counterparts with no tie to each other (Burt's constraint {-v:.2f}): "
            "controls what passes between them"
        )
    if name == "brokerage":
        return _brokerage(sig, i)
    if name == "initiative":
        return _initiative(sig, i)
    if name == "insulation":
        return _insulation(sig, i)
    if name == "money":
        return _money(sig, i)
    if name == "persistence":
        return _persistence(sig, i)
    if name in ("meetings", "small_meetings", "meeting_betweenness"):
        return _meetings(sig, name, i)
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
    word = "step" if near == [1] else "steps"
    return (
        f"in none of the {counted(len(events), 'seizure', 'seizures')}, but {how} {word} "
        f"from the people in {len(steps)} of them: close to the operations, hands off the goods"
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
