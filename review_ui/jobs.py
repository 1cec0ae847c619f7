"""Digitization runs started from the app: one at a time, each in its own process
(``civreg digitize``), so the web server stays responsive and a crash of a run cannot take it
down. A worker thread takes queued uploads in order and records how each run ended.

A run is the same command an operator would type; running it again on the same file finishes
what is left (failed pages are tried again), so "retry" is simply another run.
"""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from registry_db import review as rv
from registry_db.models import Book, Upload, UploadStatus

log = logging.getLogger(__name__)

RUN_TIMEOUT_S = 6 * 3600
ERROR_PREFIX = "error: "


class DigitizeRunner:
    """Queues uploads and runs ``civreg digitize`` on each, one after the other."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        db_url: str,
        data_dir: Path,
        workers: int = 1,
        command: Callable[[Upload], list[str]] | None = None,
    ) -> None:
        self.sessions = sessions
        self.db_url = db_url
        self.data_dir = data_dir
        self.workers = workers
        self.command = command or self.digitize_command
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.current: int | None = None

    def digitize_command(self, upload: Upload) -> list[str]:
        cmd = [
            sys.executable,
            "-m",
            "civreg_cli.main",
            "digitize",
            str(self.data_dir / upload.stored_path),
            "--type",
            upload.register_type.value,
            "--book-no",
            upload.book_no,
            "--authority",
            upload.registration_authority,
            "--db",
            self.db_url,
            "--data-dir",
            str(self.data_dir),
            "--workers",
            str(self.workers),
        ]
        if upload.year is not None:
            cmd += ["--year", str(upload.year)]
        return cmd

    def submit(self, upload_id: int) -> None:
        """Queue a run of this upload (the upload is marked ``queued``)."""
        with self.sessions() as s:
            rv.mark_upload(s, upload_id, UploadStatus.QUEUED)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="civreg-digitize", daemon=True
                )
                self._thread.start()
        self._queue.put(upload_id)

    def stop(self, timeout: float = 5.0) -> None:
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    def wait_idle(self, timeout: float) -> bool:
        """For tests: True once every queued run has finished."""
        done = threading.Event()

        def waiter() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=waiter, daemon=True).start()
        return done.wait(timeout)

    def _work(self) -> None:
        while True:
            upload_id = self._queue.get()
            try:
                if upload_id is None:
                    return
                self.current = upload_id
                self._run(upload_id)
            except Exception:  # a run must never kill the worker; the upload says what failed
                log.exception("digitization run of upload %s failed", upload_id)
            finally:
                self.current = None
                self._queue.task_done()

    def _run(self, upload_id: int) -> None:
        with self.sessions() as s:
            upload = rv.mark_upload(s, upload_id, UploadStatus.RUNNING)
            cmd = self.command(upload)
            sha = upload.sha256
        logs = self.data_dir / "uploads" / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log_path = logs / f"upload-{upload_id}.log"
        env = dict(os.environ, COLUMNS="200", PYTHONUNBUFFERED="1")
        error: str | None
        try:
            with log_path.open("ab") as out:
                done = subprocess.run(
                    cmd,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=env,
                    timeout=RUN_TIMEOUT_S,
                    check=False,
                )
            rc = done.returncode
        except (OSError, subprocess.TimeoutExpired) as exc:
            rc, error = -1, f"the run could not finish ({exc.__class__.__name__})"
        else:
            error = None if rc == 0 else _last_error(log_path) or f"the run failed (exit {rc})"
        with self.sessions() as s:
            book_id = s.scalar(sa.select(Book.id).where(Book.source_sha256 == sha))
            rv.mark_upload(
                s,
                upload_id,
                UploadStatus.DONE if rc == 0 else UploadStatus.FAILED,
                error=error,
                book_id=book_id,
            )


def _last_error(log_path: Path) -> str | None:
    """The CLI's one-line error (it carries no personal data), if the run printed one."""
    try:
        lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for line in reversed(lines[-200:]):
        if line.startswith(ERROR_PREFIX):
            return line[len(ERROR_PREFIX) :][:500]
    return None
