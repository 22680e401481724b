"""Translation memory units.

Revision ID: j0002
Revises: j0001
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "j0002"
down_revision = "j0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tm_units",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_lang", sa.String(10), nullable=False),
        sa.Column("target_lang", sa.String(10), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("source_key", sa.Text, nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("length", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("draft_id", sa.String(32)),
        sa.Column("uses", sa.Integer, nullable=False),
        sa.UniqueConstraint("source_lang", "target_lang", "key_hash", name="uq_tm_units_pair_key"),
    )
    op.create_index("ix_tm_units_pair_length", "tm_units", ["source_lang", "target_lang", "length"])


def downgrade() -> None:
    op.drop_index("ix_tm_units_pair_length", table_name="tm_units")
    op.drop_table("tm_units")
