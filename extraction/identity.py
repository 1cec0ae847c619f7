"""Identity numbers (``shared/domain/identity.md``): the 12-digit personal number, CMND, passport.

``check_*`` return the reason codes for a number (empty: fine); ``read_*`` return an ``IdCheck``
with the cleaned number too. Nothing is changed silently: OCR letter/digit confusions are
mapped and reported.

Reason codes:

- ``personal_id_not_12_digits`` — after clean-up the number is not 12 digits (an error);
- ``personal_id_unknown_province`` — ``PPP`` is neither ``0`` + a province code nor 101–295;
- ``personal_id_bad_century_digit`` — ``G`` is 6..9 (no century/sex meaning);
- ``personal_id_sex_mismatch`` — ``G`` disagrees with the recorded sex (a warning);
- ``personal_id_year_mismatch`` — century and ``YY`` disagree with the birth year (a warning);
- ``id_doc_ocr_fixed`` — letters read for digits (``O``→0, ``l``→1 …) were mapped;
- ``cmnd_not_9_digits`` — an old ID card number that is neither 9 nor 12 digits;
- ``passport_bad_format`` — not a letter followed by 7 digits;
- ``id_doc_no_unrecognised`` — a number that fits no known paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extraction.text import nfc
from extraction.vocab import province_name

PERSONAL_ID_LEN = 12
CMND_LEN = 9
ABROAD_CODES = range(101, 296)  # country codes for births registered abroad

_DIGIT_FIXES = str.maketrans(
    {"O": "0", "o": "0", "Q": "0", "D": "0", "l": "1", "I": "1", "i": "1", "|": "1", "!": "1",
     "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6", "b": "6", "g": "9", "q": "9",
     "T": "7", "Ø": "0", "ø": "0", "Ô": "0", "ô": "0"}
)  # fmt: skip
_LETTER_FIXES = {"0": "O", "8": "B", "5": "S", "1": "I", "6": "G", "2": "Z", "4": "A", "7": "T"}
_SEPARATORS_RE = re.compile(r"[\s.\-_,:;'`/\\—–~\"“”]+")


@dataclass(frozen=True)
class IdCheck:
    """A cleaned identity number with what was corrected and what is wrong with it.

    ``value`` is None only when no number could be read at all.
    """

    value: str | None
    reasons: tuple[str, ...] = ()
    corrected: bool = False

    @property
    def ok(self) -> bool:
        return not [r for r in self.reasons if r != "id_doc_ocr_fixed"]


@dataclass(frozen=True)
class PersonalIdInfo:
    """What a 12-digit personal number says (``PPP G YY NNNNNN``)."""

    place_code: str  # PPP
    province: str | None  # pre-2025 province name when PPP = 0 + a province code
    abroad: bool  # PPP is a country code (101..295)
    sex: str | None  # "Nam" / "Nữ"; None for G = 6..9
    birth_year: int | None  # century from G + YY; None for G = 6..9
    serial: str


def _strip(raw: str) -> str:
    return _SEPARATORS_RE.sub("", nfc(raw)).strip()


def clean_digits(raw: str) -> tuple[str, bool]:
    """Remove separators and map OCR letter confusions to digits: (text, whether mapped).

    Only a string that is mostly digits (60 % or more) is mapped: a word stays a word.
    """
    s = _strip(raw)
    digits = sum(c.isdigit() for c in s)
    if not s or digits * 5 < len(s) * 3:
        return s, False
    fixed = s.translate(_DIGIT_FIXES)
    return fixed, fixed != s


def decode_personal_id(number: str) -> PersonalIdInfo | None:
    """Decode a 12-digit personal number; None if ``number`` is not 12 digits."""
    if len(number) != PERSONAL_ID_LEN or not number.isdigit():
        return None
    ppp, g, yy, serial = number[:3], int(number[3]), int(number[4:6]), number[6:]
    sex: str | None = None
    year: int | None = None
    if g <= 5:
        sex = "Nam" if g % 2 == 0 else "Nữ"
        year = 1900 + 100 * (g // 2) + yy
    province = province_name(ppp)
    return PersonalIdInfo(
        place_code=ppp,
        province=province,
        abroad=int(ppp) in ABROAD_CODES,
        sex=sex,
        birth_year=year,
        serial=serial,
    )


def drop_stray_tail(raw: str, lengths: tuple[int, ...]) -> str:
    """A number followed by a speck read as a letter (``001215284119 l``): the tail goes when
    what stays has a valid number of digits, so the speck is not mapped to a digit (l → 1)."""
    words = raw.split()
    while len(words) > 1 and not any(c.isdigit() for c in words[-1]):
        words.pop()
        head = " ".join(words)
        if sum(c.isdigit() for c in head) in lengths:
            return head
    return raw


def read_personal_id(raw: str, *, sex: str | None = None, birth_year: int | None = None) -> IdCheck:
    """Check a personal number against identity.md (and the record's sex and birth year).

    ``sex`` is ``Nam``/``Nữ`` as normalised; a mismatch is a warning for review.
    """
    kept = drop_stray_tail(raw, (PERSONAL_ID_LEN,))
    s, fixed = clean_digits(kept)
    fixed = fixed or kept != raw
    if not s:
        return IdCheck(None)
    reasons: list[str] = []
    if fixed:
        reasons.append("id_doc_ocr_fixed")
    if len(s) != PERSONAL_ID_LEN or not s.isdigit():
        return IdCheck(s, (*reasons, "personal_id_not_12_digits"), fixed)
    info = decode_personal_id(s)
    assert info is not None
    if info.province is None and not info.abroad:
        reasons.append("personal_id_unknown_province")
    if info.sex is None:
        reasons.append("personal_id_bad_century_digit")
    else:
        if sex is not None and sex in ("Nam", "Nữ") and sex != info.sex:
            reasons.append("personal_id_sex_mismatch")
        if birth_year is not None and birth_year != info.birth_year:
            reasons.append("personal_id_year_mismatch")
    return IdCheck(s, tuple(reasons), fixed)


def read_cmnd(raw: str) -> IdCheck:
    """An old ID card number: 9 digits (12-digit cards were also issued 2012–2016)."""
    kept = drop_stray_tail(raw, (CMND_LEN, PERSONAL_ID_LEN))
    s, fixed = clean_digits(kept)
    fixed = fixed or kept != raw
    if not s:
        return IdCheck(None)
    reasons = ["id_doc_ocr_fixed"] if fixed else []
    if not s.isdigit() or len(s) not in (CMND_LEN, PERSONAL_ID_LEN):
        reasons.append("cmnd_not_9_digits")
    return IdCheck(s, tuple(reasons), fixed)


_PASSPORT_RE = re.compile(r"^[A-Z][0-9]{7}$")


def read_passport(raw: str) -> IdCheck:
    """A passport number: one letter and 7 digits (``B1234567``, ``C0123456``)."""
    original = _strip(raw)
    s = original.upper()
    if not s:
        return IdCheck(None)
    if _PASSPORT_RE.match(s):
        return IdCheck(s)
    if len(s) == 8:
        head = _LETTER_FIXES.get(s[0], s[0])
        tail = original[1:].translate(_DIGIT_FIXES)
        fixed = head + tail
        if _PASSPORT_RE.match(fixed):
            return IdCheck(fixed, ("id_doc_ocr_fixed",), True)
    return IdCheck(s, ("passport_bad_format",))


def read_id_doc_no(raw: str, doc_type: str | None = None) -> IdCheck:
    """Check the number of an identity paper of type ``doc_type`` (a forms.ID_DOC_TYPES code).

    Without a type the number is classified by its shape: 12 digits (CCCD / personal number),
    9 digits (CMND) or a passport number.
    """
    if doc_type in ("cccd", "the_can_cuoc"):
        return read_personal_id(raw)
    if doc_type == "cmnd":
        return read_cmnd(raw)
    if doc_type == "ho_chieu":
        return read_passport(raw)
    s, _ = clean_digits(raw)
    if not s:
        return IdCheck(None)
    if s.isdigit() and len(s) == PERSONAL_ID_LEN:
        return read_personal_id(raw)
    if s.isdigit() and len(s) == CMND_LEN:
        return read_cmnd(raw)
    p = read_passport(raw)
    if p.ok:
        return p
    return IdCheck(_strip(raw), ("id_doc_no_unrecognised",))


def check_personal_id(
    raw: str, *, sex: str | None = None, birth_year: int | None = None
) -> tuple[str, ...]:
    """Reason codes for a personal number (empty when it passes every check of identity.md).

    ``personal_id_not_12_digits`` is an error; ``personal_id_unknown_province``,
    ``personal_id_bad_century_digit``, ``personal_id_sex_mismatch`` and
    ``personal_id_year_mismatch`` are warnings for review; ``id_doc_ocr_fixed`` says letters
    were read as digits. A blank value gives no reasons.
    """
    return read_personal_id(raw, sex=sex, birth_year=birth_year).reasons


def check_cmnd(raw: str) -> tuple[str, ...]:
    """Reason codes for an old ID card number (``cmnd_not_9_digits``, ``id_doc_ocr_fixed``)."""
    return read_cmnd(raw).reasons


def check_passport(raw: str) -> tuple[str, ...]:
    """Reason codes for a passport number (``passport_bad_format``, ``id_doc_ocr_fixed``)."""
    return read_passport(raw).reasons


def check_id_doc_no(raw: str, doc_type: str | None = None) -> tuple[str, ...]:
    """Reason codes for the number of an identity paper (see ``read_id_doc_no``)."""
    return read_id_doc_no(raw, doc_type).reasons
