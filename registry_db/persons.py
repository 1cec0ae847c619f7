"""Persons, events, person mentions and the links between them (issue 4).

The registry knows people, not only pages. The model, said once:

- an :class:`Event` is one record seen as what happened (a birth, a marriage, a death);
- a :class:`PersonMention` is one person as one record names them, in one role (the child, the
  mother, the wife, the deceased, the declarant …). Its values are copies of the record's field
  values, and :class:`MentionField` rows point to those field values (so to page and box);
- a :class:`Person` is who the mentions are about. A mention points to its person
  (``person_mention.person_id``); the person's own values (name, date of birth, sex …) are chosen
  from its mentions and ``person.sources`` names the field value each came from;
- a :class:`Relationship` (``parent_of``, ``spouse_of``) joins two mentions of one event; the
  persons related are the persons of those mentions, whatever linkage later decides;
- every change of a mention's person is a :class:`MentionLinkEvent` (who or what, when, why, the
  match weight), append-only: a link is undone by another event, never by deleting. Persons are
  never deleted or merged: a person left without mentions stays, with ``mention_count`` 0;
- :class:`LinkReview` is the clerical review queue: pairs of mentions between the two linkage
  thresholds, with the weight of each comparison.

The functions here are plain database work: building mentions from records
(:func:`sync_mentions`), reading them for linkage (:func:`mention_table_rows`) and writing a
linkage run's decisions (:func:`apply_linkage`). Running the linkage itself is
:mod:`flows.link`'s job. Messages and logs name ids, books and entries, never personal data.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from civreg_cli.errors import DatabaseError
from extraction.text import is_blank, name_key
from extraction.types import RegisterType
from registry_db.models import (
    Base,
    BigId,
    Book,
    FieldValueRow,
    JSONType,
    Record,
    StrEnumType,
    TimestampMixin,
    UTCDateTime,
    _enum_check,
    utcnow,
)

PIPELINE_LINKER = "linkage:registry"  # ``by`` of the links the pipeline makes
CHUNK = 5000  # rows per bulk statement


class EventKind(StrEnum):
    BIRTH = "birth"
    MARRIAGE = "marriage"
    DEATH = "death"


class Role(StrEnum):
    CHILD = "child"
    MOTHER = "mother"
    FATHER = "father"
    WIFE = "wife"
    HUSBAND = "husband"
    DECEASED = "deceased"
    DECLARANT = "declarant"


class RelationKind(StrEnum):
    PARENT_OF = "parent_of"  # subject is a parent of object
    SPOUSE_OF = "spouse_of"  # subject (wife) married object (husband)


class ReviewState(StrEnum):
    OPEN = "open"
    SAME = "same"  # a person decided: the same person
    DIFFERENT = "different"  # a person decided: two people
    WITHDRAWN = "withdrawn"  # a later run no longer queues the pair


# --- schema --------------------------------------------------------------------------------------


class Person(TimestampMixin, Base):
    """A person the registry knows. Values are chosen from the person's mentions;
    ``sources`` maps each value's name to the id of the field value it came from.

    ``founding_mention_id`` is the mention the person was created for: unique, so two linkers
    working at once can never create the same person twice.
    """

    __tablename__ = "person"
    __table_args__ = (
        sa.Index(None, "personal_id"),
        sa.Index(None, "birth_year"),
        # Trigram index on PostgreSQL (pg_trgm, created by migration 0003); a plain index
        # elsewhere.
        sa.Index(
            "ix_person_name_folded",
            "name_folded",
            postgresql_using="gin",
            postgresql_ops={"name_folded": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    founding_mention_id: Mapped[int] = mapped_column(sa.BigInteger, unique=True)
    personal_id: Mapped[str | None] = mapped_column(sa.String(32))
    full_name: Mapped[str | None] = mapped_column(sa.Text)  # as written in the chosen mention
    name_key: Mapped[str | None] = mapped_column(sa.Text)  # accents kept, tone marks unified
    name_folded: Mapped[str | None] = mapped_column(sa.String(255))  # accents folded
    date_of_birth: Mapped[date | None] = mapped_column(sa.Date)
    birth_year: Mapped[int | None] = mapped_column(sa.Integer)
    sex: Mapped[str | None] = mapped_column(sa.String(8))
    ethnicity: Mapped[str | None] = mapped_column(sa.String(64))
    nationality: Mapped[str | None] = mapped_column(sa.String(64))
    sources: Mapped[dict[str, int]] = mapped_column(JSONType)
    mention_count: Mapped[int] = mapped_column(sa.Integer, default=0)

    def __repr__(self) -> str:
        return f"<Person id={self.id} mentions={self.mention_count}>"


class Event(Base):
    """One record seen as an event. ``event_date``: the birth, the marriage (its registration)
    or the death."""

    __tablename__ = "event"
    __table_args__ = (
        sa.Index(None, "book_id"),
        _enum_check("kind", EventKind, "kind"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("record.id"), unique=True)
    book_id: Mapped[int] = mapped_column(sa.ForeignKey("book.id"))
    kind: Mapped[EventKind] = mapped_column(StrEnumType(EventKind))
    event_date: Mapped[date | None] = mapped_column(sa.Date)
    registration_date: Mapped[date | None] = mapped_column(sa.Date)


class PersonMention(Base):
    """One person named in one record, in one role: the values the record gives, the keys
    linkage compares, and the person linked to (``None`` until a linkage run).

    ``pinned_by``: a person decided this link (review), and linkage runs leave it alone.
    """

    __tablename__ = "person_mention"
    __table_args__ = (
        sa.UniqueConstraint("record_id", "role"),
        sa.Index(None, "person_id"),
        sa.Index(None, "event_id"),
        sa.Index(None, "personal_id"),
        sa.Index(None, "birth_year"),
        sa.Index(
            "ix_person_mention_name_folded",
            "name_folded",
            postgresql_using="gin",
            postgresql_ops={"name_folded": "gin_trgm_ops"},
        ),
        _enum_check("role", Role, "role"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("record.id"))
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id"))
    role: Mapped[Role] = mapped_column(StrEnumType(Role))
    full_name: Mapped[str | None] = mapped_column(sa.Text)
    name_key: Mapped[str | None] = mapped_column(sa.Text)
    name_folded: Mapped[str | None] = mapped_column(sa.String(255))
    date_of_birth: Mapped[date | None] = mapped_column(sa.Date)
    birth_year: Mapped[int | None] = mapped_column(sa.Integer)
    sex: Mapped[str | None] = mapped_column(sa.String(8))
    ethnicity: Mapped[str | None] = mapped_column(sa.String(64))
    nationality: Mapped[str | None] = mapped_column(sa.String(64))
    personal_id: Mapped[str | None] = mapped_column(sa.String(32))
    place: Mapped[str | None] = mapped_column(sa.Text)
    spouse_name: Mapped[str | None] = mapped_column(sa.Text)
    father_name: Mapped[str | None] = mapped_column(sa.Text)
    mother_name: Mapped[str | None] = mapped_column(sa.Text)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    link_weight: Mapped[float | None] = mapped_column(sa.Float)
    pinned_by: Mapped[str | None] = mapped_column(sa.String(128))
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=sa.func.now()
    )


class MentionField(Base):
    """Which field value a mention's value came from (``attribute``: ``full_name``,
    ``date_of_birth``, ``birth_year``, ``sex``, …)."""

    __tablename__ = "mention_field"
    __table_args__ = (
        sa.UniqueConstraint("mention_id", "attribute"),
        sa.Index(None, "field_value_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    mention_id: Mapped[int] = mapped_column(sa.ForeignKey("person_mention.id"))
    attribute: Mapped[str] = mapped_column(sa.String(32))
    field_value_id: Mapped[int] = mapped_column(sa.ForeignKey("field_value.id"))


class Relationship(Base):
    """``subject`` is ``kind`` of ``object`` (both mentions of the one event it comes from)."""

    __tablename__ = "relationship"
    __table_args__ = (
        sa.UniqueConstraint("kind", "subject_mention_id", "object_mention_id"),
        sa.Index(None, "object_mention_id"),
        sa.Index(None, "event_id"),
        _enum_check("kind", RelationKind, "kind"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[RelationKind] = mapped_column(StrEnumType(RelationKind))
    subject_mention_id: Mapped[int] = mapped_column(sa.ForeignKey("person_mention.id"))
    object_mention_id: Mapped[int] = mapped_column(sa.ForeignKey("person_mention.id"))
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id"))


class MentionLinkEvent(Base):
    """One change of a mention's person: append-only, the audit and the way back."""

    __tablename__ = "mention_link_event"
    __table_args__ = (sa.Index(None, "mention_id"), sa.Index(None, "person_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    mention_id: Mapped[int] = mapped_column(sa.ForeignKey("person_mention.id"))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    previous_person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    by: Mapped[str] = mapped_column(sa.String(128))  # user name, or linkage:registry
    reason: Mapped[str] = mapped_column(sa.Text)
    match_weight: Mapped[float | None] = mapped_column(sa.Float)
    at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=sa.func.now()
    )


class LinkReview(Base):
    """A pair of mentions for clerical review (``mention_a_id`` < ``mention_b_id``)."""

    __tablename__ = "link_review"
    __table_args__ = (
        sa.UniqueConstraint("mention_a_id", "mention_b_id"),
        sa.Index(None, "state"),
        _enum_check("state", ReviewState, "state"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    mention_a_id: Mapped[int] = mapped_column(sa.ForeignKey("person_mention.id"))
    mention_b_id: Mapped[int] = mapped_column(sa.ForeignKey("person_mention.id"))
    match_weight: Mapped[float] = mapped_column(sa.Float)
    weights: Mapped[dict[str, float]] = mapped_column(JSONType)  # each comparison's bits
    reason: Mapped[str | None] = mapped_column(sa.String(128))
    state: Mapped[ReviewState] = mapped_column(StrEnumType(ReviewState), default=ReviewState.OPEN)
    queued_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=sa.func.now()
    )
    decided_by: Mapped[str | None] = mapped_column(sa.String(128))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# --- mentions from records -----------------------------------------------------------------------

# role → attribute → field key; "sex" may be a constant ("=Nữ"), the role's sex by definition.
ROLE_FIELDS: dict[RegisterType, dict[Role, dict[str, str]]] = {
    RegisterType.BIRTH: {
        Role.CHILD: {
            "full_name": "child.full_name",
            "date_of_birth": "child.date_of_birth",
            "sex": "child.sex",
            "ethnicity": "child.ethnicity",
            "nationality": "child.nationality",
            "personal_id": "child.personal_id",
        },
        Role.MOTHER: {
            "full_name": "mother.full_name",
            "birth_year": "mother.birth_year",
            "sex": "=Nữ",
            "ethnicity": "mother.ethnicity",
            "nationality": "mother.nationality",
            "place": "mother.residence",
        },
        Role.FATHER: {
            "full_name": "father.full_name",
            "birth_year": "father.birth_year",
            "sex": "=Nam",
            "ethnicity": "father.ethnicity",
            "nationality": "father.nationality",
            "place": "father.residence",
        },
        Role.DECLARANT: {
            "full_name": "declarant.full_name",
            "personal_id": "declarant.id_doc_no",
        },
    },
    RegisterType.MARRIAGE: {
        Role.WIFE: {
            "full_name": "wife.full_name",
            "date_of_birth": "wife.date_of_birth",
            "sex": "=Nữ",
            "ethnicity": "wife.ethnicity",
            "nationality": "wife.nationality",
            "place": "wife.residence",
            "personal_id": "wife.id_doc_no",
        },
        Role.HUSBAND: {
            "full_name": "husband.full_name",
            "date_of_birth": "husband.date_of_birth",
            "sex": "=Nam",
            "ethnicity": "husband.ethnicity",
            "nationality": "husband.nationality",
            "place": "husband.residence",
            "personal_id": "husband.id_doc_no",
        },
    },
    RegisterType.DEATH: {
        Role.DECEASED: {
            "full_name": "deceased.full_name",
            "date_of_birth": "deceased.date_of_birth",
            "sex": "deceased.sex",
            "ethnicity": "deceased.ethnicity",
            "nationality": "deceased.nationality",
            "personal_id": "deceased.personal_id",
            "place": "deceased.residence",
        },
        Role.DECLARANT: {
            "full_name": "declarant.full_name",
            "personal_id": "declarant.id_doc_no",
        },
    },
}
EVENT_DATE_KEY: dict[RegisterType, str] = {
    RegisterType.BIRTH: "child.date_of_birth",
    RegisterType.MARRIAGE: "registration_date",
    RegisterType.DEATH: "death.date",
}
# In a birth record the child's place is its parents' residence (as in linkage.population).
CHILD_PLACE_KEYS = ("mother.residence", "father.residence")
NEEDED_KEYS: frozenset[str] = frozenset(
    {
        "registration_date",
        *EVENT_DATE_KEY.values(),
        *CHILD_PLACE_KEYS,
        *(k for roles in ROLE_FIELDS.values() for fs in roles.values() for k in fs.values()),
    }
    - {"=Nam", "=Nữ"}
)
VALUE_COLUMNS: tuple[str, ...] = (
    "full_name",
    "name_key",
    "name_folded",
    "date_of_birth",
    "birth_year",
    "sex",
    "ethnicity",
    "nationality",
    "personal_id",
    "place",
    "spouse_name",
    "father_name",
    "mother_name",
)
_PID_RE = re.compile(r"^\d{12}$")
_YEAR_RE = re.compile(r"^(\d{4})")


def _iso_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _year(value: str | None) -> int | None:
    m = _YEAR_RE.match(value.strip()) if value else None
    return int(m.group(1)) if m and 1800 <= int(m.group(1)) <= 2200 else None


def _clean(value: str | None, limit: int | None = None) -> str | None:
    if value is None or is_blank(value):
        return None
    v = value.strip()
    return v[:limit] if limit else v


@dataclass
class _Mention:
    record_id: int
    role: Role
    values: dict[str, Any]
    fields: dict[str, int]  # attribute → field_value id


def _record_mentions(
    register_type: RegisterType, record_id: int, fv: Mapping[str, tuple[int, str | None]]
) -> list[_Mention]:
    """The mentions of one record (``fv``: key → (field id, value)); a role without a name is
    no mention."""
    roles = ROLE_FIELDS[register_type]
    names = {role: _clean(fv.get(keys["full_name"], (0, None))[1]) for role, keys in roles.items()}
    out: list[_Mention] = []
    for role, keys in roles.items():
        name = names[role]
        if name is None:
            continue
        values: dict[str, Any] = dict.fromkeys(VALUE_COLUMNS)
        fields: dict[str, int] = {}
        for attribute, key in keys.items():
            if key.startswith("="):
                values[attribute] = key[1:]
                continue
            fid, raw = fv.get(key, (0, None))
            value = _clean(raw)
            if value is None:
                continue
            if attribute == "date_of_birth":
                parsed = _iso_date(value)
                values["birth_year"] = parsed.year if parsed else _year(value)
                values["date_of_birth"] = parsed
            elif attribute == "birth_year":
                values["birth_year"] = _year(value)
            elif attribute == "personal_id":
                digits = re.sub(r"\D", "", value)
                if not _PID_RE.match(digits):  # a 9-digit card or a passport is no person number
                    continue
                values["personal_id"] = digits
            elif attribute in ("sex", "ethnicity", "nationality"):
                values[attribute] = value[:64]
            else:
                values[attribute] = value
            fields[attribute] = fid
        if role is Role.CHILD:
            for key in CHILD_PLACE_KEYS:
                place = _clean(fv.get(key, (0, None))[1])
                if place is not None:
                    values["place"] = place
                    break
        values["name_key"] = name_key(name) or None
        values["name_folded"] = (name_key(name, fold=True) or "")[:255] or None
        out.append(_Mention(record_id, role, values, fields))
    by_role = {m.role: m for m in out}

    def name_of(role: Role) -> str | None:
        m = by_role.get(role)
        return str(m.values["full_name"]) if m else None

    for m in out:
        if m.role is Role.CHILD:
            m.values["father_name"], m.values["mother_name"] = (
                name_of(Role.FATHER),
                name_of(Role.MOTHER),
            )
        elif m.role in (Role.MOTHER, Role.FATHER):
            m.values["spouse_name"] = name_of(Role.FATHER if m.role is Role.MOTHER else Role.MOTHER)
        elif m.role in (Role.WIFE, Role.HUSBAND):
            m.values["spouse_name"] = name_of(Role.HUSBAND if m.role is Role.WIFE else Role.WIFE)
    return out


def _insert_ignore(
    session: Session, table: sa.Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> None:
    """Bulk INSERT … ON CONFLICT DO NOTHING (a row another loader inserted first is kept)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table).on_conflict_do_nothing(index_elements=list(keys))
    for i in range(0, len(rows), CHUNK):
        session.execute(stmt, list(rows[i : i + CHUNK]))


def _scope(book_id: int | None) -> sa.ColumnElement[bool]:
    current = Record.superseded_at.is_(None)
    return current if book_id is None else sa.and_(current, Record.book_id == book_id)


@dataclass
class SyncSummary:
    records: int = 0
    events_new: int = 0
    mentions: int = 0
    mentions_new: int = 0
    mentions_changed: int = 0
    relationships: int = 0


def sync_mentions(session: Session, *, book_id: int | None = None) -> SyncSummary:
    """Build (or bring up to date) the events, mentions and relationships of the current
    records of one book (or of every book). Idempotent: running it again changes nothing; a
    field a reviewer corrected since updates its mention's values. Bulk inserts throughout."""

    def work() -> SyncSummary:
        out = SyncSummary()
        rows = session.execute(
            sa.select(
                Record.id,
                Record.book_id,
                Book.register_type,
                FieldValueRow.id,
                FieldValueRow.key,
                FieldValueRow.value,
            )
            .join(Book, Book.id == Record.book_id)
            .join(FieldValueRow, FieldValueRow.record_id == Record.id)
            .where(_scope(book_id), FieldValueRow.key.in_(sorted(NEEDED_KEYS)))
            .order_by(Record.id)
        )
        per_record: dict[int, dict[str, tuple[int, str | None]]] = defaultdict(dict)
        meta: dict[int, tuple[int, RegisterType]] = {}
        for record_id, rec_book_id, rtype, fid, key, value in rows:
            per_record[record_id][key] = (fid, value)
            meta[record_id] = (rec_book_id, RegisterType(rtype))
        out.records = len(meta)
        if not meta:
            return out

        # events
        existing_events = _events_of(session, list(meta))
        new_events = []
        for record_id, (rec_book_id, rtype) in meta.items():
            if record_id in existing_events:
                continue
            fv = per_record[record_id]
            new_events.append(
                {
                    "record_id": record_id,
                    "book_id": rec_book_id,
                    "kind": rtype.value,
                    "event_date": _iso_date(fv.get(EVENT_DATE_KEY[rtype], (0, None))[1]),
                    "registration_date": _iso_date(fv.get("registration_date", (0, None))[1]),
                }
            )
        _insert_ignore(session, Event.__table__, new_events, ["record_id"])  # type: ignore[arg-type]
        out.events_new = len(new_events)
        events = _events_of(session, list(meta))

        # mentions
        wanted = [
            m
            for record_id, (_b, rtype) in meta.items()
            for m in _record_mentions(rtype, record_id, per_record[record_id])
        ]
        out.mentions = len(wanted)
        stored = _mentions_of(session, list(meta))
        inserts, updates = [], []
        changed_persons: set[int | None] = set()
        for m in wanted:
            have = stored.get((m.record_id, m.role))
            if have is None:
                inserts.append(
                    {
                        "record_id": m.record_id,
                        "event_id": events[m.record_id],
                        "role": m.role.value,
                        **m.values,
                    }
                )
            elif any(have[c] != m.values[c] for c in VALUE_COLUMNS):
                updates.append({"id": have["id"], **m.values})
                changed_persons.add(have["person_id"])
        _insert_ignore(session, PersonMention.__table__, inserts, ["record_id", "role"])  # type: ignore[arg-type]
        for i in range(0, len(updates), CHUNK):
            session.execute(sa.update(PersonMention), updates[i : i + CHUNK])
        out.mentions_new, out.mentions_changed = len(inserts), len(updates)
        # a corrected field changes its person's values too
        refresh_persons(session, {p for p in changed_persons if p is not None})
        ids = {k: v["id"] for k, v in _mentions_of(session, list(meta)).items()}

        # provenance: which field value each mention value came from
        links = [
            {"mention_id": ids[(m.record_id, m.role)], "attribute": a, "field_value_id": fid}
            for m in wanted
            for a, fid in m.fields.items()
        ]
        _insert_ignore(session, MentionField.__table__, links, ["mention_id", "attribute"])  # type: ignore[arg-type]

        # relationships within each event
        rels = []
        for record_id, (_b, rtype) in meta.items():
            event_id = events[record_id]

            def mid(role: Role, record_id: int = record_id) -> int | None:
                return ids.get((record_id, role))

            if rtype is RegisterType.BIRTH:
                child = mid(Role.CHILD)
                for parent in (mid(Role.MOTHER), mid(Role.FATHER)):
                    if child is not None and parent is not None:
                        rels.append((RelationKind.PARENT_OF, parent, child, event_id))
            elif rtype is RegisterType.MARRIAGE:
                wife, husband = mid(Role.WIFE), mid(Role.HUSBAND)
                if wife is not None and husband is not None:
                    rels.append((RelationKind.SPOUSE_OF, wife, husband, event_id))
        _insert_ignore(
            session,
            Relationship.__table__,  # type: ignore[arg-type]
            [
                {
                    "kind": k.value,
                    "subject_mention_id": s,
                    "object_mention_id": o,
                    "event_id": e,
                }
                for k, s, o, e in rels
            ],
            ["kind", "subject_mention_id", "object_mention_id"],
        )
        out.relationships = len(rels)
        return out

    return _write(session, "build the person mentions", work)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _events_of(session: Session, record_ids: Sequence[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for part in _chunks(record_ids):
        out.update(
            session.execute(
                sa.select(Event.record_id, Event.id).where(Event.record_id.in_(part))
            ).all()
        )
    return out


def _mentions_of(
    session: Session, record_ids: Sequence[int]
) -> dict[tuple[int, Role], dict[str, Any]]:
    cols = [
        PersonMention.id,
        PersonMention.record_id,
        PersonMention.role,
        PersonMention.person_id,
    ] + [getattr(PersonMention, c) for c in VALUE_COLUMNS]
    out: dict[tuple[int, Role], dict[str, Any]] = {}
    for part in _chunks(record_ids):
        for row in session.execute(sa.select(*cols).where(PersonMention.record_id.in_(part))):
            d = row._asdict()
            out[(d["record_id"], Role(d["role"]))] = d
    return out


# --- linkage input -------------------------------------------------------------------------------

LINKAGE_COLUMNS: tuple[str, ...] = (
    "full_name",
    "date_of_birth",
    "birth_year",
    "sex",
    "personal_id",
    "place",
    "spouse_name",
    "father_name",
    "mother_name",
)


@dataclass
class MentionTable:
    """The linkage input read from the registry: one row per current mention."""

    rows: list[dict[str, Any]]  # mention_id, record_id, role + LINKAGE_COLUMNS, as text
    followers: dict[int, int]  # declarant mention → the parent mention of its record it names


def mention_table_rows(session: Session) -> MentionTable:
    """Every mention of a current record, as the linkage package's mention table.

    A declarant whose name is the name of the record's mother or father is that parent: it is
    not linked on its own but follows the parent's mention (``followers``).
    """
    m = PersonMention
    stmt = (
        sa.select(
            m.id,
            m.record_id,
            m.role,
            m.name_key,
            *(getattr(m, c) for c in LINKAGE_COLUMNS),
        )
        .join(Record, Record.id == m.record_id)
        .where(Record.superseded_at.is_(None))
        .order_by(m.id)
    )
    rows: list[dict[str, Any]] = []
    parents: dict[tuple[int, str], int] = {}
    declarants: list[tuple[int, int, str | None]] = []
    for r in session.execute(stmt).mappings():
        role = Role(r["role"])
        if role in (Role.MOTHER, Role.FATHER) and r["name_key"]:
            parents.setdefault((r["record_id"], r["name_key"]), r["id"])
        if role is Role.DECLARANT:
            declarants.append((r["id"], r["record_id"], r["name_key"]))
        # record and role carry the same-record and born-once / dies-once rules into linkage
        row = {"mention_id": str(r["id"]), "record_id": str(r["record_id"]), "role": role.value}
        for c in LINKAGE_COLUMNS:
            v = r[c]
            row[c] = "" if v is None else v.isoformat() if isinstance(v, date) else str(v)
        rows.append(row)
    followers = {
        mid: parents[(rid, key)] for mid, rid, key in declarants if key and (rid, key) in parents
    }
    if followers:
        rows = [r for r in rows if int(r["mention_id"]) not in followers]
    return MentionTable(rows=rows, followers=followers)


# --- writing a linkage run -----------------------------------------------------------------------


@dataclass
class ReviewPair:
    mention_a: int
    mention_b: int
    match_weight: float
    weights: dict[str, float]
    reason: str | None = None


@dataclass
class LinkSummary:
    mentions: int = 0
    persons: int = 0  # persons with at least one mention after the run
    persons_new: int = 0
    links_changed: int = 0
    review_open: int = 0
    pinned: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


T = TypeVar("T")


def _write(session: Session, what: str, work: Callable[[], T]) -> T:
    """:func:`registry_db.repository._write` (imported late: ``registry_db.models`` imports this
    module, so that the metadata knows these tables, before the repository exists)."""
    from registry_db.repository import _write as write

    return write(session, what, work)


_LOCK_KEY = zlib.crc32(b"civreg.link")  # the advisory lock of linkage writers (PostgreSQL)


def _take_link_lock(session: Session) -> None:
    """One linkage writer at a time: an advisory lock held to the end of the transaction on
    PostgreSQL (SQLite's single write lock is taken by ``_write``)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))


def apply_linkage(
    session: Session,
    clusters: Mapping[int, str],
    *,
    weights: Mapping[int, float],
    review: Sequence[ReviewPair],
    followers: Mapping[int, int] | None = None,
    by: str = PIPELINE_LINKER,
) -> LinkSummary:
    """Write a linkage run: each mention's person, the audit of every change, the review queue,
    and the persons' values.

    ``clusters`` maps mention id → cluster label (mentions with one label are one person);
    ``weights`` the strongest linked weight of each mention; ``followers`` mentions that take
    the person of another mention (a declarant who is the record's parent).

    Stable and idempotent: a cluster keeps the person most of its mentions already have (a new
    person is created only for a cluster with none), so running it again with the same clusters
    changes nothing. Mentions a person pinned are never moved. Runs under a lock so two linkers
    at once never create one person twice (``person.founding_mention_id`` is unique as well).
    """
    follow = dict(followers or {})

    def work() -> LinkSummary:
        _take_link_lock(session)
        out = LinkSummary()
        state = {
            mid: (pid, pinned)
            for mid, pid, pinned in session.execute(
                sa.select(PersonMention.id, PersonMention.person_id, PersonMention.pinned_by)
            ).all()
        }
        founders = dict(session.execute(sa.select(Person.founding_mention_id, Person.id)).all())
        groups: dict[str, list[int]] = defaultdict(list)
        for mid, label in clusters.items():
            if mid in state:
                groups[label].append(mid)
        # biggest clusters choose their person first
        order = sorted(groups.values(), key=lambda ms: (-len(ms), min(ms)))
        taken: set[int] = set()
        target: dict[int, int] = {}  # mention → person (existing)
        to_create: list[list[int]] = []
        for members in order:
            votes = Counter(state[m][0] for m in members if state[m][0] is not None)
            for m in members:
                if m in founders:
                    votes[founders[m]] += 0  # a person founded here is a candidate
            choice = next(
                (p for p, _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
                 if p not in taken),
                None,
            )  # fmt: skip
            if choice is None:
                to_create.append(members)
                continue
            taken.add(choice)
            for m in members:
                target[m] = choice
        # new persons, founded by their cluster's first mention not founding another person
        spare = min(min(founders, default=0), 0)  # ids for clusters with no free mention
        founded: list[tuple[int, list[int]]] = []
        for members in to_create:
            founder = next((m for m in sorted(members) if m not in founders), None)
            if founder is None:  # its mentions founded persons now kept by other clusters
                spare -= 1
                founder = spare
            founders[founder] = 0
            founded.append((founder, members))
        made = _insert_persons(session, [f for f, _ in founded])
        for founder, members in founded:
            for m in members:
                target[m] = made[founder]
        out.persons_new = len(founded)
        for m, leader in follow.items():
            if m in state and leader in target:
                target[m] = target[leader]

        changes: list[dict[str, Any]] = []
        audit: list[dict[str, Any]] = []
        touched: set[int] = set()
        now = utcnow()
        for m, person_id in target.items():
            old, pinned = state[m]
            if pinned:
                out.pinned += 1
                continue
            weight = weights.get(m)
            if m in follow:
                weight = weights.get(follow[m])
            if old == person_id:
                continue
            changes.append({"id": m, "person_id": person_id, "link_weight": weight})
            reason = (
                "declarant named as a parent in the same record"
                if m in follow
                else "linked"
                if weight is not None
                else "no link: a person of its own"
            )
            if old is not None:
                reason += " (moved by a later linkage run)"
            audit.append(
                {
                    "mention_id": m,
                    "person_id": person_id,
                    "previous_person_id": old,
                    "by": by,
                    "reason": reason,
                    "match_weight": weight,
                    "at": now,
                }
            )
            touched.update(p for p in (old, person_id) if p is not None)
        for i in range(0, len(changes), CHUNK):
            session.execute(sa.update(PersonMention), changes[i : i + CHUNK])
        for i in range(0, len(audit), CHUNK):
            session.execute(sa.insert(MentionLinkEvent), audit[i : i + CHUNK])
        out.links_changed = len(changes)
        refresh_persons(session, touched)
        out.review_open = _write_review(session, review, set(state))
        out.mentions = len(state)
        out.persons = (
            session.scalar(sa.select(sa.func.count()).where(Person.mention_count > 0)) or 0
        )
        return out

    return _write(session, "write the linkage run", work)


def _insert_persons(session: Session, founders: Sequence[int]) -> dict[int, int]:
    """Bulk INSERT of new (empty) persons; returns founding mention id → person id."""
    out: dict[int, int] = {}
    now = utcnow()
    for i in range(0, len(founders), CHUNK):
        rows = [
            {
                "founding_mention_id": f,
                "sources": {},
                "mention_count": 0,
                "created_at": now,
                "updated_at": now,
            }
            for f in founders[i : i + CHUNK]
        ]
        stmt = sa.insert(Person).returning(Person.founding_mention_id, Person.id)
        out.update((f, pid) for f, pid in session.execute(stmt, rows))
    return out


def _write_review(session: Session, review: Sequence[ReviewPair], known: set[int]) -> int:
    """Queue this run's review pairs; open pairs no longer queued are withdrawn. Pairs a person
    already decided stay as they are."""
    pairs = {}
    for p in review:
        a, b = sorted((p.mention_a, p.mention_b))
        if a in known and b in known:
            pairs[(a, b)] = p
    stored = {
        (a, b): (rid, state)
        for rid, a, b, state in session.execute(
            sa.select(
                LinkReview.id, LinkReview.mention_a_id, LinkReview.mention_b_id, LinkReview.state
            )
        ).all()
    }
    new = [
        {
            "mention_a_id": a,
            "mention_b_id": b,
            "match_weight": p.match_weight,
            "weights": p.weights,
            "reason": p.reason or None,
            "state": ReviewState.OPEN.value,
        }
        for (a, b), p in pairs.items()
        if (a, b) not in stored
    ]
    _insert_ignore(session, LinkReview.__table__, new, ["mention_a_id", "mention_b_id"])  # type: ignore[arg-type]
    withdraw = [
        {"id": rid, "state": ReviewState.WITHDRAWN.value}
        for key, (rid, state) in stored.items()
        if state == ReviewState.OPEN and key not in pairs
    ]
    reopen = [
        {"id": rid, "state": ReviewState.OPEN.value}
        for key, (rid, state) in stored.items()
        if state == ReviewState.WITHDRAWN and key in pairs
    ]
    for batch in (withdraw, reopen):
        for i in range(0, len(batch), CHUNK):
            session.execute(sa.update(LinkReview), batch[i : i + CHUNK])
    return (
        session.scalar(sa.select(sa.func.count()).where(LinkReview.state == ReviewState.OPEN.value))
        or 0
    )


# role order when choosing a person's values: their own event first
_ROLE_RANK = {
    Role.CHILD: 0,
    Role.DECEASED: 1,
    Role.WIFE: 2,
    Role.HUSBAND: 2,
    Role.MOTHER: 3,
    Role.FATHER: 3,
    Role.DECLARANT: 4,
}


def refresh_persons(session: Session, person_ids: Iterable[int]) -> None:
    """Recompute the values of these persons from their mentions (most frequent value, a
    person's own event first on ties) and where each came from (``sources``)."""
    ids = sorted(set(person_ids))
    for part in _chunks(ids):
        mentions: dict[int, list[dict[str, Any]]] = defaultdict(list)
        m = PersonMention
        for row in session.execute(
            sa.select(m.id, m.person_id, m.role, *(getattr(m, c) for c in VALUE_COLUMNS))
            .where(m.person_id.in_(part))
            .order_by(m.id)
        ).mappings():
            mentions[row["person_id"]].append(dict(row))
        fields: dict[int, dict[str, int]] = defaultdict(dict)
        mids = [r["id"] for rs in mentions.values() for r in rs]
        for sub in _chunks(mids):
            for mid, attribute, fid in session.execute(
                sa.select(
                    MentionField.mention_id, MentionField.attribute, MentionField.field_value_id
                ).where(MentionField.mention_id.in_(sub))
            ).all():
                fields[mid][attribute] = fid
        updates = [_person_values(pid, mentions.get(pid, []), fields) for pid in part]
        session.execute(sa.update(Person), updates)


def _person_values(
    person_id: int, mentions: list[dict[str, Any]], fields: Mapping[int, Mapping[str, int]]
) -> dict[str, Any]:
    ranked = sorted(mentions, key=lambda r: (_ROLE_RANK[Role(r["role"])], r["id"]))
    out: dict[str, Any] = {"id": person_id, "mention_count": len(mentions)}
    sources: dict[str, int] = {}

    def pick(column: str, attribute: str | None = None) -> dict[str, Any] | None:
        values = Counter(r[column] for r in ranked if r[column] is not None)
        if not values:
            return None
        best = max(values.values())
        for r in ranked:  # the first (best-ranked) mention with a most frequent value
            if r[column] is not None and values[r[column]] == best:
                fid = fields.get(r["id"], {}).get(attribute or column)
                if fid is not None:
                    sources[attribute or column] = fid
                return r
        return None

    chosen = pick("name_key", "full_name")
    out["full_name"] = chosen["full_name"] if chosen else None
    out["name_key"] = chosen["name_key"] if chosen else None
    out["name_folded"] = chosen["name_folded"] if chosen else None
    dob = pick("date_of_birth")
    out["date_of_birth"] = dob["date_of_birth"] if dob else None
    if dob is not None:
        out["birth_year"] = dob["date_of_birth"].year
    else:
        year = pick("birth_year")
        out["birth_year"] = year["birth_year"] if year else None
    for column in ("sex", "ethnicity", "nationality", "personal_id"):
        r = pick(column)
        out[column] = r[column] if r else None
    out["sources"] = sources
    return out


# --- decisions by a person -----------------------------------------------------------------------


def move_mention(
    session: Session,
    mention_id: int,
    person_id: int | None,
    *,
    by: str,
    reason: str,
    match_weight: float | None = None,
) -> int:
    """A person's decision: this mention is ``person_id`` (``None``: a new person of its own).
    The mention is pinned (linkage runs leave it), the change audited; returns the person id.
    Undo by moving it back (:func:`revert_link_event`)."""
    if not by or by.startswith("linkage:") or not reason.strip():
        raise ValueError("a decision needs a user name and a reason")

    def work() -> int:
        _take_link_lock(session)
        mention = session.get(PersonMention, mention_id, with_for_update=True)
        if mention is None:
            raise DatabaseError(f"mention id {mention_id} is not in the database")
        target = person_id
        if target is None:
            founder = session.scalar(
                sa.select(Person.id).where(Person.founding_mention_id == mention_id)
            )
            if founder is not None and founder != mention.person_id:
                target = founder
            else:
                person = Person(founding_mention_id=_free_founder(session, mention_id), sources={})
                session.add(person)
                session.flush()
                target = person.id
        elif session.get(Person, target) is None:
            raise DatabaseError(f"person id {target} is not in the database")
        old = mention.person_id
        session.add(
            MentionLinkEvent(
                mention_id=mention_id,
                person_id=target,
                previous_person_id=old,
                by=by,
                reason=reason,
                match_weight=match_weight,
            )
        )
        mention.person_id = target
        mention.pinned_by = by
        session.flush()
        refresh_persons(session, [p for p in (old, target) if p is not None])
        return target

    return _write(session, f"move mention id {mention_id}", work)


def _free_founder(session: Session, mention_id: int) -> int:
    """A founding id for a person made by hand: the mention's id, or (when another person was
    founded on it) a negative id of its own, unique all the same (as :func:`apply_linkage`
    does for a split cluster)."""
    if session.scalar(sa.select(Person.id).where(Person.founding_mention_id == mention_id)) is None:
        return mention_id
    low = session.scalar(sa.select(sa.func.min(Person.founding_mention_id))) or 0
    return min(low, 0) - 1


def revert_link_event(session: Session, event_id: int, *, by: str, reason: str) -> int | None:
    """Undo one link change: the mention goes back to its previous person (a new event)."""
    ev = session.get(MentionLinkEvent, event_id)
    if ev is None:
        raise DatabaseError(f"link event id {event_id} is not in the database")
    return move_mention(session, ev.mention_id, ev.previous_person_id, by=by, reason=reason)


def decide_review(session: Session, review_id: int, *, same: bool, by: str, reason: str) -> None:
    """A person's verdict on a queued pair. ``same``: mention b joins mention a's person;
    otherwise both stay where they are. Either way both mentions are pinned."""
    item = session.get(LinkReview, review_id)
    if item is None:
        raise DatabaseError(f"review item id {review_id} is not in the database")
    a = session.get(PersonMention, item.mention_a_id)
    b = session.get(PersonMention, item.mention_b_id)
    assert a is not None and b is not None
    if same:
        pa = (
            a.person_id
            if a.person_id is not None
            else move_mention(session, a.id, None, by=by, reason=reason)
        )
        move_mention(session, b.id, pa, by=by, reason=reason, match_weight=item.match_weight)
    else:

        def pin() -> None:
            for m in (a, b):
                m.pinned_by = m.pinned_by or by

        _write(session, f"decide review id {review_id}", pin)

    def close() -> None:
        item.state = ReviewState.SAME if same else ReviewState.DIFFERENT
        item.decided_by, item.decided_at = by, utcnow()

    _write(session, f"decide review id {review_id}", close)


def link_history(session: Session, mention_id: int) -> list[MentionLinkEvent]:
    """Every link change of a mention, oldest first."""
    return list(
        session.scalars(
            sa.select(MentionLinkEvent)
            .where(MentionLinkEvent.mention_id == mention_id)
            .order_by(MentionLinkEvent.id)
        )
    )
