"""Where the money went."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cupula.api.analysis import Unmerged
from cupula.api.models import PROBLEMS, MoneyTrail
from cupula.http import reads
from cupula.http.context import Ctx
from cupula.http.fused import fused_of
from cupula.http.state import Cache

router = APIRouter(prefix="/api", tags=["money"], responses=PROBLEMS)


@router.get("/money/{entity_id}")
def money(
    ctx: Ctx,
    cache: Cache,
    entity_id: str,
    backward: bool = False,
    dataset: Annotated[list[str] | None, Query()] = None,
    unmerged: Unmerged = False,
) -> MoneyTrail:
    """Where the money of a person, company, account or seizure went (or, backward,
    came from): by holder and by jurisdiction, with the transfers behind it. A person's
    records are one holder (its ``members``) unless ``unmerged``."""
    view = ctx.view(dataset)
    fused = fused_of(ctx, view, cache, dataset, apart=unmerged)
    trail = reads.money_trail(view, cache, entity_id, backward=backward, fused=fused).as_dict()
    trail["destinations"] = fused.with_members(trail["destinations"], "entity_id")
    return MoneyTrail.model_validate({**trail, "fusion": fused.note()})
