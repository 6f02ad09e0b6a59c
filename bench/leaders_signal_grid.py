"""Can any weighting of the structural signals meet issue 14's leader targets?

Reproduces the figures in docs/leaders.md ("Montagna: why the target is out of reach").
Every labelled network (CAVIAR aggregate and phases, Montagna calls, meetings, both) is
loaded as ``cupula eval leaders`` loads it; the signals are computed once per network
and every weighting of the grid below is scored as ``rank_leaders`` scores (weighted
mean of percentiles, ties by accumulated degree then id). Reported: the weightings that
keep Serero first in all 12 CAVIAR networks with the fewest networks below plain
degree, and the best Montagna average precision any weighting reaches (tuned on the
very labels it is scored on, so an upper bound, not a method).

    python bench/leaders_signal_grid.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np

from cupula.evaluation.leaders import Case, caviar_cases, evaluate, montagna_cases
from cupula.evaluation.metrics import quality
from cupula.evaluation.sources import dataset_dir
from cupula.graph import signals as sg
from cupula.graph.leaders import candidates_of
from cupula.graph.measures import EXACT_BETWEENNESS_LIMIT

GRID: dict[str, tuple[float, ...]] = {
    "degree": (0, 1, 2, 3),  # contacts accumulated up to the end of the window
    "window_degree": (0, 1, 2, 3),  # contacts within the window itself
    "pagerank": (0, 1, 2),
    "coreness": (0, 1),
    "eigenvector": (0, 1),
    "betweenness": (0, 1),
    "persistence": (0, 1),
    "structural_holes": (0, 1),
    "initiative": (0, 1),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    cases: list[Case] = []
    for family, loader in (("caviar", caviar_cases), ("montagna", montagna_cases)):
        folder = dataset_dir(family, args.data)
        assert folder is not None, f"no {family} data"
        cases.extend(loader(folder))
    prepared = []
    for case in cases:
        net = case.network
        cands = candidates_of(net, ("Person",))
        sig = sg.compute(net, cands, exact_limit=EXACT_BETWEENNESS_LIMIT)
        values = dict(sig.values)
        assert sig.window_degree is not None
        values["window_degree"] = sig.window_degree
        pct = {k: sg.percentiles(v, cands) for k, v in values.items() if k in GRID}
        degree_ap = evaluate(case).baselines["degree"].average_precision
        prepared.append((case, cands, pct, values["degree"], degree_ap))
    rows = []
    for weights in itertools.product(*GRID.values()):
        if not any(weights):
            continue
        used = {k: w for k, w in zip(GRID, weights, strict=True) if w}
        aps, tops, below = [], [], []
        for case, cands, pct, degree, degree_ap in prepared:
            net = case.network
            score = sum((w * pct[k] for k, w in used.items() if k in pct), np.zeros(net.n))
            order = sorted(cands, key=lambda i: (-score[i], -degree[i], net.node_ids[i]))
            q = quality([net.names[i] for i in order], case.leaders, case.primary)
            aps.append(q.average_precision)
            tops.append(q.top_rank)
            if q.average_precision < degree_ap - 1e-9:
                below.append(f"{case.family} {case.name} {q.average_precision - degree_ap:+.3f}")
        serero = all(t == 1 for c, t in zip(cases, tops, strict=True) if c.family == "CAVIAR")
        montagna = [
            (a, t) for c, a, t in zip(cases, aps, tops, strict=True) if c.family == "Montagna"
        ]
        rows.append((used, serero, below, montagna))
    print(f"{len(rows)} weightings over {', '.join(GRID)}")
    kept = sorted((r for r in rows if r[1]), key=lambda r: (len(r[2]), -sum(a for a, _ in r[3])))
    print(f"{len(kept)} keep Serero first in every CAVIAR network; the fewest below degree:")
    for used, _, below, montagna in kept[:5]:
        print(
            f"  {used}: {len(below)} below ({'; '.join(below)}); Montagna "
            + ", ".join(f"{a:.3f} (N11 {t})" for a, t in montagna)
        )
    for k, name in enumerate(("phone calls", "meetings", "calls + meetings")):
        best = max(rows, key=lambda r: r[3][k][0])
        top3 = [r for r in rows if r[3][k][1] is not None and r[3][k][1] <= 3]
        print(
            f"Montagna {name}: best average precision {best[3][k][0]:.3f} "
            f"(N11 {best[3][k][1]}, {best[0]}); weightings with N11 in the top 3: {len(top3)}"
        )


if __name__ == "__main__":
    main()
