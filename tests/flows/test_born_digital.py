"""A born-digital book (a PDF with real text, as registry software prints it) is read from its
text layer, not OCR'd, and goes into the registry field by field."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extraction.types import RegisterType
from flows import steps
from flows.steps import BookRequest
from ingest import ingest_book
from registry_db import repository as repo
from tests.extraction.test_extract import ENTRY

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def born_digital_pdf(path: Path, lines: list[str]) -> None:
    """One A4 page with each line as real text in an embedded TrueType font."""
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    data = FONT.read_bytes()
    buf = (ctypes.c_ubyte * len(data)).from_buffer_copy(data)
    font = pdfium_c.FPDFText_LoadFont(pdf.raw, buf, len(data), pdfium_c.FPDF_FONT_TRUETYPE, 1)
    keep = []  # the text buffers must outlive the calls that read them
    for i, line in enumerate(lines):
        obj = pdfium_c.FPDFPageObj_CreateTextObj(pdf.raw, font, 10.0)
        text = ctypes.create_string_buffer((line + "\0").encode("utf-16-le"))
        keep.append(text)
        pdfium_c.FPDFText_SetText(obj, ctypes.cast(text, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 40, 800 - 22 * i)
        pdfium_c.FPDFPage_InsertObject(page.raw, obj)
    pdfium_c.FPDFPage_GenerateContent(page.raw)
    pdf.save(str(path))


def test_text_layer_is_used_and_fields_are_right(tmp_path: Path) -> None:
    source = tmp_path / "printed.pdf"
    born_digital_pdf(source, ENTRY)
    data = tmp_path / "data"
    book = ingest_book(source, data)
    [page] = book.pages
    assert page.text_layer is not None and page.text_layer.source == "text_layer"

    outcome = steps.read_stored_page(page, data, steps.shared_engine())
    assert outcome.ok and "text_layer" in outcome.warnings
    assert "tesseract" not in outcome.engine  # nothing was OCR'd

    db_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    engine = repo.make_engine(db_url)
    repo.upgrade(engine)
    req = BookRequest(source, RegisterType.BIRTH, "01/2018", "UBND phường Ngọc Lâm")
    book_id, todo = steps.register_book(engine, req, book)
    assert todo == [1]
    assert steps.load_page(engine, book_id, req, outcome, 2018) == 1
    with repo.session_factory(engine)() as s:
        [rec] = list(repo.iter_export_records(s, book_no="01/2018"))
    f = rec["fields"]
    assert rec["entry_no"] == "125"
    assert f["child.full_name"]["value"] == "NGUYỄN THỊ MINH ANH"
    assert f["child.date_of_birth"]["value"] == "2018-03-15"
    assert f["child.place_of_birth"]["value"].startswith("Bệnh viện Phụ sản Hà Nội")
    assert f["mother.ethnicity"]["value"] == "Tày"
    assert f["declarant.id_doc_no"]["value"] == "001190012345"
    assert f["child.full_name"]["status"] == "accepted"
    assert f["child.full_name"]["confidence"] == 1.0
