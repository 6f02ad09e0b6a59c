"""Reads shared by the API routes and the pages, each through the caller's view.

What costs more than a request should (the network, the leader ranking, the name index,
the payments) is built once per view signature and data version (``store.derived``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from cupula.api.errors import NotFound
from cupula.cooperation import figures
from cupula.graph.analysis import network_of
from cupula.graph.keyplayers import key_players
from cupula.graph.leaders import LeaderOptions, Ranking, rank_leaders
from cupula.graph.neighbourhood import NeighbourhoodOptions, neighbourhood
from cupula.graph.network import Network
from cupula.graph.temporal import Window
from cupula.money.flows import Flows, flows_of, trace_sources
from cupula.money.trace import TraceOptions, TraceResult, trace_many
from cupula.resolve.records import records_of
from cupula.resolve.search import NameIndex
from cupula.store import View
from cupula.store.derived import Derived

RANKED = 200


@dataclass(frozen=True)
class GraphFilter:
    """What the network explorer shows: tie kinds, node schemata, a date range or a phase."""

    kinds: tuple[str, ...] = ()
    schemata: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    phase: str | None = None  # an investigation phase (networks loaded with --phase)

    def window(self) -> Window:
        if self.phase:
            return Window(phase=self.phase)
        if self.since or self.until:
            return Window(between=(self.since or "0000", self.until or "9999"))
        return Window()


def search_names(view: View, cache: Derived, q: str, limit: int) -> list[dict[str, Any]]:
    """Entities whose names match ``q`` in any script (``resolve.search``)."""
    index = cache.get(view, "names", lambda v: NameIndex(records_of(v)))
    return [{"entity_id": h.entity_id, "name": h.name, "schema": h.schema, "score": h.score}
            for h in index.search(q, limit=limit)]  # fmt: skip


def network(
    view: View, cache: Derived, kinds: Sequence[str] = (), window: Window | None = None
) -> Network:
    window = window or Window()
    name = f"network|{','.join(sorted(kinds))}|{window.describe()}"
    return cache.get(view, name, lambda v: network_of(v, window=window, kinds=kinds).network)


def ranking(view: View, cache: Derived) -> Ranking:
    net = network(view, cache)
    if net.m == 0:
        raise NotFound("no ties to analyse among what you may see")
    # reasons for the first RANKED (the most a page or `top` asks for); scores for all
    options = LeaderOptions(top=RANKED)
    return cache.get(view, "leaders", lambda v: rank_leaders(net, options=options))


def entity_values(view: View, entity_id: str) -> dict[str, Any]:
    """Every value of an entity with its source, marking and grading."""
    statements = list(view.statements(entity_id=entity_id))
    if not statements:
        raise NotFound(f"no entity {entity_id!r} among what you may see")
    entity = view.assemble(entity_id, statements)
    markings = view.all_markings()  # the marking table; only those of these statements shown
    values = [
        {
            "property": s.prop,
            "value": s.value,
            "dataset": s.dataset,
            "marking": str(markings[s.marking_id]) if s.marking_id in markings else None,
            "reliability": markings[s.marking_id].reliability if s.marking_id in markings else None,
            "credibility": markings[s.marking_id].credibility if s.marking_id in markings else None,
            "origin": s.origin,
            "first_seen": s.first_seen,
        }
        for s in statements
        if s.prop != "id"
    ]
    return {"id": entity_id, "schema": entity.schema.name, "caption": entity.caption,
            "values": values}  # fmt: skip


def entity_page(view: View, cache: Derived, entity_id: str) -> dict[str, Any]:
    """The entity's values, its relationships (ties in the network, one per partner and
    kind) and its timeline (dated values and dated ties, oldest first)."""
    entity = entity_values(view, entity_id)
    net = network(view, cache)
    related = neighbourhood(net, [entity_id], options=NeighbourhoodOptions(hops=1, max_nodes=500))
    names = {n["id"]: n["name"] for n in related["nodes"]}
    relationships = [
        {
            "other": e["target"] if e["source"] == entity_id else e["source"],
            "name": names[e["target"] if e["source"] == entity_id else e["source"]],
            "kind": e["kind"],
            "direction": "out" if e["directed"] and e["source"] == entity_id else
                         "in" if e["directed"] else "",
            "count": e["count"],
            "first": e["first"],
            "last": e["last"],
        }
        for e in related["edges"]
        if entity_id in (e["source"], e["target"])
    ]  # fmt: skip
    relationships.sort(key=lambda r: (-r["count"], r["name"]))
    dated = [
        v for v in entity["values"] if v["property"].endswith("Date") or v["property"] == "date"
    ]
    timeline = [{"date": v["value"], "property": v["property"], "dataset": v["dataset"]}
                for v in dated]  # fmt: skip
    mine = net.index.get(entity_id)
    if mine is not None:
        rows = np.flatnonzero((net.src == mine) | (net.dst == mine))
        for i in rows.tolist():
            if net.date[i] is None:
                continue
            other = int(net.dst[i] if net.src[i] == mine else net.src[i])
            tie = {"date": net.date[i], "kind": net.kind[i], "name": net.names[other],
                   "entity": net.node_ids[other], "evidence": net.tie_ids[i]}  # fmt: skip
            timeline.append(tie)
    timeline.sort(key=lambda t: str(t["date"]))
    return {**entity, "relationships": relationships, "timeline": timeline,
            "similar": similar_names(view, cache, entity_id, entity["values"])}  # fmt: skip


def similar_names(
    view: View, cache: Derived, entity_id: str, values: list[dict[str, Any]], *, least: float = 0.7
) -> list[dict[str, Any]]:
    """Other entities whose names resemble this one's (the search index, not a judgement:
    candidates for the analyst to compare, best first)."""
    names = [v["value"] for v in values if v["property"] in ("name", "alias")][:5]
    best: dict[str, dict[str, Any]] = {}
    for name in names:
        for hit in search_names(view, cache, name, 10):
            other = hit["entity_id"]
            if other == entity_id or hit["score"] < least:
                continue
            if other not in best or hit["score"] > best[other]["score"]:
                best[other] = hit
    return sorted(best.values(), key=lambda h: (-h["score"], h["entity_id"]))[:8]


def leader_ranking(view: View, cache: Derived, *, top: int) -> dict[str, Any]:
    """The leader ranking of the network the view may see (`cupula leaders`)."""
    result = ranking(view, cache).as_dict()
    result["leaders"] = result["leaders"][:top]
    return result


def graph(
    view: View,
    cache: Derived,
    seeds: Sequence[str],
    *,
    hops: int,
    max_nodes: int,
    only: GraphFilter | None = None,
) -> dict[str, Any]:
    """The neighbourhood of ``seeds`` for the network explorer: leader scores on the
    nodes (from the whole network the view may see, so sizes stay put while filtering),
    key players marked."""
    only = only or GraphFilter()
    net = network(view, cache, only.kinds, only.window())
    if not any(s in net.index for s in seeds):
        raise NotFound(
            "none of these entities has ties among what you may see (with these filters)"
        )
    if only.schemata:
        wanted = np.array([s in only.schemata or n in seeds
                           for s, n in zip(net.schemata, net.node_ids, strict=True)])  # fmt: skip
        net = net.select(wanted[net.src] & wanted[net.dst])
    full = network(view, cache)
    scores = ranking(view, cache).scores if full.m else {}
    players = cache.get(view, "key players", lambda v: key_players(full, k=5)) if full.m else None
    return neighbourhood(
        net,
        seeds,
        options=NeighbourhoodOptions(hops=hops, max_nodes=max_nodes),
        scores=scores,
        key_players=[p.entity_id for p in players.players] if players else [],
    )


def money_trail(view: View, cache: Derived, entity_id: str, *, backward: bool) -> TraceResult:
    """Where the money of ``entity_id`` went (or came from), by holder and jurisdiction."""
    flows: Flows = cache.get(view, "flows", flows_of)
    sources = trace_sources(view, entity_id)
    result = trace_many(flows, sources, TraceOptions(backward=backward))
    if result.total == 0:
        raise NotFound(f"no payments {'to' if backward else 'from'} {entity_id!r} that you may see")
    return result


def dataset_counts(view: View, cache: Derived) -> dict[str, int]:
    """Statements the view may read, by dataset."""
    return cache.get(view, "datasets", lambda v: v.count_by("dataset"))


def cooperation(view: View, cache: Derived) -> dict[str, Any]:
    today = date.today()  # requests become overdue as days pass
    return cache.get(view, f"cooperation|{today}", lambda v: figures(v, today=today))
