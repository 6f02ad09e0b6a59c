"""Clusters from scored pairs and analysts' judgements.

Pairs are joined strongest first (union-find), under three rules:

1. an analyst's "same" joins two records whatever their score;
2. an analyst's "different" is a cannot-link between the two records' clusters: no
   chain of automatic matches may put them together afterwards, which is how one
   judgement blocks a whole merge path. Because links are taken strongest first, a
   "different" between two records that only a path joins (A-B strong, B-C weak, C-D
   strong, "A is not D") cuts the weakest link on that path: A-B and C-D stay, B-C
   is refused. The cannot-link moves with each union, so it holds against every member
   the two clusters gain later, whichever member a later link reaches;
3. a cluster that grows beyond ``max_size`` distinct records is re-clustered with a
   stricter threshold, step by step, until every part fits. Records that say the same
   thing (``units``: the same names, dates and identifiers) count once: a company filed
   under one spelling six hundred times is one cluster, not a chain. Connected components
   alone chain weak links into giant clusters (Splink's at probability 0.95 on 1M records did).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

STEP_BITS = 2.0  # how much stricter each re-clustering of an oversize cluster is


@dataclass(frozen=True)
class Links:
    """Scored pairs of record indices (``left[i]``, ``right[i]``, ``bits[i]``)."""

    left: npt.NDArray[np.int64]
    right: npt.NDArray[np.int64]
    bits: npt.NDArray[np.float64]

    @classmethod
    def of(cls, rows: Iterable[tuple[int, int, float]]) -> Links:
        items = list(rows)
        return cls(
            np.array([r[0] for r in items], dtype=np.int64),
            np.array([r[1] for r in items], dtype=np.int64),
            np.array([r[2] for r in items], dtype=np.float64),
        )


class _Forest:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n
        self.cannot: dict[int, set[int]] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def forbid(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        self.cannot.setdefault(ra, set()).add(rb)
        self.cannot.setdefault(rb, set()).add(ra)

    def blocked(self, ra: int, rb: int) -> bool:
        return rb in self.cannot.get(ra, ())

    def union(self, ra: int, rb: int) -> int:
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        moved = self.cannot.pop(rb, None)
        if moved:
            for other in moved:
                peers = self.cannot.setdefault(other, set())
                peers.discard(rb)
                peers.add(ra)
            self.cannot.setdefault(ra, set()).update(moved)
        return ra


def _components(
    n: int,
    links: Links,
    threshold: float,
    same: Sequence[tuple[int, int]],
    different: Sequence[tuple[int, int]],
) -> npt.NDArray[np.int64]:
    """Root of each record after joining (see the module docstring, rules 1 and 2)."""
    forest = _Forest(n)
    for a, b in different:
        forest.forbid(a, b)
    for a, b in same:
        ra, rb = forest.find(a), forest.find(b)
        if ra != rb and not forest.blocked(ra, rb):
            forest.union(ra, rb)
    keep = np.nonzero(links.bits >= threshold)[0]
    order = keep[np.argsort(-links.bits[keep], kind="stable")]
    for i in order.tolist():
        ra, rb = forest.find(int(links.left[i])), forest.find(int(links.right[i]))
        if ra != rb and not forest.blocked(ra, rb):
            forest.union(ra, rb)
    roots = np.asarray(forest.parent, dtype=np.int64)
    while True:  # pointer jumping over the whole array at once
        up = roots[roots]
        if np.array_equal(up, roots):
            return roots
        roots = up


def cluster(
    n: int,
    links: Links,
    *,
    threshold: float,
    same: Sequence[tuple[int, int]] = (),
    different: Sequence[tuple[int, int]] = (),
    max_size: int = 100,
    units: Sequence[int] | None = None,
) -> list[list[int]]:
    """Clusters of record indices ``0..n-1`` (singletons included), each sorted, the
    list sorted by first member. ``units[i]`` says which records are alike (rule 3)."""
    if n == 0:
        return []
    roots = _components(n, links, threshold, same, different)
    order = np.argsort(roots, kind="stable")  # members of a cluster in index order
    bounds = np.flatnonzero(np.diff(roots[order])) + 1
    out: list[list[int]] = []
    link_root = np.where(roots[links.left] == roots[links.right], roots[links.left], -1)
    for chunk in np.split(order, bounds):
        members = chunk.tolist()
        if len(members) == 1:
            out.append(members)
            continue
        root = int(roots[members[0]])
        size = len(members) if units is None else len({units[m] for m in members})
        if size <= max_size:
            out.append(members)
            continue
        inside = link_root == root
        own = Links(links.left[inside], links.right[inside], links.bits[inside])
        out.extend(_split(members, own, threshold, same, different, max_size, units))
    return sorted(out, key=lambda m: m[0])


def _split(
    members: list[int],
    links: Links,
    threshold: float,
    same: Sequence[tuple[int, int]],
    different: Sequence[tuple[int, int]],
    max_size: int,
    units: Sequence[int] | None,
) -> list[list[int]]:
    """Re-cluster an oversize cluster (``links`` are its own) more strictly (rule 3)."""
    stricter = threshold + STEP_BITS
    if stricter > float(links.bits.max(initial=threshold)):
        # Nothing stricter separates them (analysts' "same" judgements, or identical
        # scores): keep the cluster whole rather than cut at random.
        return [members]
    index = {m: i for i, m in enumerate(members)}
    local = Links(
        np.array([index[a] for a in links.left.tolist()], dtype=np.int64),
        np.array([index[b] for b in links.right.tolist()], dtype=np.int64),
        links.bits,
    )
    local_same = [(index[a], index[b]) for a, b in same if a in index and b in index]
    local_diff = [(index[a], index[b]) for a, b in different if a in index and b in index]
    parts = cluster(
        len(members),
        local,
        threshold=stricter,
        same=local_same,
        different=local_diff,
        max_size=max_size,
        units=None if units is None else [units[m] for m in members],
    )
    return [sorted(members[i] for i in part) for part in parts]
