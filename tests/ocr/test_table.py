"""Ruled tables: the grid is found on straight and skewed pages, not on form pages; each cell is
read on its own and a reading survives its JSON round trip."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

from ocr.table import (
    TableReading,
    find_grid,
    looks_ruled,
    read_table_page,
    straighten,
    table_path,
)
from synth import fonts

XS = [150, 450, 1100, 1700, 2300]
YS = [400, 560, 900, 1240]


def _table_page(texts: dict[tuple[int, int], str], angle: float = 0.0) -> np.ndarray:
    img = Image.new("L", (2480, 1754), 255)
    draw = ImageDraw.Draw(img)
    font = fonts.load(fonts.require(fonts.VALUE_FACES, "values")[0].regular, 36)
    for x in XS:
        draw.line([(x, YS[0]), (x, YS[-1])], fill=20, width=3)
    for y in YS:
        draw.line([(XS[0], y), (XS[-1], y)], fill=20, width=3)
    for (r, c), text in texts.items():
        draw.text((XS[c] + 20, YS[r] + 60), text, font=font, fill=10, anchor="ls")
    arr = np.asarray(img)
    if angle:
        m = cv2.getRotationMatrix2D((arr.shape[1] / 2, arr.shape[0] / 2), angle, 1.0)
        arr = cv2.warpAffine(arr, m, (arr.shape[1], arr.shape[0]), borderValue=255)
    return arr


def test_the_grid_of_a_ruled_table_is_found_straight_and_skewed() -> None:
    for angle in (0.0, 2.0):
        page = _table_page({}, angle)
        assert looks_ruled(page)
        pre, rules = straighten(page)
        grid = find_grid(pre.image, rules)
        assert grid is not None
        assert (grid.n_rows, grid.n_cols) == (len(YS) - 1, len(XS) - 1)
        if not angle:
            assert abs(grid.xs[1][0] - XS[1]) <= 3 and abs(grid.ys[2][0] - YS[2]) <= 3


def test_a_form_page_with_only_horizontal_rules_is_no_table() -> None:
    img = Image.new("L", (2480, 1754), 255)
    draw = ImageDraw.Draw(img)
    for y in (400, 800, 1200):
        draw.line([(150, y), (2300, y)], fill=20, width=3)
    page = np.asarray(img)
    assert not looks_ruled(page)
    assert find_grid(page) is None


def test_each_cell_is_read_on_its_own(tmp_path: Path) -> None:
    from flows.steps import shared_engine

    texts = {(0, 0): "Số", (0, 1): "Họ và tên", (1, 0): "17", (1, 1): "NGUYỄN VĂN AN"}
    texts[(2, 1)] = "TRẦN THỊ BÌNH"
    reading = read_table_page(_table_page(texts), shared_engine())
    assert reading is not None
    assert (reading.n_rows, reading.n_cols) == (3, 4)
    assert reading.cell(1, 0).text == "17"
    assert reading.cell(1, 1).text == "NGUYỄN VĂN AN"
    assert reading.cell(2, 1).text == "TRẦN THỊ BÌNH"
    assert reading.cell(2, 0).lines == [] and reading.cell(1, 2).lines == []
    # words lie inside their own cell
    for w in reading.cell(1, 1).lines[0].words:
        assert XS[1] <= w.bbox[0] and w.bbox[2] <= XS[2]
    path = table_path(tmp_path / "abc.json")
    assert path.name == "abc.table.json"
    reading.save(path)
    again = TableReading.load(path)
    assert again == reading
    assert "NGUYỄN VĂN AN" in again.page_text().text


def test_a_page_without_a_table_is_not_read_as_one() -> None:
    from flows.steps import shared_engine

    blank_form = np.full((1754, 2480), 255, np.uint8)
    cv2.putText(blank_form, "Ho va ten: AN", (200, 400), cv2.FONT_HERSHEY_SIMPLEX, 2, 0, 3)
    assert read_table_page(blank_form, shared_engine()) is None


def test_vertical_rules_without_a_grid_give_a_reading_without_cells() -> None:
    from flows.steps import shared_engine

    img = Image.new("L", (2480, 1754), 255)
    draw = ImageDraw.Draw(img)
    for x in XS:
        draw.line([(x, 300), (x, 1500)], fill=20, width=3)
    reading = read_table_page(np.asarray(img), shared_engine())
    assert reading is not None and not reading.grid_found and reading.cells == []
