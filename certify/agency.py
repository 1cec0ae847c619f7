"""Agencies on the registry API: clients with keys and scopes, the append-only access log,
per-client rate limits, and answers cut to what the scope allows.

A key is ``<key id>.<secret>``: the id is public (it names the client in logs), only the
secret's SHA-256 is kept (the secret has 256 random bits, so a fast hash is enough).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from certify.content import parse_iso
from certify.persons import PersonHit
from civreg_cli.errors import InputError
from registry_db.certificates import ApiAccessLog, ApiClient, RateWindow
from registry_db.models import utcnow
from registry_db.repository import _write


class Scope(StrEnum):
    PERSON_READ = "person:read"
    PERSON_SEARCH = "person:search"
    EXTRACT_ISSUE = "extract:issue"


REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class ApiRefusal(Exception):
    """A refused call: the HTTP status, a short code for the log and a message for the caller
    (never personal data)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_client(
    session: Session,
    name: str,
    scopes: list[str],
    *,
    by: str,
    rate_per_minute: int = 60,
    expires_at: datetime | None = None,
) -> tuple[ApiClient, str]:
    """A new API client; returns it and its key (shown once, never stored)."""
    if not _NAME.match(name):
        raise InputError(f"'{name[:64]}' is not a usable client name", advice="use a-z, 0-9, .-_")
    try:
        wanted = sorted({Scope(s).value for s in scopes})
    except ValueError:
        raise InputError(
            "unknown scope", advice=f"use {', '.join(s.value for s in Scope)}"
        ) from None
    if not wanted:
        raise InputError("an API client needs at least one scope")
    if rate_per_minute < 1:
        raise InputError("the rate limit is at least 1 call a minute")
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)

    def work() -> ApiClient:
        if session.scalar(sa.select(ApiClient.id).where(ApiClient.name == name)):
            raise InputError(f"an API client named {name} exists")
        client = ApiClient(
            name=name,
            key_id=key_id,
            key_hash=_hash(secret),
            scopes=wanted,
            rate_per_minute=rate_per_minute,
            active=True,
            expires_at=expires_at,
            created_by=by,
        )
        session.add(client)
        session.flush()
        return client

    return _write(session, f"create API client {name}", work), f"{key_id}.{secret}"


def deactivate_client(session: Session, client_id: int) -> ApiClient:
    def work() -> ApiClient:
        client = session.get(ApiClient, client_id, populate_existing=True)
        if client is None:
            raise InputError(f"API client id {client_id} does not exist")
        client.active = False
        return client

    return _write(session, f"deactivate API client id {client_id}", work)


@dataclass(frozen=True)
class Caller:
    """The API client making a call, as :func:`authenticate` found it (a plain value: read with
    one Core query, no ORM object to build on every call)."""

    id: int
    name: str
    scopes: tuple[str, ...]
    rate_per_minute: int


_CLIENT_BY_KEY = sa.select(
    ApiClient.id,
    ApiClient.name,
    ApiClient.key_hash,
    ApiClient.scopes,
    ApiClient.rate_per_minute,
    ApiClient.active,
    ApiClient.expires_at,
).where(ApiClient.key_id == sa.bindparam("key_id"))


def authenticate(session: Session, key: str | None) -> Caller:
    """The active, unexpired client of ``key``; :class:`ApiRefusal` (401) otherwise."""
    if not key or "." not in key or len(key) > 128:
        raise ApiRefusal(401, "no_key", "an API key is needed in the X-Api-Key header")
    key_id, secret = key.split(".", 1)
    row = session.connection().execute(_CLIENT_BY_KEY, {"key_id": key_id}).first()
    if row is None or not hmac.compare_digest(row.key_hash, _hash(secret)):
        raise ApiRefusal(401, "bad_key", "the API key is not valid")
    if not row.active:
        raise ApiRefusal(401, "revoked_key", "the API key was revoked")
    if row.expires_at is not None and row.expires_at <= utcnow():
        raise ApiRefusal(401, "expired_key", "the API key has expired")
    return Caller(row.id, row.name, tuple(row.scopes or ()), row.rate_per_minute)


def require_scope(client: Caller, scope: Scope) -> None:
    if scope.value not in client.scopes:
        raise ApiRefusal(403, "wrong_scope", f"this key does not have the scope {scope.value}")


def check_purpose(purpose: str | None) -> str:
    text = purpose or ""
    if not 3 <= len(text) <= 255 or not text.strip():
        raise ApiRefusal(400, "no_purpose", "every call must state its purpose (3-255 characters)")
    return text.strip()


