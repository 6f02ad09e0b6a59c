"""Gould–Fernandez brokerage roles, with countries (or any grouping) as the groups.

A broker j sits between two counterparts i and k who have no tie of their own. By the
groups of the three (Gould & Fernandez 1989, for undirected ties):

- coordinator: all three in one group (brokers inside the group);
- consultant: i and k in one group, j outside it (an outsider serving a group);
- gatekeeper/representative: j shares a group with exactly one of them (a group's link
  to the outside);
- liaison: all three in different groups (links groups that are not his own).

Pairs with a counterpart of unknown group are not counted. For nodes with more than
``cap`` counterparts a seeded sample of ``cap`` is used and counts are scaled up to all
pairs; ``sampled`` says which nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cupula.graph.network import FloatArray, IntArray, Network

ROLES = ("coordinator", "consultant", "gatekeeper", "liaison")


@dataclass(frozen=True)
class Brokerage:
    counts: dict[str, FloatArray]  # role -> brokered pairs per node
    sampled: npt.NDArray[np.bool_]

    @property
    def across(self) -> FloatArray:
        """Pairs brokered across groups: every role but coordinator."""
        return self.counts["consultant"] + self.counts["gatekeeper"] + self.counts["liaison"]


def country_groups(net: Network) -> tuple[IntArray, list[str]]:
    """Each node's group: its first country (-1 when none is known)."""
    labels = sorted({c[0] for c in net.countries if c})
    code = {label: i for i, label in enumerate(labels)}
    groups = np.array([code[c[0]] if c else -1 for c in net.countries], dtype=np.int64)
    return groups, labels


def brokerage(net: Network, groups: IntArray, *, cap: int = 300, seed: int = 1) -> Brokerage:
    g = net.undirected
    n = g.vcount()
    edges = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    keys = np.sort(np.concatenate([edges[:, 0] * n + edges[:, 1], edges[:, 1] * n + edges[:, 0]]))
    rng = np.random.default_rng(seed)
    counts = {role: np.zeros(n) for role in ROLES}
    sampled = np.zeros(n, dtype=bool)
    for j, nbrs_list in enumerate(g.get_adjlist()):
        if len(nbrs_list) < 2 or groups[j] < 0:
            continue
        nbrs = np.asarray(nbrs_list, dtype=np.int64)
        nbrs = nbrs[groups[nbrs] >= 0]
        d = len(nbrs)
        if d < 2:
            continue
        scale = 1.0
        if d > cap:
            nbrs = rng.choice(nbrs, cap, replace=False)
            scale = (d * (d - 1)) / (cap * (cap - 1))
            sampled[j] = True
        a, b = np.triu_indices(len(nbrs), k=1)
        i, k = nbrs[a], nbrs[b]
        pair_keys = i * n + k
        pos = np.searchsorted(keys, pair_keys)
        linked = (pos < len(keys)) & (keys[np.minimum(pos, len(keys) - 1)] == pair_keys)
        gi, gk, gj = groups[i[~linked]], groups[k[~linked]], groups[j]
        same_i, same_k = gi == gj, gk == gj
        counts["coordinator"][j] = scale * np.count_nonzero(same_i & same_k)
        counts["consultant"][j] = scale * np.count_nonzero(~same_i & ~same_k & (gi == gk))
        counts["gatekeeper"][j] = scale * np.count_nonzero(same_i ^ same_k)
        counts["liaison"][j] = scale * np.count_nonzero(~same_i & ~same_k & (gi != gk))
    return Brokerage(counts, sampled)
