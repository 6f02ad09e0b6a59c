"""Loading partner data: FtM JSON lines, mapped tables, networks, the OFAC list."""

from cupula.ingest.errors import IngestError
from cupula.ingest.loader import FORMAT_HELP, Format, LoadOptions, LoadResult, ingest

__all__ = ["FORMAT_HELP", "Format", "IngestError", "LoadOptions", "LoadResult", "ingest"]
