"""Verification codes and other secrets handed to the public: unguessable (128 random bits)."""

from __future__ import annotations

import re
import secrets

CODE_BYTES = 16  # 128 bits: guessing one valid code among millions is hopeless
_CODE = re.compile(r"^[A-Za-z0-9_-]{22}$")


def new_code() -> str:
    """A fresh verification code: 22 URL-safe characters."""
    return secrets.token_urlsafe(CODE_BYTES)


def looks_like_code(text: str) -> bool:
    """Whether ``text`` has the shape of a code (checked before any database look-up)."""
    return bool(_CODE.match(text))


def new_token() -> str:
    """A requester's secret for following a request and downloading the copy (256 bits)."""
    return secrets.token_urlsafe(32)
