"""Whole-network results computed ahead and kept (``store.results``, ``precompute``).

- ``stored_result``: one result (the leader ranking, the key players, ...) per view
  signature, variant (the network it was computed on: plain, or fused with a resolution
  run) and data version (the last load), with when and how long it took, the payload
  (compressed JSON, written by the server only) and the usage (what statements it was
  built from, given to the audit entry of every reader).
- ``ahead_task``: the views to compute for a data version (one per distinct view
  signature of the registered users, and those asked for by a reader), their state and
  who claimed them; the progress a page shows is counted from it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_result",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("signature", sa.String(64), primary_key=True),
        sa.Column("variant", sa.String(128), primary_key=True),
        sa.Column("data_version", sa.Integer, primary_key=True),
        sa.Column("computed_at", sa.String(32), nullable=False),
        sa.Column("token", sa.String(32), nullable=False),  # random, new for every row
        sa.Column("seconds", sa.Float, nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("usage", sa.Text, nullable=False),
    )
    op.create_table(
        "ahead_task",
        sa.Column("data_version", sa.Integer, primary_key=True),
        sa.Column("signature", sa.String(64), primary_key=True),
        sa.Column("variant", sa.String(128), primary_key=True),
        sa.Column("user", sa.String(64), nullable=False),
        sa.Column("datasets", sa.Text, nullable=True),  # JSON list; NULL: every dataset
        sa.Column("state", sa.String(16), nullable=False),  # waiting/computing/done/failed
        sa.Column("claimed_at", sa.String(32), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("ahead_task")
    op.drop_table("stored_result")
