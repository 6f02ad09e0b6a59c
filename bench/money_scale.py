"""Benchmark: a money trace and the typology scan over generated transactions.

    .venv/bin/python bench/money_scale.py [--transfers 1000000] [--accounts 200000]
                                          [--json FILE]

Transfers between accounts drawn with a heavy tail (a few accounts take part in many),
amounts log-normal, dates over two years, plus planted patterns: fan-ins, pass-through
chains and round trips. Reported: time and peak memory of building the transfers, of a
forward and a backward trace from the busiest account, and of each typology query.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cupula.money.flows import Flows, Transfer  # noqa: E402
from cupula.money.trace import TraceOptions, trace  # noqa: E402
from cupula.money.typologies import TypologyOptions, scan  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from leaders_scale import watched  # noqa: E402


def generate(n: int, accounts: int, seed: int = 1) -> Flows:
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, accounts + 1) ** 0.8  # Zipf-like activity
    weights /= weights.sum()
    payer = rng.choice(accounts, size=n, p=weights)
    bene = rng.choice(accounts, size=n, p=weights)
    same = payer == bene
    bene[same] = (bene[same] + 1) % accounts
    amount = np.round(np.exp(rng.normal(7, 1.5, size=n)), 2)
    start = date(2024, 1, 1)
    days = np.sort(rng.integers(0, 730, size=n))
    day_text = [(start + timedelta(days=int(d))).isoformat() for d in range(730)]
    transfers = [
        Transfer(f"t{i}", f"a{payer[i]}", f"a{bene[i]}", float(amount[i]), "", day_text[days[i]])
        for i in range(n)
    ]
    return Flows(transfers, {}, "USD")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transfers", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results: dict[str, Any] = {"transfers": args.transfers, "accounts": args.accounts}
    steps: dict[str, dict[str, float]] = {}
    print(f"{args.transfers:,} transfers among {args.accounts:,} accounts")
    with watched(steps, "generate transfers"):
        flows = generate(args.transfers, args.accounts)
    busiest = "a0"
    with watched(steps, "trace forward (FIFO, 6 hops, 180 days)"):
        forward = trace(flows, busiest, TraceOptions())
    with watched(steps, "trace backward (FIFO, 6 hops)"):
        backward = trace(flows, busiest, TraceOptions(backward=True))
    with watched(steps, "typology scan (all six)"):
        alerts = scan(flows, TypologyOptions(min_amount=5_000))
    counts: dict[str, int] = {}
    for a in alerts:
        counts[a.typology] = counts.get(a.typology, 0) + 1
    results["steps"] = steps
    results["forward_destinations"] = len(forward.destinations)
    results["backward_sources"] = len(backward.destinations)
    results["alerts"] = counts
    results["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps({k: v for k, v in results.items() if k != "steps"}))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - start:.1f} s")
