"""The statement store: an SQL database behind SQLAlchemy Core.

Writes happen inside ``Store.writer()``, one database transaction: a load either
commits whole or leaves the store as it was (also when the process is killed). Reads
happen through ``Store.view()``, never on the tables directly.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection, Engine

from cupula.model.marking import Marking
from cupula.model.statement import Statement
from cupula.store.engine import make_engine, resolve_url
from cupula.store.migrate import upgrade
from cupula.store.tables import (
    STATEMENT_COLUMNS,
    load_table,
    marking_table,
    statement_table,
)
from cupula.store.view import Scope, View

# Rows per INSERT: one multi-row VALUES statement is one call into the database, which
# runs with the GIL released (see Writer.pipeline) and saves per-row statement resets.
# 500 rows x 13 columns stays under SQLite's and PostgreSQL's bound-parameter limits.
ROWS_PER_INSERT = 500
SWITCH_INTERVAL = 0.0002  # seconds; see Writer.pipeline


def _upsert_sql(paramstyle: str, rows: int) -> str:
    # Same fact from the same source under the same marking: keep the first origin,
    # widen the seen dates. CASE (not min/LEAST) so the SQL is the same on both backends.
    marker = "?" if paramstyle == "qmark" else "%s"
    columns = ", ".join(STATEMENT_COLUMNS)
    row = "(" + ", ".join(marker for _ in STATEMENT_COLUMNS) + ")"
    return (
        f"INSERT INTO statement ({columns}) VALUES {', '.join([row] * rows)} "
        "ON CONFLICT (entity_id, id) DO UPDATE SET "
        "first_seen = CASE WHEN excluded.first_seen < statement.first_seen "
        "THEN excluded.first_seen ELSE statement.first_seen END, "
        "last_seen = CASE WHEN excluded.last_seen > statement.last_seen "
        "THEN excluded.last_seen ELSE statement.last_seen END"
    )


def _merge_duplicates(statements: Sequence[Statement]) -> list[Statement]:
    """One row per statement id, with the widest seen dates (first origin kept)."""
    merged: dict[str, Statement] = {}
    for stmt in statements:
        seen = merged.get(stmt.id)
        if seen is None:
            merged[stmt.id] = stmt
        elif stmt.first_seen < seen.first_seen or stmt.last_seen > seen.last_seen:
            merged[stmt.id] = seen._replace(
                first_seen=min(seen.first_seen, stmt.first_seen),
                last_seen=max(seen.last_seen, stmt.last_seen),
            )
    return list(merged.values())


class Writer:
    """Writes inside one transaction; see ``Store.writer``."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._markings: set[str] = set()
        self._paramstyle = conn.dialect.paramstyle
        # PostgreSQL refuses an INSERT ... ON CONFLICT that names one key twice (SQLite
        # applies the rows in turn), so batches for it are merged first.
        self._dedupe = conn.dialect.name == "postgresql"
        self._sql = _upsert_sql(self._paramstyle, ROWS_PER_INSERT)

    def put_marking(self, marking: Marking) -> str:
        """Make sure the marking is stored; return its id."""
        mid = marking.id
        if mid in self._markings:
            return mid
        exists = self.conn.execute(
            select(marking_table.c.id).where(marking_table.c.id == mid)
        ).first()
        if exists is None:
            self.conn.execute(
                insert(marking_table).values(
                    id=mid,
                    text=str(marking),
                    classification=int(marking.classification),
                    originator=marking.originator,
                    releasable_to=",".join(sorted(marking.releasable_to)),
                    handling=int(marking.handling),
                    handling_text=marking.handling_text,
                    reliability=marking.reliability,
                    credibility=marking.credibility,
                    compartments=",".join(sorted(marking.compartments)),
                )
            )
        self._markings.add(mid)
        return mid

    def put_statements(self, statements: Sequence[Statement]) -> None:
        """Insert (or merge into) a batch of statements."""
        if self._dedupe:
            statements = _merge_duplicates(statements)
        # Driver-level SQL with flat tuples: a Statement is already a row, and building
        # one dict per row for Core's executemany would cost a third of the load.
        for start in range(0, len(statements), ROWS_PER_INSERT):
            chunk = statements[start : start + ROWS_PER_INSERT]
            sql = self._sql
            if len(chunk) < ROWS_PER_INSERT:
                sql = _upsert_sql(self._paramstyle, len(chunk))
            self.conn.exec_driver_sql(sql, tuple(chain.from_iterable(chunk)))

    @contextmanager
    def pipeline(self, depth: int = 3) -> Iterator[Callable[[Sequence[Statement]], None]]:
        """Yield ``put(batch)``: batches are written by a second thread while the caller
        reads on. The database driver releases the GIL while it works, so parsing and
        writing overlap on two cores; ``depth`` bounds the batches in flight (memory).
        Errors from either side propagate; the caller's transaction then rolls back.
        """
        batches: queue.Queue[Sequence[Statement] | None] = queue.Queue(maxsize=depth)
        failure: list[BaseException] = []

        def work() -> None:
            while (batch := batches.get()) is not None:
                if failure:
                    continue  # drain after an error, so the producer never blocks
                try:
                    self.put_statements(batch)
                except BaseException as exc:
                    failure.append(exc)

        thread = threading.Thread(target=work, name="cupula-writer", daemon=True)
        # The writer gives up the GIL inside every INSERT and must win it back after;
        # at the default 5 ms switch interval it waits most of its time for the parser.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        thread.start()

        def put(batch: Sequence[Statement]) -> None:
            if failure:
                raise failure[0]
            batches.put(batch)

        try:
            yield put
        finally:
            batches.put(None)
            thread.join()
            sys.setswitchinterval(interval)
        if failure:
            raise failure[0]

    def count_statements(self) -> int:
        return int(
            self.conn.execute(select(func.count()).select_from(statement_table)).scalar_one()
        )

    def find_load(self, dataset: str, sha256: str, marking_id: str) -> dict[str, Any] | None:
        """An earlier completed load of the same bytes into the same dataset and marking."""
        row = self.conn.execute(
            select(load_table).where(
                load_table.c.dataset == dataset,
                load_table.c.sha256 == sha256,
                load_table.c.marking_id == marking_id,
            )
        ).first()
        return None if row is None else dict(row._mapping)

    def record_load(self, **values: Any) -> None:
        self.conn.execute(insert(load_table).values(**values))


class Store:
    """A cupula store at a database URL (default: the SQLite file ``./cupula.db``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        upgrade(engine)

    @classmethod
    def open(cls, db: str | None = None) -> Store:
        """Open (creating and migrating as needed) the store at ``db``, ``CUPULA_DB`` or
        the default."""
        return cls(make_engine(resolve_url(db)))

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def writer(self) -> Iterator[Writer]:
        """One atomic unit of writing: committed when the block ends, rolled back on error."""
        with self.engine.begin() as conn:
            yield Writer(conn)

    def view(self, *, datasets: Sequence[str] | None = None) -> View:
        """The one door to reading: everything read is read through a view."""
        scope = Scope(datasets=None if datasets is None else frozenset(datasets))
        return View(self.engine, scope)

    def loads(self) -> list[dict[str, Any]]:
        """The history of completed loads (metadata, not facts: no marking applies)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(load_table).order_by(load_table.c.id)).all()
        return [dict(r._mapping) for r in rows]

    def close(self) -> None:
        self.engine.dispose()
