"""The exchange package: a zip per book with a colour PDF per record, an XLSX with one row per
record (columns named as printed in the register) and a manifest naming what could not be cut."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from openpyxl import load_workbook

from exports.exchange import (
    LEAD_COLUMNS,
    TAIL_COLUMNS,
    columns,
    record_regions,
    write_book_package,
)
from exports.searchable_pdf import write_book_pdf
from exports.source import load_books, load_records
from extraction.forms import FORMS
from tests.exports.conftest import BOOK_NO, DPI, HEIGHT, WIDTH, Registry


@pytest.mark.parametrize("register_type", sorted(FORMS))
def test_columns_are_the_printed_labels_once_each(register_type: str) -> None:
    cols = columns(register_type)
    headers = [*LEAD_COLUMNS, *(c.header for c in cols), *TAIL_COLUMNS]
    assert len(set(headers)) == len(headers)
    assert [c.key for c in cols] == list(FORMS[register_type].keys)
    labels = {c.key: c.header for c in cols}
    assert labels["registration_date"] == "Ngày, tháng, năm đăng ký"
    if register_type == "birth":
        assert labels["child.full_name"] == "Họ, chữ đệm, tên"
        assert labels["mother.ethnicity"] == "Dân tộc (người mẹ)"
        assert labels["declarant.id_doc_no"] == "Giấy tờ tùy thân: số"
    if register_type == "marriage":
        assert labels["husband.id_doc_no"] == "Giấy tờ tùy thân: số (chồng)"
    if register_type == "death":
        assert labels["death.cause"] == "Nguyên nhân chết"
        assert labels["declarant.id_doc_no"] == "Giấy tờ tùy thân: số (người đi khai tử)"


def test_package(registry: Registry, tmp_path: Path) -> None:
    (book,) = load_books(registry.session, registry.data_dir, book_no=BOOK_NO)
    book.records = load_records(registry.session, book)
    assert len(book.records) == 4
    report = write_book_package(book, tmp_path / "out")
    (path,) = report.files
    assert path.name == f"birth-07-2019-{book.id}.zip"
    with zipfile.ZipFile(path) as zf:
        names = sorted(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        xlsx = zf.read(f"{book.slug}.xlsx")
        pdfs = {n: zf.read(n) for n in names if n.endswith(".pdf")}
    assert sorted(pdfs) == ["ho-so/0001_so-1.pdf", "ho-so/0002_so-2.pdf", "ho-so/0003_so-3.pdf"]

    # XLSX: one row per record, Vietnamese headers, dates as dates, the PDF named per row
    wb = load_workbook(io.BytesIO(xlsx))
    ws = wb["Khai sinh"]
    rows = list(ws.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == len(book.records) == 4
    assert header[:3] == ("Số", "Quyển số", "Trang")
    col = {name: i for i, name in enumerate(header)}
    assert [r[0] for r in body] == ["1", "2", "3", "4"]
    assert body[0][col["Ngày, tháng, năm đăng ký"]] == datetime(2015, 3, 2)
    assert body[0][col["Họ, chữ đệm, tên"]] == "Nguyễn Văn An"
    assert body[0][col["Quyển số"]] == BOOK_NO
    assert [r[col["Tệp PDF"]] for r in body] == [
        "0001_so-1.pdf",
        "0002_so-2.pdf",
        "0003_so-3.pdf",
        None,
    ]
    assert dict(wb["Thông tin sổ"].iter_rows(values_only=True))["Số hồ sơ"] == 4

    # a record whose page image is lost keeps its row, has no PDF, and is named
    lost = manifest["records"][3]
    assert lost["pdf"] is None and lost["pages"] == [3]
    assert "page 3: its image" in lost["problems"][0]
    assert manifest["records_without_pdf"] == 1
    assert len(report.problems) == 1 and "record 4 (entry 4)" in report.problems[0]
    assert "no PDF for this record" in report.problems[0]

    # each PDF: the record's region of its page at print size, a colour image
    first = manifest["records"][0]["regions"][0]
    x0, y0, x1, y1 = first["bbox"]
    margin = round(0.15 * DPI)
    assert (x0, x1) == (0, WIDTH) and not first["whole_page"]
    assert (y0, y1) == (200 - margin, 200 + 80 + 40 + margin)
    for name, data in pdfs.items():
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            assert len(pdf.pages) == 1, name
        with pikepdf.open(io.BytesIO(data)) as pdf:
            (image,) = pdf.pages[0].get_images().values()
            assert image.ColorSpace == "/DeviceRGB" and list(image.Filter) == ["/DCTDecode"]
    with pdfplumber.open(io.BytesIO(pdfs["ho-so/0001_so-1.pdf"])) as pdf:
        page = pdf.pages[0]
        assert page.width == pytest.approx(WIDTH * 72 / DPI, abs=0.1)
        assert page.height == pytest.approx((y1 - y0) * 72 / DPI, abs=0.1)


def test_region_is_the_whole_page_without_boxes(registry: Registry) -> None:
    (book,) = load_books(registry.session, registry.data_dir, book_no=BOOK_NO)
    (record, *_) = load_records(registry.session, book)
    for f in record.data["fields"].values():
        f["bbox"] = None
    (region,) = record_regions(record, book.pages)
    assert region.whole_page and region.bbox == (0, 0, WIDTH, HEIGHT)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_damaged_page_image_is_named_not_fatal(registry: Registry, tmp_path: Path) -> None:
    (book,) = load_books(registry.session, registry.data_dir, book_no=BOOK_NO)
    page2 = book.pages[2].image
    assert page2 is not None
    page2.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    book.records = load_records(registry.session, book)
    report = write_book_package(book, tmp_path / "zip")
    assert len(report.files) == 1 and report.counts == {"records": 4, "pdfs": 2}
    assert any("record 3 (entry 3): page 2: its image cannot be read" in p for p in report.problems)
    pdf_report = write_book_pdf(book, tmp_path / "pdf")
    assert pdf_report.counts["pages"] == 2
    assert any("page 2: its image cannot be read" in p for p in pdf_report.problems)
