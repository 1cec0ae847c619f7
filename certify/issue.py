"""Issuing, revoking and verifying extracts on the registry.

Only a final record (its book approved after review) with nothing pending can be certified:
:func:`refusal_reasons` says why not, in words without personal data. :func:`issue_extract`
takes the next number, renders the PDF (PDF/A), signs it and stores it, all in one transaction:
a failure anywhere leaves no number used. A correction of a record after issue (a person's
change of a field value, which needs the book reopened) revokes its valid extracts in the same
transaction and offers a reissue (:func:`reissue_extract`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pyhanko.sign import signers
from sqlalchemy.orm import Session, selectinload

from certify.codes import looks_like_code, new_code
from certify.content import (
    SUBJECT,
    Correction,
    Registration,
    build_content,
    field_label,
    parse_iso,
)
from certify.numbering import format_number, take_number
from certify.render import render_pdf, to_pdfa
from certify.signing import load_signer, sign_pdf
from civreg_cli.errors import DatabaseError, InputError
from civreg_cli.settings import Settings
from extraction.types import FieldStatus, RegisterType
from registry_db.certificates import Extract, ExtractStatus
from registry_db.models import (
    PIPELINE_AUTHOR_PREFIX,
    ApprovalAction,
    BookApprovalEvent,
    DoubleEntry,
    DoubleEntryState,
    FieldRevision,
    FieldValueRow,
    Record,
    utcnow,
)

# The repository's unit of work (savepoint, retry on a lost race, commit when the caller has no
# transaction of its own): issuing an extract is one such unit.
from registry_db.repository import _write

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class NotCertifiable(InputError):
    """The record cannot be certified now; ``reasons`` says why (no personal data)."""

    def __init__(self, record_id: int, reasons: list[str]) -> None:
        self.record_id = record_id
        self.reasons = reasons
        super().__init__(
            f"record id {record_id} cannot be certified: {'; '.join(reasons)}",
            advice="finish the review and have a supervisor approve its book first",
        )


@dataclass(frozen=True)
class IssueOptions:
    """Who issues, where, and how the copy is signed (from settings: :func:`issue_options`)."""

    place: str
    signer_title: str
    signer_name: str
    base_url: str
    signer: signers.Signer | None = None
    office: str | None = None  # default: the office that holds the register

    def verify_url(self, code: str) -> str:
        return f"{self.base_url.rstrip('/')}/verify/{code}"


def issue_options(settings: Settings) -> IssueOptions:
    """The issuing options from settings; the signer is loaded when a key is configured."""
    signer = None
    if settings.extract_key_file and settings.extract_cert_file:
        signer = load_signer(
            settings.extract_key_file,
            settings.extract_cert_file,
            settings.extract_chain_file,
            settings.extract_key_passphrase,
        )
    return IssueOptions(
        place=settings.extract_place,
        signer_title=settings.extract_signer_title,
        signer_name=settings.extract_signer_name,
        base_url=settings.public_base_url,
        signer=signer,
        office=settings.extract_office or None,
    )


def _load(session: Session, record_id: int) -> Record:
    record = session.scalar(
        sa.select(Record)
        .where(Record.id == record_id)
        .options(selectinload(Record.fields), selectinload(Record.book))
        .execution_options(populate_existing=True)
    )
    if record is None:
        raise DatabaseError(f"record id {record_id} is not in the database")
    return record


def refusal_reasons(session: Session, record: Record) -> list[str]:
    """Why ``record`` cannot be certified now (empty: it can)."""
    reasons = []
    if record.superseded_at is not None:
        reasons.append("the record is no longer found in its book")
    if record.final_at is None or record.book.approved_at is None:
        reasons.append(
            "the record is not final: its book is not approved, or was reopened for a correction"
        )
    pending = sum(1 for f in record.fields if f.status is FieldStatus.NEEDS_REVIEW)
    if pending:
        reasons.append(f"{pending} field(s) of the record are waiting for review")
    open_entries = session.scalar(
        sa.select(sa.func.count())
        .select_from(DoubleEntry)
        .join(FieldValueRow, FieldValueRow.id == DoubleEntry.field_value_id)
        .where(
            FieldValueRow.record_id == record.id,
            DoubleEntry.state.in_((DoubleEntryState.WAITING, DoubleEntryState.DISAGREED)),
        )
    )
    if open_entries:
        reasons.append("a correction of the record is waiting for a second keying or a decision")
    return reasons


def record_values(record: Record) -> dict[str, str | None]:
    return {f.key: f.value for f in record.fields}


def corrections_of(session: Session, record: Record) -> list[Correction]:
    """Changes of the record's values by a person after its book was first approved."""
    first_approval = session.scalar(
        sa.select(sa.func.min(BookApprovalEvent.at)).where(
            BookApprovalEvent.book_id == record.book_id,
            BookApprovalEvent.action == ApprovalAction.APPROVE,
        )
    )
    if first_approval is None:
        return []
    rows = session.execute(
        sa.select(FieldValueRow.key, FieldRevision)
        .join(FieldRevision, FieldRevision.field_value_id == FieldValueRow.id)
        .where(
            FieldValueRow.record_id == record.id,
            FieldRevision.changed_at > first_approval,
            sa.not_(FieldRevision.changed_by.startswith(PIPELINE_AUTHOR_PREFIX)),
            FieldRevision.old_value.is_distinct_from(FieldRevision.new_value),
        )
        .order_by(FieldRevision.changed_at, FieldRevision.id)
    ).all()
    kind = record.book.register_type
    return [
        Correction(field_label(kind, key), rev.old_value, rev.new_value, rev.reason, rev.changed_at)
        for key, rev in rows
    ]


