from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import IO

import numpy as np
import pytest
from PIL import Image

from civreg_cli.errors import InputError
from ingest import detect_kind, ingest_book, is_blank, pixel_sha256
from ingest.storage import create_once, encode_png, store_page
from tests.ingest import jpeg_bytes, make_pdf, page_image, png_bytes, text_page, tiff_bytes, write

# ---------------------------------------------------------------- fingerprints and files


def test_pixel_sha256_definition() -> None:
    arr = np.arange(12, dtype=np.uint8).reshape(3, 4)
    expected = hashlib.sha256(b"L 4x3\n" + arr.tobytes()).hexdigest()
    assert pixel_sha256(arr) == expected
    assert pixel_sha256(Image.fromarray(arr)) == expected
    rgb = np.zeros((2, 5, 3), np.uint8)
    assert pixel_sha256(rgb) == hashlib.sha256(b"RGB 5x2\n" + rgb.tobytes()).hexdigest()
    with pytest.raises(ValueError):
        pixel_sha256(np.zeros((2, 2), np.uint16))


@pytest.mark.parametrize("shape", [(31, 17), (31, 17, 3)])
def test_png_is_lossless_and_carries_dpi(tmp_path: Path, shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(1)
    arr = rng.integers(0, 256, shape, dtype=np.uint8)
    sha, path = store_page(tmp_path, arr, 300, 3)
    assert path == tmp_path / "pages" / sha[:2] / f"{sha}.png"
    with Image.open(path) as im:
        assert im.mode == ("L" if len(shape) == 2 else "RGB")
        assert np.array_equal(np.asarray(im), arr)
        assert round(im.info["dpi"][0]) == 300
        assert pixel_sha256(im) == sha
    assert encode_png(arr, 0, 3).startswith(b"\x89PNG")


def test_existing_file_is_not_rewritten(tmp_path: Path) -> None:
    arr = np.full((5, 5), 7, np.uint8)
    _, path = store_page(tmp_path, arr, 300, 3)
    mtime = path.stat().st_mtime_ns
    _, again = store_page(tmp_path, arr, 150, 9)  # same pixels, other settings
    assert again == path and path.stat().st_mtime_ns == mtime


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "x" / "file.bin"

    def boom(fh: IO[bytes]) -> None:
        fh.write(b"half")
        raise RuntimeError("crash mid-write")

    with pytest.raises(RuntimeError):
        create_once(target, boom)
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # no temp file either
    assert create_once(target, lambda fh: None) is True
    assert create_once(target, lambda fh: None) is False


@pytest.mark.parametrize("kind", ["pdf", "tiff", "jpeg", "png"])
def test_ingest_is_idempotent_for_every_kind(tmp_path: Path, kind: str) -> None:
    im = page_image(3)
    data_by_kind = {
        "pdf": make_pdf([text_page(["Idempotent page"])]),
        "tiff": tiff_bytes([im, page_image(4)]),
        "jpeg": jpeg_bytes(im),
        "png": png_bytes(im),
    }
    src = write(tmp_path / f"book.{kind}", data_by_kind[kind])
    data = tmp_path / "data"
    first = ingest_book(src, data)
    files = {p: p.stat().st_mtime_ns for p in data.rglob("*")}
    assert sum(1 for p in files if p.parent.name == "sources") == 1
    assert ingest_book(src, data) == first
    assert {p: p.stat().st_mtime_ns for p in data.rglob("*")} == files  # files and folders


def test_same_page_in_two_books_is_stored_once(tmp_path: Path) -> None:
    im = page_image(5)
    a = ingest_book(write(tmp_path / "a.png", png_bytes(im)), tmp_path / "data")
    b = ingest_book(write(tmp_path / "b.tif", tiff_bytes([im])), tmp_path / "data")
    assert a.pages[0].sha256 == b.pages[0].sha256
    assert a.pages[0].image_path == b.pages[0].image_path
    assert len(list((tmp_path / "data" / "pages").rglob("*.png"))) == 1


def test_workers_do_not_change_results(tmp_path: Path) -> None:
    src = write(tmp_path / "b.tif", tiff_bytes([page_image(i) for i in range(1, 8)]))
    one = ingest_book(src, tmp_path / "d1", workers=1)
    four = ingest_book(src, tmp_path / "d4", workers=4)
    assert [p.sha256 for p in one.pages] == [p.sha256 for p in four.pages]
    assert [p.page_no for p in four.pages] == list(range(1, 8))


# ---------------------------------------------------------------- detect_kind


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("scan.jpg", make_pdf([text_page(["x"])]), "pdf"),  # by content, not name
        ("scan.pdf", png_bytes(page_image(1)), "image"),
        ("scan", jpeg_bytes(page_image(1)), "image"),
        ("scan.png", tiff_bytes([page_image(1)]), "tiff"),
        ("scan.pdf", b"PK\x05\x06" + bytes(18), "zip"),
        ("junk-first.pdf", b"\r\n\r\n%PDF-1.4\n...", "pdf"),
    ],
)
def test_detect_kind_by_content(tmp_path: Path, name: str, data: bytes, kind: str) -> None:
    assert detect_kind(write(tmp_path / name, data)) == kind


