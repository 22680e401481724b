"""Database plumbing shared by every store (glossary, jobs, desk): engines and Alembic migrations.

It lives here because the glossary is the package everything else may import; it imports nothing
of ours. Each store keeps its own migration folder and version table, so they evolve separately
in one database.
"""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa

_MIGRATING = threading.Lock()


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url``: SQLite waits for locks, uses WAL and enforces foreign keys;
    PostgreSQL checks pooled connections before use."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, future=True, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, future=True, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def upgrade(engine: sa.Engine, migrations: Path) -> None:
    """Alembic ``upgrade head`` for the migration folder ``migrations``, on an open connection."""
    from alembic import command
    from alembic.config import Config

    with _MIGRATING:  # Alembic's context is module-global: one migration at a time per process
        config = Config()
        config.set_main_option("script_location", str(migrations))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")


def run_env(metadata: sa.MetaData, version_table: str) -> None:
    """The body of every store's Alembic ``env.py``: migrate on the connection ``upgrade`` handed
    over or, from the alembic command line, on ``sqlalchemy.url``."""
    from alembic import context

    def run(conn: sa.Connection) -> None:
        context.configure(connection=conn, target_metadata=metadata, version_table=version_table,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()

    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
    else:
        with sa.create_engine(context.config.get_main_option("sqlalchemy.url")).begin() as conn:
            run(conn)
