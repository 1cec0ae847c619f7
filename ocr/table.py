"""Ruled tables (the ledger layout): find the grid with OpenCV, read every cell on its own.

A ledger page is one ruled table: a header row of printed column labels, then one entry per row.
``find_grid`` finds the ruling lines on a deskewed page (long horizontal and vertical runs of ink,
kept by morphological opening), ``read_table_page`` reads each cell separately (so a word can
never land in another column) and keeps, per cell, its lines with their place inside the cell:
the ledger extractor tells a stacked field's first line from a wrapped line by its indent.

Boxes of words and cells are in the stored page image's coordinates (like every ``PageText``);
the lines' offsets inside their cell (``CellLine.dx``/``dy``) are measured on the deskewed page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ocr.engine import OcrEngine, TesseractEngine
from ocr.preprocess import (
    Preprocessed,
    clip_light,
    enclosed_dots_mask,
    erase,
    estimate_skew,
    flatten_background,
    ink_mask,
    rotate,
    rotation_matrix,
    rules_mask,
    to_grey,
)
from ocr.types import BBox, Line, PageText, Word

# A table needs at least this many vertical and horizontal rules (3 columns, header + 1 row).
MIN_VERTICAL = 4
MIN_HORIZONTAL = 3
# Rules closer than this (pixels at 300 dpi) are one boundary (a double rule under the header).
MERGE_GAP = 30
CELL_PAD = 5  # pixels left out at each side of a cell (the rule's edge, its blur)
MIN_CELL_INK = 25  # dark pixels a cell needs to be read at all


@dataclass(frozen=True)
class Grid:
    """Rule bands on the deskewed page: ``xs`` vertical rules, ``ys`` horizontal ones, as
    (start, end) pixel bands, left to right and top to bottom."""

    xs: list[tuple[int, int]]
    ys: list[tuple[int, int]]

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    def cell_box(self, row: int, col: int) -> BBox:
        return (self.xs[col][1], self.ys[row][1], self.xs[col + 1][0], self.ys[row + 1][0])


def _bands(profile: np.ndarray, min_share: float) -> list[tuple[int, int]]:
    """Runs of indices where ``profile`` reaches ``min_share`` of its maximum, merged when
    closer than ``MERGE_GAP``."""
    top = float(profile.max()) if profile.size else 0.0
    if top <= 0:
        return []
    idx = np.flatnonzero(profile >= min_share * top)
    bands: list[tuple[int, int]] = []
    for i in idx.tolist():
        if bands and i - bands[-1][1] <= MERGE_GAP:
            bands[-1] = (bands[-1][0], i + 1)
        else:
            bands.append((i, i + 1))
    return bands


def _line_masks(
    grey: np.ndarray, scale: float = 1.0, rules: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    mask = ink_mask(grey)
    if rules is not None:
        mask = cv2.bitwise_or(mask, rules)
    h, w = mask.shape
    hk = max(20, int(w * 0.08))
    vk = max(20, int(h * 0.08))
    # close small breaks (faded or noisy rules) along each direction before opening
    horiz = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((1, max(3, int(15 * scale))), np.uint8))
    horiz = cv2.morphologyEx(
        horiz, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (hk, 1))
    )
    vert = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((max(3, int(15 * scale)), 1), np.uint8))
    vert = cv2.morphologyEx(
        vert, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, vk))
    )
    return horiz, vert


def looks_ruled(grey: np.ndarray) -> bool:
    """A quick look (quarter size, no deskew): are there several long vertical rules?

    Form pages have horizontal rules between entries but no vertical ones. Thin rules come out
    faint at this size: a rule found by Otsu's threshold or by a fixed margin under the paper's
    tone counts (measured: each alone missed the rules of some scanned or worn pages)."""
    # thin rules are widened before shrinking (a min filter across): at quarter size a faded
    # 2-pixel rule would all but vanish
    wide = cv2.erode(grey, np.ones((1, 5), np.uint8))
    small = cv2.resize(wide, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    flat = flatten_background(small)
    otsu = ink_mask(flat)
    margin = ((flat < 255 - RULE_MARGIN) * 255).astype(np.uint8)
    return max(_vertical_rules(otsu), _vertical_rules(margin)) >= MIN_VERTICAL


RULE_MARGIN = 40  # grey levels under the (flattened) paper


def _vertical_rules(mask: np.ndarray) -> int:
    # slanted rules (a few degrees of skew) become straight enough once thickened sideways
    mask = cv2.dilate(mask, np.ones((1, 15), np.uint8))
    h = mask.shape[0]
    vert = cv2.morphologyEx(
        mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, h // 8)))
    )
    cols = vert.sum(axis=0) / 255.0
    w = cols.size
    edge = max(4, w // 50)  # the scan's dark border is no rule
    cols[:edge] = 0
    cols[w - edge :] = 0
    return len(_bands((cols >= h // 8).astype(np.float64), 1.0))


def find_grid(grey: np.ndarray, rules: np.ndarray | None = None, scale: float = 1.0) -> Grid | None:
    """The table's rules on a deskewed greyscale page, or None when there is no ruled table
    (fewer than ``MIN_VERTICAL`` vertical or ``MIN_HORIZONTAL`` horizontal rules). ``rules``:
    more pixels that may be rules (faint ones the ink threshold misses); ``scale``: the page's
    size relative to 300 dpi (gaps closed along a rule scale with it)."""
    horiz, vert = _line_masks(grey, scale=scale, rules=rules)
    cols = vert.sum(axis=0) / 255.0
    xs = _bands(cols, 0.5)
    if len(xs) < MIN_VERTICAL:
        return None
    # the table's top and bottom: where its vertical rules start and end (median over rules)
    tops, bottoms = [], []
    for x0, x1 in xs:
        rows = np.flatnonzero(vert[:, x0:x1].max(axis=1))
        if rows.size:
            tops.append(int(rows[0]))
            bottoms.append(int(rows[-1]))
    top, bottom = int(np.median(tops)), int(np.median(bottoms))
    left, right = xs[0][0], xs[-1][1]
    rows_profile = horiz[:, left:right].sum(axis=1) / 255.0
    ys = [
        b
        for b in _bands(rows_profile, 0.6)
        if top - MERGE_GAP <= b[0] and b[1] <= bottom + MERGE_GAP
    ]
    if len(ys) < MIN_HORIZONTAL:
        return None
    return Grid(xs=xs, ys=ys)


@dataclass
class CellLine:
    """One printed line of a cell: its words (page coordinates) and where it starts inside the
    cell on the deskewed page."""

    words: list[Word]
    dx: int
    dy: int

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class Cell:
    row: int  # 0 = the header row
    col: int
    bbox: BBox  # page coordinates
    lines: list[CellLine] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(ln.text for ln in self.lines)


@dataclass
class TableReading:
    """A ruled table read cell by cell, with the text around it (heading, book number)."""

    width: int
    height: int
    n_rows: int
    n_cols: int
    cells: list[Cell]
    outside: list[Line] = field(default_factory=list)
    engine: str = ""
    skew: float = 0.0

    @property
    def grid_found(self) -> bool:
        return self.n_cols > 0

    def cell(self, row: int, col: int) -> Cell:
        return self.cells[row * self.n_cols + col]

    def row(self, row: int) -> list[Cell]:
        return self.cells[row * self.n_cols : (row + 1) * self.n_cols]

    def page_text(self) -> PageText:
        """Every word read, as a ``PageText`` (headings, mean confidence, exports)."""
        lines = list(self.outside)
        lines += [Line(list(ln.words)) for c in self.cells for ln in c.lines if ln.words]
        lines.sort(key=lambda ln: (ln.bbox[1], ln.bbox[0]))
        return PageText(
            width=self.width, height=self.height, lines=lines, engine=self.engine, skew=self.skew
        )

    def to_dict(self) -> dict[str, Any]:
        def words(ws: list[Word]) -> list[dict[str, Any]]:
            return [{"text": w.text, "bbox": list(w.bbox), "conf": w.conf} for w in ws]

        return {
            "width": self.width,
            "height": self.height,
            "n_rows": self.n_rows,
            "n_cols": self.n_cols,
            "engine": self.engine,
            "skew": self.skew,
            "outside": [words(ln.words) for ln in self.outside],
            "cells": [
                {
                    "row": c.row,
                    "col": c.col,
                    "bbox": list(c.bbox),
                    "lines": [
                        {"dx": ln.dx, "dy": ln.dy, "words": words(ln.words)} for ln in c.lines
                    ],
                }
                for c in self.cells
            ],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TableReading:
        def words(ws: list[dict[str, Any]]) -> list[Word]:
            out = []
            for w in ws:
                x0, y0, x1, y1 = (int(v) for v in w["bbox"])
                out.append(Word(str(w["text"]), (x0, y0, x1, y1), float(w["conf"])))
            return out

        cells = []
        for c in d["cells"]:
            x0, y0, x1, y1 = (int(v) for v in c["bbox"])
            lines = [
                CellLine(words(ln["words"]), int(ln["dx"]), int(ln["dy"])) for ln in c["lines"]
            ]
            cells.append(Cell(int(c["row"]), int(c["col"]), (x0, y0, x1, y1), lines))
        return cls(
            width=int(d["width"]),
            height=int(d["height"]),
            n_rows=int(d["n_rows"]),
            n_cols=int(d["n_cols"]),
            cells=cells,
            outside=[Line(words(ws)) for ws in d.get("outside", []) if ws],
            engine=str(d.get("engine", "")),
            skew=float(d.get("skew", 0.0)),
        )

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> TableReading:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


@cache
def _cell_engine(lang: str) -> OcrEngine:
    return TesseractEngine(lang=lang, psm=6)  # a cell is one block of text


def cell_engine_for(engine: OcrEngine) -> OcrEngine:
    """The engine that reads cells: Tesseract in single-block mode for a Tesseract page engine
    (one engine per thread, reused: ≈ 0.01 s a cell), the given engine otherwise."""
    if isinstance(engine, TesseractEngine):
        return _cell_engine(engine.lang)
    return engine


MAX_SKEW = 5.0


def straighten(grey: np.ndarray) -> tuple[Preprocessed, np.ndarray]:
    """The page with its paper flattened, light tones (bleed-through, stamp tints) cut, and
    deskewed: the skew is measured after the cut, so a table showing through from the back of
    the leaf does not pull it. Also the mask of pixels darker than ``RULE_MARGIN`` under the
    paper, deskewed alike: faded rules the cut takes for light tones (bleed-through is lighter)."""
    flat = flatten_background(grey)
    clean = clip_light(flat)
    if int((clean < 128).sum()) < 0.5 * int((flat < 128).sum()):
        clean = flat  # a page with no mid-tones at all: the cut would take the ink too
    angle = estimate_skew(clean, max_angle=MAX_SKEW)
    angle = max(-MAX_SKEW, min(MAX_SKEW, angle))
    if abs(angle) < 0.05:
        angle = 0.0
    matrix = rotation_matrix(grey.shape, angle)
    if angle:
        clean, flat = rotate(clean, matrix), rotate(flat, matrix)
    rules = ((flat < 255 - RULE_MARGIN) * 255).astype(np.uint8)
    return Preprocessed(image=clean, skew=angle, matrix=matrix), rules


@dataclass(frozen=True)
class TableOutline:
    """Where a page's ruled table lies, measured on the page straightened about its centre
    (pixels of the page as given): the page's skew, the table's left and right edges and its
    horizontal rules (centres, top to bottom)."""

    skew: float
    left: float
    right: float
    rules: tuple[float, ...]
    width: int
    height: int

    def row_heights(self) -> list[float]:
        return [b - a for a, b in pairwise(self.rules)]


OUTLINE_SCALE = 0.5  # the outline is measured at half size (a quarter of the work)


def table_outline(image: np.ndarray) -> TableOutline | None:
    """The outline of a page's ruled table, or None when the page shows none."""
    grey = to_grey(image)
    if not looks_ruled(grey):
        return None
    small = cv2.resize(grey, None, fx=OUTLINE_SCALE, fy=OUTLINE_SCALE, interpolation=cv2.INTER_AREA)
    pre, rules = straighten(small)
    grid = find_grid(pre.image, rules, scale=OUTLINE_SCALE)
    if grid is None:
        return None
    k = 1.0 / OUTLINE_SCALE
    return TableOutline(
        skew=pre.skew,
        left=grid.xs[0][0] * k,
        right=grid.xs[-1][1] * k,
        rules=tuple((a + b) / 2 * k for a, b in grid.ys),
        width=int(grey.shape[1]),
        height=int(grey.shape[0]),
    )


