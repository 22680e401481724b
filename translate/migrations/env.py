"""Alembic environment for the job tables (jobs, drafts, segments, translation memory, review
history); see ``glossary.db.run_env``."""

from glossary.db import run_env
from translate import review, tm  # noqa: F401  (their tables join translate.jobs.metadata)
from translate.jobs import VERSION_TABLE, metadata

run_env(metadata, VERSION_TABLE)
