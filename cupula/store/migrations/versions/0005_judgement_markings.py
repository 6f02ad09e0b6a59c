"""Judgements are marked facts: each judgement gets a ``marking_id``.

- ``judgement_marking``: the markings of judgements (id: the same content hash as the
  marking table's, of the canonical text), apart from the markings of statements so
  that a shared judgement never changes a view's access signature.
- ``judgement.marking_id``: every judgement's marking. A judgement already in the store
  applied to its author's agency alone, so it gets ``RESTRICTED H0 ORIG <its agency>``:
  still its agency's only, readable by that agency's users cleared RESTRICTED or above
  (a new judgement given no marking gets the same, see ``resolve.judgements``).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def legacy_marking(agency: str) -> tuple[str, str]:
    """(id, text) of an existing judgement's marking: the canonical text that
    ``cupula.model.marking.Marking`` prints, and its id (sha1, 16 hex digits); written
    out here so that this migration never changes with the application's code."""
    text = f"RESTRICTED H0 ORIG {agency}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16], text


def upgrade() -> None:
    op.create_table(
        "judgement_marking",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
    )
    with op.batch_alter_table("judgement") as batch:
        batch.add_column(sa.Column("marking_id", sa.String(16), nullable=True))
    conn = op.get_bind()
    agencies = conn.execute(sa.text("SELECT DISTINCT agency FROM judgement")).scalars().all()
    for agency in sorted(agencies):
        mid, text = legacy_marking(agency)
        conn.execute(
            sa.text("INSERT INTO judgement_marking (id, text) VALUES (:id, :text)"),
            {"id": mid, "text": text},
        )
        conn.execute(
            sa.text("UPDATE judgement SET marking_id = :id WHERE agency = :agency"),
            {"id": mid, "agency": agency},
        )
    with op.batch_alter_table("judgement") as batch:
        batch.alter_column("marking_id", existing_type=sa.String(16), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("judgement") as batch:
        batch.drop_column("marking_id")
    op.drop_table("judgement_marking")
