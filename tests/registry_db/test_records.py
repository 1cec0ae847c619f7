"""save_page_records: one transaction, idempotent, crash-safe, never overwrites a reviewer."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from civreg_cli.errors import DatabaseError
from extraction.types import FieldStatus, FieldValue
from registry_db import (
    REASON_NOT_EXTRACTED,
    Book,
    FieldRevision,
    FieldSource,
    FieldValueRow,
    Page,
    PageStatus,
    Record,
    field_history,
    iter_export_records,
    mark_page,
    save_page_records,
    session_factory,
    update_field,
)
from registry_db.repository import save_book_pages
from tests.conftest import RecordFactory


def _counts(session: Session) -> tuple[int, int, int]:
    def n(model: type[object]) -> int:
        return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0

    return n(Record), n(FieldValueRow), n(FieldRevision)


def _field(
    session: Session, book: Book, key: str, *, page_no: int = 1, index: int = 0
) -> FieldValueRow:
    session.expire_all()
    row = session.scalar(
        sa.select(FieldValueRow)
        .join(Record)
        .where(
            Record.book_id == book.id,
            Record.page_no == page_no,
            Record.index_on_page == index,
            FieldValueRow.key == key,
        )
    )
    assert row is not None
    return row


def test_first_save_writes_records_fields_and_revision_one(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    records = [make_record(1, "1"), make_record(1, "2", needs_review=frozenset({"child.sex"}))]
    assert save_page_records(session, book.id, 1, records, extractor_version="v1") == 2
    assert _counts(session) == (2, 6, 6)

    stored = session.scalars(
        sa.select(Record).where(Record.book_id == book.id).order_by(Record.index_on_page)
    ).all()
    assert [(r.entry_no, r.index_on_page, r.pages) for r in stored] == [
        ("1", 0, [1]),
        ("2", 1, [1]),
    ]
    assert [r.status for r in stored] == [FieldStatus.ACCEPTED, FieldStatus.NEEDS_REVIEW]
    assert all(r.extractor_version == "v1" and r.superseded_at is None for r in stored)

    sex = _field(session, book, "child.sex", index=1)
    assert (sex.value, sex.status, sex.reasons) == (
        "Nam",
        FieldStatus.NEEDS_REVIEW,
        ["low_confidence"],
    )
    assert (sex.version, sex.source, sex.page_no, sex.bbox) == (
        1,
        FieldSource.OCR,
        1,
        [10, 100, 400, 130],
    )
    (rev,) = field_history(session, sex.id)
    assert (rev.revision_no, rev.old_value, rev.new_value) == (1, None, "Nam")
    assert (rev.old_status, rev.new_status) == (None, FieldStatus.NEEDS_REVIEW)
    assert rev.changed_by == "pipeline:v1"
    assert rev.changed_at.tzinfo is not None

    page = session.scalar(sa.select(Page).where(Page.book_id == book.id, Page.page_no == 1))
    assert page is not None and page.status is PageStatus.EXTRACTED


def test_saving_twice_creates_no_duplicates_and_no_revisions(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    records = [make_record(2, "7"), make_record(2, "8")]
    save_page_records(session, book.id, 2, records, extractor_version="v1")
    before = _counts(session)
    versions = sorted(session.scalars(sa.select(FieldValueRow.version)))
    save_page_records(session, book.id, 2, records, extractor_version="v1")
    save_page_records(session, book.id, 2, records, extractor_version="v1")
    assert _counts(session) == before
    assert sorted(session.scalars(sa.select(FieldValueRow.version))) == versions


def test_same_version_does_not_replace_but_fills_in_what_a_crash_left_out(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    partial = make_record(1, "1", values={"registration_date": "2015-03-02"})
    save_page_records(session, book.id, 1, [partial], extractor_version="v1")
    full = make_record(1, "1", values={"registration_date": "2099-01-01", "child.sex": "Nữ"})
    save_page_records(session, book.id, 1, [full, make_record(1, "2")], extractor_version="v1")
    assert _counts(session) == (2, 5, 5)
    assert _field(session, book, "registration_date").value == "2015-03-02"  # not replaced
    assert _field(session, book, "child.sex").value == "Nữ"  # added


def test_a_repeated_entry_number_is_two_records(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    save_page_records(
        session, book.id, 1, [make_record(1, "5"), make_record(1, "5")], extractor_version="v1"
    )
    assert [e["entry_no"] for e in iter_export_records(session)] == ["5", "5"]


def test_newer_extractor_replaces_pipeline_fields_with_a_revision(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    save_page_records(session, book.id, 1, [make_record(1, "1")], extractor_version="v1")
    newer = make_record(
        1,
        "1a",
        values={
            "registration_date": "2015-03-02",
            "child.full_name": "Nguyễn Văn Ân",
            "child.sex": "Nam",
        },
        needs_review=frozenset({"child.full_name"}),
    )
    save_page_records(session, book.id, 1, [newer], extractor_version="v2", source="text_layer")

    name = _field(session, book, "child.full_name")
    assert (name.value, name.status, name.version) == ("Nguyễn Văn Ân", FieldStatus.NEEDS_REVIEW, 2)
    assert name.source is FieldSource.TEXT_LAYER
    history = field_history(session, name.id)
    assert [(r.revision_no, r.old_value, r.new_value, r.changed_by) for r in history] == [
        (1, None, "Nguyễn Văn An", "pipeline:v1"),
        (2, "Nguyễn Văn An", "Nguyễn Văn Ân", "pipeline:v2"),
    ]
    # a field whose reading did not change gets no revision
    assert len(field_history(session, _field(session, book, "child.sex").id)) == 1
    record = session.scalar(sa.select(Record).where(Record.book_id == book.id))
    assert record is not None
    assert (record.entry_no, record.extractor_version, record.status) == (
        "1a",
        "v2",
        FieldStatus.NEEDS_REVIEW,
    )
    # and the same newer version again changes nothing
    before = _counts(session)
    save_page_records(session, book.id, 1, [newer], extractor_version="v2", source="text_layer")
    assert _counts(session) == before


@pytest.mark.parametrize("rerun_version", ["v1", "v2"])
def test_a_reviewer_edit_survives_a_rerun(
    session: Session, book: Book, make_record: RecordFactory, rerun_version: str
) -> None:
    save_page_records(session, book.id, 1, [make_record(1, "1")], extractor_version="v1")
    name = _field(session, book, "child.full_name")
    update_field(
        session,
        name.id,
        new_value="Nguyễn Văn Anh",
        new_status="accepted",
        changed_by="reviewer.lan",
        reason="ink blot over the last letter",
        expected_version=name.version,
    )
    changed = make_record(
        1,
        "1",
        values={"registration_date": "2016-01-01", "child.full_name": "X", "child.sex": "Nam"},
    )
    save_page_records(session, book.id, 1, [changed], extractor_version=rerun_version)

    name = _field(session, book, "child.full_name")
    assert (name.value, name.source, name.version) == ("Nguyễn Văn Anh", FieldSource.REVIEWER, 2)
    assert [r.changed_by for r in field_history(session, name.id)] == [
        "pipeline:v1",
        "reviewer.lan",
    ]
    expected_date = "2015-03-02" if rerun_version == "v1" else "2016-01-01"
    assert _field(session, book, "registration_date").value == expected_date


def test_a_field_with_any_person_revision_is_never_overwritten(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    """Ownership is also read from the history, not only from ``source``."""
    save_page_records(session, book.id, 1, [make_record(1, "1")], extractor_version="v1")
    sex = _field(session, book, "child.sex")
    session.add(
        FieldRevision(
            field_value_id=sex.id,
            revision_no=2,
            old_value="Nam",
            new_value="Nam",
            old_status=FieldStatus.ACCEPTED,
            new_status=FieldStatus.ACCEPTED,
            changed_by="supervisor.minh",
            reason="checked against the paper book",
        )
    )
    session.commit()
    changed = make_record(
        1,
        "1",
        values={
            "registration_date": "2015-03-02",
            "child.full_name": "Nguyễn Văn An",
            "child.sex": "Nữ",
        },
    )
    save_page_records(session, book.id, 1, [changed], extractor_version="v2")
    assert _field(session, book, "child.sex").value == "Nam"


def test_what_a_newer_extractor_no_longer_finds_is_kept_but_set_aside(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    save_page_records(
        session, book.id, 1, [make_record(1, "1"), make_record(1, "2")], extractor_version="v1"
    )
    fewer = make_record(
        1, "1", values={"registration_date": "2015-03-02", "child.full_name": "Nguyễn Văn An"}
    )
    save_page_records(session, book.id, 1, [fewer], extractor_version="v2")

    assert _counts(session)[0] == 2  # nothing deleted
    assert [e["entry_no"] for e in iter_export_records(session)] == ["1"]
    second = session.scalar(sa.select(Record).where(Record.index_on_page == 1))
    assert second is not None and second.superseded_at is not None
    sex = _field(session, book, "child.sex")
    assert (sex.value, sex.status, sex.reasons) == (
        None,
        FieldStatus.NEEDS_REVIEW,
        [REASON_NOT_EXTRACTED],
    )
    assert [r.new_value for r in field_history(session, sex.id)] == ["Nam", None]  # first read kept

    # a later version that finds it again brings it back
    save_page_records(
        session, book.id, 1, [make_record(1, "1"), make_record(1, "2")], extractor_version="v3"
    )
    assert [e["entry_no"] for e in iter_export_records(session)] == ["1", "2"]
    assert _field(session, book, "child.sex").value == "Nam"


def test_refuses_what_it_cannot_store(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    with pytest.raises(ValueError, match="starts on page 2"):
        save_page_records(session, book.id, 1, [make_record(2, "1")], extractor_version="v1")
    with pytest.raises(DatabaseError, match="page 9"):
        save_page_records(session, book.id, 9, [make_record(9, "1")], extractor_version="v1")
    with pytest.raises(ValueError):
        save_page_records(
            session, book.id, 1, [make_record(1, "1")], extractor_version="v1", source="reviewer"
        )
    assert _counts(session) == (0, 0, 0)


def test_a_failed_save_leaves_nothing_behind(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    """One transaction: a record that breaks a constraint takes the whole page back."""
    bad = make_record(1, "2", values={"child.sex": "Nam"})
    bad.fields["child.sex"].status = "not-a-status"  # type: ignore[assignment]
    with pytest.raises((DatabaseError, ValueError)):
        save_page_records(session, book.id, 1, [make_record(1, "1"), bad], extractor_version="v1")
    assert _counts(session) == (0, 0, 0)
    page = session.scalar(sa.select(Page).where(Page.book_id == book.id, Page.page_no == 1))
    assert page is not None and page.status is PageStatus.PENDING


@pytest.mark.parametrize("transaction", ["own", "caller"])
def test_concurrent_savers_of_one_page_never_duplicate(
    engine: Engine, book: Book, make_record: RecordFactory, transaction: str
) -> None:
    """Workers race to save one page: on their own, or inside a transaction they began."""
    records = [make_record(3, str(n)) for n in range(6)]
    workers = 4
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []
    factory = session_factory(engine)

    def save(version: str) -> None:
        try:
            with factory() as session:
                barrier.wait()
                if transaction == "caller":
                    with session.begin():
                        mark_page(session, book.id, 3, "ocr_done")
                        save_page_records(session, book.id, 3, records, extractor_version=version)
                else:
                    save_page_records(session, book.id, 3, records, extractor_version=version)
        except BaseException as exc:
            errors.append(exc)

    for version in ("v1", "v1", "v2"):
        threads = [threading.Thread(target=save, args=(version,)) for _ in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors

    with factory() as session:
        assert _counts(session) == (6, 18, 18)
        per_field = session.execute(
            sa.select(FieldRevision.field_value_id, sa.func.count())
            .group_by(FieldRevision.field_value_id)
            .having(sa.func.count() > 1)
        ).all()
        assert per_field == []
        page = session.scalar(sa.select(Page).where(Page.book_id == book.id, Page.page_no == 3))
        assert page is not None and page.status is PageStatus.EXTRACTED


def _page_status(session: Session, book: Book, page_no: int) -> PageStatus:
    session.expire_all()
    page = session.scalar(sa.select(Page).where(Page.book_id == book.id, Page.page_no == page_no))
    assert page is not None
    return page.status


def test_inside_a_callers_transaction_the_caller_commits(
    engine: Engine, book: Book, make_record: RecordFactory
) -> None:
    factory = session_factory(engine)
    with factory() as session, factory() as observer:
        with session.begin():
            mark_page(session, book.id, 1, "ocr_done", ocr_path="ocr/0001.json")
            save_page_records(session, book.id, 1, [make_record(1, "1")], extractor_version="v1")
            assert _counts(observer) == (0, 0, 0)
            observer.rollback()
        assert _counts(observer) == (1, 3, 3)
        assert _page_status(observer, book, 1) is PageStatus.EXTRACTED


def test_a_callers_rollback_takes_all_calls_back(
    engine: Engine, book: Book, make_record: RecordFactory
) -> None:
    factory = session_factory(engine)
    with factory() as session:
        with pytest.raises(RuntimeError), session.begin():
            mark_page(session, book.id, 1, "ocr_done")
            save_page_records(session, book.id, 1, [make_record(1, "1")], extractor_version="v1")
            raise RuntimeError("the worker died")
        assert _counts(session) == (0, 0, 0)
        assert _page_status(session, book, 1) is PageStatus.PENDING


def test_a_failed_call_in_a_callers_transaction_undoes_only_itself(
    engine: Engine, book: Book, make_record: RecordFactory
) -> None:
    bad = make_record(1, "2", values={"child.sex": "Nam"})
    bad.fields["child.sex"].status = "not-a-status"  # type: ignore[assignment]
    factory = session_factory(engine)
    with factory() as session:
        with session.begin():
            mark_page(session, book.id, 2, "ocr_done")
            with pytest.raises((DatabaseError, ValueError)):
                save_page_records(session, book.id, 1, [bad], extractor_version="v1")
        assert _counts(session) == (0, 0, 0)
        assert _page_status(session, book, 2) is PageStatus.OCR_DONE
        assert _page_status(session, book, 1) is PageStatus.PENDING


def test_a_final_record_is_never_changed_by_a_newer_extractor(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    save_page_records(session, book.id, 1, [make_record(1, "1")], extractor_version="v1")
    record = session.scalar(sa.select(Record).where(Record.book_id == book.id))
    assert record is not None
    record.final_at = sa.func.now()  # approved by a supervisor
    session.commit()
    newer = make_record(1, "1", values={"child.full_name": "Nguyễn Văn Ân"})
    save_page_records(session, book.id, 1, [newer], extractor_version="v2")
    save_page_records(session, book.id, 1, [], extractor_version="v3")  # finds nothing there
    name = _field(session, book, "child.full_name")
    assert (name.value, name.version) == ("Nguyễn Văn An", 1)
    session.expire_all()
    kept = session.scalar(sa.select(Record).where(Record.book_id == book.id))
    assert kept is not None
    assert (kept.extractor_version, kept.superseded_at) == ("v1", None)


# --- several pages in one transaction (save_book_pages, the set-based loader) -------------------


def _stored_state(session: Session) -> list[tuple[object, ...]]:
    """Every field with its version, status and revision count, and its record's place."""
    session.expire_all()
    revisions = (
        sa.select(sa.func.count())
        .where(FieldRevision.field_value_id == FieldValueRow.id)
        .scalar_subquery()
    )
    return [
        tuple(row)
        for row in session.execute(
            sa.select(
                Record.page_no,
                Record.index_on_page,
                Record.status,
                Record.updated_at,
                FieldValueRow.key,
                FieldValueRow.value,
                FieldValueRow.bbox,
                FieldValueRow.version,
                FieldValueRow.updated_at,
                revisions,
            )
            .join(FieldValueRow, FieldValueRow.record_id == Record.id)
            .order_by(Record.page_no, Record.index_on_page, FieldValueRow.key)
        )
    ]


