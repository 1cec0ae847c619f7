"""What the exports read: a book's pages (stored image, OCR output) and current records.

Page images and OCR outputs live in the data dir (``ingest`` and ``flows.steps``); the database
keeps their paths (absolute or relative to the data dir, or to the directory ``digitize`` ran in
for OCR outputs). An OCR output is also found by the page's SHA-256 under ``<data_dir>/ocr``, as
``flows.steps.ocr_cache_path`` keeps it, when its stored path no longer resolves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from civreg_cli.errors import InputError
from registry_db import repository as repo
from registry_db.models import Book, Page, Record

DEFAULT_DPI = 300  # a page stored without its resolution is taken as a 300 dpi scan


@dataclass(frozen=True)
class PageSource:
    """One stored page. ``image`` / ``ocr`` are None when missing; ``problem`` then says why."""

    page_no: int
    width: int
    height: int
    dpi: int
    sha256: str | None
    image: Path | None
    ocr: Path | None
    image_problem: str | None = None
    ocr_problem: str | None = None


@dataclass(frozen=True)
class RecordSource:
    """One current record: where it was read and its export dict (``repository.export_record``)."""

    page_no: int
    index_on_page: int
    data: dict[str, Any]

    @property
    def entry_no(self) -> str | None:
        value = self.data.get("entry_no")
        return str(value) if value else None

    @property
    def pages(self) -> list[int]:
        return [int(p) for p in self.data.get("pages") or [self.page_no]]


@dataclass
class BookSource:
    id: int
    register_type: str
    book_no: str
    registration_authority: str
    year: int | None
    pages: dict[int, PageSource]
    records: list[RecordSource] = field(default_factory=list)

    @property
    def name(self) -> str:
        """How messages name the book (no personal data in it)."""
        return f"{self.register_type} book {self.book_no} ({self.registration_authority})"

    @property
    def slug(self) -> str:
        """A file name stem unique in the registry: register, book number, database id."""
        return f"{self.register_type}-{safe_name(self.book_no)}-{self.id}"


@dataclass
class ExportReport:
    """What an export wrote, and every page or record it could not export whole."""

    files: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def clean_word(text: str) -> str:
    """An OCR word as the exports write it: control characters (never letters; XML cannot hold
    most of them) dropped, ends trimmed."""
    return "".join(ch for ch in text if ch >= " ").strip()


def safe_name(text: str) -> str:
    """``01/2016`` → ``01-2016``: letters, digits, ``.``, ``_`` and ``-`` only."""
    out = re.sub(r"[^0-9A-Za-z._-]+", "-", text).strip("-.")
    return out or "x"


def _resolve(data_dir: Path, stored: str) -> Path | None:
    path = Path(stored)
    candidates = [path] if path.is_absolute() else [data_dir / path, path]
    return next((p for p in candidates if p.is_file()), None)


def _ocr_by_sha(data_dir: Path, sha256: str) -> Path | None:
    """The newest OCR output kept for a page image (one per engine setting that read it)."""
    found = [p for p in (data_dir / "ocr").glob(f"*/{sha256[:2]}/{sha256}.json") if p.is_file()]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def page_source(page: Page, data_dir: Path) -> PageSource:
    image: Path | None = None
    image_problem: str | None = None
    if page.image_path is None:
        image_problem = f"page {page.page_no} has no stored image" + (
            f" ({page.error})" if page.error else ""
        )
    else:
        image = _resolve(data_dir, page.image_path)
        if image is None:
            image_problem = f"page {page.page_no}: its image {page.image_path} is not in {data_dir}"
    ocr: Path | None = _resolve(data_dir, page.ocr_path) if page.ocr_path else None
    if ocr is None and page.sha256:
        ocr = _ocr_by_sha(data_dir, page.sha256)
    ocr_problem = None
    if ocr is None:
        why = f"{page.status.value}" + (f": {page.error}" if page.error else "")
        ocr_problem = f"page {page.page_no} has no OCR output ({why})"
    return PageSource(
        page_no=page.page_no,
        width=page.width,
        height=page.height,
        dpi=page.dpi or DEFAULT_DPI,
        sha256=page.sha256,
        image=image,
        ocr=ocr,
        image_problem=image_problem,
        ocr_problem=ocr_problem,
    )


def load_books(session: Session, data_dir: Path, *, book_no: str | None = None) -> list[BookSource]:
    """The books to export (every book, or those numbered ``book_no``) with their pages; records
    are read per book by :func:`load_records`.

    An unknown ``book_no`` (or an empty registry) is an :class:`InputError` naming it.
    """
    stmt = sa.select(Book).options(selectinload(Book.pages)).order_by(Book.id)
    if book_no is not None:
        stmt = stmt.where(Book.book_no == book_no)
    books = list(session.scalars(stmt))
    if not books:
        if book_no is not None:
            raise InputError(
                f"no book numbered '{book_no}' in the registry",
                advice="check --book-no (and --db / --data-dir)",
            )
        raise InputError("the registry has no books", advice="digitize a book first")
    return [
        BookSource(
            id=book.id,
            register_type=book.register_type.value,
            book_no=book.book_no,
            registration_authority=book.registration_authority,
            year=book.year,
            pages={p.page_no: page_source(p, data_dir) for p in book.pages},
        )
        for book in books
    ]


def load_records(session: Session, book: BookSource) -> list[RecordSource]:
    """The book's current records in page order (superseded ones left out, as in every export),
    each with its export dict."""
    records = session.scalars(
        sa.select(Record)
        .where(Record.book_id == book.id, Record.superseded_at.is_(None))
        .options(selectinload(Record.fields))
        .order_by(Record.page_no, Record.index_on_page)
    )
    return [RecordSource(r.page_no, r.index_on_page, repo.export_record(r)) for r in records]
