"""What the pipeline and the review app do with the registry: plain typed functions on a Session.

Transactions: every write function is atomic. Inside a transaction the caller began
(``with session.begin():`` or ``sessionmaker.begin()``) it does its work in a savepoint and leaves
the commit to the caller, so several calls can make one transaction. Called on a session with no
transaction of the caller's, it commits its own work (and anything pending in the session), or
rolls back on failure.

Concurrency: two workers saving the same page, or two reviewers one field, are serialised by row
locks on PostgreSQL (``SELECT … FOR UPDATE``) and by taking SQLite's single write lock at the
start of every write; a write that still loses a race (two ingests of one new book both
inserting it) is run again in its savepoint and finds the winner's rows.

Messages of the errors raised name books, pages, entries and field keys, never personal data.
"""

from __future__ import annotations

import enum
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, SessionTransactionOrigin, contains_eager, selectinload
from sqlalchemy.orm.exc import StaleDataError

from civreg_cli.errors import DatabaseError, InputError
from extraction.types import FieldStatus, FieldValue, RecordResult, RegisterType

# Engines and migrations live in registry_db.migrate; callers may reach them from here too.
from registry_db.migrate import make_engine as make_engine
from registry_db.migrate import session_factory as session_factory
from registry_db.migrate import upgrade as upgrade
from registry_db.models import (
    PIPELINE_AUTHOR_PREFIX,
    Book,
    BookStatus,
    FieldRevision,
    FieldSource,
    FieldValueRow,
    Page,
    PageStatus,
    Record,
    utcnow,
)

T = TypeVar("T")

ATTEMPTS = 5  # a write that lost a race is retried this many times in all
MAX_ERROR_CHARS = 2000
REASON_NOT_EXTRACTED = "not_extracted"  # a field a newer extractor no longer produced
PIPELINE_REASON_FIRST = "extracted"
PIPELINE_REASON_AGAIN = "re-extracted"

# Tables written with set-based SQL (Core statements, one per kind of change per batch).
_PAGE = cast(sa.Table, Page.__table__)
_RECORD = cast(sa.Table, Record.__table__)
_FIELD = cast(sa.Table, FieldValueRow.__table__)
_REVISION = cast(sa.Table, FieldRevision.__table__)


class ConflictError(DatabaseError):
    """Someone else changed the field since it was read (optimistic lock).

    The UI shows both sides: what is stored now (``current_*``) and what this user tried to
    save (``attempted_*``).
    """

    def __init__(
        self,
        *,
        field_id: int,
        key: str,
        expected_version: int,
        current_version: int,
        current_value: str | None,
        current_status: FieldStatus,
        attempted_value: str | None,
        attempted_status: FieldStatus,
    ) -> None:
        self.field_id = field_id
        self.key = key
        self.expected_version = expected_version
        self.current_version = current_version
        self.current_value = current_value
        self.current_status = current_status
        self.attempted_value = attempted_value
        self.attempted_status = attempted_status
        super().__init__(
            f"field {key} (id {field_id}) was changed by someone else: it is at version "
            f"{current_version}, the change was made on version {expected_version}",
            advice="reload the record, check the current value and apply the change again",
        )


class StoredPageLike(Protocol):
    """What :meth:`PageInfo.from_stored` reads of an ingested page (``ingest.StoredPage``)."""

    @property
    def page_no(self) -> int: ...
    @property
    def sha256(self) -> str | None: ...
    @property
    def image_path(self) -> Path | None: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def dpi(self) -> int: ...
    @property
    def error(self) -> str | None: ...


@dataclass(frozen=True)
class PageInfo:
    """One page of a book as ingest stored it. ``image_path`` is relative to the data dir.

    A page ingest could not read has no ``sha256``/``image_path`` and its ``error`` (a message
    without personal data); it is stored as ``failed``.
    """

    page_no: int  # 1-based
    sha256: str | None
    image_path: str | None
    width: int
    height: int
    dpi: int | None = None
    error: str | None = None

    @classmethod
    def from_stored(cls, page: StoredPageLike, data_dir: Path | None = None) -> PageInfo:
        """From an ingested page; its image path made relative to ``data_dir`` when inside it."""
        image_path: str | None = None
        if page.image_path is not None:
            path = Path(page.image_path)
            if data_dir is not None and path.is_relative_to(data_dir):
                path = path.relative_to(data_dir)
            image_path = path.as_posix()
        return cls(
            page_no=page.page_no,
            sha256=page.sha256,
            image_path=image_path,
            width=page.width,
            height=page.height,
            dpi=page.dpi or None,
            error=page.error,
        )


# --- transactions -----------------------------------------------------------------------------


def _lost_race(exc: sa.exc.DBAPIError) -> bool:
    """A concurrent writer got there first: worth running the work again."""
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in {"23505", "40001", "40P01"}:  # unique violation, serialization, deadlock
        return True
    return "unique constraint failed" in str(exc.orig).lower()


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:300] if lines else type(exc).__name__


def _caller_owns_transaction(session: Session) -> bool:
    transaction = session.get_transaction()
    return transaction is not None and transaction.origin is not SessionTransactionOrigin.AUTOBEGIN


def _take_write_lock(session: Session) -> None:
    """SQLite has one writer at a time: take its lock before reading what will be changed, so
    that two writers never both act on the old state. (PostgreSQL locks rows instead.)"""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.text("UPDATE book SET id = id WHERE 0 = 1"))


