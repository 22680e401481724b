"""Parts: each hop of a draft is done in parts (runs of whole segments) that several workers can
translate at once; leases and delivery counts move from drafts to parts, dispatches name their part.
Unfinished drafts get their current hop as one part (not done), so their work goes on.

Revision ID: j0007
Revises: j0006
Create Date: 2027-01-10
"""

import sqlalchemy as sa
from alembic import op

revision = "j0007"
down_revision = "j0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "parts",
        sa.Column("draft_id", sa.String(32), sa.ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("hop", sa.Integer, primary_key=True),
        sa.Column("part", sa.Integer, primary_key=True),
        sa.Column("first_idx", sa.Integer, nullable=False),
        sa.Column("last_idx", sa.Integer, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True)),
        sa.Column("lease_owner", sa.String(32)),
        sa.Column("deliveries", sa.Integer, nullable=False),
        sa.Column("worker", sa.String(200), nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_parts_lease_owner", "parts", ["lease_owner"])
    op.execute("INSERT INTO parts (draft_id, hop, part, first_idx, last_idx, done, lease_until, lease_owner, "
               "deliveries, updated_at) SELECT d.id, d.hop, 0, 0, COALESCE((SELECT MAX(s.idx) FROM segments s "
               "WHERE s.draft_id = d.id), -1), false, d.lease_until, d.lease_owner, d.deliveries, d.updated_at "
               "FROM drafts d WHERE d.state IN ('queued', 'translating')")
    op.add_column("outbox", sa.Column("part", sa.Integer))
    op.execute("UPDATE outbox SET part = 0 WHERE kind = 'dispatch'")
    for column in ("deliveries", "lease_owner", "lease_until"):
        op.drop_column("drafts", column)  # natively (SQLite 3.35+): a batch copy would cascade to segments


def downgrade() -> None:
    op.add_column("drafts", sa.Column("lease_until", sa.DateTime(timezone=True)))
    op.add_column("drafts", sa.Column("lease_owner", sa.String(32)))
    op.add_column("drafts", sa.Column("deliveries", sa.Integer, nullable=False, server_default="0"))
    op.drop_column("outbox", "part")
    op.drop_index("ix_parts_lease_owner", table_name="parts")
    op.drop_table("parts")
