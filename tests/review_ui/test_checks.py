"""What a reviewer types is put in its stored form or refused; cross-checks run again."""

from __future__ import annotations

import pytest

from extraction.types import FieldStatus
from registry_db.models import FieldSource, FieldValueRow
from review_ui.checks import ValueRefused, normalise_typed, recheck


@pytest.mark.parametrize(
    ("key", "typed", "stored"),
    [
        ("registration_date", "2/3/2015", "2015-03-02"),
        ("registration_date", "2015-03-02", "2015-03-02"),
        ("child.sex", "nữ", "Nữ"),
        ("child.sex", "NAM", "Nam"),
        ("mother.birth_year", "1990", "1990"),
        ("child.personal_id", "001 215 000 123", "001215000123"),
        ("registration_kind", "Đúng hạn", "dung_han"),
        ("child.full_name", "  Nguyễn  Văn   An ", "Nguyễn Văn An"),
        ("notes", "", None),
    ],
)
def test_typed_values_are_stored_in_their_form(key: str, typed: str, stored: str | None) -> None:
    assert normalise_typed(key, typed) == stored


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        ("registration_date", "31/02/2015"),
        ("child.sex", "male"),
        ("mother.birth_year", "90"),
        ("child.personal_id", "12345"),
        ("registration_kind", "whenever"),
    ],
)
def test_values_of_the_wrong_form_are_refused(key: str, typed: str) -> None:
    with pytest.raises(ValueRefused):
        normalise_typed(key, typed)


def _row(key: str, value: str | None) -> FieldValueRow:
    return FieldValueRow(
        key=key,
        value=value,
        raw=value,
        confidence=0.9,
        page_no=1,
        bbox=None,
        status=FieldStatus.ACCEPTED,
        reasons=[],
        version=1,
        source=FieldSource.OCR,
    )


def test_recheck_sees_what_the_new_value_breaks_and_mends() -> None:
    rows = [
        _row("registration_date", "2015-03-02"),
        _row("child.date_of_birth", "2015-01-10"),
        _row("child.date_of_birth_words", "2015-01-10"),
    ]
    broken = recheck(
        rows, changed_key="child.date_of_birth", new_value="2015-01-11", book_year=2015
    )
    assert broken.of("child.date_of_birth") == ["date_words_mismatch"]
    assert broken.of("child.date_of_birth_words") == ["date_words_mismatch"]
    late = recheck(rows, changed_key="child.date_of_birth", new_value="2015-04-01", book_year=2015)
    assert "born_after_registration" in late.of("registration_date")
    fine = recheck(rows, changed_key="child.date_of_birth", new_value="2015-01-10", book_year=2015)
    assert fine.of("child.date_of_birth") == []
