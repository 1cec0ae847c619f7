"""Linking the registry's persons: mentions from records → the linkage package → persons.

:func:`link_registry` is the plain function (``civreg link`` calls it); :func:`link_persons`
is the Prefect flow and :func:`link_persons_task` the task ``digitize_book`` runs after each
book is loaded.

One run: (1) the events, mentions and relationships of the book's records (or of every book)
are built or brought up to date; (2) every current mention of the registry is linked with the
shipped registry model (a new book links against all earlier ones), with its thresholds:
linked, clerical review (with the weights), not linked; (3) each mention's person, the audit of
every change and the review queue are written. Running it again changes nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa
from prefect import flow, task
from sqlalchemy import Engine

from linkage import Thresholds, link_mentions
from linkage.registry_model import registry_model
from registry_db import repository as repo
from registry_db.models import Book
from registry_db.persons import (
    PIPELINE_LINKER,
    ReviewPair,
    apply_linkage,
    mention_table_rows,
    sync_mentions,
)

log = logging.getLogger(__name__)


def _book_ids(engine: Engine, book_no: str | None, book_id: int | None) -> list[int] | None:
    """The books to build mentions for (``None``: all)."""
    if book_id is not None:
        return [book_id]
    if book_no is None:
        return None
    with repo.session_factory(engine)() as s:
        ids = list(s.scalars(sa.select(Book.id).where(Book.book_no == book_no)))
    if not ids:
        from civreg_cli.errors import InputError

        raise InputError(f"book {book_no} is not in the database", advice="check --book-no")
    return ids


def _review_pairs(pairs: pd.DataFrame) -> list[ReviewPair]:
    w_cols = [c for c in pairs.columns if c.startswith("w_")]
    out = []
    for row in pairs.itertuples(index=False):
        d = row._asdict()
        out.append(
            ReviewPair(
                mention_a=int(d["id_l"]),
                mention_b=int(d["id_r"]),
                match_weight=round(float(d["match_weight"]), 3),
                weights={c[2:]: round(float(d[c]), 3) for c in w_cols if pd.notna(d[c])},
                reason=str(d.get("reason") or "") or None,
            )
        )
    return out


def _strongest(pairs: pd.DataFrame) -> dict[int, float]:
    """Each mention's strongest linked weight."""
    out: dict[int, float] = {}
    for a, b, w in zip(pairs["id_l"], pairs["id_r"], pairs["match_weight"], strict=True):
        for m in (int(a), int(b)):
            out[m] = max(out.get(m, float("-inf")), round(float(w), 3))
    return out


def link_registry(
    engine: Engine,
    *,
    book_no: str | None = None,
    book_id: int | None = None,
    thresholds: Thresholds | None = None,
    model: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the mentions of a book (or of all books), link every mention of the registry and
    write persons, links and the review queue. Returns counts and timings (no personal data)."""
    started = time.perf_counter()
    sessions = repo.session_factory(engine)
    ids: Sequence[int | None] = _book_ids(engine, book_no, book_id) or [None]
    built = {"records": 0, "mentions_new": 0, "mentions_changed": 0}
    with sessions() as s:
        for bid in ids:
            sync = sync_mentions(s, book_id=bid)
            built["records"] += sync.records
            built["mentions_new"] += sync.mentions_new
            built["mentions_changed"] += sync.mentions_changed
        table = mention_table_rows(s)
    t_build = time.perf_counter()

    clusters: dict[int, str] = {}
    weights: dict[int, float] = {}
    review: list[ReviewPair] = []
    if len(table.rows) >= 2:
        result = link_mentions(
            pd.DataFrame(table.rows),
            thresholds=thresholds or Thresholds(),
            model=model if model is not None else registry_model(),
        )
        clusters = {
            int(m): str(c)
            for m, c in zip(
                result.clusters["mention_id"], result.clusters["cluster_id"], strict=True
            )
        }
        weights = _strongest(result.linked())
        review = _review_pairs(result.review())
    else:
        clusters = {int(r["mention_id"]): str(r["mention_id"]) for r in table.rows}
    t_link = time.perf_counter()

    with sessions() as s:
        summary = apply_linkage(
            s, clusters, weights=weights, review=review, followers=table.followers
        )
    done = time.perf_counter()
    out = {
        **built,
        "mentions": summary.mentions,
        "persons": summary.persons,
        "persons_new": summary.persons_new,
        "links_changed": summary.links_changed,
        "review_open": summary.review_open,
        "pinned": summary.pinned,
        "seconds_build": round(t_build - started, 3),
        "seconds_link": round(t_link - t_build, 3),
        "seconds_write": round(done - t_link, 3),
        "linker": PIPELINE_LINKER,
    }
    log.info(
        "linked %d mentions: %d persons (%d new), %d links changed, %d pairs for review",
        out["mentions"],
        out["persons"],
        out["persons_new"],
        out["links_changed"],
        out["review_open"],
    )
    return out


def _transient_only(task: Any, task_run: Any, state: Any) -> bool:
    from flows import steps

    try:
        state.result()
    except BaseException as exc:  # the failed state re-raises its exception
        return steps.is_transient(exc)
    return False


@task(name="link_persons", retries=2, retry_delay_seconds=1, retry_condition_fn=_transient_only)
def link_persons_task(db_url: str, book_id: int | None = None) -> dict[str, Any]:
    from flows.digitize import db_engine

    return link_registry(db_engine(db_url), book_id=book_id)


@flow(name="link_persons", log_prints=False)
def link_persons(db_url: str, book_no: str | None = None) -> dict[str, Any]:
    """``civreg link`` as a Prefect flow: link the persons of a book (or of all books)."""
    from flows.digitize import db_engine

    engine = db_engine(db_url)
    repo.upgrade(engine)
    return link_registry(engine, book_no=book_no)
