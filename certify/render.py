"""An extract as a one-page A4 PDF (ReportLab), with the Vietnamese fonts embedded (Noto Serif,
else DejaVu Serif, else Liberation Serif, from Debian's font packages) and a QR code carrying
the verification URL. :func:`to_pdfa` then marks it PDF/A-2b (XMP identification and an sRGB
output intent, with pikepdf): every font is embedded, nothing is transparent or encrypted.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pikepdf
from PIL import ImageCms
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from certify.content import MOTTO, NATIONAL_HEADING, ExtractContent, issue_date_words
from civreg_cli.errors import ConfigError

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)
FONT_FILES = (
    ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf"),
    ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
)
REGULAR, BOLD = "ExtractSerif", "ExtractSerif-Bold"


@dataclass(frozen=True)
class Fonts:
    regular: Path
    bold: Path


@cache
def find_fonts() -> Fonts:
    """The first serif family with every Vietnamese letter that is installed."""
    for regular, bold in FONT_FILES:
        for folder in FONT_DIRS:
            if (folder / regular).exists() and (folder / bold).exists():
                return Fonts(folder / regular, folder / bold)
    raise ConfigError(
        "no font with Vietnamese letters found (Noto Serif, DejaVu Serif or Liberation Serif)",
        advice="install fonts-noto-core or fonts-dejavu-core (make setup does)",
    )


@cache
def _register_fonts() -> None:
    fonts = find_fonts()
    pdfmetrics.registerFont(TTFont(REGULAR, str(fonts.regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(fonts.bold)))


def _centred(canvas: Canvas, text: str, x: float, y: float, font: str, size: float) -> None:
    canvas.setFont(font, size)
    canvas.drawCentredString(x, y, text)


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float, border: int = 4) -> None:
    """A QR code (error correction M) of ``text``, ``size`` points square with its quiet zone,
    drawn as filled rectangles (no font, no image: nothing that PDF/A would object to)."""
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(text)
    qr.make()
    count = qr.getModuleCount()
    box = size / (count + 2 * border)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(qr.modules):
        top = y + size - (r + border + 1) * box
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                canvas.rect(x + (start + border) * box, top, (c - start) * box, box, 0, 1)
            else:
                c += 1
    canvas.restoreState()


def render_pdf(content: ExtractContent) -> bytes:
    """The extract as PDF bytes (not yet PDF/A, not signed)."""
    _register_fonts()
    out = io.BytesIO()
    width, height = A4
    canvas = Canvas(
        out, pagesize=A4, pageCompression=1, initialFontName=REGULAR, initialFontSize=10
    )
    canvas.setTitle(f"{content.title} {content.number_text}")
    canvas.setAuthor(content.office)
    canvas.setSubject(f"Bản sao {content.title.lower()}")
    canvas.setCreator("civreg")
    left, right = 20 * mm, width - 20 * mm
    col = width * 0.27

    # Heading: the issuing office and number on the left, the national heading on the right.
    y = height - 20 * mm
    office_lines = simpleSplit(content.office.upper(), BOLD, 10, width * 0.42)
    for i, line in enumerate(office_lines):
        _centred(canvas, line, col, y - i * 13, BOLD, 10)
    _centred(canvas, f"Số: {content.number_text}", col, y - len(office_lines) * 13 - 4, REGULAR, 10)
    _centred(canvas, NATIONAL_HEADING, width * 0.68, y, BOLD, 10)
    _centred(canvas, MOTTO, width * 0.68, y - 14, BOLD, 10.5)
    canvas.setLineWidth(0.6)
    canvas.line(width * 0.68 - 62, y - 19, width * 0.68 + 62, y - 19)

    y -= 22 * mm + max(0, len(office_lines) - 2) * 13
    _centred(canvas, content.title, width / 2, y, BOLD, 15)
    _centred(canvas, "(BẢN SAO)", width / 2, y - 17, REGULAR, 11)
    y -= 34

    def text_line(label: str, value: str, size: float = 10.5) -> None:
        nonlocal y
        canvas.setFont(REGULAR, size)
        head = f"{label}: "
        head_w = pdfmetrics.stringWidth(head, REGULAR, size)
        lines = simpleSplit(value, BOLD, size, right - left - head_w) or [""]
        canvas.drawString(left, y, head)
        canvas.setFont(BOLD, size)
        for i, part in enumerate(lines):
            canvas.drawString(left + head_w, y - i * (size + 3), part)
        y -= len(lines) * (size + 3) + 3

    for label, value in content.lines:
        text_line(label, value)
    y -= 4
    for label, value in content.registration_lines:
        text_line(label, value)
    notes = content.notes or ["không"]
    y -= 2
    canvas.setFont(REGULAR, 10.5)
    canvas.drawString(left, y, "Ghi chú:")
    y -= 14
    for note in notes:
        for part in simpleSplit(note, REGULAR, 10, right - left - 10):
            canvas.setFont(REGULAR, 10)
            canvas.drawString(left + 10, y, part)
            y -= 13

    # Place and date of issue, the signer; the QR code and the verification code bottom left.
    y = max(min(y - 10, 95 * mm), 62 * mm)
    sign_x = width * 0.68
    canvas.setFont(REGULAR, 10.5)
    canvas.drawCentredString(sign_x, y, f"{content.place}, {issue_date_words(content.issued_on)}")
    _centred(canvas, content.signer_title.upper(), sign_x, y - 16, BOLD, 10.5)
    _centred(canvas, "(Đã ký số)", sign_x, y - 30, REGULAR, 9.5)
    _centred(canvas, content.signer_name, sign_x, y - 62, BOLD, 10.5)

    qr_size = 34 * mm
    draw_qr(canvas, content.verify_url, left - 3 * mm, 14 * mm, qr_size)
    canvas.setFont(REGULAR, 8)
    canvas.drawString(left + qr_size, 30 * mm, "Kiểm tra bản sao điện tử tại:")
    canvas.drawString(left + qr_size, 26 * mm, content.verify_url)
    canvas.drawString(left + qr_size, 22 * mm, f"Mã xác thực: {content.code}")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


@cache
def _srgb_profile() -> bytes:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    data: bytes = profile.tobytes()
    return data


def to_pdfa(pdf: bytes, *, title: str, author: str) -> bytes:
    """Mark a PDF whose fonts are all embedded as PDF/A-2b: XMP metadata naming the part and
    conformance (kept in step with the document info) and an sRGB output intent."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        icc = pikepdf.Stream(doc, _srgb_profile())
        icc["/N"] = 3
        intent = pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent,
            S=pikepdf.Name.GTS_PDFA1,
            OutputConditionIdentifier="sRGB IEC61966-2.1",
            Info="sRGB IEC61966-2.1",
            DestOutputProfile=icc,
        )
        doc.Root.OutputIntents = pikepdf.Array([intent])
        with doc.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = title
            meta["dc:creator"] = [author]
            meta["pdf:Producer"] = "civreg (ReportLab, pikepdf)"
            meta["xmp:CreatorTool"] = "civreg"
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
        doc.docinfo[pikepdf.Name.Producer] = "civreg (ReportLab, pikepdf)"
        out = io.BytesIO()
        doc.save(out, fix_metadata_version=True)
        return out.getvalue()
