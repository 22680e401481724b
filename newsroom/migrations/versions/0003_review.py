"""Review: segment status and version, and the history of changes.

Revision ID: j0003
Revises: j0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "j0003"
down_revision = "j0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("segments") as batch:
        batch.add_column(sa.Column("status", sa.String(20), nullable=False, server_default="new"))
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "segment_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.String(32), sa.ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("idx", sa.Integer),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("old", sa.Text),
        sa.Column("new", sa.Text),
    )
    op.create_index("ix_segment_history_draft_id", "segment_history", ["draft_id"])


def downgrade() -> None:
    op.drop_index("ix_segment_history_draft_id", "segment_history")
    op.drop_table("segment_history")
    with op.batch_alter_table("segments") as batch:
        batch.drop_column("version")
        batch.drop_column("status")
