"""The reviewer's path over HTTP: queue, review screen, accept, correct, conflict."""

from __future__ import annotations

import io
import re

import numpy as np
import sqlalchemy as sa
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.orm import Session

from extraction.types import FieldStatus
from registry_db import Book, FieldRevision, FieldValueRow, Record, field_history
from registry_db import review as rv
from registry_db.models import AccessLog, FieldSource
from tests.review_ui.conftest import login, records_of


def _field(session: Session, record: Record, key: str) -> FieldValueRow:
    session.expire_all()
    row = session.scalar(
        sa.select(FieldValueRow).where(
            FieldValueRow.record_id == record.id, FieldValueRow.key == key
        )
    )
    assert row is not None
    return row


def _save(
    client: TestClient, token: str, row: FieldValueRow, value: str, version: int | None = None
):  # type: ignore[no-untyped-def]
    return client.post(
        f"/records/{row.record_id}/fields/{row.id}",
        data={
            "csrf_token": token,
            "version": str(row.version if version is None else version),
            "value": value,
        },
    )


def test_queue_is_worst_first_and_filters(
    client: TestClient, session: Session, review_book: Book
) -> None:
    first, second = records_of(session, review_book)
    login(client, "rita")
    page = client.get("/queue").text
    order = re.findall(r'href="/records/(\d+)"', page)
    assert order == [str(first.id), str(second.id)]  # two doubtful fields before one
    assert "the text was read with low confidence" in page
    assert (
        client.get(f"/queue?book={review_book.id}&reason=low_confidence").text.count("/records/")
        == 2
    )
    assert "/records/" not in client.get("/queue?reason=date_words_mismatch").text
    assert client.get("/queue?reason=bad'code").status_code == 400


def test_review_screen_shows_image_ocr_value_reasons(
    client: TestClient, session: Session, review_book: Book
) -> None:
    first, _ = records_of(session, review_book)
    login(client, "rita")
    page = client.get(f"/records/{first.id}").text
    name = _field(session, first, "child.full_name")
    assert f'data-crop="/fields/{name.id}/crop.png"' in page
    assert "OCR: «Nguyễn Văn An»" in page and 'value="Nguyễn Văn An"' in page
    assert "chữ đọc chưa chắc chắn" in page and "Child&#39;s full name" in page
    assert page.count('class="field doubtful"') == 2
    crop = client.get(f"/fields/{name.id}/crop.png")
    assert crop.status_code == 200 and crop.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(crop.content))
    assert image.width <= 900 and image.height < 400  # a crop, not the page
    pixels = np.asarray(image.convert("RGB"))
    red = int(((pixels[..., 0] > 200) & (pixels[..., 1] < 60)).sum())
    assert red > 100  # the field's box is drawn
    log = session.scalars(sa.select(AccessLog).order_by(AccessLog.id)).all()
    assert [(e.username, e.action, e.purpose, e.record_id) for e in log] == [
        ("rita", "view_record", "review", first.id),
        ("rita", "view_image", "review", first.id),
    ]


def test_accept_and_correct_write_revisions(
    client: TestClient, session: Session, review_book: Book
) -> None:
    first, _ = records_of(session, review_book)
    token = login(client, "rita")
    sex = _field(session, first, "child.sex")
    r = _save(client, token, sex, "Nam")  # unchanged: an accept
    assert r.status_code == 303
    assert "focus=child.full_name" in r.headers["location"]  # on to the next doubtful field
    name = _field(session, first, "child.full_name")
    r = _save(client, token, name, "  Nguyễn   Văn Anh ")
    assert r.status_code == 303
    name = _field(session, first, "child.full_name")
    assert name.value == "Nguyễn Văn Anh" and name.status is FieldStatus.ACCEPTED
    assert name.source is FieldSource.REVIEWER and name.raw == "Nguyễn Văn An"
    history = field_history(session, name.id)
    assert [(h.revision_no, h.old_value, h.new_value, h.changed_by) for h in history] == [
        (1, None, "Nguyễn Văn An", "pipeline:v1"),
        (2, "Nguyễn Văn An", "Nguyễn Văn Anh", "rita"),
    ]
    assert history[1].reason == "corrected against the page image"
    sex_history = field_history(session, sex.id)
    assert sex_history[-1].old_value == sex_history[-1].new_value == "Nam"
    assert sex_history[-1].reason == "accepted by reviewer"
    session.expire_all()
    assert session.get(Record, first.id).status is FieldStatus.ACCEPTED  # type: ignore[union-attr]
    page = client.get(r.headers["location"]).text
    assert "Đã lưu · Saved: Child&#39;s full name" in page
    assert "lần đọc đầu · first read: «Nguyễn Văn An»" in page


