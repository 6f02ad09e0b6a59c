"""Database URLs and engines: an SQLite file by default, PostgreSQL by URL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

DEFAULT_DB = "cupula.db"
DB_ENV = "CUPULA_DB"


def resolve_url(db: str | None = None) -> str:
    """Turn ``--db``/``CUPULA_DB``/the default into an SQLAlchemy URL.

    A bare path means an SQLite file; ``postgresql://`` URLs use the psycopg 3 driver.
    """
    value = db or os.environ.get(DB_ENV) or DEFAULT_DB
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser()}"
    url = make_url(value)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL keeps readers going during a load and recovers cleanly after a crash;
    # NORMAL sync is durable at each commit boundary in WAL mode.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # A load hands batches to a writer thread (see ingest.loader): the connection is
        # used by one thread at a time, but not always the one that opened it.
        # A server runs up to 40 requests at once (the thread pool): one connection each.
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, pool_size=40, max_overflow=24
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=30)
