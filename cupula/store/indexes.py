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
from collections.abc import Callable, Iterable, Iterator, Sequence
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
FLUSH = 100_000  # rows kept before a write
ROWS_PER_INSERT = 500  # x 12 columns: under every backend's bound-parameter limit
NAMES = "n:"  # the key every indexed name form has once (``store.name_search``)


@lru_cache(maxsize=1024)
def makes_ties(schema_name: str) -> bool:
    """Whether entities of this schema can be ties in the network (projection.ties_of)."""
    schema = model.get(schema_name)
    if schema is None or schema.is_a("LegalEntity") or schema.name in EVENT_SCHEMATA:
        return False
    return (schema.name in KIND_OF_SCHEMA and schema.edge) or schema.is_a("Event")


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


@lru_cache(maxsize=4096)
def name_rows(value: str, organisation: bool) -> tuple[tuple[str, str, str], ...]:
    """(key, name id, kind) of every index key of every name form of one written name:
    computed once per distinct name (a name is often stated again, by other fragments,
    records and loads), not once per statement."""
    rows: list[tuple[str, str, str]] = []
    for form, keys in name_keys(value, organisation):
        name_id = _digest(form)[:16]
        rows.extend((key[:96], name_id, key[0]) for key in (NAMES, *keys))
    return tuple(rows)


def key_rows(statement: Statement) -> list[tuple[object, ...]]:
    """The name-key rows of one statement (none unless it is a name of a party or thing
    resolution compares)."""
    if statement.prop_type != "name" or statement.schema not in FAMILIES:
        return []
    organisation = FAMILIES[statement.schema] in ("organisation", "party")
    entity_id, dataset = statement.entity_id, statement.dataset
    marking_id, statement_id = statement.marking_id, statement.id
    return [(key, entity_id, name_id, dataset, marking_id, kind, statement_id)
            for key, name_id, kind in name_rows(statement.value, organisation)]  # fmt: skip


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
        self.tail = f" ON CONFLICT {on_conflict}"
        self.returning = f" RETURNING {returning}" if returning else ""
        self._full = self._sql(ROWS_PER_INSERT), self._sql(ROWS_PER_INSERT, self.returning)

    def _sql(self, rows: int, returning: str = "") -> str:
        return self.head + ", ".join([self.row] * rows) + self.tail + returning

    def _cursor(self) -> Any:
        # The driver's own cursor: hundreds of thousands of rows per load, each a plain
        # tuple (SQLAlchemy's result rows cost more than the insert itself here).
        return self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]

    def _chunks(self, rows: list[tuple[object, ...]]) -> Iterator[list[tuple[object, ...]]]:
        rows.sort(key=itemgetter(0))  # key order: fewer pages touched per insert
        for start in range(0, len(rows), ROWS_PER_INSERT):
            yield rows[start : start + ROWS_PER_INSERT]

    def write(self, rows: list[tuple[object, ...]]) -> None:
        """Insert ``rows`` (those already there are left as they are)."""
        cursor = self._cursor()
        try:
            for chunk in self._chunks(rows):
                sql = self._full[0] if len(chunk) == ROWS_PER_INSERT else self._sql(len(chunk))
                cursor.execute(sql, tuple(chain.from_iterable(chunk)))
        finally:
            cursor.close()

    def write_new(
        self, rows: list[tuple[object, ...]], new: Callable[[list[tuple[object, ...]]], None]
    ) -> None:
        """Insert ``rows`` and call ``new`` with the rows this call added (not those
        already stored, nor a repeat within ``rows``): each chunk is tried whole under a
        savepoint; only a chunk that met a stored or repeated row (its row count falls
        short) is rolled back and inserted again with ``RETURNING``. A load of new names
        then never reads rows back."""
        cursor = self._cursor()
        # A savepoint outside a transaction would begin one that its RELEASE commits
        # (sqlite3): the load's statements always come first, but never rely on it.
        in_transaction = getattr(cursor.connection, "in_transaction", True)
        try:
            for chunk in self._chunks(rows):
                values = tuple(chain.from_iterable(chunk))
                full = len(chunk) == ROWS_PER_INSERT
                if not in_transaction:
                    cursor.execute(self._full[1] if full else self._sql(len(chunk), self.returning),
                                   values)  # fmt: skip
                    new(cursor.fetchall())
                    continue
                cursor.execute("SAVEPOINT cupula_keys")
                cursor.execute(self._full[0] if full else self._sql(len(chunk)), values)
                if cursor.rowcount == len(chunk):
                    cursor.execute("RELEASE SAVEPOINT cupula_keys")
                    new(chunk)
                    continue
                cursor.execute("ROLLBACK TO SAVEPOINT cupula_keys")
                cursor.execute(self._full[1] if full else self._sql(len(chunk), self.returning),
                               values)  # fmt: skip
                new(cursor.fetchall())
                cursor.execute("RELEASE SAVEPOINT cupula_keys")
        finally:
            cursor.close()


class LoadIndex:
    """The index rows of one load's statements, written on the load's connection.

    ``put(batch)`` takes each batch as the load writes it: name keys are written at once;
    the statements of entities that may be ties are kept (a tie's ends, date and weight
    may come in different fragments) and turned into edge rows by ``finish()``."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._edges = _Inserts(conn, "edge", EDGE_COLUMNS)
        self._key_rows = _Inserts(conn, "name_key", KEY_COLUMNS, returning=", ".join(KEY_COLUMNS))
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
            elif statement.prop_type == "name":  # the only statements with name keys
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
        added: Counter[tuple[object, ...]] = Counter()
        cell_of = itemgetter(0, 3, 4)  # (key, dataset, marking) of a name-key row

        def count(rows: list[tuple[object, ...]]) -> None:
            added.update(map(cell_of, rows))

        self._key_rows.write_new(self._keys, count)
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
