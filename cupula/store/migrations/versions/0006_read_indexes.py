"""Read indexes: the ``edge`` table (one row per tie) and the ``name_key`` table (the
search index), both written by each load (``store.indexes``).

A store that already holds statements gets them filled by ``cupula admin reindex``
(the rows are made by the application's projection and name normalisation, which a
migration must not depend on).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "edge",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("target", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("directed", sa.Integer, nullable=False),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("date", sa.String(32), nullable=True),
        sa.Column("phase", sa.String(128), nullable=True),
        sa.Column("tie_id", sa.String(255), nullable=False),
        sa.Column("statement_id", sa.String(40), nullable=False),
        sa.Column("dataset", sa.String(128), nullable=False),
        sa.Column("marking_id", sa.String(16), nullable=False),
    )
    op.create_index("ix_edge_source", "edge", ["source", "marking_id", "dataset"])
    op.create_index("ix_edge_target", "edge", ["target", "marking_id", "dataset"])
    op.create_table(
        "name_key",
        sa.Column("key", sa.String(96), primary_key=True),
        sa.Column("entity_id", sa.String(255), primary_key=True),
        sa.Column("name_id", sa.String(16), primary_key=True),
        sa.Column("dataset", sa.String(128), primary_key=True),
        sa.Column("marking_id", sa.String(16), primary_key=True),
        sa.Column("kind", sa.String(1), nullable=False),
        sa.Column("statement_id", sa.String(40), nullable=False),
        sqlite_with_rowid=False,
    )

    op.create_table(
        "key_count",
        sa.Column("key", sa.String(96), primary_key=True),
        sa.Column("dataset", sa.String(128), primary_key=True),
        sa.Column("marking_id", sa.String(16), primary_key=True),
        sa.Column("names", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("key_count")
    op.drop_table("name_key")
    op.drop_table("edge")
