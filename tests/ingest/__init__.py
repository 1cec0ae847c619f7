"""Builders for ingest tests: small pages, PDFs written by hand, crafted bad files.

Everything is made at test time, small; nothing here allocates a big image.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw


def page_image(
    n: int, size: tuple[int, int] = (200, 280), mode: str = "L", dpi: int = 150
) -> Image.Image:
    """A small page with a bold bar whose position says which page it is (n ≥ 1)."""
    bg = 255 if mode == "L" else (250, 245, 230)
    ink = 0 if mode == "L" else (20, 30, 160)
    im = Image.new(mode, size, bg)
    d = ImageDraw.Draw(im)
    y = 10 + (n * 17) % (size[1] - 30)
    d.rectangle((10, y, size[0] - 10, y + 12), fill=ink)
    d.text((12, size[1] - 20), f"p{n}", fill=ink)
    im.info["dpi"] = (dpi, dpi)
    return im


def png_bytes(im: Image.Image, dpi: int = 150) -> bytes:
    b = io.BytesIO()
    im.save(b, "PNG", dpi=(dpi, dpi))
    return b.getvalue()


def jpeg_bytes(im: Image.Image, dpi: int = 150) -> bytes:
    b = io.BytesIO()
    im.save(b, "JPEG", quality=90, dpi=(dpi, dpi))
    return b.getvalue()


def tiff_bytes(images: list[Image.Image], dpi: int = 200, compression: str = "raw") -> bytes:
    b = io.BytesIO()
    images[0].save(
        b,
        "TIFF",
        save_all=True,
        append_images=images[1:],
        dpi=(dpi, dpi),
        compression=compression,
    )
    return b.getvalue()


def png_bomb_bytes(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid-looking PNG whose header declares ``width`` × ``height`` (data: one tiny row)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" + b"\xff" * 16)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: int(len(data) * keep)]


# ---------------------------------------------------------------- PDFs written by hand


@dataclass
class PdfText:
    x: float  # points from the left
    y: float  # baseline, points from the bottom
    size: float
    text: str  # ASCII / Latin-1
    invisible: bool = False


@dataclass
class PdfImage:
    pixels: np.ndarray  # uint8, (h, w) grey or (h, w, 3) RGB
    x: float
    y: float
    w: float  # placed size in points
    h: float
    declared: tuple[int, int] | None = None  # lie about /Width /Height (bomb tests)


@dataclass
class PdfPage:
    width: float = 595.0
    height: float = 842.0
    texts: list[PdfText] = field(default_factory=list)
    images: list[PdfImage] = field(default_factory=list)
    rotate: int = 0
    images_in_form: bool = False  # wrap the images in a Form XObject (scaled by 1/2, then x2)
    cropbox: tuple[float, float, float, float] | None = None


def _esc(text: str) -> bytes:
    return (
        text.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    )


def make_pdf(pages: list[PdfPage]) -> bytes:
    """A small, valid PDF (1.4) with Helvetica text and Flate images, xref and all."""
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    def stream(head: bytes, data: bytes) -> int:
        return add(b"<< " + head + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")

    catalog = add(b"")  # filled in at the end
    pages_id = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    page_ids = []
    for pg in pages:
        xobjects = []
        draw = b""
        for i, img in enumerate(pg.images):
            px = np.ascontiguousarray(img.pixels.astype(np.uint8))
            h, w = px.shape[:2]
            cs = b"/DeviceGray" if px.ndim == 2 else b"/DeviceRGB"
            dw, dh = img.declared or (w, h)
            head = b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s " % (
                dw,
                dh,
                cs,
            )
            head += b"/BitsPerComponent 8 /Filter /FlateDecode"
            xobjects.append((b"/Im%d" % i, stream(head, zlib.compress(px.tobytes()))))
            if pg.images_in_form:
                draw += b"q %.4f 0 0 %.4f %.4f %.4f cm /Im%d Do Q\n" % (
                    img.w / 2,
                    img.h / 2,
                    img.x / 2,
                    img.y / 2,
                    i,
                )
            else:
                draw += b"q %.4f 0 0 %.4f %.4f %.4f cm /Im%d Do Q\n" % (
                    img.w,
                    img.h,
                    img.x,
                    img.y,
                    i,
                )
        xres = b" ".join(b"%s %d 0 R" % (name, oid) for name, oid in xobjects)
        if pg.images_in_form and xobjects:
            form = stream(
                b"/Type /XObject /Subtype /Form /BBox [0 0 %.4f %.4f] "
                b"/Resources << /XObject << %s >> >>" % (pg.width / 2, pg.height / 2, xres),
                draw,
            )
            xres = b"/Fm0 %d 0 R" % form
            draw = b"q 2 0 0 2 0 0 cm /Fm0 Do Q\n"
        for t in pg.texts:
            mode = b"3 Tr " if t.invisible else b""
            draw += b"BT %s/F1 %.2f Tf %.2f %.2f Td (%s) Tj ET\n" % (
                mode,
                t.size,
                t.x,
                t.y,
                _esc(t.text),
            )
        content = stream(b"", draw)
        extra = b""
        if pg.rotate:
            extra += b" /Rotate %d" % pg.rotate
        if pg.cropbox:
            extra += b" /CropBox [%.2f %.2f %.2f %.2f]" % pg.cropbox
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.4f %.4f]%s "
                b"/Resources << /Font << /F1 %d 0 R >> /XObject << %s >> >> /Contents %d 0 R >>"
                % (pages_id, pg.width, pg.height, extra, font, xres, content)
            )
        )
    objs[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    objs[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1,
        catalog,
        xref,
    )
    return bytes(out)


def text_page(lines: list[str], rotate: int = 0, size: float = 14.0) -> PdfPage:
    """A born-digital A4 page: one text line per item, from the top."""
    texts = [PdfText(72, 842 - 100 - i * 30, size, s) for i, s in enumerate(lines)]
    return PdfPage(texts=texts, rotate=rotate)


def scan_page(
    pixels: np.ndarray, dpi: float, *, in_form: bool = False, texts: list[PdfText] | None = None
) -> PdfPage:
    """A page that is one scanned image filling the page at ``dpi``."""
    h, w = pixels.shape[:2]
    pw, ph = w * 72 / dpi, h * 72 / dpi
    return PdfPage(
        width=pw,
        height=ph,
        images=[PdfImage(pixels, 0, 0, pw, ph)],
        images_in_form=in_form,
        texts=texts or [],
    )


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
