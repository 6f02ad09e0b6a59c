"""Whose records a reason's evidence comes from: counts of a node's ties per dataset.

A fused node joins several partners' records of one person, so a reason's figure ("in
contact with 12 others") is the sum of what several agencies hold. These functions split
such a figure by the dataset the ties were read from (``Network.tie_source``), named by
the agency that owns it: "9 in DIJIN's wiretaps, 4 in DEA's targets". A counterpart tied
to the node in two datasets counts in each, so the parts may add up to more than the
whole. Only datasets of the network's own ties are named: those of the viewer's view.

The name of a source: the agency id without its country prefix ("CO-DIJIN" -> "DIJIN"),
and the dataset's name without the agency's own prefix ("co-dijin-wiretaps" ->
"wiretaps"); a dataset whose agency is not known is named as it is.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

import numpy as np

from cupula.graph.network import COMMUNICATION, Network

_COUNTRY_PREFIX = re.compile(r"^[A-Z]{2}-(?=\S)")


def source_name(dataset: str, agency: str | None) -> str:
    """ "DIJIN's wiretaps" for dataset co-dijin-wiretaps of agency CO-DIJIN."""
    if not agency:
        return dataset
    short = _COUNTRY_PREFIX.sub("", agency)
    prefix = agency.lower() + "-"
    rest = dataset[len(prefix) :] if dataset.startswith(prefix) else dataset
    return f"{short}'s {rest or dataset}"


def split_by_source(net: Network) -> bool:
    """Whether reasons on ``net`` say whose records: its ties come from two or more
    datasets (on a single dataset's network the answer is the same for everyone)."""
    return len(net.source_datasets) >= 2


def counterparts_by_dataset(
    net: Network,
    i: int,
    *,
    kinds: Collection[str] | None = None,
    incoming: bool | None = None,
) -> dict[str, int]:
    """Distinct counterparts of node ``i`` per dataset its ties to them were read from.

    ``kinds`` keeps only ties of those kinds; ``incoming`` True keeps only directed ties
    into ``i`` (who pays it), False only directed ties out of it (what it owns), None
    every tie either way. Self-ties are left out, as in every measure."""
    if incoming is None:
        rows = np.flatnonzero((net.src == i) | (net.dst == i))
    elif incoming:
        rows = np.flatnonzero((net.dst == i) & net.directed)
    else:
        rows = np.flatnonzero((net.src == i) & net.directed)
    seen: dict[str, set[int]] = {}
    for r in rows.tolist():
        if kinds is not None and net.kind[r] not in kinds:
            continue
        other = int(net.dst[r]) if int(net.src[r]) == i else int(net.src[r])
        if other == i:
            continue
        for dataset in net.datasets_of(r):
            seen.setdefault(dataset, set()).add(other)
    return {d: len(others) for d, others in seen.items()}


def calls_by_dataset(net: Network, i: int) -> dict[str, float]:
    """The directed calls node ``i`` made or received (summed weights, as ``initiative``
    counts them) per dataset they were read from."""
    rows = np.flatnonzero(((net.src == i) | (net.dst == i)) & (net.src != net.dst) & net.directed)
    totals: dict[str, float] = {}
    for r in rows.tolist():
        if net.kind[r] != COMMUNICATION:
            continue
        for dataset in net.datasets_of(r):
            totals[dataset] = totals.get(dataset, 0.0) + float(net.weight[r])
    return totals


def whose(net: Network, counts: Mapping[str, float]) -> str:
    """ "9 in DIJIN's wiretaps, 4 in DEA's targets": largest first, then by name."""
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(
        f"{_figure(n)} in {source_name(dataset, net.agencies.get(dataset))}"
        for dataset, n in ordered
    )


def _figure(x: float) -> str:
    """A count or summed weight as the data gave it: 42, or 2.5."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
