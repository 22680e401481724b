"""The job store's tables (jobs, drafts, segments, review history), on the one ``metadata`` that the
outbox's and the translation memory's tables join, and that the Alembic migrations in
``migrations/`` build; plus the store's clock and ids. It imports nothing of dragoman's."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

metadata = sa.MetaData()

jobs = sa.Table(
    "jobs", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("source_lang", sa.String(10), nullable=False),
    sa.Column("format", sa.String(10), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("glossary", sa.String(500), nullable=False, default=""),
    sa.Column("glossary_version", sa.Integer),
    sa.Column("priority", sa.Integer, nullable=False, default=5),
    sa.Column("callback_url", sa.String(2000), nullable=False, default=""),
    sa.Column("callback_done", sa.Boolean, nullable=False, default=False),
    sa.Column("state", sa.String(20), nullable=False, index=True),
    sa.Column("error", sa.Text, nullable=False, default=""),
    sa.Column("submitted_by", sa.String(64), nullable=False, default=""),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("idempotency_key", sa.String(300), unique=True),     # <caller>|<Idempotency-Key header>
    sa.Column("request_digest", sa.String(64)),                     # of the request that key made
)
drafts = sa.Table(
    "drafts", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("target_lang", sa.String(10), nullable=False),
    sa.Column("state", sa.String(20), nullable=False, index=True),
    sa.Column("hops", sa.Integer, nullable=False, default=1),
    sa.Column("hop", sa.Integer, nullable=False, default=0),        # the hop now being translated
    sa.Column("done", sa.Integer, nullable=False, default=0),       # segments finished
    sa.Column("total", sa.Integer, nullable=False, default=0),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),   # deliveries started (of any part)
    sa.Column("blocks", sa.JSON, nullable=False, default=list),
    sa.Column("error", sa.Text, nullable=False, default=""),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("models", sa.JSON, nullable=False, default=list),   # per hop: direction, model id, revision
    sa.UniqueConstraint("job_id", "target_lang"),
)
segments = sa.Table(
    "segments", metadata,
    sa.Column("draft_id", sa.String(32), sa.ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("block", sa.Integer, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("space_after", sa.String(20), nullable=False, default=""),
    sa.Column("pivot", sa.Text),                                    # output of the first hop
    sa.Column("pivot_score", sa.Float),                             # its mean log-probability per token
    sa.Column("target", sa.Text),                                   # NULL until translated
    sa.Column("flags", sa.JSON, nullable=False, default=list),
    sa.Column("score", sa.Float),
    sa.Column("terms", sa.JSON),
    sa.Column("status", sa.String(20), nullable=False, default="new"),  # new edited approved rejected
    sa.Column("version", sa.Integer, nullable=False, default=0),        # bumped by every review change
)

history = sa.Table(
    "segment_history", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("draft_id", sa.String(32), sa.ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("idx", sa.Integer),                       # NULL: about the whole draft
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("who", sa.String(200), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),  # start edit approve reject comment retry cancel import
    sa.Column("old", sa.Text),
    sa.Column("new", sa.Text),
    sa.Column("state", sa.String(20)),                  # the draft's state after the action
)

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "jobs_alembic_version"


def now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex
