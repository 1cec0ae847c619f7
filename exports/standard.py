"""``civreg export --format exchange|alto|searchable-pdf``: the books asked for, one writer each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy.orm import Session

from exports.alto import write_book_alto
from exports.exchange import write_book_package
from exports.searchable_pdf import write_book_pdf
from exports.source import BookSource, ExportReport, load_books, load_records

Writer = Callable[[BookSource, Path], ExportReport]
WRITERS: dict[str, Writer] = {
    "exchange": write_book_package,
    "alto": write_book_alto,
    "searchable-pdf": write_book_pdf,
}


def export_books(
    session: Session, data_dir: Path, fmt: str, out_dir: Path, *, book_no: str | None = None
) -> Iterator[tuple[BookSource, ExportReport]]:
    """Write ``fmt`` for every book (or those numbered ``book_no``) under ``out_dir``, one book
    at a time. An unknown ``book_no`` is an InputError before anything is written."""
    writer = WRITERS[fmt]
    for book in load_books(session, data_dir, book_no=book_no):
        if fmt == "exchange":
            book.records = load_records(session, book)
        yield book, writer(book, out_dir)
        book.records = []
