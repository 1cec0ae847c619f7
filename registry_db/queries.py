"""Questions the service API asks about persons; pure reads, each answer with its provenance.

- :func:`persons_by_personal_number` — a person by personal number (more than one only when
  linkage held a conflict for review);
- :func:`search_persons` — by name (accent-insensitive, fuzzy) and date or year of birth;
- :func:`get_person`, :func:`person_events`, :func:`person_parents`, :func:`person_children`,
  :func:`person_spouses`.

Every value comes with a :class:`Provenance`: the field value it was read from, its record
(book, entry) and where on which page (``bbox``). Fuzzy search is trigram similarity on the
accent-folded name: ``pg_trgm`` and its GIN index on PostgreSQL, the same measure computed here
on SQLite (candidates narrowed by year or by a shared name syllable first).
"""

from __future__ import annotations

import bisect
import functools
import os
import re
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, NamedTuple, cast

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased

from extraction.text import name_key
from registry_db.certificates import PersonNameYear
from registry_db.models import Book, FieldValueRow, Record
from registry_db.persons import (
    Event,
    MentionField,
    Person,
    PersonMention,
    RelationKind,
    Relationship,
)

# Names this alike (pg_trgm similarity) are candidates. pg_trgm's default, 0.3, lets two
# syllables in common ("thi", "van") through: far too many candidates in a national registry;
# one misread syllable of a three-syllable name still scores about 0.5 and more.
SIMILARITY_THRESHOLD = 0.45


@dataclass(frozen=True)
class Provenance:
    """Where a value was read: field value, record, book, page and box."""

    field_value_id: int
    field_key: str
    value: str | None
    status: str
    record_id: int
    register_type: str
    book_no: str
    registration_authority: str
    entry_no: str | None
    page_no: int | None
    bbox: list[int] | None


@dataclass(frozen=True)
class PersonView:
    person_id: int
    personal_id: str | None
    full_name: str | None
    date_of_birth: str | None  # ISO
    birth_year: int | None
    sex: str | None
    ethnicity: str | None
    nationality: str | None
    mention_count: int
    sources: dict[str, Provenance] = field(default_factory=dict)  # value name → provenance

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EventView:
    event_id: int
    kind: str  # birth | marriage | death
    event_date: str | None
    registration_date: str | None
    role: str  # the person's role in it
    mention_id: int
    record_id: int
    book_no: str
    entry_no: str | None
    name: Provenance | None  # the name field naming the person in this record

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RelativeView:
    relation: str  # parent | child | spouse
    person: PersonView | None  # None: the other mention is not linked to a person yet
    event_id: int
    record_id: int
    # the names the relationship was read from: this person's and the relative's
    evidence: list[Provenance] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SearchHit:
    person: PersonView
    score: float  # trigram similarity of the best-matching name written for the person
    matched_name: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- provenance ----------------------------------------------------------------------------------

# A field value's provenance as selected, in the order :func:`_provenance` reads it.
_PROVENANCE_COLUMNS = (
    FieldValueRow.id,
    FieldValueRow.key,
    FieldValueRow.value,
    FieldValueRow.status,
    FieldValueRow.page_no,
    FieldValueRow.bbox,
    Record.id,
    Record.entry_no,
    # from here: the book's ([8:])
    Book.register_type,
    Book.book_no,
    Book.registration_authority,
)


def _provenance(row: Sequence[Any]) -> Provenance:
    fid, key, value, status, page_no, bbox, rid, entry, rtype, book_no, auth = row
    return Provenance(
        field_value_id=fid,
        field_key=key,
        value=value,
        status=str(status),
        record_id=rid,
        register_type=str(rtype),
        book_no=book_no,
        registration_authority=auth,
        entry_no=entry,
        page_no=page_no,
        bbox=list(bbox) if bbox is not None else None,
    )


def provenance(session: Session, field_ids: Iterable[int]) -> dict[int, Provenance]:
    """The provenance of each field value id (one query)."""
    ids = sorted(set(field_ids))
    if not ids:
        return {}
    rows = session.connection().execute(  # Core: no ORM layer to go through
        sa.select(*_PROVENANCE_COLUMNS)
        .join(Record, Record.id == FieldValueRow.record_id)
        .join(Book, Book.id == Record.book_id)
        .where(FieldValueRow.id.in_(ids))
    )
    return {row[0]: _provenance(row) for row in rows}


