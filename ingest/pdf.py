"""PDF pages → page images at their native resolution, plus the text layer of born-digital pages.

PDFium (pypdfium2) opens, inspects, renders and reads the text layer, under PDFIUM_LOCK (it is
not thread-safe). Words come from PDFium's own character boxes mapped through PDFium's own
page-to-device transform, so they sit on the rendered ink whatever the page's crop box and
/Rotate (pdfplumber's boxes do not, on a rotated page with a crop box).

A page is a *scan* when images cover at least half of it and it shows fewer than 200 visible
characters; it is rendered at the resolution of its sharpest large image, so a page that is one
embedded image comes back at that image's pixel size. Any other page is rendered at
``Limits.default_dpi``. A page that is not a scan and carries real words gets its text layer
in pixel coordinates of the rendered image; a scan's own (invisible OCR) text layer is
ignored: our OCR reads the page again.
"""

from __future__ import annotations

import ctypes
import math
import threading
import unicodedata
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from civreg_cli.errors import InputError
from ingest.images import PageFailure, RawPage, check_pixels
from ingest.model import Limits
from ocr.types import BBox, Line, PageText, Word

SCAN_COVERAGE = 0.5  # images covering this much of a page make it a scan ...
SCAN_MAX_TEXT = 200  # ... unless it shows this many visible characters: then it is typed
LARGE_IMAGE = 0.05  # images smaller than this share of the page do not set its resolution
MAX_SCAN_DPI = 2400.0
REOPEN_EVERY = 16  # pages

# PDFium is not thread-safe, not even across documents: every call made here holds this lock.
# Other code in the process that calls PDFium should take it too.
PDFIUM_LOCK = threading.RLock()

_Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF user space


@dataclass(frozen=True)
class _ImageInfo:
    dpi: float
    coverage: float  # share of the page area, 0..1


def open_pdf(source: Path, name: str) -> pdfium.PdfDocument:
    """Open with PDFium; InputError for a damaged, encrypted or empty PDF."""
    try:
        pdf = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        # PDFium's error code can be stale (left by an earlier failure in this thread when a
        # load fails without setting one): each verdict is confirmed from the file itself.
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD and _mentions_encrypt(source):
            raise InputError(
                f"'{name}' is password-protected",
                advice="remove the password and upload again",
            ) from exc
        if code == pdfium_c.FPDF_ERR_SECURITY and _mentions_encrypt(source):
            raise InputError(
                f"'{name}' is protected by an unsupported security scheme",
                advice="remove the protection (print it to a new PDF) and upload again",
            ) from exc
        if code != pdfium_c.FPDF_ERR_FILE and _pdfminer_page_count(source) == 0:
            raise _no_pages(name) from exc  # PDFium refuses a page-less PDF, "successfully"
        raise InputError(
            f"'{name}' is a damaged PDF and cannot be opened",
            advice="export or scan it again and upload the new file",
        ) from exc
    if len(pdf) == 0:
        pdf.close()
        raise _no_pages(name)
    return pdf


def _mentions_encrypt(source: Path) -> bool:
    """An /Encrypt entry in the trailer (file end) or a linearized file's first trailer."""
    window = 256 * 1024
    with source.open("rb") as fh:
        head = fh.read(window)
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - window))
        tail = fh.read(window)
    return b"/Encrypt" in head or b"/Encrypt" in tail


def _no_pages(name: str) -> InputError:
    return InputError(f"'{name}' has no pages", advice="export the scan again")


def _pdfminer_page_count(source: Path) -> int | None:
    """Pages pdfminer finds, or None if it cannot read the file either."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        with source.open("rb") as fh:
            doc = PDFDocument(PDFParser(fh))
            return sum(1 for _ in PDFPage.create_pages(doc))
    except Exception:  # any parse failure: the file is damaged
        return None


def _mat_mul(
    m: tuple[float, ...], n: tuple[float, ...]
) -> tuple[float, float, float, float, float, float]:
    """PDF matrix product m × n (apply m, then n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _page_images(page: pdfium.PdfPage) -> list[_ImageInfo]:
    """Resolution and page share of each image, Form XObjects included."""
    pw, ph = page.get_size()
    page_area = max(pw * ph, 1e-6)
    out = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=8):
        try:
            px_w, px_h = obj.get_px_size()
            m = tuple(obj.get_matrix().get())
            parent = obj.container
            while parent is not None:  # nested in forms: the matrix is in the form's space
                m = _mat_mul(m, tuple(parent.get_matrix().get()))
                parent = getattr(parent, "container", None)
        except pdfium.PdfiumError:
            continue
        area_pt = abs(m[0] * m[3] - m[1] * m[2])  # the unit square, placed
        if px_w <= 0 or px_h <= 0 or area_pt <= 1e-6:
            continue
        dpi = math.sqrt(px_w * px_h / (area_pt / 72.0**2))
        out.append(_ImageInfo(dpi=dpi, coverage=min(area_pt / page_area, 1.0)))
    return out


