"""Ledger books: every key of the register in a column, one row per entry, seeded variety."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

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
