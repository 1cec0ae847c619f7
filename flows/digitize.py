"""``digitize_book``: the Prefect 3 flow over ``flows.steps``.

ingest → OCR pages in parallel (one single-threaded Tesseract per worker thread) → extract,
validate and load each page as it completes → summary artifact. Retries only transient I/O
errors. Runs in Prefect's ephemeral mode (no server, no network) or against a running server
(``PREFECT_API_URL``).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from sqlalchemy import Engine

from flows import steps
from flows.steps import BookRequest, PageOutcome
from ingest import StoredPage, ingest_book
from registry_db import repository as repo

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


class ProgressListener(Protocol):
    def start(self, total: int, done: int) -> None: ...
    def page(self, outcome: PageOutcome) -> None: ...


_progress: list[ProgressListener] = []


def set_progress_listener(listener: ProgressListener | None) -> None:
    """The CLI's progress bar hears of each page as it is loaded (same process)."""
    _progress.clear()
    if listener is not None:
        _progress.append(listener)


@cache
def db_engine(db_url: str) -> Engine:
    """One engine (one connection pool) per database for the process, not one per page."""
    return repo.make_engine(db_url)


def _transient_only(task: Any, task_run: Any, state: Any) -> bool:
    try:
        state.result()
    except BaseException as exc:  # the failed state re-raises its exception
        return steps.is_transient(exc)
    return False


@task(name="ocr_page", retries=2, retry_delay_seconds=1, retry_condition_fn=_transient_only)
def ocr_page_task(page: StoredPage, data_dir: Path, lang: str) -> PageOutcome:
    return steps.read_stored_page(page, data_dir, steps.shared_engine(lang))


@task(name="extract_and_load", retries=2, retry_delay_seconds=1, retry_condition_fn=_transient_only)
def load_page_task(
    db_url: str, book_id: int, req: BookRequest, outcome: PageOutcome, year: int | None
) -> int:
    return steps.load_page(db_engine(db_url), book_id, req, outcome, year)


@flow(name="digitize_book", log_prints=False)
def digitize_book(
    source: Path,
    register_type: str,
    book_no: str,
    registration_authority: str,
    db_url: str,
    data_dir: Path,
    year: int | None = None,
    lang: str = "vie",
    link: bool = True,
) -> dict[str, Any]:
    log = get_run_logger()
    from extraction.types import RegisterType

    req = BookRequest(
        Path(source), RegisterType(register_type), book_no, registration_authority, year
    )
    book = ingest_book(req.source, Path(data_dir))
    steps.check_register_type(book, req, Path(data_dir), steps.shared_engine(lang))
    engine = db_engine(db_url)
    repo.upgrade(engine)
    book_id, todo = steps.register_book(engine, req, book)
    log.info("book %s: %d pages, %d to do", book_no, len(book.pages), len(todo))
    pages = {p.page_no: p for p in book.pages}
    for listener in _progress:
        listener.start(len(book.pages), len(book.pages) - len(todo))
    futures = [ocr_page_task.submit(pages[n], Path(data_dir), lang) for n in todo]
    failed: dict[int, str] = {}
    for fut in as_completed(futures):
        outcome = fut.result()
        outcome.records = load_page_task(db_url, book_id, req, outcome, year)
        if not outcome.ok:
            failed[outcome.page_no] = outcome.error or "failed"
            log.warning("%s", outcome.error)
        for listener in _progress:
            listener.page(outcome)
    with repo.session_factory(engine).begin() as s:
        summary = repo.finish_book(s, book_id)
    if failed:
        summary["failed_pages"] = {str(k): v for k, v in sorted(failed.items())}
    if link:  # persons: the book's mentions linked with the whole registry (flows.link)
        from flows.link import link_persons_task

        linked = link_persons_task(db_url, book_id)
        summary["persons"] = linked["persons"]
        summary["person_links_for_review"] = linked["review_open"]
    create_markdown_artifact(
        markdown=summary_markdown(summary), key=f"book-{_slug(book_no)}", description="Book summary"
    )
    return summary


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-") or "book"


def summary_markdown(summary: dict[str, Any]) -> str:
    rows = "\n".join(f"| {k} | {v} |" for k, v in summary.items() if not isinstance(v, dict))
    reasons = summary.get("needs_review_by_reason", {})
    rtable = "\n".join(f"| {k} | {v} |" for k, v in sorted(reasons.items()))
    return (
        f"# Book summary\n\n| | |\n|---|---|\n{rows}\n\n"
        f"## Fields needing review\n\n| reason | fields |\n|---|---|\n{rtable}\n"
    )


def run_digitize(
    req: BookRequest, *, db_url: str, data_dir: Path, workers: int, lang: str = "vie"
) -> dict[str, Any]:
    """Run the flow with ``workers`` OCR threads."""
    runner: ThreadPoolTaskRunner[Any] = ThreadPoolTaskRunner(max_workers=max(1, workers))
    f = digitize_book.with_options(task_runner=runner)  # type: ignore[arg-type]
    return f(
        source=req.source,
        register_type=req.register_type.value,
        book_no=req.book_no,
        registration_authority=req.registration_authority,
        db_url=db_url,
        data_dir=data_dir,
        year=req.year,
        lang=lang,
    )
