"""Datasets owned by agencies, and server-side login sessions.

- ``dataset``: a dataset belongs to the agency that created it; only that agency's users
  load into it. Existing stores get one row per dataset from their earliest load.
- ``login_session``: random, revocable web sessions (logout, a password change and
  disabling a user end them); only a hash of the session token is kept.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dataset",
        sa.Column("name", sa.String(128), primary_key=True),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("created", sa.String(32), nullable=False),
    )
    # the owner of a dataset already in the store is the agency of its first load
    op.execute(
        "INSERT INTO dataset (name, agency, created) "
        "SELECT l.dataset, l.agency, l.started FROM load l "
        "WHERE l.id = (SELECT MIN(m.id) FROM load m WHERE m.dataset = l.dataset)"
    )
    op.create_table(
        "login_session",
        sa.Column("id", sa.String(64), primary_key=True),  # sha256 of the cookie's token
        sa.Column("user", sa.String(64), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created", sa.String(32), nullable=False),
        sa.Column("expires", sa.String(32), nullable=False),
        sa.Column("revoked", sa.Integer, nullable=False),
    )
    op.create_index("ix_login_session_user", "login_session", ["user"])


def downgrade() -> None:
    op.drop_index("ix_login_session_user", "login_session")
    op.drop_table("login_session")
    op.drop_table("dataset")
