"""ALTO XML v4 per page from our stored OCR output: words with boxes and confidences.

Coordinates are pixels of the stored page image (``MeasurementUnit`` ``pixel``), origin top-left,
as in ``ocr.types``. Lines that follow each other closely form one ``TextBlock``; each word is a
``String`` (``CONTENT``, box, ``WC`` = the engine's confidence 0..1) with an ``SP`` for the gap
to the next word. Every ``ID`` is unique in its file. The ALTO v4 namespace and the 4.2 schema
location are declared; what the schema requires of each element we write is held by the tests.
"""

from __future__ import annotations

import statistics
import xml.etree.ElementTree as ET
from pathlib import Path

from exports.source import BookSource, ExportReport, PageSource, clean_word
from ocr.types import Line, PageText, union_bbox

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{ALTO_NS} http://www.loc.gov/standards/alto/v4/alto-4-2.xsd"
SCHEMA_VERSION = "4.2"

ET.register_namespace("", ALTO_NS)
ET.register_namespace("xsi", XSI_NS)


def _q(tag: str) -> str:
    return f"{{{ALTO_NS}}}{tag}"


def _box(el: ET.Element, bbox: tuple[int, int, int, int]) -> None:
    x0, y0, x1, y1 = bbox
    el.set("HPOS", str(x0))
    el.set("VPOS", str(y0))
    el.set("WIDTH", str(max(0, x1 - x0)))
    el.set("HEIGHT", str(max(0, y1 - y0)))


def _conf(value: float) -> str:
    return f"{min(1.0, max(0.0, value)):.3f}"


def blocks(lines: list[Line]) -> list[list[Line]]:
    """Lines in reading order grouped into blocks: a new block where the gap to the previous
    line is more than a median line height, or where the line does not overlap the previous one
    horizontally (another column or table cell)."""
    lines = [ln for ln in lines if ln.words]
    if not lines:
        return []
    height = statistics.median(ln.bbox[3] - ln.bbox[1] for ln in lines) or 1
    out: list[list[Line]] = [[lines[0]]]
    for ln in lines[1:]:
        prev = out[-1][-1].bbox
        cur = ln.bbox
        gap = cur[1] - prev[3]
        overlaps = cur[0] < prev[2] and prev[0] < cur[2]
        if overlaps and gap <= height:
            out[-1].append(ln)
        else:
            out.append([ln])
    return out


def page_alto(text: PageText, page_no: int, *, file_name: str, sha256: str | None) -> bytes:
    """One page as an ALTO v4 document (UTF-8 bytes with the XML declaration)."""
    root = ET.Element(_q("alto"), {"SCHEMAVERSION": SCHEMA_VERSION})
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    desc = ET.SubElement(root, _q("Description"))
    ET.SubElement(desc, _q("MeasurementUnit")).text = "pixel"
    src = ET.SubElement(desc, _q("sourceImageInformation"))
    ET.SubElement(src, _q("fileName")).text = file_name
    if sha256:
        ET.SubElement(src, _q("fileIdentifier"), {"fileIdentifierLocation": "sha256"}).text = sha256
    proc = ET.SubElement(desc, _q("Processing"), {"ID": "proc_1"})
    ET.SubElement(proc, _q("processingCategory")).text = "contentGeneration"
    ET.SubElement(proc, _q("processingStepDescription")).text = (
        "text layer of a born-digital PDF" if text.source == "text_layer" else "OCR"
    )
    if text.engine:
        ET.SubElement(proc, _q("processingStepSettings")).text = text.engine
    software = ET.SubElement(proc, _q("processingSoftware"))
    ET.SubElement(software, _q("softwareName")).text = (
        text.engine.split(" ", 1)[0] if text.engine else "civreg"
    )

    layout = ET.SubElement(root, _q("Layout"))
    words = text.words
    page = ET.SubElement(
        layout,
        _q("Page"),
        {
            "ID": f"page_{page_no}",
            "PHYSICAL_IMG_NR": str(page_no),
            "WIDTH": str(text.width),
            "HEIGHT": str(text.height),
            "PROCESSING": "proc_1",
        },
    )
    if words:
        page.set("PC", _conf(statistics.fmean(w.conf for w in words)))
    space = ET.SubElement(page, _q("PrintSpace"), {"ID": "space_1"})
    _box(space, (0, 0, text.width, text.height))
    n_line = n_word = 0
    for b, group in enumerate(blocks(text.lines), start=1):
        block = ET.SubElement(space, _q("TextBlock"), {"ID": f"block_{b}", "LANG": "vi"})
        _box(block, union_bbox([ln.bbox for ln in group]))
        for ln in group:
            n_line += 1
            line_el = ET.SubElement(block, _q("TextLine"), {"ID": f"line_{n_line}"})
            _box(line_el, ln.bbox)
            kept = [(clean_word(w.text), w) for w in ln.words if clean_word(w.text)]
            for i, (content, w) in enumerate(kept):
                n_word += 1
                s = ET.SubElement(line_el, _q("String"), {"ID": f"string_{n_word}"})
                s.set("CONTENT", content)
                _box(s, w.bbox)
                s.set("WC", _conf(w.conf))
                if i + 1 < len(kept):
                    gap = kept[i + 1][1].bbox[0] - w.bbox[2]
                    sp = ET.SubElement(line_el, _q("SP"))
                    sp.set("HPOS", str(w.bbox[2]))
                    sp.set("VPOS", str(w.bbox[1]))
                    sp.set("WIDTH", str(max(0, gap)))
            if not kept:  # a line of blank words only: ALTO wants a String in every TextLine
                block.remove(line_el)
                n_line -= 1
        if not len(block):
            space.remove(block)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def alto_file_name(page_no: int) -> str:
    return f"{page_no:04d}.alto.xml"


def write_book_alto(book: BookSource, out_dir: Path) -> ExportReport:
    """``<out_dir>/<book slug>/NNNN.alto.xml`` for every page of the book with OCR output; a
    page without one is named in the report's problems (nothing is written for it)."""
    report = ExportReport()
    folder = out_dir / book.slug
    folder.mkdir(parents=True, exist_ok=True)
    for page_no in sorted(book.pages):
        page: PageSource = book.pages[page_no]
        if page.ocr is None:
            report.problems.append(f"{book.name}: {page.ocr_problem}: no ALTO file for it")
            continue
        text = PageText.load(page.ocr)
        name = page.image.name if page.image is not None else f"page-{page_no:04d}"
        out = folder / alto_file_name(page_no)
        out.write_bytes(page_alto(text, page_no, file_name=name, sha256=page.sha256))
        report.files.append(out)
    report.counts = {"pages": len(report.files)}
    return report
