"""Cross-field checks of a record of each register (``shared/domain/fields.md``).

``check_record`` runs the checks of the record's register: ``cross_check`` (birth),
``check_marriage``, ``check_death``.

Each failed check adds a reason code to the fields it concerns; a field with a reason goes to
review. Agreement between two independent readings (the date in digits and in words) raises both
fields' confidence: both would have to be misread into the same wrong day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from extraction import identity, values
from extraction.forms import BIRTH_FIELDS, DEATH_FIELDS, MARRIAGE_FIELDS, FieldSpec
from extraction.gazetteer import check_places, place_keys
from extraction.notes_nlp import annotate_notes
from extraction.phrases import DEATH_CAUSES, DEATH_RELATIONSHIPS, TITLES, issuers
from extraction.syllables import is_valid_syllable
from extraction.types import FieldValue
from extraction.vocab import authority_province_code, canonical_province

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
    _check_issue_date(fields, "declarant", reg)
    _check_in_list(fields, "signer.title", TITLES, "title_not_in_list")
    _check_in_list(fields, "declarant.id_doc_issuer", issuers(), "issuer_not_in_list")
    _check_parent_details(fields)
    _required(fields, reg_year)


def _check_parent_details(fields: dict[str, FieldValue]) -> None:
    """A parent who is named has an ethnicity, a nationality and a year of birth: found blank,
    the value was lost (moved to another line, under a stamp), not left empty by the clerk."""
    for parent in ("mother", "father"):
        name = fields.get(f"{parent}.full_name")
        if name is None or not name.value:
            continue
        for attr in ("ethnicity", "nationality", "birth_year"):
            f = fields.get(f"{parent}.{attr}")
            if f is not None and f.value is None and "label_not_found" not in f.reasons:
                _flag(fields, f"{parent}.{attr}", "parent_detail_missing")


def _required(
    fields: dict[str, FieldValue],
    reg_year: int | None,
    specs: tuple[FieldSpec, ...] = BIRTH_FIELDS,
    personal_id_key: str = "child.personal_id",
) -> None:
    kind = fields.get("registration_kind")
    parents_unknown = bool(kind and kind.value in ("chua_xac_dinh_cha_me", "bi_bo_roi"))
    for spec in specs:
        f = fields.get(spec.key)
        if f is None or f.value is not None:
            continue
        required = spec.required
        if spec.key == personal_id_key:
            # The personal number is printed only in books kept under the 2014 law.
            required = reg_year is not None and reg_year >= LAW_2014_FROM_YEAR
            if not required and "label_not_found" in f.reasons:
                f.reasons.remove("label_not_found")
                f.confidence = 1.0
        if spec.key.startswith("declarant.") and parents_unknown:
            required = False
        if required:
            _flag(fields, spec.key, "required_missing")


# --- closed lists and plausible text (marriage and death) -------------------------------------

CASE_FIXED_FACTOR = 0.9
# A province-level unit's word before its name at the end of an address.
_PROVINCE_WORDS = ("thành phố ", "tp. ", "tp ", "tỉnh ")


def _check_in_list(
    fields: dict[str, FieldValue], key: str, phrases: tuple[str, ...], reason: str
) -> None:
    """A value of a closed list (a title, an issuer, a relation) that is none of its phrases was
    cut short or misread (a stamp over "Phó Chủ tịch" leaves "Phó")."""
    f = fields.get(key)
    if f is not None and f.value and f.value not in phrases:
        _flag(fields, key, reason)


def _check_ends_in_province(fields: dict[str, FieldValue], key: str) -> None:
    """An address ends with its province (``…, TP Hà Nội``): a dangling ``TP`` or a province
    name that is none means the end was cut or misread."""
    f = fields.get(key)
    if f is None or not f.value:
        return
    last = f.value.rsplit(",", 1)[-1].strip()
    folded = last.lower()
    for word in _PROVINCE_WORDS:
        if folded.startswith(word):
            last = last[len(word) :]
            break
    if canonical_province(last) != last:
        _flag(fields, key, "place_province_unreadable")


def _check_plausible_text(fields: dict[str, FieldValue], key: str) -> None:
    """Free text is words: a value with a letter run that is no Vietnamese syllable, or with
    fewer than three letters in all (a stamp's or a signature's strokes read as ``m``, ``Ắ``),
    is flagged."""
    f = fields.get(key)
    if f is None or not f.value:
        return
    words = [w.strip(".,:;()\"'…-/").lower() for w in f.value.split()]
    alpha = [w for w in words if w.isalpha()]
    mixed = any(  # a letter misread as a digit inside a word: "6ià yếu"
        any(ch.isdigit() for ch in w) and any(ch.isalpha() for ch in w) for w in words
    )
    if mixed or sum(len(w) for w in alpha) < 3 or not all(is_valid_syllable(w) for w in alpha):
        _flag(fields, key, "text_implausible")


def _capitalise_first(fields: dict[str, FieldValue], key: str) -> None:
    """A cause, an issuer, a note starts with a capital: a first letter read in lower case (a
    capital C or a small c alike in a monospaced face) is put right, and the fix recorded."""
    f = fields.get(key)
    if f is not None and f.value and f.value[0].islower():
        f.value = f.value[0].upper() + f.value[1:]
        f.confidence = round(f.confidence * CASE_FIXED_FACTOR, 4)
        if "case_corrected" not in f.reasons:
            f.reasons.append("case_corrected")


# --- marriage ---------------------------------------------------------------------------------

# Legal minimum ages at marriage (Marriage and Family Law 52/2014, art. 8).
MARRIAGE_MIN_AGE = {"wife": 18, "husband": 20}
SPOUSE_SEX = {"wife": "Nữ", "husband": "Nam"}
# A cohabitation recognised as a marriage began before this day (resolution 35/2000/QH10).
RECOGNITION_BEFORE = date(1987, 1, 3)
# Identity papers whose number is the holder's personal number.
CHIP_CARDS = ("cccd", "the_can_cuoc")


def age_on(birth: date, day: date) -> int:
    """Whole years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _check_id_doc(
    fields: dict[str, FieldValue], role: str, sex: str | None, birth: date | None
) -> None:
    """A chip card's number is the holder's personal number: it must fit their sex and birth
    year; a paper is not issued after the registration it is shown at."""
    doc_type, doc_no = fields.get(f"{role}.id_doc_type"), fields.get(f"{role}.id_doc_no")
    if doc_type and doc_no and doc_type.value in CHIP_CARDS and doc_no.value:
        checked = identity.check_personal_id(
            doc_no.value, sex=sex, birth_year=birth.year if birth else None
        )
        for reason in checked:
            if reason.endswith(("_sex_mismatch", "_year_mismatch")):
                _flag(fields, f"{role}.id_doc_no", reason.replace("personal_id_", "id_doc_no_"))


