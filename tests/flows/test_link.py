"""``civreg link`` and ``civreg person``, the Prefect flow and task as plain functions
(``.fn``; the digitize flow runs the task after each book, exercised by the digitize tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.persons import load_book, load_population, population_records
from civreg_cli.errors import InputError
from flows.link import link_persons, link_persons_task, link_registry
from linkage.population import generate_population, mention_rows
from registry_db import Book, make_engine, session_factory, upgrade
from registry_db.persons import PersonMention, Role
from tests.civreg_cli.test_cli import one_line_error, run

BOOKS = population_records(mention_rows(generate_population(6, 47), 47))


def test_flow_and_task_link_a_book_then_the_registry(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    first, *rest = sorted(BOOKS.items())
    book_id = load_book(engine, first[0], [r for r, _ in first[1]])
    out = link_persons_task.fn(db_url, book_id)
    assert out["records"] == len(first[1]) and out["persons"] > 0
    load_population(engine, dict(rest))
    everything = link_persons.fn(db_url)
    assert everything["mentions_new"] > 0 and everything["mentions"] > out["mentions"]
    assert link_registry(engine, book_no=first[0][1])["links_changed"] == 0
    with pytest.raises(InputError, match="not in the database"):
        link_registry(engine, book_no="77/1999")
    engine.dispose()


def test_cli_link_then_search_and_show(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    engine = make_engine(db)
    upgrade(engine)
    load_population(engine, BOOKS)
    p = run("link", "--db", db)
    assert p.returncode == 0, p.stderr
    assert "persons" in p.stdout and "pairs for review" in p.stdout
    with session_factory(engine)() as s:
        child = s.scalars(
            sa.select(PersonMention)
            .where(PersonMention.role == Role.CHILD, PersonMention.date_of_birth.is_not(None))
            .order_by(PersonMention.id)
        ).first()
        assert child is not None and s.scalar(sa.select(sa.func.count()).select_from(Book))
    engine.dispose()
    assert child.name_folded and child.date_of_birth
    p = run(
        "person", "search", child.name_folded.upper(), "--dob", child.date_of_birth.isoformat(),
        "--db", db,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    assert str(child.person_id) in p.stdout
    p = run("person", "show", str(child.person_id), "--db", db)
    assert p.returncode == 0, p.stderr
    shown = json.loads(p.stdout)
    assert shown["person"]["person_id"] == child.person_id
    assert shown["events"][0]["name"]["bbox"]
    assert shown["parents"] and shown["parents"][0]["evidence"]
    p = run("person", "show", "--db", db)
    assert p.returncode == 2 and one_line_error(p)
