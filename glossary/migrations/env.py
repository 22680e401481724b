"""Alembic environment for the glossary tables; see ``common.db.run_env``."""

from common.db import run_env
from glossary.store import VERSION_TABLE, metadata

run_env(metadata, VERSION_TABLE)