# An identity paper shown at a registration was issued before it, within a paper's lifetime.
ID_DOC_MAX_AGE_YEARS = 40
DATE_REPAIR_FACTOR = 0.85


def _check_issue_date(fields: dict[str, FieldValue], role: str, reg: date | None) -> None:
    """A paper is not issued after the registration it is shown at. A date that is unreadable
    or later is first read again with confusable digits (``2036`` for ``2016`` in a worn
    type, ``87/06`` for ``07/06``): one date before the registration reached by the fewest
    changes is taken, marked ``id_doc_issue_date_digits_repaired`` (a guess from context: it
    always goes to review)."""
    key = f"{role}.id_doc_issue_date"
    f = fields.get(key)
    if f is None or reg is None:
        return
    issued = _date(f)
    unreadable = f.value is None and "id_doc_issue_date_unparseable" in f.reasons
    if (issued is not None and issued > reg) or unreadable:
        earliest = date(reg.year - ID_DOC_MAX_AGE_YEARS, 1, 1)
        repaired = values.repair_date_digits(f.raw or "", earliest, reg)
        if repaired is not None:
            f.value = repaired[0].isoformat()
            f.confidence = round(
                (f.confidence if not unreadable else 1.0) * DATE_REPAIR_FACTOR ** repaired[1], 4
            )
            f.reasons = [r for r in f.reasons if r != "id_doc_issue_date_unparseable"]
            _flag(fields, key, "id_doc_issue_date_digits_repaired")
            return
    if issued and issued > reg:
        _flag(fields, key, "id_doc_issued_after_registration")


