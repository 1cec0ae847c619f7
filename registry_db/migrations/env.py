"""Alembic environment: run by :func:`registry_db.migrate.upgrade`, never from an alembic.ini.

The caller hands over an open connection in ``config.attributes["connection"]``; offline (SQL
script) mode uses ``sqlalchemy.url`` from the config instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from registry_db.migrate import render_item
from registry_db.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=True,  # SQLite: ALTER via copy-and-move; harmless elsewhere
        render_item=render_item,
        **kwargs,
    )


def run_migrations_offline() -> None:
    _configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection: Connection | None = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("registry_db migrations need a connection: use registry_db.upgrade()")
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
