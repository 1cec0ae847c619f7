"""Engines, sessions and schema migrations (Alembic, run in-process; no alembic.ini)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from civreg_cli.errors import DatabaseError
from registry_db.models import Base

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30.0


def make_engine(url: str, *, pool_size: int | None = None) -> Engine:
    """An engine for ``url`` (``sqlite:///path`` or ``postgresql://…``).

    SQLite: the file's folder is created, and every connection gets foreign keys on, WAL
    journaling and a busy timeout. PostgreSQL: a plain ``postgresql://`` URL uses psycopg 3;
    ``pool_size`` connections are kept open (SQLAlchemy's default: 5); a connection idle for
    a while is tested before use (:data:`PING_AFTER_IDLE_S`).
    """
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_S}
    elif parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        if pool_size is not None:  # connections kept open; as many again may be opened briefly
            kwargs.update(pool_size=pool_size, max_overflow=pool_size)
    engine = sa.create_engine(parsed, **kwargs)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_on_connect)
    else:
        sa.event.listen(engine.pool, "checkin", _note_checkin)
        sa.event.listen(engine.pool, "checkout", _ping_if_idle)
    return engine


# A pooled connection idle longer than this is tested (a round trip) before it is handed out:
# the server may have restarted or dropped it meanwhile. One in use a moment ago is not: under
# load, SQLAlchemy's pre-ping of every checkout was a round trip more on every API call.
PING_AFTER_IDLE_S = 5.0


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["checked_in"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    idle_since = record.info.get("checked_in")
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
        return  # new (just connected), or back in the pool only a moment ago
    try:
        dbapi_connection.execute("SELECT 1")
        dbapi_connection.rollback()
    except Exception as exc:  # any failure: the pool opens a new connection instead
        raise sa.exc.DisconnectionError(f"a pooled connection failed its test: {exc}") from exc


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (the repository commits its writes)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def alembic_config() -> Config:
    """The Alembic configuration of the packaged migrations (for ``alembic.command.*``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _engine(url_or_engine: str | Engine) -> tuple[Engine, bool]:
    if isinstance(url_or_engine, Engine):
        return url_or_engine, False
    return make_engine(url_or_engine), True


def _where(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def upgrade(url_or_engine: str | Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (default: the newest schema)."""
    _run(url_or_engine, lambda cfg: command.upgrade(cfg, revision))


def downgrade(url_or_engine: str | Engine, revision: str) -> None:
    """Migrate the database back to ``revision`` (``"base"``: no tables)."""
    _run(url_or_engine, lambda cfg: command.downgrade(cfg, revision))


def _run(url_or_engine: str | Engine, step: Any) -> None:
    engine, owned = _engine(url_or_engine)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            step(config)
    except sa.exc.OperationalError as exc:
        raise DatabaseError(
            f"cannot migrate the database at {_where(engine)}: {exc.orig}",
            advice="check that the database server runs and the URL is right",
        ) from exc
    finally:
        if owned:
            engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (``None`` for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Autogenerate hook: write new migrations with portable types and defaults.

    The models' own types (``UTCDateTime``, ``StrEnumType``) are written as their plain column
    type, so a migration never imports the models; ``now()`` is written as ``sa.func.now()``
    (``CURRENT_TIMESTAMP`` on SQLite) instead of PostgreSQL's text.
    """
    if type_ == "type" and isinstance(obj, sa.types.TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    if type_ == "server_default" and isinstance(getattr(obj, "arg", None), sa.sql.functions.now):
        return "sa.func.now()"
    return False


def schema_diff(engine: Engine) -> list[Any]:
    """What autogenerate would change to make the database match the models (empty: none).

    The ``alembic check`` of this package: run it after :func:`upgrade` to prove the migrations
    and the models describe the same schema.
    """
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))
