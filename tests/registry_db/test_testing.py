"""The PostgreSQL test harness itself, including the throwaway-cluster path that machines
without a running server take (``CIVREG_TEST_PG=throwaway`` forces it for a whole run)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from extraction.types import FieldStatus, FieldValue, RecordResult, RegisterType
from registry_db import (
    PageInfo,
    get_or_create_book,
    iter_export_records,
    make_engine,
    save_page_records,
    schema_diff,
    session_factory,
    upgrade,
    upsert_pages,
)
from registry_db.testing import (
    PgServer,
    postgres_server,
    reachable,
    scratch_database,
    throwaway_cluster,
)


def test_throwaway_cluster_runs_the_registry() -> None:
    with postgres_server("throwaway") as server:
        assert server.kind == "throwaway"
        socket_dir = Path(server.admin_url.query["host"])  # type: ignore[arg-type]
        assert socket_dir.is_dir()
        with scratch_database(server) as url:
            engine = make_engine(url.render_as_string(hide_password=False))
            try:
                upgrade(engine)
                assert schema_diff(engine) == []
                with session_factory(engine)() as session:
                    book = get_or_create_book(
                        session,
                        register_type="birth",
                        book_no="T1",
                        year=2015,
                        registration_authority="UBND xã Thử",
                        source_sha256="c" * 64,
                        source_name="t.pdf",
                        page_count=1,
                    )
                    upsert_pages(session, book, [PageInfo(1, "d" * 64, "p/1.png", 10, 10)])
                    record = RecordResult(
                        register_type=RegisterType.BIRTH,
                        book_no="T1",
                        entry_no="1",
                        registration_authority="UBND xã Thử",
                        pages=[1],
                        fields={
                            "child.sex": FieldValue(
                                key="child.sex", value="Nữ", status=FieldStatus.ACCEPTED
                            )
                        },
                    )
                    save_page_records(session, book.id, 1, [record], extractor_version="v1")
                    (exported,) = iter_export_records(session)
                    assert exported["fields"]["child.sex"]["value"] == "Nữ"
                    version = session.scalar(sa.text("SHOW server_version"))
                    assert version
            finally:
                engine.dispose()
        admin_url = server.admin_url
    # stopped and removed afterwards
    assert not socket_dir.exists()
    assert not reachable(admin_url, timeout_s=2)


def test_the_session_server_is_what_the_environment_asks_for(pg_server: PgServer) -> None:
    wanted = os.environ.get("CIVREG_TEST_PG", "auto")
    if wanted == "throwaway":
        assert pg_server.kind == "throwaway"
    assert reachable(pg_server.admin_url)


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="CIVREG_TEST_PG"), postgres_server("nope"):
        pass


def test_missing_binaries_fail_loudly(tmp_path: Path) -> None:
    with (
        pytest.raises(RuntimeError, match="no PostgreSQL server binaries"),
        throwaway_cluster(tmp_path),
    ):
        pass
