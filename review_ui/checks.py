"""The checks a reviewer's value goes through on save.

1. Its form, by the field's type (a date must be a day, a year four digits, the sex Nam or Nữ, a
   personal number twelve digits, a closed-list value one of its codes): a value that fails is
   refused with a message and nothing is saved.
2. The record's cross-field checks (``extraction.checks.cross_check``) are run again over the
   record with the new value: what they still find is kept on the field and shown at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from extraction.checks import cross_check
from extraction.forms import ID_DOC_TYPES, REGISTRATION_KINDS, SPEC_BY_KEY, FieldType
from extraction.types import FieldStatus, FieldValue
from registry_db.models import FieldValueRow

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_SPACES = re.compile(r"\s+")
SEX_VALUES = {"nam": "Nam", "nữ": "Nữ", "nu": "Nữ"}
CLOSED_LISTS: dict[str, dict[str, tuple[str, ...]]] = {
    "registration_kind": REGISTRATION_KINDS,
    "declarant.id_doc_type": ID_DOC_TYPES,
}


class ValueRefused(ValueError):
    """The typed value does not have its field's form; the message says what is expected."""


def _date(text: str) -> str:
    m = _DMY.match(text)
    try:
        day = date(int(m[3]), int(m[2]), int(m[1])) if m else date.fromisoformat(text)
    except ValueError:
        raise ValueRefused("not a date: type it as dd/mm/yyyy (e.g. 02/03/2015)") from None
    return day.isoformat()


def normalise_typed(key: str, text: str | None) -> str | None:
    """The stored form of what a reviewer typed for ``key`` (``None`` for blank).

    Raises :class:`ValueRefused` when the value does not have the field's form.
    """
    if text is None:
        return None
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if not text:
        return None
    spec = SPEC_BY_KEY.get(key)
    ftype = spec.type if spec else FieldType.TEXT
    if ftype is FieldType.DATE:
        return _date(text)
    if ftype is FieldType.YEAR:
        if not re.fullmatch(r"\d{4}", text) or not 1850 <= int(text) <= 2100:
            raise ValueRefused("not a year: type four digits (e.g. 1990)")
        return text
    if ftype is FieldType.SEX:
        sex = SEX_VALUES.get(text.casefold())
        if sex is None:
            raise ValueRefused("type Nam or Nữ")
        return sex
    if ftype is FieldType.PERSONAL_ID:
        digits = text.replace(" ", "")
        if not re.fullmatch(r"\d{12}", digits):
            raise ValueRefused("a personal number is 12 digits")
        return digits
    if key in CLOSED_LISTS:
        codes = CLOSED_LISTS[key]
        folded = text.casefold()
        for code, wordings in codes.items():
            if folded == code or folded in (w.casefold() for w in wordings):
                return code
        raise ValueRefused(f"use one of: {', '.join(codes)}")
    return text


@dataclass(frozen=True)
class CheckResult:
    """What the record's checks say after a change: reason codes per field key (only keys with
    any), and the reasons of the changed field itself."""

    by_key: dict[str, list[str]]

    def of(self, key: str) -> list[str]:
        return self.by_key.get(key, [])


def recheck(
    rows: Iterable[FieldValueRow], *, changed_key: str, new_value: str | None, book_year: int | None
) -> CheckResult:
    """Run the record's cross-field checks with ``changed_key`` set to ``new_value``.

    Only the checks' own findings are reported (not the pipeline's reading notes): each field
    is given its current value with full confidence and no reasons.
    """
    fields: dict[str, FieldValue] = {}
    for row in rows:
        value = new_value if row.key == changed_key else row.value
        fields[row.key] = FieldValue(
            key=row.key,
            value=value,
            raw=value,
            confidence=1.0,
            page=row.page_no,
            status=FieldStatus.ACCEPTED,
            reasons=[],
        )
    cross_check(fields, book_year=book_year)
    return CheckResult({k: list(f.reasons) for k, f in fields.items() if f.reasons})
