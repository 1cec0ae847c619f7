"""Reviewing: the queue of records with doubtful fields, the review screen, saving a field
(accept or correct) through ``repository.update_field``, and the conflict page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from civreg_cli.errors import DatabaseError, InputError
from extraction.types import FieldStatus
from registry_db import repository as repo
from registry_db import review as rv
from registry_db.models import (
    DoubleEntry,
    DoubleEntryState,
    FieldRevision,
    FieldValueRow,
    Page,
    Record,
    User,
)
from review_ui import double_entry, images
from review_ui.checks import ValueRefused, normalise_typed, recheck
from review_ui.double_entry import ACTIONABLE
from review_ui.permissions import Action
from review_ui.web import csrf_form, ctx, db, form_str, log_read, render, require

router = APIRouter()

ACCEPT_REASON = "accepted by reviewer"
CORRECT_REASON = "corrected against the page image"


@router.get("/queue", response_class=HTMLResponse)
def queue_page(
    request: Request,
    book: int | None = None,
    reason: str | None = None,
    page: int = 1,
    user: User = Depends(require(Action.REVIEW)),
    session: Session = Depends(db),
) -> HTMLResponse:
    per_page = 50
    page = max(1, page)
    items = rv.review_queue(
        session, book_id=book, reason=reason or None, limit=per_page, offset=(page - 1) * per_page
    )
    return render(
        request,
        "queue.html",
        {
            "items": items,
            "books": rv.book_choices(session),
            "reasons": rv.queue_reasons(session, book),
            "book_filter": book,
            "reason_filter": reason or "",
            "page": page,
            "more": len(items) == per_page,
        },
    )


@dataclass
class FieldView:
    row: FieldValueRow
    first_value: str | None  # what the pipeline first read (revision 1)
    changed_by: str | None  # the last person who changed it
    mode: str = "normal"  # see review_ui.double_entry
    entry: DoubleEntry | None = None

    @property
    def doubtful(self) -> bool:
        """Needs this viewer's review now (Tab stops here)."""
        return self.row.status is FieldStatus.NEEDS_REVIEW and self.mode in ACTIONABLE


def _field_views(session: Session, record: Record, username: str, below: float) -> list[FieldView]:
    ids = [f.id for f in record.fields]
    first: dict[int, str | None] = {}
    last_person: dict[int, str] = {}
    if ids:
        for fid, no, new_value, by in session.execute(
            sa.select(
                FieldRevision.field_value_id,
                FieldRevision.revision_no,
                FieldRevision.new_value,
                FieldRevision.changed_by,
            )
            .where(FieldRevision.field_value_id.in_(ids))
            .order_by(FieldRevision.field_value_id, FieldRevision.revision_no)
        ):
            if no == 1:
                first[fid] = new_value
            if not by.startswith("pipeline:"):
                last_person[fid] = by
    entries = rv.open_double_entries(session, ids)
    return [
        FieldView(
            f,
            first.get(f.id),
            last_person.get(f.id),
            double_entry.mode(f, entries.get(f.id), username, below),
            entries.get(f.id),
        )
        for f in record.fields
    ]


def record_context(session: Session, record: Record, username: str, below: float) -> dict[str, Any]:
    """What the review screen shows of a record to ``username``."""
    fields = _field_views(session, record, username, below)
    checks = recheck(record.fields, changed_key="", new_value=None, book_year=record.book.year)
    return {
        "record": record,
        "book": record.book,
        "fields": fields,
        "checks": checks.by_key,
        "next_id": rv.next_record_to_review(session, record),
        "doubtful": sum(1 for f in fields if f.doubtful),
    }


@router.get("/records/{record_id}", response_class=HTMLResponse)
def record_page(
    record_id: int,
    request: Request,
    focus: str | None = None,
    saved: str | None = None,
    note: str | None = None,
    user: User = Depends(require(Action.REVIEW)),
    session: Session = Depends(db),
) -> HTMLResponse:
    record = rv.load_record(session, record_id)
    log_read(session, user, "view_record", "review", book_id=record.book_id, record_id=record.id)
    context = record_context(session, record, user.username, _below(request))
    context.update({"focus": focus, "saved": saved, "note": note, "error": None})
    return render(request, "record.html", context)


