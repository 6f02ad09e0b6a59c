"""Screening: match a list of names against what a viewer may see (a store, or a watch
list loaded into it such as the OFAC SDN list), with scores and explanations.

The list is a CSV with a header. ``name`` is required; ``birth_date`` (or ``dob``),
``nationality`` (or ``country``), ``gender``, ``schema`` (Person, Company, ...) and
identifier columns (``passport``, ``id_number``, ``tax_number``, ``iban``, ``imo``,
``email``, ``phone``, ``wallet``) are optional. Each row is linked against the
viewer's records with the same blocking and scoring as resolution (link mode: rows
are only compared with stored records, never with each other).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from followthemoney.types import registry

from cupula.ingest.errors import IngestError
from cupula.ingest.text import CsvRows
from cupula.resolve.engine import Progress, ResolveOptions, quiet, score_records
from cupula.resolve.records import FAMILIES, Record, make_record, records_of
from cupula.resolve.scoring import prior_bits, probability
from cupula.store import View

IDENTIFIER_COLUMNS = {
    "passport": "passportNumber",
    "passport_number": "passportNumber",
    "id_number": "idNumber",
    "national_id": "idNumber",
    "tax_number": "taxNumber",
    "registration_number": "registrationNumber",
    "iban": "iban",
    "imo": "imoNumber",
    "email": "email",
    "phone": "phone",
    "wallet": "wallet",
}
DATE_COLUMNS = ("birth_date", "dob", "date_of_birth", "incorporation_date")
COUNTRY_COLUMNS = ("nationality", "country", "citizenship", "jurisdiction")


class ListError(IngestError):
    """A bad screening list (which file, line and column); nothing was screened."""


@dataclass(frozen=True)
class Hit:
    entity_id: str
    name: str
    probability: float
    bits: float
    features: dict[str, float]


@dataclass
class Screened:
    line: int
    query: dict[str, str]
    hits: list[Hit] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "query": self.query,
            "hits": [
                {"entity_id": h.entity_id, "name": h.name,
                 "probability": round(h.probability, 4), "bits": round(h.bits, 2),
                 "features": h.features}
                for h in self.hits
            ],
        }  # fmt: skip


def _country(value: str) -> str | None:
    return registry.country.clean(value) if value.strip() else None


def read_list(path: Path, *, encoding: str = "utf-8") -> list[tuple[int, dict[str, str], Record]]:
    """(line, row, record) for each row of a screening list; bad input raises
    ``ListError`` naming the file, line and column."""
    try:
        return _read_list(path, encoding)
    except ListError:
        raise
    except IngestError as exc:  # undecodable bytes, broken quoting
        raise ListError(exc.path, exc.message, line=exc.line, field=exc.field) from None


def _read_list(path: Path, encoding: str) -> list[tuple[int, dict[str, str], Record]]:
    rows = iter(CsvRows(path, encoding=encoding))
    try:
        _, header = next(rows)
    except StopIteration:
        raise ListError(
            path, "the list is empty (a header with a 'name' column is needed)"
        ) from None
    columns = [h.strip().lower() for h in header]
    if "name" not in columns:
        raise ListError(path, f"no 'name' column (columns: {', '.join(columns)})", line=1)
    out = []
    for line, cells in rows:
        if len(cells) != len(columns):
            raise ListError(path, f"{len(cells)} cells where the header has {len(columns)}",
                              line=line)  # fmt: skip
        row = {c: v.strip() for c, v in zip(columns, cells, strict=True) if v.strip()}
        if not row.get("name"):
            raise ListError(path, "empty name", line=line, field="name")
        schema = row.get("schema", "LegalEntity")
        if schema not in FAMILIES:
            raise ListError(path, f"unknown schema {schema!r} (one of: {', '.join(FAMILIES)})",
                              line=line, field="schema")  # fmt: skip
        countries = []
        for column in COUNTRY_COLUMNS:
            if column in row:
                code = _country(row[column])
                if code is None:
                    raise ListError(path, f"not a country: {row[column]!r}", line=line,
                                      field=column)  # fmt: skip
                countries.append(code)
        record = make_record(
            f"query:{line}",
            schema,
            names=[row["name"]],
            dates=[row[c] for c in DATE_COLUMNS if c in row],
            countries=countries,
            identifiers=[(kind, row[c]) for c, kind in IDENTIFIER_COLUMNS.items() if c in row],
            gender=row.get("gender"),
        )
        out.append((line, row, record))
    return out


def screen(
    view: View,
    queries: Sequence[tuple[int, dict[str, str], Record]],
    *,
    options: ResolveOptions | None = None,
    top: int = 3,
    progress: Progress = quiet,
) -> list[Screened]:
    """The best ``top`` hits of each query among the viewer's records, at or above the
    review probability of ``options``."""
    options = options or ResolveOptions(review=0.5)
    progress("reading the entities you may see")
    index = records_of(view)
    records = [*index, *(q[2] for q in queries)]
    sides = [0] * len(index) + [1] * len(queries)
    # Link mode prior: each query is expected to be on the list at most once.
    if options.prior is None:
        options = replace(options, prior=prior_bits(len(index)))
    resolution = score_records(records, options, sides=sides, progress=progress)
    results = [Screened(line, row) for line, row, _ in queries]
    by_query: dict[int, list[tuple[float, int]]] = {}
    for left, right, bits in zip(
        resolution.links.left.tolist(),
        resolution.links.right.tolist(),
        resolution.links.bits.tolist(),
        strict=True,
    ):
        stored, query = (left, right) if left < len(index) else (right, left)
        by_query.setdefault(query - len(index), []).append((bits, stored))
    for q, found in by_query.items():
        for bits, stored in sorted(found, reverse=True)[:top]:
            record = index[stored]
            features = resolution.features(stored, q + len(index)) or {}
            results[q].hits.append(
                Hit(record.key, record.names[0] if record.names else record.key,
                    probability(bits), bits, features)
            )  # fmt: skip
    resolution.close()
    return results