def local_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(LOCAL_TZ).date()


def summary_of(kind: RegisterType, values: dict[str, str | None], office: str) -> dict[str, str]:
    """What public verification shows: the name, the event, its date and the issuing office."""
    name_key, date_key = SUBJECT[kind]
    day = parse_iso(values.get(date_key))
    return {
        "name": values.get(name_key) or "",
        "event": kind.value,
        "event_date": day.isoformat() if day else "",
        "office": office,
    }


def issue_extract(
    session: Session,
    record_id: int,
    *,
    by: str,
    options: IssueOptions,
    request_id: int | None = None,
    replaces_id: int | None = None,
    now: datetime | None = None,
) -> Extract:
    """Issue an extract of a final record: numbered, rendered, signed and stored at once.

    Raises :class:`NotCertifiable` (with the reasons) for a record that is not final or has a
    correction pending.
    """

    def work() -> Extract:
        record = _load(session, record_id)
        reasons = refusal_reasons(session, record)
        if reasons:
            raise NotCertifiable(record_id, reasons)
        kind = record.book.register_type
        office = options.office or record.book.registration_authority
        issued_at = now or utcnow()
        today = local_today(issued_at)
        number = take_number(session, office, today.year, kind)
        number_text = format_number(number, kind)
        code = new_code()
        values = record_values(record)
        content = build_content(
            kind=kind,
            values=values,
            registration=Registration(
                office=record.book.registration_authority,
                book_no=record.book.book_no,
                entry_no=record.entry_no,
                date=values.get("registration_date"),
            ),
            corrections=corrections_of(session, record),
            office=office,
            number_text=number_text,
            place=options.place,
            issued_on=today,
            signer_title=options.signer_title,
            signer_name=options.signer_name,
            verify_url=options.verify_url(code),
            code=code,
        )
        pdf = to_pdfa(render_pdf(content), title=f"{content.title} {number_text}", author=office)
        if options.signer is not None:
            pdf = sign_pdf(
                pdf, options.signer, reason=f"Bản sao {content.title.lower()}", location=office
            )
        extract = Extract(
            code=code,
            kind=kind,
            office=office,
            year=today.year,
            number=number,
            number_text=number_text,
            record_id=record.id,
            field_versions={str(f.id): f.version for f in record.fields},
            summary=summary_of(kind, values, office),
            issued_by=by,
            issued_at=issued_at,
            signed=options.signer is not None,
            pdf=pdf,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            status=ExtractStatus.VALID,
            reissue_offered=False,
            replaces_id=replaces_id,
            request_id=request_id,
        )
        session.add(extract)
        session.flush()
        return extract

    return _write(session, f"issue an extract of record id {record_id}", work)


