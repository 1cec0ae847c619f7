from __future__ import annotations

from pathlib import Path

import img2pdf
import numpy as np
import pikepdf
import pytest
from PIL import Image

from civreg_cli.errors import InputError
from ingest import Limits, ingest_book, pixel_sha256
from tests.ingest import (
    PdfImage,
    PdfPage,
    PdfText,
    make_pdf,
    page_image,
    png_bytes,
    scan_page,
    text_page,
    write,
)


def files_under(root: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def scanned_pdf(
    tmp_path: Path, n: int = 3, dpi: int = 150, mode: str = "L"
) -> tuple[Path, list[Image.Image]]:
    images = [page_image(i, size=(200 + 10 * i, 280), mode=mode, dpi=dpi) for i in range(1, n + 1)]
    data = img2pdf.convert([png_bytes(im, dpi) for im in images])
    return write(tmp_path / "book.pdf", data), images


def test_scanned_pdf_pages_in_order_at_native_resolution(tmp_path: Path) -> None:
    src, images = scanned_pdf(tmp_path, n=3, dpi=150)
    book = ingest_book(src, tmp_path / "data")
    assert [p.page_no for p in book.pages] == [1, 2, 3]
    for page, im in zip(book.pages, images, strict=True):
        assert page.error is None
        assert (page.width, page.height) == im.size  # the embedded image's pixel size
        assert page.dpi == 150
        assert page.text_layer is None
        assert page.image_path is not None and page.image_path.is_absolute()
        stored = Image.open(page.image_path)
        assert stored.mode == "L"  # greyscale source stays greyscale
        assert np.array_equal(np.asarray(stored), np.asarray(im))  # lossless
        assert page.sha256 == pixel_sha256(stored)
        assert page.image_path.parent.name == page.sha256[:2]
    assert book.source_name == "book.pdf"
    assert (tmp_path / "data" / "sources" / f"{book.source_sha256}.pdf").read_bytes() == (
        src.read_bytes()
    )


def test_colour_scan_stays_colour(tmp_path: Path) -> None:
    src, images = scanned_pdf(tmp_path, n=1, dpi=200, mode="RGB")
    page = ingest_book(src, tmp_path / "data").pages[0]
    assert page.image_path is not None
    stored = Image.open(page.image_path)
    assert stored.mode == "RGB"
    assert np.array_equal(np.asarray(stored), np.asarray(images[0]))
    assert page.dpi == 200


def test_second_ingest_writes_nothing_and_returns_equal_result(tmp_path: Path) -> None:
    src, _ = scanned_pdf(tmp_path)
    data = tmp_path / "data"
    first = ingest_book(src, data)
    before = files_under(data)
    second = ingest_book(src, data)
    assert files_under(data) == before
    assert second == first
    assert not [p for p in data.rglob("*") if p.name.endswith(".tmp")]


def test_image_inside_form_xobject_still_sets_resolution(tmp_path: Path) -> None:
    px = np.tile(np.arange(120, dtype=np.uint8), (90, 1))
    src = write(tmp_path / "f.pdf", make_pdf([scan_page(px, 120, in_form=True)]))
    page = ingest_book(src, tmp_path / "data").pages[0]
    assert (page.width, page.height, page.dpi) == (120, 90, 120)


def test_born_digital_page_gives_text_layer_in_pixels(tmp_path: Path) -> None:
    src = write(
        tmp_path / "typed.pdf",
        make_pdf([text_page(["Birth register 2024", "Entry number 17"]), text_page(["Page two"])]),
    )
    book = ingest_book(src, tmp_path / "data")
    page = book.pages[0]
    assert page.dpi == 300
    assert (page.width, page.height) == (round(595 * 300 / 72), round(842 * 300 / 72))
    layer = page.text_layer
    assert layer is not None
    assert layer.source == "text_layer"
    assert (layer.width, layer.height) == (page.width, page.height)
    assert [ln.text for ln in layer.lines] == ["Birth register 2024", "Entry number 17"]
    assert all(w.conf == 1.0 for w in layer.words)
    # first word: x = 72 pt → 300 px; baseline 100 pt from the top → ~416 px
    x0, y0, _x1, y1 = layer.words[0].bbox
    assert 295 <= x0 <= 305 and 360 <= y0 < 416 < y1 <= 440
    assert page.image_path is not None
    img = np.asarray(Image.open(page.image_path).convert("L"))
    for w in layer.words:  # every box holds ink, and the page has no ink far from boxes
        bx0, by0, bx1, by1 = w.bbox
        assert img[by0:by1, bx0:bx1].min() < 128, w
    mask = np.ones_like(img, dtype=bool)
    for w in layer.words:
        bx0, by0, bx1, by1 = w.bbox
        mask[max(0, by0 - 3) : by1 + 3, max(0, bx0 - 3) : bx1 + 3] = False
    assert img[mask].min() > 128
    assert book.pages[1].text_layer is not None
    assert book.pages[1].text_layer.text == "Page two"


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_text_layer_boxes_follow_page_rotation(tmp_path: Path, rotate: int) -> None:
    src = write(tmp_path / "rot.pdf", make_pdf([text_page(["Rotated words here"], rotate=rotate)]))
    page = ingest_book(src, tmp_path / "data").pages[0]
    assert page.text_layer is not None and page.image_path is not None
    if rotate in (90, 270):
        assert page.width > page.height
    img = np.asarray(Image.open(page.image_path).convert("L"))
    ink = 0
    for w in page.text_layer.words:
        bx0, by0, bx1, by1 = w.bbox
        assert img[by0:by1, bx0:bx1].min() < 128, w
        ink += int((img[by0:by1, bx0:bx1] < 128).sum())
    assert ink >= 0.9 * int((img < 128).sum())  # (almost) all ink lies in the boxes
    assert page.text_layer.text == "Rotated words here"  # lines in reading order


def test_rotated_cropped_page_boxes_hold_all_the_ink(tmp_path: Path) -> None:
    pg = text_page(["Cropped and rotated", "second line"], rotate=90)
    pg.cropbox = (36, 400, 400, 800)
    page = ingest_book(write(tmp_path / "rc.pdf", make_pdf([pg])), tmp_path / "data").pages[0]
    assert (page.width, page.height) == (round(400 * 300 / 72), round(364 * 300 / 72))
    assert page.text_layer is not None and page.image_path is not None
    assert [ln.text for ln in page.text_layer.lines] == ["Cropped and rotated", "second line"]
    img = np.asarray(Image.open(page.image_path).convert("L"))
    inside = sum(
        int((img[w.bbox[1] : w.bbox[3], w.bbox[0] : w.bbox[2]] < 128).sum())
        for w in page.text_layer.words
    )
    assert inside == int((img < 128).sum()) > 0


def test_cropbox_offsets_text_layer(tmp_path: Path) -> None:
    pg = text_page(["Cropped page text"])
    pg.cropbox = (36, 400, 400, 800)
    src = write(tmp_path / "crop.pdf", make_pdf([pg]))
    page = ingest_book(src, tmp_path / "data").pages[0]
    assert (page.width, page.height) == (round(364 * 300 / 72), round(400 * 300 / 72))
    assert page.text_layer is not None and page.image_path is not None
    img = np.asarray(Image.open(page.image_path).convert("L"))
    for w in page.text_layer.words:
        bx0, by0, bx1, by1 = w.bbox
        assert img[by0:by1, bx0:bx1].min() < 128, w
    assert int((img < 128).sum()) > 0


def test_scan_with_hidden_ocr_text_has_no_text_layer(tmp_path: Path) -> None:
    px = np.full((300, 200), 230, np.uint8)
    px[100:110, 20:180] = 0
    pg = scan_page(px, 100, texts=[PdfText(10, 100, 10, "hidden ocr words", invisible=True)])
    page = ingest_book(write(tmp_path / "ocrd.pdf", make_pdf([pg])), tmp_path / "data").pages[0]
    assert page.text_layer is None
    assert (page.width, page.height, page.dpi) == (200, 300, 100)


def test_garbled_legacy_font_text_is_not_used(tmp_path: Path) -> None:
    # "Họ và tên" typed in a TCVN3 (.VnTime) font reads back as "Hä vµ tªn"
    src = write(
        tmp_path / "vntime.pdf", make_pdf([text_page(["H\xe4 v\xb5 t\xaan", "Ng\xb7y sinh"])])
    )
    assert ingest_book(src, tmp_path / "data").pages[0].text_layer is None


def test_page_without_text_or_image_is_rendered_at_default_dpi(tmp_path: Path) -> None:
    src = write(tmp_path / "blank.pdf", make_pdf([PdfPage(width=144, height=72)]))
    page = ingest_book(src, tmp_path / "data").pages[0]
    assert (page.width, page.height, page.dpi, page.text_layer) == (600, 300, 300, None)


def test_oversized_page_fails_alone(tmp_path: Path) -> None:
    px = np.full((100, 100), 200, np.uint8)
    bomb = PdfPage(
        width=400, height=400, images=[PdfImage(px, 0, 0, 400, 400, declared=(30_000, 30_000))]
    )
    good = scan_page(px, 100)
    src = write(tmp_path / "mixed.pdf", make_pdf([good, bomb, good]))
    book = ingest_book(src, tmp_path / "data")
    assert [p.error is None for p in book.pages] == [True, False, True]
    err = book.pages[1].error
    assert err is not None and "page 2 of 'mixed.pdf'" in err and "decompression bomb" in err
    assert book.pages[1].image_path is None and book.pages[1].sha256 is None


def test_page_pixel_limit_is_configurable(tmp_path: Path) -> None:
    src, _ = scanned_pdf(tmp_path, n=2)
    data = tmp_path / "data"
    with pytest.raises(InputError, match=r"book\.pdf.*decompression bomb"):
        ingest_book(src, data, limits=Limits(max_page_pixels=10_000))
    assert not data.exists()


def test_encrypted_pdf(tmp_path: Path) -> None:
    src, _ = scanned_pdf(tmp_path, n=1)
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(src) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    data = tmp_path / "data"
    with pytest.raises(InputError) as err:
        ingest_book(locked, data)
    assert str(err.value) == (
        "'locked.pdf' is password-protected — remove the password and upload again"
    )
    assert not data.exists()


def test_pdf_with_owner_password_only_opens(tmp_path: Path) -> None:
    src, _ = scanned_pdf(tmp_path, n=1)
    restricted = tmp_path / "restricted.pdf"
    with pikepdf.open(src) as pdf:
        pdf.save(restricted, encryption=pikepdf.Encryption(user="", owner="owner"))
    assert ingest_book(restricted, tmp_path / "data").pages[0].error is None


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        (
            "notes.pdf",
            "Họ và tên: Nguyễn Văn A\n".encode() * 20,
            "'notes.pdf' is not a PDF (it looks like text)",
        ),
        ("damaged.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8, "'damaged.pdf' is a damaged PDF"),
        ("empty.pdf", b"", "'empty.pdf' is empty"),
    ],
)
def test_bad_pdf_files(tmp_path: Path, filename: str, content: bytes, expected: str) -> None:
    src = write(tmp_path / filename, content)
    data = tmp_path / "data"
    with pytest.raises(InputError) as err:
        ingest_book(src, data)
    assert str(err.value).startswith(expected)
    assert "\n" not in str(err.value)
    assert not data.exists()


