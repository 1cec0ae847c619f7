"""One family of project exceptions.

Library code raises these with a message for the user (naming the file, page or field and what
to do) and an exit code; exactly one handler at the CLI edge prints them. Messages never carry
personal data (names, dates, ID numbers): they name files, pages, entries and field keys only.
"""

from __future__ import annotations


class CivregError(Exception):
    """Base class: ``str(err)`` is a one-line message fit to show a user."""

    exit_code: int = 1

    def __init__(self, message: str, *, advice: str | None = None) -> None:
        self.message = message
        self.advice = advice
        super().__init__(f"{message} — {advice}" if advice else message)


class InputError(CivregError):
    """The user's input (file, option) is unusable as a whole."""

    exit_code = 2


class PageError(CivregError):
    """One page is unusable; the rest of the book goes on and the page is marked failed."""

    exit_code = 3


class ConfigError(CivregError):
    exit_code = 4


class DatabaseError(CivregError):
    exit_code = 5
