"""Pooled PostgreSQL connections: one idle a while is tested before use, so a connection the
server dropped meanwhile is replaced instead of failing the next request."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from registry_db import migrate
from registry_db.migrate import make_engine


def test_a_dropped_idle_connection_is_replaced(
    pg_database: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(pg_database.render_as_string(hide_password=False), pool_size=1)
    try:
        with engine.connect() as c:
            first = c.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        admin = make_engine(pg_database.render_as_string(hide_password=False))
        with admin.connect() as c:  # the server drops the pooled connection
            c.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": first})
        admin.dispose()
        monkeypatch.setattr(migrate, "PING_AFTER_IDLE_S", 0.0)  # as if idle long enough
        with engine.connect() as c:
            second = c.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        assert second != first
    finally:
        engine.dispose()


def test_a_connection_just_returned_is_not_tested(pg_database: URL) -> None:
    engine = make_engine(pg_database.render_as_string(hide_password=False), pool_size=1)
    statements: list[str] = []
    sa.event.listen(
        engine, "before_cursor_execute", lambda *a: statements.append(a[2]), named=False
    )
    try:
        for _ in range(3):
            with engine.connect() as c:
                c.execute(sa.text("SELECT 1 AS one"))
        assert statements == ["SELECT 1 AS one"] * 3  # no test round trip between uses
    finally:
        engine.dispose()
