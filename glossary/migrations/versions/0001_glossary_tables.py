"""Glossary tables: concepts, terms, versions.

Revision ID: g0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "g0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "glossary_concepts",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
    )
    op.create_table(
        "glossary_terms",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("concept_id", sa.String(200), sa.ForeignKey("glossary_concepts.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("lang", sa.String(10), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("case_sensitive", sa.Boolean, nullable=False),
        sa.Column("forms", sa.JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index("ix_glossary_terms_concept_id", "glossary_terms", ["concept_id"])
    op.create_table(
        "glossary_versions",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change", sa.String(500), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("glossary_versions")
    op.drop_index("ix_glossary_terms_concept_id", "glossary_terms")
    op.drop_table("glossary_terms")
    op.drop_table("glossary_concepts")
