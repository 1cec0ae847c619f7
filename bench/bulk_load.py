"""Bulk load of the reference case through the pipeline's own repository functions.

The reference case (``../shared/domain/README.md``): one district's books, 64 books, 8,355
records, 282,113 fields (about 34 a record, counting the four book-level keys every record has,
``fields.md``). Generated here as ``RecordResult`` objects (no OCR): 40 birth books (6,503
records), 16 marriage books (1,452) and 8 death books (400), each record with every key of its
form in ``extraction.forms.FORMS`` plus the book-level keys, so 35 / 29 / 31 field values a
record; 1 or 2 records a page as in the form books; a tenth of the fields doubtful.

Each book is loaded as the pipeline loads it: ``get_or_create_book``, ``upsert_pages``, then
``save_book_pages`` (the function behind ``save_page_records``) — one transaction per batch of
pages, by one loader or several at once (``--runs BACKEND:PAGES:LOADERS``; 1 page is the
pipeline's one transaction a page). Then the whole
load again, which must change nothing (counts, versions, revisions and the latest
``updated_at`` compared). PostgreSQL: a fresh database on the local server; SQLite: a fresh file.

    flock /tmp/civreg-heavy.lock .venv/bin/python -m bench.bulk_load

Writes ``bench/results/bulk_load.json`` and ``bulk_load.md``.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import random
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from extraction.forms import FORMS, FieldType
from extraction.types import FieldStatus, FieldValue, RecordResult, RegisterType
from registry_db import repository as repo
from registry_db.models import FieldRevision, FieldValueRow, Page, Record

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
EXTRACTOR = "bench-bulk"
AUTHORITY = "UBND phường Ngọc Lâm"
# register → (books, records): 8,355 records and 282,113 field values in all
REFERENCE: dict[str, tuple[int, int]] = {"birth": (40, 6503), "marriage": (16, 1452),
                                         "death": (8, 400)}  # fmt: skip
BOOK_LEVEL_KEYS = ("register_type", "book_no", "entry_no", "registration_authority")
DOUBTFUL_SHARE = 0.1

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
            "Đỗ", "Hồ", "Ngô", "Dương", "Lý")  # fmt: skip
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Thu", "Kim")
GIVEN = ("An", "Anh", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng",
         "Lan", "Linh", "Long", "Mai", "Nam", "Phúc", "Quân", "Sơn", "Thảo", "Trang", "Tuấn",
         "Vân", "Yến")  # fmt: skip
WARDS = ("phường Ngọc Lâm", "phường Bồ Đề", "phường Gia Thụy", "xã Đông Dư", "phường Long Biên")
DISTRICTS = ("quận Long Biên", "huyện Gia Lâm", "quận Hoàn Kiếm")
PROVINCES = ("Hà Nội", "Bắc Ninh", "Hưng Yên", "Nam Định")
CATEGORIES = {"registration_kind": ("dang_ky_moi", "dang_ky_lai", "dang_ky_dung_han"),
              "id_doc_type": ("CMND", "CCCD", "Hộ chiếu"),
              "relationship": ("Cha", "Mẹ", "Ông", "Bà", "Con")}  # fmt: skip
DIGITS = "0123456789"


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _value(key: str, kind: FieldType, rng: random.Random, year: int) -> str | None:
    """A plausible normalised value of a field of this type."""
    day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    born = date(rng.randrange(1950, year), rng.randrange(1, 13), rng.randrange(1, 29))
    match kind:
        case FieldType.NAME:
            return _name(rng)
        case FieldType.DATE:
            return (born if "birth" in key else day).isoformat()
        case FieldType.DATE_WORDS:
            return f"Ngày {born.day} tháng {born.month} năm {born.year}"
        case FieldType.YEAR:
            return str(rng.randrange(1960, 1996))
        case FieldType.SEX:
            return rng.choice(("Nam", "Nữ"))
        case FieldType.ETHNICITY:
            return "Kinh" if rng.random() < 0.9 else rng.choice(("Tày", "Thái", "Mường", "Hoa"))
        case FieldType.NATIONALITY:
            return "Việt Nam"
        case FieldType.PLACE:
            return f"{rng.choice(WARDS)}, {rng.choice(DISTRICTS)}, {rng.choice(PROVINCES)}"
        case FieldType.PERSONAL_ID:
            return "001" + "".join(rng.choices(DIGITS, k=9))
        case FieldType.ID_DOC_NO:
            return "".join(rng.choices(DIGITS, k=rng.choice((9, 12))))
        case FieldType.CATEGORY:
            return rng.choice(CATEGORIES.get(key.rsplit(".", 1)[-1], ("khác",)))
        case FieldType.TIME:
            return f"{rng.randrange(24):02d}:{rng.randrange(60):02d}"
        case FieldType.REF_NO:
            return f"{rng.randrange(1, 999)}/BV-GBT"
        case _:  # free text: a note in a few records, blank in most
            return "Cải chính họ theo quyết định số 12/QĐ" if rng.random() < 0.05 else None


def make_book(
    register: str, book_no: str, records: int, rng: random.Random
) -> dict[int, list[RecordResult]]:
    """One book's records by the page they start on (1 or 2 a page)."""
    form = FORMS[register]
    year = int(book_no[-4:])
    pages: dict[int, list[RecordResult]] = {}
    page_no, entry = 0, 0
    while entry < records:
        page_no += 1
        on_page = min(records - entry, 2 if rng.random() < 0.7 else 1)
        pages[page_no] = []
        for _ in range(on_page):
            entry += 1
            book_level = {"register_type": register, "book_no": book_no,
                          "entry_no": str(entry), "registration_authority": AUTHORITY}  # fmt: skip
            values = {**book_level,
                      **{s.key: _value(s.key, s.type, rng, year) for s in form.fields}}  # fmt: skip
            fields: dict[str, FieldValue] = {}
            for i, (key, value) in enumerate(values.items()):
                doubtful = rng.random() < DOUBTFUL_SHARE
                fields[key] = FieldValue(
                    key=key,
                    value=value,
                    raw=value,
                    confidence=round(rng.uniform(0.4, 0.8) if doubtful else rng.uniform(0.9, 1), 4),
                    page=page_no,
                    bbox=(120, 200 + 60 * i, 2300, 250 + 60 * i),
                    status=FieldStatus.NEEDS_REVIEW if doubtful else FieldStatus.ACCEPTED,
                    reasons=["low_confidence"] if doubtful else [],
                )
            pages[page_no].append(
                RecordResult(
                    register_type=RegisterType(register),
                    book_no=book_no,
                    entry_no=str(entry),
                    registration_authority=AUTHORITY,
                    pages=[page_no],
                    fields=fields,
                )
            )
    return pages


