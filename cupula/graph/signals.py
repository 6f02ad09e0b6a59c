"""The signals of leadership, computed on one network.

Each signal is a value per node; the ranking turns values into percentiles among the
candidates and weighs them. Signals the data cannot support are left out rather than
guessed: brokerage across countries needs nodes with known countries, initiative needs
directed calls, insulation needs seizures with the people involved, persistence needs
at least two phases, the meeting signals need attendance (``Network.meetings``).
``Signals.available`` lists what was computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cupula.graph import measures, twomode
from cupula.graph.brokerage import Brokerage, brokerage, country_groups
from cupula.graph.network import MONEY, OWNERSHIP, FloatArray, IntArray, Network

# name -> default weight in the leader score. Signals at 0 are still computed and quoted
# as reasons when a person stands out on them. Each kind of evidence weighs the same:
# - connectedness, 3 in all: contacts accumulated up to the analysis date (2) and
#   PageRank (1), the one kind CAVIAR's phases and Montagna can test; the 2:1 split was
#   fitted on CAVIAR and checked on Montagna (docs/leaders.md);
# - each line of evidence specific to the field, 3 each: brokerage across countries
#   (Gould & Fernandez 1989), insulation from seizures and money ending with the person
#   (Morselli 2009/2010: leaders trade reach for security, keep their hands off the goods
#   and hold the money). No labelled network holds countries, seizures or money, so
#   these are not fitted; they are as heavy as connectedness because they are as
#   independent of one another as of it. At 1 each (before issue 14), connectedness held
#   half the score wherever all five signals exist, and the demo case's lieutenants, the
#   most connected, outranked the bosses whom money, seizures and countries point at.
DEFAULT_WEIGHTS: dict[str, float] = {
    "degree": 2.0,
    "pagerank": 1.0,
    "brokerage": 3.0,
    "insulation": 3.0,
    "money": 3.0,
    "betweenness": 0.0,
    "eigenvector": 0.0,
    "coreness": 0.0,
    "structural_holes": 0.0,
    "initiative": 0.0,
    "persistence": 0.0,
    # Two-mode attendance (graph.twomode). None of the labelled networks we have holds
    # attendance, so their effect on the ranking is unmeasured: reported, not scored
    # (docs/leaders.md).
    "meetings": 0.0,
    "small_meetings": 0.0,
    "meeting_betweenness": 0.0,
}
RAW_SIGNALS = {"insulation"}  # already in [0, 1]; not turned into percentiles


@dataclass
class Signals:
    """Values per node, and the facts the reasons quote."""

    net: Network
    values: dict[str, FloatArray] = field(default_factory=dict)
    betweenness: measures.Betweenness | None = None
    brokerage: Brokerage | None = None
    group_labels: list[str] = field(default_factory=list)
    groups: IntArray | None = None
    initiated: FloatArray | None = None
    received: FloatArray | None = None
    event_distance: FloatArray | None = None
    phase_presence: list[FloatArray] = field(default_factory=list)  # percentile per phase
    phases: list[str] = field(default_factory=list)
    window_degree: FloatArray | None = None  # counterparts within the window itself
    contacts: FloatArray | None = None  # counterparts by calls or meetings, up to the end
    attendance: twomode.Attendance | None = None
    candidates: IntArray | None = None
    payers: FloatArray | None = None  # distinct parties paying each node
    owned: FloatArray | None = None  # distinct assets each node owns or controls

    def position(self, name: str, i: int) -> tuple[int, int]:
        """(rank, out of) of node i among the candidates on signal ``name``."""
        assert self.candidates is not None
        values = self.values[name][self.candidates]
        return int(np.count_nonzero(values > self.values[name][i])) + 1, len(values)

    @property
    def available(self) -> list[str]:
        return list(self.values)


def percentiles(values: FloatArray, candidates: IntArray) -> FloatArray:
    """Percentile rank among the candidates: the share below, plus half the ties.

    Nodes that are not candidates get 0. A value most candidates share (no brokerage
    at all, one contact) thus lands near the middle, not at the top.
    """
    out = np.zeros(len(values))
    if len(candidates):
        # average ranks (1-based; tied values share the mean of their ranks)
        _, inverse, counts = np.unique(values[candidates], return_inverse=True, return_counts=True)
        last = np.cumsum(counts)
        ranks = ((last - counts + 1 + last) / 2)[inverse]
        out[candidates] = (ranks - 0.5) / len(candidates)
    return out


def insulation_score(distance: FloatArray) -> FloatArray:
    """1 for two or three steps from a seizure without being in one; 0 for being in one.

    Leaders give orders but keep their hands off the goods (Morselli 2009): close enough
    to run the operation, never among those caught with it.
    """
    score = np.full(len(distance), 0.3)  # unconnected to any seizure: no evidence
    score[distance == 0] = 0.0
    score[distance == 1] = 0.6
    score[(distance == 2) | (distance == 3)] = 1.0
    score[(distance > 3) & np.isfinite(distance)] = 0.5
    return score


def compute(net: Network, candidates: IntArray, *, exact_limit: int) -> Signals:
    sig = Signals(net, candidates=candidates)
    v = sig.values
    history = net.history or net
    # Contacts so far: everyone the person has dealt with up to the end of the window.
    # A boss who is quiet in one phase keeps the reach he built before it.
    v["degree"] = measures.degree(history)
    sig.window_degree = measures.degree(net) if history is not net else v["degree"]
    sig.contacts = measures.contacts(history)
    sig.betweenness = measures.betweenness(net, exact_limit=exact_limit)
    v["betweenness"] = sig.betweenness.values
    v["pagerank"] = measures.pagerank(net)
    v["eigenvector"] = measures.eigenvector(net)
    v["coreness"] = measures.coreness(net)
    v["structural_holes"] = -measures.constraint(net)
    groups, labels = country_groups(net)
    if len(labels) >= 2:
        sig.groups, sig.group_labels = groups, labels
        sig.brokerage = brokerage(net, groups)
        v["brokerage"] = sig.brokerage.across
    if net.calls_graph.ecount() > 0:
        share, sig.initiated, sig.received = measures.initiative(net)
        v["initiative"] = share
    money = _money_control(net)
    if money is not None:
        sig.payers, sig.owned = money
        v["money"] = sig.payers + sig.owned
    if any(e.involved for e in net.events):
        sig.event_distance = measures.distances_to_events(net)
        v["insulation"] = insulation_score(sig.event_distance)
    sig.attendance = twomode.attendance(net)
    if sig.attendance is not None:
        v["meetings"] = sig.attendance.attended
        v["small_meetings"] = sig.attendance.small
        v["meeting_betweenness"] = sig.attendance.betweenness
    if len(history.phases) >= 2:
        sig.phases = history.phases
        for phase in history.phases:
            part = history.of_phase(phase)
            present = np.flatnonzero(part.active)
            sig.phase_presence.append(percentiles(measures.degree(part), present))
        v["persistence"] = np.mean(sig.phase_presence, axis=0)
    return sig


def _money_control(net: Network) -> tuple[FloatArray, FloatArray] | None:
    """(distinct payers into each node, distinct assets each node owns), or None when the
    network has no payments and no ownership: where money converges and who holds it."""
    kinds = np.array(net.kind, dtype=object)
    pay = (kinds == MONEY) & net.directed
    own = (kinds == OWNERSHIP) & net.directed
    if not pay.any() and not own.any():
        return None
    payers = np.zeros(net.n)
    owned = np.zeros(net.n)
    pairs = {(int(a), int(b)) for a, b in zip(net.src[pay], net.dst[pay], strict=True) if a != b}
    for _, b in pairs:
        payers[b] += 1
    holdings = {(int(a), int(b)) for a, b in zip(net.src[own], net.dst[own], strict=True) if a != b}
    for a, _ in holdings:
        owned[a] += 1
    return payers, owned
