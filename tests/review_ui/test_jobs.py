"""Digitization runs: one process per upload, its end recorded on the upload."""

from __future__ import annotations

import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from registry_db import review as rv
from registry_db import session_factory
from registry_db.models import Upload, UploadStatus
from review_ui.jobs import DigitizeRunner


def _upload(session: Session, sha: str) -> int:
    upload, created = rv.create_upload(
        session,
        sha256=sha,
        original_name="book.pdf",
        stored_path="uploads/x.pdf",
        size_bytes=1,
        kind="pdf",
        register_type="birth",
        book_no=sha[:4],
        registration_authority="UBND phường Ngọc Lâm",
        year=None,
        uploaded_by="anna",
    )
    assert created
    return upload.id


def test_runs_record_success_and_the_clis_one_line_error(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    script = (
        "import sys; ok = sys.argv[1] == 'ok'; "
        "print('reading pages'); print('' if ok else 'error: page 3 of book.pdf is blank'); "
        "sys.exit(0 if ok else 3)"
    )
    runner = DigitizeRunner(
        session_factory(engine),
        db_url=str(engine.url),
        data_dir=tmp_path,
        command=lambda u: [sys.executable, "-c", script, "ok" if u.book_no == "aaaa" else "no"],
    )
    good, bad = _upload(session, "a" * 64), _upload(session, "b" * 64)
    runner.submit(good)
    runner.submit(bad)
    assert runner.wait_idle(60)
    session.expire_all()
    rows = {u.id: u for u in session.scalars(sa.select(Upload))}
    assert rows[good].status is UploadStatus.DONE and rows[good].error is None
    assert rows[bad].status is UploadStatus.FAILED
    assert rows[bad].error == "page 3 of book.pdf is blank"
    assert rows[good].runs == rows[bad].runs == 1
    assert (tmp_path / "uploads" / "logs" / f"upload-{bad}.log").exists()
    runner.stop()


def test_runs_cut_short_by_a_restart_are_marked_failed(session: Session) -> None:
    queued = _upload(session, "c" * 64)
    running = _upload(session, "d" * 64)
    rv.mark_upload(session, running, UploadStatus.RUNNING)
    assert rv.interrupted_uploads(session) == 2
    session.expire_all()
    for upload in session.scalars(sa.select(Upload).where(Upload.id.in_([queued, running]))):
        assert upload.status is UploadStatus.FAILED and "interrupted" in (upload.error or "")
