"""Glossary snapshots: the whole term base as it stood at each version, so that a job is
enforced with exactly the version it recorded.

Revision ID: g0002
Revises: g0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "g0002"
down_revision = "g0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "glossary_snapshots",
        sa.Column("version", sa.Integer, sa.ForeignKey("glossary_versions.version", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("concepts", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("glossary_snapshots")
