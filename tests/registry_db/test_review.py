"""The reviewer path: optimistic locking, revisions, record status."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from civreg_cli.errors import CivregError, DatabaseError
from extraction.types import FieldStatus
from registry_db import (
    Book,
    ConflictError,
    FieldSource,
    FieldValueRow,
    Record,
    field_history,
    save_page_records,
    session_factory,
    update_field,
)
from tests.conftest import RecordFactory


@pytest.fixture
def saved(session: Session, book: Book, make_record: RecordFactory) -> Record:
    """Page 1 saved: one record, ``child.sex`` and ``child.full_name`` flagged for review."""
    flagged = frozenset({"child.sex", "child.full_name"})
    save_page_records(
        session, book.id, 1, [make_record(1, "1", needs_review=flagged)], extractor_version="v1"
    )
    record = session.scalar(sa.select(Record).where(Record.book_id == book.id))
    assert record is not None
    return record


def _row(session: Session, record: Record, key: str) -> FieldValueRow:
    session.expire_all()
    row = session.scalar(
        sa.select(FieldValueRow).where(
            FieldValueRow.record_id == record.id, FieldValueRow.key == key
        )
    )
    assert row is not None
    return row


def test_update_writes_a_revision_and_takes_ownership(session: Session, saved: Record) -> None:
    sex = _row(session, saved, "child.sex")
    updated = update_field(
        session,
        sex.id,
        new_value="Nữ",
        new_status="accepted",
        changed_by="reviewer.lan",
        reason="misread",
        expected_version=1,
    )
    assert (updated.value, updated.status, updated.version) == ("Nữ", FieldStatus.ACCEPTED, 2)
    assert updated.source is FieldSource.REVIEWER
    assert updated.raw == "Nam"  # what was read stays
    history = field_history(session, sex.id)
    assert [
        (r.revision_no, r.old_value, r.new_value, r.old_status, r.new_status, r.changed_by)
        for r in history
    ] == [
        (1, None, "Nam", None, FieldStatus.NEEDS_REVIEW, "pipeline:v1"),
        (2, "Nam", "Nữ", FieldStatus.NEEDS_REVIEW, FieldStatus.ACCEPTED, "reviewer.lan"),
    ]
    assert history[1].reason == "misread"


def test_stale_version_is_a_conflict_with_both_values(session: Session, saved: Record) -> None:
    sex = _row(session, saved, "child.sex")
    update_field(
        session,
        sex.id,
        new_value="Nữ",
        new_status="accepted",
        changed_by="reviewer.lan",
        reason="misread",
        expected_version=1,
    )
    with pytest.raises(ConflictError) as caught:
        update_field(
            session,
            sex.id,
            new_value="Nam",
            new_status="accepted",
            changed_by="reviewer.binh",
            reason="as printed",
            expected_version=1,
        )
    conflict = caught.value
    assert isinstance(conflict, CivregError) and isinstance(conflict, DatabaseError)
    assert (conflict.current_value, conflict.current_status, conflict.current_version) == (
        "Nữ",
        FieldStatus.ACCEPTED,
        2,
    )
    assert (conflict.attempted_value, conflict.attempted_status) == ("Nam", FieldStatus.ACCEPTED)
    assert conflict.expected_version == 1
    assert "child.sex" in str(conflict) and "Nữ" not in str(conflict)  # no personal data
    assert len(field_history(session, sex.id)) == 2  # nothing written
    assert _row(session, saved, "child.sex").value == "Nữ"


def test_two_sessions_editing_the_same_version(engine: Engine, saved: Record) -> None:
    factory = session_factory(engine)
    with factory() as first, factory() as second:
        a = first.get(FieldValueRow, saved.fields[0].id)
        b = second.get(FieldValueRow, saved.fields[0].id)
        assert a is not None and b is not None
        update_field(
            first,
            a.id,
            new_value="2015-03-03",
            new_status="accepted",
            changed_by="reviewer.lan",
            reason="day misread",
            expected_version=a.version,
        )
        with pytest.raises(ConflictError) as caught:
            update_field(
                second,
                b.id,
                new_value="2015-03-04",
                new_status="accepted",
                changed_by="reviewer.binh",
                reason="day misread",
                expected_version=b.version,
            )
        assert caught.value.current_value == "2015-03-03"


def test_a_pipeline_rerun_moves_the_version_on(
    session: Session, book: Book, saved: Record, make_record: RecordFactory
) -> None:
    """A reviewer who opened the field before a newer extractor replaced it gets a conflict."""
    name = _row(session, saved, "child.full_name")
    seen = name.version
    newer = make_record(
        1,
        "1",
        values={"registration_date": "2015-03-02", "child.full_name": "Nguyễn Văn Ân"},
    )
    save_page_records(session, book.id, 1, [newer], extractor_version="v2")
    with pytest.raises(ConflictError):
        update_field(
            session,
            name.id,
            new_value="Nguyễn Văn An",
            new_status="accepted",
            changed_by="reviewer.lan",
            reason="checked",
            expected_version=seen,
        )


def test_record_status_follows_its_fields(session: Session, saved: Record) -> None:
    assert saved.status is FieldStatus.NEEDS_REVIEW
    for key in ("child.sex", "child.full_name"):
        row = _row(session, saved, key)
        update_field(
            session,
            row.id,
            new_value=row.value,
            new_status="accepted",
            changed_by="reviewer.lan",
            reason="confirmed",
            expected_version=row.version,
        )
    session.expire_all()
    assert session.get(Record, saved.id).status is FieldStatus.ACCEPTED  # type: ignore[union-attr]
    row = _row(session, saved, "child.sex")
    update_field(
        session,
        row.id,
        new_value=row.value,
        new_status="needs_review",
        changed_by="supervisor.minh",
        reason="second look",
        expected_version=row.version,
    )
    session.expire_all()
    assert session.get(Record, saved.id).status is FieldStatus.NEEDS_REVIEW  # type: ignore[union-attr]


def test_saving_the_same_value_changes_nothing(session: Session, saved: Record) -> None:
    row = _row(session, saved, "registration_date")
    same = update_field(
        session,
        row.id,
        new_value=row.value,
        new_status=row.status,
        changed_by="reviewer.lan",
        reason=None,
        expected_version=row.version,
    )
    assert (same.version, same.source) == (1, FieldSource.OCR)
    assert len(field_history(session, row.id)) == 1


def test_the_reviewer_path_refuses_bad_input(session: Session, saved: Record) -> None:
    row = _row(session, saved, "child.sex")
    common = {"new_status": "accepted", "expected_version": 1}
    with pytest.raises(ValueError, match="user name"):
        update_field(session, row.id, new_value="Nữ", changed_by="pipeline:x", reason="r", **common)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="reason"):
        update_field(session, row.id, new_value="Nữ", changed_by="lan", reason=" ", **common)  # type: ignore[arg-type]
    with pytest.raises(DatabaseError, match="not in the database"):
        update_field(session, 10**9, new_value="Nữ", changed_by="lan", reason="r", **common)  # type: ignore[arg-type]
    assert len(field_history(session, row.id)) == 1


def test_two_reviewers_accepting_two_fields_of_one_record(engine: Engine, saved: Record) -> None:
    """Each sees the other's change when the record's status is worked out."""
    factory = session_factory(engine)
    with factory() as session:
        flagged = session.scalars(
            sa.select(FieldValueRow).where(
                FieldValueRow.record_id == saved.id,
                FieldValueRow.status == FieldStatus.NEEDS_REVIEW,
            )
        ).all()
    assert len(flagged) == 2
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def accept(row: FieldValueRow, who: str) -> None:
        try:
            with factory() as session:
                barrier.wait()
                update_field(
                    session,
                    row.id,
                    new_value=row.value,
                    new_status="accepted",
                    changed_by=who,
                    reason="checked",
                    expected_version=row.version,
                )
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=accept, args=(row, f"reviewer.{n}"))
        for n, row in enumerate(flagged)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    with factory() as session:
        record = session.get(Record, saved.id)
        assert record is not None and record.status is FieldStatus.ACCEPTED
