"""Persons in the registry: a generated population loaded as register records, then
``civreg link`` (mentions built with bulk inserts, Splink with the shipped registry model,
persons and links written) — its time and its quality against the population's truth.

The population (``linkage.population``, the families ``civreg sample-population`` writes) is
turned into birth, marriage and death records (:func:`population_records`) and loaded through
the repository as the pipeline loads a book (:func:`load_population`); the true person of every
mention is kept aside to score the persons linkage makes.

    .venv/bin/python -m bench.persons [--families 700] [--db URL] [--seed 2031]

Without ``--db`` it runs on a SQLite file and, when one answers, on the local PostgreSQL (a
scratch database, dropped afterwards). Writes ``bench/results/persons.json`` and ``persons.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from extraction.types import FieldStatus, FieldValue, RecordResult, RegisterType
from linkage import pairwise_metrics
from linkage.mentions import parse_partial_date
from linkage.population import generate_population, mention_rows
from registry_db import repository as repo
from registry_db.persons import PersonMention

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
RECORDS_PER_PAGE = 10
EXTRACTOR = "bench-persons"

# population role → (register, field key prefix) and which population columns feed which keys
ROLE_KEYS: dict[str, dict[str, str]] = {
    "child": {
        "full_name": "child.full_name",
        "date_of_birth": "child.date_of_birth",
        "sex": "child.sex",
        "personal_id": "child.personal_id",
    },
    "mother": {"full_name": "mother.full_name", "birth_year": "mother.birth_year",
               "place": "mother.residence"},
    "father": {"full_name": "father.full_name", "birth_year": "father.birth_year",
               "place": "father.residence"},
    "wife": {"full_name": "wife.full_name", "date_of_birth": "wife.date_of_birth",
             "personal_id": "wife.id_doc_no", "place": "wife.residence"},
    "husband": {"full_name": "husband.full_name", "date_of_birth": "husband.date_of_birth",
                "personal_id": "husband.id_doc_no", "place": "husband.residence"},
    "deceased": {"full_name": "deceased.full_name", "date_of_birth": "deceased.date_of_birth",
                 "sex": "deceased.sex", "personal_id": "deceased.personal_id",
                 "place": "deceased.residence"},
}  # fmt: skip
BookKey = tuple[str, str, str]  # register_type, book_no, registration_authority


def _date_value(text: str) -> str | None:
    """A population date (``dd/mm/yyyy`` or a year) as the registry stores it (ISO, or the year
    when that is all the book gives)."""
    d = parse_partial_date(text)
    return d.iso or (str(d.year) if d.year else None)


def population_records(
    rows: list[dict[str, str]],
) -> dict[BookKey, list[tuple[RecordResult, dict[str, str]]]]:
    """Population mention rows → register records per book, each with the true person id of
    each role (``{"child": "P000123", …}``)."""
    events: dict[tuple[BookKey, str], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        book = (r["register_type"], r["book_no"], r["registration_authority"])
        events[(book, r["entry_no"])].append(r)
    out: dict[BookKey, list[tuple[RecordResult, dict[str, str]]]] = defaultdict(list)
    for (book, entry), mentions in events.items():
        values: dict[str, str | None] = {"registration_date": f"{book[1][-4:]}-06-30"}
        truth: dict[str, str] = {}
        for m in mentions:
            truth[m["role"]] = m["person_id"]
            for column, key in ROLE_KEYS[m["role"]].items():
                v = m.get(column) or None
                if v and column == "date_of_birth":
                    v = _date_value(v)
                values[key] = v
            if m["role"] == "deceased":
                values["death.date"] = f"{m['record_year']}-03-15"
        fields = {
            k: FieldValue(key=k, value=v, raw=v, confidence=0.99, page=1,
                          bbox=(100, 100 + 40 * i, 900, 130 + 40 * i),
                          status=FieldStatus.ACCEPTED)
            for i, (k, v) in enumerate(values.items())
            if v is not None
        }  # fmt: skip
        record = RecordResult(
            register_type=RegisterType(book[0]),
            book_no=book[1],
            entry_no=entry,
            registration_authority=book[2],
            pages=[1],
            fields=fields,
        )
        out[book].append((record, truth))
    return dict(out)


def load_book(
    engine: Engine, book: BookKey, records: list[RecordResult], per_page: int = RECORDS_PER_PAGE
) -> int:
    """Load one book's records through the repository, ``per_page`` records a page."""
    key = "|".join(book).encode()
    pages = [records[i : i + per_page] for i in range(0, len(records), per_page)]
    with repo.session_factory(engine)() as s:
        stored = repo.get_or_create_book(
            s,
            register_type=book[0],
            book_no=book[1],
            year=int(book[1][-4:]),
            registration_authority=book[2],
            source_sha256=hashlib.sha256(key).hexdigest(),
            source_name=f"population-{hashlib.sha256(key).hexdigest()[:12]}.pdf",
            page_count=len(pages),
        )
        infos = [
            repo.PageInfo(page_no=n, sha256=f"{stored.id:032x}{n:032x}", image_path=None,
                          width=2480, height=3508)
            for n in range(1, len(pages) + 1)
        ]  # fmt: skip
        repo.upsert_pages(s, stored, infos)
        for n, page in enumerate(pages, start=1):
            placed = [r.model_copy(update={"pages": [n]}) for r in page]
            for r in placed:
                for f in r.fields.values():
                    f.page = n
            repo.save_page_records(s, stored.id, n, placed, extractor_version=EXTRACTOR)
        return stored.id


