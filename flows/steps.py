"""The steps of digitizing a book as plain functions; ``flows.digitize`` wraps them in Prefect.

ingest → (per page) OCR, kept on disk by page fingerprint → extract + validate → load, one
transaction per page. Every step is idempotent, so a run killed anywhere resumes where it stopped:
pages already extracted are skipped, pages already read are not read again, and loading a page
twice writes nothing new.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, select

from civreg_cli.errors import CivregError, InputError, PageError
from extraction.extract import EXTRACTOR_VERSION, BookContext, extract_page
from extraction.heading import page_heading
from extraction.ledger import (
    LEDGER_VERSION,
    extract_table_page,
    extract_untabled_page,
    looks_like_ledger,
)
from extraction.syllables import text_plausibility
from extraction.types import RecordResult, RegisterType
from ingest import IngestedBook, StoredPage
from ocr.engine import OcrEngine, TesseractEngine
from ocr.page import load_image, read_page
from ocr.preprocess import PreprocessOptions
from ocr.table import TableReading, read_table_page, table_path
from ocr.types import PageText
from registry_db import repository as repo
from registry_db.models import Page, PageStatus, Record

PREPROCESS_VERSION = "pre-11"


@dataclass(frozen=True)
class BookRequest:
    source: Path
    register_type: RegisterType
    book_no: str
    registration_authority: str
    year: int | None = None


@dataclass
class PageOutcome:
    page_no: int
    ok: bool
    cached: bool = False
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    ocr_path: Path | None = None
    engine: str = ""
    records: int = 0


@cache
def shared_engine(lang: str = "vie") -> OcrEngine:
    """One engine per process (it keeps one Tesseract per thread)."""
    return TesseractEngine(lang=lang)


def ocr_cache_path(data_dir: Path, page_sha: str, engine: OcrEngine) -> Path:
    tag = hashlib.sha256(f"{engine.name}|{PREPROCESS_VERSION}".encode()).hexdigest()[:12]
    return data_dir / "ocr" / tag / page_sha[:2] / f"{page_sha}.json"


def read_stored_page(
    page: StoredPage,
    data_dir: Path,
    engine: OcrEngine,
    options: PreprocessOptions | None = None,
) -> PageOutcome:
    """OCR one page (or take its text layer), keeping the result on disk; reuse a kept one."""
    if page.error or page.image_path is None or page.sha256 is None:
        return PageOutcome(page.page_no, ok=False, error=page.error or "page was not stored")
    out = ocr_cache_path(data_dir, page.sha256, engine)
    if out.exists():
        return PageOutcome(page.page_no, ok=True, cached=True, ocr_path=out, engine=engine.name)
    out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    warnings: list[str] = []
    if page.text_layer is not None and page.text_layer.words:
        text = page.text_layer  # born-digital: the text is there, no OCR
        warnings.append("text_layer")
    else:
        try:
            image = load_image(page.image_path)
            # The layout is found per page: a ruled table (ledger) is read cell by cell and kept
            # beside the page's text; any other page is read whole.
            table = read_table_page(image, engine) if options is None else None
            if table is not None:
                table.save(table_path(out))
            if table is not None and table.grid_found:
                text, warnings = table.page_text(), ["ledger_table"]
            else:
                reading = read_page(image, engine, options, plausibility=text_plausibility)
                text, warnings = reading.text, reading.warnings
        except PageError as exc:
            return PageOutcome(page.page_no, ok=False, error=f"page {page.page_no}: {exc}")
        if "blank" in warnings:
            # Not kept: a re-scan of the page has another fingerprint anyway.
            return PageOutcome(
                page.page_no,
                ok=False,
                warnings=warnings,
                error=f"page {page.page_no} is blank — check the scan "
                "(an unused page of the book can be left as it is)",
            )
    text.save(out)
    return PageOutcome(
        page.page_no,
        ok=True,
        seconds=time.perf_counter() - t0,
        warnings=warnings,
        ocr_path=out,
        engine=text.engine or engine.name,
    )


# Pages read, at the start of a book, to find its printed heading (a cover may come first).
HEADING_PAGES = 3


def check_register_type(
    book: IngestedBook, req: BookRequest, data_dir: Path, engine: OcrEngine
) -> None:
    """Stop a book whose first printed heading names another register than the one asked for
    (death pages uploaded as births), before anything is loaded. The pages read are kept, so
    the book's run does not read them again."""
    for page in book.pages[:HEADING_PAGES]:
        outcome = read_stored_page(page, data_dir, engine)
        if not outcome.ok or outcome.ocr_path is None:
            continue
        heading = page_heading(PageText.load(outcome.ocr_path))
        if heading is None:
            continue
        if heading.register_type != req.register_type.value:
            raise InputError(
                f"book {req.book_no} ({book.source_name}): page {page.page_no} is headed "
                f"'{heading.text}', a {heading.register_type} register, not "
                f"{req.register_type.value}; nothing was loaded",
                advice=f"digitize it with --type {heading.register_type}",
            )
        return