def reference_books(seed: int) -> dict[tuple[str, str], dict[int, list[RecordResult]]]:
    rng = random.Random(seed)
    books: dict[tuple[str, str], dict[int, list[RecordResult]]] = {}
    for register, (count, records) in REFERENCE.items():
        for b in range(count):
            share = records // count + (1 if b < records % count else 0)
            book_no = f"{b + 1:02d}/2015"
            books[(register, book_no)] = make_book(register, book_no, share, rng)
    return books


def load_books(
    engine: Engine,
    books: list[tuple[tuple[str, str], dict[int, list[RecordResult]]]],
    pages_per_batch: int,
) -> dict[str, float]:
    """Load books one after another through the repository, as one loader (worker) does;
    seconds spent on books + pages and on records."""
    factory = repo.session_factory(engine)
    t_books = t_records = 0.0
    for (register, book_no), pages in books:
        sha = hashlib.sha256(f"{register}|{book_no}|{AUTHORITY}".encode()).hexdigest()
        t0 = time.perf_counter()
        with factory() as session:
            book = repo.get_or_create_book(
                session,
                register_type=register,
                book_no=book_no,
                year=int(book_no[-4:]),
                registration_authority=AUTHORITY,
                source_sha256=sha,
                source_name=f"{register}-{book_no.replace('/', '-')}.pdf",
                page_count=len(pages),
            )
            infos = [
                repo.PageInfo(page_no=n, sha256=hashlib.sha256(f"{sha}{n}".encode()).hexdigest(),
                              image_path=f"pages/{sha[:2]}/{sha}-{n:04d}.png",
                              width=2480, height=3508, dpi=300)
                for n in pages
            ]  # fmt: skip
            repo.upsert_pages(session, book, infos)
            book_id = book.id
            t1 = time.perf_counter()
            numbers = sorted(pages)
            for start in range(0, len(numbers), pages_per_batch):
                batch = {n: pages[n] for n in numbers[start : start + pages_per_batch]}
                repo.save_book_pages(session, book_id, batch, extractor_version=EXTRACTOR)
            t2 = time.perf_counter()
        t_books += t1 - t0
        t_records += t2 - t1
    return {"books_and_pages": t_books, "records": t_records}


