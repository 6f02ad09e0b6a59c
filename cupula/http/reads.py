"""Reads shared by the API routes and the pages, each through the caller's view.

What costs more than a request should (the network, the leader ranking, the name index,
the payments) is built once per view signature and data version (``store.derived``).

The analyses of the network and the money run on the viewer's fused network when given
its ``Fused`` (``http.fused``: one node per person its resolution found; ``APART``, the
default, keeps records apart): the fusion is a step of its own after the records'
network or payments are built, and its key is part of every derived result's key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cupula.cooperation import figures
from cupula.entity_page import RELATED, entity_values, relationships, timeline
from cupula.entity_page import entity_page as entity_page_of
from cupula.errors import BeingComputed, NotFound, NotReady
from cupula.graph.analysis import network_of
from cupula.graph.keyplayers import key_players
from cupula.graph.leaders import Ranking
from cupula.graph.local import local_network
from cupula.graph.neighbourhood import NeighbourhoodOptions, neighbourhood
from cupula.graph.network import Network
from cupula.graph.temporal import Window
from cupula.http.fused import APART, Fused, group_hits, member_records
from cupula.money.flows import Flows, flows_of, trace_sources
from cupula.money.fusion import fuse_flows
from cupula.money.trace import TraceOptions, TraceResult, trace_many
from cupula.precompute import LEADERS, NO_TIES, whole_ranking
from cupula.store import View, name_search
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
    """Entities whose names match ``q`` in any script, by the name-key index
    (``store.name_search``); each hit says whether the candidates scored were capped."""
    found = name_search.search(view, q, limit=limit, total=names_total(view, cache))
    return [{"entity_id": h.entity_id, "name": h.name, "schema": h.schema, "score": h.score,
             "capped": found.capped} for h in found.hits]  # fmt: skip


def names_total(view: View, cache: Derived) -> int:
    """How many names the view may see (the rarity weights of search), kept per view."""
    return cache.get(view, "name total", name_search.name_total)


def search_people(
    view: View, cache: Derived, q: str, limit: int, fused: Fused = APART
) -> list[dict[str, Any]]:
    """``search_names`` with a cluster's records grouped under one person (the fusion
    step: ``fused.group_hits``); more names are asked for so that ``limit`` people fill."""
    hits = search_names(view, cache, q, limit * 4 if fused.joins else limit)
    return group_hits(hits, fused, limit)


def network(
    view: View,
    cache: Derived,
    kinds: Sequence[str] = (),
    window: Window | None = None,
    fused: Fused = APART,
) -> Network:
    window = window or Window()
    name = f"network|{','.join(sorted(kinds))}|{window.describe()}"
    records = cache.get(view, name, lambda v: network_of(v, window=window, kinds=kinds).network)
    if not fused.joins:
        return records
    # the fusion step: each cluster's records one node, kept under the fusion's key
    return cache.get(view, f"{name}|{fused.network_key}", lambda v: fused.fusion.apply(records))


def ranking(view: View, cache: Derived, fused: Fused = APART) -> Ranking:
    """The leader ranking of the whole network the view may see (fused or not): computed
    ahead and stored in a server (``precompute``), built here otherwise."""
    return aged_ranking(view, cache, fused)[0]


def aged_ranking(
    view: View, cache: Derived, fused: Fused = APART
) -> tuple[Ranking, dict[str, str]]:
    """``ranking``, with its age when the stored one is stale (``Derived.result_aged``)."""

    def build(v: View) -> Ranking:
        net = network(v, cache, fused=fused)
        if net.m == 0:
            raise NotFound(NO_TIES)
        return whole_ranking(net)  # as the server computes it ahead

    return cache.result_aged(view, LEADERS, build, network=fused.network_key)


def entity_page(view: View, cache: Derived, entity_id: str) -> dict[str, Any]:
    """The entity's values, relationships, timeline and similar names (``entity_page``),
    read by index."""
    return entity_page_of(view, entity_id, names_total=names_total(view, cache))


def fused_entity(view: View, cache: Derived, fused: Fused, entity_id: str) -> dict[str, Any]:
    """The person ``entity_id`` is a record of: its member records (``member_records``)
    and every member's relationships and timeline, for the entity page of a person."""
    person = member_records(view, fused, entity_id)
    ties: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for member in (m["id"] for m in person["members"]):
        # each record's own ties, read by index (``graph.local``)
        records = local_network(view, [member], hops=1, max_nodes=RELATED).network
        ties += [{**r, "record": member} for r in relationships(records, member)]
        values = entity_values(view, member)["values"]
        events += [{**e, "record": member} for e in timeline(records, member, values)]
    ties.sort(key=lambda r: (-r["count"], r["name"], r["record"]))
    events.sort(key=lambda e: (str(e["date"]), e["record"]))
    return {**person, "relationships": ties, "timeline": events}