def _visible_chars(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> int:
    """Characters in text objects that are drawn (not render mode 3, an OCR layer's mode)."""
    count = 0
    for obj in page.get_objects(
        filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=8, textpage=textpage
    ):
        mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj)
        if mode != pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:
            count += len(obj.extract().strip())
    return count


def page_resolution(
    page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, limits: Limits
) -> tuple[float, bool]:
    """(dpi to render at, is the page a scan).

    A scan: images cover half the page or more and it shows little text of its own (a
    scanner's watermark, a stamp line; an OCR layer is invisible and does not count). It is
    rendered at the resolution of its sharpest large image. Any other page: at the default
    dpi, or lower if that would exceed the pixel limit (we choose that resolution ourselves).
    """
    images = _page_images(page)
    coverage = min(sum(i.coverage for i in images), 1.0)
    large = [i.dpi for i in images if i.coverage >= LARGE_IMAGE]
    if coverage >= SCAN_COVERAGE and large:
        chars = textpage.count_chars()
        if chars < SCAN_MAX_TEXT or _visible_chars(page, textpage) < SCAN_MAX_TEXT:
            return min(max(large), MAX_SCAN_DPI), True
    dpi = float(limits.default_dpi)
    pw, ph = page.get_size()
    pixels = (pw * dpi / 72) * (ph * dpi / 72)
    if pixels > limits.max_page_pixels:
        dpi = math.floor(dpi * math.sqrt(limits.max_page_pixels / pixels))
    return max(dpi, 1.0), False


def render(page: pdfium.PdfPage, width: int, height: int) -> np.ndarray:
    """Render the whole page (annotations included) to exactly ``width`` × ``height`` pixels.

    pypdfium2's ``render(scale=…)`` rounds the size up, a pixel too many for most scans; the
    raw call fits the page to the bitmap instead. Always RGB: as fast as grey in PDFium, and a
    page whose rendering has no colour is reduced to L afterwards.
    """
    bitmap = pdfium.PdfBitmap.new_native(width, height, pdfium_c.FPDFBitmap_BGR, rev_byteorder=True)
    bitmap.fill_rect((255, 255, 255, 255), 0, 0, width, height)
    flags = pdfium_c.FPDF_ANNOT | pdfium_c.FPDF_REVERSE_BYTE_ORDER
    pdfium_c.FPDF_RenderPageBitmap(bitmap, page, 0, 0, width, height, 0, flags)
    try:
        arr = bitmap.to_numpy()  # (h, w, 3) view of the bitmap's buffer
        if np.array_equal(arr[..., 0], arr[..., 1]) and np.array_equal(arr[..., 1], arr[..., 2]):
            return np.ascontiguousarray(arr[..., 0])  # copies
        return np.array(arr, dtype=np.uint8, copy=True)
    finally:
        bitmap.close()  # here, under the lock, not whenever (and wherever) GC gets to it


# ---------------------------------------------------------------- text layer

# Characters that real Vietnamese or English text (almost) never holds, but that text written
# in legacy Vietnamese font encodings (TCVN3 ".VnTime", VNI) shows when read as Latin-1.
_LEGACY_MARKS = set("µ¸¹¶·¬®§¦©«»¼½¾¿×÷ÞßþðÐ¢£¤¥¡ª¯°±²³¨´")


def _looks_garbled(text: str) -> bool:
    """Text a reader cannot trust: unmapped glyphs, private-use characters, legacy encodings."""
    if not text:
        return True
    bad = sum(
        1
        for ch in text
        if ch == "\ufffd"
        or unicodedata.category(ch) in ("Co", "Cn", "Cs")
        or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r")
    )
    if bad > 0.05 * len(text):
        return True
    letters = [ch for ch in text if not ch.isspace()]
    legacy = sum(ch in _LEGACY_MARKS for ch in letters)
    return legacy >= 3 and legacy > 0.04 * len(letters)


def _float_box(b: BBox) -> _Box:
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))