def get_extract(session: Session, extract_id: int) -> Extract:
    extract = session.get(Extract, extract_id, populate_existing=True)
    if extract is None:
        raise InputError(f"extract id {extract_id} does not exist")
    return extract


def revoke_extract(
    session: Session, extract_id: int, *, by: str, reason: str, reissue: bool = False
) -> Extract:
    """Revoke a valid extract with a reason (it stays, marked revoked)."""
    if not reason.strip():
        raise InputError("revoking an extract needs a reason")

    def work() -> Extract:
        extract = session.get(Extract, extract_id, populate_existing=True, with_for_update=True)
        if extract is None:
            raise InputError(f"extract id {extract_id} does not exist")
        if extract.status is ExtractStatus.REVOKED:
            raise InputError(f"extract {extract.number_text} is already revoked")
        _mark_revoked(extract, by, reason.strip(), reissue)
        return extract

    return _write(session, f"revoke extract id {extract_id}", work)


def _mark_revoked(extract: Extract, by: str, reason: str, reissue: bool) -> None:
    extract.status = ExtractStatus.REVOKED
    extract.revoked_at, extract.revoked_by, extract.revoked_reason = utcnow(), by, reason
    extract.reissue_offered = reissue


def reissue_extract(
    session: Session, extract_id: int, *, by: str, options: IssueOptions
) -> Extract:
    """A new extract (new number, new code) in place of one revoked after a correction."""
    old = get_extract(session, extract_id)
    if old.status is not ExtractStatus.REVOKED:
        raise InputError(
            f"extract {old.number_text} is still valid", advice="revoke it first, with a reason"
        )
    new = issue_extract(
        session,
        old.record_id,
        by=by,
        options=options,
        request_id=old.request_id,
        replaces_id=old.id,
    )
    return new


def extracts_of_record(session: Session, record_id: int) -> list[Extract]:
    return list(
        session.scalars(
            sa.select(Extract).where(Extract.record_id == record_id).order_by(Extract.id)
        )
    )


class Verdict(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Verification:
    """What ``/verify/{code}`` says: the verdict and a minimal summary (never ethnicity, ID
    numbers or parents)."""

    status: Verdict
    number: str | None = None
    issued_on: str | None = None
    name: str | None = None
    event: str | None = None
    event_date: str | None = None
    office: str | None = None
    revoked_on: str | None = None
    replaced: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def verify_code(session: Session, code: str) -> Verification:
    if not looks_like_code(code):
        return Verification(Verdict.UNKNOWN)
    extract = session.scalar(sa.select(Extract).where(Extract.code == code))
    if extract is None:
        return Verification(Verdict.UNKNOWN)
    summary = extract.summary or {}
    revoked = extract.status is ExtractStatus.REVOKED
    replaced = revoked and (
        session.scalar(sa.select(Extract.id).where(Extract.replaces_id == extract.id).limit(1))
        is not None
    )
    return Verification(
        status=Verdict.REVOKED if revoked else Verdict.VALID,
        number=extract.number_text,
        issued_on=local_today(extract.issued_at).isoformat(),
        name=summary.get("name"),
        event=summary.get("event"),
        event_date=summary.get("event_date"),
        office=extract.office,
        revoked_on=local_today(extract.revoked_at).isoformat() if extract.revoked_at else None,
        replaced=replaced,
    )