def leader_ranking(view: View, cache: Derived, *, top: int, fused: Fused = APART) -> dict[str, Any]:
    """The leader ranking of the network the view may see (`cupula leaders`), each
    leader with the records fused into it (``members``) and the fusion's note."""
    found, age = aged_ranking(view, cache, fused)
    result = found.as_dict()
    result["leaders"] = fused.with_members(result["leaders"][:top], "entity_id")
    result["fusion"] = fused.note()
    if age:  # computed before the last load; the new one is on its way
        result["age"] = age
    return result


def scores_for(view: View, cache: Derived, fused: Fused = APART) -> dict[str, float]:
    """Leader scores by node id from the ranking of the whole network the view may see,
    where it is at hand: stored in a server ({} while it is being computed: the drawing
    never waits for it), built or kept in this process otherwise."""
    try:
        return ranking(view, cache, fused).scores
    except (BeingComputed, NotReady, NotFound):
        return {}


def graph(
    view: View,
    cache: Derived,
    seeds: Sequence[str],
    *,
    hops: int,
    max_nodes: int,
    only: GraphFilter | None = None,
    fused: Fused = APART,
) -> dict[str, Any]:
    """The neighbourhood of ``seeds`` for the network explorer, read from the edge table
    (``graph.local``; a fused person walked through all its records, then folded into
    one node): leader scores on the nodes from the whole network's ranking where it is
    at hand (``scores_for``), key players chosen within what is drawn; each node with the
    records fused into it and the agencies that hold them (a member record's id opens its
    fused node)."""
    only = only or GraphFilter()
    seeds = fused.seeds(seeds)
    scores = scores_for(view, cache, fused)
    local = local_network(view, seeds, hops=hops, max_nodes=max_nodes, kinds=only.kinds,
                          window=only.window(), schemata=only.schemata,
                          scores=fused.by_record(scores),
                          members_of=fused.members_of_record if fused.joins else None)  # fmt: skip
    net = fused.fusion.apply(local.network) if fused.joins else local.network
    degrees = fused.fold_counts(local.degrees)  # a person's ties: those of its records
    if not any(s in net.index for s in seeds):
        raise NotFound(
            "none of these entities has ties among what you may see (with these filters)"
        )
    players = key_players(net, k=5) if net.m else None
    found = neighbourhood(
        net,
        seeds,
        options=NeighbourhoodOptions(hops=hops, max_nodes=max_nodes),
        scores=scores,
        key_players=[p.entity_id for p in players.players] if players else [],
        degrees=degrees,
        left_out=local.left_out,
    )
    found["nodes"] = fused.with_members(found["nodes"], "id")
    found["fusion"] = fused.note()
    return found


def payments(view: View, cache: Derived, fused: Fused = APART) -> Flows:
    """The payments the view may see, each cluster one holder when fused."""
    records: Flows = cache.get(view, "flows", flows_of)
    if not fused.joins:
        return records
    # the fusion step: payments between one person's records move nothing
    return cache.get(
        view, f"flows|{fused.network_key}", lambda v: fuse_flows(records, fused.fusion)
    )


def money_trail(
    view: View, cache: Derived, entity_id: str, *, backward: bool, fused: Fused = APART
) -> TraceResult:
    """Where the money of ``entity_id`` went (or came from), by holder and jurisdiction
    (a fused person's money: that of all its records)."""
    flows = payments(view, cache, fused)
    sources = sorted({fused.canonical(s) for s in trace_sources(view, entity_id)})
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
