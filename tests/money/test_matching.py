from __future__ import annotations

import pyarrow as pa
import pytest

from cupula.evaluation.money import splink_payments
from cupula.money.matching import MatchOptions, match_payments, memo_agreement
from tests.conftest import shared


def test_memo_agreement_reads_initials_and_cut_words() -> None:
    assert memo_agreement("MATTHIAS C paym", "MATTHIAS C payment BGC") == pytest.approx(2.8 / 3)
    assert memo_agreement("M C", "MATTHIAS C") == pytest.approx(0.75)
    assert memo_agreement("", "anything") == 0.0
    assert memo_agreement("Rent May", "Salary June") == 0.0


def table(rows: list[tuple[str, float, int, str]]) -> pa.Table:
    ids, amounts, days, memos = zip(*rows, strict=True)
    return pa.table({"id": ids, "amount": amounts, "day": days, "memo": memos})


def test_each_side_is_matched_once_best_first() -> None:
    sent = table([("s1", 100.0, 10, "ANA G rent"), ("s2", 100.0, 10, "BO M school")])
    received = table(
        [
            ("r1", 100.0, 12, "BO M"),
            ("r2", 98.0, 11, "ANA G rent payment"),
            ("r3", 100.0, 50, "ANA"),
        ]
    )
    matches = {m.sent: m.received for m in match_payments(sent, received)}
    assert matches == {"s1": "r2", "s2": "r1"}  # r3 is too late; amounts alone would mislead
    strict = match_payments(sent, received, MatchOptions(threshold=6))
    assert {m.sent for m in strict} == {"s2"}  # exact amount, 2 days, memo agrees
    assert set(strict[0].features) == {"amount", "delay", "memo"}


def test_splinks_payments_both_sides() -> None:
    folder = shared("er_splink", "transactions_origin.parquet").parent
    report = splink_payments(folder)
    assert report["payments"] == 45326
    assert report["f1"] > 0.98
