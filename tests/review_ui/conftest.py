"""The review app on a real database (SQLite and PostgreSQL, from ``db_url``), with users of
every role and a small book whose pages have images."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from civreg_cli.settings import Settings
from registry_db import Book, Record, finish_book, save_page_records, session_factory
from registry_db import review as rv
from registry_db.models import Role
from review_ui.app import create_app
from review_ui.security import hash_password
from tests.conftest import RecordFactory
from tests.review_ui.fakes import QueueOnlyRunner

PASSWORD = "correct horse battery"
USERS = {
    "anna": Role.ARCHIVE_STAFF,
    "rita": Role.REVIEWER,
    "ron": Role.REVIEWER,
    "sam": Role.SUPERVISOR,
    "ada": Role.ADMIN,
}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)  # argon2 is slow on purpose: hash once


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        db_url=db_url,
        cookie_secure=False,
        secret_key="test-secret-key-not-for-production",
    )


@pytest.fixture
def users(session: Session, password_hash: str) -> dict[str, int]:
    return {
        name: rv.create_user(session, name, role, password_hash).id for name, role in USERS.items()
    }


@pytest.fixture
def app(settings: Settings, engine: object, users: dict[str, int]) -> FastAPI:
    sessions = session_factory(engine)  # type: ignore[arg-type]
    runner = QueueOnlyRunner(
        sessions, db_url=settings.database_url(), data_dir=settings.data_dir.absolute()
    )
    return create_app(settings, runner=runner)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        yield c


def csrf_of(client: TestClient, path: str = "/login") -> str:
    found = _CSRF.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login(client: TestClient, username: str) -> str:
    """Sign in; returns the session's CSRF token."""
    token = csrf_of(client)
    r = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 303, r.text
    return csrf_of(client)  # a new session at sign-in: a new token


def page_image(path: Path, size: tuple[int, int] = (1240, 1754)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for y in range(60, size[1] - 60, 40):
        draw.text((40, y), "Họ, chữ đệm, tên: ..........", fill=0)
    image.save(path)


@pytest.fixture
def review_book(
    session: Session, book: Book, make_record: RecordFactory, settings: Settings
) -> Book:
    """Book 01 with images for its three pages, done: page 1 has two records, the first with
    ``child.full_name`` and ``child.sex`` needing review, the second with ``child.sex`` only."""
    for n in (1, 2, 3):
        page_image(settings.data_dir / "pages" / f"{n:04d}.png")
    save_page_records(
        session,
        book.id,
        1,
        [
            make_record(1, "1", needs_review=frozenset({"child.full_name", "child.sex"})),
            make_record(1, "2", needs_review=frozenset({"child.sex"})),
        ],
        extractor_version="v1",
    )
    for n in (2, 3):
        save_page_records(session, book.id, n, [], extractor_version="v1")
    finish_book(session, book.id)
    return book


def records_of(session: Session, book: Book) -> list[Record]:
    import sqlalchemy as sa

    session.expire_all()
    return list(
        session.scalars(
            sa.select(Record).where(Record.book_id == book.id).order_by(Record.index_on_page)
        )
    )
