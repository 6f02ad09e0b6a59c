from __future__ import annotations

import pytest

from cupula.evaluation.metrics import average_precision, precision_at, quality


def test_average_precision_by_hand() -> None:
    assert average_precision(["a", "b", "c"], {"a"}) == 1.0
    assert average_precision(["x", "a", "y", "b"], {"a", "b"}) == pytest.approx((1 / 2 + 2 / 4) / 2)
    assert average_precision(["x", "a"], {"a", "missing"}) == pytest.approx(0.25)
    assert average_precision(["a"], set()) == 0.0


def test_precision_at_and_ranks() -> None:
    assert precision_at(["a", "x", "b"], {"a", "b"}, 2) == 0.5
    q = quality(["x", "a", "b"], {"a", "b", "c"}, "a")
    assert q.ranks == {"a": 2, "b": 3, "c": None}
    assert q.top_rank == 2
    assert q.precision_at[3] == pytest.approx(2 / 3)
