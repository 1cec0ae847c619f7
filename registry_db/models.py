"""The registry schema: books, their pages, the records read from them, and field values with
their full revision history.

Conventions said once:

- timestamps are timezone-aware UTC (:class:`UTCDateTime` gives them back aware on SQLite too);
- enumerated columns are short strings with a named CHECK constraint (no native enums, so adding
  a value is one migration on every backend);
- JSON columns are ``sa.JSON`` (JSONB on PostgreSQL, so reason codes can be queried there);
- every constraint and index is named by :data:`NAMING_CONVENTION`, which keeps Alembic's SQLite
  batch mode and autogenerate working;
- nothing a person changed is ever deleted: a correction is a new :class:`FieldRevision`, and
  revision 1 of every field holds the value the pipeline first read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from extraction.types import FieldStatus, RegisterType

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PIPELINE_AUTHOR_PREFIX = "pipeline:"


class BookStatus(StrEnum):
    INGESTED = "ingested"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class PageStatus(StrEnum):
    PENDING = "pending"
    OCR_DONE = "ocr_done"
    EXTRACTED = "extracted"
    FAILED = "failed"


class FieldSource(StrEnum):
    OCR = "ocr"
    TEXT_LAYER = "text_layer"
    REVIEWER = "reviewer"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """``TIMESTAMP WITH TIME ZONE``; stores UTC and always returns aware UTC datetimes.

    SQLite keeps no zone, so a value read back there is naive UTC: this type makes it aware.
    Naive datetimes are refused on the way in (they are a bug: whose local time?).
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC timestamp column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


E = TypeVar("E", bound=StrEnum)


class StrEnumType(sa.TypeDecorator[E]):
    """A ``VARCHAR`` holding a :class:`StrEnum` value; gives the enum member back."""

    impl = sa.String(16)
    cache_ok = True

    def __init__(self, enum_cls: type[E]) -> None:
        super().__init__()
        self.enum_cls = enum_cls

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_cls(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum_cls(value)


# Big integers for ids (a country's registers run to hundreds of millions of fields); SQLite
# needs plain INTEGER for an auto-incrementing rowid primary key.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _enum_check(column: str, enum_cls: type[StrEnum], name: str) -> sa.CheckConstraint:
    values = ", ".join(f"'{m.value}'" for m in enum_cls)
    return sa.CheckConstraint(f"{column} IN ({values})", name=name)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=sa.func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=sa.func.now()
    )


