"""What separates Montagna's bosses in the raw files? Measures straight from the edge lists.

Reproduces the raw-data figures of docs/leaders.md ("Montagna: why the target is out of
reach"): for the phone calls, the meetings and both, each measure's average precision
over the eight known leaders and N11's rank (ties broken by id), the components the
bosses sit in, and who outranks N11 on counterparts. The role table is read only to
print who those people are; it is never a feature.

Meetings come as person-person pairs with a count, not as meetings; "cliques" rebuilds
candidate meetings as the maximal cliques of the meeting graph (a meeting of k people
leaves a k-clique) to try the two-mode measures (graph.twomode) on them.

    python bench/montagna_raw_measures.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np

from cupula.evaluation.leaders import MONTAGNA_LEADERS
from cupula.evaluation.metrics import quality
from cupula.evaluation.sources import dataset_dir
from cupula.graph.twomode import SMALL_MEETING

Scores = dict[str, float]


def read(path: Path, graph: nx.Graph) -> nx.Graph:
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        a, b, w = line.split()
        if a == b:
            continue
        old = graph.get_edge_data(a, b, {"weight": 0})["weight"]
        graph.add_edge(a, b, weight=old + int(w))
    return graph


def cliques(g: nx.Graph) -> dict[str, Scores]:
    """Two-mode measures on the maximal cliques taken as meetings."""
    nodes = sorted(g)
    found = [sorted(c) for c in nx.find_cliques(g)]
    at = {n: 0.0 for n in nodes}
    small = {n: 0.0 for n in nodes}
    index = {n: i for i, n in enumerate(nodes)}
    edges = []
    for k, members in enumerate(found):
        for n in members:
            at[n] += 1
            small[n] += len(members) <= SMALL_MEETING
            edges.append((index[n], len(nodes) + k))
    two = ig.Graph(n=len(nodes) + len(found), edges=edges)
    people = list(range(len(nodes)))
    btw = two.betweenness(sources=people, targets=people)
    return {
        "clique meetings attended": at,
        f"clique meetings of <= {SMALL_MEETING}": small,
        "clique two-mode betweenness": {n: btw[index[n]] for n in nodes},
    }


def community_roles(g: nx.Graph) -> dict[str, Scores]:
    """Guimera & Amaral roles on Louvain communities: within-module degree z-score,
    participation coefficient, and being the best-tied member of one's community."""
    parts = nx.community.louvain_communities(g, seed=0)
    of = {n: k for k, part in enumerate(parts) for n in part}
    z: Scores = {}
    head: Scores = {}
    for part in parts:
        inside = {n: sum(1 for m in g[n] if of[m] == of[n]) for n in part}
        values = np.array(list(inside.values()), dtype=float)
        sd = values.std()
        for n, k in inside.items():
            z[n] = (k - values.mean()) / sd if sd > 0 else 0.0
            head[n] = 1000.0 * (k == values.max()) + g.degree(n)
    participation = {
        n: 1
        - sum((sum(1 for m in g[n] if of[m] == c) / g.degree(n)) ** 2 for c in set(of.values()))
        for n in g
    }
    return {
        "within-community z": z,
        "participation": participation,
        "community head, then degree": head,
    }


def measures(g: nx.Graph) -> dict[str, Scores]:
    constraint = nx.constraint(g)
    plain: dict[str, Callable[[nx.Graph], Scores]] = {
        "degree": lambda x: dict(x.degree()),
        "strength (meetings/calls counted)": lambda x: dict(x.degree(weight="weight")),
        "betweenness": nx.betweenness_centrality,
        "pagerank": nx.pagerank,
        "k-core": nx.core_number,
    }
    out = {name: f(g) for name, f in plain.items()}
    out["low constraint"] = {n: -v if v == v else 0.0 for n, v in constraint.items()}
    return out | cliques(g) | community_roles(g)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=None)
    folder = dataset_dir("montagna", parser.parse_args().data)
    assert folder is not None, "no montagna data"
    calls = read(folder / "Montagna_phonecalls_edgelist.tsv", nx.Graph())
    meetings = read(folder / "Montagna_meetings_edgelist.tsv", nx.Graph())
    both = read(folder / "Montagna_meetings_edgelist.tsv", calls.copy())
    with (folder / "montagna_roles_df.csv").open() as f:
        roles = {r["node"][1:]: r["Role"] or r["Relationship"] for r in csv.DictReader(f)}
    directed = read(folder / "Montagna_phonecalls_edgelist.tsv", nx.DiGraph())
    made = dict(directed.out_degree(weight="weight"))
    got = dict(directed.in_degree(weight="weight"))
    print(f"N11 made {made.get('11', 0)} calls and received {got.get('11', 0)}")
    for measure, scores in (
        ("calls received", got),
        ("share of calls received", {n: (got[n] + 1) / (got[n] + made[n] + 2) for n in got}),
    ):
        order = sorted(scores, key=lambda n: (-scores[n], int(n)))
        q = quality(order, MONTAGNA_LEADERS, "11")
        print(f"  phone calls, {measure:24s} AP {q.average_precision:.3f}  N11 {q.top_rank}")
    for name, g in (("phone calls", calls), ("meetings", meetings), ("calls + meetings", both)):
        present = sorted(MONTAGNA_LEADERS & set(g), key=int)
        sizes = {f"N{n}": len(nx.node_connected_component(g, n)) for n in present}
        print(
            f"== {name}: {g.number_of_nodes()} people, {g.number_of_edges()} pairs; "
            f"leaders present {len(present)} of 8, their component sizes {sizes}"
        )
        for measure, scores in measures(g).items():
            order = sorted(scores, key=lambda n: (-scores[n], int(n)))
            q = quality(order, MONTAGNA_LEADERS, "11")
            ranks = {f"N{k}": v for k, v in q.ranks.items() if v is not None}
            print(f"  {measure:34s} AP {q.average_precision:.3f}  N11 {q.top_rank}  {ranks}")
        degree = dict(g.degree())
        above = [n for n in g if degree[n] > degree.get("11", 0)]
        print(
            "  more counterparts than N11 ("
            + str(degree.get("11", 0))
            + "): "
            + "; ".join(
                f"N{n} {degree[n]} ({roles.get(n) or 'no role'})"
                for n in sorted(above, key=lambda n: -degree[n])
            )
        )


if __name__ == "__main__":
    main()