def _views(session: Session, persons: Sequence[Any]) -> list[PersonView]:
    """Views of persons (``Person`` objects, or rows of :data:`_PERSON_COLUMNS`)."""
    prov = provenance(session, [fid for p in persons for fid in (p.sources or {}).values()])
    return [
        PersonView(
            person_id=p.id,
            personal_id=p.personal_id,
            full_name=p.full_name,
            date_of_birth=p.date_of_birth.isoformat() if p.date_of_birth else None,
            birth_year=p.birth_year,
            sex=p.sex,
            ethnicity=p.ethnicity,
            nationality=p.nationality,
            mention_count=p.mention_count,
            sources={k: prov[f] for k, f in (p.sources or {}).items() if f in prov},
        )
        for p in persons
    ]


def _persons(session: Session, ids: Iterable[int]) -> dict[int, PersonView]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    if session.get_bind().dialect.name == "postgresql":
        return _persons_with_provenance(session, wanted)
    rows = (
        session.connection().execute(sa.select(*_PERSON_COLUMNS).where(Person.id.in_(wanted))).all()
    )  # plain rows, not ORM objects: a search reads twenty a time
    return {v.person_id: v for v in _views(session, rows)}


_PERSON_COLUMNS = (
    Person.id,
    Person.personal_id,
    Person.full_name,
    Person.date_of_birth,
    Person.birth_year,
    Person.sex,
    Person.ethnicity,
    Person.nationality,
    Person.mention_count,
    Person.sources,
)


@functools.cache  # built once: building it costs more than running it
def _persons_statement() -> sa.Executable:
    """Persons by id with the provenance of each of their values, in one query (PostgreSQL):
    a row per (person, value), the person's columns repeated; a person without values is one
    row with the value columns null."""
    src = (
        sa.func.jsonb_each(
            sa.case((sa.func.jsonb_typeof(Person.sources) == "object", Person.sources))
        )
        .table_valued("key", "value", with_ordinality="n")
        .render_derived(name="src")
        .lateral()
    )
    field_id = sa.case(
        (
            sa.func.jsonb_typeof(src.c.value) == "number",
            sa.cast(sa.cast(src.c.value, sa.Text), sa.BigInteger),
        )
    )
    # The book by its key, row by row: jsonb_each is estimated at 100 rows a person, and a
    # plain join then hashes the whole book table (3 ms of 5 on 5,865 books, and it grows
    # with the registry); OFFSET 0 keeps the planner from flattening the subquery back.
    book = sa.select(*_PROVENANCE_COLUMNS[8:]).where(Book.id == Record.book_id).offset(0).lateral()
    return (
        sa.select(
            *(c for c in _PERSON_COLUMNS if c is not Person.sources),
            src.c.key,
            *_PROVENANCE_COLUMNS[:8],
            *book.c,
        )
        .select_from(Person)
        .outerjoin(src, sa.true())
        .outerjoin(FieldValueRow, FieldValueRow.id == field_id)
        .outerjoin(Record, Record.id == FieldValueRow.record_id)
        .outerjoin(book, sa.true())
        .where(Person.id == sa.any_(sa.bindparam("ids", type_=ARRAY(sa.BigInteger))))
        .order_by(Person.id, src.c.n)  # a person's values in the order of their sources
    )


@dataclass(frozen=True)
class _Compiled:
    sql: str
    defaults: dict[str, Any]


_COMPILED: dict[tuple[sa.Executable, str], _Compiled] = {}


def _fetch_all(session: Session, stmt: sa.Executable, params: dict[str, Any]) -> list[Any]:
    """Every row of ``stmt`` (PostgreSQL), run by the driver itself as a prepared statement
    in the session's transaction: a search's two or three reads are its hot path, and
    SQLAlchemy's execution and row processing cost about 1 ms a read (the values are plain:
    ids, text, dates, JSON the driver decodes)."""
    connection = session.connection()
    key = (stmt, connection.dialect.name)
    compiled = _COMPILED.get(key)
    if compiled is None:
        c = cast(sa.ClauseElement, stmt).compile(dialect=connection.dialect)
        compiled = _COMPILED[key] = _Compiled(str(c), dict(c.params))
    driver: Any = connection.connection.dbapi_connection  # psycopg's: prepare= is its own
    cursor = driver.cursor()
    try:
        cursor.execute(compiled.sql, {**compiled.defaults, **params}, prepare=True)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _persons_with_provenance(session: Session, ids: list[int]) -> dict[int, PersonView]:
    """:func:`_persons` in one round trip (PostgreSQL): the persons and their values'
    provenance together."""
    persons: dict[int, tuple[Any, ...]] = {}
    sources: dict[int, dict[str, Provenance]] = {}
    for row in _fetch_all(session, _persons_statement(), {"ids": ids}):
        (pid, *person), (source, *prov) = row[:9], row[9:]
        persons.setdefault(pid, tuple(person))
        found = sources.setdefault(pid, {})
        fid, rid, rtype = prov[0], prov[6], prov[8]
        if source is None or fid is None or rid is None or rtype is None:
            continue
        found[source] = _provenance(prov)
    return {
        pid: PersonView(
            pid,
            personal_id,
            full_name,
            date_of_birth.isoformat() if date_of_birth else None,
            birth_year,
            sex,
            ethnicity,
            nationality,
            mention_count,
            sources=sources[pid],
        )
        for pid, (
            personal_id, full_name, date_of_birth, birth_year, sex, ethnicity, nationality,
            mention_count,
        ) in persons.items()
    }  # fmt: skip


