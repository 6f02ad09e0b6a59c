"""Loading a partner's file sent over HTTP: saved under its own name in a private temporary
folder, then loaded by ``ingest`` exactly as ``cupula ingest`` would (all or nothing;
bad input named by file, line and field, the file being the name the user sent), in a
process of its own with a time budget (``ingest.isolated``) so that no upload holds the
server."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi import UploadFile

from cupula.access.reading import Reading
from cupula.errors import InvalidInput, Refused
from cupula.ingest import Format, IngestError, LoadOptions, LoadResult
from cupula.ingest.isolated import load_isolated

MAX_BYTES = 512 * 1024 * 1024
CHUNK = 1024 * 1024
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class TooLarge(InvalidInput):
    """An upload over the size limit (load bigger files with `cupula ingest`)."""


def safe_name(name: str | None, default: str) -> str:
    """The file's own base name, reduced to harmless characters (never a path)."""
    base = Path((name or "").replace("\\", "/")).name
    cleaned = SAFE_NAME.sub("_", base).strip("._")
    return cleaned[:120] or default


async def save(upload: UploadFile, folder: Path, default: str, limit: int = MAX_BYTES) -> Path:
    path = folder / safe_name(upload.filename, default)
    size = 0
    with path.open("wb") as out:
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooLarge(
                    f"{path.name}: larger than {limit // 2**20} MiB; use `cupula ingest`"
                )
            out.write(chunk)
    return path


async def load_upload(
    ctx: Reading,
    upload: UploadFile,
    *,
    dataset: str,
    marking: str,
    fmt: Format | None,
    mapping: UploadFile | None,
    options: LoadOptions,
    limit: int = MAX_BYTES,
) -> LoadResult:
    """Load ``upload`` for the reader's agency (the owner of what it loads); the
    statements added go into the request's audit entry."""
    viewer = ctx.viewer
    if viewer.unrestricted:
        raise Refused("the local administrator loads with `cupula ingest`")
    with tempfile.TemporaryDirectory(prefix="cupula-upload-") as folder:
        path = await save(upload, Path(folder), "upload", limit)
        mapping_path = None
        if mapping is not None and mapping.filename:
            mapping_path = await save(mapping, Path(folder), "mapping.yml", limit)
        try:
            result = await load_isolated(
                ctx.store, path, by=viewer, dataset=dataset, agency=viewer.agency,
                marking=marking, fmt=fmt, mapping=mapping_path, options=options,
                source=path.name,
            )  # fmt: skip
        except IngestError as exc:  # name the file as the user knows it, not our folder
            raise IngestError(
                Path(exc.path).name, exc.message, line=exc.line, field=exc.field
            ) from None
    ctx.wrote(viewer.agency, result.statements_added)
    return result
