"""The app in a real browser: Debian's chromium, headless, driven by Playwright (no browser
download). One server and one browser for the module; the steps build on each other as a day's
work does: sign in as each role, upload a sample book and watch it digitized, correct fields with
the keyboard only, provoke and resolve an edit conflict, approve the book.

Screenshots of each screen go to the test's tmp dir; with ``CIVREG_SCREENS=1`` they are also copied
to ``bench/results/screens/`` (kept in git, so a plain test run leaves the tree clean).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import uvicorn

from civreg_cli.settings import Settings
from extraction.types import FieldStatus
from registry_db import (
    FieldRevision,
    FieldValueRow,
    Record,
    make_engine,
    session_factory,
    update_field,
)
from registry_db import review as rv
from registry_db.models import Book, Role, Upload, UploadStatus
from review_ui.app import create_app
from review_ui.security import hash_password
from tests.review_ui.conftest import PASSWORD

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENS = Path(__file__).resolve().parents[2] / "bench" / "results" / "screens"
ROLES = {"anna": Role.ARCHIVE_STAFF, "rita": Role.REVIEWER, "ron": Role.REVIEWER,
         "sam": Role.SUPERVISOR, "ada": Role.ADMIN}  # fmt: skip
RUN_TIMEOUT_S = 300

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """``civreg serve`` on a free port, on a SQLite registry in a tmp dir, in this process."""
    root = tmp_path_factory.mktemp("browser")
    settings = Settings(
        data_dir=root / "data",
        db_url=f"sqlite:///{root / 'registry.sqlite'}",
        cookie_secure=False,
        secret_key="browser-test-key",
        workers=1,
    )
    app = create_app(settings)
    engine = make_engine(settings.database_url())
    sessions = session_factory(engine)
    password_hash = hash_password(PASSWORD)
    with sessions() as s:
        for name, role in ROLES.items():
            rv.create_user(s, name, role, password_hash)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "sessions": sessions, "root": root, "app": app}
    srv.should_exit = True
    thread.join(10)
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("screens")
    keep = os.environ.get("CIVREG_SCREENS") == "1"

    def shot(page: Any, name: str) -> None:
        path = out / f"{name}.png"
        page.screenshot(path=str(path))
        if keep:
            SCREENS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, SCREENS / f"{name}.png")

    return shot


def _signed_in(browser: Any, server: dict[str, Any], username: str) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN")
    page = context.new_page()
    page.goto(server["url"] + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/books")
    return page


def test_sign_in_as_each_role(browser: Any, server: dict[str, Any], shots: Any) -> None:
    page = browser.new_page()
    page.goto(server["url"] + "/queue")
    assert "/login?next=/queue" in page.url
    page.fill("input[name=username]", "rita")
    page.fill("input[name=password]", "not the password")
    page.press("input[name=password]", "Enter")
    assert "Wrong user name or password" in page.inner_text("main")
    shots(page, "01-login-refused")
    page.context.close()
    menus = {
        "anna": ("Upload a book", "Queue"),
        "rita": ("Queue", "Upload a book"),
        "sam": ("Dashboard", "Upload a book"),
        "ada": ("Users", "Queue"),
    }
    for username, (shown, hidden) in menus.items():
        page = _signed_in(browser, server, username)
        text = page.inner_text("body")
        assert f"{username} ({ROLES[username].value})" in text
        assert shown in text and hidden not in text
        shots(page, f"02-home-{ROLES[username].value}")
        page.context.close()


def test_upload_a_book_and_watch_it_finish(
    browser: Any, server: dict[str, Any], shots: Any, tmp_path: Path
) -> None:
    from synth.book import write_sample_book

    meta = write_sample_book(tmp_path, records=2, seed=41, quality="clean", fmt="pdf")
    page = _signed_in(browser, server, "anna")
    page.select_option("select[name=register_type]", "birth")
    page.fill("input[name=book_no]", meta["book_no"])
    page.fill("input[name=authority]", meta["registration_authority"])
    page.fill("input[name=year]", str(meta["year"]))
    page.set_input_files("input[name=file]", str(tmp_path / "book.pdf"))
    shots(page, "03-upload-form")
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/books?uploaded=*")
    assert page.locator("tr[data-upload-id] .run-status").first.inner_text() in (
        "queued",
        "running",
    )
    # The page refreshes itself while the run goes on; no reload here.
    page.wait_for_selector(
        "tr[data-upload-id][data-status=done], tr[data-upload-id][data-status=failed]",
        timeout=RUN_TIMEOUT_S * 1000,
    )
    shots(page, "04-books-after-run")
    assert page.locator("tr[data-upload-id]").first.get_attribute("data-status") == "done", (
        page.inner_text("table.uploads")
    )
    row = page.locator("table.books tr[data-book-id]").first
    assert row.get_attribute("data-status") == "done"
    assert row.locator(".records").inner_text() == "2"
    # The same file again: recognised, not run twice.
    page.set_input_files("input[name=file]", str(tmp_path / "book.pdf"))
    page.fill("input[name=book_no]", "other")
    page.fill("input[name=authority]", "other")
    page.click("#upload-form button[type=submit]")
    assert "uploaded before" in page.inner_text("main")
    with server["sessions"]() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Upload)) == 1
    page.context.close()


def _book_and_first_record(server: dict[str, Any]) -> tuple[int, int]:
    with server["sessions"]() as s:
        book_id = s.scalar(sa.select(Book.id))
        record_id = s.scalar(
            sa.select(Record.id).where(Record.book_id == book_id).order_by(Record.id).limit(1)
        )
    assert book_id is not None and record_id is not None
    return book_id, record_id


def _make_doubtful(server: dict[str, Any], record_id: int, keys: tuple[str, ...]) -> None:
    """Test set-up: a clean book may come out with every field accepted; these are flagged."""
    with server["sessions"].begin() as s:
        s.execute(
            sa.update(FieldValueRow)
            .where(FieldValueRow.record_id == record_id, FieldValueRow.key.in_(keys))
            .values(status=FieldStatus.NEEDS_REVIEW, reasons=["low_confidence"])
        )
        s.execute(
            sa.update(Record).where(Record.id == record_id).values(status=FieldStatus.NEEDS_REVIEW)
        )


def _focused(page: Any) -> str:
    key: str = page.evaluate("document.activeElement.closest('li').dataset.key")
    return key


def _value(server: dict[str, Any], record_id: int, key: str) -> FieldValueRow:
    with server["sessions"]() as s:
        row = s.scalar(
            sa.select(FieldValueRow).where(
                FieldValueRow.record_id == record_id, FieldValueRow.key == key
            )
        )
        assert row is not None
        return row


def test_correct_a_field_with_the_keyboard_only(
    browser: Any, server: dict[str, Any], shots: Any
) -> None:
    _book_id, record_id = _book_and_first_record(server)
    _make_doubtful(server, record_id, ("child.full_name", "child.sex", "mother.full_name"))
    page = _signed_in(browser, server, "rita")
    page.keyboard.press("Alt+q")  # the queue, by its access key
    page.wait_for_url("**/queue")
    shots(page, "05-queue")
    page.goto(f"{server['url']}/records/{record_id}")
    page.wait_for_function("document.getElementById('crop').naturalWidth > 0")
    doubtful = page.eval_on_selector_all("li.field.doubtful", "els => els.map(e => e.dataset.key)")
    assert {"child.full_name", "child.sex", "mother.full_name"} <= set(doubtful)
    assert _focused(page) == doubtful[0]  # the first doubtful field has the focus
    shots(page, "06-review-screen")
    for _ in doubtful:  # Tab goes round the doubtful fields only
        if _focused(page) == "child.full_name":
            break
        page.keyboard.press("Tab")
        assert _focused(page) in doubtful
    assert _focused(page) == "child.full_name"
    name = _value(server, record_id, "child.full_name")
    page.keyboard.press("Control+a")
    page.keyboard.type("Nguyễn Thị Test")
    page.keyboard.press("Enter")  # save the correction
    page.wait_for_url("**saved=child.full_name*")
    assert "Đã lưu · Saved: Child's full name" in page.inner_text("#saved")
    left = [k for k in doubtful if k != "child.full_name"]
    after = doubtful.index("child.full_name")
    expected = [k for k in doubtful[after + 1 :] + doubtful[:after] if k in left]
    assert _focused(page) == expected[0]  # focus moved on to the next doubtful field
    if len(expected) > 1:
        page.keyboard.press("Tab")
        assert _focused(page) == expected[1]
        page.keyboard.press("Shift+Tab")
        assert _focused(page) == expected[0]
    for key in expected:  # Enter accepts each as read, moving on to the next
        assert _focused(page) == key
        page.keyboard.press("Enter")
        page.wait_for_url(f"**saved={key}*")
    assert "Nothing left to review here" in page.inner_text("#saved")
    shots(page, "07-review-saved")
    with server["sessions"]() as s:
        revisions = s.scalars(
            sa.select(FieldRevision)
            .where(FieldRevision.field_value_id == name.id)
            .order_by(FieldRevision.revision_no)
        ).all()
        assert [(r.old_value, r.new_value, r.changed_by) for r in revisions[1:]] == [
            (name.value, "Nguyễn Thị Test", "rita")
        ]
        assert s.get(Record, record_id).status is FieldStatus.ACCEPTED  # type: ignore[union-attr]
    page.context.close()


def test_provoke_and_resolve_an_edit_conflict(
    browser: Any, server: dict[str, Any], shots: Any
) -> None:
    _book_id, record_id = _book_and_first_record(server)
    _make_doubtful(server, record_id, ("father.full_name",))
    rita = _signed_in(browser, server, "rita")
    ron = _signed_in(browser, server, "ron")
    for page in (rita, ron):
        page.goto(f"{server['url']}/records/{record_id}")
        assert page.evaluate("document.activeElement.closest('li').dataset.key") == (
            "father.full_name"
        )
    ron.keyboard.press("Control+a")
    ron.keyboard.type("Trần Văn Ron")
    ron.keyboard.press("Enter")
    ron.wait_for_url("**saved=father.full_name*")
    rita.keyboard.press("Control+a")
    rita.keyboard.type("Trần Văn Rita")
    rita.keyboard.press("Enter")  # on the version she saw: stale
    rita.wait_for_selector("section.conflict")
    text = rita.inner_text("section.conflict")
    assert "«Trần Văn Ron»" in text and "«Trần Văn Rita»" in text and "by ron" in text
    shots(rita, "08-conflict")
    assert _value(server, record_id, "father.full_name").value == "Trần Văn Ron"
    # Resolve: her value, now on the current version (the field has the focus; Enter saves).
    rita.keyboard.press("Enter")
    rita.wait_for_url("**saved=father.full_name*")
    assert _value(server, record_id, "father.full_name").value == "Trần Văn Rita"
    with server["sessions"]() as s:
        row = _value(server, record_id, "father.full_name")
        by = s.scalars(
            sa.select(FieldRevision.changed_by)
            .where(FieldRevision.field_value_id == row.id)
            .order_by(FieldRevision.revision_no)
        ).all()
        assert by[1:] == ["ron", "rita"]
    rita.context.close()
    ron.context.close()


def test_approve_the_book(browser: Any, server: dict[str, Any], shots: Any) -> None:
    book_id, _ = _book_and_first_record(server)
    with server["sessions"]() as s:  # whatever the OCR left doubtful is accepted as read
        for row in s.scalars(
            sa.select(FieldValueRow)
            .join(Record)
            .where(Record.book_id == book_id, FieldValueRow.status == FieldStatus.NEEDS_REVIEW)
        ).all():
            update_field(
                s, row.id, new_value=row.value, new_status=FieldStatus.ACCEPTED,
                changed_by="rita", reason="accepted by reviewer", expected_version=row.version,
            )  # fmt: skip
    rita = _signed_in(browser, server, "rita")
    rita.goto(f"{server['url']}/books/{book_id}")
    assert rita.locator("#approve").count() == 0  # a reviewer has no approve button
    rita.context.close()
    page = _signed_in(browser, server, "sam")
    page.goto(f"{server['url']}/books/{book_id}")
    page.click("#approve")
    page.wait_for_selector("dd.approval:has-text('records are final')")
    shots(page, "09-book-approved")
    page.goto(f"{server['url']}/books/{book_id}/audit")
    page.fill("input[name=size]", "4")
    page.click("form[action$='/audit/draw'] button")
    page.wait_for_selector("tr[data-sample-id]")
    assert page.locator("tr[data-sample-id]").count() == 4
    page.locator("tr[data-sample-id] button[value=correct]").first.click()
    page.wait_for_selector("p.rate:has-text('0 wrong of 1 checked')")
    shots(page, "10-audit-sample")
    with server["sessions"]() as s:
        finals = s.scalars(sa.select(Record.final_at).where(Record.book_id == book_id)).all()
        assert finals and all(f is not None for f in finals)
        assert s.get(Book, book_id).approved_by == "sam"  # type: ignore[union-attr]
    page.context.close()
    with server["sessions"]() as s:
        assert s.scalar(sa.select(Upload.status)) is UploadStatus.DONE