def check_request_id(
    session: Session, client: Caller, request_id: str | None, *, lookup: bool = True
) -> str:
    """The call's unique id; a replay of an id this client used before is refused (409).
    ``lookup=False`` checks the form only, leaving replays to the access log's unique key
    (:func:`log_call` returns False on one): a read-only call saves a query."""
    if not request_id or not REQUEST_ID.match(request_id):
        raise ApiRefusal(
            400, "no_request_id", "every call needs a unique X-Request-Id (8-64 of A-Z a-z 0-9 _ -)"
        )
    if not lookup:
        return request_id
    seen = session.scalar(
        sa.select(ApiAccessLog.id).where(
            ApiAccessLog.client_id == client.id, ApiAccessLog.request_id == request_id
        )
    )
    if seen is not None:
        raise ApiRefusal(409, "replayed", "this X-Request-Id was used before: a replayed request")
    return request_id


def log_call(
    session: Session,
    *,
    client_id: int | None,
    request_id: str | None,
    endpoint: str,
    purpose: str | None,
    persons: list[int],
    outcome: str,
    status_code: int,
) -> bool:
    """Append one line to the API access log. False when the request id was taken meanwhile
    (a concurrent replay): the line is then written without it, as refused."""
    entry = {
        "client_id": client_id,
        "endpoint": endpoint[:64],
        "purpose": (purpose or None) and (purpose or "")[:255],
        "persons": persons,
        "outcome": outcome[:32],
        "status_code": status_code,
    }
    try:
        _append(session, {**entry, "request_id": request_id})
        return True
    except sa.exc.IntegrityError:
        if request_id is None:
            raise
        entry.update(persons=[], outcome="replayed", status_code=409)
        _append(session, {**entry, "request_id": None})
        return False


_LOG_INSERT = sa.insert(cast(sa.Table, ApiAccessLog.__table__))


def _append(session: Session, line: dict[str, Any]) -> None:
    """One line of the append-only log, committed at once: a plain INSERT (no unit of work to
    guard: nothing else is written with it). A lost race on the request id rolls back and
    raises IntegrityError."""
    try:
        session.connection().execute(_LOG_INSERT, line)  # Core: no ORM layer to go through
        session.commit()
    except BaseException:
        session.rollback()
        raise


def access_log(
    session: Session,
    *,
    client_id: int | None = None,
    purpose: str | None = None,
    person: int | None = None,
    limit: int = 200,
) -> list[tuple[ApiAccessLog, str | None]]:
    """The API access log, newest first, with each line's client name; filters optional
    (``person`` is a record id among the persons returned)."""
    stmt = (
        sa.select(ApiAccessLog, ApiClient.name)
        .outerjoin(ApiClient, ApiClient.id == ApiAccessLog.client_id)
        .order_by(ApiAccessLog.id.desc())
    )
    if client_id is not None:
        stmt = stmt.where(ApiAccessLog.client_id == client_id)
    if purpose:
        stmt = stmt.where(ApiAccessLog.purpose.contains(purpose, autoescape=True))
    rows: list[tuple[ApiAccessLog, str | None]] = [
        (log, name) for log, name in session.execute(stmt.limit(limit * 5 if person else limit))
    ]
    if person is not None:
        rows = [(log, name) for log, name in rows if person in (log.persons or [])]
    return rows[:limit]


def clients(session: Session) -> list[ApiClient]:
    return list(session.scalars(sa.select(ApiClient).order_by(ApiClient.name)))


# --- rate limits --------------------------------------------------------------------------------


