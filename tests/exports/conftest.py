"""A tiny registry for the export tests: one birth book of four small pages (150 dpi), words
drawn on the page images and the same words stored as each page's OCR output, and a few records.

- page 1: image, OCR output at the path the database keeps (relative to the data dir);
- page 2: image, OCR output found by the page's SHA-256 only (no path kept);
- page 3: no image file in the data dir (lost), with a record on it;
- page 4: image, never read (no OCR output).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from extraction.types import RecordResult
from ocr.types import Line, PageText, Word
from registry_db import PageInfo, get_or_create_book, mark_page, save_page_records, upsert_pages
from synth.fonts import find_font_file, load
from tests.conftest import RecordFactory

WIDTH, HEIGHT, DPI = 1240, 1754, 150
BOOK_NO = "07/2019"
PAGE_LINES = {
    1: [
        "SỔ ĐĂNG KÝ KHAI SINH",
        "Số: 1 Ngày, tháng, năm đăng ký: 02/03/2015",
        "Họ, chữ đệm, tên: Nguyễn Văn An",
        "Giới tính: Nam Dân tộc: Kinh Quốc tịch: Việt Nam",
    ],
    2: [
        "Số: 2 Ngày, tháng, năm đăng ký: 05/03/2015",
        "Họ, chữ đệm, tên: Trần Thị Bích Ngọc",
        "Nơi sinh: Bệnh viện Đa khoa Đức Giang",
    ],
    4: ["Ghi chú: trang trống"],
}


@dataclass
class Registry:
    session: Session
    data_dir: Path
    book_id: int
    ocr: dict[int, PageText]  # what each page's stored OCR output holds


def _sha(page_no: int) -> str:
    return f"{page_no:02d}" + "e" * 62


def _draw_page(lines: list[str], out: Path) -> PageText:
    """Draw ``lines`` on a page in colour and return the words' boxes as an OCR output."""
    assert find_font_file("DejaVuSans.ttf") is not None
    font = load("DejaVuSans.ttf", 28)
    image = Image.new("RGB", (WIDTH, HEIGHT), (246, 240, 226))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, WIDTH - 40, HEIGHT - 40), outline=(180, 40, 40), width=3)
    text_lines = []
    y = 120
    for i, line in enumerate(lines):
        x = 90
        words = []
        for j, word in enumerate(line.split()):
            x0, y0, x1, y1 = draw.textbbox((x, y), word, font=font)
            draw.text((x, y), word, font=font, fill=(20, 20, 90))
            words.append(Word(word, (x0, y0, x1, y1), round(0.55 + 0.04 * ((i + j) % 10), 2)))
            x = x1 + 16
        text_lines.append(Line(words))
        y += 80
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out)
    return PageText(WIDTH, HEIGHT, text_lines, engine="tesseract-5.3.0 vie psm=4")


def _record(make_record: RecordFactory, page_no: int, entry: str, top: int) -> RecordResult:
    rec = make_record(
        page_no,
        entry,
        values={"registration_date": "2015-03-02", "child.full_name": "Nguyễn Văn An"},
    )
    for i, f in enumerate(rec.fields.values()):
        f.bbox = (300, top + 80 * i, 900, top + 40 + 80 * i)
    return rec


@pytest.fixture
def registry(session: Session, tmp_path: Path, make_record: RecordFactory) -> Registry:
    data_dir = tmp_path / "data"
    book = get_or_create_book(
        session,
        register_type="birth",
        book_no=BOOK_NO,
        year=2015,
        registration_authority="UBND phường Ngọc Lâm",
        source_sha256="b" * 64,
        source_name="so-khai-sinh.pdf",
        page_count=4,
    )
    upsert_pages(
        session,
        book,
        [
            PageInfo(n, _sha(n), f"pages/{_sha(n)}.png", WIDTH, HEIGHT, dpi=DPI)
            for n in (1, 2, 3, 4)
        ],
    )
    ocr: dict[int, PageText] = {}
    for n in (1, 2, 4):
        text = _draw_page(PAGE_LINES[n], data_dir / "pages" / f"{_sha(n)}.png")
        if n != 4:
            path = data_dir / "ocr" / "0123456789ab" / _sha(n)[:2] / f"{_sha(n)}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            text.save(path)
            ocr[n] = text
    mark_page(session, book.id, 1, "ocr_done", ocr_path=f"ocr/0123456789ab/01/{_sha(1)}.json")
    records = {
        1: [_record(make_record, 1, "1", 200), _record(make_record, 1, "2", 600)],
        2: [_record(make_record, 2, "3", 200)],
        3: [_record(make_record, 3, "4", 200)],
    }
    for page_no, recs in records.items():
        save_page_records(session, book.id, page_no, recs, extractor_version="test")
    session.commit()
    return Registry(session, data_dir, book.id, ocr)