def test_text_named_pdf_message_says_what_to_do(tmp_path: Path) -> None:
    src = write(tmp_path / "scan.pdf", b"just some notes\n")
    with pytest.raises(InputError) as err:
        ingest_book(src, tmp_path / "data")
    assert str(err.value) == (
        "'scan.pdf' is not a PDF (it looks like text) — export the scan as PDF, TIFF, JPEG or PNG"
    )


def test_zero_page_pdf(tmp_path: Path) -> None:
    src = write(tmp_path / "nopages.pdf", make_pdf([]))
    data = tmp_path / "data"
    with pytest.raises(InputError, match=r"^'nopages\.pdf' has no pages — "):
        ingest_book(src, data)
    assert not data.exists()


def test_truncated_pdf_is_refused_or_reads_what_it_can(tmp_path: Path) -> None:
    src, _ = scanned_pdf(tmp_path, n=3)
    cut = write(tmp_path / "cut.pdf", src.read_bytes()[: len(src.read_bytes()) // 2])
    data = tmp_path / "data"
    try:
        book = ingest_book(cut, data)
    except InputError as err:
        assert "cut.pdf" in str(err)
        assert not data.exists()
    else:
        assert any(p.error is None for p in book.pages)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^'gone\.pdf' does not exist — "):
        ingest_book(tmp_path / "gone.pdf", tmp_path / "data")
    assert not (tmp_path / "data").exists()


def test_scan_with_a_visible_watermark_is_still_a_scan(tmp_path: Path) -> None:
    px = np.full((300, 200), 230, np.uint8)
    pg = scan_page(px, 100, texts=[PdfText(5, 5, 6, "Scanned with CamScanner")])
    page = ingest_book(write(tmp_path / "cam.pdf", make_pdf([pg])), tmp_path / "data").pages[0]
    assert (page.width, page.height, page.dpi, page.text_layer) == (200, 300, 100, None)


def test_typed_page_on_a_background_image_keeps_its_text(tmp_path: Path) -> None:
    background = np.full((84, 60), 245, np.uint8)  # a faint letterhead, 7 dpi over A4
    pg = text_page([f"Line {i} of a typed letter with enough words" for i in range(8)])
    pg.images = [PdfImage(background, 0, 0, 595, 842)]
    page = ingest_book(write(tmp_path / "letter.pdf", make_pdf([pg])), tmp_path / "data").pages[0]
    assert page.dpi == 300
    assert page.text_layer is not None and len(page.text_layer.lines) == 8


def test_big_typed_page_is_rendered_within_the_pixel_limit(tmp_path: Path) -> None:
    limits = Limits(max_page_pixels=2_000_000)  # A4 at 300 dpi is 8.7 MP
    src = write(tmp_path / "a4.pdf", make_pdf([text_page(["A typed page, rendered smaller"])]))
    page = ingest_book(src, tmp_path / "data", limits=limits).pages[0]
    assert page.error is None
    assert 1_500_000 < page.width * page.height <= limits.max_page_pixels
    assert page.dpi < 300 and page.text_layer is not None


def test_vietnamese_text_is_not_taken_for_garbled() -> None:
    from ingest.pdf import _looks_garbled

    assert not _looks_garbled(
        "Họ và tên: Nguyễn Văn An, sinh ngày 12 tháng 3 năm 1987 tại xã Phú Mỹ"
    )
    assert not _looks_garbled("Birth register, entry 17 (copy) — 25°C")
    assert _looks_garbled("Hä vµ tªn: NguyÔn V¨n An, sinh ngµy 12 th¸ng 3 n¨m 1987")  # TCVN3
    assert _looks_garbled("\ue000\ue001\ue002\ue003 ab")  # private-use glyph codes


def test_group_lines_reading_order_and_table_columns() -> None:
    from ingest.pdf import group_lines
    from ocr.types import Word

    words = [
        Word("next", (10, 50, 60, 70), 1.0),
        Word("An", (385, 12, 410, 32), 1.0),
        Word("Số", (10, 10, 40, 30), 1.0),
        Word("Nguyễn", (300, 12, 380, 32), 1.0),
        Word("1", (45, 10, 55, 30), 1.0),
    ]
    assert [ln.text for ln in group_lines(words)] == ["Số 1", "Nguyễn An", "next"]
