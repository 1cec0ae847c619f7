"""A book's pages must be of the register it is digitized as: its first heading decides before
anything is loaded, and a stray page of another register among its pages is marked failed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from civreg_cli.errors import InputError
from extraction.types import RegisterType
from flows import steps
from flows.steps import BookRequest
from ingest import ingest_book
from registry_db import repository as repo
from registry_db.models import Page, PageStatus, Record


@pytest.fixture(scope="module")
def death_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from synth import write_sample_book

    out = tmp_path_factory.mktemp("death-book")
    meta = write_sample_book(
        out, register_type="death", records=1, seed=53, quality="clean", fmt="png"
    )
    return out / meta["files"][0]


def _folder(tmp_path: Path, pages: list[Path]) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    for i, p in enumerate(pages, 1):
        shutil.copy(p, folder / f"page-{i:02d}.png")
    return folder


def test_a_book_headed_for_another_register_is_refused(tmp_path: Path, death_page: Path) -> None:
    folder = _folder(tmp_path, [death_page])
    req = BookRequest(folder, RegisterType.BIRTH, "03/2019", "UBND phường Ngọc Lâm")
    book = ingest_book(folder, tmp_path / "data")
    with pytest.raises(InputError) as err:
        steps.check_register_type(book, req, tmp_path / "data", steps.shared_engine())
    message = str(err.value)
    assert "03/2019" in message and "death register, not birth" in message
    assert "\n" not in message
    death = BookRequest(folder, RegisterType.DEATH, "03/2019", "UBND phường Ngọc Lâm")
    steps.check_register_type(book, death, tmp_path / "data", steps.shared_engine())  # passes


def test_a_stray_page_of_another_register_is_marked_failed(
    sample_pages: Path, death_page: Path, tmp_path: Path
) -> None:
    births = sorted((sample_pages / "pages").glob("page-*.png"))[:2]
    folder = _folder(tmp_path, [*births, death_page])
    data = tmp_path / "data"
    req = BookRequest(folder, RegisterType.BIRTH, "01/2019", "UBND phường Ngọc Lâm")
    engine = repo.make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    repo.upgrade(engine)
    book = ingest_book(folder, data)
    steps.check_register_type(book, req, data, steps.shared_engine())  # headed as births
    book_id, todo = steps.register_book(engine, req, book)
    for n in todo:
        outcome = steps.read_stored_page(book.pages[n - 1], data, steps.shared_engine())
        steps.load_page(engine, book_id, req, outcome, None)
    with repo.session_factory(engine)() as s:
        pages = {p.page_no: p for p in s.scalars(select(Page).where(Page.book_id == book_id))}
        record_pages = set(s.scalars(select(Record.page_no).where(Record.book_id == book_id)))
    assert pages[3].status == PageStatus.FAILED and "KHAI TỬ" in (pages[3].error or "")
    assert pages[1].status == pages[2].status == PageStatus.EXTRACTED
    assert 3 not in record_pages and record_pages
