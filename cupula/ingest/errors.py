"""The error every loader raises for bad input: which file, which line, which field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cupula.errors import CupulaError


class IngestError(CupulaError):
    """Bad input. Nothing of the load it interrupted is kept."""

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f", line {self.line}"
        if self.field is not None:
            where += f", field {self.field!r}"
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt with its parts when it crosses from a load's process (ingest.isolated)
        return (_rebuild, (type(self), self.path, self.message, self.line, self.field))


def _rebuild(
    kind: type[IngestError], path: str, message: str, line: int | None, field: str | None
) -> IngestError:
    return kind(path, message, line=line, field=field)
