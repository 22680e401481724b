"""Alembic environment for the job tables (jobs, drafts, segments, translation memory, review
history); see ``common.db.run_env``."""

from common.db import run_env
from newsroom import tm  # noqa: F401  (its table joins newsroom.jobs.metadata)
from newsroom.jobs import VERSION_TABLE, metadata

run_env(metadata, VERSION_TABLE)
