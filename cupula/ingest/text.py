"""Reading partner files line by line, with strict decoding and byte progress."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from cupula.ingest.errors import IngestError

Progress = Callable[[int], None]

# A cell larger than this is almost certainly a broken quote swallowing the file.
csv.field_size_limit(16 * 1024 * 1024)


def no_progress(_n: int) -> None:
    return None


def iter_raw_lines(path: Path, progress: Progress = no_progress) -> Iterator[tuple[int, bytes]]:
    """(line number, raw bytes) for every line, reporting bytes read."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
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
    path: Path, encoding: str, progress: Progress = no_progress
) -> Iterator[tuple[int, str]]:
    """(line number, decoded line); a byte sequence that is not ``encoding`` is an error."""
    for number, raw in iter_raw_lines(path, progress):
        if number == 1 and encoding.replace("-", "").lower() == "utf8":
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        yield number, decode_line(path, number, raw, encoding)


class CsvRows:
    """Rows of a delimited file, each with the line number it ends on."""

    def __init__(
        self,
        path: Path,
        *,
        encoding: str = "utf-8",
        delimiter: str | None = None,
        progress: Progress = no_progress,
    ) -> None:
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter or guess_delimiter(path, encoding)
        self.progress = progress

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        lines = (text for _, text in iter_text_lines(self.path, self.encoding, self.progress))
        reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise IngestError(
                    self.path, f"malformed CSV: {exc}", line=reader.line_num
                ) from None
            if row and any(cell.strip() for cell in row):
                yield reader.line_num, row


def guess_delimiter(path: Path, encoding: str) -> str:
    """Tab for .tsv; otherwise the most frequent of , ; tab on the first line."""
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    first = next(iter_text_lines(path, encoding), None)
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