# --- persons -------------------------------------------------------------------------------------


def get_person(session: Session, person_id: int) -> PersonView | None:
    return _persons(session, [person_id]).get(person_id)


def persons_by_personal_number(session: Session, personal_id: str) -> list[PersonView]:
    """Persons with this personal number (digits only are compared), as theirs or in any of
    their mentions. Usually one; two when linkage queued a conflict for review."""
    digits = re.sub(r"\D", "", personal_id)
    if not digits:
        return []
    ids = set(session.scalars(sa.select(Person.id).where(Person.personal_id == digits)))
    ids |= {
        pid
        for pid in session.scalars(
            sa.select(PersonMention.person_id).where(PersonMention.personal_id == digits)
        )
        if pid is not None
    }
    found = _persons(session, ids)
    return [found[i] for i in sorted(found)]


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams of a text: each word lower-cased and padded ``"  word "``."""
    out: set[str] = set()
    for word in re.findall(r"[^\W_]+", text.lower()):
        padded = f"  {word} "
        out.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return out


def similarity(a: str, b: str) -> float:
    """pg_trgm's ``similarity``: shared trigrams over all trigrams of both."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return float(np.float32(len(ta & tb)) / np.float32(len(ta | tb)))  # float4, as pg_trgm


def trgm_schema(session: Session) -> str | None:
    """The schema ``pg_trgm`` lives in (PostgreSQL; it need not be on the search path), or
    None: no trigram support there (SQLite), similarity is computed here."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    where = bind.engine.url.render_as_string(hide_password=True)  # one lookup per database
    if where not in _TRGM_SCHEMA:
        _TRGM_SCHEMA[where] = session.scalar(
            sa.text(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
            )
        )
    return _TRGM_SCHEMA[where]


_TRGM_SCHEMA: dict[str, str | None] = {}


def _date_filter(dob: date | None, year: int | None) -> list[sa.ColumnElement[bool]]:
    m = PersonMention
    if dob is not None:
        return [
            m.birth_year == dob.year,  # implied (a mention's year is its date's), for the index
            sa.or_(
                m.date_of_birth == dob,
                sa.and_(m.date_of_birth.is_(None), m.birth_year == dob.year),
            ),
        ]
    if year is not None:
        return [m.birth_year == year]
    return []


class NameIndex:
    """The folded names a registry writes (``person_name_year``), held in memory to score a
    query against all of them at once: trigram similarity depends only on a name's words, so
    each word's trigrams are matched against the query's once (a bit per query trigram), a
    name's shared trigrams are the OR of its words' bits, and ``shared / (n + m - shared)`` is
    pg_trgm's ``similarity`` exactly (``m``: the name's own trigram count, kept).

    The table is append-only, so :meth:`refresh` reads rows past the last id seen (one indexed
    ``max(id)`` per search when nothing changed). Thread-safe: the arrays are replaced whole.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seen = 0
        self.names: list[str] = []
        self._name_ids: dict[str, int] = {}
        self.trigram_counts = np.zeros(0, np.float32)
        self.words: list[str] = [""]  # word 0 pads a name's row: no trigrams
        self._word_ids: dict[str, int] = {"": 0}
        self._postings: dict[str, list[int]] = {}  # trigram → words having it
        self._postings_np: dict[str, npt.NDArray[np.intp]] = {}
        # a name's word ids, 0-padded: column j holds every name's j-th word (contiguous: a
        # gather from one is ~1.5x faster than from a strided column of a matrix)
        self.word_columns: list[npt.NDArray[np.intp]] = [np.zeros(0, np.intp)]
        self._years: dict[int, list[int]] = {}  # birth year (0: none) → names
        # a year's names, their word columns and trigram counts (a search in a year reads
        # them; gathered once, not per search)
        self._year_parts: dict[int, _NameParts] = {}
        # a name's birth years written (rows of person_name_year): it has at least about as
        # many mentions, which sizes the first read of a search
        self.year_counts = np.zeros(0, np.int32)

    def refresh(self, session: Session) -> None:
        top = session.scalar(sa.select(sa.func.max(PersonNameYear.id))) or 0
        if top <= self.seen:
            return
        with self._lock:
            if top <= self.seen:
                return
            rows = session.execute(
                sa.select(PersonNameYear.id, PersonNameYear.name_folded, PersonNameYear.birth_year)
                .where(PersonNameYear.id > self.seen, PersonNameYear.id <= top)
                .order_by(PersonNameYear.id)
            ).all()
            self._add(rows)
            # every year's parts now, not at a search's expense (a year's first search paid
            # 3-6 ms for them on a million persons; all years: ~30 MB, under a second)
            for year in list(self._years):
                self._parts_of_year(year)
            self.seen = top

    def _add(self, rows: Sequence[tuple[int, str, int]]) -> None:
        new_rows: list[list[int]] = []
        new_counts: list[int] = []
        first_new = len(self.names)
        named: list[int] = []
        for _id, name, year in rows:
            nid = self._name_ids.get(name)
            if nid is None:
                nid = self._name_ids[name] = len(self.names)
                self.names.append(name)
                words = sorted(set(name.split()))
                ids = []
                for w in words:
                    wid = self._word_ids.get(w)
                    if wid is None:
                        wid = self._word_ids[w] = len(self.words)
                        self.words.append(w)
                        for t in trigrams(w):
                            self._postings.setdefault(t, []).append(wid)
                            self._postings_np.pop(t, None)
                    ids.append(wid)
                new_rows.append(ids)
                new_counts.append(len(trigrams(name)))
            self._years.setdefault(year, []).append(nid)
            self._year_parts.pop(year, None)
            named.append(nid)
        year_counts = np.concatenate([self.year_counts, np.zeros(len(new_rows), np.int32)])
        np.add.at(year_counts, np.array(named, np.intp), 1)
        self.year_counts = year_counts
        if not new_rows:
            return
        width = max(len(self.word_columns), *(len(r) for r in new_rows))
        added = np.zeros((width, len(new_rows)), np.intp)
        for i, r in enumerate(new_rows):
            added[: len(r), i] = r
        old = self.word_columns + [
            np.zeros(first_new, np.intp) for _ in range(width - len(self.word_columns))
        ]
        assert len(old[0]) == first_new
        self.word_columns = [np.concatenate([o, a]) for o, a in zip(old, added, strict=True)]
        self.trigram_counts = np.concatenate(
            [self.trigram_counts, np.array(new_counts, np.float32)]
        )

    def _posting(self, trigram: str) -> npt.NDArray[np.intp] | None:
        arr = self._postings_np.get(trigram)
        if arr is None and trigram in self._postings:
            arr = self._postings_np[trigram] = np.array(self._postings[trigram], np.intp)
        return arr

    def _parts_of_year(self, year: int) -> _NameParts:
        parts = self._year_parts.get(year)
        if parts is None:
            ids = np.unique(np.array(self._years.get(year, []), np.intp))
            parts = self._year_parts[year] = _NameParts(
                ids, [c[ids] for c in self.word_columns], self.trigram_counts[ids]
            )
        return parts

    def scores(self, folded: str, threshold: float, year: int | None = None) -> ScoredNames | None:
        """Every name at least ``threshold`` alike ``folded`` (of a mention born in ``year``,
        when given), best first; None for a query of more than 63 trigrams."""
        query = sorted(trigrams(folded))
        n = len(query)
        if not n or n > 63:
            return None if n else ScoredNames([], np.zeros(0, np.intp), np.zeros(0, np.float32))
        with self._lock:
            columns, counts, names = self.word_columns, self.trigram_counts, self.names
            # a bit per query trigram; 32-bit words when they fit (half the memory to move)
            kind: type[np.unsignedinteger[Any]] = np.uint32 if n <= 32 else np.uint64
            bits: npt.NDArray[np.unsignedinteger[Any]] = np.zeros(len(self.words), kind)
            for j, t in enumerate(query):
                ids = self._posting(t)
                if ids is not None:
                    bits[ids] |= kind(1 << j)
            subset = None
            if year is not None:
                subset, columns, counts = self._parts_of_year(year)
        hit, sims = _scored_parts(bits, columns, counts, n, threshold)
        ids = subset[hit] if subset is not None else hit
        # mentions a name is likely to give: one a year it was written with; in one year, 3
        # (2.5 on average for the names a search reads, on a million generated persons)
        weights = np.full(len(ids), 3, np.int32) if year is not None else self.year_counts[ids]
        return ScoredNames(names, ids, sims, weights)


