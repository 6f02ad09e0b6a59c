"""Loading partner data: FtM JSON lines, mapped tables, networks, the OFAC list."""

from cupula.ingest.errors import IngestError
from cupula.ingest.loader import (
    FORMAT_HELP,
    Format,
    LoadOptions,
    LoadRefused,
    LoadResult,
    ingest,
)

__all__ = [
    "FORMAT_HELP",
    "Format",
    "IngestError",
    "LoadOptions",
    "LoadRefused",
    "LoadResult",
    "ingest",
]
