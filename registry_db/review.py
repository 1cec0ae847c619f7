"""What the review app does with the registry beyond fields: users, the access log, uploads, the
review queue, book approval, audit samples and reviewer statistics.

Same conventions as :mod:`registry_db.repository`: plain typed functions on a Session, every
write atomic (committed here unless the caller began the transaction), messages without
personal data.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from civreg_cli.errors import DatabaseError, InputError
from extraction.types import FieldStatus, RegisterType
from registry_db.models import (
    PIPELINE_AUTHOR_PREFIX,
    AccessLog,
    ApprovalAction,
    AuditSample,
    AuditVerdict,
    Book,
    BookApprovalEvent,
    BookStatus,
    DoubleEntry,
    DoubleEntryState,
    FieldRevision,
    FieldSource,
    FieldValueRow,
    Page,
    PageStatus,
    Record,
    Role,
    Upload,
    UploadStatus,
    User,
    utcnow,
)
from registry_db.repository import _write, get_book

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

# --- users ---------------------------------------------------------------------------------------


def create_user(session: Session, username: str, role: Role | str, password_hash: str) -> User:
    """A new user; InputError when the name is taken or not a plain login name."""
    if not USERNAME.match(username):
        raise InputError(
            f"'{username[:64]}' is not a usable user name",
            advice="use 2 to 64 lower-case letters, digits, '.', '_' or '-'",
        )
    try:
        user_role = Role(role)
    except ValueError:
        raise InputError(
            f"unknown role '{role}'", advice=f"use one of {', '.join(r.value for r in Role)}"
        ) from None

    def work() -> User:
        if session.scalar(sa.select(User.id).where(User.username == username)) is not None:
            raise InputError(f"user '{username}' already exists")
        user = User(username=username, role=user_role, password_hash=password_hash, active=True)
        session.add(user)
        session.flush()
        return user

    return _write(session, f"add user {username}", work)


def get_user_by_name(session: Session, username: str) -> User | None:
    return session.scalar(sa.select(User).where(User.username == username))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(sa.select(User).order_by(User.username)))


def set_user_active(session: Session, user_id: int, active: bool) -> User:
    def work() -> User:
        user = session.get(User, user_id)
        if user is None:
            raise DatabaseError(f"user id {user_id} is not in the database")
        user.active = active
        return user

    return _write(session, f"change user id {user_id}", work)


def note_login(session: Session, user_id: int, password_hash: str | None = None) -> None:
    """Stamp a sign-in; ``password_hash`` replaces the stored one (a re-hash on new parameters)."""

    def work() -> None:
        user = session.get(User, user_id)
        if user is not None:
            user.last_login_at = utcnow()
            if password_hash is not None:
                user.password_hash = password_hash

    _write(session, f"note the sign-in of user id {user_id}", work)


# --- the access log ------------------------------------------------------------------------------


def log_access(
    session: Session,
    username: str,
    action: str,
    purpose: str,
    *,
    book_id: int | None = None,
    record_id: int | None = None,
) -> None:
    """Keep who read (or changed) which record, when and why."""

    def work() -> None:
        session.add(
            AccessLog(
                username=username[:128],
                action=action[:32],
                purpose=purpose[:255],
                book_id=book_id,
                record_id=record_id,
            )
        )

    _write(session, "write the access log", work)


def access_log(session: Session, *, limit: int = 200) -> list[AccessLog]:
    return list(session.scalars(sa.select(AccessLog).order_by(AccessLog.id.desc()).limit(limit)))


# --- uploads -------------------------------------------------------------------------------------


def find_upload(session: Session, sha256: str) -> Upload | None:
    return session.scalar(sa.select(Upload).where(Upload.sha256 == sha256))


def create_upload(
    session: Session,
    *,
    sha256: str,
    original_name: str,
    stored_path: str,
    size_bytes: int,
    kind: str,
    register_type: RegisterType | str,
    book_no: str,
    registration_authority: str,
    year: int | None,
    uploaded_by: str,
) -> tuple[Upload, bool]:
    """The upload of this file, created on first sight; ``(upload, created)``.

    The same bytes (by SHA-256) always give the first upload back, whatever its name or metadata.
    """

    def work() -> tuple[Upload, bool]:
        found = find_upload(session, sha256)
        if found is not None:
            return found, False
        upload = Upload(
            sha256=sha256,
            original_name=original_name[-512:],
            stored_path=stored_path,
            size_bytes=size_bytes,
            kind=kind,
            register_type=RegisterType(register_type),
            book_no=book_no,
            registration_authority=registration_authority,
            year=year,
            uploaded_by=uploaded_by,
            status=UploadStatus.QUEUED,
            runs=0,
        )
        session.add(upload)
        session.flush()
        return upload, True

    return _write(session, "store the upload", work)


def mark_upload(
    session: Session,
    upload_id: int,
    status: UploadStatus | str,
    *,
    error: str | None = None,
    book_id: int | None = None,
) -> Upload:
    new_status = UploadStatus(status)

    def work() -> Upload:
        upload = session.get(Upload, upload_id, populate_existing=True)
        if upload is None:
            raise DatabaseError(f"upload id {upload_id} is not in the database")
        upload.status = new_status
        upload.error = error[:2000] if error else None
        if new_status is UploadStatus.RUNNING:
            upload.runs += 1
        if book_id is not None:
            upload.book_id = book_id
        return upload

    return _write(session, f"mark upload id {upload_id} {new_status.value}", work)


def list_uploads(session: Session, *, limit: int = 100) -> list[Upload]:
    return list(session.scalars(sa.select(Upload).order_by(Upload.id.desc()).limit(limit)))


def interrupted_uploads(session: Session) -> int:
    """Uploads left ``queued``/``running`` by a server that stopped: marked failed (re-runnable;
    a digitization run resumes where it stopped). Returns how many."""

    def work() -> int:
        stale = list(
            session.scalars(
                sa.select(Upload).where(
                    Upload.status.in_([UploadStatus.QUEUED, UploadStatus.RUNNING])
                )
            )
        )
        for upload in stale:
            upload.status = UploadStatus.FAILED
            upload.error = "interrupted (the server stopped); run it again"
        return len(stale)

    return _write(session, "mark interrupted uploads", work)


# --- books and their progress --------------------------------------------------------------------


@dataclass
class BookProgress:
    """One book's line on the books page."""

    book_id: int
    book_no: str
    register_type: str
    registration_authority: str
    year: int | None
    status: str
    page_count: int
    pages: dict[str, int]
    records: int
    records_needing_review: int
    fields_needing_review: int
    approved_at: datetime | None
    approved_by: str | None
    audit_checked: int = 0
    audit_wrong: int = 0

    @property
    def pages_read(self) -> int:
        return self.pages.get("extracted", 0) + self.pages.get("ocr_done", 0)

    @property
    def pages_failed(self) -> int:
        return self.pages.get("failed", 0)

    @property
    def audit_error_rate(self) -> float | None:
        return self.audit_wrong / self.audit_checked if self.audit_checked else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "book_id": self.book_id,
            "book_no": self.book_no,
            "status": self.status,
            "page_count": self.page_count,
            "pages": self.pages,
            "pages_read": self.pages_read,
            "pages_failed": self.pages_failed,
            "records": self.records,
            "records_needing_review": self.records_needing_review,
            "fields_needing_review": self.fields_needing_review,
            "approved": self.approved_at is not None,
            "audit_checked": self.audit_checked,
            "audit_error_rate": self.audit_error_rate,
        }


