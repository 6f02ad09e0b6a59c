"""Merging batches of statements into the statement table, the fast way per backend.

Both backends apply the same rule: a statement already stored (same entity and id)
keeps its first origin and widens its seen dates; a new one is inserted. Each sink counts
the rows its own statements inserted (``inserted``), not the table's growth, which other
loads committing at the same time would add to.

- SQLite: multi-row ``INSERT ... VALUES`` of 500 rows. One call into SQLite runs with
  the GIL released (see ``Writer.pipeline``) and saves per-row statement resets. Rows go
  in with ``ON CONFLICT DO NOTHING`` first (its row count is what was inserted: SQLite
  has one writer at a time, so nothing else inserts meanwhile); only a chunk that met
  stored statements is then merged again to widen their dates.
- PostgreSQL: ``COPY`` into a temporary table, then one ``INSERT ... SELECT ... GROUP BY
  ... ON CONFLICT`` (PostgreSQL refuses an upsert that names one key twice, and a batch
  may repeat a statement). COPY is several times faster than any INSERT from a client.
  ``RETURNING (xmax = 0)`` tells an inserted row from an updated one.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Protocol

from sqlalchemy.engine import Connection

from cupula.model.statement import Statement
from cupula.store.tables import STATEMENT_COLUMNS

COLUMNS = ", ".join(STATEMENT_COLUMNS)
# CASE rather than min()/LEAST(): the same SQL on both backends.
MERGE_SEEN = (
    "ON CONFLICT (entity_id, id) DO UPDATE SET "
    "first_seen = CASE WHEN excluded.first_seen < statement.first_seen "
    "THEN excluded.first_seen ELSE statement.first_seen END, "
    "last_seen = CASE WHEN excluded.last_seen > statement.last_seen "
    "THEN excluded.last_seen ELSE statement.last_seen END"
)
SKIP_STORED = "ON CONFLICT (entity_id, id) DO NOTHING"
ROWS_PER_INSERT = 500  # x 13 columns: under SQLite's bound-parameter limit


class StatementSink(Protocol):
    inserted: int  # rows this sink's statements added to the table

    def put(self, statements: Sequence[Statement]) -> None: ...


class SqliteSink:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.inserted = 0
        self.full = self._sql(ROWS_PER_INSERT, SKIP_STORED), self._sql(ROWS_PER_INSERT, MERGE_SEEN)

    @staticmethod
    def _sql(rows: int, conflict: str) -> str:
        row = "(" + ", ".join("?" for _ in STATEMENT_COLUMNS) + ")"
        return f"INSERT INTO statement ({COLUMNS}) VALUES {', '.join([row] * rows)} {conflict}"

    def put(self, statements: Sequence[Statement]) -> None:
        for start in range(0, len(statements), ROWS_PER_INSERT):
            chunk = statements[start : start + ROWS_PER_INSERT]
            if len(chunk) == ROWS_PER_INSERT:
                skip, merge = self.full
            else:
                skip, merge = self._sql(len(chunk), SKIP_STORED), self._sql(len(chunk), MERGE_SEEN)
            values = tuple(chain.from_iterable(chunk))
            added = self.conn.exec_driver_sql(skip, values).rowcount
            self.inserted += added
            if added < len(chunk):  # some were stored already (or repeated): widen their dates
                self.conn.exec_driver_sql(merge, values)


class PostgresSink:
    STAGE = "statement_stage"

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.inserted = 0
        self.staged = False
        picks = ", ".join(
            "max(last_seen)" if c == "last_seen" else f"min({c})"
            for c in STATEMENT_COLUMNS
            if c not in ("entity_id", "id")
        )
        others = ", ".join(c for c in STATEMENT_COLUMNS if c not in ("entity_id", "id"))
        # xmax is 0 on a row version this statement inserted, and set on one it updated
        self.merge = (
            f"WITH merged AS (INSERT INTO statement (entity_id, id, {others}) "
            f"SELECT entity_id, id, {picks} FROM {self.STAGE} GROUP BY entity_id, id "
            f"{MERGE_SEEN} RETURNING (xmax = 0) AS fresh) "
            "SELECT count(*) FROM merged WHERE fresh"
        )

    def put(self, statements: Sequence[Statement]) -> None:
        if not statements:
            return
        raw = self.conn.connection.driver_connection
        with raw.cursor() as cursor:  # type: ignore[union-attr]
            if not self.staged:
                cursor.execute(f"CREATE TEMP TABLE {self.STAGE} (LIKE statement) ON COMMIT DROP")
                self.staged = True
            with cursor.copy(f"COPY {self.STAGE} ({COLUMNS}) FROM STDIN") as copy:
                for statement in statements:
                    copy.write_row(statement)
            cursor.execute(self.merge)
            row = cursor.fetchone()
            self.inserted += int(row[0]) if row else 0
            cursor.execute(f"TRUNCATE {self.STAGE}")


def make_sink(conn: Connection) -> StatementSink:
    if conn.dialect.name == "postgresql":
        return PostgresSink(conn)
    return SqliteSink(conn)
