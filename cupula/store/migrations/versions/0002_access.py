"""Access control: agencies, users, API tokens, and the hash-chained audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agency",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("created", sa.String(32), nullable=False),
    )
    op.create_table(
        "user_account",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("clearance", sa.Integer, nullable=False),
        sa.Column("roles", sa.Text, nullable=False),
        sa.Column("cases", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=True),
        sa.Column("disabled", sa.Integer, nullable=False),
        sa.Column("expires", sa.String(32), nullable=True),
        sa.Column("created", sa.String(32), nullable=False),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("user", sa.String(64), nullable=False),
        sa.Column("secret_hash", sa.Text, nullable=False),
        sa.Column("created", sa.String(32), nullable=False),
        sa.Column("expires", sa.String(32), nullable=True),
        sa.Column("revoked", sa.Integer, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("user", sa.String(64), nullable=False),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("purpose", sa.Text, nullable=True),
        sa.Column("statements", sa.Integer, nullable=False),
        sa.Column("originators", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit")
    op.drop_table("api_token")
    op.drop_table("user_account")
    op.drop_table("agency")