def register_book(engine: Engine, req: BookRequest, book: IngestedBook) -> tuple[int, list[int]]:
    """Create (or find) the book and its pages; return its id and the pages still to do."""
    sf = repo.session_factory(engine)
    with sf.begin() as s:
        row = repo.get_or_create_book(
            s,
            register_type=req.register_type.value,
            book_no=req.book_no,
            year=req.year,
            registration_authority=req.registration_authority,
            source_sha256=book.source_sha256,
            source_name=book.source_name,
            page_count=len(book.pages),
        )
        repo.upsert_pages(s, row, [repo.PageInfo.from_stored(p, data_dir=None) for p in book.pages])
        book_id = row.id
    with sf() as s:
        done = set(
            s.scalars(
                select(Page.page_no).where(
                    Page.book_id == book_id, Page.status == PageStatus.EXTRACTED
                )
            )
        )
    return book_id, [p.page_no for p in book.pages if p.page_no not in done]


def extract_stored_page(
    text: PageText, ocr_path: Path, page_no: int, ctx: BookContext
) -> tuple[list[RecordResult], str]:
    """A read page's records, by its layout, and the extractor version that made them.

    A ledger page read cell by cell has its table kept beside its text; a page with long
    vertical rules whose grid could not be made out (kept as a table without cells), or a page
    read whole that shows a ledger's column labels, is a ledger page whose grid was not found:
    its entries are kept with every field for review."""
    table_file = table_path(ocr_path)
    ledger_version = f"{EXTRACTOR_VERSION}/{LEDGER_VERSION}"
    table = TableReading.load(table_file) if table_file.exists() else None
    if table is not None and table.grid_found:
        return extract_table_page(table, page_no, ctx), ledger_version
    if table is not None or looks_like_ledger(text, ctx.register_type.value):
        return extract_untabled_page(text, page_no, ctx), ledger_version
    return extract_page(text, page_no, ctx), EXTRACTOR_VERSION


def load_page(
    engine: Engine, book_id: int, req: BookRequest, outcome: PageOutcome, year: int | None
) -> int:
    """Extract a read page's records and load them in one transaction; failed pages are marked."""
    sf = repo.session_factory(engine)
    if not outcome.ok or outcome.ocr_path is None:
        with sf.begin() as s:
            repo.mark_page(s, book_id, outcome.page_no, PageStatus.FAILED, error=outcome.error)
        return 0
    text = PageText.load(outcome.ocr_path)
    heading = page_heading(text)
    if heading is not None and heading.register_type != req.register_type.value:
        error = (
            f"page {outcome.page_no} is headed '{heading.text}' ({heading.register_type}), "
            f"not a page of this {req.register_type.value} book"
        )
        with sf.begin() as s:
            repo.mark_page(s, book_id, outcome.page_no, PageStatus.FAILED, error=error)
        return 0
    ctx = BookContext(req.register_type, req.book_no, req.registration_authority, year)
    records, version = extract_stored_page(text, outcome.ocr_path, outcome.page_no, ctx)
    with sf.begin() as s:
        repo.mark_page(
            s,
            book_id,
            outcome.page_no,
            PageStatus.OCR_DONE,
            ocr_path=str(outcome.ocr_path),
            ocr_engine=outcome.engine,
            ocr_seconds=outcome.seconds if not outcome.cached else None,
        )
        n = repo.save_page_records(s, book_id, outcome.page_no, records, extractor_version=version)
    return n


def entry_number_report(engine: Engine, book_id: int) -> dict[str, str]:
    """Entry numbers that skip or repeat in a book (in page order), and those unreadable: for
    the book summary. A skip may be a lost page or a misread number; either way a person looks."""
    sf = repo.session_factory(engine)
    with sf() as s:
        rows = s.execute(
            select(Record.entry_no)
            .where(Record.book_id == book_id, Record.superseded_at.is_(None))
            .order_by(Record.page_no, Record.index_on_page)
        ).all()
    numbers = [int(r[0]) for r in rows if r[0] and r[0].isdigit()]
    unreadable = len(rows) - len(numbers)
    seen: set[int] = set()
    repeated: list[int] = []
    skipped: list[str] = []
    top: int | None = None  # the highest number so far (a misread low one does not reset it)
    for cur in numbers:
        if cur in seen and cur not in repeated:
            repeated.append(cur)
        seen.add(cur)
        if top is not None and cur > top + 1:
            skipped.append(str(top + 1) if cur == top + 2 else f"{top + 1}–{cur - 1}")
        top = cur if top is None else max(top, cur)
    return {
        "entry_numbers_skipped": ", ".join(skipped) or "none",
        "entry_numbers_repeated": ", ".join(map(str, repeated)) or "none",
        "entry_numbers_unreadable": str(unreadable),
    }


def is_transient(exc: BaseException) -> bool:
    """Only I/O hiccups are retried; our own errors (bad page, bad input) are permanent."""
    if isinstance(exc, CivregError):
        return False
    return isinstance(exc, (OSError, TimeoutError, ConnectionError))
