"""The Ministry's exchange package: per book one zip holding

- ``ho-so/NNNN_so-<entry>.pdf``: one colour PDF per record, its region of each page it stands on
  (cut from the stored page image: the full width of the page, from above its first field box
  to below its last, with a margin; the whole page when no field of it has a box there);
- ``<book>.xlsx``: one row per record, columns named in Vietnamese as printed in the register
  (``extraction.forms``), a sheet with the book's facts;
- ``manifest.json``: every record with its row, PDF and regions, and what could not be exported
  (a page image that is missing). No record is left out: a record whose page images are all
  missing keeps its row, has no PDF, and says so in the manifest.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from exports.pdf import RECORD_JPEG_QUALITY, binary_streams, jpeg_reader, open_image, points
from exports.source import BookSource, ExportReport, PageSource, RecordSource, safe_name
from extraction.forms import ID_DOC_TYPES, FieldType, RegisterForm, form_for

MARGIN_INCH = 0.15  # above the first and below the last field box of a record's region
DATE_FORMAT = "DD/MM/YYYY"  # as the books write dates

SHEET_TITLES = {"birth": "Khai sinh", "marriage": "Kết hôn", "death": "Khai tử"}
REGISTER_TITLES = {
    "birth": "Sổ đăng ký khai sinh",
    "marriage": "Sổ đăng ký kết hôn",
    "death": "Sổ đăng ký khai tử",
}
# Who a section's label is about, to tell apart columns whose printed label repeats
# (``Dân tộc`` of the child, the mother and the father).
ROLE_NAMES: dict[str, str] = {
    "child": "người được khai sinh",
    "mother": "người mẹ",
    "father": "người cha",
    "wife": "vợ",
    "husband": "chồng",
    "deceased": "người chết",
    "signer": "người ký",
    "clerk": "người thực hiện",
}
DECLARANT_NAMES = {
    "birth": "người đi khai sinh",
    "death": "người đi khai tử",
    "marriage": "người đi đăng ký",
}
STATUS_WORDS = {"accepted": "Đã chấp nhận", "needs_review": "Cần xem xét"}
LEAD_COLUMNS = ("Số", "Quyển số", "Trang")
TAIL_COLUMNS = ("Trạng thái", "Tệp PDF")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    type: FieldType


def _role_name(register_type: str, key: str) -> str:
    role = key.split(".", 1)[0]
    if role == "declarant":
        return DECLARANT_NAMES[register_type]
    return ROLE_NAMES.get(role, role)


def columns(register_type: str) -> list[Column]:
    """The register's fields in printed order, each named by its printed label; the parts of an
    identity paper after its type as ``Giấy tờ tùy thân: số``; a label printed for several
    persons gets the person in brackets (``Dân tộc (người mẹ)``)."""
    form: RegisterForm = form_for(register_type)
    parts = {k: g[0] for g in form.id_doc_groups for k in g[1:]}
    names: dict[str, str] = {}
    for spec in form.fields:
        owner = parts.get(spec.key)
        names[spec.key] = f"{form.spec_by_key[owner].label}: {spec.label}" if owner else spec.label
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    out = []
    for spec in form.fields:
        name = names[spec.key]
        if counts[name] > 1 or name in LEAD_COLUMNS + TAIL_COLUMNS:
            name = f"{name} ({_role_name(register_type, spec.key)})"
        out.append(Column(spec.key, name, spec.type))
    return out


def cell_value(form: RegisterForm, column: Column, value: str | None) -> str | date | None:
    """A stored value as the spreadsheet shows it: dates as dates, codes as their wording."""
    if value is None or value == "":
        return None
    if column.type == FieldType.DATE:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value  # kept as read (a reviewer has not fixed it yet)
    if column.key == "registration_kind":
        wordings = form.registration_kinds.get(value)
        return wordings[0] if wordings else value
    if column.key.endswith(".id_doc_type"):
        wordings = ID_DOC_TYPES.get(value)
        return wordings[0] if wordings else value
    return value


# --- record regions and PDFs ------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    page_no: int
    bbox: tuple[int, int, int, int]  # pixels of the stored page image
    whole_page: bool


def record_regions(record: RecordSource, pages: dict[int, PageSource]) -> list[Region]:
    """Per page the record stands on: the full page width from its first to its last field box
    on that page, with a margin; the whole page when none of its fields has a box there."""
    out = []
    fields = record.data.get("fields") or {}
    for page_no in record.pages:
        page = pages.get(page_no)
        if page is None:
            continue
        boxes = [
            f["bbox"]
            for f in fields.values()
            if f.get("bbox") and (f.get("page") or record.page_no) == page_no
        ]
        if not boxes:
            out.append(Region(page_no, (0, 0, page.width, page.height), True))
            continue
        margin = round(MARGIN_INCH * page.dpi)
        top = max(0, min(int(b[1]) for b in boxes) - margin)
        bottom = min(page.height, max(int(b[3]) for b in boxes) + margin)
        out.append(Region(page_no, (0, top, page.width, max(bottom, top + 1)), False))
    return out


def region_pdf(images: list[tuple[Image.Image, int]], title: str) -> bytes:
    """A PDF of one page per (crop, dpi), each at its printed size, in colour."""
    buf = io.BytesIO()
    with binary_streams():
        canvas = Canvas(buf, invariant=True)
        canvas.setTitle(title)
        canvas.setCreator("civreg export --format exchange")
        for crop, dpi in images:
            w, h = points(crop.width, dpi), points(crop.height, dpi)
            canvas.setPageSize((w, h))
            canvas.drawImage(
                jpeg_reader(crop, colour=True, quality=RECORD_JPEG_QUALITY), 0, 0, w, h
            )
            canvas.showPage()
        canvas.save()
    return buf.getvalue()


class _PageImages:
    """Page images opened once per book while its records are cut (records follow page order,
    so only the current page or two are kept)."""

    def __init__(self, pages: dict[int, PageSource]) -> None:
        self.pages = pages
        self.cache: dict[int, Image.Image] = {}
        self.problems: dict[int, str] = {
            n: str(p.image_problem) for n, p in pages.items() if p.image is None
        }

    def get(self, page_no: int) -> Image.Image | None:
        """The page's image, or None (``problems[page_no]`` says why)."""
        if page_no not in self.cache:
            page = self.pages.get(page_no)
            if page is None or page.image is None or page_no in self.problems:
                return None
            for old in [n for n in self.cache if n < page_no - 1]:
                self.cache.pop(old).close()
            try:
                self.cache[page_no] = open_image(page.image)
            except (OSError, ValueError, Image.DecompressionBombError) as exc:
                self.problems[page_no] = f"page {page_no}: its image cannot be read ({exc})"
                return None
        return self.cache[page_no]

    def close(self) -> None:
        for im in self.cache.values():
            im.close()
        self.cache.clear()


