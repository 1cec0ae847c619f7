from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, TiffImagePlugin

from civreg_cli.errors import InputError
from ingest import Limits, ingest_book
from tests.ingest import (
    jpeg_bytes,
    page_image,
    png_bomb_bytes,
    png_bytes,
    tiff_bytes,
    truncated,
    write,
)


def stored(path: Path | None) -> np.ndarray:
    assert path is not None
    return np.asarray(Image.open(path))


# ---------------------------------------------------------------- TIFF


def test_multipage_tiff_in_order_with_its_dpi(tmp_path: Path) -> None:
    images = [page_image(i, size=(120 + i, 160)) for i in range(1, 5)]
    src = write(tmp_path / "book.tif", tiff_bytes(images, dpi=400))
    book = ingest_book(src, tmp_path / "data")
    assert [p.page_no for p in book.pages] == [1, 2, 3, 4]
    for page, im in zip(book.pages, images, strict=True):
        assert page.error is None
        assert (page.width, page.height, page.dpi) == (*im.size, 400)
        assert np.array_equal(stored(page.image_path), np.asarray(im))
    assert (tmp_path / "data" / "sources" / f"{book.source_sha256}.tif").exists()


def test_bilevel_tiff_is_stored_grey(tmp_path: Path) -> None:
    im = page_image(1).convert("1")
    src = write(tmp_path / "g4.tif", tiff_bytes([im], compression="group4"))
    page = ingest_book(src, tmp_path / "data").pages[0]
    arr = stored(page.image_path)
    assert arr.dtype == np.uint8 and arr.ndim == 2
    assert set(np.unique(arr)) <= {0, 255}
    assert np.array_equal(arr, np.asarray(im.convert("L")))


def _corrupt_frame(data: bytes, frame: int) -> bytes:
    """Overwrite the pixel data of one frame of a compressed TIFF with garbage."""
    out = bytearray(data)
    with Image.open(io.BytesIO(data)) as im:
        assert isinstance(im, TiffImagePlugin.TiffImageFile)
        im.seek(frame)
        offsets = im.tag_v2[273]
        counts = im.tag_v2[279]
    for off, n in zip(offsets, counts, strict=True):
        out[off : off + n] = bytes([0xA5]) * n
    return bytes(out)


def test_bad_frame_inside_tiff_fails_only_that_page(tmp_path: Path) -> None:
    images = [page_image(i) for i in range(1, 4)]
    data = _corrupt_frame(tiff_bytes(images, compression="tiff_adobe_deflate"), 1)
    book = ingest_book(write(tmp_path / "book.tif", data), tmp_path / "data")
    assert [p.error is None for p in book.pages] == [True, False, True]
    err = book.pages[1].error
    assert err is not None and err.startswith("page 2 of 'book.tif' ")
    assert "\n" not in err
    assert np.array_equal(stored(book.pages[2].image_path), np.asarray(images[2]))


def test_truncated_tiff_keeps_the_pages_before_the_cut(tmp_path: Path) -> None:
    images = [page_image(i, size=(300, 400)) for i in range(1, 4)]
    data = tiff_bytes(images)
    book = ingest_book(write(tmp_path / "cut.tif", truncated(data, 0.8)), tmp_path / "data")
    assert book.pages[0].error is None
    assert np.array_equal(stored(book.pages[0].image_path), np.asarray(images[0]))
    assert any(p.error is not None for p in book.pages)
    assert all("cut.tif" in (p.error or "cut.tif") for p in book.pages)


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_damaged_tiff_header(tmp_path: Path) -> None:
    src = write(tmp_path / "bad.tif", b"II*\x00" + b"\xff" * 64)
    data = tmp_path / "data"
    with pytest.raises(InputError, match=r"^'bad\.tif' "):
        ingest_book(src, data)
    assert not data.exists()


# ---------------------------------------------------------------- single images


def test_single_jpeg(tmp_path: Path) -> None:
    im = page_image(1, size=(240, 320))
    page = ingest_book(write(tmp_path / "p.jpg", jpeg_bytes(im, dpi=300)), tmp_path / "data").pages[
        0
    ]
    assert (page.width, page.height, page.dpi) == (240, 320, 300)
    assert stored(page.image_path).ndim == 2  # grey JPEG stays grey


