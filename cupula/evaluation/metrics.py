"""Evaluation metrics: ranking quality (leaders) and clustering quality (resolution)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RankQuality:
    ranks: dict[str, int | None]  # known leader -> rank (None: not among the candidates)
    average_precision: float
    precision_at: dict[int, float]
    top_rank: int | None  # rank of the primary target

    def as_dict(self) -> dict[str, Any]:
        return {
            "ranks": self.ranks,
            "average_precision": round(self.average_precision, 4),
            "precision_at": {str(k): round(v, 4) for k, v in self.precision_at.items()},
            "top_rank": self.top_rank,
        }


def average_precision(order: Sequence[str], relevant: set[str]) -> float:
    """Mean over the relevant items of the precision at their rank (missing ones count 0)."""
    if not relevant:
        return 0.0
    hits = 0
    total = 0.0
    for rank, item in enumerate(order, start=1):
        if item in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant)


def precision_at(order: Sequence[str], relevant: set[str], k: int) -> float:
    return sum(1 for item in order[:k] if item in relevant) / k if k else 0.0


def quality(
    order: Sequence[str], relevant: set[str], primary: str, ks: Sequence[int] = (3, 5, 10)
) -> RankQuality:
    position = {item: r for r, item in enumerate(order, start=1)}
    wanted = sorted({len(relevant), *ks})
    return RankQuality(
        ranks={leader: position.get(leader) for leader in sorted(relevant)},
        average_precision=average_precision(order, relevant),
        precision_at={k: precision_at(order, relevant, k) for k in wanted},
        top_rank=position.get(primary),
    )


# -- resolution quality ----------------------------------------------------------------


def _pair_count(sizes: Sequence[int]) -> int:
    return sum(s * (s - 1) // 2 for s in sizes)


def clustering_quality(predicted: Sequence[Sequence[int]], truth: Sequence[str]) -> dict[str, Any]:
    """Pairwise precision/recall/F1 of the pairs the clusters imply, B-cubed precision,
    recall and F1 (per record: the share of its cluster that truly belongs with it),
    and the largest predicted cluster. ``truth[i]`` is record i's true entity."""
    n = len(truth)
    label = [-1] * n
    for c, members in enumerate(predicted):
        for m in members:
            label[m] = c
    for i in range(n):  # records no cluster mentions are singletons
        if label[i] < 0:
            label[i] = len(predicted) + i
    joint = Counter(zip(label, truth, strict=True))
    pred_sizes = Counter(label)
    true_sizes = Counter(truth)
    tp = _pair_count(list(joint.values()))
    pp = _pair_count(list(pred_sizes.values()))
    tt = _pair_count(list(true_sizes.values()))
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    b_p = sum(k * k / pred_sizes[p] for (p, _t), k in joint.items()) / n if n else 1.0
    b_r = sum(k * k / true_sizes[t] for (_p, t), k in joint.items()) / n if n else 1.0
    b_f1 = 2 * b_p * b_r / (b_p + b_r) if b_p + b_r else 0.0
    return {
        "pairwise": {"precision": round(precision, 4), "recall": round(recall, 4),
                     "f1": round(f1, 4)},
        "bcubed": {"precision": round(b_p, 4), "recall": round(b_r, 4), "f1": round(b_f1, 4)},
        "largest_cluster": max(pred_sizes.values(), default=0),
        "true_largest": max(true_sizes.values(), default=0),
    }  # fmt: skip


def blocking_recall(
    candidates: Iterable[tuple[int, int]], units: Sequence[int], truth: Sequence[str]
) -> float:
    """Share of true record pairs among the candidates. ``candidates`` are pairs of
    units (``units[i]``: record i's unit of identical records; (u, u) for a unit scored
    against itself)."""
    members: dict[int, Counter[str]] = {}
    for unit, label in zip(units, truth, strict=True):
        members.setdefault(unit, Counter())[label] += 1
    kept = 0
    for a, b in candidates:
        ca, cb = members[a], members[b]
        if a == b:
            kept += _pair_count(list(ca.values()))
        else:
            kept += sum(k * cb[t] for t, k in ca.items() if t in cb)
    total = _pair_count(list(Counter(truth).values()))
    return kept / total if total else 1.0
