"""Glossary terms say how a Turkish reader says them where not as spelled (``spoken``: Biden = "baydın"),
which decides their Turkish case endings.

Revision ID: g0004
Revises: g0003
Create Date: 2027-01-12
"""

import sqlalchemy as sa
from alembic import op

revision = "g0004"
down_revision = "g0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("glossary_terms", sa.Column("spoken", sa.String(200), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("glossary_terms", "spoken")