def check_marriage(fields: dict[str, FieldValue], *, book_year: int | None = None) -> None:
    """Both spouses of age at registration (and at the start of a recognised cohabitation,
    which began before 1987 and before the registration); chip-card numbers that fit the
    spouse; required fields present."""
    reg = _date(fields.get("registration_date"))
    since = _date(fields.get("marriage_recognised_date"))
    if since and (since >= RECOGNITION_BEFORE or (reg and since > reg)):
        _flag(fields, "marriage_recognised_date", "recognised_date_implausible")
    for role, min_age in MARRIAGE_MIN_AGE.items():
        birth = _date(fields.get(f"{role}.date_of_birth"))
        if birth and reg and age_on(birth, reg) < min_age:
            _flag(fields, f"{role}.date_of_birth", "spouse_under_age")
            _flag(fields, "registration_date", "spouse_under_age")
        if birth and since and age_on(birth, since) < min_age:
            _flag(fields, f"{role}.date_of_birth", "spouse_under_age")
            _flag(fields, "marriage_recognised_date", "spouse_under_age")
        _check_id_doc(fields, role, SPOUSE_SEX[role], birth)
        _check_issue_date(fields, role, reg)
        _check_in_list(fields, f"{role}.id_doc_issuer", issuers(), "issuer_not_in_list")
        _check_ends_in_province(fields, f"{role}.residence")
    _check_in_list(fields, "signer.title", TITLES, "title_not_in_list")
    _capitalise_first(fields, "notes")
    _check_plausible_text(fields, "notes")
    _required(fields, reg.year if reg else book_year, MARRIAGE_FIELDS, "")


# --- death ------------------------------------------------------------------------------------

# Days after the death within which registration is "on time" (Civil Status Law 60/2014, art. 33).
DEATH_ON_TIME_DAYS = 15
# Registration kinds fixed by the deceased's age: (minimum, maximum) age in whole years.
AGE_KINDS = {"duoi_1_tuoi": (0, 0), "duoi_5_tuoi": (1, 4)}


def check_death(fields: dict[str, FieldValue], *, book_year: int | None = None) -> None:
    """Death after birth and not after its registration; the death notice issued between the
    death and the registration; the date in words agrees; the kind fits the delay (on time
    within 15 days) or the deceased's age (under 1, 1 to 4); the personal number and a chip
    card's number fit the deceased's sex and birth year and each other; required fields."""
    _fill_from_twin(fields, "death.date", "death.date_words")
    birth = _date(fields.get("deceased.date_of_birth"))
    death = _date(fields.get("death.date"))
    death_words = _date(fields.get("death.date_words"))
    reg = _date(fields.get("registration_date"))
    notice = _date(fields.get("death_notice.date"))
    if death and death_words:
        if death == death_words:
            _agree(fields["death.date"], fields["death.date_words"])
        else:
            _flag(fields, "death.date", "date_words_mismatch")
            _flag(fields, "death.date_words", "date_words_mismatch")
    if birth and death and death < birth:
        _flag(fields, "death.date", "died_before_birth")
        _flag(fields, "deceased.date_of_birth", "died_before_birth")
    if death and reg and death > reg:
        _flag(fields, "death.date", "died_after_registration")
        _flag(fields, "registration_date", "died_after_registration")
    if notice and death and notice < death:
        _flag(fields, "death_notice.date", "notice_before_death")
    if notice and reg and notice > reg:
        _flag(fields, "death_notice.date", "notice_after_registration")
    kind = fields.get("registration_kind")
    if kind is not None and kind.value and death:
        if kind.value in AGE_KINDS and birth:
            lo, hi = AGE_KINDS[kind.value]
            if not lo <= age_on(birth, death) <= hi:
                _flag(fields, "registration_kind", "registration_kind_inconsistent")
        elif kind.value in ("dung_han", "qua_han") and reg and reg.year >= LAW_2014_FROM_YEAR:
            late = (reg - death).days > DEATH_ON_TIME_DAYS
            if late == (kind.value == "dung_han"):
                _flag(fields, "registration_kind", "registration_kind_inconsistent")
    sex = fields.get("deceased.sex")
    sex_value = sex.value if sex else None
    pid = fields.get("deceased.personal_id")
    if pid is not None and pid.value:
        for reason in identity.check_personal_id(
            pid.value, sex=sex_value, birth_year=birth.year if birth else None
        ):
            _flag(fields, "deceased.personal_id", reason)
    _check_id_doc(fields, "deceased", sex_value, birth)
    doc_type, doc_no = fields.get("deceased.id_doc_type"), fields.get("deceased.id_doc_no")
    if (
        pid is not None
        and pid.value
        and doc_type
        and doc_type.value in CHIP_CARDS
        and doc_no
        and doc_no.value
        and doc_no.value != pid.value
    ):
        _flag(fields, "deceased.id_doc_no", "id_doc_no_differs_from_personal_id")
        _flag(fields, "deceased.personal_id", "id_doc_no_differs_from_personal_id")
    _check_ends_in_province(fields, "deceased.residence")
    _check_in_list(fields, "signer.title", TITLES, "title_not_in_list")
    _check_in_list(
        fields, "declarant.relationship", DEATH_RELATIONSHIPS, "relationship_not_in_list"
    )
    # A cause in other words than registers usually use is read by a person: a misread one
    # ("Bột quy" for "Đột quỵ") is a real word pair and passes every other check.
    _check_in_list(fields, "death.cause", DEATH_CAUSES, "cause_not_in_list")
    for key in ("death.cause", "death_notice.issuer", "notes"):
        _capitalise_first(fields, key)
    for key in ("death.cause", "notes"):  # an issuer may be a foreign-named hospital
        _check_plausible_text(fields, key)
    _required(fields, reg.year if reg else book_year, DEATH_FIELDS, "deceased.personal_id")