def read_table_page(image: np.ndarray, engine: OcrEngine) -> TableReading | None:
    """Read a ledger page cell by cell; None when the page holds no ruled table. A page that
    shows long vertical rules but whose grid cannot be made out gives a reading without cells
    (``grid_found`` false): the caller reads it whole and knows it for a ledger page."""
    height, width = image.shape[:2]
    grey = to_grey(image)
    if not looks_ruled(grey):
        return None
    pre, rules = straighten(grey)
    grid = find_grid(pre.image, rules)
    if grid is None:
        return TableReading(width=width, height=height, n_rows=0, n_cols=0, cells=[], skew=pre.skew)
    clean = erase(pre.image, rules_mask(pre.image, min_len=120))
    clean = erase(clean, enclosed_dots_mask(clean))
    ink_below, _ = cv2.threshold(clean, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    cells_engine = cell_engine_for(engine)
    cells: list[Cell] = []
    for r in range(grid.n_rows):
        for c in range(grid.n_cols):
            box = grid.cell_box(r, c)
            cells.append(_read_cell(clean, box, r, c, pre, cells_engine, ink_below, width, height))
    outside: list[Line] = []
    table_top = grid.ys[0][0]
    if table_top > 60:
        top = clean[: max(0, table_top - 4), :]
        head = engine.read(top)
        outside = [
            Line([Word(w.text, _orig(pre, w.bbox, width, height), w.conf) for w in ln.words])
            for ln in head.lines
        ]
    return TableReading(
        width=width,
        height=height,
        n_rows=grid.n_rows,
        n_cols=grid.n_cols,
        cells=cells,
        outside=outside,
        engine=cells_engine.name,
        skew=pre.skew,
    )


def _orig(pre: Preprocessed, b: BBox, width: int, height: int) -> BBox:
    x0, y0, x1, y1 = pre.to_original(b)
    return (max(0, x0), max(0, y0), min(width, x1), min(height, y1))


def _read_cell(
    clean: np.ndarray,
    box: BBox,
    row: int,
    col: int,
    pre: Preprocessed,
    engine: OcrEngine,
    ink_below: float,
    width: int,
    height: int,
) -> Cell:
    x0, y0, x1, y1 = box
    cell = Cell(row, col, _orig(pre, box, width, height))
    cx0, cy0, cx1, cy1 = x0 + CELL_PAD, y0 + CELL_PAD, x1 - CELL_PAD, y1 - CELL_PAD
    if cx1 - cx0 < 8 or cy1 - cy0 < 8:
        return cell
    crop = clean[cy0:cy1, cx0:cx1]
    if int((crop < ink_below).sum()) < MIN_CELL_INK:
        return cell
    # a white margin round the crop: Tesseract reads text touching the edge badly (measured:
    # enlarging the crop 1.5× first was no better on poor pages)
    padded = cv2.copyMakeBorder(crop, 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=255)
    page = engine.read(padded)

    def back(b: BBox) -> BBox:
        """A box on the padded crop → the deskewed page."""
        return (b[0] - 12 + cx0, b[1] - 12 + cy0, b[2] - 12 + cx0, b[3] - 12 + cy0)

    for ln in page.lines:
        words = [Word(w.text, _orig(pre, back(w.bbox), width, height), w.conf) for w in ln.words]
        if not words:
            continue
        # where the line starts: its first word with a letter or digit (a speck or a stamp's
        # stroke read before it would hide an indent)
        first = next((w for w in ln.words if any(ch.isalnum() for ch in w.text)), ln.words[0])
        x0_, y0_, _, _ = back((first.bbox[0], ln.bbox[1], first.bbox[2], ln.bbox[3]))
        cell.lines.append(CellLine(words, x0_ - x0, y0_ - y0))
    return cell


def table_path(ocr_path: Path) -> Path:
    """Where a page's table reading is kept, beside its OCR text."""
    return ocr_path.with_name(ocr_path.name.removesuffix(".json") + ".table.json")
