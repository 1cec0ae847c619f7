"""Ledger books: every key of the register in a column, one row per entry, seeded variety."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from civreg_cli.errors import InputError
from extraction.forms import FORMS
from extraction.ledger import LEDGER_GROUPS
from synth import write_sample_book
from synth.ledger import choose_columns


@pytest.mark.parametrize("register_type", list(FORMS))
def test_every_way_of_printing_the_columns_holds_each_item_of_the_form_once(
    register_type: str,
) -> None:
    form = FORMS[register_type]
    items = sorted(i for line in form.lines for i in line)
    seen_orders = set()
    for seed in range(12):
        cols = choose_columns(random.Random(seed), register_type)
        assert sorted(i for c in cols for i in c) == items
        assert cols[0] == ("entry_no",) and cols[-1] == ("notes",)
        seen_orders.add(tuple(cols))
    assert len(seen_orders) > 3  # column order and stacks vary between books
    assert all(len(g) >= 1 for g in LEDGER_GROUPS[register_type])


def test_a_ledger_book_has_one_row_per_entry_and_the_form_layouts_truth(tmp_path: Path) -> None:
    meta = write_sample_book(
        tmp_path / "a", layout="ledger", records=5, seed=21, quality="clean", fmt="png"
    )
    again = write_sample_book(
        tmp_path / "b", layout="ledger", records=5, seed=21, quality="clean", fmt="png"
    )
    truth = (tmp_path / "a" / "truth.jsonl").read_text(encoding="utf-8")
    assert truth == (tmp_path / "b" / "truth.jsonl").read_text(encoding="utf-8")
    assert meta["columns"] == again["columns"] and meta["layout"] == "ledger"
    records = [json.loads(line) for line in truth.splitlines()]
    assert len(records) == 5
    assert all(tuple(r["fields"]) == FORMS["birth"].keys for r in records)
    entry_nos = [no for p in meta["pages"] for no in p["entry_nos"]]
    assert entry_nos == [r["entry_no"] for r in records]
    width, height = meta["page_size_px"]
    assert width > height  # a spread or a landscape page
    png = tmp_path / "a" / meta["files"][0]
    assert png.read_bytes() == (tmp_path / "b" / again["files"][0]).read_bytes()


def test_a_two_page_spread_is_two_images_with_the_rows_continuing_across(
    tmp_path: Path,
) -> None:
    def book(folder: str, spreads: str) -> dict[str, Any]:
        return write_sample_book(
            tmp_path / folder,
            register_type="marriage",
            layout="ledger",
            records=3,
            seed=21,
            quality="clean",
            fmt="png",
            spreads=spreads,
        )

    meta = book("a", "two-pages")
    assert meta["spread"] == "two pages" and meta["page_count"] == 2
    left, right = (Image.open(tmp_path / "a" / f) for f in meta["files"])
    assert left.size == right.size == (2480, 3508)  # each an A4 page of the spread
    # the same rows on both pages: the entries' numbers, and the truth names the left page
    assert meta["pages"][0]["entry_nos"] == meta["pages"][1]["entry_nos"]
    truth = [json.loads(line) for line in (tmp_path / "a" / "truth.jsonl").read_text().splitlines()]
    assert {tuple(r["pages"]) for r in truth} == {(1,)}
    # the table runs into the binding: ink up to the left page's right edge and from the right
    # page's left edge (its rules), none in the outer margins
    a = np.asarray(left.convert("L")) < 128
    b = np.asarray(right.convert("L")) < 128
    assert a[:, -60:].any() and not a[:, :120].any()
    assert b[:, :60].any() and not b[:, -100:].any()
    # the same book as one image holds the same columns
    one = book("b", "one-image")
    assert one["spread"] == "one image" and one["columns"] == meta["columns"]


def test_spreads_are_for_ledgers_only(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="spreads"):
        write_sample_book(tmp_path / "a", layout="form", records=1, spreads="two-pages")
