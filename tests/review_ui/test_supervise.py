"""Supervisors: approve when nothing is pending (records final), reopen with a reason, the audit
sample and its measured error rate, the dashboard."""

from __future__ import annotations

import random

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from extraction.types import FieldStatus
from registry_db import Book, FieldValueRow, Record, field_history
from registry_db import review as rv
from registry_db.models import ApprovalAction, AuditSample, AuditVerdict
from tests.review_ui.conftest import login, records_of


def _review_all(client: TestClient, session: Session, book: Book) -> None:
    token = login(client, "rita")
    session.expire_all()
    rows = session.scalars(
        sa.select(FieldValueRow)
        .join(Record)
        .where(Record.book_id == book.id, FieldValueRow.status == FieldStatus.NEEDS_REVIEW)
    ).all()
    for row in rows:
        r = client.post(
            f"/records/{row.record_id}/fields/{row.id}",
            data={"csrf_token": token, "version": str(row.version), "value": row.value or ""},
        )
        assert r.status_code == 303


def test_approve_only_when_nothing_is_pending_then_reopen_with_a_reason(
    client: TestClient, session: Session, review_book: Book
) -> None:
    token = login(client, "sam")
    r = client.post(f"/books/{review_book.id}/approve", data={"csrf_token": token})
    assert r.status_code == 400 and "3 field(s) needing review" in r.text
    assert session.scalar(sa.select(Book.approved_at).where(Book.id == review_book.id)) is None

    _review_all(client, session, review_book)
    token = login(client, "sam")
    page = client.get(f"/books/{review_book.id}").text
    assert 'id="approve" >' in page or 'id="approve">' in page  # enabled now
    r = client.post(f"/books/{review_book.id}/approve", data={"csrf_token": token})
    assert r.status_code == 303
    session.expire_all()
    assert all(rec.final_at is not None for rec in records_of(session, review_book))
    assert "records are final" in client.get(f"/books/{review_book.id}").text

    r = client.post(f"/books/{review_book.id}/reopen", data={"csrf_token": token, "reason": " "})
    assert r.status_code == 400 and "needs a reason" in r.text
    r = client.post(
        f"/books/{review_book.id}/reopen",
        data={"csrf_token": token, "reason": "entry 2: father's name misspelt in the register"},
    )
    assert r.status_code == 303
    session.expire_all()
    assert all(rec.final_at is None for rec in records_of(session, review_book))
    events = rv.approval_events(session, review_book.id)
    assert [(e.action, e.by) for e in events] == [
        (ApprovalAction.APPROVE, "sam"),
        (ApprovalAction.REOPEN, "sam"),
    ]
    assert events[1].reason == "entry 2: father's name misspelt in the register"


def test_audit_sample_and_error_rate(
    client: TestClient, session: Session, review_book: Book
) -> None:
    token = login(client, "sam")
    r = client.post(f"/books/{review_book.id}/audit/draw", data={"csrf_token": token, "size": "3"})
    assert r.status_code == 303
    samples = rv.audit_samples(session, review_book.id)
    assert len(samples) == 3
    assert all(f.status is FieldStatus.ACCEPTED and f.source.value == "ocr" for _, f in samples)
    # Every accepted field is drawn (three); the name is found wrong, a date right.
    s2 = next(s for s, f in samples if f.key == "child.full_name")
    s1 = next(s for s, f in samples if f.key == "registration_date")
    assert (
        client.post(f"/audit/{s1.id}", data={"csrf_token": token, "verdict": "correct"}).status_code
        == 303
    )
    r = client.post(
        f"/audit/{s2.id}", data={"csrf_token": token, "verdict": "wrong", "value": "Lê Thị Bình"}
    )
    assert r.status_code == 303
    page = client.get(f"/books/{review_book.id}/audit").text
    assert "50.0 %" in page and "1 wrong of 2 checked" in page
    session.expire_all()
    corrected = session.get(FieldValueRow, s2.field_value_id)
    assert corrected is not None and corrected.value == "Lê Thị Bình"
    assert field_history(session, corrected.id)[-1].reason == "audit: the accepted value was wrong"
    verdicts = session.scalars(sa.select(AuditSample.verdict)).all()
    assert sorted(verdicts, key=str) == sorted(
        [AuditVerdict.CORRECT, AuditVerdict.WRONG, None], key=str
    )
    assert "50.0 %" in client.get("/books").text  # kept and shown on the books page
    # A second draw finds nothing left: every accepted field was drawn once, none twice.
    more = rv.draw_audit_sample(session, review_book.id, "sam", 100, rng=random.Random(1))
    assert more == []


def test_dashboard_counts_saves_per_reviewer(
    client: TestClient, session: Session, review_book: Book
) -> None:
    _review_all(client, session, review_book)
    login(client, "sam")
    page = client.get("/dashboard").text
    assert "<td>rita</td><td>3</td><td>3</td><td>0</td><td>2</td>" in page
    stats = rv.reviewer_stats(session, review_book.id)
    assert [(s.username, s.saves, s.accepts, s.corrections) for s in stats] == [("rita", 3, 3, 0)]
