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
from registry_db.models import FieldRevision, FieldValueRow, Page, Record, User
from review_ui import images
from review_ui.checks import ValueRefused, normalise_typed, recheck
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
            "books": rv.books_progress(session),
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

    @property
    def doubtful(self) -> bool:
        return self.row.status is FieldStatus.NEEDS_REVIEW


def _field_views(session: Session, record: Record) -> list[FieldView]:
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
    return [FieldView(f, first.get(f.id), last_person.get(f.id)) for f in record.fields]


def record_context(session: Session, record: Record) -> dict[str, Any]:
    """What the review screen shows of a record (also timed by ``bench/review_speed.py``)."""
    fields = _field_views(session, record)
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
    user: User = Depends(require(Action.REVIEW)),
    session: Session = Depends(db),
) -> HTMLResponse:
    record = rv.load_record(session, record_id)
    log_read(session, user, "view_record", "review", book_id=record.book_id, record_id=record.id)
    context = record_context(session, record)
    context.update({"focus": focus, "saved": saved, "error": None})
    return render(request, "record.html", context)


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


def _next_doubtful_key(record: Record, after_key: str) -> str | None:
    keys = [f.key for f in record.fields]
    start = keys.index(after_key) + 1 if after_key in keys else 0
    for f in record.fields[start:] + record.fields[:start]:
        if f.status is FieldStatus.NEEDS_REVIEW and f.key != after_key:
            return f.key
    return None


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
    try:
        value = normalise_typed(row.key, typed)
    except ValueRefused as exc:
        context = record_context(session, record)
        context.update({"focus": row.key, "saved": None, "error": (row.key, str(exc), typed)})
        return render(request, "record.html", context, status_code=422)
    checks = recheck(
        record.fields, changed_key=row.key, new_value=value, book_year=record.book.year
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
        session.rollback()
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
    except DatabaseError:
        session.rollback()
        raise
    log_read(session, user, "edit_field", "review", book_id=record.book_id, record_id=record_id)
    record = rv.load_record(session, record_id)
    params = {"saved": row.key}
    following = _next_doubtful_key(record, row.key)
    if following:
        params["focus"] = following
    return RedirectResponse(f"/records/{record_id}?{urlencode(params)}", status_code=303)
