"""The same person across partners: clusters, and the analysts' judgements."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from cupula.api.models import PROBLEMS, Judgement
from cupula.http.context import Ctx
from cupula.resolve.judgements import Verdict
from cupula.resolve.service import clusters_for, judge_seen

router = APIRouter(prefix="/api", tags=["resolution"], responses=PROBLEMS)


class JudgementIn(BaseModel):
    left: str = Field(min_length=1, max_length=255)
    right: str = Field(min_length=1, max_length=255)
    verdict: Verdict
    note: str | None = Field(default=None, max_length=2000)


@router.get("/clusters")
def clusters(ctx: Ctx, merged_only: bool = True) -> list[list[str]]:
    """Clusters of the last `cupula resolve` on what you may see."""
    result = clusters_for(ctx.store, ctx.view())
    return result.merged() if merged_only else result.members


@router.post("/judgements")
def add_judgement(ctx: Ctx, body: JudgementIn) -> Judgement:
    """Judge two entities you may see: same, different, unsure, retracted (undo)."""
    item = judge_seen(ctx.store, ctx.view(), body.left, body.right, body.verdict, body.note)
    return Judgement(left=item.left, right=item.right, verdict=item.verdict.value,
                     user=item.user, at=item.at)  # fmt: skip
