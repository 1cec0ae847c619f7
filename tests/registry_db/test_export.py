"""Export dicts and book summaries."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from civreg_cli.errors import DatabaseError
from extraction.types import FieldStatus
from registry_db import (
    Book,
    FieldRevision,
    FieldValueRow,
    Page,
    PageInfo,
    Record,
    book_summary,
    get_or_create_book,
    iter_export_records,
    mark_page,
    remove_book,
    save_page_records,
    update_field,
    upsert_pages,
)
from registry_db.repository import save_book_pages
from tests.conftest import RecordFactory

FIELD_KEYS = {"value", "raw", "confidence", "status", "reasons", "page", "bbox"}
RECORD_KEYS = {
    "register_type",
    "book_no",
    "entry_no",
    "registration_authority",
    "pages",
    "status",
    "fields",
}


def _second_book(session: Session) -> Book:
    other = get_or_create_book(
        session,
        register_type="marriage",
        book_no="02",
        year=None,
        registration_authority="UBND phường Ngọc Lâm",
        source_sha256="b" * 64,
        source_name="so-ket-hon.pdf",
        page_count=1,
    )
    upsert_pages(session, other, [PageInfo(1, "e" * 64, "p/0001.png", 100, 100)])
    return other


def test_export_shape(session: Session, book: Book, make_record: RecordFactory) -> None:
    flagged = make_record(1, "2", needs_review=frozenset({"child.sex"}))
    save_page_records(session, book.id, 1, [make_record(1, "1"), flagged], extractor_version="v1")
    first, second = iter_export_records(session)
    assert set(first) == RECORD_KEYS
    assert first == {
        "register_type": "birth",
        "book_no": "01",
        "entry_no": "1",
        "registration_authority": "UBND phường Ngọc Lâm",
        "pages": [1],
        "status": "accepted",
        "fields": {
            "registration_date": {
                "value": "2015-03-02",
                "raw": "2015-03-02",
                "confidence": 0.97,
                "status": "accepted",
                "reasons": [],
                "page": 1,
                "bbox": [10, 20, 400, 50],
            },
            "child.full_name": {
                "value": "Nguyễn Văn An",
                "raw": "Nguyễn Văn An",
                "confidence": 0.97,
                "status": "accepted",
                "reasons": [],
                "page": 1,
                "bbox": [10, 60, 400, 90],
            },
            "child.sex": {
                "value": "Nam",
                "raw": "Nam",
                "confidence": 0.97,
                "status": "accepted",
                "reasons": [],
                "page": 1,
                "bbox": [10, 100, 400, 130],
            },
        },
    }
    assert list(first["fields"]) == ["registration_date", "child.full_name", "child.sex"]
    assert second["status"] == "needs_review"
    assert second["fields"]["child.sex"]["reasons"] == ["low_confidence"]
    assert all(set(f) == FIELD_KEYS for f in second["fields"].values())
    assert all(type(v) is str for v in (second["status"], second["fields"]["child.sex"]["status"]))


def test_export_order_and_filters(session: Session, book: Book, make_record: RecordFactory) -> None:
    other = _second_book(session)
    save_page_records(session, other.id, 1, [make_record(1, "m1")], extractor_version="v1")
    save_page_records(session, book.id, 3, [make_record(3, "9")], extractor_version="v1")
    save_page_records(
        session, book.id, 1, [make_record(1, "1"), make_record(1, "2")], extractor_version="v1"
    )
    every = [(r["book_no"], r["entry_no"]) for r in iter_export_records(session, batch_size=2)]
    assert every == [("01", "1"), ("01", "2"), ("01", "9"), ("02", "m1")]
    assert [r["entry_no"] for r in iter_export_records(session, book_no="02")] == ["m1"]
    births = iter_export_records(session, register_type="birth")
    assert [r["entry_no"] for r in births] == ["1", "2", "9"]
    assert list(iter_export_records(session, register_type="death")) == []


def test_book_summary(session: Session, book: Book, make_record: RecordFactory) -> None:
    empty = book_summary(session, book.id)
    assert empty["pages"] == {"pending": 3, "ocr_done": 0, "extracted": 0, "failed": 0}
    assert (empty["records"], empty["fields"], empty["straight_through_share"]) == (0, 0, 0.0)

    flagged = make_record(1, "2", needs_review=frozenset({"child.sex", "child.full_name"}))
    save_page_records(session, book.id, 1, [make_record(1, "1"), flagged], extractor_version="v1")
    save_page_records(session, book.id, 2, [make_record(2, "3")], extractor_version="v1")
    mark_page(session, book.id, 3, "failed", error="page 3: blank")
    summary = book_summary(session, book.id)
    assert summary["pages"] == {"pending": 0, "ocr_done": 0, "extracted": 2, "failed": 1}
    assert (summary["book_no"], summary["register_type"], summary["page_count"]) == (
        "01",
        "birth",
        3,
    )
    assert (summary["records"], summary["records_needing_review"]) == (3, 1)
    assert (summary["fields"], summary["fields_needing_review"]) == (9, 2)
    assert summary["needs_review_by_reason"] == {"low_confidence": 2}
    assert summary["straight_through_share"] == pytest.approx(2 / 3)
    assert summary["field_straight_through_share"] == pytest.approx(7 / 9)

    # a reviewer's acceptance is not straight-through
    row = session.scalar(sa.select(FieldValueRow).where(FieldValueRow.key == "child.sex").limit(1))
    assert row is not None
    update_field(
        session,
        row.id,
        new_value=row.value,
        new_status=FieldStatus.ACCEPTED,
        changed_by="reviewer.lan",
        reason="ok",
        expected_version=row.version,
    )
    after = book_summary(session, book.id)
    assert after["straight_through_share"] == pytest.approx(2 / 3)
    assert after["field_straight_through_share"] == pytest.approx(7 / 9)


def test_remove_book_only_before_any_review(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    other = _second_book(session)
    save_page_records(session, other.id, 1, [make_record(1, "m1")], extractor_version="v1")
    save_page_records(session, book.id, 1, [make_record(1, "1")], extractor_version="v1")
    row = session.scalar(
        sa.select(FieldValueRow)
        .join(FieldValueRow.record)
        .where(Record.book_id == book.id, FieldValueRow.key == "child.sex")
    )
    assert row is not None
    update_field(
        session,
        row.id,
        new_value="Nữ",
        new_status="accepted",
        changed_by="reviewer.lan",
        reason="misread",
        expected_version=row.version,
    )
    with pytest.raises(DatabaseError, match="cannot be removed"):
        remove_book(session, book.id)
    remove_book(session, other.id)
    assert session.scalars(sa.select(Book.id)).all() == [book.id]
    assert {p.book_id for p in session.scalars(sa.select(Page))} == {book.id}
    revisions = session.scalar(sa.select(sa.func.count()).select_from(FieldRevision))
    assert revisions == 4  # the reviewed book's three firsts and the correction


def test_a_batch_of_pages_exports_as_the_same_pages_saved_one_by_one(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    """The set-based loader gives the export, summary and history that page-by-page saves give:
    values, boxes (and a missing box), confidences, statuses, reasons, order of fields."""
    odd = make_record(2, "3", needs_review=frozenset({"child.full_name"}))
    odd.fields["child.full_name"].bbox = None
    odd.fields["child.sex"].confidence = 1.5  # clamped to 1.0 either way
    tricky = "Lê\tThị \\N\r\nHoa \\ \x1f"  # what COPY's text format must escape
    odd.fields["child.full_name"].value = odd.fields["child.full_name"].raw = tricky
    pages = {1: [make_record(1, "1"), make_record(1, "2")], 2: [odd], 3: []}
    other = get_or_create_book(
        session,
        register_type="birth",
        book_no="09",
        year=2015,
        registration_authority="UBND phường Ngọc Lâm",
        source_sha256="d" * 64,
        source_name="so-khai-sinh-2015-q09.pdf",
        page_count=3,
    )
    upsert_pages(
        session, other, [PageInfo(n, f"{n + 7:064x}", f"p/{n}.png", 2480, 3508) for n in pages]
    )
    save_book_pages(session, book.id, pages, extractor_version="v1")
    for page_no, records in pages.items():
        save_page_records(session, other.id, page_no, records, extractor_version="v1")

    def without_book_no(book_no: str) -> list[dict[str, object]]:
        return [
            {k: v for k, v in e.items() if k != "book_no"}
            for e in iter_export_records(session, book_no=book_no)
        ]

    assert without_book_no("01") == without_book_no("09")
    third: dict[str, dict[str, object]] = without_book_no("01")[2]["fields"]  # type: ignore[assignment]
    assert third["child.sex"]["confidence"] == 1.0
    assert third["child.full_name"]["value"] == third["child.full_name"]["raw"] == tricky
    assert third["child.full_name"]["bbox"] is None
    summaries = [book_summary(session, b.id) for b in (book, other)]
    for s in summaries:
        for key in ("book_id", "book_no", "source_name"):
            s.pop(key, None)
    assert summaries[0] == summaries[1]
    revisions = session.execute(
        sa.select(Record.book_id, FieldRevision.revision_no, FieldRevision.new_value)
        .join(FieldValueRow, FieldRevision.field_value_id == FieldValueRow.id)
        .join(Record, FieldValueRow.record_id == Record.id)
        .order_by(Record.page_no, Record.index_on_page, FieldValueRow.id)
    ).all()
    assert [r[1:] for r in revisions if r[0] == book.id] == [
        r[1:] for r in revisions if r[0] == other.id
    ]
    assert [r[2] for r in revisions].count(tricky) == 2  # revision 1 in each book
