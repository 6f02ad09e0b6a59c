"""Finding entities by name, and reading one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cupula.api.analysis import Unmerged
from cupula.api.models import PROBLEMS, EntityPage, Members, PersonHit
from cupula.http import reads
from cupula.http.context import Ctx
from cupula.http.fused import fused_of, member_records
from cupula.http.state import Cache

router = APIRouter(prefix="/api", tags=["entities"], responses=PROBLEMS)


@router.get("/search")
def search(
    ctx: Ctx,
    cache: Cache,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    dataset: Annotated[list[str] | None, Query()] = None,
    unmerged: Unmerged = False,
) -> list[PersonHit]:
    """Entities whose names match ``q`` in any script, best first (a ranking score,
    not a match probability: `cupula screen` gives those). The records of one person
    come as one result (``entity_id``: its canonical id; ``members``: its records;
    ``matched``: those whose names matched) unless ``unmerged``."""
    view = ctx.view(dataset)
    fused = fused_of(ctx, view, cache, dataset, apart=unmerged)
    hits = reads.search_people(view, cache, q, limit, fused)
    return [PersonHit.model_validate(hit) for hit in hits]


@router.get("/entities/{entity_id}")
def entity(ctx: Ctx, cache: Cache, entity_id: str, unmerged: Unmerged = False) -> EntityPage:
    """Every value of the entity you may see, with its source, marking and grading;
    its relationships and its timeline; and, when your resolution joined it with other
    records (unless ``unmerged``), the ``person``: its member records and their ties."""
    view = ctx.view()
    page = reads.entity_page(view, cache, entity_id)
    fused = fused_of(ctx, view, cache, None, apart=unmerged)
    if len(fused.members(fused.canonical(entity_id))) > 1:
        page["person"] = reads.fused_entity(view, cache, fused, entity_id)
    return EntityPage.model_validate(page)


@router.get("/entities/{entity_id}/members")
def members(ctx: Ctx, cache: Cache, entity_id: str) -> Members:
    """The person ``entity_id`` is a record of, on your latest resolution: its member
    records with their datasets and markings (only records you may see; the record
    alone when it was joined to nothing)."""
    view = ctx.view()
    fused = fused_of(ctx, view, cache, None, apart=False)
    return Members.model_validate(member_records(view, fused, entity_id))
