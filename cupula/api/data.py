"""Loading a file for one's agency."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, UploadFile

from cupula.api.models import PROBLEMS, Loaded
from cupula.http.context import Ctx
from cupula.http.state import UploadLimit
from cupula.http.upload import load_upload
from cupula.ingest import Format, LoadOptions

router = APIRouter(prefix="/api", tags=["data"], responses=PROBLEMS)


@router.post("/loads")
async def load(
    ctx: Ctx,
    limit: UploadLimit,
    file: UploadFile,
    dataset: Annotated[str, Form(min_length=1, max_length=100)],
    marking: Annotated[str, Form(min_length=1, max_length=300)],
    fmt: Annotated[Format | None, Form(alias="format")] = None,
    mapping: UploadFile | None = None,
    phase: Annotated[str | None, Form(max_length=50)] = None,
    drop_invalid: Annotated[bool, Form()] = False,
) -> Loaded:
    """Load a file for your agency, every fact under ``marking`` (all or nothing)."""
    options = LoadOptions(phase=phase, drop_invalid=drop_invalid)
    result = await load_upload(ctx, file, dataset=dataset, marking=marking, fmt=fmt,
                               mapping=mapping, options=options, limit=limit)  # fmt: skip
    return Loaded.model_validate({**result.__dict__, "summary": result.summary()})