class RateLimiter:
    """Calls a minute per caller (``bucket``), counted in the database (``rate_window``) so that
    every server process and host applies one limit. A sliding-window estimate: this minute's
    calls plus the previous minute's, weighted by the share of it still within the last 60 s.
    Refused calls count too (a caller hammering while limited stays limited).

    The count is committed at once, apart from the call's own transaction (a counter row held
    locked until a call's end would queue every call of a client). On PostgreSQL each thread
    keeps a connection of its own for it (autocommit, without waiting for the disk: a count
    lost in a crash costs nothing, a flush per call would): one statement a call. On SQLite
    (one process) the caller's session is committed: call it before anything is written.
    """

    def __init__(self, window_s: int = 60) -> None:
        self.window_s = window_s
        self._swept = -1  # the last window whose expired rows this process deleted
        self._local = threading.local()

    def allow(
        self, session: Session, bucket: str, per_window: int, now: float | None = None
    ) -> bool:
        moment = time.time() if now is None else now
        start = int(moment // self.window_s) * self.window_s
        before = start - self.window_s
        sweep = start != self._swept  # once a window a process: forget what can't count
        self._swept = start
        bind = session.get_bind()
        if bind.dialect.name == "postgresql":
            current, previous = self._count_postgresql(bind.engine, bucket, start, before, sweep)
        else:
            current, previous = self._count(session, bucket, start, before, sweep)
        share_of_previous = 1.0 - (moment - start) / self.window_s
        return current + previous * share_of_previous <= per_window

    def _count(
        self, session: Session, bucket: str, start: int, before: int, sweep: bool
    ) -> tuple[int, int]:
        conn = session.connection()
        conn.execute(_SQLITE_COUNT, {"bucket": bucket, "start": start})
        counts = dict(
            conn.execute(_WINDOWS, {"bucket": bucket, "start": start, "before": before}).all()
        )
        if sweep:
            conn.execute(_SWEEP, {"before": before})
        session.commit()
        return counts.get(start, 0), counts.get(before, 0)

    def _count_postgresql(
        self, engine: Engine, bucket: str, start: int, before: int, sweep: bool
    ) -> tuple[int, int]:
        import psycopg

        params = {"bucket": bucket, "start": start, "before": before}
        for attempt in (1, 2):  # a connection lost (a server restart) is made again, once
            conn = self._connection(engine)
            try:
                if sweep:
                    conn.execute(_PG_SWEEP, params)
                row = conn.execute(_PG_COUNT, params).fetchone()
                assert row is not None
                return int(row[0]), int(row[1])
            except psycopg.OperationalError:
                self._local.conn = None
                conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _connection(self, engine: Engine) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            raw = engine.raw_connection()
            conn = raw.driver_connection
            assert conn is not None
            raw.detach()  # this thread's own, never back in the pool
            conn.autocommit = True
            conn.execute("SET synchronous_commit TO OFF")
            self._local.conn = conn
        return conn


# One statement: count this call, read this and the previous minute's counts.
_PG_COUNT = """
WITH up AS (
    INSERT INTO rate_window (bucket, window_start, calls) VALUES (%(bucket)s, %(start)s, 1)
    ON CONFLICT (bucket, window_start) DO UPDATE SET calls = rate_window.calls + 1
    RETURNING calls
)
SELECT (SELECT calls FROM up),
       coalesce((SELECT calls FROM rate_window
                 WHERE bucket = %(bucket)s AND window_start = %(before)s), 0)
"""
_PG_SWEEP = "DELETE FROM rate_window WHERE window_start < %(before)s"


def address_bucket(kind: str, address: str) -> str:
    """A rate-limit bucket of a caller's address: hashed, so no address is stored."""
    return f"{kind}:" + hashlib.sha256(address.encode()).hexdigest()[:40]


_RATE = cast(sa.Table, RateWindow.__table__)
_WINDOWS = sa.select(_RATE.c.window_start, _RATE.c.calls).where(
    _RATE.c.bucket == sa.bindparam("bucket"),
    _RATE.c.window_start.in_((sa.bindparam("start"), sa.bindparam("before"))),
)
_SWEEP = sa.delete(_RATE).where(_RATE.c.window_start < sa.bindparam("before"))


# ``calls + 1`` for (bucket, minute), the row made on the first call: an upsert (the SQLite
# path; PostgreSQL's is the one statement of _PG_COUNT).
_SQLITE_COUNT = (
    sqlite.insert(_RATE)
    .values(bucket=sa.bindparam("bucket"), window_start=sa.bindparam("start"), calls=1)
    .on_conflict_do_update(
        index_elements=[_RATE.c.bucket, _RATE.c.window_start], set_={"calls": _RATE.c.calls + 1}
    )
)


# --- answers cut to the scope ---------------------------------------------------------------------


def person_ref(hit: PersonHit) -> str:
    """The person's reference in answers (the record that names them, for now)."""
    return f"{hit.kind.value}-{hit.record_id}"


def person_answer(hit: PersonHit, scope: Scope) -> dict[str, Any]:
    """What an agency may see of a person under ``scope``. Never ethnicity or parents; the
    personal number and the registration only under ``person:read``."""
    dob = parse_iso(hit.get("date_of_birth"))
    answer: dict[str, Any] = {
        "person_ref": person_ref(hit),
        "full_name": hit.get("full_name") or "",
        "date_of_birth": dob.isoformat() if dob else None,
        "sex": hit.get("sex"),
        "deceased": hit.role == "deceased",
    }
    if scope is Scope.PERSON_READ:
        died = parse_iso(hit.values.get("death.date")) if hit.role == "deceased" else None
        registered = parse_iso(hit.values.get("registration_date"))
        answer.update(
            personal_id=hit.get("personal_id"),
            nationality=hit.get("nationality"),
            place_of_birth=hit.get("place_of_birth"),
            date_of_death=died.isoformat() if died else None,
            place_of_death=hit.values.get("death.place") if hit.role == "deceased" else None,
            registration={
                "event": hit.kind.value,
                "office": hit.office,
                "book_no": hit.book_no,
                "entry_no": hit.entry_no,
                "date": registered.isoformat() if registered else None,
            },
        )
    return answer
