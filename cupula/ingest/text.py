"""Reading partner files line by line, with strict decoding and byte progress."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from cupula.ingest.errors import IngestError
from cupula.ingest.limits import MAX_ROW_BYTES, line_too_long

Progress = Callable[[int], None]

# The csv module's own bound on a cell; a row is bounded more tightly by CsvRows.
csv.field_size_limit(16 * 1024 * 1024)


def no_progress(_n: int) -> None:
    return None


def iter_raw_lines(
    path: Path, progress: Progress = no_progress, limit: int = MAX_ROW_BYTES
) -> Iterator[tuple[int, bytes]]:
    """(line number, raw bytes) for every line, reporting bytes read. A line longer than
    ``limit`` bytes is refused after reading ``limit`` of them (never held whole)."""
    with path.open("rb") as fh:
        for number, raw in enumerate(iter(lambda: fh.readline(limit + 1), b""), 1):
            if len(raw) > limit and not raw.endswith(b"\n"):
                raise line_too_long(path, number, limit)
            progress(len(raw))
            yield number, raw


def decode_line(path: Path, number: int, raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 4]
        raise IngestError(
            path,
            f"bytes {bad!r} at column {exc.start + 1} are not valid {encoding}; "
            "give the file's encoding with --encoding (e.g. cp1252, latin-1)",
            line=number,
        ) from None


def iter_text_lines(
    path: Path, encoding: str, progress: Progress = no_progress, limit: int = MAX_ROW_BYTES
) -> Iterator[tuple[int, str]]:
    """(line number, decoded line); a byte sequence that is not ``encoding`` is an error."""
    for number, raw in iter_raw_lines(path, progress, limit):
        if number == 1 and encoding.replace("-", "").lower() == "utf8":
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        yield number, decode_line(path, number, raw, encoding)


class CsvRows:
    """Rows of a delimited file, each with the line number it ends on. A row (its
    physical lines together: a quoted cell may span several) longer than ``limit`` bytes
    is refused."""

    def __init__(
        self,
        path: Path,
        *,
        encoding: str = "utf-8",
        delimiter: str | None = None,
        progress: Progress = no_progress,
        limit: int = MAX_ROW_BYTES,
    ) -> None:
        self.path = path
        self.encoding = encoding
        self.limit = limit
        self.delimiter = delimiter or guess_delimiter(path, encoding, limit)
        self.progress = progress

    def _lines(self, row_bytes: list[int]) -> Iterator[str]:
        """Decoded lines for the csv reader; ``row_bytes[0]`` counts the bytes of the row
        being read (the caller zeroes it at each row)."""
        start = 1
        for number, text in iter_text_lines(self.path, self.encoding, self.progress, self.limit):
            if row_bytes[0] == 0:
                start = number
            row_bytes[0] += len(text)
            if row_bytes[0] > self.limit:
                raise line_too_long(self.path, start, self.limit)
            yield text

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        row_bytes = [0]
        reader = csv.reader(self._lines(row_bytes), delimiter=self.delimiter, strict=True)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise IngestError(
                    self.path, f"malformed CSV: {exc}", line=reader.line_num
                ) from None
            row_bytes[0] = 0
            if row and any(cell.strip() for cell in row):
                yield reader.line_num, row


def guess_delimiter(path: Path, encoding: str, limit: int = MAX_ROW_BYTES) -> str:
    """Tab for .tsv; otherwise the most frequent of , ; tab on the first line."""
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    first = next(iter_text_lines(path, encoding, limit=limit), None)
    if first is None:
        return ","
    counts = {d: first[1].count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def sha256_files(paths: Iterable[Path], extra: bytes = b"") -> str:
    """A fingerprint of the bytes of ``paths`` (and of ``extra``: options, mapping)."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        digest.update(b"\x00")
    digest.update(extra)
    return digest.hexdigest()
