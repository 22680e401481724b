"""Glossary history: who made each version, and a JSON summary of what it changed.

Revision ID: g0003
Revises: g0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "g0003"
down_revision = "g0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("glossary_versions", sa.Column("who", sa.String(200), nullable=False, server_default=""))
    op.add_column("glossary_versions", sa.Column("summary", sa.JSON, nullable=True))


def downgrade() -> None:
    # plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy of the table would drop it, and
    # with foreign keys on, that deletes every snapshot (ON DELETE CASCADE)
    op.drop_column("glossary_versions", "summary")
    op.drop_column("glossary_versions", "who")
