"""Who read what, when and why."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cupula.access import audit
from cupula.api.models import PROBLEMS, AuditEntry
from cupula.http.context import Ctx

router = APIRouter(prefix="/api", tags=["audit"], responses=PROBLEMS)


@router.get("/audit")
def audit_entries(
    ctx: Ctx,
    originator: Annotated[str | None, Query(max_length=64)] = None,
    last: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEntry]:
    """Who read what, when and why. Supervisors see every entry; an analyst the
    reads of its own agency's data (``originator`` = its agency)."""
    found = audit.entries_for(ctx.viewer, ctx.store, originator=originator)[-last:]
    return [AuditEntry.model_validate(e.__dict__) for e in reversed(found)]
