"""Marriage and death books end to end, as a user runs them: render, digitize, export, eval; a
death book given as births is first stopped on its heading before anything is loaded."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from extraction.forms import FORMS
from tests.civreg_cli.test_cli import one_line_error, run


def _digitize(book: Path, tmp_path: Path, register_type: str, book_no: str) -> list[str]:
    return [
        "digitize",
        str(book),
        "--type",
        register_type,
        "--book-no",
        book_no,
        "--authority",
        "UBND phường Ngọc Lâm",
        "--data-dir",
        str(tmp_path / "data"),
        "--db",
        f"sqlite:///{tmp_path / 'db.sqlite'}",
        "--workers",
        "2",
    ]


def _books_in(db: Path) -> int:
    if not db.exists():
        return 0
    con = sqlite3.connect(db)
    try:
        return int(con.execute("select count(*) from book").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        con.close()


@pytest.mark.parametrize(("register_type", "seed"), [("marriage", 43), ("death", 47)])
def test_digitize_export_and_eval(tmp_path: Path, register_type: str, seed: int) -> None:
    book = tmp_path / "book"
    made = run("sample-book", str(book), "--type", register_type, "--records", "2",
               "--seed", str(seed), "--quality", "clean", "--format", "pdf")  # fmt: skip
    assert made.returncode == 0, made.stderr
    meta = json.loads((book / "meta.json").read_text("utf-8"))
    if register_type == "death":
        # given as a birth book: stopped on its printed heading, with one line naming the book
        wrong = run(*_digitize(book / "book.pdf", tmp_path, "birth", meta["book_no"]), columns=80)
        line = one_line_error(wrong)
        assert wrong.returncode == 2
        assert meta["book_no"] in line and "book.pdf" in line
        assert "death register, not birth" in line and "--type death" in line
        assert _books_in(tmp_path / "db.sqlite") == 0  # nothing was loaded
    p = run(*_digitize(book / "book.pdf", tmp_path, register_type, meta["book_no"]))
    assert p.returncode == 0, p.stderr[-3000:]
    assert "Book summary" in p.stdout

    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    out = tmp_path / "records.jsonl"
    e = run("export", "--format", "jsonl", "--db", db, "--out", str(out))
    assert e.returncode == 0, e.stderr
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    truth = [json.loads(line) for line in (book / "truth.jsonl").read_text("utf-8").splitlines()]
    keys = FORMS[register_type].keys
    assert len(records) == len(truth) == 2
    for rec in records:
        assert rec["register_type"] == register_type and rec["book_no"] == meta["book_no"]
        assert tuple(rec["fields"]) == keys  # every key of the register, in its order

    c = run("export", "--format", "csv", "--db", db)
    assert c.returncode == 0, c.stderr
    rows = list(csv.DictReader(io.StringIO(c.stdout)))
    assert len(rows) == 2 and all(rows[0][k] is not None for k in keys)
    assert "child.full_name" not in rows[0]  # only the registers exported
    by_entry = {r["entry_no"]: r for r in records}
    for row in rows:
        fields = by_entry[row["entry_no"]]["fields"]
        assert all(row[k] == (fields[k]["value"] or "") for k in keys)

    report_file = tmp_path / "eval.json"
    ev = run("eval", "--truth", str(book / "truth.jsonl"), "--export", str(out),
             "--json", str(report_file))  # fmt: skip
    assert ev.returncode == 0, ev.stderr
    report = json.loads(report_file.read_text("utf-8"))
    assert report["records"]["unmatched_truth"] == 0
    assert set(report["per_key"]) == set(keys)
    assert report["overall"]["accuracy"] >= 0.95
