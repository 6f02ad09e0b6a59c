"""Reads shared by the API routes and the pages, each through the caller's view.

What costs more than a request should (the network, the leader ranking, the name index,
the payments) is built once per view signature and data version (``store.derived``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cupula.cooperation import figures
from cupula.entity_page import entity_page as entity_page_of
from cupula.errors import NotFound
from cupula.graph.analysis import network_of
from cupula.graph.keyplayers import key_players
from cupula.graph.leaders import LeaderOptions, Ranking, rank_leaders
from cupula.graph.local import local_network
from cupula.graph.neighbourhood import NeighbourhoodOptions, neighbourhood
from cupula.graph.network import Network
from cupula.graph.temporal import Window
from cupula.money.flows import Flows, flows_of, trace_sources
from cupula.money.trace import TraceOptions, TraceResult, trace_many
from cupula.store import View, name_search
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
    """Entities whose names match ``q`` in any script, by the name-key index
    (``store.name_search``); each hit says whether the candidates scored were capped."""
    found = name_search.search(view, q, limit=limit, total=names_total(view, cache))
    return [{"entity_id": h.entity_id, "name": h.name, "schema": h.schema, "score": h.score,
             "capped": found.capped} for h in found.hits]  # fmt: skip


def names_total(view: View, cache: Derived) -> int:
    """How many names the view may see (the rarity weights of search), kept per view."""
    return cache.get(view, "name total", name_search.name_total)


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


def entity_page(view: View, cache: Derived, entity_id: str) -> dict[str, Any]:
    """The entity's values, relationships, timeline and similar names (``entity_page``),
    read by index."""
    return entity_page_of(view, entity_id, names_total=names_total(view, cache))


def leader_ranking(view: View, cache: Derived, *, top: int) -> dict[str, Any]:
    """The leader ranking of the network the view may see (`cupula leaders`)."""
    result = ranking(view, cache).as_dict()
    result["leaders"] = result["leaders"][:top]
    return result


def scores_for(view: View) -> dict[str, float]:
    """Leader scores by entity id from the stored ranking of ``view`` ({} while there is
    none): a hook for the stored whole-network results; never computed on a request."""
    return {}


def graph(
    view: View,
    cache: Derived,
    seeds: Sequence[str],
    *,
    hops: int,
    max_nodes: int,
    only: GraphFilter | None = None,
) -> dict[str, Any]:
    """The neighbourhood of ``seeds`` for the network explorer, read from the edge table
    (``graph.local``): leader scores on the nodes from the stored ranking (``scores_for``),
    key players chosen within what is drawn."""
    only = only or GraphFilter()
    scores = scores_for(view)
    local = local_network(view, seeds, hops=hops, max_nodes=max_nodes, kinds=only.kinds,
                          window=only.window(), schemata=only.schemata, scores=scores)  # fmt: skip
    net = local.network
    if not any(s in net.index for s in seeds):
        raise NotFound(
            "none of these entities has ties among what you may see (with these filters)"
        )
    players = key_players(net, k=5) if net.m else None
    return neighbourhood(
        net,
        seeds,
        options=NeighbourhoodOptions(hops=hops, max_nodes=max_nodes),
        scores=scores,
        key_players=[p.entity_id for p in players.players] if players else [],
        degrees=local.degrees,
        left_out=local.left_out,
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
