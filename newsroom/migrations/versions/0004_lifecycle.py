"""Lifecycle: the models that made each draft (per hop), and the draft's state after each
history entry.

Revision ID: j0004
Revises: j0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "j0004"
down_revision = "j0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("models", sa.JSON, nullable=False, server_default="[]"))
    with op.batch_alter_table("segment_history") as batch:
        batch.add_column(sa.Column("state", sa.String(20)))
    # between hops a draft now stays translating; a draft left queued past its first hop was started
    op.execute("UPDATE drafts SET state = 'translating' WHERE state = 'queued' AND hop > 0")


def downgrade() -> None:
    with op.batch_alter_table("segment_history") as batch:
        batch.drop_column("state")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("models")