def _score_part(
    bits: npt.NDArray[np.unsignedinteger[Any]],
    columns: list[npt.NDArray[np.intp]],
    counts: npt.NDArray[np.float32],
    n: int,
    threshold: float,
    lo: int,
    hi: int,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
    """Names ``lo:hi`` at least ``threshold`` alike: their positions and similarity."""
    # A name's trigram bits: the OR of its words' bits, one word column at a time (a gather a
    # column is ~4x faster than reducing a gathered matrix along its rows).
    names_bits = np.take(bits, columns[0][lo:hi])
    word_bits = np.empty_like(names_bits)
    for column in columns[1:]:
        names_bits |= np.take(bits, column[lo:hi], out=word_bits)
    shared: npt.NDArray[np.float32] = np.bitwise_count(names_bits).astype(np.float32)
    denominator = (n + counts[lo:hi] - shared).astype(np.float32)
    sim = cast(npt.NDArray[np.float32], shared / denominator)  # float4, as pg_trgm
    hit = np.flatnonzero(sim.astype(np.float64) >= threshold)
    return hit + lo, sim[hit]


_SCORING_POOL: ThreadPoolExecutor | None = None
PARALLEL_FROM = 65_536  # names: below this a second thread costs more than it saves


def _scored_parts(
    bits: npt.NDArray[np.unsignedinteger[Any]],
    columns: list[npt.NDArray[np.intp]],
    counts: npt.NDArray[np.float32],
    n: int,
    threshold: float,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
    """:func:`_score_part` over every name: the second half on another thread where there is
    a second core (numpy lets go of the GIL: a million-person registry's search scores in half
    the time). The caller never waits in a queue: a half the pool has not started yet (it is
    busy with another search) is scored here."""
    global _SCORING_POOL
    score = functools.partial(_score_part, bits, columns, counts, n, threshold)
    total = len(counts)
    if total < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return score(0, total)
    if _SCORING_POOL is None:
        _SCORING_POOL = ThreadPoolExecutor(1, thread_name_prefix="name-scores")
    half = total // 2
    second = _SCORING_POOL.submit(score, half, total)
    first = score(0, half)
    rest = score(half, total) if second.cancel() else second.result()
    return np.concatenate([first[0], rest[0]]), np.concatenate([first[1], rest[1]])


class _NameParts(NamedTuple):
    ids: npt.NDArray[np.intp]
    columns: list[npt.NDArray[np.intp]]
    trigram_counts: npt.NDArray[np.float32]


class ScoredNames:
    """Names with their similarity, best first, ties in name order.

    Sorted a prefix at a time: a common name has tens of thousands of look-alikes and a search
    reads only the first few, so only the names at least as alike as the ``k``-th best are
    sorted (a partition finds that value), and more when more are read.
    """

    def __init__(
        self,
        names: list[str],
        ids: npt.NDArray[np.intp],
        sims: npt.NDArray[np.float32],
        weights: npt.NDArray[np.int32] | None = None,
    ) -> None:
        # ids ascending, sims and weights theirs: the candidates, not yet ordered
        self._names, self._all_ids, self._all_sims = names, ids, sims
        self._all_weights = np.ones(len(ids), np.int32) if weights is None else weights
        self._ids, self._sims = ids[:0], sims[:0]  # the best first, sorted so far
        self._weights = self._all_weights[:0]

    def __len__(self) -> int:
        return len(self._all_ids)

    def _sort_to(self, stop: int) -> None:
        total, have = len(self._all_ids), len(self._ids)
        if stop <= have or have == total:
            return
        k = min(total, max(stop, 4 * have, 64))
        sims = self._all_sims
        if k == total:
            sel = np.arange(total)
        else:  # every name at least as alike as the k-th best (ties included: stable order)
            kth = np.partition(sims, total - k)[total - k]
            sel = np.flatnonzero(sims >= kth)
        order = sel[np.argsort(-sims[sel], kind="stable")]
        self._ids, self._sims = self._all_ids[order], sims[order]
        self._weights = self._all_weights[order]

    def covering(self, start: int, need: int, least: int = 4, most: int = 256) -> int:
        """Where a read from ``start`` should stop to take names of about ``need`` mentions
        together (by their weights), at least ``least`` names and at most ``most``."""
        self._sort_to(start + most)
        held = np.cumsum(self._weights[start : start + most])
        stop = start + int(np.searchsorted(held, need)) + 1
        return min(len(self), max(start + least, min(stop, start + most)))

    def sim(self, i: int) -> float:
        self._sort_to(i + 1)
        return float(self._sims[i])

    def chunk(self, start: int, stop: int) -> list[tuple[str, float]]:
        self._sort_to(stop)
        ids, sims = self._ids[start:stop].tolist(), self._sims[start:stop].tolist()
        return [(self._names[i], float(s)) for i, s in zip(ids, sims, strict=True)]


_NAME_INDEXES: dict[str, NameIndex] = {}


def name_index(session: Session, *, refresh: bool = True) -> NameIndex:
    """The database's :class:`NameIndex`, brought up to date (``refresh=False``: as it is,
    unless it was never read; the caller checks it is current another way)."""
    where = session.get_bind().engine.url.render_as_string(hide_password=True)
    index = _NAME_INDEXES.get(where)
    if index is None:
        index = _NAME_INDEXES.setdefault(where, NameIndex())
    if refresh or index.seen == 0:
        index.refresh(session)
    return index


@functools.cache  # built once a kind
def _mentions_statement(date_kind: str) -> sa.Executable:
    """The linked mentions of a list of names (``:names``), at most ``:fetch`` (a list too)
    a name, in person order (index-only scans of migration 0007); born in ``:year``
    (``date_kind`` "year"), on ``:dob`` or in its year when only the year is written
    ("dob"), or any (""). Every row carries the name index's last id (``top``): one round
    trip both reads the mentions and tells whether the in-memory name index is current. A
    row with ``top`` only when no mention is found."""
    m = PersonMention
    names = (
        sa.func.unnest(
            sa.bindparam("names", type_=ARRAY(sa.String())),
            sa.bindparam("fetch", type_=ARRAY(sa.Integer())),
        )
        .table_valued("name", "fetch")
        .render_derived()  # "AS x(name, fetch)": else x.name reads as name(x), a cast that
        # hides the equality from the planner, and each name's mentions are sorted, not read
        # in order
    )
    where: list[sa.ColumnElement[bool]] = [m.person_id.is_not(None), m.name_folded == names.c.name]
    if date_kind:
        year = sa.bindparam("year", type_=sa.Integer)
        where.append(m.birth_year == year)
    if date_kind == "dob":
        where.append(
            sa.or_(
                m.date_of_birth == sa.bindparam("dob", type_=sa.Date),
                sa.and_(m.date_of_birth.is_(None), m.birth_year == year),
            )
        )
    per_name = (
        sa.select(m.person_id, m.full_name, m.name_folded)
        .where(*where)
        .order_by(m.person_id)
        .limit(names.c.fetch)
        .lateral()
    )
    found = (
        sa.select(per_name.c.person_id, per_name.c.full_name, per_name.c.name_folded)
        .select_from(names)
        .join(per_name, sa.true())
        .subquery()
    )
    top = sa.select(sa.func.max(PersonNameYear.id).label("top")).subquery()
    return (
        sa.select(top.c.top, found.c.person_id, found.c.full_name, found.c.name_folded)
        .select_from(top)
        .outerjoin(found, sa.true())
    )


def _search_postgresql(
    session: Session, folded: str, dob: date | None, year: int | None, fetch: int
) -> list[tuple[int, str | None, float]] | None:
    """The ``fetch`` best linked mention rows (person, name as written, similarity), ordered
    by similarity then person — what ``ORDER BY similarity(...) DESC, person_id LIMIT fetch``
    over every mention answers. Names are scored in memory (:class:`NameIndex`); the mentions
    of the best names are read name by name (at most ``fetch`` each, in person order, by the
    btree indexes of migration 0005), best names first, until no name left can rank. The
    first read also returns the name index's last id: when names were added since the index
    was read, it is refreshed and the search starts again. None: a query too long for the
    index (the caller asks pg_trgm)."""
    kind = "dob" if dob is not None else "year" if year is not None else ""
    stmt = _mentions_statement(kind)
    params: dict[str, Any] = {"year": year, "dob": dob}
    index = name_index(session, refresh=False)
    for attempt in range(2):
        scored = index.scores(folded, SIMILARITY_THRESHOLD, year)
        if scored is None:
            return None
        rows: list[tuple[int, str | None, float]] = []
        done, stale = 0, False
        while True:
            # enough names to fill the answer, by what each is likely to give (a common name
            # alone may fill it); more when names tie with the last row
            chunk = dict(scored.chunk(done, scored.covering(done, max(fetch - len(rows), 16))))
            done += len(chunk)
            # a name needs no more rows than the answer has room for below the rows already
            # read that are more alike than it (they rank first whatever it holds)
            alike = sorted(-r[2] for r in rows)
            limits = [fetch - bisect.bisect_left(alike, -sim) for sim in chunk.values()]
            result = _fetch_all(session, stmt, {**params, "names": list(chunk), "fetch": limits})
            if attempt == 0 and result and (result[0][0] or 0) > index.seen:
                stale = True  # names were added since the index was read
                break
            rows.extend((int(pid), full, chunk[name]) for _, pid, full, name in result if pid)
            if len(rows) >= fetch:
                rows.sort(key=lambda r: (-r[2], r[0]))
                del rows[fetch:]
                if done >= len(scored) or scored.sim(done) < rows[-1][2]:
                    break
            if done >= len(scored):
                break
        if not stale:
            rows.sort(key=lambda r: (-r[2], r[0]))
            return rows[:fetch]
        index.refresh(session)  # then once more; names added meanwhile come too late for it
    return None  # not reached: the second attempt never finds the index stale


def _search_trgm(
    session: Session, trgm: str, folded: str, where: list[sa.ColumnElement[bool]], fetch: int
) -> list[tuple[int, str | None, float]]:
    """pg_trgm's own search (its GIN index): for queries :class:`NameIndex` does not take."""
    m = PersonMention
    session.execute(  # for the % operator (and its index), this transaction only
        sa.select(
            sa.func.set_config("pg_trgm.similarity_threshold", str(SIMILARITY_THRESHOLD), True)
        )
    )
    score = getattr(sa.func, trgm).similarity(m.name_folded, folded)
    return [
        (int(pid), full, float(s))
        for pid, full, s in session.execute(
            sa.select(m.person_id, m.full_name, score.label("score"))
            .where(*where, m.name_folded.op(f'OPERATOR("{trgm}".%)')(folded))
            .order_by(score.desc(), m.person_id)
            .limit(fetch)
        )
    ]


def search_persons(
    session: Session,
    name: str,
    *,
    date_of_birth: date | str | None = None,
    birth_year: int | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Persons whose name (any spelling a record gives them) is like ``name`` — accents, tone
    placement and capitals ignored, typos tolerated — best first; with a date (or a year) of
    birth, only persons born then (a mention with only a year matches a date in that year)."""
    folded = name_key(name, fold=True)
    if not folded:
        return []
    dob = date.fromisoformat(date_of_birth) if isinstance(date_of_birth, str) else date_of_birth
    m = PersonMention
    where = [m.person_id.is_not(None), *_date_filter(dob, birth_year)]
    trgm = trgm_schema(session)
    if trgm is not None:
        year = dob.year if dob is not None else birth_year
        found = _search_postgresql(session, folded, dob, year, limit * 5)
        scored = (
            found if found is not None else _search_trgm(session, trgm, folded, where, limit * 5)
        )
    else:
        words = folded.split()
        narrow = where if len(where) > 1 else [
            *where,
            sa.or_(*(m.name_folded.like(f"%{w}%") for w in words)),
        ]  # fmt: skip
        scored = []
        for pid, full, key in session.execute(
            sa.select(m.person_id, m.full_name, m.name_folded).where(*narrow)
        ):
            s = similarity(key or "", folded)
            if s >= SIMILARITY_THRESHOLD and pid is not None:
                scored.append((pid, full, s))
    best: dict[int, tuple[float, str | None]] = {}
    for pid, full, s in scored:
        if pid not in best or s > best[pid][0]:
            best[pid] = (s, full)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
    views = _persons(session, [pid for pid, _ in ranked])
    return [
        SearchHit(person=views[pid], score=round(s, 4), matched_name=full)
        for pid, (s, full) in ranked
        if pid in views
    ]


# --- events and relatives ------------------------------------------------------------------------


def _name_fields(session: Session, mention_ids: Iterable[int]) -> dict[int, int]:
    ids = sorted(set(mention_ids))
    if not ids:
        return {}
    return dict(
        session.execute(
            sa.select(MentionField.mention_id, MentionField.field_value_id).where(
                MentionField.mention_id.in_(ids), MentionField.attribute == "full_name"
            )
        ).all()
    )


def person_events(session: Session, person_id: int) -> list[EventView]:
    """The events the person took part in (any role), in date order."""
    m = PersonMention
    rows = session.execute(
        sa.select(m.id, m.role, Event, Record.entry_no, Book.book_no)
        .join(Event, Event.id == m.event_id)
        .join(Record, Record.id == m.record_id)
        .join(Book, Book.id == Record.book_id)
        .where(m.person_id == person_id, Record.superseded_at.is_(None))
    ).all()
    names = _name_fields(session, [r[0] for r in rows])
    prov = provenance(session, names.values())
    out = [
        EventView(
            event_id=ev.id,
            kind=str(ev.kind),
            event_date=ev.event_date.isoformat() if ev.event_date else None,
            registration_date=ev.registration_date.isoformat() if ev.registration_date else None,
            role=str(role),
            mention_id=mid,
            record_id=ev.record_id,
            book_no=book_no,
            entry_no=entry,
            name=prov.get(names.get(mid, -1)),
        )
        for mid, role, ev, entry, book_no in rows
    ]
    return sorted(out, key=lambda e: (e.event_date or e.registration_date or "9999", e.event_id))


# made once: an alias of a wide table costs more to build than the query costs to run
_ME, _OTHER = aliased(PersonMention), aliased(PersonMention)


def _relatives(
    session: Session, person_id: int, kind: RelationKind, *, mine: str, theirs: str, label: str
) -> list[RelativeView]:
    """Relationships of ``kind`` where this person's mention is on side ``mine``."""
    me, other = _ME, _OTHER
    r = Relationship
    mine_col = getattr(r, f"{mine}_mention_id")
    theirs_col = getattr(r, f"{theirs}_mention_id")
    rows = session.execute(
        sa.select(me.id, other.id, other.person_id, r.event_id, Event.record_id)
        .select_from(r)
        .join(me, mine_col == me.id)
        .join(other, theirs_col == other.id)
        .join(Event, Event.id == r.event_id)
        .where(me.person_id == person_id, r.kind == kind.value)
        .order_by(r.event_id)
    ).all()
    names = _name_fields(session, [x for row in rows for x in row[:2]])
    prov = provenance(session, names.values())
    persons = _persons(session, [row[2] for row in rows if row[2] is not None])
    seen: dict[int | None, RelativeView] = {}
    out: list[RelativeView] = []
    for my_mid, their_mid, their_pid, event_id, record_id in rows:
        evidence = [prov[names[x]] for x in (my_mid, their_mid) if names.get(x) in prov]
        if their_pid is not None and their_pid in seen:  # the same relative in another record
            seen[their_pid].evidence.extend(evidence)
            continue
        view = RelativeView(
            relation=label,
            person=persons.get(their_pid) if their_pid is not None else None,
            event_id=event_id,
            record_id=record_id,
            evidence=evidence,
        )
        if their_pid is not None:
            seen[their_pid] = view
        out.append(view)
    return out


def person_parents(session: Session, person_id: int) -> list[RelativeView]:
    return _relatives(
        session, person_id, RelationKind.PARENT_OF, mine="object", theirs="subject", label="parent"
    )


def person_children(session: Session, person_id: int) -> list[RelativeView]:
    return _relatives(
        session, person_id, RelationKind.PARENT_OF, mine="subject", theirs="object", label="child"
    )


def person_spouses(session: Session, person_id: int) -> list[RelativeView]:
    kind = RelationKind.SPOUSE_OF
    out = _relatives(session, person_id, kind, mine="subject", theirs="object", label="spouse")
    out += _relatives(session, person_id, kind, mine="object", theirs="subject", label="spouse")
    return out


def person_summary(session: Session, person_id: int) -> dict[str, Any] | None:
    """Everything the registry knows of a person, as one JSON-ready dict."""
    person = get_person(session, person_id)
    if person is None:
        return None
    return {
        "person": person.as_dict(),
        "events": [e.as_dict() for e in person_events(session, person_id)],
        "parents": [r.as_dict() for r in person_parents(session, person_id)],
        "spouses": [r.as_dict() for r in person_spouses(session, person_id)],
        "children": [r.as_dict() for r in person_children(session, person_id)],
    }