Check = Callable[..., None]
CHECKS: dict[str, Check] = {"birth": cross_check, "marriage": check_marriage, "death": check_death}


def check_record(
    fields: dict[str, FieldValue],
    register_type: str,
    *,
    book_year: int | None = None,
    authority: str | None = None,
) -> None:
    """Run the checks of ``register_type``'s records on ``fields`` (reasons added in place);
    ``authority`` is the book's registering authority."""
    CHECKS[register_type](fields, book_year=book_year)
    check_places(fields, place_keys(register_type))
    annotate_notes(fields, register_type, _date(fields.get("registration_date")))
    if register_type == "birth" and authority:
        check_personal_id_province(fields, authority)


def check_personal_id_province(fields: dict[str, FieldValue], authority: str) -> None:
    """A child's personal number starts with the code of the province where the birth was
    registered (identity.md): the book's. Another code is a misread digit (``001`` read
    ``004`` in a worn monospaced type)."""
    pid = fields.get("child.personal_id")
    expected = authority_province_code(authority)
    if pid is None or not pid.value or expected is None or len(pid.value) != 12:
        return
    if _repair_personal_id_prefix(fields, expected):
        return
    if pid.value[:3] != expected:
        _flag(fields, "child.personal_id", "personal_id_province_mismatch")


_PREFIX_REASONS = (
    "personal_id_province_mismatch",
    "personal_id_sex_mismatch",
    "personal_id_year_mismatch",
    "personal_id_bad_century_digit",
    "personal_id_unknown_province",
)
MAX_PREFIX_REPAIRS = 2


def _repair_personal_id_prefix(fields: dict[str, FieldValue], province_code: str) -> bool:
    """A child's personal number begins with what the record says (identity.md): the book's
    province code, the century-and-sex digit, the year of birth (``PPP G YY``). When those six
    digits as read differ from it only by a digit or two that the type confuses (``004`` for
    ``001``, ``2472`` for ``2172``), the record's are taken and the field is marked
    ``personal_id_digits_repaired`` for review. Only with a birth date its words confirm."""
    pid, sex, dob = (
        fields.get(k) for k in ("child.personal_id", "child.sex", "child.date_of_birth")
    )
    birth = _date(dob)
    if not (pid and pid.value and birth and sex and sex.value in ("Nam", "Nữ")):
        return False
    if dob is None or any(r.startswith("date_words_mismatch") for r in dob.reasons):
        return False
    century = (birth.year // 100) - 19
    if not 0 <= century <= 2:
        return False
    expected = f"{province_code}{2 * century + (sex.value == 'Nữ')}{birth.year % 100:02d}"
    read = pid.value[:6]
    diffs = [i for i in range(6) if read[i] != expected[i]]
    if not diffs or len(diffs) > MAX_PREFIX_REPAIRS:
        return False
    if any(read[i] not in values.DIGIT_CONFUSIONS.get(expected[i], "") for i in diffs):
        return False
    pid.value = expected + pid.value[6:]
    pid.reasons = [r for r in pid.reasons if r not in _PREFIX_REASONS]
    _flag(fields, "child.personal_id", "personal_id_digits_repaired")
    return True