def load_population(
    engine: Engine, books: dict[BookKey, list[tuple[RecordResult, dict[str, str]]]]
) -> dict[tuple[str, str, str, str, str], str]:
    """Load every book; returns the truth: (register, book_no, authority, entry_no, role) →
    true person id."""
    truth: dict[tuple[str, str, str, str, str], str] = {}
    for book, items in sorted(books.items()):
        load_book(engine, book, [r for r, _ in items])
        for record, roles in items:
            for role, person in roles.items():
                truth[(*book, record.entry_no or "", role)] = person
    return truth


def linked_persons(engine: Engine) -> dict[tuple[str, str, str, str, str], int | None]:
    """What the registry says: (register, book_no, authority, entry_no, role) → person id."""
    from registry_db.models import Book, Record

    m = PersonMention
    with repo.session_factory(engine)() as s:
        rows = s.execute(
            sa.select(
                Book.register_type,
                Book.book_no,
                Book.registration_authority,
                Record.entry_no,
                m.role,
                m.person_id,
            )
            .join(Record, Record.id == m.record_id)
            .join(Book, Book.id == Record.book_id)
        ).all()
    return {(str(t), b, a, e or "", str(r)): p for t, b, a, e, r, p in rows}


def score(
    truth: dict[tuple[str, str, str, str, str], str],
    linked: dict[tuple[str, str, str, str, str], int | None],
) -> dict[str, float]:
    import pandas as pd

    keys = [k for k in truth if k in linked]
    m = pairwise_metrics(
        pd.Series([truth[k] for k in keys]), pd.Series([str(linked[k]) for k in keys])
    )
    return {"precision": m.precision, "recall": m.recall, "f1": m.f1, "mentions": len(keys)}


