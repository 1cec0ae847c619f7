"""One searchable PDF per book: each stored page image with an invisible text layer (render mode
3) holding our OCR words at their boxes. Nothing is read again: the words are the stored OCR
output of each page (``flows.steps``).

Each OCR line gets one font size (its height from the font's ascent to descent) and one
baseline (the line's bottom less the descent); each word starts at its box's left edge and is
stretched horizontally to its box's width, and is followed by a space so that text extraction
splits words as OCR did.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from exports.pdf import (
    BOOK_JPEG_QUALITY,
    binary_streams,
    jpeg_reader,
    open_image,
    points,
    text_font,
)
from exports.source import BookSource, ExportReport, clean_word
from ocr.types import PageText

INVISIBLE = 3  # PDF text render mode: neither fill nor stroke


def draw_text_layer(canvas: Canvas, text: PageText, page_w: float, page_h: float) -> int:
    """Draw ``text``'s words invisibly on a page of ``page_w`` × ``page_h`` points; returns the
    number of words drawn."""
    font = text_font()
    ascent, descent = pdfmetrics.getAscentDescent(font, 1000)  # per 1000 units; descent < 0
    em = (ascent - descent) / 1000
    sx, sy = page_w / max(1, text.width), page_h / max(1, text.height)
    n = 0
    for line in text.lines:
        words = [(clean_word(w.text), w) for w in line.words if clean_word(w.text)]
        if not words:
            continue
        y0 = min(w.bbox[1] for _, w in words)
        y1 = max(w.bbox[3] for _, w in words)
        size = max(1.0, (y1 - y0) * sy / em)
        baseline = page_h - y1 * sy - descent / 1000 * size
        for word, w in words:
            x0, _, x1, _ = w.bbox
            natural = pdfmetrics.stringWidth(word, font, size)
            target = max(0.5, (x1 - x0) * sx)
            obj = canvas.beginText()
            obj.setTextRenderMode(INVISIBLE)
            obj.setFont(font, size)
            obj.setHorizScale(100.0 * target / natural if natural > 0 else 100.0)
            obj.setTextOrigin(x0 * sx, baseline)
            obj.textOut(word + " ")
            canvas.drawText(obj)
            n += 1
    return n


def _draw_pages(canvas: Canvas, book: BookSource, report: ExportReport) -> tuple[int, int]:
    pages = words = 0
    for page_no in sorted(book.pages):
        page = book.pages[page_no]
        if page.image is None:
            report.problems.append(f"{book.name}: {page.image_problem}: left out of the PDF")
            continue
        try:
            im = open_image(page.image)
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            why = f"page {page_no}: its image cannot be read ({exc})"
            report.problems.append(f"{book.name}: {why}: left out of the PDF")
            continue
        page_w, page_h = points(im.width, page.dpi), points(im.height, page.dpi)
        canvas.setPageSize((page_w, page_h))
        canvas.drawImage(
            jpeg_reader(im, colour=False, quality=BOOK_JPEG_QUALITY), 0, 0, page_w, page_h
        )
        im.close()
        if page.ocr is None:
            report.problems.append(f"{book.name}: {page.ocr_problem}: the page has no text layer")
        else:
            words += draw_text_layer(canvas, PageText.load(page.ocr), page_w, page_h)
        canvas.showPage()
        pages += 1
    return pages, words


def write_book_pdf(book: BookSource, out_dir: Path) -> ExportReport:
    """``<out_dir>/<book slug>.pdf``: every page with a stored image, in page order. A page
    without an image is left out and one without OCR output has no text layer; both are named
    in the report's problems."""
    report = ExportReport()
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{book.slug}.pdf"
    tmp = out.with_suffix(".pdf.part")
    try:
        with binary_streams():
            canvas = Canvas(str(tmp), invariant=True)
            canvas.setTitle(f"Sổ {book.book_no} — {book.registration_authority}")
            canvas.setCreator("civreg export --format searchable-pdf")
            pages, words = _draw_pages(canvas, book, report)
            if pages == 0:
                report.problems.append(f"{book.name}: no page has a stored image: no PDF written")
                return report
            canvas.save()
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    report.files.append(out)
    report.counts = {"pages": pages, "words": words}
    return report
