"""Passwords (argon2id), signed session cookies and CSRF tokens."""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "civreg_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
MIN_PASSWORD_CHARS = 10

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> tuple[bool, str | None]:
    """``(ok, new_hash)``: ``new_hash`` is set when the stored hash should be upgraded."""
    try:
        _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, _hasher.hash(password) if _hasher.check_needs_rehash(stored_hash) else None


# A hash to verify against when the user does not exist, so both paths take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def burn_time(password: str) -> None:
    verify_password(_DUMMY_HASH, password)


def load_secret_key(configured: str, data_dir: Path) -> str:
    """The configured key, else one made once and kept (mode 0600) in ``<data_dir>/secret_key``."""
    if configured:
        return configured
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


@dataclass
class SessionData:
    """What the session cookie holds: the user's id (None: not signed in) and the CSRF token."""

    user_id: int | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    dirty: bool = False  # to be sent back in Set-Cookie

    def to_payload(self) -> dict[str, Any]:
        return {"u": self.user_id, "c": self.csrf}

    def check_csrf(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf, str(token))


class SessionCodec:
    """Signs and reads the session cookie (itsdangerous, HMAC-SHA1 with a derived key, timed)."""

    def __init__(self, secret_key: str, max_age_s: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="civreg-session")
        self.max_age_s = max_age_s

    def dumps(self, session: SessionData) -> str:
        return self._serializer.dumps(session.to_payload())

    def loads(self, cookie: str | None) -> SessionData:
        """The session in a cookie; a fresh one when it is missing, forged or too old."""
        if not cookie:
            return SessionData(dirty=True)
        try:
            payload = self._serializer.loads(cookie, max_age=self.max_age_s)
        except (BadSignature, ValueError, TypeError):
            return SessionData(dirty=True)
        if not isinstance(payload, dict) or not isinstance(payload.get("c"), str):
            return SessionData(dirty=True)
        uid = payload.get("u")
        return SessionData(user_id=uid if isinstance(uid, int) else None, csrf=payload["c"])