def search_latency(engine: Engine, n: int = 200, seed: int = 1) -> dict[str, float]:
    """Name search as the service API asks it: ``n`` names of linked mentions written without
    accents in capitals, with the birth year, then the name alone; p50 / p99 milliseconds and
    how often the mention's own person is among the first five."""
    import random

    from extraction.text import fold_accents
    from registry_db import queries as q

    out: dict[str, float] = {}
    with repo.session_factory(engine)() as s:
        rows = s.execute(
            sa.select(PersonMention.full_name, PersonMention.birth_year, PersonMention.person_id)
            .where(PersonMention.person_id.is_not(None), PersonMention.birth_year.is_not(None))
            .order_by(PersonMention.id)
        ).all()
        sample = random.Random(seed).sample(rows, min(n, len(rows)))
        for label, with_year in (("name_year", True), ("name_only", False)):
            times, found = [], 0
            for name, year, person in sample:
                t = time.perf_counter()
                hits = q.search_persons(
                    s, fold_accents(name or "").upper(), birth_year=year if with_year else None
                )
                times.append((time.perf_counter() - t) * 1000)
                found += person in [h.person.person_id for h in hits[:5]]
            times.sort()
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            out[f"search_{label}_p50_ms"] = round(times[len(times) // 2], 2)
            out[f"search_{label}_p99_ms"] = round(p99, 2)
            out[f"search_{label}_top5"] = round(found / len(sample), 4)
    return out


@contextmanager
def _postgres() -> Iterator[str | None]:
    from registry_db.testing import DEFAULT_LOCAL_URL, reachable, scratch_database

    local = sa.engine.make_url(DEFAULT_LOCAL_URL)
    if not reachable(local):
        yield None
        return
    from registry_db.testing import PgServer

    with scratch_database(PgServer(admin_url=local, kind="local"), prefix="civreg_bench") as url:
        yield url.render_as_string(hide_password=False)


def run(db_url: str, families: int, seed: int) -> dict[str, Any]:
    from flows.link import link_registry

    rows = mention_rows(generate_population(families, seed), seed)
    books = population_records(rows)
    engine = repo.make_engine(db_url)
    try:
        repo.upgrade(engine)
        t0 = time.perf_counter()
        truth = load_population(engine, books)
        t_load = time.perf_counter() - t0
        t1 = time.perf_counter()
        first = link_registry(engine)
        t_link = time.perf_counter() - t1
        t2 = time.perf_counter()
        again = link_registry(engine)
        t_again = time.perf_counter() - t2
        quality = score(truth, linked_persons(engine))
        search = search_latency(engine, seed=seed)
    finally:
        engine.dispose()
    return {
        "backend": sa.engine.make_url(db_url).get_backend_name(),
        "families": families,
        "seed": seed,
        "books": len(books),
        "records": sum(len(v) for v in books.values()),
        "mentions": first["mentions"],
        "seconds_load_records": round(t_load, 2),
        "seconds_link_total": round(t_link, 2),
        "seconds_build_mentions": first["seconds_build"],
        "seconds_splink": first["seconds_link"],
        "seconds_write_persons": first["seconds_write"],
        "seconds_rerun": round(t_again, 2),
        "rerun_links_changed": again["links_changed"],
        "persons": first["persons"],
        "review_open": first["review_open"],
        **{f"person_{k}": round(v, 4) if isinstance(v, float) else v for k, v in quality.items()},
        **search,
    }


def _markdown(results: list[dict[str, Any]]) -> str:
    head = (
        "| backend | records | mentions | load records (s) | build mentions (s) | Splink (s) "
        "| write persons (s) | re-run (s) | persons | review | precision | recall | F1 |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = "".join(
        f"| {r['backend']} | {r['records']} | {r['mentions']} | {r['seconds_load_records']} "
        f"| {r['seconds_build_mentions']} | {r['seconds_splink']} | {r['seconds_write_persons']} "
        f"| {r['seconds_rerun']} | {r['persons']} | {r['review_open']} "
        f"| {r['person_precision']:.4f} | {r['person_recall']:.4f} | {r['person_f1']:.4f} |\n"
        for r in results
    )
    search = "".join(
        f"| {r['backend']} | {r['persons']} | {r['search_name_year_p50_ms']} "
        f"| {r['search_name_year_p99_ms']} | {r['search_name_year_top5']:.3f} "
        f"| {r['search_name_only_p50_ms']} | {r['search_name_only_p99_ms']} "
        f"| {r['search_name_only_top5']:.3f} |\n"
        for r in results
    )
    return (
        "# Persons: load and link a generated population\n\n"
        "`python -m bench.persons` — population records loaded through the repository, then "
        "`civreg link` (mentions with bulk inserts, Splink with the registry model, persons and "
        "audited links written), then run again (must change nothing). Quality: pairwise "
        "precision / recall / F1 of the persons against the population's truth.\n\n"
        + head
        + rows
        + "\nName search (`search_persons`: 200 linked mentions' names without accents, in "
        "capitals; ms per query, and the share whose own person is in the first five):\n\n"
        "| backend | persons | name+year p50 | p99 | top-5 | name only p50 | p99 | top-5 |\n"
        "|---|---|---|---|---|---|---|---|\n" + search
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--families", type=int, default=700)
    ap.add_argument("--seed", type=int, default=2031)
    ap.add_argument("--db", default=None)
    args = ap.parse_args()
    results = []
    if args.db:
        results.append(run(args.db, args.families, args.seed))
    else:
        sqlite_path = ROOT / "out" / "persons-bench.sqlite"
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        sqlite_path.unlink(missing_ok=True)
        results.append(run(f"sqlite:///{sqlite_path}", args.families, args.seed))
        with _postgres() as pg:
            if pg is not None:
                results.append(run(pg, args.families, args.seed))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "persons.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    (RESULTS / "persons.md").write_text(_markdown(results), encoding="utf-8")
    print(_markdown(results))


if __name__ == "__main__":
    main()
