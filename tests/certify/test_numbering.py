"""Extract numbers are gap-free and never issued twice, also when many clerks issue at once
(threads with their own sessions, on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from certify.issue import IssueOptions, issue_extract
from certify.numbering import format_number, take_number
from extraction.types import RegisterType
from registry_db import Record, session_factory
from registry_db.certificates import Extract
from tests.certify.conftest import BIRTH, make_register

THREADS = 6
EACH = 3


def test_format_number() -> None:
    assert format_number(12, "birth") == "12/TLKS-BS"
    assert format_number(1, RegisterType.DEATH) == "1/TLKT-BS"
    assert format_number(7, "marriage") == "7/TLKH-BS"
    with pytest.raises(ValueError):
        format_number(0, "birth")


def test_numbers_run_per_office_year_and_kind(session: Session) -> None:
    with session.begin():
        got = [take_number(session, "A", 2026, "birth") for _ in range(3)]
        got += [take_number(session, "A", 2027, "birth"), take_number(session, "B", 2026, "birth")]
        got.append(take_number(session, "A", 2026, "death"))
    assert got == [1, 2, 3, 1, 1, 1]


def test_concurrent_issues_get_gap_free_unique_numbers(
    engine: Engine, session: Session, unsigned_options: IssueOptions
) -> None:
    book = make_register(session, RegisterType.BIRTH, [BIRTH, {**BIRTH, "child.full_name": "B"}])
    record_ids = list(session.scalars(sa.select(Record.id).where(Record.book_id == book.id)))
    sessions = session_factory(engine)
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def clerk(n: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                with sessions() as s:
                    issue_extract(
                        s, record_ids[(n + i) % 2], by=f"clerk{n}", options=unsigned_options
                    )
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    session.expire_all()
    numbers = sorted(session.scalars(sa.select(Extract.number)))
    assert numbers == list(range(1, THREADS * EACH + 1))
    texts = set(session.scalars(sa.select(Extract.number_text)))
    codes = set(session.scalars(sa.select(Extract.code)))
    assert len(texts) == len(codes) == THREADS * EACH
