"""The Tesseract engines and the page reader, on pages drawn at test time."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from extraction.syllables import text_plausibility
from ocr.engine import TesseractCliEngine, TesseractEngine
from ocr.page import read_page
from ocr.types import PageText
from tests.ocr.test_preprocess import text_page

LINES = ["Họ, chữ đệm, tên: NGUYỄN THỊ MINH ANH", "Ngày, tháng, năm sinh: 15/03/2015"]


def test_engines_read_the_same_words(tesseract: TesseractEngine) -> None:
    page = text_page(LINES)
    a = tesseract.read(page)
    b = TesseractCliEngine().read(page)
    assert a.text.splitlines() == LINES
    assert b.text.splitlines() == LINES
    for w in a.words:
        x0, y0, x1, y1 = w.bbox
        assert 0 <= x0 < x1 <= page.shape[1] and 0 <= y0 < y1 <= page.shape[0]
        assert 0.0 <= w.conf <= 1.0


def test_date_confidence_is_the_weakest_symbol(tesseract: TesseractEngine) -> None:
    # Tesseract's own word confidence for vie collapses on dd/mm/yyyy; ours must not.
    page = text_page(["Sinh ngày: 18/11/2017", "Đăng ký: 04/01/2018"])
    words = [w for w in tesseract.read(page).words if "/" in w.text]
    assert [w.text for w in words] == ["18/11/2017", "04/01/2018"]
    assert all(w.conf > 0.8 for w in words)


def test_upside_down_page_is_turned_and_boxes_stay_on_the_stored_image(
    tesseract: TesseractEngine,
) -> None:
    page = text_page(LINES)
    turned = cv2.rotate(page, cv2.ROTATE_180)
    reading = read_page(turned, tesseract, plausibility=text_plausibility)
    assert "rotated_180" in reading.warnings
    assert reading.text.text.splitlines() == LINES
    # Boxes are on the stored (upside-down) image: the first word sits bottom right.
    first = reading.text.lines[0].words[0]
    assert first.bbox[0] > turned.shape[1] / 2 and first.bbox[1] > turned.shape[0] / 2


def test_blank_page_is_reported(tesseract: TesseractEngine) -> None:
    reading = read_page(np.full((2000, 1500), 240, np.uint8), tesseract)
    assert reading.warnings == ["blank"] and not reading.text.words


def test_page_text_round_trip(tmp_path: Path, tesseract: TesseractEngine) -> None:
    page = tesseract.read(text_page(LINES))
    page.save(tmp_path / "p.json")
    again = PageText.load(tmp_path / "p.json")
    assert again == page