def books_progress(session: Session, book_ids: Sequence[int] | None = None) -> list[BookProgress]:
    """Every book (or those given) with pages by status, records and what needs review: a few
    grouped queries, whatever the number of books."""
    stmt = sa.select(Book).order_by(Book.id.desc())
    if book_ids is not None:
        stmt = stmt.where(Book.id.in_(book_ids))
    books = list(session.scalars(stmt))
    ids = [b.id for b in books]
    if not ids:
        return []
    pages: dict[int, dict[str, int]] = defaultdict(lambda: {s.value: 0 for s in PageStatus})
    for book_id, status, n in session.execute(
        sa.select(Page.book_id, Page.status, sa.func.count())
        .where(Page.book_id.in_(ids))
        .group_by(Page.book_id, Page.status)
    ):
        pages[book_id][status.value] = n
    current = sa.and_(Record.book_id.in_(ids), Record.superseded_at.is_(None))
    records: dict[int, tuple[int, int]] = {}
    for book_id, total, pending in session.execute(
        sa.select(
            Record.book_id,
            sa.func.count(),
            sa.func.count().filter(Record.status == FieldStatus.NEEDS_REVIEW),
        )
        .where(current)
        .group_by(Record.book_id)
    ):
        records[book_id] = (total, pending)
    fields: dict[int, int] = dict(
        iter(
            session.execute(
                sa.select(Record.book_id, sa.func.count())
                .join(FieldValueRow, FieldValueRow.record_id == Record.id)
                .where(current, FieldValueRow.status == FieldStatus.NEEDS_REVIEW)
                .group_by(Record.book_id)
            )
        )
    )
    audit: dict[int, tuple[int, int]] = {}
    for book_id, checked, wrong in session.execute(
        sa.select(
            AuditSample.book_id,
            sa.func.count().filter(AuditSample.verdict.is_not(None)),
            sa.func.count().filter(AuditSample.verdict == AuditVerdict.WRONG),
        )
        .where(AuditSample.book_id.in_(ids))
        .group_by(AuditSample.book_id)
    ):
        audit[book_id] = (checked, wrong)
    return [
        BookProgress(
            book_id=b.id,
            book_no=b.book_no,
            register_type=b.register_type.value,
            registration_authority=b.registration_authority,
            year=b.year,
            status=b.status.value,
            page_count=b.page_count,
            pages=dict(pages[b.id]),
            records=records.get(b.id, (0, 0))[0],
            records_needing_review=records.get(b.id, (0, 0))[1],
            fields_needing_review=fields.get(b.id, 0),
            approved_at=b.approved_at,
            approved_by=b.approved_by,
            audit_checked=audit.get(b.id, (0, 0))[0],
            audit_wrong=audit.get(b.id, (0, 0))[1],
        )
        for b in books
    ]


