"""``write_sample_book``: a synthetic register book with its ground truth.

Writes into ``out_dir``: the page images (``book.pdf``, ``book.tif`` or ``pages/page-0001.png``…),
``truth.jsonl`` (one record a line, every canonical key, normalised values) and ``meta.json``.
The same arguments give byte-identical truth and identical page pixels: all randomness comes
from generators seeded with ``seed`` (separate streams for the records, the layout and each
page's scan effects), and nothing written carries a date.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import img2pdf
import numpy as np
from PIL import Image, TiffImagePlugin

from civreg_cli.errors import InputError
from extraction.forms import FORMS
from synth.degrade import QUALITIES, BookScan, degrade
from synth.records import BookSpec, Entry, make_book_spec, make_entries
from synth.render import DPI, PAGE_H, PAGE_W, EntryBlock, Layout, Page, RenderStyle

GENERATOR = "civreg.synth"
GENERATOR_VERSION = "0.1.0"

REGISTER_TYPES = tuple(FORMS)  # birth, marriage, death
LAYOUTS = ("form", "ledger")
FORMATS = ("pdf", "tiff", "png")
_NOT_YET: dict[str, str] = {}


class PageDrawer(Protocol):
    """Draws a book's pages: the form layout (``synth.render``) or the ledger (``synth.ledger``)."""

    def draw_page(self, page_no: int, blocks: list[EntryBlock], rng: random.Random) -> Page: ...


MAX_RECORDS = 100_000


def _validate(
    register_type: str, layout: str, records: int, seed: int, quality: str, fmt: str
) -> str:
    if register_type not in REGISTER_TYPES:
        raise InputError(
            f"unknown register type {register_type!r}",
            advice=f"use --type {' | '.join(REGISTER_TYPES)}",
        )
    if layout not in LAYOUTS:
        if layout in _NOT_YET:
            raise InputError(f"--layout {layout}: {_NOT_YET[layout]}")
        raise InputError(f"unknown layout {layout!r}", advice="use --layout form | ledger")
    if quality not in QUALITIES:
        raise InputError(
            f"unknown quality {quality!r}", advice=f"use one of: {', '.join(QUALITIES)}"
        )
    fmt = "tiff" if fmt == "tif" else fmt
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}", advice=f"use one of: {', '.join(FORMATS)}")
    if not 1 <= records <= MAX_RECORDS:
        raise InputError(f"--records must be between 1 and {MAX_RECORDS}, got {records}")
    if seed < 0:
        raise InputError(f"--seed must be 0 or more, got {seed}")
    return fmt


def _book_identity(
    rng: random.Random, book_no: str | None, year: int | None
) -> tuple[str, int, int]:
    """(book number, year, first entry number)."""
    if book_no is not None:
        book_no = " ".join(book_no.split())
        if not book_no:
            raise InputError("--book-no must not be empty")
        m = re.fullmatch(r"\d+/(\d{4})", book_no)
        if year is None and m:
            year = int(m.group(1))
    if year is None:
        year = rng.randint(2016, 2020)
    if not 1960 <= year <= 2099:
        raise InputError(f"--year must be between 1960 and 2099, got {year}")
    volume = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
    if book_no is None:
        book_no = f"{volume:02d}/{year}"
    else:
        m = re.match(r"(\d+)", book_no)
        volume = int(m.group(1)) if m else 1
    # the first entry of volume 1 is usually 1; later volumes continue the year's numbering
    if volume <= 1:
        first = 1 if rng.random() < 0.6 else rng.randint(2, 400)
    else:
        first = rng.randint(300 * (volume - 1), 300 * (volume - 1) + 200)
    return book_no, year, first


def truth_record(book: BookSpec, entry: Entry) -> dict[str, Any]:
    return {
        "register_type": book.form.register_type,
        "book_no": book.book_no,
        "entry_no": entry.entry_no,
        "registration_authority": book.authority,
        "pages": [entry.page],
        "fields": dict(entry.truth),
    }


