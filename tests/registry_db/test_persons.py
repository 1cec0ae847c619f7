"""Persons, events, mentions and links on SQLite and PostgreSQL: a small generated population
loaded as register records, linked, queried with provenance; decisions audited and kept."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bench.persons import BookKey, linked_persons, load_population, population_records, score
from extraction.types import FieldStatus, RecordResult
from flows.link import link_registry
from linkage.population import generate_population, mention_rows
from registry_db import FieldValueRow, make_engine, session_factory, update_field, upgrade
from registry_db import queries as q
from registry_db.persons import (
    Event,
    LinkReview,
    MentionLinkEvent,
    Person,
    PersonMention,
    RelationKind,
    Relationship,
    Role,
    decide_review,
    link_history,
    move_mention,
    revert_link_event,
)
from registry_db.testing import scratch_schema
from tests.conftest import BACKENDS

FAMILIES, SEED = 10, 41


Books = dict[BookKey, list[tuple[RecordResult, dict[str, str]]]]
Linked = tuple[Engine, dict[tuple[str, str, str, str, str], str], dict[str, Any]]


@pytest.fixture(scope="module")
def population() -> Books:
    return population_records(mention_rows(generate_population(FAMILIES, SEED), SEED))


@pytest.fixture(scope="module", params=BACKENDS)
def linked(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    population: Books,
) -> Iterator[Linked]:
    """The population loaded and linked once per backend; the tests below run in file order
    on it (those that change something come last)."""
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('persons') / 'registry.sqlite'}"
        else:
            database = request.getfixturevalue("pg_database")
            url = stack.enter_context(scratch_schema(database)).render_as_string(
                hide_password=False
            )
        engine = make_engine(url)
        stack.callback(engine.dispose)
        upgrade(engine)
        truth = load_population(engine, population)
        summary = link_registry(engine)
        yield engine, truth, summary


def _count(engine: Engine, model: type) -> int:
    with session_factory(engine)() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_link_makes_persons_close_to_the_truth(linked: Linked) -> None:
    engine, truth, summary = linked
    assert summary["mentions"] == len(truth) > 100
    registry = linked_persons(engine)
    assert all(p is not None for p in registry.values())
    quality = score(truth, registry)
    assert quality["precision"] > 0.97 and quality["recall"] > 0.9, quality
    assert summary["persons"] == len(set(registry.values())) < summary["mentions"]
    # every record is an event; births give parent_of, marriages spouse_of
    with session_factory(engine)() as s:
        kinds = Counter(s.scalars(sa.select(Relationship.kind)))
        assert kinds[RelationKind.PARENT_OF] > 0 and kinds[RelationKind.SPOUSE_OF] > 0
        assert s.scalar(sa.select(sa.func.count()).select_from(Event)) == len(
            {k[:4] for k in truth}
        )
        # each pipeline link is audited with who, why and (when linked) the weight
        events = s.scalars(sa.select(MentionLinkEvent)).all()
        assert len(events) == summary["mentions"]
        assert {e.by for e in events} == {"linkage:registry"}
        assert any(e.match_weight and e.match_weight >= 5 for e in events)


def test_running_again_changes_nothing(linked: Linked) -> None:
    engine, _truth, first = linked
    audit = _count(engine, MentionLinkEvent)
    again = link_registry(engine)
    assert again["mentions_new"] == again["links_changed"] == again["persons_new"] == 0
    assert again["persons"] == first["persons"]
    assert _count(engine, MentionLinkEvent) == audit
    assert _count(engine, Person) == first["persons"]


def test_queries_answer_with_provenance(linked: Linked) -> None:
    engine, _truth, _ = linked
    with session_factory(engine)() as s:
        # a child with a personal number, its parents and its birth
        child = s.scalars(
            sa.select(PersonMention).where(
                PersonMention.role == Role.CHILD, PersonMention.personal_id.is_not(None)
            )
        ).first()
        assert child is not None and child.person_id is not None
        found = q.persons_by_personal_number(s, child.personal_id or "")
        assert child.person_id in [p.person_id for p in found]
        person = q.get_person(s, child.person_id)
        assert person is not None
        name = person.sources["full_name"]
        assert name.page_no == 1 and name.bbox and name.field_key.endswith(".full_name")
        assert name.book_no and name.entry_no
        # one query on PostgreSQL (sources expanded from JSON) = the two-query path
        stored = s.get(Person, child.person_id)
        assert stored is not None and q._views(s, [stored]) == [person]

        events = q.person_events(s, child.person_id)
        assert "birth" in [e.kind for e in events if e.role == "child"]
        assert all(e.name is not None and e.name.bbox for e in events)
        parents = q.person_parents(s, child.person_id)
        assert {p.person.sex for p in parents if p.person} <= {"Nam", "Nữ"}
        assert parents and all(len(p.evidence) >= 2 for p in parents)
        mother = next(p for p in parents if p.person and p.person.sex == "Nữ")
        assert mother.person is not None
        children = q.person_children(s, mother.person.person_id)
        assert child.person_id in [c.person.person_id for c in children if c.person]

        # search: no accents, capitals, the year only
        folded = (person.full_name or "").upper()
        from extraction.text import fold_accents

        hits = q.search_persons(s, fold_accents(folded), birth_year=person.birth_year)
        assert hits and child.person_id in [h.person.person_id for h in hits[:3]]
        assert hits[0].score > 0.5
        if person.date_of_birth:
            by_date = q.search_persons(
                s, person.full_name or "", date_of_birth=date.fromisoformat(person.date_of_birth)
            )
            assert by_date[0].person.person_id == child.person_id
        # a typo still finds the person
        typo = (person.full_name or "")[:-1] + "x"
        assert child.person_id in [h.person.person_id for h in q.search_persons(s, typo)]

        # spouses from a marriage, both ways
        wife = s.scalars(sa.select(PersonMention).where(PersonMention.role == Role.WIFE)).first()
        assert wife is not None and wife.person_id is not None
        spouses = q.person_spouses(s, wife.person_id)
        assert spouses and spouses[0].person is not None
        back = q.person_spouses(s, spouses[0].person.person_id)
        assert wife.person_id in [x.person.person_id for x in back if x.person]
        summary = q.person_summary(s, wife.person_id)
        assert summary is not None and summary["spouses"]


def test_a_decision_is_audited_kept_by_later_runs_and_reversible(
    linked: Linked,
) -> None:
    engine, _truth, _ = linked
    with session_factory(engine)() as s:
        mention = s.scalars(
            sa.select(PersonMention).where(PersonMention.role == Role.MOTHER)
        ).first()
        assert mention is not None and mention.person_id is not None
        before = mention.person_id
        new_person = move_mention(s, mention.id, None, by="lan", reason="different woman")
        assert new_person != before
    link_registry(engine)  # the pipeline leaves a person's decision alone
    with session_factory(engine)() as s:
        m = s.get(PersonMention, mention.id)
        assert m is not None and m.person_id == new_person and m.pinned_by == "lan"
        history = link_history(s, mention.id)
        assert [h.by for h in history] == ["linkage:registry", "lan"]
        assert history[-1].previous_person_id == before
        revert_link_event(s, history[-1].id, by="lan", reason="checked again: the same")
        m = s.get(PersonMention, mention.id, populate_existing=True)
        assert m is not None and m.person_id == before
        assert len(link_history(s, mention.id)) == 3
        # the person left without mentions is kept, never deleted
        emptied = s.get(Person, new_person, populate_existing=True)
        assert emptied is not None and emptied.mention_count == 0


def test_a_corrected_field_updates_its_mention(linked: Linked) -> None:
    engine, _truth, _ = linked
    with session_factory(engine)() as s:
        mention = s.scalars(
            sa.select(PersonMention).where(PersonMention.role == Role.CHILD)
        ).first()
        assert mention is not None
        field = s.scalars(
            sa.select(FieldValueRow).where(
                FieldValueRow.record_id == mention.record_id,
                FieldValueRow.key == "child.full_name",
            )
        ).one()
        update_field(
            s, field.id, new_value="Quàng Thị Ngọc Diệp", new_status=FieldStatus.ACCEPTED,
            changed_by="lan", reason="misread", expected_version=field.version,
        )  # fmt: skip
    out = link_registry(engine)
    assert out["mentions_changed"] == 1
    with session_factory(engine)() as s:
        m = s.get(PersonMention, mention.id)
        assert m is not None and m.name_folded == "quang thi ngoc diep"
        person = s.get(Person, m.person_id)
        assert person is not None
        if person.mention_count == 1:  # the person's values follow the correction
            assert person.full_name == "Quàng Thị Ngọc Diệp"
            view = q.get_person(s, person.id)
            assert view is not None and view.sources["full_name"].value == person.full_name


def _review_of(s: Session, pair: Sequence[PersonMention]) -> LinkReview:
    """The review item of two mentions."""
    return s.scalars(
        sa.select(LinkReview).where(
            LinkReview.mention_a_id == min(m.id for m in pair),
            LinkReview.mention_b_id == max(m.id for m in pair),
        )
    ).one()


def test_same_personal_number_with_other_details_goes_to_review(
    engine: Engine,
    population: Books,
) -> None:
    from bench.persons import load_book

    books = dict(list(population.items())[:1])
    load_population(engine, books)
    base = next(iter(books.values()))[0][0]
    pid = "001099123456"
    records = []
    for entry, (name, dob) in enumerate(
        [("Đinh Văn Khải", "1999-01-01"), ("Sầm Thị Oanh", "1971-09-30")], start=1
    ):
        values = {
            "child.full_name": name,
            "child.date_of_birth": dob,
            "child.personal_id": pid,
            "child.sex": "Nam",
        }
        fields = {
            k: base.fields["child.full_name"].model_copy(update={"key": k, "value": v, "raw": v})
            for k, v in values.items()
        }
        records.append(base.model_copy(update={"entry_no": str(entry), "fields": fields}))
    load_book(engine, ("birth", "99/2020", "UBND xã Thử"), records)
    link_registry(engine)
    with session_factory(engine)() as s:
        ms = s.scalars(sa.select(PersonMention).where(PersonMention.personal_id == pid)).all()
        assert len(ms) == 2 and ms[0].person_id != ms[1].person_id
        item = _review_of(s, ms)
        assert item.state == "open" and item.reason == "same personal number, other details differ"
        assert "personal_id" in item.weights
        assert len(q.persons_by_personal_number(s, pid)) == 2
        decide_review(s, item.id, same=False, by="lan", reason="two children")
        s.refresh(item)
        assert item.state == "different" and item.decided_by == "lan"
    link_registry(engine)  # a decided pair stays decided
    with session_factory(engine)() as s:
        again = s.get(LinkReview, item.id)
        assert again is not None and again.state == "different"


def test_a_child_registered_twice_goes_to_review_not_linked(
    engine: Engine,
    population: Books,
) -> None:
    """The registry hands linkage each mention's record and role: a person is born once, so
    two birth records of one child (a second registration) are a clerk's matter, not a link."""
    from bench.persons import load_book

    book = next(k for k in population if k[0] == "birth")
    load_population(engine, {book: population[book]})
    base = population[book][0][0]
    values = {
        "child.full_name": "Lò Văn Thắng",
        "child.date_of_birth": "2001-03-17",
        "child.sex": "Nam",
        "child.personal_id": "011201004567",
        "mother.full_name": "Lò Thị Xuân",
        "mother.birth_year": "1978",
        "father.full_name": "Lò Văn Pấng",
        "father.birth_year": "1975",
    }
    fields = {
        k: base.fields["child.full_name"].model_copy(update={"key": k, "value": v, "raw": v})
        for k, v in values.items()
    }
    records = [
        base.model_copy(update={"entry_no": str(entry), "fields": fields}) for entry in (1, 2)
    ]
    load_book(engine, ("birth", "98/2021", "UBND xã Thử"), records)
    link_registry(engine)
    with session_factory(engine)() as s:
        children = s.scalars(
            sa.select(PersonMention).where(
                PersonMention.full_name == "Lò Văn Thắng", PersonMention.role == Role.CHILD
            )
        ).all()
        assert len(children) == 2 and children[0].person_id != children[1].person_id
        item = _review_of(s, children)
        assert item.state == "open" and item.reason == "would join two birth records"
        # the parents of the two records are the same persons: nothing holds them apart
        mothers = s.scalars(
            sa.select(PersonMention.person_id).where(PersonMention.full_name == "Lò Thị Xuân")
        ).all()
        assert len(mothers) == 2 and len(set(mothers)) == 1


def test_trigram_index_on_postgresql_plain_index_on_sqlite(engine: Engine) -> None:
    indexes = {i["name"]: i for i in sa.inspect(engine).get_indexes("person_mention")}
    assert "ix_person_mention_name_folded" in indexes
    if engine.dialect.name == "postgresql":
        with engine.connect() as c:
            assert c.scalar(sa.text("SELECT count(*) FROM pg_extension WHERE extname='pg_trgm'"))
            definition = c.scalar(
                sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"),
                {"n": "ix_person_name_folded"},
            )
        assert "gin" in definition and "gin_trgm_ops" in definition


def test_similarity_is_pg_trgm_similarity(engine: Engine) -> None:
    pairs = [("nguyen van an", "nguyen van anh"), ("le thi hoa", "le thi hoa"), ("tran", "tram")]
    if engine.dialect.name != "postgresql":
        assert q.similarity(*pairs[1]) == 1.0
        return
    with session_factory(engine)() as s:
        trgm = q.trgm_schema(s)
        for a, b in pairs:
            pg = s.scalar(sa.text(f'SELECT "{trgm}".similarity(:a, :b)'), {"a": a, "b": b})
            assert q.similarity(a, b) == pytest.approx(pg, abs=1e-6)
