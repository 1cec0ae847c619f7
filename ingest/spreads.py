"""Two page images of one ledger spread → one page.

A ledger's spread may be scanned as one image or page by page. Page by page, a table that runs
across the binding has its first columns on the left page's image and the rest on the right
one's, each row continuing at the same height. Ingest joins such a pair before anything reads it,
so that every row is one record whose fields come out whole: each image is straightened by its
own skew, the right one moved so that its horizontal rules meet the left one's, and the two are
stored side by side as one page, numbered as the left page (the right page's number is left
out of the book's pages).

Two consecutive pages are one spread when both show a ruled table (``ocr.table.table_outline``)
and

- the tables have the same rows: as many horizontal rules, each row as tall to within
  ``ROW_TOLERANCE`` (rows are as tall as their fullest cell, so this holds for the two halves of
  one table, rarely for two tables);
- each table runs into the binding: the left page's table ends nearer its image's right edge
  than ``BINDING_SHARE`` of its margin on the other side, the right page's likewise at its left
  edge (a page holding a whole table has its margins alike on both sides).

Pages with a text layer (born-digital), wider than tall (a spread in one image) or that failed
are never joined.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from ingest.model import Limits, StoredPage
from ingest.storage import store_page
from ocr.table import TableOutline, table_outline

ROW_TOLERANCE = 0.02  # of a row's height, and at least ROW_SLACK pixels
ROW_SLACK = 8.0
BINDING_SHARE = 0.7
MIN_RULES = 3  # a header and one row


def outline_of(pixels: np.ndarray, page: StoredPage) -> TableOutline | None:
    """What a stored page shows of a ruled table, when it could be half of a spread."""
    if page.error is not None or page.text_layer is not None:
        return None
    if pixels.shape[1] > pixels.shape[0]:
        return None  # wider than tall: a whole spread, or a page turned, never half a spread
    return table_outline(pixels)


def rows_match(a: TableOutline, b: TableOutline) -> bool:
    ha, hb = a.row_heights(), b.row_heights()
    if len(a.rules) < MIN_RULES or len(ha) != len(hb):
        return False
    return all(
        abs(x - y) <= max(ROW_SLACK, ROW_TOLERANCE * max(x, y)) for x, y in zip(ha, hb, strict=True)
    )


def is_spread(left: TableOutline, right: TableOutline) -> bool:
    """Are these the left and right halves of one table across the binding?"""
    if not rows_match(left, right):
        return False
    left_gutter, left_outer = left.width - left.right, left.left
    right_gutter, right_outer = right.left, right.width - right.right
    return left_gutter < BINDING_SHARE * left_outer and right_gutter < BINDING_SHARE * right_outer


@dataclass(frozen=True)
class _Half:
    page: StoredPage
    outline: TableOutline


def join_spreads(
    pages: list[StoredPage],
    outlines: list[TableOutline | None],
    data_dir: Path,
    limits: Limits,
) -> list[StoredPage]:
    """The book's pages with each two-page spread joined into one page (see the module)."""
    out: list[StoredPage] = []
    k = 0
    while k < len(pages):
        a = outlines[k]
        b = outlines[k + 1] if k + 1 < len(pages) else None
        if a is not None and b is not None and pages[k].dpi == pages[k + 1].dpi and is_spread(a, b):
            out.append(_join(_Half(pages[k], a), _Half(pages[k + 1], b), data_dir, limits))
            k += 2
            continue
        out.append(pages[k])
        k += 1
    return out


def _straight(pixels: np.ndarray, skew: float) -> np.ndarray:
    """The page rotated by ``skew`` about its centre (as ``ocr.table.straighten`` measured it),
    the corners filled with the paper's colour."""
    if not skew:
        return pixels
    h, w = pixels.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    fill = [float(v) for v in _paper(pixels)]
    return cv2.warpAffine(
        pixels,
        matrix,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=fill if len(fill) > 1 else fill[0],
    )


def _load(page: StoredPage) -> np.ndarray:
    assert page.image_path is not None
    with Image.open(page.image_path) as im:
        return np.asarray(im.convert("RGB") if im.mode not in ("L", "RGB") else im)


def _join(left: _Half, right: _Half, data_dir: Path, limits: Limits) -> StoredPage:
    a = _straight(_load(left.page), left.outline.skew)
    b = _straight(_load(right.page), right.outline.skew)
    if a.ndim != b.ndim:  # one page grey, the other colour
        a, b = (x if x.ndim == 3 else np.dstack([x] * 3) for x in (a, b))
    # the right page moved so that its rules meet the left page's
    dy = round(float(np.median(np.subtract(left.outline.rules, right.outline.rules))))
    h = a.shape[0]
    shifted = np.full((h, *b.shape[1:]), _paper(b), dtype=np.uint8)
    src0, dst0 = max(0, -dy), max(0, dy)
    n = min(b.shape[0] - src0, h - dst0)
    if n > 0:
        shifted[dst0 : dst0 + n] = b[src0 : src0 + n]
    joined = np.ascontiguousarray(np.concatenate([a, shifted], axis=1))
    sha, path = store_page(data_dir, joined, left.page.dpi, limits.png_compress_level)
    return StoredPage(
        page_no=left.page.page_no,
        sha256=sha,
        image_path=path,
        width=joined.shape[1],
        height=joined.shape[0],
        dpi=left.page.dpi,
    )


def _paper(pixels: np.ndarray) -> np.ndarray:
    """The paper's colour: the median of a sample of the page's pixels (one value per channel)."""
    sample = pixels[::16, ::16]
    return np.median(sample.reshape(-1, sample.shape[2] if sample.ndim == 3 else 1), axis=0).astype(
        np.uint8
    )