def record_file_name(row: int, record: RecordSource) -> str:
    entry = safe_name(record.entry_no) if record.entry_no else "khong-so"
    return f"ho-so/{row:04d}_so-{entry}.pdf"


# --- the package --------------------------------------------------------------------------------


def _sheet_rows(
    book: BookSource, cols: list[Column], pdf_names: list[str | None]
) -> list[list[Any]]:
    form = form_for(book.register_type)
    rows = []
    for record, pdf in zip(book.records, pdf_names, strict=True):
        fields = record.data.get("fields") or {}
        values = [cell_value(form, c, (fields.get(c.key) or {}).get("value")) for c in cols]
        status = str(record.data.get("status") or "")
        rows.append(
            [
                record.entry_no,
                book.book_no,
                ", ".join(map(str, record.pages)),
                *values,
                STATUS_WORDS.get(status, status),
                pdf.removeprefix("ho-so/") if pdf else None,
            ]
        )
    return rows


def workbook_bytes(book: BookSource, pdf_names: list[str | None]) -> bytes:
    """The XLSX: one row per record (sheet named after the register), then the book's facts."""
    cols = columns(book.register_type)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLES[book.register_type])
    ws.freeze_panes = "B2"
    bold = Font(bold=True)
    header = []
    for name in (*LEAD_COLUMNS, *(c.header for c in cols), *TAIL_COLUMNS):
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in _sheet_rows(book, cols, pdf_names):
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        ws.append(cells)
    info = wb.create_sheet("Thông tin sổ")
    for label, value in (
        ("Loại sổ", REGISTER_TITLES[book.register_type]),
        ("Quyển số", book.book_no),
        ("Cơ quan đăng ký", book.registration_authority),
        ("Năm", book.year),
        ("Số trang", len(book.pages)),
        ("Số hồ sơ", len(book.records)),
    ):
        info.append([label, value])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_book_package(book: BookSource, out_dir: Path) -> ExportReport:
    """``<out_dir>/<book slug>.zip``; a record whose page image is missing is named in the
    report's problems and the manifest (and keeps its spreadsheet row)."""
    report = ExportReport()
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{book.slug}.zip"
    tmp = out.with_suffix(".zip.part")
    images = _PageImages(book.pages)
    manifest_records: list[dict[str, Any]] = []
    pdf_names: list[str | None] = []
    pdfs = 0
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for row, record in enumerate(book.records, start=1):
                what = f"{book.name}, record {row} (entry {record.entry_no or '?'})"
                problems: list[str] = []
                crops: list[tuple[Image.Image, int]] = []
                regions = record_regions(record, book.pages)
                for p in record.pages:
                    if p not in book.pages:
                        problems.append(f"page {p} is not in the book")
                for region in regions:
                    image = images.get(region.page_no)
                    if image is None:
                        problems.append(images.problems[region.page_no])
                        continue
                    crops.append((image.crop(region.bbox), book.pages[region.page_no].dpi))
                name = record_file_name(row, record) if crops else None
                if name is not None:
                    zf.writestr(name, region_pdf(crops, f"{what}"))
                    pdfs += 1
                pdf_names.append(name)
                for problem in problems:
                    report.problems.append(
                        f"{what}: {problem}"
                        + ("" if crops else ": no PDF for this record (its row is in the XLSX)")
                    )
                manifest_records.append(
                    {
                        "row": row,
                        "entry_no": record.entry_no,
                        "pages": record.pages,
                        "status": record.data.get("status"),
                        "pdf": name,
                        "regions": [
                            {"page": r.page_no, "bbox": list(r.bbox), "whole_page": r.whole_page}
                            for r in regions
                        ],
                        "problems": problems,
                    }
                )
            xlsx = f"{book.slug}.xlsx"
            zf.writestr(xlsx, workbook_bytes(book, pdf_names))
            manifest = {
                "register_type": book.register_type,
                "book_no": book.book_no,
                "registration_authority": book.registration_authority,
                "year": book.year,
                "spreadsheet": xlsx,
                "records": manifest_records,
                "records_without_pdf": sum(1 for n in pdf_names if n is None),
            }
            zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        tmp.replace(out)
    finally:
        images.close()
        tmp.unlink(missing_ok=True)
    report.files.append(out)
    report.counts = {"records": len(book.records), "pdfs": pdfs}
    return report
