"""Meetings as meetings: the person x event structure of attendance data.

Projecting an attendance matrix to co-presence ties (``projection``) says who was with
whom, but not how many meetings a person attended, how big they were, or who chose to
be at the small ones where decisions are taken. These measures keep the two modes
(Borgatti & Everett 1997, "Network analysis of 2-mode data"):

- attended: meetings a person attended;
- small: meetings of at most ``SMALL_MEETING`` people a person attended;
- two-mode betweenness: in the graph of people and meetings (a person is tied to each
  meeting he attended), the share of the shortest paths between pairs of the other
  attendees that pass through the person.

Every value is computed on ``Network.meetings`` of the network measured (the window),
so the figures a reason quotes are true of that window.
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph as ig
import numpy as np

from cupula.graph.network import FloatArray, Network

SMALL_MEETING = 5  # people; a meeting this small is where decisions are taken


@dataclass(frozen=True)
class Attendance:
    attended: FloatArray  # meetings each node attended
    small: FloatArray  # meetings of at most SMALL_MEETING people each node attended
    size_sum: FloatArray  # summed sizes of the meetings each node attended
    betweenness: FloatArray  # two-mode betweenness (share of pairs of other attendees)
    attendees: int  # people who attended at least one meeting
    meetings: int
    small_meetings: int


def sizes(net: Network) -> list[int]:
    """People at each meeting (distinct nodes involved)."""
    return [len(set(m.involved)) for m in net.meetings]


def attendance(net: Network) -> Attendance | None:
    """The two-mode measures of ``net.meetings``, or None when nobody attended any."""
    meetings = [sorted(set(m.involved)) for m in net.meetings if m.involved]
    if not meetings:
        return None
    attended = np.zeros(net.n)
    small = np.zeros(net.n)
    size_sum = np.zeros(net.n)
    edges: list[tuple[int, int]] = []
    for k, people in enumerate(meetings):
        size = len(people)
        for i in people:
            attended[i] += 1
            size_sum[i] += size
            small[i] += size <= SMALL_MEETING
            edges.append((i, net.n + k))
    return Attendance(
        attended=attended,
        small=small,
        size_sum=size_sum,
        betweenness=_betweenness(net.n, len(meetings), edges, np.flatnonzero(attended > 0)),
        attendees=int(np.count_nonzero(attended)),
        meetings=len(meetings),
        small_meetings=sum(len(people) <= SMALL_MEETING for people in meetings),
    )


def _betweenness(
    n: int, meetings: int, edges: list[tuple[int, int]], people: np.ndarray
) -> FloatArray:
    """Subset betweenness between attendees in the person x meeting graph, as a share
    of the pairs of other attendees (meetings are never a path's end)."""
    graph = ig.Graph(n=n + meetings, edges=edges, directed=False)
    sources = people.tolist()
    raw = np.asarray(
        graph.betweenness(directed=False, sources=sources, targets=sources), dtype=np.float64
    )
    a = len(sources)
    pairs = max((a - 1) * (a - 2) / 2, 1.0)
    return np.asarray(raw[:n] / pairs, dtype=np.float64)
