"""Cross-field checks of a birth record (``shared/domain/fields.md``).

Each failed check adds a reason code to the fields it concerns; a field with a reason goes to
review. Agreement between two independent readings (the date in digits and in words) raises both
fields' confidence: both would have to be misread into the same wrong day.
"""

from __future__ import annotations

from datetime import date

from extraction import identity
from extraction.forms import BIRTH_FIELDS
from extraction.types import FieldValue

# Days after the birth within which registration is "on time" (Civil Status Law 60/2014, art. 15).
ON_TIME_DAYS = 60
LAW_2014_FROM_YEAR = 2016
PARENT_AGE = (12, 70)


def _date(f: FieldValue | None) -> date | None:
    if f is None or not f.value:
        return None
    try:
        return date.fromisoformat(f.value)
    except ValueError:
        return None


def _flag(fields: dict[str, FieldValue], key: str, reason: str) -> None:
    f = fields.get(key)
    if f is not None and reason not in f.reasons:
        f.reasons.append(reason)


def _agree(a: FieldValue, b: FieldValue) -> None:
    both = 1.0 - (1.0 - a.confidence) * (1.0 - b.confidence)
    a.confidence = b.confidence = round(max(a.confidence, b.confidence, both), 4)


TWIN_PENALTY = 0.8


def _fill_from_twin(fields: dict[str, FieldValue], digits_key: str, words_key: str) -> None:
    """A date unreadable in digits ("26/40/2017") is taken from its twin in words, and the other
    way round: the two are independent readings of one date. Marked, so a reviewer sees it."""
    a, b = fields.get(digits_key), fields.get(words_key)
    if a is None or b is None:
        return
    for empty, full, reason in ((a, b, "date_from_words"), (b, a, "date_from_digits")):
        if empty.value is None and empty.raw and full.value is not None:
            empty.value = full.value
            empty.confidence = round(full.confidence * TWIN_PENALTY, 4)
            empty.reasons = [
                r
                for r in empty.reasons
                if not r.endswith("unparseable") and r != "required_missing"
            ]
            empty.reasons.append(reason)
            return


def cross_check(fields: dict[str, FieldValue], *, book_year: int | None = None) -> None:
    _fill_from_twin(fields, "child.date_of_birth", "child.date_of_birth_words")
    dob = _date(fields.get("child.date_of_birth"))
    dob_words = _date(fields.get("child.date_of_birth_words"))
    reg = _date(fields.get("registration_date"))
    if dob and dob_words:
        if dob == dob_words:
            _agree(fields["child.date_of_birth"], fields["child.date_of_birth_words"])
        else:
            _flag(fields, "child.date_of_birth", "date_words_mismatch")
            _flag(fields, "child.date_of_birth_words", "date_words_mismatch")
    if dob and reg and dob > reg:
        _flag(fields, "child.date_of_birth", "born_after_registration")
        _flag(fields, "registration_date", "born_after_registration")
    reg_year = reg.year if reg else book_year
    if dob:
        for parent in ("mother", "father"):
            yf = fields.get(f"{parent}.birth_year")
            if yf is not None and yf.value and yf.value.isdigit():
                age = dob.year - int(yf.value)
                if not PARENT_AGE[0] <= age <= PARENT_AGE[1]:
                    _flag(fields, f"{parent}.birth_year", "parent_age_implausible")
    kind = fields.get("registration_kind")
    if dob and reg and kind is not None and kind.value and reg.year >= LAW_2014_FROM_YEAR:
        delay = (reg - dob).days
        if (kind.value == "dung_han" and delay > ON_TIME_DAYS) or (
            kind.value == "qua_han" and delay <= ON_TIME_DAYS
        ):
            _flag(fields, "registration_kind", "registration_kind_inconsistent")
    pid = fields.get("child.personal_id")
    if pid is not None and pid.value:
        sex = fields.get("child.sex")
        for reason in identity.check_personal_id(
            pid.value,
            sex=sex.value if sex else None,
            birth_year=dob.year if dob else None,
        ):
            _flag(fields, "child.personal_id", reason)
    _required(fields, reg_year)


def _required(fields: dict[str, FieldValue], reg_year: int | None) -> None:
    kind = fields.get("registration_kind")
    parents_unknown = bool(kind and kind.value in ("chua_xac_dinh_cha_me", "bi_bo_roi"))
    for spec in BIRTH_FIELDS:
        f = fields.get(spec.key)
        if f is None or f.value is not None:
            continue
        required = spec.required
        if spec.key == "child.personal_id":
            # The personal number is printed only in books kept under the 2014 law.
            required = reg_year is not None and reg_year >= LAW_2014_FROM_YEAR
            if not required and "label_not_found" in f.reasons:
                f.reasons.remove("label_not_found")
                f.confidence = 1.0
        if spec.key.startswith("declarant.") and parents_unknown:
            required = False
        if required:
            _flag(fields, spec.key, "required_missing")