def test_placeholder_dpi_becomes_default(tmp_path: Path) -> None:
    im = page_image(1)
    page = ingest_book(write(tmp_path / "p.png", png_bytes(im, dpi=72)), tmp_path / "data").pages[0]
    assert page.dpi == 300


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    im = page_image(1, size=(200, 100), mode="RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    b = io.BytesIO()
    im.save(b, "JPEG", exif=exif, quality=95)
    page = ingest_book(write(tmp_path / "phone.jpg", b.getvalue()), tmp_path / "data").pages[0]
    assert (page.width, page.height) == (100, 200)


@pytest.mark.parametrize(
    ("make", "mode"),
    [
        (lambda: Image.new("RGBA", (40, 30), (255, 0, 0, 0)), "L"),  # transparent: white
        (lambda: Image.new("RGBA", (40, 30), (255, 0, 0, 128)), "RGB"),
        (lambda: Image.new("LA", (40, 30), (10, 255)), "L"),
        (lambda: Image.new("P", (40, 30), 0), "L"),  # default palette entry 0 is black
        (lambda: Image.new("I;16", (40, 30), 65535), "L"),
        (lambda: Image.new("RGB", (40, 30), (90, 90, 90)), "L"),  # colourless RGB
        (lambda: Image.new("RGB", (40, 30), (90, 20, 90)), "RGB"),
    ],
)
def test_modes_are_normalised(tmp_path: Path, make: object, mode: str) -> None:
    im = make()  # type: ignore[operator]
    page = ingest_book(write(tmp_path / "x.png", png_bytes(im)), tmp_path / "data").pages[0]
    arr = stored(page.image_path)
    assert (arr.ndim == 2) == (mode == "L")
    if im.mode == "RGBA" and im.getpixel((0, 0))[3] == 0:  # flattened over white
        assert arr.min() == 255
    if im.mode == "I;16":
        assert arr.max() == 255


def test_png_bomb_is_refused_without_allocating(tmp_path: Path) -> None:
    src = write(tmp_path / "bomb.png", png_bomb_bytes(30_000, 30_000))
    data = tmp_path / "data"
    with pytest.raises(InputError) as err:
        ingest_book(src, data)
    msg = str(err.value)
    assert msg.startswith("'bomb.png' is a possible decompression bomb")
    assert "900 megapixels" in msg and "\n" not in msg
    assert not data.exists()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_image_under_pillows_limit_but_over_ours(tmp_path: Path) -> None:
    src = write(tmp_path / "big.png", png_bomb_bytes(11_000, 10_000))  # 110 MP
    with pytest.raises(
        InputError, match=r"'big\.png' is a possible decompression bomb: 11000 × 10000"
    ):
        ingest_book(src, tmp_path / "data")


def test_pixel_limit_is_configurable(tmp_path: Path) -> None:
    src = write(tmp_path / "p.png", png_bytes(page_image(1, size=(100, 100))))
    with pytest.raises(InputError, match="decompression bomb"):
        ingest_book(src, tmp_path / "data", limits=Limits(max_page_pixels=5_000))
    assert ingest_book(src, tmp_path / "data2", limits=Limits(max_page_pixels=10_000)).pages


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "p.jpg",
            truncated(jpeg_bytes(page_image(1, size=(400, 500))), 0.4),
            "'p.jpg' is damaged or truncated",
        ),
        ("p.png", truncated(png_bytes(page_image(1, size=(400, 500))), 0.5), "'p.png' "),
        ("p.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "'p.png' is not a readable image"),
    ],
)
def test_broken_single_image(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    dd = tmp_path / "data"
    with pytest.raises(InputError) as err:
        ingest_book(write(tmp_path / name, data), dd)
    assert str(err.value).startswith(expected)
    assert not dd.exists()


def test_page_count_limit(tmp_path: Path) -> None:
    src = write(tmp_path / "long.tif", tiff_bytes([page_image(i) for i in range(1, 4)]))
    data = tmp_path / "data"
    with pytest.raises(InputError, match=r"^'long\.tif' has 3 pages, over the limit of 2 per book"):
        ingest_book(src, data, limits=Limits(max_pages=2))
    assert not data.exists()


def test_other_formats_are_never_decoded_whatever_their_name(tmp_path: Path) -> None:
    # An EPS file would make Pillow run Ghostscript; a GIF is simply not a format we take.
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"
    gif = io.BytesIO()
    page_image(1).save(gif, "GIF")
    folder = tmp_path / "book"
    write(folder / "1.png", png_bytes(page_image(1)))
    write(folder / "2.png", eps)
    write(folder / "3.jpg", gif.getvalue())
    book = ingest_book(folder, tmp_path / "data")
    assert [p.error is None for p in book.pages] == [True, False, False]
    assert all("is not a readable image" in (p.error or "") for p in book.pages[1:])