def _write(session: Session, what: str, work: Callable[[], T]) -> T:
    """Run ``work`` as one unit: in a savepoint, again when it lost a race to a concurrent
    writer, with driver errors turned into :class:`DatabaseError`.

    A transaction the caller began (``with session.begin():``) is left to the caller to commit;
    otherwise this commits, or rolls back on any error.
    """
    owned = not _caller_owns_transaction(session)
    try:
        _take_write_lock(session)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with session.begin_nested():
                    result = work()
                break
            except (sa.exc.IntegrityError, sa.exc.OperationalError) as exc:
                if attempt < ATTEMPTS and _lost_race(exc):
                    continue
                raise DatabaseError(
                    f"could not {what}: {_first_line(exc.orig or exc)}",
                    advice="check the database; this change was rolled back",
                ) from exc
        if owned:
            session.commit()
        return result
    except sa.exc.SQLAlchemyError as exc:
        if owned:
            session.rollback()
        raise DatabaseError(
            f"could not {what}: {_first_line(exc)}",
            advice="check the database; this change was rolled back",
        ) from exc
    except BaseException:
        if owned:
            session.rollback()
        raise


# --- books and pages ---------------------------------------------------------------------------


def get_or_create_book(
    session: Session,
    *,
    register_type: RegisterType | str,
    book_no: str,
    year: int | None,
    registration_authority: str,
    source_sha256: str,
    source_name: str,
    page_count: int,
) -> Book:
    """The book ingested from this source file, created on first sight.

    The same file (by SHA-256) always gives the same book back, unchanged. Another file under a
    book number this authority already has for this register raises :class:`DatabaseError`.
    """
    rtype = RegisterType(register_type)
    for what, text, limit in (
        ("book number", book_no, 32),
        ("registration authority", registration_authority, 255),
    ):
        if not text.strip() or len(text) > limit:
            raise InputError(f"the {what} must be 1 to {limit} characters, not {len(text)}")

    def work() -> Book:
        book = session.scalar(sa.select(Book).where(Book.source_sha256 == source_sha256))
        if book is not None:
            return book
        clash = session.scalar(
            sa.select(Book).where(
                Book.register_type == rtype,
                Book.registration_authority == registration_authority,
                Book.book_no == book_no,
            )
        )
        if clash is not None and clash.source_sha256 == source_sha256:
            return clash  # a concurrent loader of this file committed it in between
        if clash is not None:
            raise DatabaseError(
                f"book {book_no} ({rtype.value}, {registration_authority}) is already in the "
                f"database from another file ({clash.source_name})",
                advice=f"give this file another book number, or remove the old book {book_no} "
                "first",
            )
        book = Book(
            register_type=rtype,
            book_no=book_no,
            year=year,
            registration_authority=registration_authority,
            source_sha256=source_sha256,
            source_name=source_name[-512:],  # a file name, kept for messages
            page_count=page_count,
            status=BookStatus.INGESTED,
        )
        session.add(book)
        session.flush()
        return book

    return _write(session, f"store book {book_no}", work)


def get_book(session: Session, book_id: int) -> Book:
    book = session.get(Book, book_id)
    if book is None:
        raise DatabaseError(f"book id {book_id} is not in the database")
    return book


def mark_book(session: Session, book_id: int, status: BookStatus | str) -> Book:
    new_status = BookStatus(status)

    def work() -> Book:
        book = get_book(session, book_id)
        book.status = new_status
        return book

    return _write(session, f"mark book id {book_id} {new_status.value}", work)


