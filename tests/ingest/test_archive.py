from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from civreg_cli.errors import InputError
from ingest import StoredPage, ingest_book
from ingest.archive import natural_key
from tests.ingest import jpeg_bytes, page_image, png_bytes, tiff_bytes, truncated, write


def files_under(root: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def pixels(path: Path | None) -> np.ndarray:
    assert path is not None
    return np.asarray(Image.open(path))


# Page files, deliberately listed out of order; frames of page-9.tif are pages 3 and 4.
PAGES: dict[str, bytes] = {
    "page-10.png": png_bytes(page_image(10)),
    "page-2.png": png_bytes(page_image(2)),
    "page-1.png": png_bytes(page_image(1)),
    "page-9.tif": tiff_bytes([page_image(91), page_image(92)]),
}
EXPECTED = [1, 2, 91, 92, 10]
JUNK: dict[str, bytes] = {
    ".DS_Store": b"\x00\x00\x00\x01Bud1",
    "__MACOSX/._page-1.png": b"\x00\x05\x16\x07AppleDouble",
    "._page-2.png": b"\x00\x05\x16\x07AppleDouble",
    "notes.txt": b"scanned by the commune office",
    "Thumbs.db": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
}


def make_zip(path: Path, members: dict[str, bytes], prefix: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(prefix + name, data)
    return path


def make_folder(path: Path, members: dict[str, bytes]) -> Path:
    for name, data in members.items():
        write(path / name, data)
    return path


def check_order(book_pages: list[StoredPage], expected: list[int]) -> None:
    assert [p.page_no for p in book_pages] == list(range(1, len(expected) + 1))
    for page, n in zip(book_pages, expected, strict=True):
        assert page.error is None, page.error
        assert np.array_equal(pixels(page.image_path), np.asarray(page_image(n))), n


def test_natural_key() -> None:
    names = ["p10.png", "P2.png", "p1.png", "a/p3.png", "p02.png", "b/p1.png"]
    assert sorted(names, key=natural_key) == [
        "a/p3.png",
        "b/p1.png",
        "p1.png",
        "P2.png",
        "p02.png",
        "p10.png",
    ]


def test_folder_in_natural_order_junk_ignored(tmp_path: Path) -> None:
    src = make_folder(tmp_path / "Book 12", {**PAGES, **JUNK})
    data = tmp_path / "data"
    book = ingest_book(src, data)
    check_order(book.pages, EXPECTED)
    assert book.source_name == "Book 12"
    manifest = json.loads((data / "sources" / f"{book.source_sha256}.json").read_text())
    assert [m["name"] for m in manifest] == [
        "page-1.png",
        "page-2.png",
        "page-9.tif",
        "page-10.png",
    ]
    for m in manifest:  # each original page file is kept too
        ext = Path(m["name"]).suffix
        assert (data / "sources" / f"{m['sha256']}{ext}").read_bytes() == (
            src / m["name"]
        ).read_bytes()


def test_folder_twice_writes_nothing(tmp_path: Path) -> None:
    src = make_folder(tmp_path / "book", PAGES)
    data = tmp_path / "data"
    first = ingest_book(src, data)
    before = files_under(data)
    assert ingest_book(src, data) == first
    assert files_under(data) == before


def test_zip_in_natural_order_junk_ignored(tmp_path: Path) -> None:
    src = make_zip(tmp_path / "book.zip", {**PAGES, **JUNK}, prefix="scans/")
    data = tmp_path / "data"
    book = ingest_book(src, data)
    check_order(book.pages, EXPECTED)
    assert (data / "sources" / f"{book.source_sha256}.zip").read_bytes() == src.read_bytes()
    before = files_under(data)
    assert ingest_book(src, data) == book
    assert files_under(data) == before


@pytest.mark.parametrize("kind", ["zip", "folder"])
def test_bad_page_inside_fails_only_that_page(tmp_path: Path, kind: str) -> None:
    members = {
        "p1.png": png_bytes(page_image(1)),
        "p2.jpg": truncated(jpeg_bytes(page_image(2, size=(400, 500))), 0.3),
        "p3.png": png_bytes(page_image(3)),
        "p4.png": b"not an image at all",
    }
    if kind == "zip":
        src = make_zip(tmp_path / "book.zip", members)
    else:
        src = make_folder(tmp_path / "book.zip", members)  # a folder, whatever its name
    book = ingest_book(src, tmp_path / "data")
    assert [p.error is None for p in book.pages] == [True, False, True, False]
    assert book.pages[1].error is not None
    assert book.pages[1].error.startswith("page 2 of 'book.zip' (p2.jpg) is damaged or truncated")
    assert book.pages[3].error is not None
    assert book.pages[3].error.startswith("page 4 of 'book.zip' (p4.png) is not a readable image")
    assert np.array_equal(pixels(book.pages[2].image_path), np.asarray(page_image(3)))


def test_bomb_page_inside_folder_fails_alone(tmp_path: Path) -> None:
    from tests.ingest import png_bomb_bytes

    src = make_folder(
        tmp_path / "b", {"1.png": png_bytes(page_image(1)), "2.png": png_bomb_bytes()}
    )
    book = ingest_book(src, tmp_path / "data")
    assert book.pages[0].error is None
    assert book.pages[1].error is not None and "decompression bomb" in book.pages[1].error


def test_member_with_bad_crc_fails_alone(tmp_path: Path) -> None:
    good, bad = png_bytes(page_image(1)), png_bytes(page_image(2))
    src = tmp_path / "crc.zip"
    with zipfile.ZipFile(src, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("1.png", good)
        zf.writestr("2.png", bad)
    raw = bytearray(src.read_bytes())
    at = raw.index(bad) + len(bad) - 20  # inside 2.png's IEND area
    raw[at] ^= 0xFF
    src.write_bytes(bytes(raw))
    book = ingest_book(src, tmp_path / "data")
    assert book.pages[0].error is None
    assert book.pages[1].error is not None
    assert book.pages[1].error.startswith("page 2 of 'crc.zip' (2.png) cannot be unpacked")


# ---------------------------------------------------------------- whole-archive refusals


def refused(src: Path, tmp_path: Path) -> str:
    data = tmp_path / "data"
    with pytest.raises(InputError) as err:
        ingest_book(src, data)
    assert not data.exists()  # nothing left behind
    msg = str(err.value)
    assert f"'{src.name}'" in msg and "\n" not in msg
    return msg


@pytest.mark.parametrize(
    "bad_name", ["../evil.png", "/etc/evil.png", "ok/../../evil.png", "C:\\evil.png"]
)
def test_path_traversal_names_refused(tmp_path: Path, bad_name: str) -> None:
    src = make_zip(tmp_path / "evil.zip", {"p1.png": png_bytes(page_image(1)), bad_name: b"x"})
    assert "unsafe file name" in refused(src, tmp_path)
    assert not (tmp_path / "evil.png").exists()


def test_declared_size_bomb_refused(tmp_path: Path) -> None:
    src = make_zip(tmp_path / "bomb.zip", {"p1.png": png_bytes(page_image(1))})
    raw = bytearray(src.read_bytes())
    cd = raw.index(b"PK\x01\x02")  # central directory: uncompressed size at +24
    raw[cd + 24 : cd + 28] = (0xFFFF_0000).to_bytes(4, "little")
    lh = raw.index(b"PK\x03\x04")  # local header: uncompressed size at +22
    raw[lh + 22 : lh + 26] = (0xFFFF_0000).to_bytes(4, "little")
    src.write_bytes(bytes(raw))
    assert "possible zip bomb" in refused(src, tmp_path)


def test_compression_ratio_bomb_refused(tmp_path: Path) -> None:
    src = make_zip(
        tmp_path / "ratio.zip", {"p1.png": png_bytes(page_image(1)), "blank.tif": bytes(40 * 2**20)}
    )
    msg = refused(src, tmp_path)
    assert "possible zip bomb" in msg and "compressed" in msg


def test_broken_zip_refused(tmp_path: Path) -> None:
    good = make_zip(tmp_path / "g.zip", {"p1.png": png_bytes(page_image(1))}).read_bytes()
    src = write(tmp_path / "broken.zip", good[: len(good) // 2])
    assert refused(src, tmp_path).startswith("'broken.zip' is a damaged zip archive — ")


def test_encrypted_zip_refused(tmp_path: Path) -> None:
    src = make_zip(tmp_path / "locked.zip", {"p1.png": png_bytes(page_image(1))})
    raw = bytearray(src.read_bytes())
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.index(sig) + flag_at
        raw[at] |= 0x01
    src.write_bytes(bytes(raw))
    assert "password-protected" in refused(src, tmp_path)


def test_zip_without_images_refused(tmp_path: Path) -> None:
    src = make_zip(tmp_path / "texts.zip", {"a.txt": b"hello", "b/c.csv": b"1,2"})
    assert "contains no page images" in refused(src, tmp_path)


def test_office_document_zip_says_so(tmp_path: Path) -> None:
    src = make_zip(
        tmp_path / "scan.zip", {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}
    )
    assert "it looks like an Office document" in refused(src, tmp_path)


def test_zip_whose_pages_all_fail_refused_and_writes_nothing(tmp_path: Path) -> None:
    src = make_zip(tmp_path / "allbad.zip", {"1.png": b"garbage", "2.jpg": b"\xff\xd8\xff\xe0 cut"})
    assert refused(src, tmp_path).startswith("none of the 2 pages of 'allbad.zip' could be read")


def test_empty_folder_refused(tmp_path: Path) -> None:
    src = make_folder(tmp_path / "empty", {"readme.txt": b"nothing here"})
    msg = refused(src, tmp_path)
    assert msg.startswith("folder 'empty' contains no page images — ")


def test_zip_is_never_extracted_to_disk(tmp_path: Path) -> None:
    src = make_zip(tmp_path / "z.zip", PAGES)
    data = tmp_path / "data"
    ingest_book(src, data)
    names = {p.name for p in data.rglob("*") if p.is_file()}
    assert not names & set(PAGES)  # no member was written under its own name
    assert all(n.endswith((".png", ".zip")) for n in names)
    assert not any(n.endswith(".tmp") for n in names)


def test_data_dir_inside_the_book_folder_is_not_read_as_pages(tmp_path: Path) -> None:
    src = make_folder(tmp_path / "book", PAGES)
    data = src / "data"
    first = ingest_book(src, data)
    before = files_under(data)
    assert ingest_book(src, data) == first
    assert files_under(data) == before
    assert len(first.pages) == len(EXPECTED)
