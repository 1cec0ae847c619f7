"""The API's rate limit is counted in the database, so that every server process shares it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from certify.agency import RateLimiter, address_bucket
from registry_db import session_factory
from registry_db.certificates import RateWindow

T0 = 1_800_000_000.0  # a window start (a multiple of 60)


def test_two_processes_share_one_limit(engine: Engine) -> None:
    sessions = session_factory(engine)
    one, two = RateLimiter(), RateLimiter()  # two workers, each its own limiter
    with sessions() as a, sessions() as b:
        answers = [
            (one if i % 2 else two).allow(a if i % 2 else b, "client:7", 3, now=T0 + i)
            for i in range(5)
        ]
    assert answers == [True, True, True, False, False]


def test_the_previous_minute_counts_for_its_share_still_inside_the_window(
    session: Session,
) -> None:
    limiter = RateLimiter()
    assert all(limiter.allow(session, "client:8", 10, now=T0 + 50) for _ in range(10))
    # 15 s into the next minute: 10 calls x 0.75 of the previous minute are still in the window
    assert limiter.allow(session, "client:8", 10, now=T0 + 75)  # 7.5 + 1 = 8.5
    assert limiter.allow(session, "client:8", 10, now=T0 + 75)  # 9.5
    assert not limiter.allow(session, "client:8", 10, now=T0 + 75)  # 10.5
    # other callers are counted apart
    assert limiter.allow(session, "client:9", 1, now=T0 + 75)
    # a minute later the old windows are swept
    assert limiter.allow(session, "client:8", 10, now=T0 + 185)
    starts = set(session.scalars(sa.select(RateWindow.window_start)))
    assert min(starts) >= T0 + 120


def test_an_address_is_stored_hashed() -> None:
    bucket = address_bucket("verify", "203.0.113.9")
    assert bucket.startswith("verify:") and "203.0.113.9" not in bucket
    assert len(bucket) <= 96
    assert bucket == address_bucket("verify", "203.0.113.9")