class Book(TimestampMixin, Base):
    """One register book, as one source file (PDF or image folder)."""

    __tablename__ = "book"
    __table_args__ = (
        sa.UniqueConstraint("register_type", "registration_authority", "book_no"),
        _enum_check("register_type", RegisterType, "register_type"),
        _enum_check("status", BookStatus, "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    register_type: Mapped[RegisterType] = mapped_column(StrEnumType(RegisterType))
    book_no: Mapped[str] = mapped_column(sa.String(32))
    year: Mapped[int | None] = mapped_column(sa.Integer)
    registration_authority: Mapped[str] = mapped_column(sa.String(255))
    source_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    source_name: Mapped[str] = mapped_column(sa.String(512))
    page_count: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[BookStatus] = mapped_column(StrEnumType(BookStatus), default=BookStatus.INGESTED)
    # Set when a supervisor approves the book (its records are final); cleared on reopening.
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by: Mapped[str | None] = mapped_column(sa.String(128))

    pages: Mapped[list[Page]] = relationship(
        back_populates="book", order_by="Page.page_no", passive_deletes="all"
    )

    def __repr__(self) -> str:
        return f"<Book id={self.id} {self.register_type} no={self.book_no!r}>"


class Page(TimestampMixin, Base):
    """One page image of a book. ``image_path`` and ``ocr_path`` are relative to the data dir."""

    __tablename__ = "page"
    __table_args__ = (
        sa.UniqueConstraint("book_id", "page_no"),
        sa.CheckConstraint("page_no >= 1", name="page_no_positive"),
        _enum_check("status", PageStatus, "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(sa.ForeignKey("book.id"))
    page_no: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str | None] = mapped_column(sa.String(64))  # None: ingest could not read it
    image_path: Mapped[str | None] = mapped_column(sa.String(1024))
    width: Mapped[int] = mapped_column(sa.Integer)
    height: Mapped[int] = mapped_column(sa.Integer)
    dpi: Mapped[int | None] = mapped_column(sa.Integer)
    status: Mapped[PageStatus] = mapped_column(StrEnumType(PageStatus), default=PageStatus.PENDING)
    error: Mapped[str | None] = mapped_column(sa.Text)  # a message without personal data
    ocr_path: Mapped[str | None] = mapped_column(sa.String(1024))
    ocr_engine: Mapped[str | None] = mapped_column(sa.String(255))
    ocr_seconds: Mapped[float | None] = mapped_column(sa.Float)

    book: Mapped[Book] = relationship(back_populates="pages")

    def __repr__(self) -> str:
        return f"<Page book={self.book_id} no={self.page_no} {self.status}>"


class Record(TimestampMixin, Base):
    """One register entry. Its natural key is where it was read: (book, first page, index).

    ``entry_no`` is data, not a key: clerks repeat and skip numbers. A record that a later
    extractor version no longer finds on its page is not deleted: ``superseded_at`` is set and it
    drops out of exports and summaries (it comes back if a later run finds it again).
    """

    __tablename__ = "record"
    __table_args__ = (
        sa.UniqueConstraint("book_id", "page_no", "index_on_page"),
        sa.ForeignKeyConstraint(["book_id", "page_no"], ["page.book_id", "page.page_no"]),
        sa.Index(None, "book_id", "status"),
        sa.CheckConstraint("index_on_page >= 0", name="index_on_page_nonnegative"),
        _enum_check("status", FieldStatus, "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(sa.ForeignKey("book.id"))
    page_no: Mapped[int] = mapped_column(sa.Integer)  # the page the entry starts on
    index_on_page: Mapped[int] = mapped_column(sa.Integer)  # 0-based, in reading order
    entry_no: Mapped[str | None] = mapped_column(sa.Text)
    pages: Mapped[list[int]] = mapped_column(JSONType)
    status: Mapped[FieldStatus] = mapped_column(StrEnumType(FieldStatus))
    extractor_version: Mapped[str] = mapped_column(sa.String(64))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when its book is approved: a final record can be certified and is no longer edited.
    final_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    book: Mapped[Book] = relationship()
    fields: Mapped[list[FieldValueRow]] = relationship(
        back_populates="record", order_by="FieldValueRow.id", passive_deletes="all"
    )

    def __repr__(self) -> str:
        return f"<Record id={self.id} book={self.book_id} p{self.page_no}#{self.index_on_page}>"


class FieldValueRow(Base):
    """The current value of one field of one record, with its provenance.

    ``version`` is SQLAlchemy's ``version_id_col``: every UPDATE checks and bumps it, so two
    writers can never silently overwrite each other (optimistic locking for the review app).
    """

    __tablename__ = "field_value"
    __table_args__ = (
        sa.UniqueConstraint("record_id", "key"),
        # the fields needing review, by record (the review queue's and summaries' question)
        sa.Index(
            "ix_field_value_needs_review",
            "record_id",
            postgresql_where=sa.text("status = 'needs_review'"),
            sqlite_where=sa.text("status = 'needs_review'"),
        ),
        sa.CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence_range"),
        _enum_check("status", FieldStatus, "status"),
        _enum_check("source", FieldSource, "source"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("record.id"))
    key: Mapped[str] = mapped_column(sa.String(64))
    value: Mapped[str | None] = mapped_column(sa.Text)
    raw: Mapped[str | None] = mapped_column(sa.Text)
    confidence: Mapped[float] = mapped_column(sa.Float)
    page_no: Mapped[int | None] = mapped_column(sa.Integer)
    bbox: Mapped[list[int] | None] = mapped_column(JSONType)  # [x0, y0, x1, y1] pixels
    status: Mapped[FieldStatus] = mapped_column(StrEnumType(FieldStatus))
    reasons: Mapped[list[str]] = mapped_column(JSONType)
    version: Mapped[int] = mapped_column(sa.Integer)
    source: Mapped[FieldSource] = mapped_column(StrEnumType(FieldSource))
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=sa.func.now()
    )

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012

    record: Mapped[Record] = relationship(back_populates="fields")
    revisions: Mapped[list[FieldRevision]] = relationship(
        back_populates="field_value",
        order_by="FieldRevision.revision_no",
        passive_deletes="all",
    )

    def __repr__(self) -> str:
        return f"<FieldValueRow id={self.id} {self.key} v{self.version} {self.status}>"


class FieldRevision(Base):
    """One change of one field value, append-only. Revision 1 is the pipeline's first read."""

    __tablename__ = "field_revision"
    __table_args__ = (
        sa.UniqueConstraint("field_value_id", "revision_no"),
        sa.CheckConstraint("revision_no >= 1", name="revision_no_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    field_value_id: Mapped[int] = mapped_column(sa.ForeignKey("field_value.id"))
    revision_no: Mapped[int] = mapped_column(sa.Integer)
    old_value: Mapped[str | None] = mapped_column(sa.Text)
    new_value: Mapped[str | None] = mapped_column(sa.Text)
    old_status: Mapped[FieldStatus | None] = mapped_column(StrEnumType(FieldStatus))
    new_status: Mapped[FieldStatus] = mapped_column(StrEnumType(FieldStatus))
    changed_by: Mapped[str] = mapped_column(sa.String(128))  # user name or pipeline:<version>
    reason: Mapped[str | None] = mapped_column(sa.Text)
    changed_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=sa.func.now()
    )

    field_value: Mapped[FieldValueRow] = relationship(back_populates="revisions")

    @property
    def by_pipeline(self) -> bool:
        return self.changed_by.startswith(PIPELINE_AUTHOR_PREFIX)

    def __repr__(self) -> str:
        return f"<FieldRevision field={self.field_value_id} #{self.revision_no}>"


# --- the review app: people, what they did, what they read ---------------------------------------


class Role(StrEnum):
    ARCHIVE_STAFF = "archive_staff"
    REVIEWER = "reviewer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class UploadStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ApprovalAction(StrEnum):
    APPROVE = "approve"
    REOPEN = "reopen"


class AuditVerdict(StrEnum):
    CORRECT = "correct"
    WRONG = "wrong"


class User(TimestampMixin, Base):
    """A person who signs in to the review app. Never deleted: ``active`` is cleared instead."""

    __tablename__ = "app_user"
    __table_args__ = (_enum_check("role", Role, "role"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    role: Mapped[Role] = mapped_column(StrEnumType(Role))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<User id={self.id} {self.username!r} {self.role}>"


class AccessLog(Base):
    """One read (or change) of personal data: who, what, when, why. Append-only."""

    __tablename__ = "access_log"
    __table_args__ = (sa.Index(None, "record_id"), sa.Index(None, "username", "at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=sa.func.now()
    )
    username: Mapped[str] = mapped_column(sa.String(128))
    action: Mapped[str] = mapped_column(sa.String(32))  # e.g. "view_record", "view_image"
    purpose: Mapped[str] = mapped_column(sa.String(255))  # e.g. "review", "audit"
    book_id: Mapped[int | None] = mapped_column(sa.ForeignKey("book.id"))
    record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("record.id"))


class Upload(TimestampMixin, Base):
    """A scanned book file received by the app, kept once by SHA-256, and its digitization run."""

    __tablename__ = "upload"
    __table_args__ = (
        _enum_check("status", UploadStatus, "status"),
        _enum_check("register_type", RegisterType, "register_type"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(512))
    stored_path: Mapped[str] = mapped_column(sa.String(1024))  # relative to the data dir
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    kind: Mapped[str] = mapped_column(sa.String(16))  # pdf | tiff | image | zip (by content)
    register_type: Mapped[RegisterType] = mapped_column(StrEnumType(RegisterType))
    book_no: Mapped[str] = mapped_column(sa.String(32))
    registration_authority: Mapped[str] = mapped_column(sa.String(255))
    year: Mapped[int | None] = mapped_column(sa.Integer)
    uploaded_by: Mapped[str] = mapped_column(sa.String(128))
    status: Mapped[UploadStatus] = mapped_column(
        StrEnumType(UploadStatus), default=UploadStatus.QUEUED
    )
    error: Mapped[str | None] = mapped_column(sa.Text)  # a message without personal data
    runs: Mapped[int] = mapped_column(sa.Integer, default=0)
    book_id: Mapped[int | None] = mapped_column(sa.ForeignKey("book.id"))


class BookApprovalEvent(Base):
    """A supervisor approved or reopened a book (with the reason). Append-only."""

    __tablename__ = "book_approval_event"
    __table_args__ = (
        sa.Index(None, "book_id"),
        _enum_check("action", ApprovalAction, "action"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(sa.ForeignKey("book.id"))
    action: Mapped[ApprovalAction] = mapped_column(StrEnumType(ApprovalAction))
    by: Mapped[str] = mapped_column(sa.String(128))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=sa.func.now()
    )


class AuditSample(Base):
    """A field the pipeline accepted on its own, drawn at random for a supervisor to check.

    ``field_version`` is the version that was drawn: the verdict is about that value. The
    verdicts kept here are the book's measured error rate of auto-accepted fields.
    """

    __tablename__ = "audit_sample"
    __table_args__ = (
        sa.UniqueConstraint("book_id", "field_value_id"),
        _enum_check("verdict", AuditVerdict, "verdict"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(sa.ForeignKey("book.id"))
    field_value_id: Mapped[int] = mapped_column(sa.ForeignKey("field_value.id"))
    field_version: Mapped[int] = mapped_column(sa.Integer)
    drawn_by: Mapped[str] = mapped_column(sa.String(128))
    drawn_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=sa.func.now()
    )
    verdict: Mapped[AuditVerdict | None] = mapped_column(StrEnumType(AuditVerdict))
    checked_by: Mapped[str | None] = mapped_column(sa.String(128))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DoubleEntryState(StrEnum):
    WAITING = "waiting"  # keyed once; a second reviewer keys it blind
    AGREED = "agreed"  # both keyings agree: the field is saved
    DISAGREED = "disagreed"  # for a supervisor to decide
    RESOLVED = "resolved"  # a supervisor decided


class DoubleEntry(Base):
    """Two blind keyings of one important, doubtful field (a name, a date, a personal number),
    made on the field's ``field_version``. Kept: the agreement rate is measured from them."""

    __tablename__ = "double_entry"
    __table_args__ = (
        sa.UniqueConstraint("field_value_id", "field_version"),
        _enum_check("state", DoubleEntryState, "state"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    field_value_id: Mapped[int] = mapped_column(sa.ForeignKey("field_value.id"))
    field_version: Mapped[int] = mapped_column(sa.Integer)
    state: Mapped[DoubleEntryState] = mapped_column(StrEnumType(DoubleEntryState))
    first_by: Mapped[str] = mapped_column(sa.String(128))
    first_value: Mapped[str | None] = mapped_column(sa.Text)
    first_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=sa.func.now()
    )
    second_by: Mapped[str | None] = mapped_column(sa.String(128))
    second_value: Mapped[str | None] = mapped_column(sa.Text)
    second_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(sa.String(128))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# Tables of other modules share this metadata (migrations and schema checks see them all).
from registry_db import certificates as _certificates  # noqa: E402, F401
from registry_db import persons as _persons  # noqa: E402, F401
