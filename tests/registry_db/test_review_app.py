"""Registry functions of the review app that the HTTP tests do not reach on their own."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from civreg_cli.errors import InputError
from registry_db import Book, Record, save_page_records
from registry_db import review as rv
from registry_db.models import Role
from tests.conftest import RecordFactory


def test_a_book_still_being_read_cannot_be_approved(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    save_page_records(session, book.id, 1, [make_record(1, "1")], extractor_version="v1")
    with pytest.raises(InputError, match="not done"):
        rv.approve_book(session, book.id, "sam")
    with pytest.raises(InputError, match="not approved"):
        rv.reopen_book(session, book.id, "sam", "why")
    progress = rv.books_progress(session, [book.id])[0]
    assert (progress.pages_read, progress.page_count, progress.records) == (1, 3, 1)
    assert progress.fields_needing_review == 0 and progress.audit_error_rate is None


def test_queue_worst_first_and_by_reason(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    one = make_record(1, "1", needs_review=frozenset({"child.sex"}))
    three = make_record(
        1, "2", needs_review=frozenset({"child.sex", "child.full_name", "registration_date"})
    )
    one.fields["child.sex"].reasons = ["sex_unknown"]
    save_page_records(session, book.id, 1, [one, three], extractor_version="v1")
    queue = rv.review_queue(session, book_id=book.id)
    assert [(q.entry_no, q.pending) for q in queue] == [("2", 3), ("1", 1)]
    assert [q.entry_no for q in rv.review_queue(session, reason="sex_unknown")] == ["1"]
    assert dict(rv.queue_reasons(session, book.id)) == {"low_confidence": 3, "sex_unknown": 1}
    first = session.scalar(sa.select(Record).where(Record.entry_no == "1"))
    second = session.scalar(sa.select(Record).where(Record.entry_no == "2"))
    assert first is not None and second is not None
    assert rv.next_record_to_review(session, first) == second.id  # the next in book order
    assert rv.next_record_to_review(session, second) == first.id  # and round again
    with pytest.raises(InputError):
        rv.review_queue(session, reason="x' OR '1'='1")


def test_user_names_and_roles_are_checked(session: Session) -> None:
    rv.create_user(session, "lan.nguyen", Role.REVIEWER, "hash")
    for name in ("Lan", "a", "../x", "x y"):
        with pytest.raises(InputError):
            rv.create_user(session, name, Role.REVIEWER, "hash")
    with pytest.raises(InputError, match="already exists"):
        rv.create_user(session, "lan.nguyen", Role.ADMIN, "hash")
    with pytest.raises(InputError, match="unknown role"):
        rv.create_user(session, "minh", "boss", "hash")
