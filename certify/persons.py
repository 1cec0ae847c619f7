"""The person look-up behind the agency API and citizen requests: one small function.

Until the persons table lands (``registry_db/persons.py``), a "person" is the child of a final
birth record or the deceased of a final death record, found by personal number or by name and
date of birth among the field values; for a marriage, either spouse. Only :func:`find_persons`
knows this: it can switch to the persons table without its callers changing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from extraction.types import RegisterType
from registry_db.models import Book, FieldValueRow, Record

PERSONAL_ID = re.compile(r"^\d{12}$")
MAX_HITS = 20

# (kind, role): the role's keys for personal number, name and date of birth.
ROLES: dict[RegisterType, tuple[str, ...]] = {
    RegisterType.BIRTH: ("child",),
    RegisterType.DEATH: ("deceased",),
    RegisterType.MARRIAGE: ("wife", "husband"),
}


@dataclass(frozen=True)
class PersonHit:
    """A person found: the record that names them, in which role, and that record's values."""

    record_id: int
    kind: RegisterType
    role: str
    values: dict[str, str | None]
    office: str
    book_no: str
    entry_no: str | None

    def get(self, attribute: str) -> str | None:
        return self.values.get(f"{self.role}.{attribute}")


def normalise_name(name: str) -> str:
    """A name as stored: NFC, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def find_persons(
    session: Session,
    *,
    personal_id: str | None = None,
    full_name: str | None = None,
    date_of_birth: str | None = None,
    kinds: tuple[RegisterType, ...] = (RegisterType.BIRTH, RegisterType.DEATH),
    limit: int = MAX_HITS,
) -> list[PersonHit]:
    """Persons on final records by personal number, or by full name and ISO date of birth:
    for each kind and role in turn, up to ``limit`` records in record order; the first
    ``limit`` of all. One round trip whatever the kinds: the records with their values."""
    if personal_id is None and not (full_name and date_of_birth):
        raise ValueError("a personal number, or a full name and a date of birth, is needed")
    pairs = _pairs(kinds)
    wanted = personal_id if personal_id is not None else normalise_name(full_name or "")
    rows = session.connection().execute(  # Core: no ORM layer to go through
        _found_statement(kinds, personal_id is not None),
        {"wanted": wanted, "born": date_of_birth, "limit": limit},
    )
    values: dict[tuple[int, int], dict[str, str | None]] = {}
    where: dict[int, tuple[str, str, str | None]] = {}
    for pair, record_id, key, value, office, book_no, entry_no in rows:
        values.setdefault((int(pair), int(record_id)), {})[key] = value
        where[int(record_id)] = (office, book_no, entry_no)
    hits = []
    for pair, rid in sorted(values)[:limit]:
        kind, role = pairs[pair]
        office, book_no, entry_no = where[rid]
        hits.append(PersonHit(rid, kind, role, values[(pair, rid)], office, book_no, entry_no))
    return hits


def _pairs(kinds: tuple[RegisterType, ...]) -> list[tuple[RegisterType, str]]:
    return [(kind, role) for kind in kinds for role in ROLES[kind]]


@cache
def _records_statement(
    kinds: tuple[RegisterType, ...], by_number: bool
) -> sa.Select[Any] | sa.CompoundSelect[Any]:
    """For each (kind, role): up to ``:limit`` final records whose role has ``:wanted`` as its
    personal number (or full name, and ``:born`` as date of birth), in record order. Built
    once per shape (building it costs more than running it)."""
    parts = []
    for i, (kind, role) in enumerate(_pairs(kinds)):
        key = f"{role}.personal_id" if by_number else f"{role}.full_name"
        match = aliased(FieldValueRow)
        stmt = (
            sa.select(sa.literal(i).label("pair"), Record.id.label("record_id"))
            .join(match, match.record_id == Record.id)
            .join(Book, Book.id == Record.book_id)
            .where(
                match.key == key,
                match.value == sa.bindparam("wanted", type_=sa.Text()),
                Book.register_type == kind,
                Record.final_at.is_not(None),
                Record.superseded_at.is_(None),
            )
        )
        if not by_number:
            born = aliased(FieldValueRow)
            stmt = stmt.join(born, born.record_id == Record.id).where(
                born.key == f"{role}.date_of_birth",
                born.value == sa.bindparam("born", type_=sa.Text()),
            )
        limited = stmt.order_by(Record.id).limit(sa.bindparam("limit", type_=sa.Integer()))
        parts.append(sa.select(limited.subquery()))
    return sa.union_all(*parts) if len(parts) > 1 else parts[0]


@cache
def _found_statement(kinds: tuple[RegisterType, ...], by_number: bool) -> sa.Executable:
    """:func:`_records_statement`'s records (with their pair), each with all its values and
    where it is registered (office, book, entry): one row a value."""
    found = _records_statement(kinds, by_number).subquery()
    return (
        sa.select(
            found.c.pair,
            FieldValueRow.record_id,
            FieldValueRow.key,
            FieldValueRow.value,
            Book.registration_authority,
            Book.book_no,
            Record.entry_no,
        )
        .select_from(found)
        .join(FieldValueRow, FieldValueRow.record_id == found.c.record_id)
        .join(Record, Record.id == found.c.record_id)
        .join(Book, Book.id == Record.book_id)
    )
