"""The store's tables, as SQLAlchemy Core metadata (the migrations create them)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

from cupula.model.statement import Statement

metadata = MetaData()
MAX_ID_LENGTH = 255  # entity ids

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

# The primary key is (entity_id, id): an id already names one statement (it hashes the
# entity id in), and leading with the entity clusters an entity's statements together
# (SQLite stores the table in that key's order: WITHOUT ROWID). Loads insert entity by
# entity, and reading an entity is one range scan. There is deliberately no index on
# dataset or marking: reads are either one entity (the key) or everything a viewer may
# see (a scan), and each extra index costs about a fifth of the load speed.
statement_table = Table(
    "statement",
    metadata,
    Column("entity_id", String(MAX_ID_LENGTH), primary_key=True),
    Column("id", String(40), primary_key=True),
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
    sqlite_with_rowid=False,
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

# Statements are written and read as tuples in the order of the Statement fields.
STATEMENT_COLUMNS: tuple[str, ...] = Statement._fields
assert set(STATEMENT_COLUMNS) == {c.name for c in statement_table.columns}

# -- access control (migration 0002) ---------------------------------------------------

agency_table = Table(
    "agency",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("country", String(3), nullable=False),  # ISO 3166 alpha-3
    Column("name", Text, nullable=False),
    Column("created", String(32), nullable=False),
)

user_table = Table(
    "user_account",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("agency", String(64), nullable=False),
    Column("clearance", Integer, nullable=False),
    Column("roles", Text, nullable=False),  # comma-separated
    Column("cases", Text, nullable=False),  # comma-separated need-to-know case ids
    Column("password_hash", Text, nullable=True),  # argon2id
    Column("disabled", Integer, nullable=False),
    Column("expires", String(32), nullable=True),
    Column("created", String(32), nullable=False),
)

token_table = Table(
    "api_token",
    metadata,
    Column("id", String(16), primary_key=True),  # public part, shown in listings
    Column("user", String(64), nullable=False),
    Column("secret_hash", Text, nullable=False),  # argon2id of the secret part
    Column("created", String(32), nullable=False),
    Column("expires", String(32), nullable=True),
    Column("revoked", Integer, nullable=False),
)

# Append-only, hash-chained: each entry's hash covers its content and the previous hash.
audit_table = Table(
    "audit",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("user", String(64), nullable=False),
    Column("agency", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("query", Text, nullable=False),  # JSON
    Column("purpose", Text, nullable=True),
    Column("statements", Integer, nullable=False),
    Column("originators", Text, nullable=False),  # JSON {agency: statements}
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# -- entity resolution (migration 0003) -------------------------------------------------

# Append-only: a later judgement of the same pair by the same agency supersedes an
# earlier one ("retracted" withdraws it), so every change of mind stays on record.
judgement_table = Table(
    "judgement",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("left_id", String(MAX_ID_LENGTH), nullable=False),  # left_id < right_id
    Column("right_id", String(MAX_ID_LENGTH), nullable=False),
    Column("verdict", String(16), nullable=False),  # same / different / unsure / retracted
    Column("user", String(64), nullable=False),
    Column("agency", String(64), nullable=False),
    Column("at", String(32), nullable=False),
    Column("note", Text, nullable=True),
    Column("marking_id", String(16), nullable=False),  # judgement_marking (migration 0005)
    Index("ix_judgement_pair", "left_id", "right_id"),
)

# The last resolution run per access signature (what its viewer could see): results
# computed from one set of statements are only ever shown to viewers of the same set.
resolution_run_table = Table(
    "resolution_run",
    metadata,
    Column("signature", String(64), primary_key=True),
    Column("user", String(64), nullable=False),
    Column("agency", String(64), nullable=False),
    Column("at", String(32), nullable=False),
    Column("prior", Float, nullable=False),
    Column("options", Text, nullable=False),  # JSON
    Column("stats", Text, nullable=False),  # JSON
)

resolution_pair_table = Table(
    "resolution_pair",
    metadata,
    Column("signature", String(64), primary_key=True),
    Column("left_id", String(MAX_ID_LENGTH), primary_key=True),
    Column("right_id", String(MAX_ID_LENGTH), primary_key=True),
    Column("bits", Float, nullable=False),  # log-odds of a match, prior included
)

# -- ownership and sessions (migration 0004) ---------------------------------------------

# A dataset belongs to the agency that created it (its first load); only that agency's
# users load into it (access.policy.may_load).
dataset_table = Table(
    "dataset",
    metadata,
    Column("name", String(128), primary_key=True),
    Column("agency", String(64), nullable=False),
    Column("created", String(32), nullable=False),
)

# Server-side web sessions: random tokens, only their hash kept; revocable.
login_session_table = Table(
    "login_session",
    metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the cookie's token
    Column("user", String(64), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created", String(32), nullable=False),
    Column("expires", String(32), nullable=False),
    Column("revoked", Integer, nullable=False),
    Index("ix_login_session_user", "user"),
)

# -- shared judgements (migration 0005) ----------------------------------------------------

# The markings of judgements (a judgement is a marked fact: resolve.judgements), by the
# same content-hash id as the marking table. Kept apart from the markings of statements:
# a view's access signature is the set of statement markings it may read, and sharing a
# judgement must not change it.
judgement_marking_table = Table(
    "judgement_marking",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("text", Text, nullable=False),
)

# -- read indexes (migration 0006) -------------------------------------------------------

# One row per tie as the projection makes it (graph.projection.ties_of), written by each
# load in the same transaction as its statements: a neighbourhood is read by index, not by
# projecting the whole network. ``dataset`` and ``marking_id`` are the load's: a row is
# seen by exactly the viewers who may see the statements it was made of (one load writes
# one dataset under one marking). ``statement_id`` is the tie entity's id statement.
edge_table = Table(
    "edge",
    metadata,
    Column("id", String(40), primary_key=True),  # hash of tie, ends, dataset and marking
    Column("source", String(MAX_ID_LENGTH), nullable=False),
    Column("target", String(MAX_ID_LENGTH), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("directed", Integer, nullable=False),
    Column("weight", Float, nullable=False),
    Column("date", String(32), nullable=True),
    Column("phase", String(128), nullable=True),
    Column("tie_id", String(MAX_ID_LENGTH), nullable=False),  # the FtM entity of the tie
    Column("statement_id", String(40), nullable=False),
    Column("dataset", String(128), nullable=False),
    Column("marking_id", String(16), nullable=False),
    # With the filter's columns: a node's ties are counted from the index alone.
    Index("ix_edge_source", "source", "marking_id", "dataset"),
    Index("ix_edge_target", "target", "marking_id", "dataset"),
)

# The search index: one row per index key of each name form of a name statement
# (resolve.search.token_keys over normalize.name_forms / name_tokens: the keys NameIndex
# uses), and one row with kind "n" per name form, so that the number of names a viewer may
# see is counted by index. ``name_id`` tells the names of one entity apart (df counts names).
name_key_table = Table(
    "name_key",
    metadata,
    Column("key", String(96), primary_key=True),
    Column("entity_id", String(MAX_ID_LENGTH), primary_key=True),
    Column("name_id", String(16), primary_key=True),
    Column("dataset", String(128), primary_key=True),
    Column("marking_id", String(16), primary_key=True),
    Column("kind", String(1), nullable=False),  # t, p, s, x (token_keys) or n (a name)
    Column("statement_id", String(40), nullable=False),
    sqlite_with_rowid=False,
)

# How many names of each (dataset, marking) cell hold each key: the rarity weights of a
# search, summed over the cells a viewer may see (counting name-key rows for a common
# token would read a hundred thousand rows per search). Kept by the loads that add rows.
key_count_table = Table(
    "key_count",
    metadata,
    Column("key", String(96), primary_key=True),
    Column("dataset", String(128), primary_key=True),
    Column("marking_id", String(16), primary_key=True),
    Column("names", Integer, nullable=False),
)

# -- results computed ahead (migration 0007) ------------------------------------------------

# One whole-network result per (name, view signature, variant, data version): a result is
# only ever read by a view of the same signature (``store.results``). ``variant`` names
# the network it was computed on (see ``store.results.variant_of``).
stored_result_table = Table(
    "stored_result",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("signature", String(64), primary_key=True),
    Column("variant", String(128), primary_key=True),
    Column("data_version", Integer, primary_key=True),
    Column("computed_at", String(32), nullable=False),
    # random, new for every row: a process keeps decoded rows by it (``precompute``)
    Column("token", String(32), nullable=False),
    Column("seconds", Float, nullable=False),
    Column("payload", LargeBinary, nullable=False),  # zlib of JSON; written by the server
    Column("usage", Text, nullable=False),  # JSON: what the result was built from
)

# The views to compute ahead for a data version, and who is computing which.
ahead_task_table = Table(
    "ahead_task",
    metadata,
    Column("data_version", Integer, primary_key=True),
    Column("signature", String(64), primary_key=True),
    Column("variant", String(128), primary_key=True),
    Column("user", String(64), nullable=False),  # whose view it is (to rebuild it)
    Column("datasets", Text, nullable=True),  # JSON list; NULL: every dataset
    Column("state", String(16), nullable=False),  # waiting / computing / done / failed
    Column("claimed_at", String(32), nullable=True),
    Column("error", Text, nullable=True),
)
