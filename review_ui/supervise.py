"""Supervisors: approve a book (its records become final) or reopen it with a reason; the audit
sample of auto-accepted fields and its measured error rate; the dashboard."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from civreg_cli.errors import InputError
from extraction.types import FieldStatus
from registry_db import repository as repo
from registry_db import review as rv
from registry_db.models import AuditSample, AuditVerdict, FieldValueRow, Record, User
from review_ui.checks import ValueRefused, normalise_typed
from review_ui.permissions import Action
from review_ui.web import csrf_form, db, form_str, log_read, render, require

router = APIRouter()

DEFAULT_SAMPLE = 20


@router.post("/books/{book_id}/approve")
def approve(
    book_id: int,
    user: User = Depends(require(Action.APPROVE)),
    _form: FormData = Depends(csrf_form),
    session: Session = Depends(db),
) -> RedirectResponse:
    rv.approve_book(session, book_id, user.username)
    return RedirectResponse(f"/books/{book_id}", status_code=303)


@router.post("/books/{book_id}/reopen")
def reopen(
    book_id: int,
    user: User = Depends(require(Action.APPROVE)),
    form: FormData = Depends(csrf_form),
    session: Session = Depends(db),
) -> RedirectResponse:
    rv.reopen_book(session, book_id, user.username, form_str(form, "reason"))
    return RedirectResponse(f"/books/{book_id}", status_code=303)


@router.get("/books/{book_id}/audit", response_class=HTMLResponse)
def audit_page(
    book_id: int,
    request: Request,
    user: User = Depends(require(Action.AUDIT)),
    session: Session = Depends(db),
) -> HTMLResponse:
    progress = rv.books_progress(session, [book_id])
    if not progress:
        raise InputError(f"book id {book_id} does not exist")
    samples = rv.audit_samples(session, book_id)
    log_read(session, user, "view_audit", "audit", book_id=book_id)
    return render(
        request,
        "audit.html",
        {"book": progress[0], "samples": samples, "default_size": DEFAULT_SAMPLE},
    )


@router.post("/books/{book_id}/audit/draw")
def draw(
    book_id: int,
    user: User = Depends(require(Action.AUDIT)),
    form: FormData = Depends(csrf_form),
    session: Session = Depends(db),
) -> RedirectResponse:
    try:
        size = int(form_str(form, "size", str(DEFAULT_SAMPLE)))
    except ValueError:
        raise InputError("the sample size must be a number") from None
    rv.draw_audit_sample(session, book_id, user.username, min(size, 500))
    return RedirectResponse(f"/books/{book_id}/audit", status_code=303)


@router.post("/audit/{sample_id}")
def verdict(
    sample_id: int,
    user: User = Depends(require(Action.AUDIT)),
    form: FormData = Depends(csrf_form),
    session: Session = Depends(db),
) -> RedirectResponse:
    """Record a verdict; a wrong field is corrected at once with the value given (a revision)."""
    sample = session.get(AuditSample, sample_id)
    if sample is None:
        raise InputError(f"audit sample id {sample_id} does not exist")
    book_id = sample.book_id
    choice = form_str(form, "verdict")
    if choice not in (AuditVerdict.CORRECT.value, AuditVerdict.WRONG.value):
        raise InputError("choose correct or wrong")
    if choice == AuditVerdict.WRONG.value:
        row = session.get(FieldValueRow, sample.field_value_id)
        assert row is not None
        try:
            value = normalise_typed(row.key, form_str(form, "value"))
        except ValueRefused as exc:
            raise InputError(f"the corrected value: {exc}") from None
        if value != row.value:
            repo.update_field(
                session,
                row.id,
                new_value=value,
                new_status=FieldStatus.ACCEPTED,
                changed_by=user.username,
                reason="audit: the accepted value was wrong",
                expected_version=row.version,
            )
            record = session.get(Record, row.record_id)
            log_read(
                session,
                user,
                "edit_field",
                "audit",
                book_id=book_id,
                record_id=record.id if record else None,
            )
    rv.record_verdict(session, sample_id, choice, user.username)
    return RedirectResponse(f"/books/{book_id}/audit", status_code=303)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    book: int | None = None,
    user: User = Depends(require(Action.DASHBOARD)),
    session: Session = Depends(db),
) -> HTMLResponse:
    return render(
        request,
        "dashboard.html",
        {
            "books": rv.books_progress(session),
            "reviewers": rv.reviewer_stats(session, book),
            "agreement": rv.agreement_rates(session),
            "book_filter": book,
        },
    )