def _below(request: Request) -> float:
    return ctx(request).settings.double_entry_below


@router.get("/records/{record_id}/next")
def next_record(
    record_id: int,
    user: User = Depends(require(Action.REVIEW)),
    session: Session = Depends(db),
) -> RedirectResponse:
    record = rv.load_record(session, record_id)
    following = rv.next_record_to_review(session, record)
    if following is None:
        return RedirectResponse(f"/queue?book={record.book_id}", status_code=303)
    return RedirectResponse(f"/records/{following}", status_code=303)


@router.get("/fields/{field_id}/crop.png")
def field_crop(
    field_id: int,
    request: Request,
    user: User = Depends(require(Action.REVIEW)),
    session: Session = Depends(db),
) -> Response:
    """The page around the field's box, with the box drawn (made once, then cached)."""
    row = session.get(FieldValueRow, field_id)
    if row is None or row.bbox is None or row.page_no is None:
        raise InputError(f"field id {field_id} has no place on a page")
    record = session.get(Record, row.record_id)
    assert record is not None
    page = session.scalar(
        sa.select(Page).where(Page.book_id == record.book_id, Page.page_no == row.page_no)
    )
    if page is None or page.image_path is None or page.sha256 is None:
        raise InputError(f"the page of field id {field_id} has no image")
    context = ctx(request)
    source = images.resolve_page_path(context.data_dir, page.image_path)
    path = images.field_crop(context.cache_dir, page.sha256, source, row.bbox)
    log_read(session, user, "view_image", "review", book_id=record.book_id, record_id=record.id)
    return FileResponse(
        path, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"}
    )


def _after_save(
    session: Session, request: Request, user: User, record_id: int, key: str, note: str = ""
) -> RedirectResponse:
    """Back to the record, the focus on the next field this reviewer can act on."""
    record = rv.load_record(session, record_id)
    views = _field_views(session, record, user.username, _below(request))
    keys = [v.row.key for v in views]
    start = keys.index(key) + 1 if key in keys else 0
    params = {"saved": key}
    if note:
        params["note"] = note
    for view in views[start:] + views[:start]:
        if view.doubtful and view.row.key != key:
            params["focus"] = view.row.key
            break
    return RedirectResponse(f"/records/{record_id}?{urlencode(params)}", status_code=303)


def _conflict(
    request: Request,
    session: Session,
    user: User,
    exc: repo.ConflictError,
    record_id: int,
    field_id: int,
) -> HTMLResponse:
    """Both values: the one stored now (read here, so logged) and the one tried."""
    session.rollback()
    record = session.get(Record, record_id)
    log_read(
        session, user, "view_record", "edit conflict",
        book_id=record.book_id if record else None, record_id=record_id,
    )  # fmt: skip
    history = repo.field_history(session, field_id)
    return render(
        request,
        "conflict.html",
        {
            "conflict": exc,
            "record_id": record_id,
            "field_id": field_id,
            "last": history[-1] if history else None,
        },
        status_code=409,
    )


