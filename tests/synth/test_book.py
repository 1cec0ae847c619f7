"""write_sample_book: files in every format, truth and meta, determinism, option errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from PIL import Image, ImageSequence

from civreg_cli.errors import InputError
from extraction.forms import BIRTH_KEYS
from synth import write_sample_book


def _truth(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "truth.jsonl").read_text("utf-8").splitlines()]


def _pixels(img: Image.Image) -> str:
    return hashlib.sha256(img.tobytes()).hexdigest()


def _page_hashes(out: Path, meta: dict[str, Any]) -> list[str]:
    if meta["format"] == "png":
        return [_pixels(Image.open(out / f)) for f in meta["files"]]
    if meta["format"] == "tiff":
        with Image.open(out / "book.tif") as tif:
            return [_pixels(frame.copy()) for frame in ImageSequence.Iterator(tif)]
    return [hashlib.sha256((out / "book.pdf").read_bytes()).hexdigest()]


@pytest.mark.parametrize(("quality", "fmt"), [("poor", "tiff"), ("scan", "pdf"), ("clean", "png")])
def test_same_seed_same_book(tmp_path: Path, quality: str, fmt: str) -> None:
    kw: dict[str, Any] = {"records": 3, "seed": 42, "quality": quality, "fmt": fmt}
    m1 = write_sample_book(tmp_path / "a", **kw)
    m2 = write_sample_book(tmp_path / "b", **kw)
    assert m1 == m2
    assert (tmp_path / "a/truth.jsonl").read_bytes() == (tmp_path / "b/truth.jsonl").read_bytes()
    assert (tmp_path / "a/meta.json").read_bytes() == (tmp_path / "b/meta.json").read_bytes()
    assert _page_hashes(tmp_path / "a", m1) == _page_hashes(tmp_path / "b", m2)
    # the truth does not depend on the scan quality, and another seed is another book
    write_sample_book(tmp_path / "c", **{**kw, "quality": "clean", "fmt": "png"})
    assert (tmp_path / "c/truth.jsonl").read_bytes() == (tmp_path / "a/truth.jsonl").read_bytes()
    write_sample_book(tmp_path / "d", **{**kw, "seed": 43, "quality": "clean", "fmt": "png"})
    assert _truth(tmp_path / "d") != _truth(tmp_path / "a")


def test_truth_and_meta(tmp_path: Path) -> None:
    meta = write_sample_book(tmp_path, records=5, seed=3, quality="clean", fmt="png", year=2017)
    truth = _truth(tmp_path)
    assert meta == json.loads((tmp_path / "meta.json").read_text("utf-8"))
    assert len(truth) == meta["records"] == 5
    for key in ("register_type", "layout", "seed", "quality", "format", "book_no",
                "registration_authority", "year", "dpi", "page_count", "generator_version",
                "pages"):  # fmt: skip
        assert key in meta
    assert meta["year"] == 2017 and meta["book_no"].endswith("/2017") and meta["dpi"] == 300
    numbers = [int(r["entry_no"]) for r in truth]
    assert numbers == list(range(numbers[0], numbers[0] + 5))
    on_pages = {n: p["page"] for p in meta["pages"] for n in p["entry_nos"]}
    assert [p["page"] for p in meta["pages"]] == list(range(1, meta["page_count"] + 1))
    for rec in truth:
        assert list(rec) == [
            "register_type", "book_no", "entry_no", "registration_authority", "pages", "fields",
        ]  # fmt: skip
        assert rec["register_type"] == "birth"
        assert rec["book_no"] == meta["book_no"]
        assert rec["registration_authority"] == meta["registration_authority"]
        assert rec["registration_authority"].startswith("UBND ")
        assert tuple(rec["fields"]) == BIRTH_KEYS
        assert rec["pages"] == [on_pages[rec["entry_no"]]]
        assert rec["fields"]["child.personal_id"] is not None  # a 2017 book prints it


def test_png_pages(tmp_path: Path) -> None:
    meta = write_sample_book(tmp_path, records=3, seed=5, quality="poor", fmt="png")
    assert meta["files"] == [f"pages/page-{i:04d}.png" for i in range(1, meta["page_count"] + 1)]
    for name in meta["files"]:
        with Image.open(tmp_path / name) as img:
            assert img.size == (2480, 3508)
            assert img.mode == "RGB"  # the stamp is in colour
            assert round(img.info["dpi"][0]) == 300


def test_clean_png_is_greyscale(tmp_path: Path) -> None:
    meta = write_sample_book(tmp_path, records=2, seed=5, quality="clean", fmt="png")
    with Image.open(tmp_path / meta["files"][0]) as img:
        assert img.mode == "L"


@pytest.mark.parametrize(("quality", "mode"), [("scan", "RGB"), ("clean", "L")])
def test_tiff_has_every_page(tmp_path: Path, quality: str, mode: str) -> None:
    meta = write_sample_book(tmp_path, records=4, seed=8, quality=quality, fmt="tiff")
    assert meta["files"] == ["book.tif"]
    with Image.open(tmp_path / "book.tif") as tif:
        assert getattr(tif, "n_frames", 1) == meta["page_count"]
        for frame in ImageSequence.Iterator(tif):
            assert frame.size == (2480, 3508)
            assert frame.mode == mode
            assert round(float(frame.info["dpi"][0])) == 300


@pytest.mark.parametrize(("quality", "jpeg"), [("scan", True), ("clean", False)])
def test_pdf_pages_at_300_dpi(tmp_path: Path, quality: str, jpeg: bool) -> None:
    meta = write_sample_book(tmp_path, records=3, seed=2, quality=quality, fmt="pdf")
    assert meta["files"] == ["book.pdf"]
    with pdfplumber.open(tmp_path / "book.pdf") as pdf:
        assert len(pdf.pages) == meta["page_count"]
        for page in pdf.pages:
            assert page.width == pytest.approx(2480 / 300 * 72, abs=0.1)
            assert page.height == pytest.approx(3508 / 300 * 72, abs=0.1)
            (image,) = page.images
            assert (image["srcsize"][0], image["srcsize"][1]) == (2480, 3508)
            filters = str(image["stream"].get("Filter"))
            assert ("DCTDecode" in filters) == jpeg
    assert b"CreationDate" not in (tmp_path / "book.pdf").read_bytes()


def test_options(tmp_path: Path) -> None:
    meta = write_sample_book(
        tmp_path,
        records=2,
        seed=1,
        quality="clean",
        fmt="png",
        book_no="02/2014",
        authority="UBND phường Ngọc Lâm",
    )
    assert meta["year"] == 2014 and meta["book_no"] == "02/2014"
    assert meta["registration_authority"] == "UBND phường Ngọc Lâm"
    assert "quận Long Biên" in meta["authority_header"]
    for rec in _truth(tmp_path):
        assert rec["fields"]["child.personal_id"] is None  # older books have no personal number
        assert rec["fields"]["registration_date"].startswith("2014-")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"register_type": "divorce"}, "unknown register type"),
        ({"layout": "scroll"}, "unknown layout"),
        ({"quality": "awful"}, "unknown quality"),
        ({"fmt": "jpg"}, "unknown format"),
        ({"records": 0}, "--records"),
        ({"seed": -1}, "--seed"),
        ({"year": 1800}, "--year"),
    ],
)
def test_unsupported_options(tmp_path: Path, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        write_sample_book(tmp_path / "out", **kwargs)
    assert not (tmp_path / "out").exists()
