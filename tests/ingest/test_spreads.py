"""A ledger spread scanned as two page images is joined into one page at ingest, so each row's
fields come out whole; pages that each hold a whole table are never joined."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench.common import export_dict
from extraction.evaluate import evaluate, read_jsonl
from extraction.extract import BookContext
from extraction.types import RegisterType
from flows import steps
from ingest import ingest_book
from ingest.spreads import is_spread, rows_match
from ocr.table import TableOutline, table_path
from ocr.types import PageText
from synth import write_sample_book


def _outline(left: float, right: float, rows: list[float], width: int = 2480) -> TableOutline:
    rules = [500.0]
    for h in rows:
        rules.append(rules[-1] + h)
    return TableOutline(0.0, left, right, tuple(rules), width, 3508)


def test_two_halves_of_one_table_are_told_from_two_tables() -> None:
    rows = [190.0, 410.0, 300.0, 520.0]
    left = _outline(150, 2428, rows)  # runs into the binding on its right
    right = _outline(52, 2364, [r + 3 for r in rows])  # and on its left
    assert is_spread(left, right)
    # the same rows, but each page holds its table between even margins: two tables
    assert not is_spread(_outline(150, 2360, rows), _outline(150, 2360, rows))
    # into the binding, but the rows differ: two tables
    assert not rows_match(left, _outline(52, 2364, [190.0, 410.0, 360.0, 520.0]))
    assert not rows_match(left, _outline(52, 2364, rows[:3]))
    # the right page is not the left one
    assert not is_spread(right, left)


def _ledger(out: Path, register_type: str, records: int, quality: str, spreads: str) -> Path:
    write_sample_book(
        out,
        register_type=register_type,
        layout="ledger",
        records=records,
        seed=31,
        quality=quality,
        fmt="png",
        spreads=spreads,
    )
    return out


@pytest.fixture(scope="module")
def two_page_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _ledger(tmp_path_factory.mktemp("spread") / "book", "marriage", 8, "scan", "two-pages")


def test_a_two_page_spread_is_one_page_and_each_record_comes_out_whole(
    two_page_book: Path,
) -> None:
    meta = json.loads((two_page_book / "meta.json").read_text(encoding="utf-8"))
    assert meta["spread"] == "two pages" and meta["page_count"] == 4
    data = two_page_book.parent / "data"
    book = ingest_book(two_page_book / "pages", data)
    # pages 1+2 and 3+4: each spread is one page, numbered as its left page, twice as wide
    assert [p.page_no for p in book.pages] == [1, 3]
    assert all((p.width, p.height) == (4960, 3508) for p in book.pages)
    ctx = BookContext(
        RegisterType.MARRIAGE, meta["book_no"], meta["registration_authority"], meta["year"]
    )
    exported = []
    engine = steps.shared_engine()
    for page in book.pages:
        outcome = steps.read_stored_page(page, data, engine)
        assert outcome.ok and outcome.ocr_path is not None
        assert table_path(outcome.ocr_path).exists()
        records, version = steps.extract_stored_page(
            PageText.load(outcome.ocr_path), outcome.ocr_path, page.page_no, ctx
        )
        assert "ledger" in version
        for r in records:  # no column of either page was lost
            assert not any("ledger_column_not_found" in f.reasons for f in r.fields.values())
        exported += [export_dict(r) for r in records]
    truth = read_jsonl(two_page_book / "truth.jsonl")
    assert sorted(r["entry_no"] for r in exported) == sorted(t["entry_no"] for t in truth)
    rep = evaluate(truth, exported).as_dict()["overall"]
    assert rep["accuracy"] >= 0.97, rep


def test_two_pages_each_holding_a_whole_table_stay_two_pages(tmp_path: Path) -> None:
    # a spread scanned as one image, twice: the same rows, but each table has its margins on
    # both sides (none runs into a binding)
    _ledger(tmp_path / "book", "death", 2, "clean", "one-image")
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("a.png", "b.png"):
        shutil.copy(tmp_path / "book" / "pages" / "page-0001.png", folder / name)
    book = ingest_book(folder, tmp_path / "data")
    assert [p.page_no for p in book.pages] == [1, 2]
    assert book.pages[0].width == 4960
