"""Extracts over HTTP (SQLite and PostgreSQL): staff issue one, the QR code read off the PDF
leads to a public ``valid`` verification, revoking turns it ``revoked``; verification shows no
ethnicity, ID numbers or parents and is rate-limited; a citizen's request runs through its
state machine to a signed download, and requests without a valid relationship are refused and
logged."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
import zxingcpp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from certify.signing import TestPki, check_signature, make_test_pki
from civreg_cli.settings import Settings
from extraction.types import RegisterType
from registry_db import Record
from registry_db.certificates import ExtractRequest, ExtractRequestEvent
from registry_db.models import AccessLog
from tests.certify.conftest import BIRTH, make_register
from tests.review_ui.conftest import csrf_of, login

VERIFY_LIMIT = 6


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return make_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def settings(tmp_path: Path, db_url: str, pki: TestPki) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        db_url=db_url,
        cookie_secure=False,
        secret_key="test-secret-key-not-for-production",
        extract_key_file=pki.office_key,
        extract_cert_file=pki.office_cert,
        extract_signer_name="Lê Văn Bình",
        public_base_url="http://testserver",
        verify_rate_per_minute=VERIFY_LIMIT,
    )


def final_record(session: Session, approve: bool = True) -> int:
    book = make_register(session, RegisterType.BIRTH, [BIRTH], approve=approve)
    record_id = session.scalar(sa.select(Record.id).where(Record.book_id == book.id))
    assert record_id is not None
    return record_id


def qr_url(pdf: bytes) -> str:
    image = pdfium.PdfDocument(pdf)[0].render(scale=2).to_pil()
    (found,) = zxingcpp.read_barcodes(image)
    return found.text


def test_issue_verify_revoke(
    app: FastAPI, client: TestClient, session: Session, pki: TestPki
) -> None:
    record_id = final_record(session)
    token = login(client, "sam")
    r = client.post(f"/records/{record_id}/extracts", data={"csrf_token": token})
    assert r.status_code == 303, r.text
    page = r.headers["location"]
    pdf = client.get(f"{page}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert check_signature(pdf.content, [pki.root_cert.read_bytes()]).ok

    url = qr_url(pdf.content)
    path = urlparse(url).path
    with TestClient(app, base_url="http://testserver") as public:  # not signed in
        answer = public.get(path, headers={"accept": "application/json"}).json()
        assert answer["status"] == "valid" and answer["name"] == BIRTH["child.full_name"]
        assert answer["event"] == "birth" and answer["event_date"] == "2015-03-15"
        html = public.get(path).text
        assert "HỢP LỆ" in html and BIRTH["child.full_name"] in html
        for secret in (BIRTH["child.personal_id"], BIRTH["mother.full_name"],
                       BIRTH["father.full_name"], "Kinh"):  # fmt: skip
            assert secret not in html and secret not in str(answer)

        r = client.post(f"{page}/revoke", data={"csrf_token": token, "reason": "issued in error"})
        assert r.status_code == 303
        assert public.get(path + "?format=json").json()["status"] == "revoked"
        assert public.get("/verify/AAAAAAAAAAAAAAAAAAAAAA?format=json").json() == {
            "status": "unknown",
            "replaced": False,
        }
    session.expire_all()
    actions = session.scalars(sa.select(AccessLog.action).where(AccessLog.username == "sam"))
    assert "download_extract" in set(actions)


def test_a_record_that_is_not_final_is_refused_with_the_reason(
    client: TestClient, session: Session
) -> None:
    record_id = final_record(session, approve=False)
    token = login(client, "sam")
    page = client.get(f"/records/{record_id}/extracts")
    assert "not final" in page.text
    r = client.post(f"/records/{record_id}/extracts", data={"csrf_token": token})
    assert r.status_code == 400 and "not final" in r.text


def test_verification_is_rate_limited(app: FastAPI) -> None:
    with TestClient(app, base_url="http://testserver") as public:
        codes = [public.get(f"/verify/{'A' * 22}?format=json").status_code for _ in range(10)]
    assert codes[:VERIFY_LIMIT] == [200] * VERIFY_LIMIT and codes[-1] == 429


REQUEST = {
    "kind": "birth",
    "personal_id": BIRTH["child.personal_id"],
    "requester_name": BIRTH["mother.full_name"],
    "requester_id_no": "001188009999",
    "requester_contact": "anh@example.vn",
    "relationship": "parent",
    "purpose": "school enrolment",
    "delivery": "electronic",
}


def test_a_citizen_request_runs_to_a_signed_download(
    app: FastAPI, client: TestClient, session: Session, pki: TestPki
) -> None:
    final_record(session)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as citizen:
        token = csrf_of(citizen, "/citizen/requests/new")
        refused = [
            {**REQUEST, "requester_name": "Người Lạ"},  # not a parent named on the record
            {**REQUEST, "relationship": "self"},  # not the person
            {**REQUEST, "relationship": "representative"},  # no authorisation document
            {**REQUEST, "personal_id": "001315099999"},  # unknown person
            {**REQUEST, "personal_id": "12345"},  # malformed personal number
        ]
        for form in refused:
            r = citizen.post("/citizen/requests", data={**form, "csrf_token": token})
            assert r.status_code == 400 and 'role="alert"' in r.text, form
        assert session.scalar(sa.select(sa.func.count()).select_from(ExtractRequest)) == 0
        logged = session.scalars(
            sa.select(AccessLog.purpose).where(AccessLog.action == "request_refused")
        ).all()
        assert sorted(logged) == sorted(
            ["relationship", "relationship", "relationship", "unknown_person", "bad_input"]
        )

        r = citizen.post("/citizen/requests", data={**REQUEST, "csrf_token": token})
        assert r.status_code == 200, r.text
        follow = re.search(r'class="follow" href="([^"]+)"', r.text)
        assert follow
        link = follow.group(1)
        assert citizen.get(link + "/extract.pdf").status_code == 400  # nothing issued yet

    item = session.scalar(sa.select(ExtractRequest))
    assert item is not None
    staff = login(client, "anna")
    for data in (
        {"to": "paid", "fee_vnd": "8000", "payment_ref": "PAY-1"},  # not yet approved
        {"to": "approved"},
        {"to": "paid", "fee_vnd": "8000", "payment_ref": ""},  # no payment reference
        {"to": "paid", "fee_vnd": "8000", "payment_ref": "VNPAY-20261130-0042"},
    ):
        r = client.post(f"/requests/{item.id}/move", data={**data, "csrf_token": staff})
        assert r.status_code in (303, 400), r.text
    r = client.post(f"/requests/{item.id}/issue", data={"csrf_token": staff})
    assert r.status_code == 303, r.text
    assert "issued" in client.get(f"/requests/{item.id}").text

    with TestClient(app, base_url="http://testserver") as citizen:
        assert "issued" in citizen.get(link).text
        pdf = citizen.get(link + "/extract.pdf")
    assert pdf.status_code == 200
    assert check_signature(pdf.content, [pki.root_cert.read_bytes()]).ok
    session.expire_all()
    moves = session.scalars(
        sa.select(ExtractRequestEvent.to_state)
        .where(ExtractRequestEvent.request_id == item.id)
        .order_by(ExtractRequestEvent.id)
    ).all()
    assert moves == ["submitted", "approved", "paid", "issued"]
    assert session.scalar(sa.select(ExtractRequest.payment_ref)) == "VNPAY-20261130-0042"
