"""Certificate extracts (trích lục) and the registry service: the tables.

- :class:`ExtractCounter` — the last number issued per office, year and kind of extract; the row
  is locked while a number is taken, in the same transaction that stores the extract, so numbers
  are gap-free and never issued twice.
- :class:`Extract` — one issued extract: its number, verification code, the record it certifies,
  the signed PDF, and whether it was revoked (why, when) and what replaced it.
- :class:`ExtractRequest` / :class:`ExtractRequestEvent` — a citizen's request and every
  transition of its state machine (``certify.requests``).
- :class:`ApiClient` / :class:`ApiAccessLog` — agencies with keys and scopes, and the append-only
  log of every call (client, purpose, persons returned, outcome, time).

The logic lives in the ``certify`` package; this module is the schema only (migration 0004).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from extraction.types import RegisterType
from registry_db.models import (
    PIPELINE_AUTHOR_PREFIX,
    Base,
    BigId,
    FieldRevision,
    FieldValueRow,
    JSONType,
    StrEnumType,
    TimestampMixin,
    UTCDateTime,
    _enum_check,
    utcnow,
)
from registry_db.persons import PersonMention


class ExtractStatus(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"


class RequestState(StrEnum):
    SUBMITTED = "submitted"  # the citizen sent it
    APPROVED = "approved"  # staff checked the relationship and documents
    REFUSED = "refused"  # staff refused, with the reason (final)
    PAID = "paid"  # the fee was recorded with its payment reference
    ISSUED = "issued"  # the extract was issued; the requester may download it
    POSTED = "posted"  # the paper copy was sent (delivery by post)


class Relationship(StrEnum):
    SELF = "self"
    PARENT = "parent"
    CHILD = "child"
    SPOUSE = "spouse"
    SIBLING = "sibling"
    GRANDPARENT = "grandparent"
    REPRESENTATIVE = "representative"  # an authorised representative (authorisation document)


class Delivery(StrEnum):
    ELECTRONIC = "electronic"
    POST = "post"


class ExtractCounter(Base):
    __tablename__ = "extract_counter"
    __table_args__ = (
        sa.UniqueConstraint("office", "year", "kind"),
        _enum_check("kind", RegisterType, "kind"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    office: Mapped[str] = mapped_column(sa.String(255))
    year: Mapped[int] = mapped_column(sa.Integer)
    kind: Mapped[RegisterType] = mapped_column(StrEnumType(RegisterType))
    last_no: Mapped[int] = mapped_column(sa.Integer, default=0)


class Extract(Base):
    """One issued extract copy. Never deleted: a revoked one stays, with its reason."""

    __tablename__ = "extract"
    __table_args__ = (
        sa.UniqueConstraint("office", "year", "kind", "number"),
        sa.Index(None, "record_id"),
        _enum_check("kind", RegisterType, "kind"),
        _enum_check("status", ExtractStatus, "status"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)  # the verification code
    kind: Mapped[RegisterType] = mapped_column(StrEnumType(RegisterType))
    office: Mapped[str] = mapped_column(sa.String(255))
    year: Mapped[int] = mapped_column(sa.Integer)
    number: Mapped[int] = mapped_column(sa.Integer)
    number_text: Mapped[str] = mapped_column(sa.String(32))  # e.g. 12/TLKS-BS
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("record.id"))
    # field id -> version at issue: a later correction of the record is seen against it
    field_versions: Mapped[dict[str, int]] = mapped_column(JSONType)
    # What public verification may show: name, event, event date, office. Nothing else.
    summary: Mapped[dict[str, str]] = mapped_column(JSONType)
    issued_by: Mapped[str] = mapped_column(sa.String(128))
    issued_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=sa.func.now()
    )
    signed: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[ExtractStatus] = mapped_column(
        StrEnumType(ExtractStatus), default=ExtractStatus.VALID
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(sa.String(128))
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text)
    # set when the record was corrected after issue: a new extract may be issued in its place
    reissue_offered: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("extract.id"))
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("extract_request.id"))


class ExtractRequest(TimestampMixin, Base):
    """A citizen's request for an extract copy ("toàn trình": request, fee and delivery online).

    ``token`` is the requester's secret to follow the request and download the copy (no account).
    """

    __tablename__ = "extract_request"
    __table_args__ = (
        sa.Index(None, "state"),
        _enum_check("state", RequestState, "state"),
        _enum_check("kind", RegisterType, "kind"),
        _enum_check("relationship", Relationship, "relationship"),
        _enum_check("delivery", Delivery, "delivery"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[RegisterType] = mapped_column(StrEnumType(RegisterType))
    record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("record.id"))
    requester_name: Mapped[str] = mapped_column(sa.String(255))
    requester_id_no: Mapped[str] = mapped_column(sa.String(32))
    requester_contact: Mapped[str] = mapped_column(sa.String(255))
    relationship: Mapped[Relationship] = mapped_column(StrEnumType(Relationship))
    authorisation_doc: Mapped[str | None] = mapped_column(sa.String(255))
    purpose: Mapped[str] = mapped_column(sa.String(255))
    delivery: Mapped[Delivery] = mapped_column(StrEnumType(Delivery))
    postal_address: Mapped[str | None] = mapped_column(sa.String(512))
    state: Mapped[RequestState] = mapped_column(StrEnumType(RequestState))
    reason: Mapped[str | None] = mapped_column(sa.Text)  # why refused
    fee_vnd: Mapped[int | None] = mapped_column(sa.Integer)
    payment_ref: Mapped[str | None] = mapped_column(sa.String(128))


class ExtractRequestEvent(Base):
    """One transition of a request's state. Append-only."""

    __tablename__ = "extract_request_event"
    __table_args__ = (sa.Index(None, "request_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("extract_request.id"))
    from_state: Mapped[str | None] = mapped_column(sa.String(16))
    to_state: Mapped[str] = mapped_column(sa.String(16))
    by: Mapped[str] = mapped_column(sa.String(128))
    note: Mapped[str | None] = mapped_column(sa.Text)
    at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=sa.func.now()
    )


class ApiClient(TimestampMixin, Base):
    """An agency allowed to call ``/api/v1``. The key is shown once; only its hash is kept."""

    __tablename__ = "api_client"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(128), unique=True)
    key_id: Mapped[str] = mapped_column(sa.String(16), unique=True)  # the key's public part
    key_hash: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of the secret part
    scopes: Mapped[list[str]] = mapped_column(JSONType)
    rate_per_minute: Mapped[int] = mapped_column(sa.Integer, default=60)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(sa.String(128))