def group_lines(words: list[Word], frames: list[_Box] | None = None) -> list[Line]:
    """Words into reading-order lines: same band, left to right, split at wide gaps.

    ``frames``: each word's box in the text's own reading frame (x right, y down), used for the
    grouping in place of its pixel box, so the text of a page displayed rotated (/Rotate) still
    reads line by line. A word joins a line when it overlaps the line's first word vertically
    by at least half the smaller height; a horizontal gap wider than twice the line's height
    starts a new line (table columns read as separate lines, as an OCR engine reports them).
    """
    boxes: list[_Box] = (
        frames
        if frames is not None
        else [(x0, y0, x1, y1) for x0, y0, x1, y1 in (w.bbox for w in words)]
    )
    order = sorted(range(len(words)), key=lambda i: (boxes[i][1], boxes[i][0]))
    bands: list[list[int]] = []
    for i in order:
        y0, y1 = boxes[i][1], boxes[i][3]
        for band in reversed(bands[-6:]):
            b0, b1 = boxes[band[0]][1], boxes[band[0]][3]
            overlap = min(y1, b1) - max(y0, b0)
            if overlap >= 0.5 * min(y1 - y0, b1 - b0) and overlap > 0:
                band.append(i)
                break
        else:
            bands.append([i])
    groups: list[list[int]] = []
    for band in bands:
        band.sort(key=lambda i: boxes[i][0])
        height = sorted(boxes[i][3] - boxes[i][1] for i in band)[len(band) // 2]
        current = [band[0]]
        for i in band[1:]:
            if boxes[i][0] - boxes[current[-1]][2] > 2 * height:
                groups.append(current)
                current = [i]
            else:
                current.append(i)
        groups.append(current)
    groups.sort(key=lambda g: (min(boxes[i][1] for i in g), min(boxes[i][0] for i in g)))
    return [Line([words[i] for i in g]) for g in groups]


def _page_to_pixels(
    page: pdfium.PdfPage, width: int, height: int
) -> Callable[[float, float], tuple[float, float]]:
    """Map PDF user space to pixels of the page rendered at ``width`` × ``height``.

    Taken from PDFium itself (FPDF_PageToDevice, the renderer's own transform: crop box,
    /Rotate and scale), at three corners of the visible page, as an affine map.
    """
    left, bottom, right, top = page.get_bbox()

    def device(x: float, y: float) -> tuple[int, int]:
        dx, dy = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDF_PageToDevice(page, 0, 0, width, height, 0, x, y, dx, dy)
        return dx.value, dy.value

    o = device(left, bottom)
    ex = device(right, bottom)
    ey = device(left, top)
    w = max(right - left, 1e-6)
    h = max(top - bottom, 1e-6)
    axx, axy = (ex[0] - o[0]) / w, (ex[1] - o[1]) / w
    ayx, ayy = (ey[0] - o[0]) / h, (ey[1] - o[1]) / h

    def to_px(x: float, y: float) -> tuple[float, float]:
        u, v = x - left, y - bottom
        return o[0] + u * axx + v * ayx, o[1] + u * axy + v * ayy

    return to_px


def _char_words(textpage: pdfium.PdfTextPage) -> tuple[list[tuple[str, _Box]], int, int]:
    """Words as (text, user-space box), from PDFium's characters; also (chars, unmapped chars).

    A word ends at whitespace (PDFium inserts spaces and line breaks where the layout has
    them), where the next character does not sit on the same line, or after a gap wider
    than a third of the line's height.
    """
    count = textpage.count_chars()
    words: list[tuple[str, _Box]] = []
    units: list[int] = []
    box: list[float] | None = None  # left, bottom, right, top
    unmapped = 0

    def flush() -> None:
        nonlocal box
        if units and box is not None:
            raw = "".join(map(chr, units)).encode("utf-16", "surrogatepass")
            text = unicodedata.normalize("NFC", raw.decode("utf-16", "replace")).strip()
            if text:
                words.append((text, (box[0], box[1], box[2], box[3])))
        units.clear()
        box = None

    for i in range(count):
        code = pdfium_c.FPDFText_GetUnicode(textpage, i)
        if code == 0 or chr(code).isspace() or unicodedata.category(chr(code)) == "Cc":
            flush()
            continue
        unmapped += pdfium_c.FPDFText_HasUnicodeMapError(textpage, i) == 1
        try:
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
        except pdfium.PdfiumError:
            left = bottom = right = top = 0.0
        if right > left and top > bottom:
            if box is not None:
                overlap = min(top, box[3]) - max(bottom, box[1])
                line_h = max(top - bottom, box[3] - box[1])
                gap = left - box[2]
                same_line = overlap >= 0.5 * min(top - bottom, box[3] - box[1])
                if not same_line or gap > line_h / 3 or gap < -line_h:
                    flush()
            if box is None:
                box = [left, bottom, right, top]
            else:
                box = [min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top)]
        units.append(code)  # a box-less mark (a combining accent) joins the current word
    flush()
    return words, count, unmapped