def load(
    engine: Engine,
    books: dict[tuple[str, str], dict[int, list[RecordResult]]],
    pages_per_batch: int,
    loaders: int = 1,
) -> dict[str, float]:
    """Load every book, ``loaders`` workers at once (each its own books and connection):
    wall-clock seconds, and the loaders' seconds on books + pages and on records."""
    items = list(books.items())
    shares = [items[i::loaders] for i in range(loaders)]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=loaders) as pool:
        parts = list(pool.map(lambda share: load_books(engine, share, pages_per_batch), shares))
    wall = time.perf_counter() - t0
    return {
        "total": wall,
        "books_and_pages": sum(p["books_and_pages"] for p in parts),
        "records": sum(p["records"] for p in parts),
    }


def snapshot(engine: Engine) -> dict[str, Any]:
    """What a re-run must leave exactly as it was."""
    with engine.connect() as c:

        def one(stmt: Any) -> Any:
            return c.execute(stmt).scalar()

        return {
            "records": one(sa.select(sa.func.count()).select_from(Record)),
            "field_values": one(sa.select(sa.func.count()).select_from(FieldValueRow)),
            "revisions": one(sa.select(sa.func.count()).select_from(FieldRevision)),
            "fields_with_revision_1": one(
                sa.select(sa.func.count(sa.distinct(FieldRevision.field_value_id))).where(
                    FieldRevision.revision_no == 1
                )
            ),
            "version_sum": one(sa.select(sa.func.sum(FieldValueRow.version))),
            "pages_extracted": one(
                sa.select(sa.func.count()).select_from(Page).where(Page.status == "extracted")
            ),
            "latest_field_update": str(one(sa.select(sa.func.max(FieldValueRow.updated_at)))),
            "latest_record_update": str(one(sa.select(sa.func.max(Record.updated_at)))),
        }


def run(db_url: str, books: dict[tuple[str, str], dict[int, list[RecordResult]]],
        pages_per_batch: int, loaders: int) -> dict[str, Any]:  # fmt: skip
    engine = repo.make_engine(db_url)
    try:
        repo.upgrade(engine)
        first = load(engine, books, pages_per_batch, loaders)
        after_first = snapshot(engine)
        again = load(engine, books, pages_per_batch, loaders)
        after_again = snapshot(engine)
    finally:
        engine.dispose()
    fields = sum(len(r.fields) for pages in books.values() for rs in pages.values() for r in rs)
    records = sum(len(rs) for pages in books.values() for rs in pages.values())
    if (after_first["records"], after_first["field_values"]) != (records, fields):
        raise SystemExit(f"loaded {after_first} but generated {records} records, {fields} fields")
    if after_first["fields_with_revision_1"] != fields or after_first["revisions"] != fields:
        raise SystemExit(f"a field without exactly one revision: {after_first}")
    return {
        "backend": engine.dialect.name,
        "books": len(books),
        "pages": sum(len(p) for p in books.values()),
        "records": records,
        "field_values": fields,
        "pages_per_batch": pages_per_batch,
        "loaders": loaders,
        "seconds_load": round(first["total"], 2),
        "seconds_load_records": round(first["records"], 2),
        "seconds_books_and_pages": round(first["books_and_pages"], 2),
        "field_values_per_second": round(fields / first["total"]),
        "seconds_rerun": round(again["total"], 2),
        "rerun_changed_nothing": after_again == after_first,
        "stored": after_first,
    }


