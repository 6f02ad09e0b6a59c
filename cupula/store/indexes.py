"""The read indexes kept beside the statements: ties (``edge``) and name keys (``name_key``).

Both are written by each load, in the transaction of its statements (``LoadIndex``), so a
neighbourhood, an entity's ties and a name search read a few rows by index instead of
assembling everything a viewer may see. A row is made from the statements of one
(dataset, marking) cell only and carries that cell: a viewer reads it through the same
rule as statements (``store.view.visible``) and sees it exactly when it may see every
statement it was made of. What a row means is decided where the rest of the code decides
it: ties by ``graph.projection.ties_of``, name keys by ``resolve.search.name_keys``.

``reindex`` fills both tables from the statements of a store loaded before they existed
(``cupula admin reindex``).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import chain, groupby
from operator import itemgetter
from typing import Any

from followthemoney import model
from sqlalchemy import delete, select
from sqlalchemy.engine import Connection, Engine

from cupula.graph.projection import EVENT_SCHEMATA, KIND_OF_SCHEMA, ties_of
from cupula.model.entity import assemble
from cupula.model.statement import BASE, Statement
from cupula.resolve.records import FAMILIES
from cupula.resolve.search import name_keys
from cupula.store.tables import (
    STATEMENT_COLUMNS,
    edge_table,
    key_count_table,
    name_key_table,
    statement_table,
)

EDGE_COLUMNS = tuple(c.name for c in edge_table.columns)
KEY_COLUMNS = tuple(c.name for c in name_key_table.columns)
FLUSH = 20_000  # rows kept before a write
ROWS_PER_INSERT = 500  # x 12 columns: under every backend's bound-parameter limit


@lru_cache(maxsize=1024)
def makes_ties(schema_name: str) -> bool:
    """Whether entities of this schema can be ties in the network (projection.ties_of)."""
    schema = model.get(schema_name)
    if schema is None or schema.is_a("LegalEntity") or schema.name in EVENT_SCHEMATA:
        return False
    return (schema.name in KIND_OF_SCHEMA and schema.edge) or schema.is_a("Event")


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def key_rows(statement: Statement) -> list[tuple[object, ...]]:
    """The name-key rows of one statement (none unless it is a name of a party or thing
    resolution compares)."""
    if statement.prop_type != "name" or statement.schema not in FAMILIES:
        return []
    organisation = FAMILIES[statement.schema] in ("organisation", "party")
    rows: list[tuple[object, ...]] = []
    for form, keys in name_keys(statement.value, organisation):
        name_id = _digest(form)[:16]
        for key in ("n:", *keys):
            kind = key[0]
            rows.append((key[:96], statement.entity_id, name_id, statement.dataset,
                         statement.marking_id, kind, statement.id))  # fmt: skip
    return rows


def edge_rows(entity_id: str, statements: Sequence[Statement]) -> list[tuple[object, ...]]:
    """The edge rows of one entity from the statements of one (dataset, marking) cell."""
    if not statements:
        return []
    proxy = assemble(entity_id, statements)
    ties = ties_of(proxy)
    if not ties:
        return []
    first = statements[0]
    ids = [s.id for s in statements if s.prop == BASE] or [first.id]
    rows: list[tuple[object, ...]] = []
    for t in ties:
        row_id = _digest(t.tie_id, t.source, t.target, t.kind, first.dataset, first.marking_id)
        rows.append((row_id, t.source, t.target, t.kind, int(t.directed), t.weight, t.date,
                     t.phase, t.tie_id, ids[0], first.dataset, first.marking_id))  # fmt: skip
    return rows


class _Inserts:
    """Multi-row ``INSERT ... ON CONFLICT DO NOTHING`` into one table (as ``store.bulk``
    writes statements: one call per ``ROWS_PER_INSERT`` rows, rows in key order)."""

    def __init__(
        self,
        conn: Connection,
        table: str,
        columns: Sequence[str],
        *,
        returning: str = "",
        on_conflict: str = "DO NOTHING",
    ) -> None:
        self.conn = conn
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        self.row = "(" + ", ".join(mark for _ in columns) + ")"
        self.head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        self.tail = f" ON CONFLICT {on_conflict}" + (f" RETURNING {returning}" if returning else "")
        self.returning = returning
        self.full = self._sql(ROWS_PER_INSERT)

    def _sql(self, rows: int) -> str:
        return self.head + ", ".join([self.row] * rows) + self.tail

    def write(self, rows: list[tuple[object, ...]]) -> list[Any]:
        """Insert ``rows`` (those already there are left as they are); what the
        ``returning`` clause gives for each row inserted."""
        rows.sort(key=itemgetter(0))  # key order: fewer pages touched per insert
        inserted: list[Any] = []
        # The driver's own cursor: hundreds of thousands of rows per load, each a plain
        # tuple (SQLAlchemy's result rows cost more than the insert itself here).
        cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            for start in range(0, len(rows), ROWS_PER_INSERT):
                chunk = rows[start : start + ROWS_PER_INSERT]
                sql = self.full if len(chunk) == ROWS_PER_INSERT else self._sql(len(chunk))
                cursor.execute(sql, tuple(chain.from_iterable(chunk)))
                if self.returning:
                    inserted.extend(cursor.fetchall())
        finally:
            cursor.close()
        return inserted


class LoadIndex:
    """The index rows of one load's statements, written on the load's connection.

    ``put(batch)`` takes each batch as the load writes it: name keys are written at once;
    the statements of entities that may be ties are kept (a tie's ends, date and weight
    may come in different fragments) and turned into edge rows by ``finish()``."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._edges = _Inserts(conn, "edge", EDGE_COLUMNS)
        self._key_rows = _Inserts(
            conn, "name_key", KEY_COLUMNS, returning="key, dataset, marking_id"
        )
        self._counts = _Inserts(
            conn,
            "key_count",
            ("key", "dataset", "marking_id", "names"),
            on_conflict="(key, dataset, marking_id) DO UPDATE SET "
            "names = key_count.names + excluded.names",
        )
        self._ties: defaultdict[tuple[str, str, str], list[Statement]] = defaultdict(list)
        self._keys: list[tuple[object, ...]] = []
        self.edges = 0  # rows offered (those already there are left as they are)
        self.keys = 0

    @property
    def pending(self) -> int:
        """Entities kept for ``finish``."""
        return len(self._ties)

    def put(self, batch: Iterable[Statement]) -> None:
        for statement in batch:
            if makes_ties(statement.schema):
                cell = (statement.entity_id, statement.dataset, statement.marking_id)
                self._ties[cell].append(statement)
            else:
                self._keys.extend(key_rows(statement))
        if len(self._keys) >= FLUSH:
            self._flush_keys()

    def finish(self) -> None:
        rows: list[tuple[object, ...]] = []
        for (entity_id, _dataset, _marking), statements in sorted(self._ties.items()):
            rows.extend(edge_rows(entity_id, statements))
            if len(rows) >= FLUSH:
                self._edges.write(rows)
                self.edges += len(rows)
                rows = []
        self._edges.write(rows)
        self.edges += len(rows)
        self._ties.clear()
        self._flush_keys()

    def _flush_keys(self) -> None:
        # Only the rows new to the store count: a name loaded again is not a new name.
        added = Counter((key, dataset, marking) for key, dataset, marking in
                        self._key_rows.write(self._keys))  # fmt: skip
        self._counts.write([(*cell, n) for cell, n in added.items()])
        self.keys += len(self._keys)
        self._keys = []


def _cells(conn: Connection) -> Iterator[list[Statement]]:
    """Every entity's statements, one (dataset, marking) cell at a time."""
    query = select(*(statement_table.c[name] for name in STATEMENT_COLUMNS)).order_by(
        statement_table.c.entity_id
    )
    rows = conn.execution_options(yield_per=10_000).execute(query)
    statements = (Statement(*row) for row in rows)
    for _entity, group in groupby(statements, key=lambda s: s.entity_id):
        cells: defaultdict[tuple[str, str], list[Statement]] = defaultdict(list)
        for statement in group:
            cells[(statement.dataset, statement.marking_id)].append(statement)
        yield from cells.values()


def reindex(engine: Engine) -> tuple[int, int]:
    """Rebuild both index tables from the statements, in one transaction; (edge rows,
    name-key rows) written."""
    with engine.connect() as reader, engine.begin() as conn:
        for table in (edge_table, name_key_table, key_count_table):
            conn.execute(delete(table))
        index = LoadIndex(conn)
        for cell in _cells(reader):
            index.put(cell)
            if index.pending >= FLUSH:
                index.finish()
        index.finish()
    return index.edges, index.keys
