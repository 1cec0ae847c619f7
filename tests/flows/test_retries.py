"""Only transient I/O errors are retried; our own errors (a bad page, bad input) are not."""

from __future__ import annotations

import pytest

from civreg_cli.errors import InputError, PageError
from flows.digitize import _transient_only
from flows.steps import is_transient


class FailedState:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def result(self) -> None:
        raise self.exc


@pytest.mark.parametrize(
    ("exc", "retry"),
    [
        (OSError("disk busy"), True),
        (TimeoutError(), True),
        (ConnectionError(), True),
        (PageError("page 3: unreadable"), False),
        (InputError("book.pdf is not a PDF"), False),
        (ValueError("a bug"), False),
    ],
)
def test_retry_condition(exc: BaseException, retry: bool) -> None:
    assert is_transient(exc) is retry
    assert _transient_only(None, None, FailedState(exc)) is retry
