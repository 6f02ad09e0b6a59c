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

from cupula.cooperation import figures
from cupula.entity_page import entity_page as entity_page_of
from cupula.errors import NotFound
from cupula.graph.analysis import network_of
from cupula.graph.keyplayers import KeyPlayerSet, key_players
from cupula.graph.leaders import LeaderOptions, Ranking, rank_leaders
from cupula.graph.neighbourhood import NeighbourhoodOptions, neighbourhood
from cupula.graph.network import Network
from cupula.graph.temporal import Window
from cupula.money.flows import Flows, flows_of, trace_sources
from cupula.money.trace import TraceOptions, TraceResult, trace_many
from cupula.precompute import KEY_PLAYERS, LEADERS, NO_TIES, RANKED
from cupula.resolve.records import records_of
from cupula.resolve.search import NameIndex
from cupula.store import View
from cupula.store.derived import Derived


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
    index = names(view, cache)
    return [{"entity_id": h.entity_id, "name": h.name, "schema": h.schema, "score": h.score}
            for h in index.search(q, limit=limit)]  # fmt: skip


def network(
    view: View, cache: Derived, kinds: Sequence[str] = (), window: Window | None = None
) -> Network:
    window = window or Window()
    name = f"network|{','.join(sorted(kinds))}|{window.describe()}"
    return cache.get(view, name, lambda v: network_of(v, window=window, kinds=kinds).network)


def ranking(view: View, cache: Derived) -> Ranking:
    """The leader ranking of the whole network the view may see: computed ahead and
    stored in a server (``precompute``), built here otherwise."""
    return aged_ranking(view, cache)[0]


def aged_ranking(view: View, cache: Derived) -> tuple[Ranking, dict[str, str]]:
    """``ranking``, with its age when the stored one is stale (``Derived.result_aged``)."""

    def build(v: View) -> Ranking:
        net = network(v, cache)
        if net.m == 0:
            raise NotFound(NO_TIES)
        # reasons for the first RANKED (the most a page or `top` asks for); scores for all
        return rank_leaders(net, options=LeaderOptions(top=RANKED))

    return cache.result_aged(view, LEADERS, build)


def whole_key_players(view: View, cache: Derived) -> KeyPlayerSet | None:
    """The key players of the whole network the view may see (None: no ties); stored
    in a server like the ranking."""

    def build(v: View) -> KeyPlayerSet | None:
        full = network(v, cache)
        return key_players(full, k=5) if full.m else None

    result: KeyPlayerSet | None = cache.result(view, KEY_PLAYERS, build)
    return result


def names(view: View, cache: Derived) -> NameIndex:
    """The name index of what the view may see (built once per view and data version)."""
    return cache.get(view, "names", lambda v: NameIndex(records_of(v)))


def entity_page(view: View, cache: Derived, entity_id: str) -> dict[str, Any]:
    """The entity's values, relationships, timeline and similar names (``entity_page``)."""
    return entity_page_of(view, network(view, cache), names(view, cache), entity_id)


def leader_ranking(view: View, cache: Derived, *, top: int) -> dict[str, Any]:
    """The leader ranking of the network the view may see (`cupula leaders`)."""
    found, age = aged_ranking(view, cache)
    result = found.as_dict()
    result["leaders"] = result["leaders"][:top]
    if age:  # computed before the last load; the new one is on its way
        result["age"] = age
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
    players = whole_key_players(view, cache) if full.m else None
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
