"""Database plumbing shared by every store (glossary, jobs, desk): engines and Alembic migrations.

It lives here because the glossary is the package everything else may import; it imports nothing
of ours. Each store keeps its own migration folder and version table, so they evolve separately
in one database.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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
    """Alembic ``upgrade head`` for the migration folder ``migrations``, on an open connection,
    holding a database-wide lock: processes starting at once on a fresh database migrate one after
    another (the later ones find the schema at head and do nothing)."""
    from alembic import command
    from alembic.config import Config

    with _MIGRATING:  # Alembic's context is module-global: one migration at a time per process
        config = Config()
        config.set_main_option("script_location", str(migrations))
        with engine.connect() as connection, migration_lock(connection, migrations), connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, "head")


def lock_key(migrations: Path) -> int:
    """The PostgreSQL advisory lock key of a migration folder: the same for every install of the
    package (it hashes ``<package>/<folder>``, not the path on disk), a signed 64-bit integer."""
    name = f"dragoman:{migrations.parent.name}/{migrations.name}".encode()
    return int.from_bytes(hashlib.sha256(name).digest()[:8], "big", signed=True)


@contextmanager
def migration_lock(connection: sa.Connection, migrations: Path) -> Iterator[None]:
    """PostgreSQL: a session advisory lock, one key per migration folder; SQLite: an exclusive
    ``fcntl`` lock on ``<database file>-migrate.lock``; an in-memory SQLite database needs none."""
    if connection.dialect.name == "postgresql":
        key = lock_key(migrations)
        connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": key})
        connection.commit()
        try:
            yield
        finally:
            connection.rollback()
            connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()
    elif connection.dialect.name == "sqlite" and connection.engine.url.database not in (None, "", ":memory:"):
        with _file_lock(Path(connection.engine.url.database + "-migrate.lock")):
            yield
    else:
        yield


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    import fcntl

    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
