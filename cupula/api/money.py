"""Where the money went."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cupula.api.models import PROBLEMS, MoneyTrail
from cupula.http import reads
from cupula.http.context import Ctx
from cupula.http.state import Cache

router = APIRouter(prefix="/api", tags=["money"], responses=PROBLEMS)


@router.get("/money/{entity_id}")
def money(
    ctx: Ctx,
    cache: Cache,
    entity_id: str,
    backward: bool = False,
    dataset: Annotated[list[str] | None, Query()] = None,
) -> MoneyTrail:
    """Where the money of a person, company, account or seizure went (or, backward,
    came from): by holder and by jurisdiction, with the transfers behind it."""
    trail = reads.money_trail(ctx.view(dataset), cache, entity_id, backward=backward)
    return MoneyTrail.model_validate(trail.as_dict())
