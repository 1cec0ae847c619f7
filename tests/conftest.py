"""Database fixtures: every test that takes ``db_url`` (or ``engine``/``session``) runs on SQLite
(a file in its tmp dir) and on PostgreSQL (its own schema in a database made for this test run).

PostgreSQL is the local server if it answers, else a throwaway cluster; ``CIVREG_TEST_PG=throwaway``
forces the cluster (see :mod:`registry_db.testing`). Nothing is skipped or mocked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session

from extraction.types import FieldStatus, FieldValue, RecordResult, RegisterType
from registry_db import (
    Book,
    PageInfo,
    get_or_create_book,
    make_engine,
    session_factory,
    upgrade,
    upsert_pages,
)
from registry_db.testing import PgServer, postgres_server, scratch_database, scratch_schema

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    with postgres_server() as server:
        yield server


@pytest.fixture(scope="session")
def pg_database(pg_server: PgServer) -> Iterator[URL]:
    with scratch_database(pg_server) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.sqlite'}"
        return
    database: URL = request.getfixturevalue("pg_database")
    with scratch_schema(database) as url:
        yield url.render_as_string(hide_password=False)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the newest schema."""
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as session:
        yield session


# --- registry content ---------------------------------------------------------------------------

RecordFactory = Callable[..., RecordResult]


def _record(
    page_no: int = 1,
    entry_no: str | None = "1",
    *,
    values: dict[str, str | None] | None = None,
    needs_review: frozenset[str] = frozenset(),
) -> RecordResult:
    values = (
        values
        if values is not None
        else {
            "registration_date": "2015-03-02",
            "child.full_name": "Nguyễn Văn An",
            "child.sex": "Nam",
        }
    )
    fields = {
        key: FieldValue(
            key=key,
            value=value,
            raw=value,
            confidence=0.6 if key in needs_review else 0.97,
            page=page_no,
            bbox=(10, 20 + 40 * i, 400, 50 + 40 * i),
            status=FieldStatus.NEEDS_REVIEW if key in needs_review else FieldStatus.ACCEPTED,
            reasons=["low_confidence"] if key in needs_review else [],
        )
        for i, (key, value) in enumerate(values.items())
    }
    return RecordResult(
        register_type=RegisterType.BIRTH,
        book_no="01",
        entry_no=entry_no,
        registration_authority="UBND phường Ngọc Lâm",
        pages=[page_no],
        fields=fields,
    )


@pytest.fixture
def make_record() -> RecordFactory:
    """Builds a birth ``RecordResult``: ``make_record(page_no, entry_no, values=…,
    needs_review=frozenset(keys))``."""
    return _record


@pytest.fixture
def book(session: Session) -> Book:
    """A birth book of three pending pages."""
    stored = get_or_create_book(
        session,
        register_type="birth",
        book_no="01",
        year=2015,
        registration_authority="UBND phường Ngọc Lâm",
        source_sha256="a" * 64,
        source_name="so-khai-sinh-2015-q01.pdf",
        page_count=3,
    )
    pages = [
        PageInfo(
            page_no=n, sha256=f"{n:064x}", image_path=f"pages/{n:04d}.png", width=2480, height=3508
        )
        for n in (1, 2, 3)
    ]
    upsert_pages(session, stored, pages)
    return stored


# --- sample books and OCR, shared by the ocr, extraction, flows and CLI tests -----------------
# Seeds below 1000 are for tests; benchmarks and calibration use their own.


@pytest.fixture(scope="session")
def sample_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4-record scan-quality birth book as a PDF, with truth.jsonl and meta.json."""
    from synth.book import write_sample_book

    out = tmp_path_factory.mktemp("sample-book")
    write_sample_book(out, records=4, seed=17, quality="scan", fmt="pdf")
    return out


@pytest.fixture(scope="session")
def sample_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 6-record clean birth book as a folder of PNG pages (for the crash-and-resume test)."""
    from synth.book import write_sample_book

    out = tmp_path_factory.mktemp("sample-pages")
    write_sample_book(out, records=6, seed=23, quality="clean", fmt="png")
    return out


@pytest.fixture(scope="session")
def tesseract() -> object:
    from ocr.engine import TesseractEngine

    return TesseractEngine()
