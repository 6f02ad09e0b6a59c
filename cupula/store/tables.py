"""The store's tables, as SQLAlchemy Core metadata (the migrations create them)."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

# One row per distinct marking; statements point at it by a content hash, so the
# access filter of a view is decided once per marking, not once per statement.
marking_table = Table(
    "marking",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("text", Text, nullable=False),
    Column("classification", Integer, nullable=False),
    Column("originator", String(64), nullable=False),
    Column("releasable_to", Text, nullable=False),  # comma-separated, sorted
    Column("handling", Integer, nullable=False),
    Column("handling_text", Text, nullable=True),
    Column("reliability", String(1), nullable=True),
    Column("credibility", String(1), nullable=True),
    Column("compartments", Text, nullable=False),  # comma-separated, sorted
)

statement_table = Table(
    "statement",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("entity_id", String(255), nullable=False),
    Column("schema", String(64), nullable=False),
    Column("prop", String(64), nullable=False),
    Column("prop_type", String(32), nullable=False),
    Column("value", Text, nullable=False),
    Column("dataset", String(128), nullable=False),
    Column("marking_id", String(16), nullable=False),
    Column("lang", String(16), nullable=True),
    Column("original_value", Text, nullable=True),
    Column("origin", Text, nullable=True),
    Column("first_seen", String(32), nullable=False),
    Column("last_seen", String(32), nullable=False),
    Index("ix_statement_entity_id", "entity_id"),
    Index("ix_statement_dataset", "dataset"),
)

# One row per completed load: what was read, by whom, under which marking.
load_table = Table(
    "load",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset", String(128), nullable=False),
    Column("agency", String(64), nullable=False),
    Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("format", String(32), nullable=False),
    Column("marking_id", String(16), nullable=False),
    Column("options", Text, nullable=False),  # JSON: mapping hash, phase, ...
    Column("started", String(32), nullable=False),
    Column("finished", String(32), nullable=False),
    Column("statements_read", Integer, nullable=False),
    Column("statements_added", Integer, nullable=False),
    Index("ix_load_fingerprint", "dataset", "sha256", "marking_id"),
)

STATEMENT_COLUMNS = tuple(c.name for c in statement_table.columns)