def test_detect_kind_folder(tmp_path: Path) -> None:
    (tmp_path / "f").mkdir()
    assert detect_kind(tmp_path / "f") == "folder"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.pdf", "Giấy khai sinh\n".encode() * 300, "'a.pdf' is not a PDF (it looks like text)"),
        ("a.tif", b"GIF89a" + bytes(20), "'a.tif' is not a TIFF image (it looks like a GIF image)"),
        (
            "a.jpg",
            b"\x00\x00\x00\x18ftypheic" + bytes(20),
            "'a.jpg' is not a JPEG image (it looks like a HEIC photo)",
        ),
        (
            "a.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(20),
            "'a.doc' is not a supported scan file",
        ),
        ("a.html", b"<!DOCTYPE html><html>", "(it looks like a web page (HTML))"),
        ("a.bin", bytes(range(256)), "(it looks like an unknown binary format)"),
    ],
)
def test_unsupported_content(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    with pytest.raises(InputError) as err:
        detect_kind(write(tmp_path / name, data))
    assert message in str(err.value)
    assert str(err.value).endswith("— export the scan as PDF, TIFF, JPEG or PNG")


# ---------------------------------------------------------------- is_blank


def test_is_blank() -> None:
    rng = np.random.default_rng(0)
    paper = np.clip(rng.normal(235, 4, (3508, 2480)), 0, 255).astype(np.uint8)
    assert is_blank(paper)
    specks = paper.copy()
    specks[rng.integers(0, 3508, 300), rng.integers(0, 2480, 300)] = 0  # dust
    assert is_blank(specks)
    edge = paper.copy()
    edge[:, :40] = 10  # scanner edge shadow
    assert is_blank(edge)
    assert is_blank(np.full((10, 10, 3), 250, np.uint8))
    word = paper.copy()
    word[1700:1740, 1200:1330:6] = 20  # one short handwritten word: a few strokes
    word[1700:1704, 1200:1330] = 20
    assert not is_blank(word)
    page = np.asarray(page_image(1, size=(600, 800), mode="RGB"))
    assert not is_blank(page)


def test_is_blank_on_stored_page(tmp_path: Path) -> None:
    b = io.BytesIO()
    Image.new("L", (200, 300), 250).save(b, "PNG")
    page = ingest_book(write(tmp_path / "blank.png", b.getvalue()), tmp_path / "data").pages[0]
    assert page.image_path is not None
    assert is_blank(np.asarray(Image.open(page.image_path)))


def test_concurrent_ingests_of_pdfs_are_safe(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    src = write(tmp_path / "t.pdf", make_pdf([text_page([f"Page {i} text"]) for i in range(4)]))
    with ThreadPoolExecutor(3) as pool:
        books = list(pool.map(lambda _: ingest_book(src, tmp_path / "data"), range(3)))
    assert books[0] == books[1] == books[2]
    assert len(list((tmp_path / "data" / "pages").rglob("*.png"))) == 4
    assert not [p for p in (tmp_path / "data").rglob("*.tmp")]
