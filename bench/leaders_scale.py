"""Benchmark: the whole leader ranking on synthetic power-law graphs, beside the raw
igraph kernels it uses, computed in the same run on the same graph.

    .venv/bin/python bench/leaders_scale.py [--nodes 100000] [--edges-per-node 5]
                                            [--countries 0] [--islands 0] [--json FILE]

The graph is igraph's Barabási–Albert preferential attachment (power-law degrees,
undirected, ``--edges-per-node`` ties per new node: 100k/500k and 1M/5M as asked).
``--countries K`` gives every node one of K countries, so that Gould–Fernandez
brokerage is computed too. ``--islands K`` adds K separate pairs (two people tied to
each other only) beside the graph: a real store's network has many components (102k
components of 165k nodes on a 1M-statement store), which a connected graph never shows.

Reported per step: wall time and the peak resident memory above the level before the
step (sampled every 20 ms from /proc), and the process's peak overall. "Raw kernels"
are the igraph calls alone, on a graph built once, with no cupula code
around them; "cupula" is ``rank_leaders`` from the arrays (building its own graph).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import igraph as ig
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cupula.graph import measures  # noqa: E402
from cupula.graph.keyplayers import key_players  # noqa: E402
from cupula.graph.leaders import LeaderOptions, rank_leaders  # noqa: E402
from cupula.graph.network import Network  # noqa: E402

PAGE = resource.getpagesize()


def rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE


@contextmanager
def watched(results: dict[str, dict[str, float]], name: str) -> Iterator[None]:
    base = rss()
    peak = [base]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], rss())
            stop.wait(0.02)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - start
        stop.set()
        thread.join()
        peak[0] = max(peak[0], rss())
        results[name] = {"seconds": round(seconds, 2), "peak_mib": round((peak[0] - base) / 2**20)}
        print(f"  {name:<34} {seconds:8.2f} s   +{(peak[0] - base) / 2**20:7.0f} MiB", flush=True)


def raw_kernels(edges: np.ndarray, n: int) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    print("raw kernels (igraph):")
    with watched(out, "build igraph Graph"):
        g = ig.Graph(n=n, edges=edges, directed=False)
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("degree", g.degree),
        ("pagerank (PRPACK)", g.pagerank),
        ("k-core", g.coreness),
        ("constraint (Burt)", g.constraint),
        ("eigenvector", lambda: g.eigenvector_centrality(scale=True)),
    ]
    for name, step in steps:
        with watched(out, name):
            step()
    with watched(out, f"betweenness, {measures.BETWEENNESS_SOURCES} sampled sources"):
        rng = np.random.default_rng(1)
        sources = rng.choice(n, size=measures.BETWEENNESS_SOURCES, replace=False)
        g.betweenness(directed=False, sources=np.sort(sources).tolist())
    return out


def cupula_ranking(net: Network) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    print("cupula, step by step:")
    with watched(out, "collapse to a simple graph"):
        _ = net.undirected
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("degree", lambda: measures.degree(net)),
        ("pagerank", lambda: measures.pagerank(net)),
        ("k-core", lambda: measures.coreness(net)),
        ("constraint", lambda: measures.constraint(net)),
        ("eigenvector", lambda: measures.eigenvector(net)),
        ("betweenness", lambda: measures.betweenness(net)),
    ]
    kept: dict[str, Any] = {}
    for name, step in steps:
        with watched(out, name):
            kept[name] = step()
    btw = kept["betweenness"].values
    with watched(out, "key players (5, fragmentation)"):
        kp = key_players(net, k=5, criterion="fragmentation", betweenness_values=btw)
    print(f"    pool {kp.pool}, cut short: {kp.cut_short}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges-per-node", type=int, default=5)
    parser.add_argument("--countries", type=int, default=0)
    parser.add_argument("--islands", type=int, default=0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    n = args.nodes
    print(f"Barabási–Albert graph, {n:,} nodes, {args.edges_per_node} ties per node")
    start = time.perf_counter()
    seed_graph = ig.Graph.Barabasi(n, args.edges_per_node, directed=False)
    edges = np.asarray(seed_graph.get_edgelist(), dtype=np.int64)
    del seed_graph
    if args.islands:
        pairs = n + np.arange(2 * args.islands, dtype=np.int64).reshape(-1, 2)
        edges = np.vstack([edges, pairs])
        n += 2 * args.islands
        print(f"  with {args.islands:,} separate pairs: {n:,} nodes")
    print(f"  generated {len(edges):,} ties in {time.perf_counter() - start:.1f} s")
    results: dict[str, Any] = {
        "nodes": n,
        "ties": len(edges),
        "islands": args.islands,
    }
    results["raw"] = raw_kernels(edges, n)
    net = Network.from_edges(n, edges[:, 0], edges[:, 1])
    if args.countries:
        rng = np.random.default_rng(1)
        labels = [f"c{i}" for i in range(args.countries)]
        net = replace(net, countries=[(labels[k],) for k in rng.integers(0, args.countries, n)])
    results["cupula_steps"] = cupula_ranking(net)
    fresh = replace(net)  # no cached graph: the ranking builds everything itself
    total: dict[str, dict[str, float]] = {}
    print("cupula, the whole ranking (top 20 with reasons):")
    with watched(total, "rank_leaders"):
        ranking = rank_leaders(fresh, options=LeaderOptions(top=20))
    results["cupula_total"] = total["rank_leaders"]
    raw_sum = sum(v["seconds"] for v in results["raw"].values())
    results["raw_sum_seconds"] = round(raw_sum, 2)
    results["ratio_to_raw"] = round(total["rank_leaders"]["seconds"] / raw_sum, 2)
    results["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    results["top3"] = [(x.name, round(x.score, 3)) for x in ranking.leaders[:3]]
    results["betweenness"] = ranking.betweenness
    print(
        f"whole ranking {total['rank_leaders']['seconds']:.1f} s = "
        f"{results['ratio_to_raw']}x the raw kernels ({raw_sum:.1f} s); "
        f"peak RSS {results['peak_rss_mib']} MiB"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
