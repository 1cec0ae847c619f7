"""Fixtures for extracts: a throwaway CA and office certificate made at test time, issuing
options signed with it, and registers (birth, death, marriage) whose books are approved."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from certify.issue import IssueOptions
from certify.signing import TestPki, load_signer, make_test_pki
from extraction.types import FieldStatus, FieldValue, RecordResult, RegisterType
from registry_db import Book, PageInfo, finish_book, get_or_create_book, save_page_records
from registry_db import review as rv

OFFICE = "UBND phường Ngọc Lâm"

BIRTH = {
    "registration_date": "2015-03-20",
    "child.full_name": "Nguyễn Thị Hồng Nhung",
    "child.date_of_birth": "2015-03-15",
    "child.date_of_birth_words": "Ngày mười lăm tháng ba năm hai nghìn không trăm mười lăm",
    "child.sex": "Nữ",
    "child.ethnicity": "Kinh",
    "child.nationality": "Việt Nam",
    "child.place_of_birth": "Bệnh viện Phụ sản Hà Nội",
    "child.home_town": "xã Yên Sở, huyện Hoài Đức, thành phố Hà Nội",
    "child.personal_id": "001315012345",
    "mother.full_name": "Trần Thị Ánh",
    "mother.birth_year": "1988",
    "father.full_name": "Nguyễn Văn Bình",
    "father.birth_year": "1985",
    "declarant.full_name": "Nguyễn Văn Bình",
    "registration_kind": "dung_han",
}
DEATH = {
    "registration_date": "2019-07-02",
    "deceased.full_name": "Phạm Văn Đức",
    "deceased.date_of_birth": "1940-01-05",
    "deceased.sex": "Nam",
    "deceased.ethnicity": "Kinh",
    "deceased.nationality": "Việt Nam",
    "deceased.personal_id": "001040000123",
    "deceased.residence": "phường Ngọc Lâm, quận Long Biên, Hà Nội",
    "death.time": "14:30",
    "death.date": "2019-06-28",
    "death.date_words": "Ngày hai mươi tám tháng sáu năm hai nghìn không trăm mười chín",
    "death.place": "Bệnh viện Đức Giang",
    "death.cause": "Bệnh già",
}
MARRIAGE = {
    "registration_date": "2020-10-10",
    "wife.full_name": "Lê Thị Mai",
    "wife.date_of_birth": "1995-02-01",
    "husband.full_name": "Hoàng Văn Nam",
    "husband.date_of_birth": "1993-12-24",
}
VALUES = {RegisterType.BIRTH: BIRTH, RegisterType.DEATH: DEATH, RegisterType.MARRIAGE: MARRIAGE}


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return make_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def options(pki: TestPki) -> IssueOptions:
    return IssueOptions(
        place="Hà Nội",
        signer_title="Chủ tịch",
        signer_name="Lê Văn Bình",
        base_url="https://hotich.example.vn",
        signer=load_signer(pki.office_key, pki.office_cert),
    )


@pytest.fixture(scope="session")
def unsigned_options() -> IssueOptions:
    return IssueOptions(
        place="Hà Nội", signer_title="Chủ tịch", signer_name="Lê Văn Bình", base_url="http://t"
    )


def record_result(
    kind: RegisterType, values: dict[str, str], entry_no: str, page_no: int = 1
) -> RecordResult:
    return RecordResult(
        register_type=kind,
        book_no="01",
        entry_no=entry_no,
        registration_authority=OFFICE,
        pages=[page_no],
        fields={
            key: FieldValue(
                key=key,
                value=value,
                raw=value,
                confidence=0.99,
                page=page_no,
                bbox=(10, 20, 400, 50),
                status=FieldStatus.ACCEPTED,
                reasons=[],
            )
            for key, value in values.items()
        },
    )


def make_register(
    session: Session,
    kind: RegisterType,
    records: list[dict[str, str]],
    *,
    approve: bool = True,
    book_no: str = "01",
) -> Book:
    """A done book of ``kind`` with one page holding ``records`` (all accepted), approved."""
    book = get_or_create_book(
        session,
        register_type=kind,
        book_no=book_no,
        year=2015,
        registration_authority=OFFICE,
        source_sha256=f"{kind.value}{book_no}".ljust(64, "0"),
        source_name=f"{kind.value}-{book_no}.pdf",
        page_count=1,
    )
    from registry_db import upsert_pages

    upsert_pages(session, book, [PageInfo(1, "b" * 64, "pages/0001.png", width=2480, height=3508)])
    save_page_records(
        session,
        book.id,
        1,
        [record_result(kind, values, str(i + 1)) for i, values in enumerate(records)],
        extractor_version="v1",
    )
    finish_book(session, book.id)
    if approve:
        rv.approve_book(session, book.id, "sam")
    return book


@pytest.fixture
def birth_book(session: Session) -> Book:
    return make_register(session, RegisterType.BIRTH, [BIRTH])


def pki_root(pki: TestPki) -> bytes:
    return Path(pki.root_cert).read_bytes()
