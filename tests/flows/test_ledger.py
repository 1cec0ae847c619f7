"""A ledger book through the pipeline's steps: its pages are found to be tables, read cell by
cell and loaded with one record per row, every key of the register present."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from extraction.evaluate import read_jsonl
from extraction.extract import BookContext
from extraction.forms import FORMS
from extraction.types import RegisterType
from flows import steps
from flows.steps import BookRequest
from ingest import IngestedBook, ingest_book
from ocr.table import table_path
from ocr.types import PageText
from registry_db import repository as repo
from registry_db.models import Record


@dataclass
class ReadBook:
    out: Path
    meta: dict[str, Any]
    req: BookRequest
    book: IngestedBook
    outcomes: list[steps.PageOutcome]


@pytest.fixture(scope="module")
def read_book(tmp_path_factory: pytest.TempPathFactory) -> ReadBook:
    """A small death ledger, rendered and read once (OCR is the slow part)."""
    from synth import write_sample_book

    out = tmp_path_factory.mktemp("ledger") / "book"
    meta = write_sample_book(
        out, register_type="death", layout="ledger", records=2, seed=31, quality="scan", fmt="png"
    )
    data = out.parent / "data"
    book = ingest_book(out / "pages", data)
    req = BookRequest(
        out / "pages", RegisterType.DEATH, meta["book_no"], meta["registration_authority"]
    )
    steps.check_register_type(book, req, data, steps.shared_engine())  # its heading is read
    outcomes = [steps.read_stored_page(p, data, steps.shared_engine()) for p in book.pages]
    return ReadBook(out, meta, req, book, outcomes)


def test_a_ledger_book_is_read_cell_by_cell_and_loaded(read_book: ReadBook, engine: Engine) -> None:
    rb = read_book
    book_id, todo = steps.register_book(engine, rb.req, rb.book)
    assert todo == [o.page_no for o in rb.outcomes]
    for outcome in rb.outcomes:
        assert outcome.ok and outcome.ocr_path is not None
        assert table_path(outcome.ocr_path).exists()
        steps.load_page(engine, book_id, rb.req, outcome, rb.meta["year"])
    truth = {r["entry_no"]: r["fields"] for r in read_jsonl(rb.out / "truth.jsonl")}
    with repo.session_factory(engine)() as s:
        records = list(s.scalars(select(Record).where(Record.book_id == book_id)))
        assert sorted(r.entry_no or "" for r in records) == sorted(truth)
        right = total = 0
        for r in records:
            assert "ledger" in r.extractor_version
            values = {f.key: f.value for f in r.fields}
            assert set(FORMS["death"].keys) <= set(values)
            for key, want in truth[r.entry_no or ""].items():
                total += 1
                right += values[key] == want
    assert right / total >= 0.9, json.dumps([right, total])


def test_entry_numbers_that_skip_or_repeat_are_reported(
    read_book: ReadBook, engine: Engine
) -> None:
    rb = read_book
    book_id, _ = steps.register_book(engine, rb.req, rb.book)
    records = steps.extract_stored_page(
        PageText.load(rb.outcomes[0].ocr_path or Path()),
        rb.outcomes[0].ocr_path or Path(),
        1,
        BookContext(RegisterType.DEATH, rb.req.book_no, rb.req.registration_authority),
    )[0]
    numbers = ["7", "8", "8", "12", None, "13", "16"]
    made = [records[0].model_copy(update={"entry_no": no}) for no in numbers]
    with repo.session_factory(engine).begin() as s:
        repo.save_page_records(s, book_id, 1, made, extractor_version="test")
    report = steps.entry_number_report(engine, book_id)
    assert report == {
        "entry_numbers_skipped": "9–11, 14–15",
        "entry_numbers_repeated": "8",
        "entry_numbers_unreadable": "1",
    }
