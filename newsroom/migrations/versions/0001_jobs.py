"""Jobs, drafts and segments.

Revision ID: j0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "j0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("source_lang", sa.String(10), nullable=False),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("glossary", sa.String(500), nullable=False),
        sa.Column("glossary_version", sa.Integer),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("callback_url", sa.String(2000), nullable=False),
        sa.Column("callback_done", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("submitted_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_jobs_state", "jobs", ["state"])
    op.create_index("ix_jobs_created_at", "jobs", ["created_at"])
    op.create_table(
        "drafts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("target_lang", sa.String(10), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("hops", sa.Integer, nullable=False),
        sa.Column("hop", sa.Integer, nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("blocks", sa.JSON, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("job_id", "target_lang"),
    )
    op.create_index("ix_drafts_job_id", "drafts", ["job_id"])
    op.create_index("ix_drafts_state", "drafts", ["state"])
    op.create_table(
        "segments",
        sa.Column("draft_id", sa.String(32), sa.ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("idx", sa.Integer, primary_key=True),
        sa.Column("block", sa.Integer, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("space_after", sa.String(20), nullable=False),
        sa.Column("pivot", sa.Text),
        sa.Column("target", sa.Text),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("terms", sa.JSON),
    )


def downgrade() -> None:
    op.drop_table("segments")
    op.drop_table("drafts")
    op.drop_table("jobs")
