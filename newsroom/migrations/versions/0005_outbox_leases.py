"""Delivery: the outbox (hops to dispatch, callbacks to POST), drafts' leases and delivery counts,
jobs' idempotency keys.

Revision ID: j0005
Revises: j0004
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "j0005"
down_revision = "j0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("draft_id", sa.String(32)),
        sa.Column("hop", sa.Integer),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("delivery_id", sa.String(32), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True)),
        sa.Column("retry_until", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("delivery_id", name="uq_outbox_delivery_id"),
    )
    op.create_index("ix_outbox_job_id", "outbox", ["job_id"])
    op.create_index("ix_outbox_draft_id", "outbox", ["draft_id"])
    op.create_index("ix_outbox_due", "outbox", ["state", "kind", "next_attempt_at"])
    # plain ALTER TABLE ADD COLUMN: a batch copy of jobs would cascade-delete drafts on SQLite
    op.add_column("drafts", sa.Column("lease_until", sa.DateTime(timezone=True)))
    op.add_column("drafts", sa.Column("lease_owner", sa.String(32)))
    op.add_column("drafts", sa.Column("deliveries", sa.Integer, nullable=False, server_default="0"))
    op.add_column("jobs", sa.Column("idempotency_key", sa.String(300)))
    op.add_column("jobs", sa.Column("request_digest", sa.String(64)))
    op.create_index("ux_jobs_idempotency_key", "jobs", ["idempotency_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_jobs_idempotency_key", table_name="jobs")
    for table, column in (("jobs", "request_digest"), ("jobs", "idempotency_key"), ("drafts", "deliveries"),
                          ("drafts", "lease_owner"), ("drafts", "lease_until")):
        op.drop_column(table, column)  # natively (SQLite 3.35+): no batch copy of jobs
    op.drop_table("outbox")
