"""The network an analysis runs on: typed, weighted, dated ties between parties.

A ``Network`` is plain arrays (one row per tie as the data recorded it), so that it can
be built from a view (``projection.project``) or straight from arrays for benchmarks,
cut to a date range or phase (``restrict``), and turned into igraph graphs with
parallel ties collapsed (``undirected`` / ``directed``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import igraph as ig
import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Tie kinds, from FtM's edge schemata (see projection.KIND_OF_SCHEMA).
COMMUNICATION = "communication"
COPRESENCE = "copresence"
MONEY = "money"
OWNERSHIP = "ownership"
FAMILY = "family"
MEMBERSHIP = "membership"
ASSOCIATE = "associate"
KINDS = (COMMUNICATION, COPRESENCE, MONEY, OWNERSHIP, FAMILY, MEMBERSHIP, ASSOCIATE)
# What a reason may call "contacts": calls and meetings (Communication, Contact, being at
# one event). Payments, ownership, family, representation or a watch list's "Linked To"
# are ties, not contacts.
CONTACT_KINDS = (COMMUNICATION, COPRESENCE)


def phase_key(phase: str) -> tuple[int, str]:
    """Order phases naturally: "2" before "10", "phase 2" before "phase 10"."""
    digits = re.findall(r"\d+", phase)
    return (int(digits[-1]) if digits else 1 << 30, phase)


@dataclass(frozen=True)
class Event:
    """An event and the nodes involved: a seizure (``Network.events``) or a meeting or
    summit that people attended (``Network.meetings``, the two-mode person x event data)."""

    entity_id: str
    label: str
    date: str | None
    phase: str | None
    involved: tuple[int, ...]


@dataclass(frozen=True)
class Network:
    """Nodes (entities) and ties; ``src``/``dst`` index into the node lists.

    ``directed[i]`` says whether tie i has a direction in the data (a call's initiator,
    a payment's payer); undirected ties keep whatever order they were read in.
    ``tie_ids[i]`` is the FtM entity the tie comes from: the evidence behind it.
    ``events`` are seizures (for insulation); ``meetings`` keep who attended which
    meeting or summit, beside the co-presence ties projected from them, so that the
    size of each meeting and who chose to be at the small ones are not lost.
    Whose records a tie comes from: ``sources[tie_source[i]]`` are the datasets (sorted)
    whose statements the viewer read tie i from (-1: not known, as for a network built
    from arrays), and ``agencies`` names the agency that owns each of those datasets.
    An int per tie, so that it costs little and follows every cut and merge.
    """

    node_ids: list[str]
    names: list[str]
    schemata: list[str]
    countries: list[tuple[str, ...]]
    src: IntArray
    dst: IntArray
    weight: FloatArray
    directed: npt.NDArray[np.bool_]
    kind: list[str]
    phase: list[str | None]
    date: list[str | None]
    tie_ids: list[str]
    events: tuple[Event, ...] = ()
    meetings: tuple[Event, ...] = ()
    history: Network | None = field(default=None, repr=False)
    tie_source: IntArray | None = field(default=None, repr=False)
    sources: tuple[tuple[str, ...], ...] = ()
    agencies: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_edges(
        cls,
        n: int,
        src: Sequence[int] | IntArray,
        dst: Sequence[int] | IntArray,
        *,
        weight: Sequence[float] | FloatArray | None = None,
        directed: bool = False,
        kind: str = COMMUNICATION,
        node_ids: list[str] | None = None,
    ) -> Network:
        """A network straight from arrays (for benchmarks and tests)."""
        s = np.asarray(src, dtype=np.int64)
        d = np.asarray(dst, dtype=np.int64)
        m = len(s)
        ids = node_ids or [str(i) for i in range(n)]
        return cls(
            node_ids=ids,
            names=list(ids),
            schemata=["Person"] * n,
            countries=[()] * n,
            src=s,
            dst=d,
            weight=np.ones(m) if weight is None else np.asarray(weight, dtype=np.float64),
            directed=np.full(m, directed),
            kind=[kind] * m,
            phase=[None] * m,
            date=[None] * m,
            tie_ids=[""] * m,
        )

    @property
    def n(self) -> int:
        return len(self.node_ids)

    @property
    def m(self) -> int:
        return len(self.src)

    @cached_property
    def index(self) -> dict[str, int]:
        return {node: i for i, node in enumerate(self.node_ids)}

    @cached_property
    def phases(self) -> list[str]:
        """The phases the ties were recorded in, in order."""
        return sorted({p for p in self.phase if p}, key=phase_key)

    def select(self, keep: npt.NDArray[np.bool_]) -> Network:
        """The same nodes with only the ties where ``keep`` is true."""
        rows = np.flatnonzero(keep)
        return replace(
            self,
            src=self.src[rows],
            dst=self.dst[rows],
            weight=self.weight[rows],
            directed=self.directed[rows],
            kind=[self.kind[i] for i in rows],
            phase=[self.phase[i] for i in rows],
            date=[self.date[i] for i in rows],
            tie_ids=[self.tie_ids[i] for i in rows],
            tie_source=None if self.tie_source is None else self.tie_source[rows],
        )

    def of_phase(self, phase: str) -> Network:
        """The same nodes with only the ties recorded in ``phase``."""
        return self.select(np.array([p == phase for p in self.phase], dtype=bool))

    def datasets_of(self, tie: int) -> tuple[str, ...]:
        """The datasets tie ``tie`` was read from (empty when not known)."""
        if self.tie_source is None or self.tie_source[tie] < 0:
            return ()
        return self.sources[int(self.tie_source[tie])]

    @cached_property
    def source_datasets(self) -> list[str]:
        """Every dataset some tie of this network was read from, sorted."""
        if self.tie_source is None:
            return []
        used = {int(c) for c in np.unique(self.tie_source) if c >= 0}
        return sorted({d for c in used for d in self.sources[c]})

    def of_kinds(self, kinds: Sequence[str]) -> Network:
        wanted = set(kinds)
        return self.select(np.array([k in wanted for k in self.kind], dtype=bool))

    @cached_property
    def active(self) -> npt.NDArray[np.bool_]:
        """Nodes that take part in at least one tie (the others are not ranked)."""
        mask = np.zeros(self.n, dtype=bool)
        mask[self.src] = True
        mask[self.dst] = True
        return mask

    @cached_property
    def present(self) -> int:
        """Nodes with a tie to someone else in this network: the people (and firms,
        accounts) a share "of the others" is taken over. Nodes known only from other
        windows, other datasets or a self-tie are not counted."""
        return int(np.count_nonzero(np.asarray(self.undirected.degree()) > 0))

    @cached_property
    def undirected(self) -> ig.Graph:
        """All ties as one simple undirected graph; weights of parallel ties summed."""
        lo = np.minimum(self.src, self.dst)
        hi = np.maximum(self.src, self.dst)
        return _collapse(self.n, lo, hi, self.weight, directed=False)

    @cached_property
    def directed_graph(self) -> ig.Graph:
        """Only the ties with a direction (who called whom, who paid whom), collapsed."""
        rows = np.flatnonzero(self.directed)
        return _collapse(self.n, self.src[rows], self.dst[rows], self.weight[rows], directed=True)

    @cached_property
    def calls_graph(self) -> ig.Graph:
        """Only the directed communications (who called whom), collapsed: a payment, an
        ownership or a power of attorney has a direction but is not an order given."""
        kinds = np.array(self.kind, dtype=object)
        rows = np.flatnonzero(self.directed & (kinds == COMMUNICATION))
        return _collapse(self.n, self.src[rows], self.dst[rows], self.weight[rows], directed=True)


def _collapse(n: int, a: IntArray, b: IntArray, w: FloatArray, *, directed: bool) -> ig.Graph:
    keep = a != b  # self-ties say nothing about position
    a, b, w = a[keep], b[keep], w[keep]
    key = a * np.int64(n) + b
    uniq, inverse = np.unique(key, return_inverse=True)
    weights = np.bincount(inverse, weights=w, minlength=len(uniq))
    edges = np.column_stack((uniq // n, uniq % n))
    graph = ig.Graph(n=n, edges=edges, directed=directed)
    graph.es["weight"] = weights
    return graph
