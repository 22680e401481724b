"""Alembic environment for the desk tables (API keys); see ``common.db.run_env``."""

from common.db import run_env
from desk.keys import VERSION_TABLE, metadata

run_env(metadata, VERSION_TABLE)
