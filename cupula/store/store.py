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
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.dml import Insert

from cupula.model.marking import Marking
from cupula.model.statement import Statement
from cupula.store.bulk import make_sink
from cupula.store.engine import make_engine, resolve_url
from cupula.store.migrate import upgrade
from cupula.store.tables import load_table, marking_table, statement_table
from cupula.store.view import Scope, View

if TYPE_CHECKING:
    from cupula.access.viewer import Viewer
    from cupula.store.indexes import LoadIndex

SWITCH_INTERVAL = 0.0002  # seconds; see Writer.pipeline


def insert_if_absent(conn: Connection, table: Table, key: list[str]) -> Insert:
    """``INSERT ... ON CONFLICT (key) DO NOTHING`` in the connection's dialect."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=key)
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=key)


class Writer:
    """Writes inside one transaction; see ``Store.writer``."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._markings: set[str] = set()
        self._sink = make_sink(conn)
        self._indexed: LoadIndex | None = None

    def put_marking(self, marking: Marking) -> str:
        """Make sure the marking is stored; return its id."""
        mid = marking.id
        if mid in self._markings:
            return mid
        # Insert if absent, in one statement: two loads under a new marking at once
        # must both succeed (a check, then an insert, let the second fail).
        values = dict(
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
        self.conn.execute(insert_if_absent(self.conn, marking_table, ["id"]).values(**values))
        self._markings.add(mid)
        return mid

    def put_statements(self, statements: Sequence[Statement]) -> None:
        """Insert a batch of statements, merging those already stored (see store.bulk),
        and their rows in the read indexes (``store.indexes``; ties at ``finish``)."""
        self._sink.put(statements)
        self._index().put(statements)

    def _index(self) -> LoadIndex:
        if self._indexed is None:
            # Imported here: the indexes use resolution's name keys, whose module reads
            # the ingest limits, and ingest imports this module (a cycle at import time).
            from cupula.store.indexes import LoadIndex

            self._indexed = LoadIndex(self.conn)
        return self._indexed

    def finish(self) -> None:
        """Write what is still kept for the read indexes (the ties of the entities
        written); ``Store.writer`` calls it before the transaction commits."""
        if self._indexed is not None:
            self._indexed.finish()

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

    @property
    def statements_inserted(self) -> int:
        """Statements this writer's batches added (not the table's growth meanwhile)."""
        return self._sink.inserted

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
        self.generation = 0  # writes committed through this object (see data_version)
        # Appends that read the last row and write the next (the audit chain) take this
        # lock, so threads of one process (a server's requests) queue instead of racing;
        # other processes are still caught by the database's unique key and retried.
        self.append_lock = threading.Lock()
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
            writer = Writer(conn)
            yield writer
            writer.finish()
        self.generation += 1

    def data_version(self) -> tuple[int, int]:
        """Changes whenever statements may have changed: a write through this object, or
        a load by another process (each load leaves a row). Results derived from a view
        are reused only while it stays the same (``store.derived``)."""
        with self.engine.connect() as conn:
            last_load = conn.execute(select(func.max(load_table.c.id))).scalar()
        return (self.generation, int(last_load or 0))

    def view(
        self,
        viewer: Viewer,
        *,
        datasets: Sequence[str] | None = None,
        purpose: str | None = None,
    ) -> View:
        """The one door to reading: everything read is read through a viewer's view."""
        scope = Scope(
            viewer=viewer,
            datasets=None if datasets is None else frozenset(datasets),
            purpose=purpose,
        )
        return View(self.engine, scope)

    def close(self) -> None:
        self.engine.dispose()
