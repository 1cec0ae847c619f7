"""Name search answers what a plain computation over every linked mention answers, on SQLite
and PostgreSQL: exact spellings first when they fill the answer, trigram stages otherwise."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from extraction.text import fold_accents, name_key
from extraction.types import RegisterType
from registry_db import queries as q
from registry_db.models import Book, Page, Record
from registry_db.persons import Event, EventKind, Person, PersonMention, Role

COMMON = "Nguyễn Văn Anh"
NAMES = (
    "Nguyễn Thị Hồng Nhung",
    "Nguyễn Thị Hồng Nhun",  # a typo
    "Nguyễn Văn Anh Tuấn",
    "Nguyễn Văn Án",
    "Trần Văn Anh",
    "Lê Thị Lan",
    "Lê Thị Lan Anh",
    "Phạm Minh Đức",
    "Khổng Văn Toản",
)


def _registry(session: Session, seed: int = 5) -> list[tuple[int, str, date]]:
    """Linked mentions of generated persons: 30 spellings of one common name (more than an
    answer of 4 needs), names alike and not, some persons named twice, one mention unlinked.
    Returns (person id, name as written, date of birth) of each linked mention."""
    rng = random.Random(seed)
    book = Book(
        register_type=RegisterType.BIRTH,
        book_no="01/2000",
        year=2000,
        registration_authority="UBND xã Tiên Dương",
        source_sha256="q" * 64,
        source_name="q.pdf",
        page_count=1,
    )
    session.add(book)
    session.flush()
    for n in range(1, 10):
        session.add(Page(book_id=book.id, page_no=n, width=2480, height=3508))
    session.flush()
    written: list[tuple[str, date]] = [
        (COMMON if i % 3 else COMMON.upper(), date(1980 + i % 3, 1 + i % 12, 5)) for i in range(30)
    ]
    written += [(rng.choice(NAMES), date(rng.randint(1980, 1982), 3, 9)) for _ in range(60)]
    records = [
        Record(
            book_id=book.id,
            page_no=1 + i // 10,
            index_on_page=i % 10,
            entry_no=str(i + 1),
            pages=[1 + i // 10],
            status="accepted",
            extractor_version="t",
        )
        for i in range(len(written))
    ]
    session.add_all(records)
    session.flush()
    events = [Event(record_id=r.id, book_id=book.id, kind=EventKind.BIRTH) for r in records]
    session.add_all(events)
    session.flush()
    mentions = [
        PersonMention(
            record_id=r.id,
            event_id=e.id,
            role=Role.CHILD,
            full_name=name,
            name_key=name_key(name),
            name_folded=name_key(name, fold=True),
            date_of_birth=None if i % 7 == 0 else born,  # some books give the year only
            birth_year=born.year,
        )
        for i, (r, e, (name, born)) in enumerate(zip(records, events, written, strict=True))
    ]
    session.add_all(mentions)
    session.flush()
    # every fourth mention is the previous person again; the last is not linked to anyone
    founders = [m for i, m in enumerate(mentions[:-1]) if i == 0 or i % 4]
    persons = {
        m.id: Person(
            founding_mention_id=m.id,
            full_name=m.full_name,
            name_key=m.name_key,
            name_folded=m.name_folded,
            sources={},
            mention_count=0,
        )
        for m in founders
    }
    session.add_all(persons.values())
    session.flush()
    out: list[tuple[int, str, date]] = []
    person: Person | None = None
    for m, (name, born) in zip(mentions[:-1], written, strict=False):
        person = persons.get(m.id, person)
        assert person is not None
        person.mention_count += 1
        m.person_id = person.id
        out.append((person.id, name, born))
    session.commit()
    return out


def _expected(
    rows: list[tuple[int, str, date]],
    name: str,
    limit: int,
    *,
    year: int | None = None,
    dob: date | None = None,
    year_only: set[int] | None = None,
) -> list[tuple[int, float]]:
    """The answer computed plainly: every linked mention's similarity, best per person."""
    folded = name_key(name, fold=True)
    best: dict[int, float] = {}
    for i, (pid, written, born) in enumerate(rows):
        if year is not None and born.year != year:
            continue
        if dob is not None and not (
            born == dob or (year_only is not None and i in year_only and born.year == dob.year)
        ):
            continue
        s = q.similarity(name_key(written, fold=True), folded)
        if s >= q.SIMILARITY_THRESHOLD and s > best.get(pid, -1):
            best[pid] = s
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [(pid, round(s, 3)) for pid, s in ranked]


def _got(hits: list[q.SearchHit]) -> list[tuple[int, float]]:
    return [(h.person.person_id, round(h.score, 3)) for h in hits]


QUERIES = (
    (fold_accents(COMMON).upper(), 4),  # exact spellings fill the answer
    (COMMON, 30),  # they do not: more names add the rest
    ("nguyen thi hong nhung", 5),
    ("NGUYEN VAN AN", 10),
    ("Khổng Văn Toả", 5),  # a rare name, misspelt
    ("Hoàng Thị Bích", 5),  # nobody
)


def test_search_answers_what_a_plain_computation_answers(session: Session) -> None:
    rows = _registry(session)
    year = rows[0][2].year
    for name, limit in QUERIES:
        got = _got(q.search_persons(session, name, limit=limit))
        assert got == _expected(rows, name, limit), name
        in_year = _got(q.search_persons(session, name, birth_year=year, limit=limit))
        assert in_year == _expected(rows, name, limit, year=year), name


