"""Alembic environment for the desk tables (API keys); see ``glossary.db.run_env``."""

from desk.keys import VERSION_TABLE, metadata
from glossary.db import run_env

run_env(metadata, VERSION_TABLE)
