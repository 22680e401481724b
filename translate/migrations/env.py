"""Alembic environment for the job tables; see ``glossary.db.run_env``."""

from glossary.db import run_env
from translate.jobs import VERSION_TABLE, metadata

run_env(metadata, VERSION_TABLE)
