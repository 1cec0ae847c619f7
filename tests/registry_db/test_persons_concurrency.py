"""Two loaders at once (two threads, two engines, as two processes would): the same books
loaded and linked concurrently never give a book or a person twice."""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa

from bench.persons import load_population, population_records
from flows.link import link_registry
from linkage.population import generate_population, mention_rows
from registry_db import Book, Record, make_engine, session_factory, upgrade
from registry_db.persons import Person, PersonMention


def test_two_loaders_at_once_never_duplicate_a_book_or_a_person(db_url: str) -> None:
    books = population_records(mention_rows(generate_population(8, 43), 43))
    some = dict(sorted(books.items())[:6])
    upgrade(db_url)
    barrier = threading.Barrier(2)
    results: list[dict[str, Any]] = []
    errors: list[BaseException] = []

    def loader() -> None:
        engine = make_engine(db_url)
        try:
            barrier.wait(timeout=30)
            load_population(engine, some)
            results.append(link_registry(engine))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=loader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert len(results) == 2

    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as s:
            assert s.scalar(sa.select(sa.func.count()).select_from(Book)) == len(some)
            records = sum(len(v) for v in some.values())
            assert s.scalar(sa.select(sa.func.count()).select_from(Record)) == records
            linked = s.execute(sa.select(PersonMention.id, PersonMention.person_id)).all()
            assert linked and all(p is not None for _, p in linked)
            persons = s.execute(sa.select(Person.id, Person.mention_count)).all()
            # no person made twice: every person made is the person of some mention
            assert {p for _, p in linked} == {pid for pid, _ in persons}
            assert all(n > 0 for _, n in persons)
        again = link_registry(engine)
        assert again["links_changed"] == again["persons_new"] == again["mentions_new"] == 0
        assert again["persons"] == len(persons)
    finally:
        engine.dispose()