def book_choices(session: Session) -> list[tuple[int, str]]:
    """``(id, book number)`` of every book, newest first (for filters)."""
    return [
        (book_id, book_no)
        for book_id, book_no in session.execute(
            sa.select(Book.id, Book.book_no).order_by(Book.id.desc())
        )
    ]


# --- the review queue ----------------------------------------------------------------------------


@dataclass
class QueueItem:
    record_id: int
    book_id: int
    book_no: str
    entry_no: str | None
    page_no: int
    pending: int  # fields needing review
    min_confidence: float
    reasons: list[str] = field(default_factory=list)


def _reason_filter(reason: str) -> sa.ColumnElement[bool]:
    """Fields whose reason codes include ``reason`` (on SQLite and PostgreSQL alike)."""
    if not re.fullmatch(r"[a-z0-9_]{1,64}", reason):
        raise InputError(f"'{reason[:64]}' is not a reason code")
    return sa.cast(FieldValueRow.reasons, sa.Text).like(f'%"{reason}"%')


def review_queue(
    session: Session,
    *,
    book_id: int | None = None,
    reason: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[QueueItem]:
    """Records with fields needing review, worst first: most such fields, then the least
    confident. Filter by book and by reason code. Final and superseded records are left out."""
    pending = sa.func.count(FieldValueRow.id).label("pending")
    low = sa.func.min(FieldValueRow.confidence).label("low")
    stmt = (
        sa.select(
            Record.id, Record.book_id, Book.book_no, Record.entry_no, Record.page_no, pending, low
        )
        .join(FieldValueRow, FieldValueRow.record_id == Record.id)
        .join(Book, Book.id == Record.book_id)
        .where(
            Record.status == FieldStatus.NEEDS_REVIEW,
            Record.superseded_at.is_(None),
            Record.final_at.is_(None),
            FieldValueRow.status == FieldStatus.NEEDS_REVIEW,
        )
        .group_by(Record.id, Record.book_id, Book.book_no, Record.entry_no, Record.page_no)
        .order_by(pending.desc(), low.asc(), Record.id)
        .limit(limit)
        .offset(offset)
    )
    if book_id is not None:
        stmt = stmt.where(Record.book_id == book_id)
    if reason:
        stmt = stmt.where(_reason_filter(reason))
    items = [QueueItem(*row) for row in session.execute(stmt)]
    if items:
        reasons: dict[int, set[str]] = defaultdict(set)
        for record_id, codes in session.execute(
            sa.select(FieldValueRow.record_id, FieldValueRow.reasons).where(
                FieldValueRow.record_id.in_([i.record_id for i in items]),
                FieldValueRow.status == FieldStatus.NEEDS_REVIEW,
            )
        ):
            reasons[record_id].update(codes or [])
        for item in items:
            item.reasons = sorted(reasons[item.record_id])
    return items


def queue_reasons(session: Session, book_id: int | None = None) -> list[tuple[str, int]]:
    """The reason codes of fields needing review, with their counts (for the queue's filter)."""
    stmt = (
        sa.select(FieldValueRow.reasons)
        .join(Record, FieldValueRow.record_id == Record.id)
        .where(
            FieldValueRow.status == FieldStatus.NEEDS_REVIEW,
            Record.superseded_at.is_(None),
            Record.final_at.is_(None),
        )
    )
    if book_id is not None:
        stmt = stmt.where(Record.book_id == book_id)
    counts: dict[str, int] = defaultdict(int)
    for codes in session.scalars(stmt):
        for code in codes or []:
            counts[code] += 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def load_record(session: Session, record_id: int) -> Record:
    """A record with its book and fields loaded (fields in the extractor's order)."""
    record = session.scalar(
        sa.select(Record)
        .where(Record.id == record_id)
        .options(selectinload(Record.fields), selectinload(Record.book))
        .execution_options(populate_existing=True)
    )
    if record is None:
        raise DatabaseError(f"record id {record_id} is not in the database")
    return record


def next_record_to_review(session: Session, record: Record) -> int | None:
    """The next record of the same book (in book order, wrapping round) that needs review."""
    base = sa.select(Record.id).where(
        Record.book_id == record.book_id,
        Record.status == FieldStatus.NEEDS_REVIEW,
        Record.superseded_at.is_(None),
        Record.final_at.is_(None),
        Record.id != record.id,
    )
    order = (Record.page_no, Record.index_on_page)
    after = session.scalar(
        base.where(
            sa.tuple_(*order)
            > sa.tuple_(sa.literal(record.page_no), sa.literal(record.index_on_page))
        )
        .order_by(*order)
        .limit(1)
    )
    if after is not None:
        return after
    return session.scalar(base.order_by(*order).limit(1))


# --- approval ------------------------------------------------------------------------------------


def pending_fields(session: Session, book_id: int) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(FieldValueRow)
            .join(Record, FieldValueRow.record_id == Record.id)
            .where(
                Record.book_id == book_id,
                Record.superseded_at.is_(None),
                FieldValueRow.status == FieldStatus.NEEDS_REVIEW,
            )
        )
        or 0
    )


