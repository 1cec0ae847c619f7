"""The searchable PDF: page images with an invisible text layer that pdfplumber reads back as
the OCR words, at their boxes."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from exports.searchable_pdf import write_book_pdf
from exports.source import load_books
from tests.exports.conftest import BOOK_NO, DPI, HEIGHT, WIDTH, Registry


def test_text_layer_is_the_ocr_words(registry: Registry, tmp_path: Path) -> None:
    (book,) = load_books(registry.session, registry.data_dir, book_no=BOOK_NO)
    report = write_book_pdf(book, tmp_path)
    (path,) = report.files
    assert path.name == f"{book.slug}.pdf"
    n_words = sum(len(t.words) for t in registry.ocr.values())
    assert report.counts == {"pages": 3, "words": n_words}
    # page 3 has no image: left out and named; page 4 was never read: no text layer, named
    assert len(report.problems) == 2
    assert "page 3" in report.problems[0] and "left out of the PDF" in report.problems[0]
    assert "page 4 has no OCR output" in report.problems[1]

    scale = 72 / DPI
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 3
        for pdf_page, page_no in zip(pdf.pages, (1, 2, 4), strict=True):
            assert pdf_page.width == pytest.approx(WIDTH * scale, abs=0.1)
            assert pdf_page.height == pytest.approx(HEIGHT * scale, abs=0.1)
            assert len(pdf_page.images) == 1
            words = pdf_page.extract_words()
            ocr = registry.ocr.get(page_no)
            if ocr is None:
                assert words == []
                continue
            want = ocr.words
            assert [w["text"] for w in words] == [w.text for w in want]
            for got, w in zip(words, want, strict=True):
                x0, y0, x1, y1 = (v * scale for v in w.bbox)
                assert got["x0"] == pytest.approx(x0, abs=1.0), w.text
                assert got["x1"] == pytest.approx(x1, abs=1.5), w.text
                mid = (got["top"] + got["bottom"]) / 2
                assert y0 - 1 <= mid <= y1 + 1, w.text
    # every text object is drawn in render mode 3 (invisible): the page shows the scan only
    with pikepdf.open(path) as pdf:
        modes = [
            int(operands[0])
            for page in pdf.pages
            for operands, op in pikepdf.parse_content_stream(page)
            if str(op) == "Tr"
        ]
    assert len(modes) == n_words and set(modes) == {3}