class RateWindow(Base):
    """Calls counted per caller (``bucket``: an API client, or a hashed address) and minute, so
    that every server process — and every host behind a load balancer — applies one limit
    (``certify.agency.RateLimiter``). Rows older than two windows are deleted as time moves."""

    __tablename__ = "rate_window"

    bucket: Mapped[str] = mapped_column(sa.String(96), primary_key=True)
    window_start: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    calls: Mapped[int] = mapped_column(sa.Integer)


class ApiAccessLog(Base):
    """One call of the agency API: who, why, which persons were returned, the outcome.

    Append-only. ``request_id`` is the client's unique id of the call (a replay is refused);
    refused calls are logged too, without a request id when it was the replayed one.
    """

    __tablename__ = "api_access_log"
    __table_args__ = (
        sa.UniqueConstraint("client_id", "request_id"),
        sa.Index(None, "client_id", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=sa.func.now()
    )
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_client.id"))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    endpoint: Mapped[str] = mapped_column(sa.String(64))
    purpose: Mapped[str | None] = mapped_column(sa.String(255))
    persons: Mapped[list[int]] = mapped_column(JSONType)  # record ids of the persons returned
    outcome: Mapped[str] = mapped_column(sa.String(32))  # ok, or why it was refused
    status_code: Mapped[int] = mapped_column(sa.Integer)


# Person look-ups (personal number, name) go through (key, value) of a few keys only: a partial
# index, so that long free-text values never meet PostgreSQL's btree row limit.
PERSON_KEYS = (
    "child.personal_id",
    "child.full_name",
    "deceased.personal_id",
    "deceased.full_name",
)
_PERSON_KEYS_SQL = "key IN ({})".format(", ".join(f"'{k}'" for k in PERSON_KEYS))
PERSON_LOOKUP_INDEX = sa.Index(
    "ix_field_value_person_lookup",
    FieldValueRow.key,
    FieldValueRow.value,
    postgresql_where=sa.text(_PERSON_KEYS_SQL),
    sqlite_where=sa.text(_PERSON_KEYS_SQL),
)


# --- a correction after issue revokes -----------------------------------------------------------

REASON_CORRECTED = "the record was corrected after issue"


@sa.event.listens_for(Session, "before_flush")
def _revoke_on_correction(session: Session, _flush_context: object, _instances: object) -> None:
    """A person's change of a field value revokes the record's valid extracts, in the same
    flush, and offers a reissue. (Final records are not edited: the book is reopened first.)"""
    revisions = [
        obj
        for obj in session.new
        if isinstance(obj, FieldRevision)
        and not obj.changed_by.startswith(PIPELINE_AUTHOR_PREFIX)
        and obj.old_value != obj.new_value
    ]
    if not revisions:
        return
    changed = {rev.field_value_id for rev in revisions}
    with session.no_autoflush:
        record_ids = sa.select(FieldValueRow.record_id).where(FieldValueRow.id.in_(changed))
        for extract in session.scalars(
            sa.select(Extract).where(
                Extract.record_id.in_(record_ids), Extract.status == ExtractStatus.VALID
            )
        ):
            extract.status = ExtractStatus.REVOKED
            extract.revoked_at = utcnow()
            extract.revoked_by = revisions[0].changed_by
            extract.revoked_reason = REASON_CORRECTED
            extract.reissue_offered = True


# Person search (registry_db.queries.search_persons, migrations 0005 and 0007): the names
# written, and a name's linked mentions in person order (all years, or one year). On
# PostgreSQL the indexes also hold what the search reads (the name as written, the date of
# birth), so a name's mentions are read from the index alone, not from all over the table.
_LINKED_SQL = "person_id IS NOT NULL"
SEARCH_NAME_INDEX = sa.Index(
    "ix_person_mention_name_exact",
    PersonMention.name_folded,
    PersonMention.person_id,
    postgresql_where=sa.text(_LINKED_SQL),
    sqlite_where=sa.text(_LINKED_SQL),
    postgresql_include=["full_name"],
)
SEARCH_NAME_YEAR_INDEX = sa.Index(
    "ix_person_mention_name_year",
    PersonMention.name_folded,
    PersonMention.birth_year,
    PersonMention.person_id,
    postgresql_where=sa.text(_LINKED_SQL),
    sqlite_where=sa.text(_LINKED_SQL),
    postgresql_include=["full_name", "date_of_birth"],
)


class PersonNameYear(Base):
    """A folded name and a birth year (0: none) some mention was written with: append-only,
    filled by triggers on ``person_mention`` (PostgreSQL; migration 0005). The name search's
    index of names reads it past the last id it saw."""

    __tablename__ = "person_name_year"
    __table_args__ = (sa.UniqueConstraint("name_folded", "birth_year"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name_folded: Mapped[str] = mapped_column(sa.String(255))
    birth_year: Mapped[int] = mapped_column(sa.Integer)
