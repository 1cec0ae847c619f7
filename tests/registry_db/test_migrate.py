"""Migrations reach the models' schema on both backends; engines are set up as documented."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import produce_migrations, render_python_code
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from civreg_cli.errors import DatabaseError
from registry_db import (
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    schema_diff,
    upgrade,
)
from registry_db.migrate import render_item
from registry_db.models import Base

TABLES = {"book", "page", "record", "field_value", "field_revision"}


def test_upgrade_reaches_head_with_no_diff_to_the_models(engine: Engine) -> None:
    assert current_revision(engine) == head_revision() is not None
    assert set(sa.inspect(engine).get_table_names()) >= TABLES
    assert schema_diff(engine) == []


def test_schema_diff_sees_a_missing_index(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("DROP INDEX ix_field_value_needs_review"))
    diff = schema_diff(engine)
    assert any(d[0] == "add_index" and d[1].name == "ix_field_value_needs_review" for d in diff)


def test_downgrade_to_base_and_up_again(engine: Engine) -> None:
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert not TABLES & set(sa.inspect(engine).get_table_names())
    upgrade(engine)
    assert schema_diff(engine) == []


def test_upgrade_twice_is_harmless(db_url: str) -> None:
    upgrade(db_url)  # from a URL: the function makes and disposes its own engine
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_named_constraints_and_indexes(engine: Engine) -> None:
    inspector = sa.inspect(engine)
    field_indexes = {i["name"] for i in inspector.get_indexes("field_value")}
    assert field_indexes >= {"ix_field_value_needs_review", "ix_field_value_person_lookup"}
    # migration 0008: no index on every row's status or key (no query read them)
    assert not field_indexes & {"ix_field_value_status", "ix_field_value_key"}
    assert "ix_record_book_id_status" in {i["name"] for i in inspector.get_indexes("record")}
    uniques = {u["name"] for u in inspector.get_unique_constraints("record")}
    assert "uq_record_book_id_page_no_index_on_page" in uniques
    assert "uq_book_source_sha256" in {u["name"] for u in inspector.get_unique_constraints("book")}
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            assert constraint.name, f"unnamed constraint on {table.name}"


def test_sqlite_engine_settings(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "registry.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        assert path.parent.is_dir()
    finally:
        engine.dispose()


def test_plain_postgresql_url_uses_psycopg() -> None:
    engine = make_engine("postgresql://someone@127.0.0.1:1/nothing")
    assert engine.dialect.driver == "psycopg"
    engine.dispose()


def test_unreachable_database_is_a_database_error() -> None:
    with pytest.raises(DatabaseError, match="cannot migrate"):
        upgrade("postgresql://nobody@127.0.0.1:1/nothing?connect_timeout=2")


def test_autogenerate_writes_portable_migrations(db_url: str) -> None:
    """What ``alembic revision --autogenerate`` would write for the models on an empty database."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_item": render_item}
            )
            code = render_python_code(
                produce_migrations(context, Base.metadata).upgrade_ops,  # type: ignore[arg-type]
                render_item=render_item,
            )
    finally:
        engine.dispose()
    assert "op.create_table('field_revision'" in code
    assert "registry_db" not in code  # no model types imported into a migration
    assert "sa.DateTime(timezone=True)" in code and "sa.String(length=16)" in code
    assert "server_default=sa.func.now()" in code and "now()')" not in code
