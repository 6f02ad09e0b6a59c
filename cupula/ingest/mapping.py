"""Tables (CSV, Excel) mapped to entities with a followthemoney YAML mapping.

The mapping is FtM's own format: either ``entities:`` at the top, or ``queries:``, a
list of such blocks applied to every row. Source options FtM would use to fetch the
data (``csv_url``, ``database``) are ignored: the file given to ``ingest`` is the data.

Example::

    entities:
      person:
        schema: Person
        keys: [id]
        properties:
          name: {column: name}
          birthDate: {column: dob}
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from followthemoney.exc import InvalidMapping
from followthemoney.mapping import QueryMapping
from followthemoney.proxy import EntityProxy

from cupula.ingest.errors import IngestError
from cupula.ingest.fragment import Fragment
from cupula.ingest.limits import MAX_ROW_BYTES, EntityTally, check_entity, line_too_long
from cupula.ingest.text import CsvRows, Progress, no_progress
from cupula.model.schemata import get_model

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
MAX_MAPPING_BYTES = 1_000_000


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: a mapping never needs them, and aliases are how
    a small hostile file expands into gigabytes ("billion laughs")."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a mapping", None
            )
        return super().compose_node(parent, index)


DISCARDED = re.compile(r'unclean value "(?P<value>.*)" for property "(?P<prop>[^"]+)"', re.S)


class _Discarded(logging.Handler):
    """Collects FtM's warnings about values it could not clean, to raise them as errors."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.problems: list[tuple[str, str]] = []  # (property, value)

    def emit(self, record: logging.LogRecord) -> None:
        # FtM also warns about empty cells and about rows whose key columns are empty
        # (it skips that entity): that is how optional columns work, not an error.
        match = DISCARDED.search(record.getMessage())
        if match is not None and match.group("value").strip():
            self.problems.append((match.group("prop"), match.group("value")))


def load_mapping(mapping_path: Path, *, dataset: str) -> list[QueryMapping]:
    """Parse the YAML mapping; errors name the mapping file."""
    if mapping_path.stat().st_size > MAX_MAPPING_BYTES:
        raise IngestError(mapping_path, f"a mapping larger than {MAX_MAPPING_BYTES:,} bytes")
    try:
        data = yaml.load(mapping_path.read_text(encoding="utf-8"), Loader=_NoAliasLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise IngestError(mapping_path, f"cannot read the mapping: {exc}") from None
    if not isinstance(data, dict):
        raise IngestError(mapping_path, "a mapping must be a YAML object with 'entities'")
    queries: list[Any] = data.get("queries", [data])
    if not isinstance(queries, list) or not queries:
        raise IngestError(mapping_path, "'queries' must be a non-empty list", field="queries")
    mappings = []
    for index, query in enumerate(queries):
        field = f"queries[{index}]" if "queries" in data else "entities"
        if not isinstance(query, dict) or not isinstance(query.get("entities"), dict):
            raise IngestError(mapping_path, "needs an 'entities' object", field=field)
        # FtM wants a source; ours is the ingested file, so give it a placeholder.
        query = {"entities": query["entities"], "csv_url": "cupula:input"}
        try:
            mappings.append(get_model().make_mapping(query, key_prefix=dataset))
        except InvalidMapping as exc:
            raise IngestError(mapping_path, f"invalid mapping: {exc}", field=field) from None
    return mappings


def _excel_rows(path: Path, sheet: str | None) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise IngestError(path, f"not a readable Excel workbook: {exc}") from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise IngestError(path, f"no sheet {sheet!r}; sheets: {', '.join(workbook.sheetnames)}")
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        for number, values in enumerate(worksheet.iter_rows(values_only=True), 1):
            cells = ["" if v is None else str(v) for v in values]
            if sum(len(c) for c in cells) > MAX_ROW_BYTES:
                raise line_too_long(path, number, MAX_ROW_BYTES)
            if any(c.strip() for c in cells):
                yield number, cells
    finally:
        workbook.close()


def _check_schema(path: Path, line: int, schemata: dict[str, str], entity: EntityProxy) -> None:
    """FtM hashes keys without the schema: two entity mappings with the same key columns
    (one of them empty) and no ``key_literal`` give a person and a link the same id."""
    if entity.id is None:
        return
    known = schemata.setdefault(entity.id, entity.schema.name)
    if known != entity.schema.name and not (
        entity.schema.is_a(known) or get_model()[known].is_a(entity.schema.name)
    ):
        raise IngestError(
            path,
            f"the mapping gives a {known} and a {entity.schema.name} the same id {entity.id}; "
            "give each entity mapping its own key_literal",
            line=line,
        )


def read_table(
    path: Path,
    mapping_path: Path,
    *,
    dataset: str,
    encoding: str = "utf-8",
    sheet: str | None = None,
    progress: Progress = no_progress,
    dropped: list[str] | None = None,
) -> Iterator[Fragment]:
    """Map every row of a CSV or Excel sheet; the first row holds the column names.

    A value the schema rejects stops the load, unless ``dropped`` is given: the value is
    then left out and described there."""
    mappings = load_mapping(mapping_path, dataset=dataset)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        rows: Iterator[tuple[int, list[str]]] = _excel_rows(path, sheet)
    else:
        rows = iter(CsvRows(path, encoding=encoding, progress=progress))
    header_line, header = next(rows, (0, []))
    columns = [c.strip() for c in header]
    if not columns:
        raise IngestError(path, "empty file: expected a header row of column names")
    for mapping in mappings:
        for ref in sorted(mapping.refs):
            if ref not in columns:
                raise IngestError(
                    path,
                    f"the mapping {mapping_path.name} uses column {ref!r}, which the header "
                    f"lacks (columns: {', '.join(columns)})",
                    line=header_line,
                    field=ref,
                )
    schemata: dict[str, str] = {}
    tally = EntityTally(path)  # rows with the same keys add to one entity
    handler = _Discarded()
    logger = logging.getLogger("followthemoney.mapping.entity")
    logger.addHandler(handler)
    try:
        for line, row in rows:
            if len(row) > len(columns):
                raise IngestError(
                    path, f"row has {len(row)} cells, the header {len(columns)}", line=line
                )
            record = {col: (row[i] if i < len(row) else "") for i, col in enumerate(columns)}
            mapped = [e for mapping in mappings for e in mapping.map(record).values()]
            if handler.problems:
                prop, value = handler.problems[0]
                if dropped is None:
                    raise IngestError(
                        path, f"{value!r:.200} is not a valid {prop}", line=line, field=prop
                    )
                dropped.extend(f"line {line}, field {p}: {v!r}" for p, v in handler.problems)
                handler.problems.clear()
            for entity in mapped:
                _check_schema(path, line, schemata, entity)
                check_entity(entity, path=path, line=line)
                tally.add(entity, line)
                yield Fragment(entity, f"{path.name}:{line}")
    finally:
        logger.removeHandler(handler)
