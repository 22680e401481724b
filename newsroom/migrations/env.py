"""Alembic environment for the job store's tables (jobs, drafts, segments, review history, the
outbox, the translation memory); see ``common.db.run_env``."""

from common.db import run_env
from newsroom import outbox, parts, tm  # noqa: F401  (their tables join newsroom.schema.metadata)
from newsroom.schema import VERSION_TABLE, metadata

run_env(metadata, VERSION_TABLE)