def write_sample_book(
    out_dir: Path,
    *,
    register_type: str = "birth",
    layout: str = "form",
    records: int = 20,
    seed: int = 0,
    quality: str = "scan",
    fmt: str = "pdf",
    book_no: str | None = None,
    authority: str | None = None,
    year: int | None = None,
    spreads: str = "auto",
) -> dict[str, Any]:
    """Write a synthetic register book into ``out_dir``; return the meta dict it wrote.

    ``spreads`` (ledger layout): ``auto`` (as the seed draws), ``one-image`` or ``two-pages``
    (``synth.ledger.SPREADS``)."""
    fmt = _validate(register_type, layout, records, seed, quality, fmt)
    if spreads != "auto" and (layout != "ledger" or spreads not in ("one-image", "two-pages")):
        raise InputError(
            f"--spreads {spreads}: spreads are a ledger's",
            advice="use --layout ledger with --spreads auto | one-image | two-pages",
        )
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} exists and is not a folder")

    data_rng = random.Random(f"civreg-synth/{seed}/data")
    render_rng = random.Random(f"civreg-synth/{seed}/render")
    book_no, year, first = _book_identity(data_rng, book_no, year)
    book = make_book_spec(
        data_rng,
        year=year,
        book_no=book_no,
        authority=authority,
        first_entry_no=first,
        form=FORMS[register_type],
    )
    entries = make_entries(data_rng, book, records)
    lay: PageDrawer
    extra: dict[str, Any] = {}
    if layout == "ledger":
        from synth.ledger import ledger_layout

        ledger, grouped = ledger_layout(book, entries, render_rng, spreads)
        lay = ledger
        faces = (ledger.style.label_face.name, ledger.style.value_face.name)
        extra = {"page_size_px": list(ledger.size), "columns": [list(c) for c in ledger.columns]}
        extra["spread"] = (
            "two pages"
            if ledger.style.two_pages
            else "one image"
            if ledger.style.spread
            else "page by page"
        )
    else:
        style = RenderStyle.draw(render_rng)
        form_lay = Layout(book, style)
        blocks = [form_lay.layout_entry(e, render_rng) for e in entries]
        grouped = form_lay.paginate(blocks, render_rng)
        lay = form_lay
        faces = (style.label_face.name, style.value_face.name)
    ring = f"{book.stamp_text} * {book.ward.district_kind.upper()} {book.ward.district.upper()}"
    scan = BookScan.draw(quality, np.random.default_rng([seed, 1]), ring)

    out_dir.mkdir(parents=True, exist_ok=True)
    pages_meta: list[dict[str, Any]] = []
    files = _write_images(out_dir, fmt, quality, scan, seed, lay, grouped, render_rng, pages_meta)

    truth_path = out_dir / "truth.jsonl"
    lines = [json.dumps(truth_record(book, e), ensure_ascii=False) for e in entries]
    _atomic_write(truth_path, ("\n".join(lines) + "\n").encode("utf-8"))
    meta: dict[str, Any] = {
        "register_type": register_type,
        "layout": layout,
        "records": records,
        "seed": seed,
        "quality": quality,
        "format": fmt,
        "book_no": book.book_no,
        "registration_authority": book.authority,
        "authority_header": book.authority_header,
        "year": book.year,
        "first_entry_no": book.first_entry_no,
        "dpi": DPI,
        "page_size_px": [PAGE_W, PAGE_H],
        "page_count": len(grouped),
        "color": "gray" if quality == "clean" else "rgb",
        "jpeg_quality": None if quality == "clean" else scan.jpeg_quality,
        "fonts": {"label": faces[0], "value": faces[1]},
        # what this book's press printed: label wording per label id, and the entry's lines
        "labels": dict(book.labels),
        "lines": [list(line) for line in book.lines],
        "generator": GENERATOR,
        "generator_version": GENERATOR_VERSION,
        "files": files,
        "truth": "truth.jsonl",
        "pages": pages_meta,
        **extra,
    }
    _atomic_write(
        out_dir / "meta.json",
        (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
    )
    return meta


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _clean_pages(
    lay: PageDrawer, grouped: list[list[Any]], rng: random.Random
) -> Iterator[tuple[Page, Image.Image | None]]:
    """Each clean page with the page on the other side of its leaf (for show-through).

    Pages are drawn in order (the layout's random stream is consumed in order); the first page
    shows through from the second, every other page from the one before it.
    """
    if not grouped:
        return
    first = lay.draw_page(1, grouped[0], rng)
    if len(grouped) == 1:
        yield first, None
        return
    prev = lay.draw_page(2, grouped[1], rng)
    yield first, prev.image
    yield prev, first.image
    for i in range(2, len(grouped)):
        page = lay.draw_page(i + 1, grouped[i], rng)
        yield page, prev.image
        prev = page


def _scanned(
    page: Page, back: Image.Image | None, quality: str, scan: BookScan, seed: int
) -> Image.Image:
    rng = np.random.default_rng([seed, 2, page.number])
    stamps = [(s.x, s.y) for s in page.stamps]
    return degrade(page.image, quality, scan, rng, page_no=page.number, bleed=back, stamps=stamps)


def _encode(img: Image.Image, quality: str, scan: BookScan, fmt: str) -> bytes:
    """The bytes stored for the page (run in a worker thread).

    pdf: PNG for clean (img2pdf embeds it losslessly), JPEG otherwise, as a scanner stores it;
    png: the same pixels as the pdf would carry (JPEG artefacts included), stored as PNG;
    tiff: nothing, the TIFF writer compresses the page itself.
    """
    if fmt == "tiff":
        return b""
    buf = io.BytesIO()
    if quality == "clean":
        img.save(buf, "PNG", dpi=(DPI, DPI), compress_level=6)
        return buf.getvalue()
    img.save(buf, "JPEG", quality=scan.jpeg_quality, dpi=(DPI, DPI), optimize=False)
    if fmt == "pdf":
        return buf.getvalue()
    scanned = Image.open(io.BytesIO(buf.getvalue()))
    scanned.load()
    out = io.BytesIO()
    scanned.save(out, "PNG", dpi=(DPI, DPI), compress_level=3)
    return out.getvalue()


def _write_images(
    out_dir: Path,
    fmt: str,
    quality: str,
    scan: BookScan,
    seed: int,
    lay: PageDrawer,
    grouped: list[list[Any]],
    rng: random.Random,
    pages_meta: list[dict[str, Any]],
) -> list[str]:
    """Render, degrade and write every page; fill ``pages_meta``; return the files written."""

    def work(item: tuple[Page, Image.Image | None]) -> tuple[Page, Image.Image, bytes]:
        page, back = item
        img = _scanned(page, back, quality, scan, seed)
        return page, img, _encode(img, quality, scan, fmt)

    workers = max(1, min(4, os.cpu_count() or 1))
    pdf_pages: list[bytes] = []
    png_files: list[str] = []
    tif_path = out_dir / "book.tif"
    tif_tmp = tif_path.with_name(tif_path.name + ".tmp")
    if fmt == "png":
        pages_dir = out_dir / "pages"
        pages_dir.mkdir(exist_ok=True)
        for old in sorted(pages_dir.glob("page-*.png")):
            old.unlink()
    tif = TiffImagePlugin.AppendingTiffWriter(str(tif_tmp), new=True) if fmt == "tiff" else None
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for page, img, data in _bounded_map(
                pool, work, _clean_pages(lay, grouped, rng), workers
            ):
                meta: dict[str, Any] = {
                    "page": page.number,
                    "entry_nos": [b.entry.entry_no for b in page.entries],
                }
                if fmt == "pdf":
                    pdf_pages.append(data)
                elif fmt == "png":
                    name = f"pages/page-{page.number:04d}.png"
                    _atomic_write(out_dir / name, data)
                    png_files.append(name)
                    meta["file"] = name
                else:
                    assert tif is not None
                    _append_tiff(tif, img, quality, scan)
                pages_meta.append(meta)
    finally:
        if tif is not None:
            tif.close()
    if fmt == "pdf":
        layout_fun = img2pdf.get_fixed_dpi_layout_fun((DPI, DPI))
        # img2pdf's internal writer: its /ID is a hash of the content, while with pikepdf (≥ 10)
        # img2pdf's version check fails and the /ID is random, so the bytes would differ per run
        pdf = img2pdf.convert(
            pdf_pages, layout_fun=layout_fun, nodate=True, engine=img2pdf.Engine.internal
        )
        _atomic_write(out_dir / "book.pdf", pdf)
        return ["book.pdf"]
    if fmt == "tiff":
        tif_tmp.replace(tif_path)
        return ["book.tif"]
    return png_files


def _bounded_map(
    pool: ThreadPoolExecutor,
    fn: Any,
    items: Iterator[tuple[Page, Image.Image | None]],
    window: int,
) -> Iterator[tuple[Page, Image.Image, bytes]]:
    """``pool.map`` in order, with at most ``window`` pages in flight (bounded memory)."""
    pending: list[Any] = []
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) > window:
            yield pending.pop(0).result()
    for fut in pending:
        yield fut.result()


def _append_tiff(
    tif: TiffImagePlugin.AppendingTiffWriter, img: Image.Image, quality: str, scan: BookScan
) -> None:
    if quality == "clean":
        img.save(tif, "TIFF", compression="tiff_deflate", dpi=(DPI, DPI))
    else:
        img.save(tif, "TIFF", compression="jpeg", quality=scan.jpeg_quality, dpi=(DPI, DPI))
    tif.newFrame()
