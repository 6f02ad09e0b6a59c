"""What the cooperation achieved: seizures, extraditions, requests for information."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cupula.api.models import PROBLEMS, Cooperation
from cupula.http import reads
from cupula.http.context import Ctx
from cupula.http.state import Cache

router = APIRouter(prefix="/api", tags=["cooperation"], responses=PROBLEMS)


@router.get("/cooperation")
def cooperation(
    ctx: Ctx, cache: Cache, dataset: Annotated[list[str] | None, Query()] = None
) -> Cooperation:
    """Seizures, extraditions and requests for information you may see."""
    return Cooperation.model_validate(reads.cooperation(ctx.view(dataset), cache))
