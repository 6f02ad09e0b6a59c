"""Entity resolution: analysts' judgements and the scored pairs of resolution runs.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "judgement",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("left_id", sa.String(255), nullable=False),
        sa.Column("right_id", sa.String(255), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("user", sa.String(64), nullable=False),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
    )
    op.create_index("ix_judgement_pair", "judgement", ["left_id", "right_id"])
    op.create_table(
        "resolution_run",
        sa.Column("signature", sa.String(64), primary_key=True),
        sa.Column("user", sa.String(64), nullable=False),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("prior", sa.Float, nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("stats", sa.Text, nullable=False),
    )
    op.create_table(
        "resolution_pair",
        sa.Column("signature", sa.String(64), primary_key=True),
        sa.Column("left_id", sa.String(255), primary_key=True),
        sa.Column("right_id", sa.String(255), primary_key=True),
        sa.Column("bits", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("resolution_pair")
    op.drop_table("resolution_run")
    op.drop_index("ix_judgement_pair", "judgement")
    op.drop_table("judgement")
