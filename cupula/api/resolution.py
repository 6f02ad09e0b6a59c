"""The same person across partners: clusters, and the analysts' judgements."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from cupula.api.models import PROBLEMS, Judgement, ListedJudgement
from cupula.http.context import Ctx
from cupula.resolve.judgements import Verdict
from cupula.resolve.service import clusters_for, judge_seen, judgements_of

router = APIRouter(prefix="/api", tags=["resolution"], responses=PROBLEMS)


class JudgementIn(BaseModel):
    left: str = Field(min_length=1, max_length=255)
    right: str = Field(min_length=1, max_length=255)
    verdict: Verdict
    note: str | None = Field(default=None, max_length=2000)
    # who may see and use the judgement; default: see resolve.judgements.marking_for
    marking: str | None = Field(default=None, max_length=500)


@router.get("/clusters")
def clusters(ctx: Ctx, merged_only: bool = True) -> list[list[str]]:
    """Clusters of the last `cupula resolve` on what you may see."""
    result = clusters_for(ctx.store, ctx.view())
    return result.merged() if merged_only else result.members


@router.post("/judgements")
def add_judgement(ctx: Ctx, body: JudgementIn) -> Judgement:
    """Judge two entities you may see: same, different, unsure, retracted (undo)."""
    item = judge_seen(ctx.store, ctx.view(), body.left, body.right, body.verdict, body.note,
                      marking=body.marking)  # fmt: skip
    return Judgement.model_validate(item.as_dict())


@router.get("/judgements")
def list_judgements(
    ctx: Ctx, entity: Annotated[str | None, Query(max_length=255)] = None
) -> list[ListedJudgement]:
    """The judgements you may see (of pairs with ``entity``), oldest first: verdict,
    author agency and user, marking, whether it stands, whether the pair is disputed."""
    return [ListedJudgement.model_validate(x.as_dict())
            for x in judgements_of(ctx.store, ctx.view(), entity)]  # fmt: skip
