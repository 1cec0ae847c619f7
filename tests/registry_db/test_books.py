"""Books and pages: idempotent ingest, clear errors, page status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from civreg_cli.errors import DatabaseError, InputError
from registry_db import (
    Book,
    BookStatus,
    Page,
    PageInfo,
    PageStatus,
    finish_book,
    get_or_create_book,
    mark_book,
    mark_page,
    save_page_records,
    upsert_pages,
)
from tests.conftest import RecordFactory

BOOK = {
    "register_type": "birth",
    "book_no": "01",
    "year": 2015,
    "registration_authority": "UBND phường Ngọc Lâm",
    "source_sha256": "a" * 64,
    "source_name": "so-khai-sinh-2015-q01.pdf",
    "page_count": 3,
}


def _book(session: Session, **changes: Any) -> Book:
    return get_or_create_book(session, **{**BOOK, **changes})


def _pages(*numbers: int, sha: str = "") -> list[PageInfo]:
    return [
        PageInfo(
            page_no=n,
            sha256=sha or f"{n:064x}",
            image_path=f"pages/{n:04d}.png",
            width=2480,
            height=3508,
            dpi=300,
        )
        for n in numbers
    ]


def _count(session: Session, model: type[object]) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_same_source_gives_the_same_book_unchanged(session: Session) -> None:
    first = _book(session)
    again = _book(session, year=2016, source_name="copy.pdf")
    assert again.id == first.id
    assert (again.year, again.source_name) == (2015, "so-khai-sinh-2015-q01.pdf")
    assert first.status is BookStatus.INGESTED
    assert _count(session, Book) == 1
    assert first.created_at.tzinfo is not None
    assert first.created_at.utcoffset() == UTC.utcoffset(None)


def test_same_book_number_from_another_file_is_refused(session: Session) -> None:
    _book(session)
    with pytest.raises(DatabaseError) as caught:
        _book(session, source_sha256="b" * 64)
    message = str(caught.value)
    assert "book 01" in message
    assert "so-khai-sinh-2015-q01.pdf" in message
    assert "another book number" in message and "remove the old book" in message
    assert _count(session, Book) == 1


def test_book_numbers_that_do_not_fit_are_refused(session: Session) -> None:
    with pytest.raises(InputError, match="book number"):
        _book(session, book_no="x" * 33)
    with pytest.raises(InputError, match="book number"):
        _book(session, book_no=" ")


def test_same_number_for_another_register_or_authority_is_another_book(session: Session) -> None:
    a = _book(session)
    b = _book(session, register_type="death", source_sha256="b" * 64)
    c = _book(session, registration_authority="UBND xã Khác", source_sha256="c" * 64)
    assert len({a.id, b.id, c.id}) == 3


def test_upsert_pages_is_idempotent(session: Session) -> None:
    book = _book(session)
    stored = upsert_pages(session, book, _pages(1, 2, 3))
    assert [p.page_no for p in stored] == [1, 2, 3]
    mark_page(session, book.id, 2, PageStatus.OCR_DONE, ocr_path="ocr/0002.json")
    again = upsert_pages(session, book, _pages(1, 2, 3))
    assert [p.id for p in again] == [p.id for p in stored]
    assert _count(session, Page) == 3
    page2 = again[1]
    assert page2.status is PageStatus.OCR_DONE  # a re-run keeps the work done
    assert page2.ocr_path == "ocr/0002.json"
    # pages can arrive in pieces
    assert [p.page_no for p in upsert_pages(session, book, _pages(4))] == [1, 2, 3, 4]


def test_a_changed_page_image_resets_the_page(session: Session) -> None:
    book = _book(session)
    upsert_pages(session, book, _pages(1))
    mark_page(session, book.id, 1, "ocr_done", ocr_path="ocr/0001.json", ocr_engine="t")
    (page,) = upsert_pages(session, book, _pages(1, sha="f" * 64))
    assert page.sha256 == "f" * 64
    assert page.status is PageStatus.PENDING
    assert page.ocr_path is None


def test_mark_page_sets_and_clears(session: Session) -> None:
    book = _book(session)
    upsert_pages(session, book, _pages(1))
    page = mark_page(session, book.id, 1, "failed", error="page 1: image unreadable")
    assert (page.status, page.error) == (PageStatus.FAILED, "page 1: image unreadable")
    page = mark_page(
        session,
        book.id,
        1,
        "ocr_done",
        ocr_path="ocr/0001.json",
        ocr_engine="tess",
        ocr_seconds=1.5,
    )
    assert page.status is PageStatus.OCR_DONE
    assert page.error is None
    assert (page.ocr_path, page.ocr_engine, page.ocr_seconds) == ("ocr/0001.json", "tess", 1.5)
    page = mark_page(session, book.id, 1, "extracted")
    assert page.ocr_engine == "tess"  # OCR facts are kept when not given
    with pytest.raises(DatabaseError, match="page 9"):
        mark_page(session, book.id, 9, "failed")
    with pytest.raises(ValueError):
        mark_page(session, book.id, 1, "bogus")


def test_mark_book(session: Session) -> None:
    book = _book(session)
    assert mark_book(session, book.id, "processing").status is BookStatus.PROCESSING
    session.expire_all()
    stored = session.get(Book, book.id)
    assert stored is not None and stored.status is BookStatus.PROCESSING


@dataclass(frozen=True)
class _Stored:
    """Shaped like ``ingest.StoredPage``."""

    page_no: int
    sha256: str | None
    image_path: Path | None
    width: int
    height: int
    dpi: int
    error: str | None = None


def test_pages_from_ingest_including_an_unreadable_one(session: Session, tmp_path: Path) -> None:
    book = _book(session)
    good = _Stored(1, "1" * 64, tmp_path / "pages" / "11" / "a.png", 2480, 3508, 300)
    bad = _Stored(2, None, None, 0, 0, 0, error="page 2 of 'book.pdf': cannot decode the image")
    infos = [PageInfo.from_stored(p, data_dir=tmp_path) for p in (good, bad)]
    assert infos[0].image_path == "pages/11/a.png"
    assert (infos[1].image_path, infos[1].dpi) == (None, None)
    stored = upsert_pages(session, book, infos)
    assert [(p.status, p.error) for p in stored] == [
        (PageStatus.PENDING, None),
        (PageStatus.FAILED, "page 2 of 'book.pdf': cannot decode the image"),
    ]
    assert upsert_pages(session, book, infos) == stored  # idempotent, the failed page too
    # outside the data dir the path is kept as it is
    elsewhere = PageInfo.from_stored(good, data_dir=tmp_path / "other")
    assert elsewhere.image_path == (tmp_path / "pages" / "11" / "a.png").as_posix()


def test_finish_book(session: Session) -> None:
    book = _book(session)
    upsert_pages(session, book, _pages(1, 2))
    assert finish_book(session, book.id)["status"] == "processing"
    mark_page(session, book.id, 1, "failed", error="page 1: blank")
    mark_page(session, book.id, 2, "failed", error="page 2: blank")
    assert finish_book(session, book.id)["status"] == "failed"
    mark_page(session, book.id, 2, "extracted")
    summary = finish_book(session, book.id)
    assert summary["status"] == "done"
    assert summary["pages"]["extracted"] == 1


def test_a_page_changed_after_records_were_read_is_refused(
    session: Session, book: Book, make_record: RecordFactory
) -> None:
    save_page_records(session, book.id, 1, [make_record(1, "1")], extractor_version="v1")
    with pytest.raises(DatabaseError, match="page 1 of book 01 already has records"):
        upsert_pages(session, book, _pages(1, sha="9" * 64))