def upsert_pages(session: Session, book: Book, pages: Sequence[PageInfo]) -> list[Page]:
    """Store the book's pages; running it again with the same pages changes nothing.

    A new page is ``pending`` (``failed`` when ingest could not read it). A page whose image
    changed (another SHA-256) starts afresh, its OCR results cleared, unless records were already
    read from it: then :class:`DatabaseError`.
    """
    book_id, book_no = book.id, book.book_no

    def work() -> list[Page]:
        stored = {
            p.page_no: p
            for p in session.scalars(
                sa.select(Page)
                .where(Page.book_id == book_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        }
        # Pages not stored yet go in with one multi-row INSERT (a book has hundreds).
        new: dict[int, PageInfo] = {}
        for info in pages:
            page = stored.get(info.page_no)
            if page is None:
                new[info.page_no] = info
                continue
            if page.sha256 == info.sha256:
                page.image_path = info.image_path  # the same image, maybe moved
                continue
            if _page_has_records(session, book_id, info.page_no):
                raise DatabaseError(
                    f"page {info.page_no} of book {book_no} already has records read from "
                    "a different image",
                    advice="ingest with the same settings as before, or remove the book first",
                )
            # a new image of a page nothing was read from yet: start it afresh
            page.sha256, page.image_path = info.sha256, info.image_path
            page.width, page.height, page.dpi = info.width, info.height, info.dpi
            page.status = PageStatus.FAILED if info.error else PageStatus.PENDING
            page.error = info.error[:MAX_ERROR_CHARS] if info.error else None
            page.ocr_path = page.ocr_engine = None
            page.ocr_seconds = None
        session.flush()
        if not new:
            return [stored[n] for n in sorted(stored)]
        now = utcnow()
        session.execute(
            sa.insert(_PAGE),
            [
                {
                    "book_id": book_id,
                    "page_no": info.page_no,
                    "sha256": info.sha256,
                    "image_path": info.image_path,
                    "width": info.width,
                    "height": info.height,
                    "dpi": info.dpi,
                    "status": PageStatus.FAILED if info.error else PageStatus.PENDING,
                    "error": info.error[:MAX_ERROR_CHARS] if info.error else None,
                    "created_at": now,
                    "updated_at": now,
                }
                for info in new.values()
            ],
        )
        return list(
            session.scalars(
                sa.select(Page)
                .where(Page.book_id == book_id)
                .order_by(Page.page_no)
                .execution_options(populate_existing=True)
            )
        )

    return _write(session, f"store the pages of book {book_no}", work)


def _page_has_records(session: Session, book_id: int, page_no: int) -> bool:
    found = session.scalar(
        sa.select(Record.id).where(Record.book_id == book_id, Record.page_no == page_no).limit(1)
    )
    return found is not None


def _locked_page(session: Session, book_id: int, page_no: int) -> Page:
    page = session.scalar(
        sa.select(Page)
        .where(Page.book_id == book_id, Page.page_no == page_no)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if page is None:
        raise DatabaseError(
            f"page {page_no} of book id {book_id} is not in the database",
            advice="ingest the book before processing its pages",
        )
    return page


def mark_page(
    session: Session,
    book_id: int,
    page_no: int,
    status: PageStatus | str,
    *,
    error: str | None = None,
    ocr_path: str | None = None,
    ocr_engine: str | None = None,
    ocr_seconds: float | None = None,
) -> Page:
    """Set a page's status. ``error`` is replaced (``None`` clears it); the OCR facts are set
    only when given. ``error`` must not carry personal data (name the page and what failed)."""
    new_status = PageStatus(status)

    def work() -> Page:
        page = _locked_page(session, book_id, page_no)
        page.status = new_status
        page.error = error[:MAX_ERROR_CHARS] if error else None
        if ocr_path is not None:
            page.ocr_path = str(ocr_path)
        if ocr_engine is not None:
            page.ocr_engine = ocr_engine
        if ocr_seconds is not None:
            page.ocr_seconds = ocr_seconds
        return page

    return _write(session, f"mark page {page_no} {new_status.value}", work)


# --- records and field values -----------------------------------------------------------------


def _clamp(confidence: float) -> float:
    return min(1.0, max(0.0, float(confidence)))


def _field_columns(field: FieldValue) -> dict[str, Any]:
    """The stored form of an extracted field (what a re-extraction compares and replaces)."""
    status = field.status
    if status.__class__ is not FieldStatus:  # a model changed after validation
        status = FieldStatus(status)
    confidence = float(field.confidence)
    return {
        "value": field.value,
        "raw": field.raw,
        "confidence": confidence if 0.0 <= confidence <= 1.0 else _clamp(confidence),
        "page_no": field.page,
        "bbox": list(field.bbox) if field.bbox is not None else None,
        "status": status,
        "reasons": list(field.reasons),
    }


NOT_EXTRACTED_COLUMNS: dict[str, Any] = {
    "value": None,
    "raw": None,
    "confidence": 0.0,
    "page_no": None,
    "bbox": None,
    "status": FieldStatus.NEEDS_REVIEW,
    "reasons": [REASON_NOT_EXTRACTED],
}


def _record_status(statuses: Iterable[str]) -> FieldStatus:
    """A record is accepted when every field is (as ``RecordResult.status``)."""
    if all(s == FieldStatus.ACCEPTED for s in statuses):
        return FieldStatus.ACCEPTED
    return FieldStatus.NEEDS_REVIEW


# Column values compared when a newer extractor re-reads a field (the order of _field_columns).
FIELD_COLUMNS = tuple(NOT_EXTRACTED_COLUMNS)
# Ids per IN list: well under SQLite's 32,766 bound variables, short statements for PostgreSQL.
IN_CHUNK = 5000


def _chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _revision_facts(session: Session, field_ids: Sequence[int]) -> tuple[dict[int, int], set[int]]:
    """Per field: the last revision number, and the fields any person has ever changed."""
    last: dict[int, int] = {}
    human: set[int] = set()
    for chunk in _chunks(field_ids):
        for field_id, revision_no, by_person in session.execute(
            sa.select(
                _REVISION.c.field_value_id,
                sa.func.max(_REVISION.c.revision_no),
                sa.func.max(
                    sa.case(
                        (sa.not_(_REVISION.c.changed_by.startswith(PIPELINE_AUTHOR_PREFIX)), 1),
                        else_=0,
                    )
                ),
            )
            .where(_REVISION.c.field_value_id.in_(chunk))
            .group_by(_REVISION.c.field_value_id)
        ):
            last[field_id] = revision_no
            if by_person:
                human.add(field_id)
    return last, human


def _lock_pages(session: Session, book_id: int, page_nos: Sequence[int]) -> None:
    """Lock the pages in page order (the order every loader takes them in)."""
    found: set[int] = set()
    for chunk in _chunks(page_nos):
        found.update(
            session.execute(
                sa.select(_PAGE.c.page_no)
                .where(_PAGE.c.book_id == book_id, _PAGE.c.page_no.in_(chunk))
                .order_by(_PAGE.c.page_no)
                .with_for_update()
            ).scalars()
        )
    for page_no in page_nos:
        if page_no not in found:
            raise DatabaseError(
                f"page {page_no} of book id {book_id} is not in the database",
                advice="ingest the book before processing its pages",
            )


# jsonb's binary form (PostgreSQL's docs, "jsonb"): a version byte, 1, then the JSON text.
_JSONB_VERSION = "\x01"


def _jsonb(value: Any) -> str:
    """A value for a jsonb column of :func:`_copy`: its binary form, as a str that psycopg's
    text dumper (in C) encodes to exactly those bytes. ``None`` is JSON null, as SQLAlchemy's
    JSON type writes it; a box of four ints is formatted the quick way."""
    if value.__class__ is list and len(value) == 4:
        a, b, c, d = value
        if a.__class__ is b.__class__ is c.__class__ is d.__class__ is int:
            return f"{_JSONB_VERSION}[{a}, {b}, {c}, {d}]"
    return _JSONB_VERSION + json.dumps(value)


# A new field value: its record's id, its key and its _field_columns.
NewField = tuple[int, str, dict[str, Any]]
_FIELD_INSERT = ("id", "record_id", "key", *FIELD_COLUMNS, "version", "source", "updated_at")
_REVISION_INSERT = ("field_value_id", "revision_no", "old_value", "new_value", "old_status",
                    "new_status", "changed_by", "reason", "changed_at")  # fmt: skip


# What a loader reads from PostgreSQL's catalogue (a table's id sequence, its columns' types),
# per database: read once a process, not in every transaction (a page's load is one).
_CATALOGUE: dict[tuple[str, str, str], Any] = {}


def _catalogue(session: Session, key: tuple[str, str], read: Callable[[], T]) -> T:
    where = session.get_bind().engine.url.render_as_string(hide_password=True)
    full = (where, *key)
    if full not in _CATALOGUE:
        _CATALOGUE[full] = read()
    return cast(T, _CATALOGUE[full])


def _new_ids(session: Session, table: sa.Table, count: int) -> list[int]:
    """``count`` unused ids of ``table``: from its sequence on PostgreSQL; on SQLite (one writer
    at a time, and this one holds the write lock) the ones after the largest."""
    if session.get_bind().dialect.name == "postgresql":
        seq = _catalogue(
            session,
            ("sequence", table.name),
            lambda: session.execute(
                sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
            ).scalar_one(),
        )
        # the sequence as one constant: taken from a joined row it is looked up again for
        # every value (2 s instead of 0.2 for 282,113 ids)
        ids = session.execute(
            sa.text(
                "SELECT array_agg(nextval(CAST(:seq AS regclass))) FROM generate_series(1, :n)"
            ),
            {"seq": seq, "n": count},
        ).scalar_one()
        return list(ids)
    last = session.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
    return list(range(last + 1, last + 1 + count))


def _can_copy(session: Session) -> bool:
    """Whether :func:`_copy` can load rows here: PostgreSQL through psycopg."""
    dialect = session.get_bind().dialect
    return (dialect.name, dialect.driver) == ("postgresql", "psycopg")


# From this many rows a COPY's data is sent by a thread of its own (starting one costs more
# than a page's few rows take to send).
QUEUED_COPY_FROM = 1000


def _copy(
    session: Session,
    table: sa.Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    count: int,
) -> None:
    """PostgreSQL's binary ``COPY … FROM STDIN`` of ``count`` rows (values in the order of
    ``columns``; a jsonb column's as :func:`_jsonb` makes them). psycopg formats each row in C
    by the columns' types, read from the catalogue, and (for many rows) sends it from another
    thread while the next rows are made; the binary format also spares the server parsing
    text (timestamps, numbers)."""
    import psycopg  # the PostgreSQL driver (make_engine's default)
    from psycopg.copy import QueuedLibpqWriter

    preparer = session.get_bind().dialect.identifier_preparer
    statement = (
        f"COPY {preparer.format_table(table)} "
        f"({', '.join(preparer.quote(name) for name in columns)}) FROM STDIN (FORMAT BINARY)"
    )
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    try:
        with driver.cursor() as cursor:
            types: dict[str, int] = _catalogue(
                session,
                ("columns", table.name),
                lambda: dict(
                    cursor.execute(
                        "SELECT attname, CASE WHEN atttypid = 'jsonb'::regtype "
                        "THEN 'text'::regtype ELSE atttypid END::int FROM pg_attribute "
                        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                        [preparer.format_table(table)],
                    ).fetchall()
                ),
            )  # a jsonb value goes through the text dumper (see _jsonb)
            writer = QueuedLibpqWriter(cursor) if count >= QUEUED_COPY_FROM else None
            with cursor.copy(statement, writer=writer) as copy:
                copy.set_types([types[name] for name in columns])
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
    except psycopg.Error as exc:
        raise sa.exc.DBAPIError.instance(statement, None, exc, psycopg.Error) from exc


def _insert_fields(
    session: Session, rows: Sequence[NewField], *, source: FieldSource, author: str, now: datetime
) -> None:
    """Insert new field values (version 1) and revision 1 of each: ``COPY`` on PostgreSQL through
    psycopg, an ``INSERT`` of many rows elsewhere. Their ids are taken first, so that no row is
    read back."""
    if not rows:
        return
    ids = _new_ids(session, _FIELD, len(rows))
    first = PIPELINE_REASON_FIRST
    if not _can_copy(session):
        session.execute(
            sa.insert(_FIELD),
            [
                {"id": field_id, "record_id": record_id, "key": key, **columns, "version": 1,
                 "source": source, "updated_at": now}
                for field_id, (record_id, key, columns) in zip(ids, rows, strict=True)
            ],
        )  # fmt: skip
        session.execute(
            sa.insert(_REVISION),
            [
                dict(zip(_REVISION_INSERT, (field_id, 1, None, columns["value"], None,
                                            columns["status"], author, first, now), strict=True))
                for field_id, (_, _, columns) in zip(ids, rows, strict=True)
            ],
        )  # fmt: skip
        return
    # PostgreSQL: both tables by COPY; a field's revision row is made with its row.
    revision_rows: list[tuple[Any, ...]] = []
    source_value = source.value
    # Most fields share a few lists of reasons: each is written as JSON once.
    reasons_json: dict[tuple[str, ...], str] = {}

    def field_rows() -> Iterator[tuple[Any, ...]]:
        for field_id, (record_id, key, c) in zip(ids, rows, strict=True):
            value, status, reasons = c["value"], c["status"].value, tuple(c["reasons"])
            reasons_text = reasons_json.get(reasons)
            if reasons_text is None:
                reasons_text = reasons_json[reasons] = _jsonb(list(reasons))
            page_no = c["page_no"]
            yield (
                field_id, record_id, key, value, c["raw"], c["confidence"],
                None if page_no is None else int(page_no), _jsonb(c["bbox"]), status,
                reasons_text, 1, source_value, now,
            )  # fmt: skip
            revision_rows.append((field_id, 1, None, value, None, status, author, first, now))

    _copy(session, _FIELD, _FIELD_INSERT, field_rows(), len(rows))
    _copy(session, _REVISION, _REVISION_INSERT, revision_rows, len(revision_rows))


def _forget_loaded_records(session: Session) -> None:
    """Pages, records and fields were written with Core statements: objects of them that the session
    holds are expired, so that the next access reads what is stored."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, (Page, Record, FieldValueRow, FieldRevision)):
            session.expire(obj)


@dataclass
class _LoadPlan:
    """What one batch of pages writes (each list goes to the database as one statement)."""

    new_records: list[dict[str, Any]]
    # new fields by (page_no, index_on_page) of their record, for records not stored yet
    fields_of_new: dict[tuple[int, int], dict[str, dict[str, Any]]]
    fields_of_stored: list[NewField]  # new fields of stored records
    field_updates: list[dict[str, Any]]
    revisions: list[dict[str, Any]]  # revisions of re-read fields (2, 3, …)
    record_updates: list[dict[str, Any]]


def _plan(
    session: Session,
    book_id: int,
    wanted: dict[int, list[tuple[RecordResult, list[int], dict[str, dict[str, Any]]]]],
    *,
    extractor_version: str,
    field_source: FieldSource,
    author: str,
) -> _LoadPlan:
    """Compare what the pages give with what is stored (read in a few queries) and plan the
    writes that make the database hold it, under the rules of :func:`save_book_pages`."""
    now = utcnow()
    page_nos = sorted(wanted)
    stored_records: list[Any] = []
    for chunk in _chunks(page_nos):
        stored_records.extend(
            session.execute(
                sa.select(
                    _RECORD.c.id,
                    _RECORD.c.page_no,
                    _RECORD.c.index_on_page,
                    _RECORD.c.entry_no,
                    _RECORD.c.pages,
                    _RECORD.c.status,
                    _RECORD.c.extractor_version,
                    _RECORD.c.superseded_at,
                    _RECORD.c.final_at,
                )
                .where(_RECORD.c.book_id == book_id, _RECORD.c.page_no.in_(chunk))
                .order_by(_RECORD.c.page_no, _RECORD.c.index_on_page)
                .with_for_update()  # a reviewer locks the record before its field
            ).all()
        )
    stored = {(r.page_no, r.index_on_page): r for r in stored_records}
    newer_records = {
        r.id
        for r in stored_records
        if r.final_at is None and r.extractor_version != extractor_version
    }
    same_records = [
        r.id for r in stored_records if r.final_at is None and r.id not in newer_records
    ]
    fields: dict[int, dict[str, Any]] = {r.id: {} for r in stored_records if r.final_at is None}
    # Of records the same extractor read, only which keys are stored and their status.
    for chunk in _chunks(same_records):
        for stored_field in session.execute(
            sa.select(
                _FIELD.c.record_id,
                _FIELD.c.key,
                sa.type_coerce(_FIELD.c.status, sa.String).label("status"),
            ).where(_FIELD.c.record_id.in_(chunk))
        ).all():
            fields[stored_field.record_id][stored_field.key] = stored_field
    # Of records a newer extractor may re-read, everything it compares and replaces.
    for chunk in _chunks(sorted(newer_records)):
        for stored_field in session.execute(
            sa.select(
                _FIELD.c.id,
                _FIELD.c.record_id,
                _FIELD.c.key,
                _FIELD.c.version,
                _FIELD.c.source,
                *(_FIELD.c[name] for name in FIELD_COLUMNS),
            )
            .where(_FIELD.c.record_id.in_(chunk))
            .order_by(_FIELD.c.id)
        ).all():
            fields[stored_field.record_id][stored_field.key] = stored_field
    newer_ids = [f.id for record_id in sorted(newer_records) for f in fields[record_id].values()]
    last_revision, changed_by_person = _revision_facts(session, newer_ids)

    def pipeline_owned(row: sa.Row[Any]) -> bool:
        return row.source is not FieldSource.REVIEWER and row.id not in changed_by_person

    plan = _LoadPlan([], {}, [], [], [], [])

    def replace(row: sa.Row[Any], columns: dict[str, Any], source: FieldSource) -> FieldStatus:
        if all(getattr(row, name) == value for name, value in columns.items()):
            return FieldStatus(row.status)
        plan.field_updates.append(
            {
                "b_id": row.id,
                "b_version": row.version,
                **{f"b_{name}": value for name, value in columns.items()},
                "b_source": source,
                "b_updated_at": now,
            }
        )
        plan.revisions.append(
            {
                "field_value_id": row.id,
                "revision_no": last_revision.get(row.id, 0) + 1,
                "old_value": row.value,
                "new_value": columns["value"],
                "old_status": row.status,
                "new_status": columns["status"],
                "changed_by": author,
                "reason": PIPELINE_REASON_AGAIN,
                "changed_at": now,
            }
        )
        return FieldStatus(columns["status"])

    for page_no in page_nos:
        results = wanted[page_no]
        for index, (result, pages, columns_by_key) in enumerate(results):
            record = stored.get((page_no, index))
            if record is None:
                plan.new_records.append(
                    {
                        "book_id": book_id,
                        "page_no": page_no,
                        "index_on_page": index,
                        "entry_no": result.entry_no,
                        "pages": pages,
                        "status": _record_status(c["status"] for c in columns_by_key.values()),
                        "extractor_version": extractor_version,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                plan.fields_of_new[(page_no, index)] = columns_by_key
                continue
            if record.final_at is not None:
                continue  # approved by a supervisor: final, the pipeline never changes it
            newer = record.extractor_version != extractor_version
            by_key = fields[record.id]
            statuses: dict[str, str] = {k: r.status for k, r in by_key.items()}
            for key, columns in columns_by_key.items():
                row = by_key.get(key)
                if row is None:
                    plan.fields_of_stored.append((record.id, key, columns))
                    statuses[key] = columns["status"]
                elif newer and pipeline_owned(row):
                    statuses[key] = replace(row, columns, field_source)
            if newer:
                for key, row in by_key.items():
                    if key not in columns_by_key and pipeline_owned(row):
                        statuses[key] = replace(row, NOT_EXTRACTED_COLUMNS, row.source)
            target = {
                "entry_no": result.entry_no if newer else record.entry_no,
                "pages": pages if newer else record.pages,
                "extractor_version": extractor_version,
                "superseded_at": None,
                "status": _record_status(statuses.values()),
            }
            if any(getattr(record, name) != value for name, value in target.items()):
                plan.record_updates.append(_record_update(record.id, target, now))
        for (stored_page, index), record in stored.items():
            if (
                stored_page == page_no
                and index >= len(results)
                and record.superseded_at is None
                and record.final_at is None
                and record.extractor_version != extractor_version
            ):
                target = {
                    name: getattr(record, name)
                    for name in ("entry_no", "pages", "extractor_version", "status")
                }
                plan.record_updates.append(
                    _record_update(record.id, {**target, "superseded_at": now}, now)
                )
    return plan


def _record_update(record_id: int, target: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {"b_id": record_id, **{f"b_{k}": v for k, v in target.items()}, "b_updated_at": now}


def _insert_records(session: Session, rows: list[dict[str, Any]]) -> dict[tuple[int, int], int]:
    """Insert new records; their ids by (page_no, index_on_page). PostgreSQL: ``COPY`` with
    ids taken first (as :func:`_insert_fields`); elsewhere an ``INSERT … RETURNING``."""
    if not _can_copy(session):
        return {
            (page_no, index): record_id
            for record_id, page_no, index in session.execute(
                sa.insert(_RECORD).returning(
                    _RECORD.c.id, _RECORD.c.page_no, _RECORD.c.index_on_page
                ),
                rows,
            )
        }
    ids = _new_ids(session, _RECORD, len(rows))
    columns = tuple(rows[0])  # every row has _plan's keys, in its order
    json_columns = {c.name for c in _RECORD.columns if isinstance(c.type, sa.JSON)}
    _copy(
        session,
        _RECORD,
        ("id", *columns),
        (
            (record_id, *(
                _jsonb(v) if k in json_columns else v.value if isinstance(v, enum.Enum) else v
                for k, v in row.items()
            ))
            for record_id, row in zip(ids, rows, strict=True)
        ),
        len(rows),
    )  # fmt: skip
    return {
        (row["page_no"], row["index_on_page"]): record_id
        for record_id, row in zip(ids, rows, strict=True)
    }


def _execute_plan(session: Session, plan: _LoadPlan, *, source: FieldSource, author: str) -> None:
    now = utcnow()
    new_fields = plan.fields_of_stored
    if plan.new_records:
        ids = _insert_records(session, plan.new_records)
        new_fields = new_fields + [
            (ids[where], key, columns)
            for where, by_key in plan.fields_of_new.items()
            for key, columns in by_key.items()
        ]
    if plan.field_updates:
        result = session.execute(
            sa.update(_FIELD)
            .where(
                _FIELD.c.id == sa.bindparam("b_id"),
                _FIELD.c.version == sa.bindparam("b_version"),
            )
            .values(
                {
                    **{name: sa.bindparam(f"b_{name}") for name in (*FIELD_COLUMNS, "source")},
                    "version": _FIELD.c.version + 1,
                    "updated_at": sa.bindparam("b_updated_at"),
                }
            ),
            plan.field_updates,
        )
        dialect = session.get_bind().dialect
        changed = getattr(result, "rowcount", len(plan.field_updates))
        if dialect.supports_sane_multi_rowcount and changed != len(plan.field_updates):
            raise sa.exc.OperationalError(
                "UPDATE field_value",
                None,
                RuntimeError("a field was changed by someone else while the page was saved"),
            )
    if plan.revisions:
        session.execute(sa.insert(_REVISION), plan.revisions)
    _insert_fields(session, new_fields, source=source, author=author, now=now)
    if plan.record_updates:
        record_columns = (
            "entry_no",
            "pages",
            "extractor_version",
            "superseded_at",
            "status",
            "updated_at",
        )
        session.execute(
            sa.update(_RECORD)
            .where(_RECORD.c.id == sa.bindparam("b_id"))
            .values({name: sa.bindparam(f"b_{name}") for name in record_columns}),
            plan.record_updates,
        )


def save_book_pages(
    session: Session,
    book_id: int,
    pages: Mapping[int, Sequence[RecordResult]],
    *,
    extractor_version: str,
    source: FieldSource | str = FieldSource.OCR,
) -> int:
    """Store the records that start on each of the given pages of a book, with revision 1 of
    every field, and mark those pages ``extracted`` — all in one transaction. Returns the number
    of records given. ``pages`` maps a page number to its records, in reading order.

    A record's key is (book, page, index in the page's records). Running it again is safe:

    - with the same ``extractor_version`` nothing stored changes (a field or record missing
      after a crash is added);
    - with another ``extractor_version`` the fields the pipeline owns get the new reading and a
      new revision; fields a reviewer changed are never touched; a stored record the new
      extractor no longer finds is marked superseded (not deleted); a field it no longer
      produces is emptied with reason ``not_extracted``;
    - a final record (its book approved) is never changed.

    It is set-based: what is stored is read in a few queries for the whole batch, and each kind
    of change is one statement (new field values go in with ``COPY`` on PostgreSQL).
    ``source`` says where the text came from: ``ocr`` or ``text_layer``.
    """
    field_source = FieldSource(source)
    if field_source is FieldSource.REVIEWER:
        raise ValueError("save_page_records stores pipeline output; reviewers use update_field")
    if not extractor_version or len(extractor_version) > 64:
        raise ValueError("extractor_version must be 1 to 64 characters")
    # Everything is checked and converted before anything is written.
    wanted: dict[int, list[tuple[RecordResult, list[int], dict[str, dict[str, Any]]]]] = {}
    for page_no, records in pages.items():
        wanted[page_no] = []
        for index, result in enumerate(records):
            if result.pages and result.pages[0] != page_no:
                raise ValueError(
                    f"record {index} of page {page_no} starts on page {result.pages[0]}: save "
                    "it with the page it starts on"
                )
            columns = {key: _field_columns(field) for key, field in result.fields.items()}
            wanted[page_no].append((result, list(result.pages) or [page_no], columns))
    author = PIPELINE_AUTHOR_PREFIX + extractor_version
    total = sum(len(records) for records in wanted.values())

    def work() -> int:
        page_nos = sorted(wanted)
        _lock_pages(session, book_id, page_nos)
        plan = _plan(
            session,
            book_id,
            wanted,
            extractor_version=extractor_version,
            field_source=field_source,
            author=author,
        )
        _execute_plan(session, plan, source=field_source, author=author)
        for chunk in _chunks(page_nos):
            session.execute(
                sa.update(_PAGE)
                .where(
                    _PAGE.c.book_id == book_id,
                    _PAGE.c.page_no.in_(chunk),
                    sa.or_(_PAGE.c.status != PageStatus.EXTRACTED, _PAGE.c.error.is_not(None)),
                )
                .values(status=PageStatus.EXTRACTED, error=None, updated_at=utcnow())
            )
        _forget_loaded_records(session)
        return total

    if len(wanted) == 1:
        what = f"save the records of page {next(iter(wanted))}"
    else:
        what = f"save the records of {len(wanted)} pages of book id {book_id}"
    return _write(session, what, work)


def save_page_records(
    session: Session,
    book_id: int,
    page_no: int,
    records: Sequence[RecordResult],
    *,
    extractor_version: str,
    source: FieldSource | str = FieldSource.OCR,
) -> int:
    """Store the records that start on one page (see :func:`save_book_pages`, of which this is
    the one-page case): one transaction, idempotent, never overwrites a reviewer."""
    return save_book_pages(
        session, book_id, {page_no: records}, extractor_version=extractor_version, source=source
    )


def update_field(
    session: Session,
    field_id: int,
    *,
    new_value: str | None,
    new_status: FieldStatus | str,
    changed_by: str,
    reason: str | None,
    expected_version: int,
    new_reasons: Sequence[str] | None = None,
) -> FieldValueRow:
    """A reviewer's change of one field: a new revision, the field owned by the reviewer from now
    on (a re-run of the pipeline never overwrites it), the record's status recomputed.

    ``expected_version`` is the ``version`` the reviewer saw; when the field has moved on since,
    :class:`ConflictError` is raised and nothing changes. Saving what is already stored changes
    nothing and writes no revision. ``new_reasons``, when given, replaces the field's reason
    codes (what the checks say after the change). A final record (its book approved) is refused.
    """
    status = FieldStatus(new_status)
    if not changed_by or changed_by.startswith(PIPELINE_AUTHOR_PREFIX) or len(changed_by) > 128:
        raise ValueError("changed_by must be a user name (1 to 128 characters, not pipeline:…)")

    def conflict(row: FieldValueRow) -> ConflictError:
        return ConflictError(
            field_id=row.id,
            key=row.key,
            expected_version=expected_version,
            current_version=row.version,
            current_value=row.value,
            current_status=row.status,
            attempted_value=new_value,
            attempted_status=status,
        )

    def load() -> FieldValueRow:
        row = session.scalar(
            sa.select(FieldValueRow)
            .where(FieldValueRow.id == field_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if row is None:
            raise DatabaseError(f"field id {field_id} is not in the database")
        return row

    def work() -> FieldValueRow:
        # Lock the record, then the field (the order every writer uses), so that two reviewers
        # changing two fields of one record both see each other's status.
        record = session.scalar(
            sa.select(Record)
            .join(FieldValueRow, FieldValueRow.record_id == Record.id)
            .where(FieldValueRow.id == field_id)
            .with_for_update(of=Record)
            .execution_options(populate_existing=True)
        )
        if record is not None and record.final_at is not None:
            raise DatabaseError(
                f"record id {record.id} is final (its book was approved)",
                advice="a supervisor must reopen the book before it can be changed",
            )
        row = load()
        if row.version != expected_version:
            raise conflict(row)
        if row.value == new_value and row.status == status:
            return row
        if new_value != row.value and not (reason and reason.strip()):
            raise ValueError("a correction needs a reason")
        last = session.scalar(
            sa.select(sa.func.max(FieldRevision.revision_no)).where(
                FieldRevision.field_value_id == field_id
            )
        )
        session.add(
            FieldRevision(
                field_value_id=field_id,
                revision_no=(last or 0) + 1,
                old_value=row.value,
                new_value=new_value,
                old_status=row.status,
                new_status=status,
                changed_by=changed_by,
                reason=reason,
            )
        )
        row.value = new_value
        row.status = status
        row.source = FieldSource.REVIEWER
        if new_reasons is not None:
            row.reasons = list(new_reasons)
        session.flush()
        assert record is not None
        statuses = session.scalars(
            sa.select(FieldValueRow.status).where(FieldValueRow.record_id == record.id)
        ).all()
        record.status = _record_status(statuses)
        return row

    try:
        return _write(session, f"change field id {field_id}", work)
    except DatabaseError as exc:
        if not isinstance(exc.__cause__, StaleDataError):
            raise
        # The version check in the UPDATE itself found the field changed (a writer that took
        # no lock): report it like any other conflict.
        current = session.get(FieldValueRow, field_id, populate_existing=True)
        if current is None:
            raise
        raise conflict(current) from None


def field_history(session: Session, field_id: int) -> list[FieldRevision]:
    """Every revision of a field, oldest first; revision 1 holds the value first read."""
    return list(
        session.scalars(
            sa.select(FieldRevision)
            .where(FieldRevision.field_value_id == field_id)
            .order_by(FieldRevision.revision_no)
        )
    )


# --- reading ----------------------------------------------------------------------------------


def _export_field(row: FieldValueRow) -> dict[str, Any]:
    return {
        "value": row.value,
        "raw": row.raw,
        "confidence": row.confidence,
        "status": row.status.value,
        "reasons": list(row.reasons),
        "page": row.page_no,
        "bbox": list(row.bbox) if row.bbox is not None else None,
    }


def export_record(record: Record) -> dict[str, Any]:
    """The export form of one record (its book and fields loaded)."""
    book = record.book
    return {
        "register_type": book.register_type.value,
        "book_no": book.book_no,
        "entry_no": record.entry_no,
        "registration_authority": book.registration_authority,
        "pages": list(record.pages),
        "status": record.status.value,
        "fields": {row.key: _export_field(row) for row in record.fields},
    }


def iter_export_records(
    session: Session,
    *,
    book_no: str | None = None,
    register_type: RegisterType | str | None = None,
    batch_size: int = 500,
) -> Iterator[dict[str, Any]]:
    """Every current record as its export dict, ordered by book, page and place on the page.

    Fields come in the order they were first stored (the extractor's order). Superseded records
    are left out.
    """
    stmt = (
        sa.select(Record)
        .join(Record.book)
        .where(Record.superseded_at.is_(None))
        .options(contains_eager(Record.book), selectinload(Record.fields))
        .order_by(Book.id, Record.page_no, Record.index_on_page)
        .execution_options(yield_per=batch_size)
    )
    if book_no is not None:
        stmt = stmt.where(Book.book_no == book_no)
    if register_type is not None:
        stmt = stmt.where(Book.register_type == RegisterType(register_type))
    for record in session.scalars(stmt):
        yield export_record(record)


def book_summary(session: Session, book_id: int) -> dict[str, Any]:
    """Where a book stands: pages by status, records and fields, what needs review and why.

    ``straight_through_share`` is the share of records with every field accepted by the pipeline
    and none changed by a reviewer; ``field_straight_through_share`` the same for fields.
    """
    book = get_book(session, book_id)
    pages_by_status: dict[str, int] = {s.value: 0 for s in PageStatus}
    for page_status, count in session.execute(
        sa.select(Page.status, sa.func.count()).where(Page.book_id == book_id).group_by(Page.status)
    ):
        pages_by_status[page_status.value] = count

    current = sa.and_(Record.book_id == book_id, Record.superseded_at.is_(None))
    records = session.scalar(sa.select(sa.func.count()).select_from(Record).where(current)) or 0
    records_needing_review = (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Record)
            .where(current, Record.status == FieldStatus.NEEDS_REVIEW)
        )
        or 0
    )
    fields = session.execute(
        sa.select(
            FieldValueRow.record_id,
            FieldValueRow.status,
            FieldValueRow.source,
            FieldValueRow.reasons,
        )
        .join(Record, FieldValueRow.record_id == Record.id)
        .where(current)
    )
    field_count = needing_review = straight_fields = 0
    reasons: Counter[str] = Counter()
    touched_records: set[int] = set()  # records with a field not accepted straight through
    for record_id, status, source, field_reasons in fields:
        field_count += 1
        if status is FieldStatus.NEEDS_REVIEW:
            needing_review += 1
            reasons.update(field_reasons or ["unspecified"])
        if status is FieldStatus.ACCEPTED and source is not FieldSource.REVIEWER:
            straight_fields += 1
        else:
            touched_records.add(record_id)
    return {
        "book_id": book.id,
        "register_type": book.register_type.value,
        "book_no": book.book_no,
        "registration_authority": book.registration_authority,
        "status": book.status.value,
        "page_count": book.page_count,
        "pages": pages_by_status,
        "records": records,
        "records_needing_review": records_needing_review,
        "fields": field_count,
        "fields_needing_review": needing_review,
        "needs_review_by_reason": dict(reasons.most_common()),
        "straight_through_share": (records - len(touched_records)) / records if records else 0.0,
        "field_straight_through_share": straight_fields / field_count if field_count else 0.0,
    }


def finish_book(session: Session, book_id: int) -> dict[str, Any]:
    """Close a run over a book and return its :func:`book_summary`.

    The book is ``done`` when every page is extracted or failed (``failed`` when none could be
    extracted), else ``processing``: the pages left are for the next run.
    """

    def work() -> None:
        book = get_book(session, book_id)
        counts = Counter(
            session.scalars(sa.select(Page.status).where(Page.book_id == book_id)).all()
        )
        if counts[PageStatus.PENDING] or counts[PageStatus.OCR_DONE]:
            book.status = BookStatus.PROCESSING
        elif counts[PageStatus.FAILED] and not counts[PageStatus.EXTRACTED]:
            book.status = BookStatus.FAILED
        else:
            book.status = BookStatus.DONE

    _write(session, f"finish book id {book_id}", work)
    return book_summary(session, book_id)


def remove_book(session: Session, book_id: int) -> None:
    """Remove a book that no person has worked on yet (pipeline output only).

    Registers are kept forever: a book with any reviewer change is refused.
    """

    def work() -> None:
        book = get_book(session, book_id)
        record_ids = sa.select(Record.id).where(Record.book_id == book_id)
        field_ids = sa.select(FieldValueRow.id).where(FieldValueRow.record_id.in_(record_ids))
        reviewed = session.scalar(
            sa.select(sa.func.count())
            .select_from(FieldRevision)
            .where(
                FieldRevision.field_value_id.in_(field_ids),
                sa.not_(FieldRevision.changed_by.startswith(PIPELINE_AUTHOR_PREFIX)),
            )
        )
        if reviewed:
            raise DatabaseError(
                f"book {book.book_no} has {reviewed} reviewer change(s) and cannot be removed",
                advice="registers are kept permanently: ingest the new file under another book "
                "number",
            )
        session.execute(sa.delete(FieldRevision).where(FieldRevision.field_value_id.in_(field_ids)))
        session.execute(sa.delete(FieldValueRow).where(FieldValueRow.record_id.in_(record_ids)))
        session.execute(sa.delete(Record).where(Record.book_id == book_id))
        session.execute(sa.delete(Page).where(Page.book_id == book_id))
        session.execute(sa.delete(Book).where(Book.id == book_id))

    _write(session, f"remove book id {book_id}", work)
