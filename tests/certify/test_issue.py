"""Issuing extracts on a real registry (SQLite and PostgreSQL): the PDF's content, fonts and
PDF/A marks, the QR code decoded from the rendered page and followed to its verification, the
PAdES signature validated and broken by one changed byte, revocation, refusals and reissue."""

from __future__ import annotations

import io
from urllib.parse import urlparse

import pikepdf
import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
import zxingcpp
from sqlalchemy.orm import Session

from certify.issue import (
    IssueOptions,
    NotCertifiable,
    Verdict,
    issue_extract,
    reissue_extract,
    revoke_extract,
    verify_code,
)
from certify.signing import TestPki, check_signature
from extraction.types import FieldStatus, RegisterType
from registry_db import Book, FieldValueRow, Record, update_field
from registry_db import review as rv
from registry_db.certificates import REASON_CORRECTED, Extract, ExtractStatus
from tests.certify.conftest import DEATH, MARRIAGE, OFFICE, make_register, pki_root


def pdf_text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in doc)


def qr_payloads(pdf: bytes) -> list[str]:
    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=2).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image)]


def record_of(session: Session, book: Book) -> Record:
    record = session.scalar(sa.select(Record).where(Record.book_id == book.id).limit(1))
    assert record is not None
    return record


def test_a_birth_extract_is_complete_signed_and_verifiable(
    session: Session, birth_book: Book, options: IssueOptions, pki: TestPki
) -> None:
    record = record_of(session, birth_book)
    extract = issue_extract(session, record.id, by="sam", options=options)
    assert extract.number_text == "1/TLKS-BS" and extract.signed
    text = pdf_text(extract.pdf)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        OFFICE.upper(),
        "Số: 1/TLKS-BS",
        "TRÍCH LỤC KHAI SINH",
        "Nguyễn Thị Hồng Nhung",
        "15/03/2015",
        "Ngày mười lăm tháng ba năm hai nghìn không trăm mười lăm",
        "001315012345",
        "Trần Thị Ánh",
        "Nơi đăng ký khai sinh: UBND phường Ngọc Lâm",
        "Quyển số: 01",
        "20/03/2015",
        "Hà Nội, ngày",
        "Lê Văn Bình",
        extract.code,
    ):
        assert expected in text, expected

    # Every font is embedded (TrueType subsets) and the file says PDF/A-2b.
    with pikepdf.open(io.BytesIO(extract.pdf)) as doc:
        fonts = doc.pages[0].Resources.Font
        assert len(fonts) >= 2
        for name in fonts.keys():  # noqa: SIM118 (a pikepdf Dictionary)
            descriptor = fonts[name].FontDescriptor
            assert "/FontFile2" in descriptor, name
        meta = doc.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert doc.Root.OutputIntents[0].S == "/GTS_PDFA1"

    # The QR code, read off the rendered page, leads to a valid verification.
    (url,) = qr_payloads(extract.pdf)
    assert url == f"https://hotich.example.vn/verify/{extract.code}"
    code = urlparse(url).path.rsplit("/", 1)[1]
    verdict = verify_code(session, code)
    assert verdict.status is Verdict.VALID
    assert verdict.as_dict() == {
        "status": "valid",
        "number": "1/TLKS-BS",
        "issued_on": verdict.issued_on,
        "name": "Nguyễn Thị Hồng Nhung",
        "event": "birth",
        "event_date": "2015-03-15",
        "office": OFFICE,
        "replaced": False,
    }

    # The signature validates against the test CA; one changed byte breaks it.
    check = check_signature(extract.pdf, [pki_root(pki)])
    assert check.ok and check.covers_whole_file, check.summary
    for offset in (len(extract.pdf) // 5, len(extract.pdf) // 2):
        damaged = bytearray(extract.pdf)
        damaged[offset] ^= 0x01
        assert not check_signature(bytes(damaged), [pki_root(pki)]).ok

    revoke_extract(session, extract.id, by="sam", reason="issued in error")
    assert verify_code(session, code).status is Verdict.REVOKED
    assert verify_code(session, "x" * 22).status is Verdict.UNKNOWN
    assert verify_code(session, "../../etc/passwd").status is Verdict.UNKNOWN


def test_death_and_marriage_extracts(session: Session, options: IssueOptions) -> None:
    death = make_register(session, RegisterType.DEATH, [DEATH])
    marriage = make_register(session, RegisterType.MARRIAGE, [MARRIAGE])
    d = issue_extract(session, record_of(session, death).id, by="sam", options=options)
    m = issue_extract(session, record_of(session, marriage).id, by="sam", options=options)
    assert (d.number_text, m.number_text) == ("1/TLKT-BS", "1/TLKH-BS")
    text = pdf_text(d.pdf)
    for expected in ("TRÍCH LỤC KHAI TỬ", "Phạm Văn Đức", "28/06/2019", "Bệnh già",
                     "Ngày hai mươi tám tháng sáu năm hai nghìn không trăm mười chín"):  # fmt: skip
        assert expected in text, expected
    text = pdf_text(m.pdf)
    for expected in ("TRÍCH LỤC KẾT HÔN", "Lê Thị Mai", "Hoàng Văn Nam", "Nơi đăng ký kết hôn"):
        assert expected in text, expected
    assert verify_code(session, d.code).event == "death"


def test_only_final_records_without_pending_work_are_certified(
    session: Session, options: IssueOptions
) -> None:
    book = make_register(session, RegisterType.BIRTH, [{"child.full_name": "A"}], approve=False)
    record = record_of(session, book)
    with pytest.raises(NotCertifiable) as refused:
        issue_extract(session, record.id, by="sam", options=options)
    assert any("not final" in r for r in refused.value.reasons)
    assert "A" not in str(refused.value).split(":")[0]  # no personal data in the message
    assert session.scalar(sa.select(sa.func.count()).select_from(Extract)) == 0

    rv.approve_book(session, book.id, "sam")
    field = session.scalar(sa.select(FieldValueRow).where(FieldValueRow.record_id == record.id))
    assert field is not None
    entry = rv.first_keying(session, field.id, field.version, "rita", "B")  # a pending keying
    with pytest.raises(NotCertifiable, match="second keying"):
        issue_extract(session, record.id, by="sam", options=options)
    rv.second_keying(session, entry.id, "ron", "B")
    # The failed attempts used no number: the first extract issued is number 1.
    assert issue_extract(session, record.id, by="sam", options=options).number == 1


def test_a_correction_after_issue_revokes_and_offers_a_reissue(
    session: Session, birth_book: Book, options: IssueOptions
) -> None:
    record = record_of(session, birth_book)
    first = issue_extract(session, record.id, by="sam", options=options)
    rv.reopen_book(session, birth_book.id, "sam", "a spelling mistake in the name")
    with pytest.raises(NotCertifiable, match="reopened"):
        issue_extract(session, record.id, by="sam", options=options)
    field = session.scalar(
        sa.select(FieldValueRow).where(
            FieldValueRow.record_id == record.id, FieldValueRow.key == "child.full_name"
        )
    )
    assert field is not None
    update_field(
        session,
        field.id,
        new_value="Nguyễn Thị Hồng Nhụng",
        new_status=FieldStatus.ACCEPTED,
        changed_by="rita",
        expected_version=field.version,
        reason="spelling per the birth notice",
    )
    session.expire_all()
    old = session.get(Extract, first.id)
    assert old is not None and old.status is ExtractStatus.REVOKED
    assert old.reissue_offered and old.revoked_reason == REASON_CORRECTED
    assert verify_code(session, first.code).status is Verdict.REVOKED

    rv.approve_book(session, birth_book.id, "sam")
    new = reissue_extract(session, first.id, by="sam", options=options)
    assert new.number == 2 and new.replaces_id == first.id
    text = pdf_text(new.pdf)
    assert "Nguyễn Thị Hồng Nhụng" in text
    assert "cải chính Họ, chữ đệm, tên" in text and "spelling per the birth notice" in text
    assert verify_code(session, first.code).replaced
    assert verify_code(session, new.code).status is Verdict.VALID