def test_search_by_date_counts_a_year_only_mention_of_that_year(session: Session) -> None:
    rows = _registry(session)
    linked = session.execute(
        sa.select(PersonMention.id, PersonMention.date_of_birth)
        .where(PersonMention.person_id.is_not(None))
        .order_by(PersonMention.id)
    ).all()
    year_only = {i for i, (_, born) in enumerate(linked) if born is None}
    assert year_only  # the registry has mentions with the year only
    dob = rows[3][2]
    hits = q.search_persons(session, COMMON, date_of_birth=dob, limit=50)
    assert hits and _got(hits) == _expected(rows, COMMON, 50, dob=dob, year_only=year_only)


@pytest.fixture(params=["one thread", "two halves", "pool busy"])
def scoring(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Scores computed on one thread, in two halves (the second on the pool), and in two
    halves while the pool is busy with another search (the caller scores both)."""
    if request.param == "one thread":
        yield
        return
    monkeypatch.setattr(q, "PARALLEL_FROM", 0)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    if request.param == "two halves":
        yield
        return
    monkeypatch.setattr(q, "_SCORING_POOL", ThreadPoolExecutor(1))
    release = threading.Event()
    assert q._SCORING_POOL is not None
    busy = q._SCORING_POOL.submit(release.wait)
    yield
    release.set()
    busy.result()


def test_name_index_scores_are_pg_trgm_similarity(scoring: None) -> None:
    rng = random.Random(3)
    words = ["nguyen", "van", "thi", "anh", "an", "lan", "nhung", "hong", "tuan", "toan", "ng"]
    names = sorted({" ".join(rng.sample(words, rng.randint(1, 5))) for _ in range(300)})
    index = q.NameIndex()
    index._add([(i + 1, name, 1980 + i % 3) for i, name in enumerate(names)])
    queries = ("nguyen van anh", "thi lan", "nguyen thi hong nhung tuan", "xyz", "an an")
    long = "nguyen thi hong nhung tuan toan lan van anh"  # > 32 trigrams: 64-bit words
    assert len(q.trigrams(long)) > 32
    for query in (*queries, long):
        want = {n: q.similarity(n, query) for n in names}
        scored = index.scores(query, q.SIMILARITY_THRESHOLD)
        assert scored is not None
        got = scored.chunk(0, len(scored))
        assert [n for n, _ in got] == sorted(
            (n for n in names if want[n] >= q.SIMILARITY_THRESHOLD),
            key=lambda n: (-want[n], names.index(n)),
        )
        assert all(abs(s - want[n]) < 1e-9 for n, s in got)
        in_1981 = index.scores(query, q.SIMILARITY_THRESHOLD, year=1981)
        assert in_1981 is not None
        assert {n for n, _ in in_1981.chunk(0, len(in_1981))} == {
            n for i, n in enumerate(names) if i % 3 == 1 and want[n] >= q.SIMILARITY_THRESHOLD
        }


def test_name_index_reads_best_first_a_prefix_at_a_time() -> None:
    """Read as a search reads it (a few names, then more), the order is the full sort's:
    similarity first, ties in name order, though only a prefix is ever sorted."""
    rng = random.Random(5)
    syllables = ["nguyen", "thi", "van", "thu", "thuy", "hoa", "lan", "tran", "le", "minh"]
    names = sorted({" ".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(3000)})
    index = q.NameIndex()
    index._add([(i + 1, name, 1980) for i, name in enumerate(names)])
    scored = index.scores("nguyen thi thuy", 0.2)
    assert scored is not None and len(scored) > 300  # past the first sorted prefix (64)
    want = sorted(
        (n for n in names if q.similarity(n, "nguyen thi thuy") >= 0.2),
        key=lambda n: (-q.similarity(n, "nguyen thi thuy"), names.index(n)),
    )
    got: list[str] = []
    done, batch = 0, 4
    while done < len(scored):
        assert abs(scored.sim(done) - q.similarity(want[done], "nguyen thi thuy")) < 1e-6
        got += [n for n, _ in scored.chunk(done, done + batch)]
        done, batch = len(got), batch * 4
    assert got == want


def test_name_index_a_year_learns_names_added_after_its_first_search() -> None:
    index = q.NameIndex()
    index._add([(1, "nguyen thi lan", 1981), (2, "tran van an", 1982)])
    first = index.scores("nguyen thi lan", q.SIMILARITY_THRESHOLD, year=1981)
    assert first is not None and [n for n, _ in first.chunk(0, 9)] == ["nguyen thi lan"]
    index._add([(3, "nguyen thi lanh", 1981), (4, "nguyen thi lan", 1982)])
    again = index.scores("nguyen thi lan", q.SIMILARITY_THRESHOLD, year=1981)
    assert again is not None
    assert [n for n, _ in again.chunk(0, 9)] == ["nguyen thi lan", "nguyen thi lanh"]
    in_1982 = index.scores("nguyen thi lan", q.SIMILARITY_THRESHOLD, year=1982)
    assert in_1982 is not None and [n for n, _ in in_1982.chunk(0, 9)] == ["nguyen thi lan"]


def test_a_name_written_after_a_search_is_found(session: Session) -> None:
    rows = _registry(session)
    assert q.search_persons(session, "Đinh Thị Quỳnh Hoa") == []
    mention = session.scalars(
        sa.select(PersonMention).where(PersonMention.person_id == rows[0][0])
    ).first()
    assert mention is not None
    mention.full_name = "Đinh Thị Quỳnh Hoa"  # a reviewer's correction reaches the mention
    mention.name_key = name_key(mention.full_name)
    mention.name_folded = name_key(mention.full_name, fold=True)
    session.commit()
    hits = q.search_persons(session, "DINH THI QUYNH HOA")
    assert [h.person.person_id for h in hits] == [rows[0][0]]