def test_a_batch_of_pages_is_stored_with_revision_one_and_a_rerun_changes_nothing(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    no_box = make_record(2, "3", needs_review=frozenset({"child.sex"}))
    no_box.fields["child.sex"].bbox = None
    pages = {
        1: [make_record(1, "1"), make_record(1, "2")],
        2: [no_box],
        3: [],  # a page with no entry is still extracted
    }
    assert save_book_pages(session, book.id, pages, extractor_version="v1") == 3
    assert _counts(session) == (3, 9, 9)
    for page_no in (1, 2, 3):
        assert _page_status(session, book, page_no) is PageStatus.EXTRACTED
    sex = _field(session, book, "child.sex", page_no=2)
    assert (sex.bbox, sex.status, sex.reasons, sex.version) == (
        None,
        FieldStatus.NEEDS_REVIEW,
        ["low_confidence"],
        1,
    )
    (rev,) = field_history(session, sex.id)
    assert (rev.revision_no, rev.new_value, rev.new_status, rev.changed_by) == (
        1,
        "Nam",
        FieldStatus.NEEDS_REVIEW,
        "pipeline:v1",
    )
    assert [e["entry_no"] for e in iter_export_records(session)] == ["1", "2", "3"]
    assert [e["status"] for e in iter_export_records(session)] == [
        "accepted",
        "accepted",
        "needs_review",
    ]

    before = _stored_state(session)
    assert save_book_pages(session, book.id, pages, extractor_version="v1") == 3
    assert _stored_state(session) == before  # not a version, timestamp or revision more


def test_a_batch_is_one_transaction(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    """A bad record on the last page takes the whole batch back; run again, it completes."""
    bad = make_record(3, "9", values={"child.sex": "Nam"})
    bad.fields["child.sex"].status = "not-a-status"  # type: ignore[assignment]
    pages = {1: [make_record(1, "1")], 2: [make_record(2, "2")], 3: [bad]}
    with pytest.raises((DatabaseError, ValueError)):
        save_book_pages(session, book.id, pages, extractor_version="v1")
    assert _counts(session) == (0, 0, 0)
    with pytest.raises(DatabaseError, match="page 7 of book"):
        save_book_pages(session, book.id, {1: [make_record(1, "1")], 7: []}, extractor_version="v1")
    assert _counts(session) == (0, 0, 0)
    assert _page_status(session, book, 1) is PageStatus.PENDING

    pages[3] = [make_record(3, "9")]
    save_book_pages(session, book.id, pages, extractor_version="v1")
    assert _counts(session) == (3, 9, 9)


def test_a_batch_after_a_partial_load_adds_only_what_is_missing(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    """What a crash left (one page, one field of a record) is kept; the rest is added, each new
    field with its revision 1 and no field with two."""
    save_page_records(
        session,
        book.id,
        1,
        [make_record(1, "1", values={"registration_date": "2015-03-02"})],
        extractor_version="v1",
    )
    stored_date = _field(session, book, "registration_date")
    pages = {1: [make_record(1, "1"), make_record(1, "2")], 2: [make_record(2, "3")]}
    save_book_pages(session, book.id, pages, extractor_version="v1")
    assert _counts(session) == (3, 9, 9)
    assert _field(session, book, "registration_date").id == stored_date.id
    per_field = session.execute(
        sa.select(FieldRevision.field_value_id)
        .group_by(FieldRevision.field_value_id)
        .having(sa.func.count() != 1)
    ).all()
    assert per_field == []


def test_a_batch_from_a_newer_extractor_keeps_reviewer_and_final_records(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    save_book_pages(
        session,
        book.id,
        {1: [make_record(1, "1")], 2: [make_record(2, "2")], 3: [make_record(3, "3")]},
        extractor_version="v1",
    )
    name = _field(session, book, "child.full_name", page_no=1)
    update_field(
        session,
        name.id,
        new_value="Nguyễn Văn Anh",
        new_status="accepted",
        changed_by="reviewer.lan",
        reason="ink blot over the last letter",
        expected_version=name.version,
    )
    final = session.scalar(sa.select(Record).where(Record.page_no == 3))
    assert final is not None
    final.final_at = sa.func.now()
    session.commit()

    newer = {
        n: [make_record(n, str(n), values={"child.full_name": "Lê Thị Hoa", "child.sex": "Nữ"})]
        for n in (1, 2, 3)
    }
    save_book_pages(session, book.id, newer, extractor_version="v2")

    assert _field(session, book, "child.full_name", page_no=1).value == "Nguyễn Văn Anh"
    assert _field(session, book, "child.sex", page_no=1).value == "Nữ"
    date = _field(session, book, "registration_date", page_no=2)
    assert (date.value, date.reasons, date.version) == (None, [REASON_NOT_EXTRACTED], 2)
    replaced = _field(session, book, "child.full_name", page_no=2)
    assert [(r.revision_no, r.new_value) for r in field_history(session, replaced.id)] == [
        (1, "Nguyễn Văn An"),
        (2, "Lê Thị Hoa"),
    ]
    kept = _field(session, book, "child.full_name", page_no=3)
    assert (kept.value, kept.version) == ("Nguyễn Văn An", 1)  # final: untouched


def test_objects_held_in_the_session_are_read_again_after_a_save(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    """The loader writes with Core statements; a field the session already holds must not keep
    its old value and version (a reviewer's save on it would then conflict with itself)."""
    save_page_records(session, book.id, 1, [make_record(1, "1")], extractor_version="v1")
    held = session.scalar(sa.select(FieldValueRow).where(FieldValueRow.key == "child.sex"))
    assert held is not None and held.version == 1
    page = session.scalar(sa.select(Page).where(Page.book_id == book.id, Page.page_no == 1))
    assert page is not None
    newer = make_record(
        1,
        "1",
        values={"registration_date": "2015-03-02", "child.full_name": "X", "child.sex": "Nữ"},
    )
    save_page_records(session, book.id, 1, [newer], extractor_version="v2")
    assert (held.value, held.version) == ("Nữ", 2)
    assert page.status is PageStatus.EXTRACTED
    update_field(
        session,
        held.id,
        new_value="Nam",
        new_status="accepted",
        changed_by="reviewer.lan",
        reason="the paper book says Nam",
        expected_version=held.version,
    )
    assert _field(session, book, "child.sex").version == 3


def test_concurrent_loaders_of_overlapping_batches_neither_duplicate_nor_deadlock(
    engine: Engine, book: Book, make_record: RecordFactory
) -> None:
    """Batches given in any page order lock their pages in page order."""
    pages = {n: [make_record(n, f"{n}-{i}") for i in range(3)] for n in (1, 2, 3)}
    orders = [[1, 2, 3], [3, 2, 1], [2, 3], [3, 1]]
    barrier = threading.Barrier(len(orders))
    errors: list[BaseException] = []
    factory = session_factory(engine)

    def save(order: list[int]) -> None:
        try:
            with factory() as session:
                barrier.wait()
                batch = {n: pages[n] for n in order}
                save_book_pages(session, book.id, batch, extractor_version="v1")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(order,)) for order in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    with factory() as session:
        assert _counts(session) == (9, 27, 27)


def test_values_are_stored_exactly_as_given(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    """Whatever the load path (binary COPY on PostgreSQL): text with tabs, newlines, backslashes
    and tone marks, no box, no raw text, several reasons, a confidence's every digit."""
    record = make_record(1, "1")
    odd = {
        "child.full_name": FieldValue(
            key="child.full_name", value="Nguyễn\tThị\nLoan \\ Ánh", raw=None,
            confidence=0.123456789, page=1, bbox=None, status=FieldStatus.NEEDS_REVIEW,
            reasons=["low_confidence", "dấu"],
        ),
        "notes": FieldValue(
            key="notes", value='{"not": "json"}', raw='"quoted"\r\n', confidence=1.0, page=1,
            bbox=(1, 2, 3, 4), status=FieldStatus.ACCEPTED, reasons=[],
        ),
    }  # fmt: skip
    record = record.model_copy(update={"fields": {**record.fields, **odd}})
    save_page_records(session, book.id, 1, [record], extractor_version="v1")
    name = _field(session, book, "child.full_name")
    assert (name.value, name.raw, name.confidence, name.bbox) == (
        "Nguyễn\tThị\nLoan \\ Ánh",
        None,
        0.123456789,
        None,
    )
    assert name.reasons == ["low_confidence", "dấu"] and name.status is FieldStatus.NEEDS_REVIEW
    notes = _field(session, book, "notes")
    assert (notes.value, notes.raw, notes.bbox, notes.reasons) == (
        '{"not": "json"}',
        '"quoted"\r\n',
        [1, 2, 3, 4],
        [],
    )
    (revision,) = field_history(session, name.id)
    assert revision.new_value == "Nguyễn\tThị\nLoan \\ Ánh"
    if session.get_bind().dialect.name == "postgresql":
        # JSON null, as SQLAlchemy's JSON type writes None (not SQL NULL), on either path
        kind = session.scalar(sa.text("SELECT jsonb_typeof(bbox) FROM field_value WHERE id = :i"),
                              {"i": name.id})  # fmt: skip
        assert kind == "null"