@contextmanager
def _postgres() -> Iterator[str | None]:
    from registry_db.testing import DEFAULT_LOCAL_URL, PgServer, reachable, scratch_database

    local = sa.engine.make_url(DEFAULT_LOCAL_URL)
    if not reachable(local):
        yield None
        return
    with scratch_database(PgServer(admin_url=local, kind="local"), prefix="civreg_bulk") as url:
        yield url.render_as_string(hide_password=False)


def _markdown(results: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"| {r['backend']} | {r['pages_per_batch']} | {r['loaders']} | {r['books']} "
        f"| {r['records']:,} "
        f"| {r['field_values']:,} "
        f"| **{r['seconds_load']}** | {r['seconds_load_records']} "
        f"| {r['seconds_books_and_pages']} | {r['field_values_per_second']:,} "
        f"| {r['seconds_rerun']} | {'yes' if r['rerun_changed_nothing'] else 'NO'} |\n"
        for r in results
    )
    return (
        "# Bulk load of the reference case\n\n"
        "`flock /tmp/civreg-heavy.lock .venv/bin/python -m bench.bulk_load` — 64 generated books "
        "(40 births, 16 marriages, 8 deaths; every key of each form plus the four book-level "
        "keys), loaded through `get_or_create_book`, `upsert_pages` and `save_book_pages` (the "
        "function behind the pipeline's `save_page_records`), one transaction per batch of "
        "pages; then loaded again, which must change nothing. Target (issue 4): PostgreSQL "
        "≤ 10 s. Every field value stored with its provenance and revision 1 (checked). The "
        "pipeline's shape, one transaction a page, is run on the first 8 books (its cost is the "
        "commit of each page).\n\n"
        "| backend | pages a transaction | loaders | books | records | field values | load (s) "
        "| loaders' time on records (s) | on books + pages (s) | field values/s | re-run (s) "
        "| re-run changed nothing |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|\n" + rows
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=2015)
    ap.add_argument(
        "--runs",
        nargs="+",
        default=["postgresql:200:1", "postgresql:200:2", "sqlite:200:1", "postgresql:1:1:8",
                 "sqlite:1:1:8"],
        help="BACKEND:PAGES_A_TRANSACTION:LOADERS[:BOOKS] (200 pages: one transaction a book; "
        "1: the pipeline's one a page; BOOKS: only the first so many books)",
    )  # fmt: skip
    ap.add_argument("--conditions", default="", help="how the machine was held, for the record")
    args = ap.parse_args()
    load_before = os.getloadavg()
    books = reference_books(args.seed)
    # The generated input (282,113 field models) stays in memory for the whole run; the
    # pipeline holds one page at a time. Kept out of the collector's sight, so that the loader
    # is not charged for garbage-collection passes over the benchmark's own input.
    gc.collect()
    gc.freeze()
    results: list[dict[str, Any]] = []
    out = ROOT / "out"
    out.mkdir(parents=True, exist_ok=True)
    for spec in args.runs:
        backend, batch, loaders, *first_books = spec.split(":")
        chosen = dict(list(books.items())[: int(first_books[0])]) if first_books else books
        if backend == "postgresql":
            with _postgres() as pg:
                if pg is None:
                    print("no PostgreSQL on 127.0.0.1: skipped", spec)
                    continue
                results.append(run(pg, chosen, int(batch), int(loaders)))
        else:
            sqlite_path = out / "bulk-load.sqlite"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
            results.append(run(f"sqlite:///{sqlite_path}", chosen, int(batch), int(loaders)))
        print(json.dumps(results[-1]), flush=True)
    RESULTS.mkdir(exist_ok=True)
    record = {
        "runs": results,
        "load_average_before_after": [load_before, os.getloadavg()],
        "conditions": args.conditions,
    }
    (RESULTS / "bulk_load.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    text = _markdown(results) + (
        f"\nLoad average before / after (1, 5, 15 min): {record['load_average_before_after']}."
        + (f" Conditions: {args.conditions}." if args.conditions else "")
        + "\n"
    )
    (RESULTS / "bulk_load.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
