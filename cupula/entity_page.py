"""What an analyst reads about one entity: every value with its source, marking and
grading; its relationships (ties in the network, one per partner and kind); its timeline
(dated values and dated ties, oldest first); other entities with similar names.

Domain work over a view, read by index: the entity's statements (one range scan), its
ties from the edge table (``graph.local``) and similar names from the name-key table
(``store.name_search``); nothing of the whole network or the whole name index is built.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cupula.errors import NotFound
from cupula.graph.local import local_network
from cupula.graph.neighbourhood import NeighbourhoodOptions, neighbourhood
from cupula.graph.network import Network
from cupula.store import View, name_search

RELATED = 500  # the most neighbours listed as relationships
SIMILAR = 8  # the most similar names shown
SIMILAR_NAMES_ASKED = 5  # an entity's first names (and aliases) looked up in the index
SIMILAR_CANDIDATES = 500  # entities scored per name looked up


def entity_values(view: View, entity_id: str) -> dict[str, Any]:
    """Every value of an entity with its source, marking and grading."""
    statements = list(view.statements(entity_id=entity_id))
    if not statements:
        raise NotFound(f"no entity {entity_id!r} among what you may see")
    entity = view.assemble(entity_id, statements)  # captioned by its owner
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


def relationships(net: Network, entity_id: str) -> list[dict[str, Any]]:
    """The entity's ties, one per partner and kind, the most frequent first."""
    related = neighbourhood(
        net, [entity_id], options=NeighbourhoodOptions(hops=1, max_nodes=RELATED)
    )
    names = {n["id"]: n["name"] for n in related["nodes"]}
    found = [
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
    found.sort(key=lambda r: (-r["count"], r["name"]))
    return found


def timeline(net: Network, entity_id: str, values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Dated values (birth, incorporation…) and dated ties, oldest first."""
    dated = [v for v in values if v["property"].endswith("Date") or v["property"] == "date"]
    events: list[dict[str, Any]] = [
        {"date": v["value"], "property": v["property"], "dataset": v["dataset"]} for v in dated
    ]
    mine = net.index.get(entity_id)
    if mine is not None:
        rows = np.flatnonzero((net.src == mine) | (net.dst == mine))
        for i in rows.tolist():
            if net.date[i] is None:
                continue
            other = int(net.dst[i] if net.src[i] == mine else net.src[i])
            tie = {"date": net.date[i], "kind": net.kind[i], "name": net.names[other],
                   "entity": net.node_ids[other], "evidence": net.tie_ids[i]}  # fmt: skip
            events.append(tie)
    events.sort(key=lambda t: str(t["date"]))
    return events


def similar_names(
    view: View,
    entity_id: str,
    values: list[dict[str, Any]],
    *,
    least: float = 0.7,
    total: int | None = None,
) -> list[dict[str, Any]]:
    """Other entities whose names resemble this one's (the search index, not a judgement:
    candidates for the analyst to compare, best first)."""
    names = [v["value"] for v in values if v["property"] in ("name", "alias")]
    best: dict[str, dict[str, Any]] = {}
    if names and total is None:
        total = name_search.name_total(view)
    for name in names[:SIMILAR_NAMES_ASKED]:
        for hit in name_search.search(view, name, limit=10, cap=SIMILAR_CANDIDATES,
                                      total=total).hits:  # fmt: skip
            if hit.entity_id == entity_id or hit.score < least:
                continue
            if hit.entity_id not in best or hit.score > best[hit.entity_id]["score"]:
                best[hit.entity_id] = {"entity_id": hit.entity_id, "name": hit.name,
                                       "schema": hit.schema, "score": hit.score}  # fmt: skip
    return sorted(best.values(), key=lambda h: (-h["score"], h["entity_id"]))[:SIMILAR]


def entity_page(view: View, entity_id: str, *, names_total: int | None = None) -> dict[str, Any]:
    """The entity's values, relationships, timeline and similar names, as ``view`` may
    see them. ``names_total`` (``name_search.name_total``) may be passed when kept."""
    entity = entity_values(view, entity_id)
    net = local_network(view, [entity_id], hops=1, max_nodes=RELATED).network
    return {**entity, "relationships": relationships(net, entity_id),
            "timeline": timeline(net, entity_id, entity["values"]),
            "similar": similar_names(view, entity_id, entity["values"],
                                     total=names_total)}  # fmt: skip