@router.post("/records/{record_id}/fields/{field_id}", response_class=HTMLResponse)
def save_field(
    record_id: int,
    field_id: int,
    request: Request,
    user: User = Depends(require(Action.EDIT_FIELD)),
    form: FormData = Depends(csrf_form),
    session: Session = Depends(db),
) -> Response:
    """Accept (value unchanged) or correct a field. Checks run again; what they find is kept on
    the field and shown at once. A stale version gives the conflict page (nothing is lost)."""
    row = session.get(FieldValueRow, field_id)
    if row is None or row.record_id != record_id:
        raise InputError(f"field id {field_id} is not a field of record id {record_id}")
    try:
        expected = int(form_str(form, "version"))
    except ValueError:
        raise InputError("the form has no field version; reload the page") from None
    typed = form_str(form, "value")
    record = rv.load_record(session, record_id)
    below = _below(request)
    try:
        value = normalise_typed(row.key, typed)
    except ValueRefused as exc:
        context = record_context(session, record, user.username, below)
        context.update({"focus": row.key, "saved": None, "error": (row.key, str(exc), typed)})
        return render(request, "record.html", context, status_code=422)
    checks = recheck(
        record.fields, changed_key=row.key, new_value=value, book_year=record.book.year
    )
    entry = rv.open_double_entries(session, [field_id]).get(field_id)
    how = double_entry.mode(row, entry, user.username, below)
    if how == "first":
        rv.first_keying(session, field_id, expected, user.username, value)
        log_read(session, user, "key_field", "review", book_id=record.book_id, record_id=record_id)
        return _after_save(session, request, user, record_id, row.key, "keyed_once")
    if how in ("mine", "supervisor"):
        raise InputError(
            f"field {row.key} is waiting for "
            + ("a second reviewer" if how == "mine" else "a supervisor (the keyings disagree)")
        )
    if how == "blind":
        assert entry is not None
        entry_id, version, first_by = entry.id, entry.field_version, entry.first_by
        session.commit()  # end the reads: the keying and the save are one transaction
        try:
            with session.begin():
                keyed = rv.second_keying(session, entry_id, user.username, value)
                agreed = keyed.state is DoubleEntryState.AGREED
                if agreed:
                    repo.update_field(
                        session,
                        field_id,
                        new_value=value,
                        new_status=FieldStatus.ACCEPTED,
                        changed_by=user.username,
                        reason=f"double entry: {first_by} and {user.username} agree",
                        expected_version=version,
                        new_reasons=checks.of(row.key),
                    )
        except repo.ConflictError as exc:
            return _conflict(request, session, user, exc, record_id, field_id)
        log_read(session, user, "key_field", "review", book_id=record.book_id, record_id=record_id)
        return _after_save(
            session, request, user, record_id, row.key, "agreed" if agreed else "disagreed"
        )
    note = form_str(form, "reason").strip()
    reason = note or (ACCEPT_REASON if value == row.value else CORRECT_REASON)
    try:
        repo.update_field(
            session,
            field_id,
            new_value=value,
            new_status=FieldStatus.ACCEPTED,
            changed_by=user.username,
            reason=reason,
            expected_version=expected,
            new_reasons=checks.of(row.key),
        )
    except repo.ConflictError as exc:
        return _conflict(request, session, user, exc, record_id, field_id)
    except DatabaseError:
        session.rollback()
        raise
    log_read(session, user, "edit_field", "review", book_id=record.book_id, record_id=record_id)
    return _after_save(session, request, user, record_id, row.key)


@router.get("/double-entry", response_class=HTMLResponse)
def disagreements_page(
    request: Request,
    user: User = Depends(require(Action.RESOLVE)),
    session: Session = Depends(db),
) -> HTMLResponse:
    items = rv.disagreements(session)
    for _entry, _row, record in items:
        log_read(
            session, user, "view_record", "double entry", book_id=record.book_id,
            record_id=record.id,
        )  # fmt: skip
    return render(request, "double_entry.html", {"items": rv.disagreements(session)})


@router.post("/double-entry/{entry_id}")
def resolve(
    entry_id: int,
    request: Request,
    user: User = Depends(require(Action.RESOLVE)),
    form: FormData = Depends(csrf_form),
    session: Session = Depends(db),
) -> Response:
    """A supervisor decides a disagreement: the value chosen is saved (a revision)."""
    entry = session.get(DoubleEntry, entry_id)
    if entry is None:
        raise InputError(f"double entry id {entry_id} does not exist")
    row = session.get(FieldValueRow, entry.field_value_id)
    assert row is not None
    try:
        value = normalise_typed(row.key, form_str(form, "value"))
    except ValueRefused as exc:
        raise InputError(f"the value: {exc}") from None
    field_id, version, record_id = row.id, entry.field_version, row.record_id
    session.commit()
    try:
        with session.begin():
            rv.resolve_double_entry(session, entry_id, user.username)
            repo.update_field(
                session,
                field_id,
                new_value=value,
                new_status=FieldStatus.ACCEPTED,
                changed_by=user.username,
                reason="double entry: the keyings disagreed; decided by a supervisor",
                expected_version=version,
            )
    except repo.ConflictError as exc:
        return _conflict(request, session, user, exc, record_id, field_id)
    return RedirectResponse("/double-entry", status_code=303)
