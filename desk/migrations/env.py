"""Alembic environment for the desk tables (API keys). Run through ``desk.keys.migrate``, which hands
over an open connection; with the alembic CLI, set ``sqlalchemy.url`` in the config."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from desk.keys import VERSION_TABLE, metadata

config = context.config
connection = config.attributes.get("connection")


def run(conn: sa.Connection) -> None:
    context.configure(connection=conn, target_metadata=metadata, version_table=VERSION_TABLE,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    with sa.create_engine(config.get_main_option("sqlalchemy.url")).begin() as conn:
        run(conn)
