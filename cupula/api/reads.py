"""Reads shared by the API routes and the pages (each through the caller's view)."""

from __future__ import annotations

from typing import Any

from cupula.api.errors import NotFound
from cupula.graph.analysis import network_of
from cupula.graph.leaders import LeaderOptions, rank_leaders
from cupula.graph.temporal import Window
from cupula.resolve.engine import ResolveOptions
from cupula.resolve.records import make_record
from cupula.resolve.screening import screen
from cupula.store import View


def search_names(view: View, q: str, limit: int) -> list[dict[str, Any]]:
    """Entities whose names match ``q`` in any script (the screening engine)."""
    query = make_record("query:1", "LegalEntity", names=[q])
    hits = screen(view, [(1, {"name": q}, query)],
                  options=ResolveOptions(match=0.9, review=0.05), top=limit)  # fmt: skip
    return [{"entity_id": h.entity_id, "name": h.name, "probability": round(h.probability, 4)}
            for h in hits[0].hits]  # fmt: skip


def entity_values(view: View, entity_id: str) -> dict[str, Any]:
    """Every value of an entity with its source, marking and grading."""
    markings = view.markings()
    statements = list(view.statements(entity_id=entity_id))
    if not statements:
        raise NotFound(f"no entity {entity_id!r} among what you may see")
    entity = view.entity(entity_id)
    assert entity is not None
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


def leader_ranking(view: View, *, top: int) -> dict[str, Any]:
    """The leader ranking of the network the view may see (`cupula leaders`)."""
    cut = network_of(view, window=Window(), kinds=None)
    if cut.network.m == 0:
        raise NotFound("no ties to analyse among what you may see")
    return rank_leaders(cut.network, options=LeaderOptions(top=top)).as_dict()
