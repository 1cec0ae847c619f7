"""What the PDF exports share: page images embedded as JPEG (passed through, not re-encoded by
ReportLab), pixel → point sizes, and a font with every Vietnamese letter for text layers."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from PIL import Image
from reportlab import rl_config
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from synth.fonts import VALUE_FACES, find_font_file, require

RECORD_JPEG_QUALITY = 90  # a record's PDF in the exchange package: what a clerk certifies from
BOOK_JPEG_QUALITY = 80  # a searchable book: ≈ 0.95 MB per A4 page at 300 dpi instead of 1.35
TEXT_FONT = "ExportSans"
PREFERRED_FACE = "DejaVu Sans"


def points(pixels: float, dpi: int) -> float:
    return pixels * 72.0 / dpi


def open_image(path: Path) -> Image.Image:
    """A stored page image, loaded (the file is closed)."""
    with Image.open(path) as im:
        im.load()
        return im.copy()


def jpeg_reader(image: Image.Image, *, colour: bool, quality: int) -> ImageReader:
    """``image`` as a JPEG ReportLab embeds as it is (DCTDecode). ``colour``: always RGB (a grey
    scan stays grey but is stored as a colour image); else grey stays grey."""
    mode = "RGB" if colour or image.mode not in ("L", "1") else "L"
    buf = io.BytesIO()
    image.convert(mode).save(buf, "JPEG", quality=quality, optimize=True)
    buf.seek(0)
    return ImageReader(buf)


@contextmanager
def binary_streams() -> Iterator[None]:
    """While building a PDF: streams stored binary, not ASCII85 (a quarter smaller); ReportLab's
    setting is put back after (the exports write one PDF at a time)."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


@cache
def text_font() -> str:
    """The name of a registered TrueType font with every Vietnamese letter (DejaVu Sans when
    installed); a ConfigError naming the Debian packages when none is."""
    faces = require(VALUE_FACES, "PDF text layer")
    face = next((f for f in faces if f.name == PREFERRED_FACE), faces[0])
    path = find_font_file(face.regular)
    assert path is not None  # require() found it
    pdfmetrics.registerFont(TTFont(TEXT_FONT, str(path)))
    return TEXT_FONT
