"""The pipeline end to end: the steps as plain functions, the Prefect flow once, and a crash.

The flow runs in Prefect's ephemeral mode (no server, no network); a temporary PREFECT_HOME keeps
the test from touching the user's.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from extraction.evaluate import evaluate, read_jsonl
from extraction.types import RegisterType
from flows import steps
from flows.steps import BookRequest
from ingest import ingest_book
from registry_db import repository as repo
from registry_db.models import FieldRevision, FieldValueRow, Page, PageStatus, Record

CIVREG = str(Path(sys.executable).with_name("civreg"))


def request(book: Path, source: Path) -> BookRequest:
    meta = json.loads((book / "meta.json").read_text(encoding="utf-8"))
    return BookRequest(source, RegisterType.BIRTH, meta["book_no"], meta["registration_authority"])


def counts(db_url: str) -> dict[str, int]:
    engine = repo.make_engine(db_url)
    with repo.session_factory(engine)() as s:
        return {
            "records": s.scalar(select(func.count()).select_from(Record)) or 0,
            "fields": s.scalar(select(func.count()).select_from(FieldValueRow)) or 0,
            "revisions": s.scalar(select(func.count()).select_from(FieldRevision)) or 0,
            "extracted": s.scalar(
                select(func.count()).select_from(Page).where(Page.status == PageStatus.EXTRACTED)
            )
            or 0,
        }


def test_steps_load_a_book_and_a_second_run_changes_nothing(
    sample_book: Path, tmp_path: Path, db_url: str
) -> None:
    data = tmp_path / "data"
    req = request(sample_book, sample_book / "book.pdf")
    engine = repo.make_engine(db_url)
    repo.upgrade(engine)
    for _ in range(2):
        book = ingest_book(req.source, data)
        book_id, todo = steps.register_book(engine, req, book)
        for n in todo:
            page = book.pages[n - 1]
            outcome = steps.read_stored_page(page, data, steps.shared_engine())
            steps.load_page(engine, book_id, req, outcome, None)
    c = counts(db_url)
    truth = read_jsonl(sample_book / "truth.jsonl")
    assert c["records"] == len(truth)
    assert c["revisions"] == c["fields"]  # one revision each: nothing written twice
    with repo.session_factory(engine)() as s:
        exported = list(repo.iter_export_records(s, book_no=req.book_no))
    rep = evaluate(truth, exported).overall.as_dict()
    assert rep["accuracy"] >= 0.95  # 4 records of a scan-quality book, seed 17
    assert rep["accepted_wrong_rate"] <= 0.01


def test_kept_ocr_is_reused(sample_book: Path, tmp_path: Path) -> None:
    book = ingest_book(sample_book / "book.pdf", tmp_path)
    first = steps.read_stored_page(book.pages[0], tmp_path, steps.shared_engine())
    again = steps.read_stored_page(book.pages[0], tmp_path, steps.shared_engine())
    assert first.ok and not first.cached and again.cached and again.ocr_path == first.ocr_path


def test_a_failed_page_is_marked_and_the_rest_completes(sample_book: Path, tmp_path: Path) -> None:
    from PIL import Image
    from pypdfium2 import PdfDocument

    folder = tmp_path / "pages"
    folder.mkdir()
    pdf = PdfDocument(sample_book / "book.pdf")
    for i in range(len(pdf)):
        pdf[i].render(scale=300 / 72).to_pil().convert("L").save(folder / f"page-{i + 1}.png")
    (folder / "page-8.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"broken" * 10)  # truncated
    Image.new("L", (2480, 3508), 236).save(folder / "page-9.png")  # a blank page
    db_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    req = request(sample_book, folder)
    engine = repo.make_engine(db_url)
    repo.upgrade(engine)
    book = ingest_book(folder, tmp_path / "data")
    book_id, todo = steps.register_book(engine, req, book)
    for n in todo:
        page = book.pages[n - 1]
        outcome = steps.read_stored_page(page, tmp_path / "data", steps.shared_engine())
        steps.load_page(engine, book_id, req, outcome, None)
    with repo.session_factory(engine)() as s:
        pages = {p.page_no: p for p in s.scalars(select(Page).where(Page.book_id == book_id))}
    failed = {n: p.error or "" for n, p in pages.items() if p.status == PageStatus.FAILED}
    assert sorted(failed) == [len(pdf) + 1, len(pdf) + 2]
    assert "page-8.png" in failed[len(pdf) + 1]
    assert "blank" in failed[len(pdf) + 2]
    ok = [p for n, p in pages.items() if n not in failed]
    assert ok and all(p.status == PageStatus.EXTRACTED for p in ok)
    assert counts(db_url)["records"] == len(read_jsonl(sample_book / "truth.jsonl"))


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180",
        PREFECT_LOGGING_LEVEL="WARNING",
    )
    env.pop("PREFECT_API_URL", None)
    return env


def digitize_cmd(book: Path, source: Path, tmp_path: Path, db_url: str) -> list[str]:
    meta = json.loads((book / "meta.json").read_text(encoding="utf-8"))
    return [
        CIVREG,
        "digitize",
        str(source),
        "--type",
        "birth",
        "--book-no",
        meta["book_no"],
        "--authority",
        meta["registration_authority"],
        "--data-dir",
        str(tmp_path / "data"),
        "--db",
        db_url,
        "--workers",
        "1",
    ]


@pytest.mark.timeout(420)
def test_killed_mid_book_then_rerun_finishes_without_duplicates(
    sample_pages: Path, tmp_path: Path
) -> None:
    """The flow under Prefect, killed with SIGKILL after some pages, then run again."""
    db_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    cmd = digitize_cmd(sample_pages, sample_pages / "pages", tmp_path, db_url)
    env = _env(tmp_path)
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            time.sleep(0.5)
            if proc.poll() is not None:
                break
            try:
                if counts(db_url)["extracted"] >= 1:
                    break
            except Exception:  # the database is not migrated yet
                continue
        killed = proc.poll() is None
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    before = counts(db_url)
    pages = len(list((sample_pages / "pages").glob("*.png")))
    assert killed and 1 <= before["extracted"] < pages, before
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    after = counts(db_url)
    truth = read_jsonl(sample_pages / "truth.jsonl")
    assert after["extracted"] == pages
    assert after["records"] == len(truth)
    assert after["revisions"] == after["fields"] == len(truth) * 31
    # and a third run changes nothing
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and counts(db_url) == after
