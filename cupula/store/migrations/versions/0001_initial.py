"""Initial store: markings, statements, loads.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "marking",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("classification", sa.Integer, nullable=False),
        sa.Column("originator", sa.String(64), nullable=False),
        sa.Column("releasable_to", sa.Text, nullable=False),
        sa.Column("handling", sa.Integer, nullable=False),
        sa.Column("handling_text", sa.Text, nullable=True),
        sa.Column("reliability", sa.String(1), nullable=True),
        sa.Column("credibility", sa.String(1), nullable=True),
        sa.Column("compartments", sa.Text, nullable=False),
    )
    op.create_table(
        "statement",
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("schema", sa.String(64), nullable=False),
        sa.Column("prop", sa.String(64), nullable=False),
        sa.Column("prop_type", sa.String(32), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("dataset", sa.String(128), nullable=False),
        sa.Column("marking_id", sa.String(16), nullable=False),
        sa.Column("lang", sa.String(16), nullable=True),
        sa.Column("original_value", sa.Text, nullable=True),
        sa.Column("origin", sa.Text, nullable=True),
        sa.Column("first_seen", sa.String(32), nullable=False),
        sa.Column("last_seen", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("entity_id", "id", name="pk_statement"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_statement_dataset", "statement", ["dataset"])
    op.create_table(
        "load",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dataset", sa.String(128), nullable=False),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("marking_id", sa.String(16), nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("started", sa.String(32), nullable=False),
        sa.Column("finished", sa.String(32), nullable=False),
        sa.Column("statements_read", sa.Integer, nullable=False),
        sa.Column("statements_added", sa.Integer, nullable=False),
    )
    op.create_index("ix_load_fingerprint", "load", ["dataset", "sha256", "marking_id"])


def downgrade() -> None:
    op.drop_table("load")
    op.drop_table("statement")
    op.drop_table("marking")
