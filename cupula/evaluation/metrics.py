"""Ranking quality: where the known leaders land in an ordering of candidates."""

from __future__ import annotations

from collections.abc import Sequence
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