def text_layer(
    page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, width: int, height: int
) -> PageText | None:
    """The page's words in pixel coordinates of a ``width`` × ``height`` rendering, or None.

    None when the page has no word with a letter or digit, or its text looks garbled
    (glyphs without a Unicode mapping, legacy Vietnamese font encodings): OCR reads it then.
    """
    char_words, chars, unmapped = _char_words(textpage)
    if unmapped > 0.05 * max(chars, 1):
        return None
    to_px = _page_to_pixels(page, width, height)
    words: list[Word] = []
    frames: list[_Box] = []  # reading frame: user space with y pointing down
    for text, (left, bottom, right, top) in char_words:
        corners = [to_px(x, y) for x in (left, right) for y in (bottom, top)]
        box: BBox = (
            max(0, math.floor(min(c[0] for c in corners))),
            max(0, math.floor(min(c[1] for c in corners))),
            min(width, math.ceil(max(c[0] for c in corners))),
            min(height, math.ceil(max(c[1] for c in corners))),
        )
        if box[2] > box[0] and box[3] > box[1]:  # else: outside the visible page
            words.append(Word(text, box, 1.0))
            frames.append((left, -top, right, -bottom))
    if not any(ch.isalnum() for w in words for ch in w.text):
        return None
    if _looks_garbled(" ".join(w.text for w in words)):
        return None
    return PageText(
        width=width,
        height=height,
        lines=group_lines(words, frames),
        source="text_layer",
        engine=f"pdfium-{pdfium.PDFIUM_INFO.build}",
    )


def _load_page(pdf: pdfium.PdfDocument, index: int, limits: Limits) -> RawPage:
    try:
        page = pdf[index]
    except pdfium.PdfiumError as exc:
        raise PageFailure("cannot be read (damaged page)") from exc
    textpage = None
    try:
        textpage = page.get_textpage()
        dpi, is_scan = page_resolution(page, textpage, limits)
        pw, ph = page.get_size()
        width, height = max(1, round(pw * dpi / 72)), max(1, round(ph * dpi / 72))
        check_pixels(width, height, limits.max_page_pixels)
        try:
            image = render(page, width, height)
        except MemoryError as exc:
            raise PageFailure("is too large to render", advice="rescan at 300–600 dpi") from exc
        layer = None
        if not is_scan and textpage.count_chars() > 0:
            layer = text_layer(page, textpage, width, height)
        return RawPage(image, round(dpi), layer)
    finally:
        if textpage is not None:
            textpage.close()
        page.close()


def _reopen(source: Path, name: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        raise InputError(
            f"'{name}' changed or disappeared while it was being read", advice="upload it again"
        ) from exc


def pdf_pages(
    source: Path, name: str, limits: Limits
) -> tuple[int, Generator[RawPage | PageFailure, None, None]]:
    """Open the PDF (InputError if it is unusable) and return (page count, pages in order).

    The iterator renders lazily, one page per step, in the caller's thread, holding
    PDFIUM_LOCK while it works. Close it (or run it to the end) to release the document.
    """
    with PDFIUM_LOCK:
        first = open_pdf(source, name)
        count = len(first)
        if count > limits.max_pages:
            first.close()
            raise InputError(
                f"'{name}' has {count} pages, over the limit of {limits.max_pages} per book",
                advice="split the book into parts and upload each",
            )

    def pages() -> Generator[RawPage | PageFailure, None, None]:
        pdf = first
        try:
            for index in range(count):
                item: RawPage | PageFailure
                with PDFIUM_LOCK:
                    if index and index % REOPEN_EVERY == 0:
                        # PDFium keeps every stream it has read for the document's lifetime
                        # (≈ the file's size by the end); reopening bounds memory.
                        pdf.close()
                        pdf = _reopen(source, name)
                    try:
                        item = _load_page(pdf, index, limits)
                    except PageFailure as failure:
                        item = failure
                    except pdfium.PdfiumError as exc:
                        item = PageFailure(f"cannot be rendered ({exc})")
                yield item  # never holding the lock while the caller works
        finally:
            with PDFIUM_LOCK:
                pdf.close()

    return count, pages()
