"""Finding entities by name, and reading one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cupula.api.models import PROBLEMS, EntityPage, SearchHit
from cupula.http import reads
from cupula.http.context import Ctx
from cupula.http.state import Cache

router = APIRouter(prefix="/api", tags=["entities"], responses=PROBLEMS)


@router.get("/search")
def search(
    ctx: Ctx,
    cache: Cache,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    dataset: Annotated[list[str] | None, Query()] = None,
) -> list[SearchHit]:
    """Entities whose names match ``q`` in any script, best first (a ranking score,
    not a match probability: `cupula screen` gives those)."""
    hits = reads.search_names(ctx.view(dataset), cache, q, limit)
    return [SearchHit.model_validate(hit) for hit in hits]


@router.get("/entities/{entity_id}")
def entity(ctx: Ctx, cache: Cache, entity_id: str) -> EntityPage:
    """Every value of the entity you may see, with its source, marking and grading;
    its relationships and its timeline."""
    return EntityPage.model_validate(reads.entity_page(ctx.view(), cache, entity_id))
