"""The network around some entities, and who leads it."""

from __future__ import annotations

import enum
from typing import Annotated

from fastapi import APIRouter, Query

from cupula.api.models import PROBLEMS, Graph, Leaders
from cupula.graph.network import KINDS
from cupula.http import reads
from cupula.http.context import Ctx
from cupula.http.fused import fused_of
from cupula.http.state import Cache
from cupula.precompute import RANKED

router = APIRouter(prefix="/api", tags=["analysis"], responses=PROBLEMS)
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
Kind = enum.StrEnum("Kind", {k.upper(): k for k in KINDS})  # type: ignore[misc]
Unmerged = Annotated[
    bool,
    Query(
        description="show partners' records of one person apart (default: one node per "
        "person, from your latest `cupula resolve`)"
    ),
]


@router.get("/graph")
def graph(
    ctx: Ctx,
    cache: Cache,
    entity: Annotated[list[str], Query(min_length=1, max_length=50)],
    hops: Annotated[int, Query(ge=0, le=3)] = 1,
    kind: Annotated[list[Kind] | None, Query()] = None,
    schema: Annotated[list[str] | None, Query(max_length=20)] = None,
    since: Annotated[str | None, Query(pattern=DATE_PATTERN)] = None,
    until: Annotated[str | None, Query(pattern=DATE_PATTERN)] = None,
    phase: Annotated[str | None, Query(max_length=50)] = None,
    dataset: Annotated[list[str] | None, Query()] = None,
    max_nodes: Annotated[int, Query(ge=1, le=1000)] = 150,
    unmerged: Unmerged = False,
) -> Graph:
    """The network around ``entity`` (one or more ids) for the explorer: nodes with
    their leader score and key-player mark, ties collapsed per pair and kind. A date
    range keeps dated ties only; ``phase`` the ties of one investigation phase. One
    node per person (its ``members``: the records fused into it; a member's id opens
    its person's node) unless ``unmerged``."""
    only = reads.GraphFilter(tuple(k.value for k in kind or ()), tuple(schema or ()),
                             since, until, phase)  # fmt: skip
    view = ctx.view(dataset)
    fused = fused_of(ctx, view, cache, dataset, apart=unmerged)
    found = reads.graph(view, cache, entity, hops=hops, max_nodes=max_nodes, only=only,
                        fused=fused)  # fmt: skip
    return Graph.model_validate(found)


@router.get("/leaders")
def leaders(
    ctx: Ctx,
    cache: Cache,
    dataset: Annotated[list[str] | None, Query()] = None,
    top: Annotated[int, Query(ge=1, le=RANKED)] = 20,
    unmerged: Unmerged = False,
) -> Leaders:
    """The people most likely at the top, with reasons (`cupula leaders`): one entry
    per person (its ``members``: the records fused into it) unless ``unmerged``."""
    view = ctx.view(dataset)
    fused = fused_of(ctx, view, cache, dataset, apart=unmerged)
    return Leaders.model_validate(reads.leader_ranking(view, cache, top=top, fused=fused))
