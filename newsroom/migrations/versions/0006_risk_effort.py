"""Review by risk and post-editing effort: the first hop's score of a pivot segment, checks a
reviewer dismissed on a segment, and each reviewed segment's effort (machine text, origin, time
open, edit rates).

Revision ID: j0006
Revises: j0005
Create Date: 2027-01-05
"""

import sqlalchemy as sa
from alembic import op

revision = "j0006"
down_revision = "j0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("segments", sa.Column("pivot_score", sa.Float))  # plain ADD COLUMN: no batch copy
    op.create_table(
        "check_dismissals",
        sa.Column("draft_id", sa.String(32), sa.ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("idx", sa.Integer, primary_key=True),
        sa.Column("check", sa.String(40), primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "segment_effort",
        sa.Column("draft_id", sa.String(32), sa.ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("idx", sa.Integer, primary_key=True),
        sa.Column("machine", sa.Text, nullable=False),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("risk", sa.String(10), nullable=False),
        sa.Column("risk_score", sa.Float, nullable=False),
        sa.Column("confidence", sa.Float),
        sa.Column("seconds", sa.Float, nullable=False, server_default="0"),
        sa.Column("reviewer", sa.String(200)),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), index=True),
        sa.Column("final", sa.Text),
        sa.Column("edit_rate", sa.Float),
        sa.Column("char_ter", sa.Float),
        sa.Column("chrf", sa.Float),
    )


def downgrade() -> None:
    op.drop_table("segment_effort")
    op.drop_table("check_dismissals")
    op.drop_column("segments", "pivot_score")
