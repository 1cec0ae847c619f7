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
    """Persons on final records by personal number, or by full name and ISO date of birth."""
    if personal_id is None and not (full_name and date_of_birth):
        raise ValueError("a personal number, or a full name and a date of birth, is needed")
    hits: list[PersonHit] = []
    for kind in kinds:
        for role in ROLES[kind]:
            key = f"{role}.personal_id" if personal_id is not None else f"{role}.full_name"
            wanted = personal_id if personal_id is not None else normalise_name(full_name or "")
            match = aliased(FieldValueRow)
            stmt = (
                sa.select(Record.id)
                .join(match, match.record_id == Record.id)
                .join(Book, Book.id == Record.book_id)
                .where(
                    match.key == key,
                    match.value == wanted,
                    Book.register_type == kind,
                    Record.final_at.is_not(None),
                    Record.superseded_at.is_(None),
                )
            )
            if personal_id is None:
                born = aliased(FieldValueRow)
                stmt = stmt.join(born, born.record_id == Record.id).where(
                    born.key == f"{role}.date_of_birth", born.value == date_of_birth
                )
            ids = list(session.scalars(stmt.order_by(Record.id).limit(limit)))
            hits += _hits(session, ids, kind, role)
    return hits[:limit]


def _hits(session: Session, ids: list[int], kind: RegisterType, role: str) -> list[PersonHit]:
    if not ids:
        return []
    values: dict[int, dict[str, str | None]] = {i: {} for i in ids}
    for record_id, key, value in session.execute(
        sa.select(FieldValueRow.record_id, FieldValueRow.key, FieldValueRow.value).where(
            FieldValueRow.record_id.in_(ids)
        )
    ):
        values[record_id][key] = value
    where = {
        rid: (office, book_no, entry_no)
        for rid, office, book_no, entry_no in session.execute(
            sa.select(Record.id, Book.registration_authority, Book.book_no, Record.entry_no)
            .join(Book, Book.id == Record.book_id)
            .where(Record.id.in_(ids))
        )
    }
    return [PersonHit(i, kind, role, values[i], where[i][0], where[i][1], where[i][2]) for i in ids]