def test_a_value_of_the_wrong_form_is_refused_and_nothing_saved(
    client: TestClient, session: Session, review_book: Book
) -> None:
    first, _ = records_of(session, review_book)
    token = login(client, "rita")
    sex = _field(session, first, "child.sex")
    r = _save(client, token, sex, "male?")
    assert r.status_code == 422 and "type Nam or Nữ" in r.text and 'value="male?"' in r.text
    assert _field(session, first, "child.sex").version == 1
    r = _save(client, token, _field(session, first, "registration_date"), "31/02/2015")
    assert r.status_code == 422 and "not a date" in r.text
    r = _save(client, token, _field(session, first, "registration_date"), "01/03/2015")
    assert r.status_code == 303
    assert _field(session, first, "registration_date").value == "2015-03-01"


def test_checks_run_again_on_save_and_show_at_once(
    client: TestClient, session: Session, review_book: Book
) -> None:
    first, _ = records_of(session, review_book)
    token = login(client, "rita")
    # A registration date before the birth... of a record with no date of birth: no finding.
    date = _field(session, first, "registration_date")
    r = _save(client, token, date, "01/03/1990")
    assert r.status_code == 303
    assert _field(session, first, "registration_date").reasons == []
    page = client.get(r.headers["location"]).text
    assert "Đã lưu · Saved: Registration date." in page


def test_edit_conflict_shows_both_values_and_loses_nothing(
    client: TestClient, session: Session, review_book: Book, app: object
) -> None:
    first, _ = records_of(session, review_book)
    name = _field(session, first, "child.full_name")
    seen_version = name.version
    token_rita = login(client, "rita")
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as other:  # type: ignore[arg-type]
        token_ron = login(other, "ron")
        assert _save(other, token_ron, name, "Nguyễn Văn Ân").status_code == 303
    r = _save(client, token_rita, name, "Nguyễn Văn Anh", version=seen_version)
    assert r.status_code == 409
    assert "«Nguyễn Văn Ân»" in r.text and "«Nguyễn Văn Anh»" in r.text and "by ron" in r.text
    assert _field(session, first, "child.full_name").value == "Nguyễn Văn Ân"
    seen = session.scalars(
        sa.select(AccessLog.purpose).where(
            AccessLog.username == "rita", AccessLog.record_id == first.id
        )
    ).all()
    assert "edit conflict" in seen  # the stored value was shown to her: a read, logged
    version = re.search(r'name="version" value="(\d+)"', r.text)
    assert version and int(version.group(1)) == seen_version + 1
    r = client.post(
        f"/records/{first.id}/fields/{name.id}",
        data={
            "csrf_token": token_rita,
            "version": version.group(1),
            "value": "Nguyễn Văn Anh",
            "reason": "resolved an edit conflict",
        },
    )
    assert r.status_code == 303
    history = field_history(session, name.id)
    assert [(h.new_value, h.changed_by, h.reason) for h in history[1:]] == [
        ("Nguyễn Văn Ân", "ron", "corrected against the page image"),
        ("Nguyễn Văn Anh", "rita", "resolved an edit conflict"),
    ]


def test_next_record_and_final_records(
    client: TestClient, session: Session, review_book: Book
) -> None:
    first, second = records_of(session, review_book)
    token = login(client, "rita")
    r = client.get(f"/records/{first.id}/next")
    assert r.status_code == 303 and r.headers["location"] == f"/records/{second.id}"
    for record in (first, second):
        for row in _fields_needing_review(session, record):
            assert _save(client, token, row, row.value or "").status_code == 303
    assert (
        client.get(f"/records/{first.id}/next").headers["location"]
        == f"/queue?book={review_book.id}"
    )
    rv.approve_book(session, review_book.id, "sam")
    row = _field(session, first, "child.full_name")
    r = _save(client, token, row, "Khác")
    assert r.status_code == 400 and "final" in r.text
    assert _field(session, first, "child.full_name").value == row.value
    assert (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(FieldRevision)
            .where(FieldRevision.field_value_id == row.id)
        )
        == 2
    )


def _fields_needing_review(session: Session, record: Record) -> list[FieldValueRow]:
    session.expire_all()
    return list(
        session.scalars(
            sa.select(FieldValueRow).where(
                FieldValueRow.record_id == record.id,
                FieldValueRow.status == FieldStatus.NEEDS_REVIEW,
            )
        )
    )