def approve_book(session: Session, book_id: int, by: str) -> Book:
    """Approve a book whose every field is accepted: its records become final.

    Refused (InputError) while the book is being digitized, has a field pending, or is approved.
    """

    def work() -> Book:
        book = session.scalar(
            sa.select(Book)
            .where(Book.id == book_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if book is None:
            raise DatabaseError(f"book id {book_id} is not in the database")
        if book.approved_at is not None:
            raise InputError(f"book {book.book_no} is already approved")
        if book.status is not BookStatus.DONE:
            raise InputError(
                f"book {book.book_no} is {book.status.value}, not done",
                advice="wait until every page is read (retry the failed ones) before approving",
            )
        pending = pending_fields(session, book_id)
        if pending:
            raise InputError(
                f"book {book.book_no} still has {pending} field(s) needing review",
                advice="review them first",
            )
        now = utcnow()
        book.approved_at, book.approved_by = now, by
        session.execute(
            sa.update(Record)
            .where(Record.book_id == book_id, Record.superseded_at.is_(None))
            .values(final_at=now)
        )
        session.add(BookApprovalEvent(book_id=book_id, action=ApprovalAction.APPROVE, by=by))
        return book

    return _write(session, f"approve book id {book_id}", work)


def reopen_book(session: Session, book_id: int, by: str, reason: str) -> Book:
    """Take an approval back, with a reason: the records are no longer final."""
    if not reason.strip():
        raise InputError("reopening a book needs a reason")

    def work() -> Book:
        book = session.scalar(
            sa.select(Book)
            .where(Book.id == book_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if book is None:
            raise DatabaseError(f"book id {book_id} is not in the database")
        if book.approved_at is None:
            raise InputError(f"book {book.book_no} is not approved")
        book.approved_at = book.approved_by = None
        session.execute(sa.update(Record).where(Record.book_id == book_id).values(final_at=None))
        session.add(
            BookApprovalEvent(
                book_id=book_id, action=ApprovalAction.REOPEN, by=by, reason=reason.strip()
            )
        )
        return book

    return _write(session, f"reopen book id {book_id}", work)


def approval_events(session: Session, book_id: int) -> list[BookApprovalEvent]:
    return list(
        session.scalars(
            sa.select(BookApprovalEvent)
            .where(BookApprovalEvent.book_id == book_id)
            .order_by(BookApprovalEvent.id)
        )
    )


# --- audit samples -------------------------------------------------------------------------------


def draw_audit_sample(
    session: Session, book_id: int, by: str, size: int, *, rng: random.Random | None = None
) -> list[AuditSample]:
    """Draw ``size`` more fields at random among those the pipeline accepted on its own (no
    person ever changed them) and not drawn before. Returns the new samples."""
    if size < 1:
        raise InputError("an audit sample needs at least one field")
    chooser = rng or random.SystemRandom()
    get_book(session, book_id)

    def work() -> list[AuditSample]:
        touched = sa.select(FieldRevision.field_value_id).where(
            sa.not_(FieldRevision.changed_by.startswith(PIPELINE_AUTHOR_PREFIX))
        )
        drawn = sa.select(AuditSample.field_value_id).where(AuditSample.book_id == book_id)
        candidates = [
            (fid, ver)
            for fid, ver in session.execute(
                sa.select(FieldValueRow.id, FieldValueRow.version)
                .join(Record, FieldValueRow.record_id == Record.id)
                .where(
                    Record.book_id == book_id,
                    Record.superseded_at.is_(None),
                    FieldValueRow.status == FieldStatus.ACCEPTED,
                    FieldValueRow.source != FieldSource.REVIEWER,
                    FieldValueRow.id.not_in(touched),
                    FieldValueRow.id.not_in(drawn),
                )
                .order_by(FieldValueRow.id)
            )
        ]
        picked = chooser.sample(candidates, min(size, len(candidates)))
        samples = [
            AuditSample(book_id=book_id, field_value_id=fid, field_version=ver, drawn_by=by)
            for fid, ver in sorted(picked)
        ]
        session.add_all(samples)
        session.flush()
        return samples

    return _write(session, f"draw an audit sample of book id {book_id}", work)


def audit_samples(session: Session, book_id: int) -> list[tuple[AuditSample, FieldValueRow]]:
    return [
        (sample, row)
        for sample, row in session.execute(
            sa.select(AuditSample, FieldValueRow)
            .join(FieldValueRow, FieldValueRow.id == AuditSample.field_value_id)
            .where(AuditSample.book_id == book_id)
            .order_by(AuditSample.id)
        )
    ]


def record_verdict(
    session: Session, sample_id: int, verdict: AuditVerdict | str, by: str
) -> AuditSample:
    """A supervisor's verdict on a drawn field (a wrong one is then corrected like any field)."""
    value = AuditVerdict(verdict)

    def work() -> AuditSample:
        sample = session.get(AuditSample, sample_id, populate_existing=True)
        if sample is None:
            raise DatabaseError(f"audit sample id {sample_id} is not in the database")
        sample.verdict, sample.checked_by, sample.checked_at = value, by, utcnow()
        return sample

    return _write(session, f"record the verdict on audit sample id {sample_id}", work)


# --- double entry ------------------------------------------------------------------------------

OPEN_ENTRY_STATES = (DoubleEntryState.WAITING, DoubleEntryState.DISAGREED)


def open_double_entries(session: Session, field_ids: Sequence[int]) -> dict[int, DoubleEntry]:
    """The double entries still open (waiting for a second keying, or for a supervisor), by
    field id."""
    if not field_ids:
        return {}
    return {
        entry.field_value_id: entry
        for entry in session.scalars(
            sa.select(DoubleEntry).where(
                DoubleEntry.field_value_id.in_(field_ids),
                DoubleEntry.state.in_(OPEN_ENTRY_STATES),
            )
        )
    }


def first_keying(
    session: Session, field_id: int, field_version: int, by: str, value: str | None
) -> DoubleEntry:
    """The first of two blind keyings of a field (on the version the reviewer saw)."""

    def work() -> DoubleEntry:
        row = session.get(FieldValueRow, field_id, populate_existing=True)
        if row is None:
            raise DatabaseError(f"field id {field_id} is not in the database")
        if row.version != field_version:
            raise InputError(
                f"field {row.key} changed since it was shown", advice="reload the record"
            )
        entry = DoubleEntry(
            field_value_id=field_id,
            field_version=field_version,
            state=DoubleEntryState.WAITING,
            first_by=by,
            first_value=value,
        )
        session.add(entry)
        session.flush()
        return entry

    return _write(session, f"key field id {field_id} once", work)


def second_keying(session: Session, entry_id: int, by: str, value: str | None) -> DoubleEntry:
    """The second, blind keying: ``agreed`` when both values are the same, else ``disagreed``
    (for a supervisor). The first keyer may not key it again."""

    def work() -> DoubleEntry:
        entry = session.get(DoubleEntry, entry_id, populate_existing=True, with_for_update=True)
        if entry is None or entry.state is not DoubleEntryState.WAITING:
            raise InputError(f"double entry id {entry_id} is not waiting for a second keying")
        if entry.first_by == by:
            raise InputError(
                "you keyed this field first", advice="another reviewer must key it blind"
            )
        entry.second_by, entry.second_value, entry.second_at = by, value, utcnow()
        agreed = value == entry.first_value
        entry.state = DoubleEntryState.AGREED if agreed else DoubleEntryState.DISAGREED
        return entry

    return _write(session, f"key double entry id {entry_id} again", work)


def resolve_double_entry(session: Session, entry_id: int, by: str) -> DoubleEntry:
    """A supervisor decided a disagreement (the value goes through ``update_field``)."""

    def work() -> DoubleEntry:
        entry = session.get(DoubleEntry, entry_id, populate_existing=True, with_for_update=True)
        if entry is None or entry.state is not DoubleEntryState.DISAGREED:
            raise InputError(f"double entry id {entry_id} is not a disagreement")
        entry.state, entry.resolved_by, entry.resolved_at = DoubleEntryState.RESOLVED, by, utcnow()
        return entry

    return _write(session, f"resolve double entry id {entry_id}", work)


def disagreements(session: Session) -> list[tuple[DoubleEntry, FieldValueRow, Record]]:
    return [
        (entry, row, record)
        for entry, row, record in session.execute(
            sa.select(DoubleEntry, FieldValueRow, Record)
            .join(FieldValueRow, FieldValueRow.id == DoubleEntry.field_value_id)
            .join(Record, Record.id == FieldValueRow.record_id)
            .where(DoubleEntry.state == DoubleEntryState.DISAGREED)
            .order_by(DoubleEntry.id)
        )
    ]


@dataclass
class Agreement:
    username: str
    keyed: int = 0  # double entries this person keyed (first or second) that were compared
    agreed: int = 0

    @property
    def rate(self) -> float | None:
        return self.agreed / self.keyed if self.keyed else None


def agreement_rates(session: Session) -> list[Agreement]:
    """Per person: of the double entries they keyed that were compared, the share agreed."""
    rates: dict[str, Agreement] = {}
    for first, second, state in session.execute(
        sa.select(DoubleEntry.first_by, DoubleEntry.second_by, DoubleEntry.state).where(
            DoubleEntry.second_by.is_not(None)
        )
    ):
        for who in (first, second or ""):
            a = rates.setdefault(who, Agreement(who))
            a.keyed += 1
            a.agreed += state is DoubleEntryState.AGREED
    return sorted(rates.values(), key=lambda a: a.username)


# --- statistics ----------------------------------------------------------------------------------

ACTIVE_GAP_S = 300.0  # a pause longer than this between two saves is not review time


@dataclass
class ReviewerStats:
    username: str
    saves: int = 0
    accepts: int = 0
    corrections: int = 0
    active_seconds: float = 0.0
    records: set[int] = field(default_factory=set)

    @property
    def fields_per_minute(self) -> float | None:
        return self.saves / (self.active_seconds / 60) if self.active_seconds > 0 else None


def reviewer_stats(session: Session, book_id: int | None = None) -> list[ReviewerStats]:
    """Per person: saves (accepts and corrections) and fields per minute of active review time
    (gaps over five minutes between saves left out)."""
    stmt = (
        sa.select(
            FieldRevision.changed_by,
            FieldRevision.changed_at,
            FieldRevision.old_value,
            FieldRevision.new_value,
            FieldValueRow.record_id,
        )
        .join(FieldValueRow, FieldValueRow.id == FieldRevision.field_value_id)
        .where(sa.not_(FieldRevision.changed_by.startswith(PIPELINE_AUTHOR_PREFIX)))
        .order_by(FieldRevision.changed_by, FieldRevision.changed_at)
    )
    if book_id is not None:
        stmt = stmt.join(Record, Record.id == FieldValueRow.record_id).where(
            Record.book_id == book_id
        )
    stats: dict[str, ReviewerStats] = {}
    last: dict[str, datetime] = {}
    for who, at, old, new, record_id in session.execute(stmt):
        s = stats.setdefault(who, ReviewerStats(who))
        s.saves += 1
        if old == new:
            s.accepts += 1
        else:
            s.corrections += 1
        s.records.add(record_id)
        if who in last:
            gap = (at - last[who]).total_seconds()
            s.active_seconds += min(gap, ACTIVE_GAP_S)
        last[who] = at
    return sorted(stats.values(), key=lambda s: s.username)
