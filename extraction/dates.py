"""Dates as the register writes them: in digits (``15/03/2015``) and in words.

``shared/domain/dates_in_words.md`` lists the variants; every one is accepted by
``parse_date_words``. Both parsers tolerate OCR noise; the ``read_*`` functions also say what had
to be corrected so the caller can lower its confidence, the ``parse_*`` ones return the date only.

Reason codes in ``DateReading.reasons``:

- ``date_ocr_chars_fixed`` — a letter read in place of a digit (``O``→0, ``l``/``I``→1, …);
- ``date_spaces_removed`` — spaces inside the digits were dropped (``1 5/03/20 15``);
- ``date_two_digit_year`` — a two-digit year was expanded (``15/03/15``); century is a guess;
- ``date_digits_adjacent`` — other digits stand next to the date (``12 15/03/2015``);
- ``date_words_accent_fixed`` — a number word matched without (or with a wrong) diacritic;
- ``date_words_fuzzy`` — a number word or marker matched with one letter wrong;
- ``date_words_split`` — two words run together (``mườilăm``) or one word split were re-cut;
- ``date_words_ambiguous_tens`` — ``mười``/``mươi`` had to be decided from context;
- ``date_words_extra_tokens`` — words that are not part of a date were ignored at the end;
- ``date_words_nonstandard`` — an unusual but readable form (``mười năm`` for 15).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cache

from rapidfuzz.distance import Levenshtein

from extraction.text import clean_text, fold_accents, nfc

MIN_YEAR = 1800
MAX_YEAR = 2199


@dataclass(frozen=True)
class DateReading:
    """A parsed date with what had to be corrected to read it (empty ``reasons``: read as is)."""

    value: date
    reasons: tuple[str, ...] = ()

    @property
    def corrected(self) -> bool:
        return bool(self.reasons)


# --------------------------------------------------------------------------------------------
# Digits
# --------------------------------------------------------------------------------------------

# Letters OCR reads in place of digits.
_DIGIT_LOOKALIKES = {
    "O": "0",
    "o": "0",
    "Q": "0",
    "D": "0",
    "U": "0",
    "Ø": "0",  # a slashed zero (mono type), as the id numbers' reader maps it
    "ø": "0",
    "l": "1",
    "I": "1",
    "i": "1",
    "|": "1",
    "!": "1",
    "L": "1",
    "Z": "2",
    "z": "2",
    "S": "5",
    "s": "5",
    "B": "8",
    "G": "6",
    "b": "6",
    "g": "9",
    "q": "9",
    "T": "7",
}
_DL = "0-9" + re.escape("".join(_DIGIT_LOOKALIKES))
_SEP = r"\s*[/⁄\-.,\\]\s*"  # ⁄: the fraction slash OCR writes for a slash
_NOT_AFTER_DIGIT = r"(?<![0-9])(?<![0-9] )"
_NOT_BEFORE_DIGIT = r"(?!\s?[0-9])"
_D2 = rf"[{_DL}]{{1,2}}"
_D2_SPACED = rf"[{_DL}](?:\s?[{_DL}])?"
# Tried in order: 4-digit year; 4-digit year with OCR spaces inside numbers; 2-digit year.
_DATE_DIGITS_RES = (
    re.compile(rf"{_NOT_AFTER_DIGIT}({_D2}){_SEP}({_D2}){_SEP}([{_DL}]{{4}}){_NOT_BEFORE_DIGIT}"),
    re.compile(
        rf"{_NOT_AFTER_DIGIT}({_D2_SPACED}){_SEP}({_D2_SPACED}){_SEP}"
        rf"([{_DL}](?:\s?[{_DL}]){{3}}){_NOT_BEFORE_DIGIT}"
    ),
    re.compile(rf"{_NOT_AFTER_DIGIT}({_D2}){_SEP}({_D2}){_SEP}([{_DL}]{{2}}){_NOT_BEFORE_DIGIT}"),
    # One separator lost by OCR ("0904/2018", "09/042018"): unambiguous with two digits each.
    re.compile(
        rf"{_NOT_AFTER_DIGIT}([{_DL}]{{2}})([{_DL}]{{2}}){_SEP}([{_DL}]{{4}}){_NOT_BEFORE_DIGIT}"
    ),
    re.compile(
        rf"{_NOT_AFTER_DIGIT}([{_DL}]{{2}}){_SEP}([{_DL}]{{2}})([{_DL}]{{4}}){_NOT_BEFORE_DIGIT}"
    ),
    # Last resort: a date with other digits next to it after a space ("12 15/03/2015").
    re.compile(rf"(?<![0-9])({_D2}){_SEP}({_D2}){_SEP}([{_DL}]{{4}})(?![0-9])"),
)
_LOST_SEPARATOR_RES = (3, 4)  # indexes of the two patterns above


def _digits_of(group: str) -> tuple[str, bool, bool] | None:
    """(digits, letters fixed, spaces removed) for a regex group, or None if not digit-like."""
    spaced = " " in group
    s = group.replace(" ", "")
    if not any(c.isdigit() for c in s) and len(s) > 1:
        return None
    out = "".join(_DIGIT_LOOKALIKES.get(c, c) for c in s)
    if not out.isdigit():
        return None
    return out, out != s, spaced


def _make_date(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


# Two-digit years (rare in the books): 00..39 → 2000s, 40..99 → 1900s.
TWO_DIGIT_YEAR_PIVOT = 40


def _expand_two_digit_year(yy: int) -> int:
    return 2000 + yy if yy < TWO_DIGIT_YEAR_PIVOT else 1900 + yy


def read_date_digits(text: str) -> DateReading | None:
    """Read ``dd/mm/yyyy`` (also ``d/m/yyyy``, ``-`` or ``.`` separators) from OCR text.

    The first valid date found in ``text`` wins; letters OCR confuses with digits are mapped
    (``2O15``, ``l5``) and spaces inside the numbers are dropped, both reported.
    """
    s = nfc(text)
    for n, regex in enumerate(_DATE_DIGITS_RES):
        for m in regex.finditer(s):
            parts = [_digits_of(g) for g in m.groups()]
            if any(p is None for p in parts):
                continue
            (d, fd, sd), (mo, fm, sm), (y, fy, sy) = (p for p in parts if p is not None)
            reasons: list[str] = []
            if fd or fm or fy:
                reasons.append("date_ocr_chars_fixed")
            if sd or sm or sy:
                reasons.append("date_spaces_removed")
            if n == len(_DATE_DIGITS_RES) - 1:
                reasons.append("date_digits_adjacent")
            if n in _LOST_SEPARATOR_RES:
                reasons.append("date_separator_lost")
            year = int(y)
            if len(y) == 2:
                year = _expand_two_digit_year(year)
                reasons.append("date_two_digit_year")
            value = _make_date(year, int(mo), int(d))
            if value is not None:
                return DateReading(value, tuple(reasons))
    return None


def parse_date_digits(text: str) -> date | None:
    """``15/03/2015`` → ``date(2015, 3, 15)``; None if no valid date can be read."""
    r = read_date_digits(text)
    return r.value if r else None


def format_date_digits(d: date) -> str:
    """The book's digit form, ``dd/mm/yyyy``."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------


class _K(Enum):
    DIGIT = "digit"  # 0..9 (incl. the digit tokens of "Ngày 15 tháng 3")
    NUM = "num"  # a number written in digits (any size)
    TEN = "ten"  # mười (10)
    TENS = "tens"  # mươi (×10)
    TEN_OR_TENS = "ten?"  # "muoi": mười or mươi, decided by context
    HUNDRED = "hundred"
    THOUSAND = "thousand"
    LINH = "linh"  # linh / lẻ
    MUNG = "mung"  # mùng / mồng
    MONTH_NAME = "month"  # Giêng (1), Chạp (12)
    DAY_M = "ngay"
    MONTH_M = "thang"
    NAM = "nam"  # năm: the year marker or five


@dataclass(frozen=True)
class _Lex:
    kind: _K
    value: int = 0
    word: str = ""  # canonical word (for unit variants: mốt, tư, lăm, nhăm)


# Canonical spellings (NFC, lower case).
_WORDS: dict[str, _Lex] = {
    "không": _Lex(_K.DIGIT, 0, "không"),
    "một": _Lex(_K.DIGIT, 1, "một"),
    "mốt": _Lex(_K.DIGIT, 1, "mốt"),
    "hai": _Lex(_K.DIGIT, 2, "hai"),
    "ba": _Lex(_K.DIGIT, 3, "ba"),
    "bốn": _Lex(_K.DIGIT, 4, "bốn"),
    "tư": _Lex(_K.DIGIT, 4, "tư"),
    "sáu": _Lex(_K.DIGIT, 6, "sáu"),
    "bảy": _Lex(_K.DIGIT, 7, "bảy"),
    "bẩy": _Lex(_K.DIGIT, 7, "bảy"),
    "tám": _Lex(_K.DIGIT, 8, "tám"),
    "chín": _Lex(_K.DIGIT, 9, "chín"),
    "lăm": _Lex(_K.DIGIT, 5, "lăm"),
    "nhăm": _Lex(_K.DIGIT, 5, "nhăm"),
    "mười": _Lex(_K.TEN, 10, "mười"),
    "mươi": _Lex(_K.TENS, 10, "mươi"),
    "trăm": _Lex(_K.HUNDRED, 100, "trăm"),
    "nghìn": _Lex(_K.THOUSAND, 1000, "nghìn"),
    "ngàn": _Lex(_K.THOUSAND, 1000, "ngàn"),
    "linh": _Lex(_K.LINH, 0, "linh"),
    "lẻ": _Lex(_K.LINH, 0, "lẻ"),
    "mùng": _Lex(_K.MUNG, 0, "mùng"),
    "mồng": _Lex(_K.MUNG, 0, "mồng"),
    "giêng": _Lex(_K.MONTH_NAME, 1, "giêng"),
    "chạp": _Lex(_K.MONTH_NAME, 12, "chạp"),
    "ngày": _Lex(_K.DAY_M, 0, "ngày"),
    "tháng": _Lex(_K.MONTH_M, 0, "tháng"),
    "năm": _Lex(_K.NAM, 5, "năm"),
}

# Folded (accent-free) spellings; "muoi" is the one real clash (mười/mươi), resolved by context.
_FOLDED: dict[str, _Lex] = {}
for _w, _lex in _WORDS.items():
    _f = fold_accents(_w)
    if _f == "muoi":
        _FOLDED[_f] = _Lex(_K.TEN_OR_TENS, 10, "muoi")
    elif _f not in _FOLDED or _FOLDED[_f].value == _lex.value:
        _FOLDED.setdefault(_f, _lex)
    else:  # pragma: no cover - guarded by a test that lists the folded forms
        raise AssertionError(f"ambiguous folded number word {_f!r}")

# Fuzzy matching (one edit) only for folded words this long; short words are too close together.
_FUZZY_MIN_LEN = 4
_NUM_TOKEN_RE = re.compile(r"^[0-9OoIl]+$")


@cache
def _fuzzy_word(folded: str) -> _Lex | None:
    """The unique folded word within one edit of ``folded`` (len >= 4), else None."""
    if len(folded) < _FUZZY_MIN_LEN:
        return None
    hits = {
        w: lex
        for w, lex in _FOLDED.items()
        if len(w) >= _FUZZY_MIN_LEN and Levenshtein.distance(w, folded, score_cutoff=1) <= 1
    }
    kinds = {(lex.kind, lex.value) for lex in hits.values()}
    if len(kinds) != 1:
        return None
    return next(iter(hits.values()))


def _lookup(token: str) -> tuple[_Lex | None, str | None]:
    """(lexeme, reason) for one lower-case NFC token; reason None when read exactly."""
    lex = _WORDS.get(token)
    if lex is not None:
        return lex, None
    if token.isdigit():
        return _Lex(_K.NUM, int(token), token), None
    if _NUM_TOKEN_RE.match(token) and any(c.isdigit() for c in token):
        fixed = "".join(_DIGIT_LOOKALIKES.get(c, c) for c in token)
        if fixed.isdigit():
            return _Lex(_K.NUM, int(fixed), fixed), "date_ocr_chars_fixed"
    folded = fold_accents(token)
    lex = _FOLDED.get(folded)
    if lex is not None:
        return lex, "date_words_accent_fixed"
    lex = _fuzzy_word(folded)
    if lex is not None:
        return lex, "date_words_fuzzy"
    return None, None


_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+")


def _tokens(text: str) -> list[str]:
    s = clean_text(text).lower()
    # Keep OCR-confused digit tokens (2O15) together: split letters from digits only when the
    # token is not digit-like as a whole.
    out: list[str] = []
    for raw in re.findall(r"[^\W_]+", s):
        if _NUM_TOKEN_RE.match(raw) and any(c.isdigit() for c in raw):
            out.append(raw)
        else:
            out.extend(_TOKEN_RE.findall(raw))
    return out


def _lex_tokens(tokens: list[str]) -> tuple[list[_Lex | None], set[str]]:
    """Look every token up; re-cut merged or split words. Unknown tokens stay as None."""
    lexes: list[_Lex | None] = []
    reasons: set[str] = set()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        lex, why = _lookup(tok)
        if lex is not None:
            lexes.append(lex)
            if why:
                reasons.add(why)
            i += 1
            continue
        # Two words read as one ("mườilăm"): cut where both halves are words.
        cut = _split_merged(tok)
        if cut is not None:
            lexes.extend(cut)
            reasons.add("date_words_split")
            i += 1
            continue
        # One word read as two ("ngh ìn"): join with the next token.
        if i + 1 < len(tokens):
            joined, why = _lookup(tok + tokens[i + 1])
            if joined is not None and joined.kind is not _K.NUM:
                lexes.append(joined)
                reasons.add("date_words_split")
                if why:
                    reasons.add(why)
                i += 2
                continue
        lexes.append(None)
        i += 1
    return lexes, reasons


def _split_merged(tok: str) -> list[_Lex] | None:
    folded = fold_accents(tok)
    for k in range(2, len(tok) - 1):
        a = _WORDS.get(tok[:k]) or _FOLDED.get(folded[:k])
        b = _WORDS.get(tok[k:]) or _FOLDED.get(folded[k:])
        if a is not None and b is not None:
            return [a, b]
    return None


def _resolve_tens(lexes: list[_Lex], reasons: set[str]) -> list[_Lex]:
    """Decide ``muoi`` (and misplaced mười/mươi): after a digit 2..9 it is mươi, else mười."""
    out: list[_Lex] = []
    for lex in lexes:
        if lex.kind in (_K.TEN, _K.TENS, _K.TEN_OR_TENS):
            prev = out[-1] if out else None
            after_digit = (
                prev is not None and prev.kind in (_K.DIGIT, _K.NAM) and 2 <= prev.value <= 9
            )
            kind = _K.TENS if after_digit else _K.TEN
            if lex.kind is not kind:  # "muoi", or mười/mươi in the other one's place
                reasons.add("date_words_ambiguous_tens")
            lex = _Lex(kind, 10, lex.word)
        out.append(lex)
    return out


def _unit(lex: _Lex, *, after_tens: bool) -> int | None:
    """Value of a unit word 0..9. ``mốt``/``lăm``/``nhăm`` only follow tens."""
    if lex.kind is _K.NAM:
        return 5
    if lex.kind is not _K.DIGIT:
        return None
    if not after_tens and lex.word in ("mốt", "lăm", "nhăm"):
        return None
    return lex.value


def _below_100(lx: list[_Lex], reasons: set[str]) -> int | None:
    """0..99 written in words (``mười lăm``, ``hai mươi mốt``, ``hai mốt``)."""
    n = len(lx)
    if n == 0:
        return None
    first = lx[0]
    if n == 1:
        if first.kind is _K.TEN:
            return 10
        return _unit(first, after_tens=False)
    if first.kind is _K.TEN:
        if n != 2:
            return None
        u = _unit(lx[1], after_tens=True)
        if u is None or u == 0:
            return None
        if lx[1].kind is _K.NAM or lx[1].word == "mốt":
            reasons.add("date_words_nonstandard")
        return 10 + u
    d = _unit(first, after_tens=False)
    if d is None or d < 2:
        return None
    if lx[1].kind is _K.TENS:
        if n == 2:
            return 10 * d
        if n != 3:
            return None
        u = _unit(lx[2], after_tens=True)
        if u is None or u == 0:
            return None
        return 10 * d + u
    # "mươi" dropped: "hai mốt", "ba lăm".
    if n == 2:
        u = _unit(lx[1], after_tens=True)
        if u is None or u == 0:
            return None
        return 10 * d + u
    return None


def _number(lx: list[_Lex], reasons: set[str]) -> int | None:
    """A number 0..9999 in words, or one written in digits."""
    if not lx:
        return None
    if len(lx) == 1 and lx[0].kind is _K.NUM:
        return lx[0].value
    if any(x.kind is _K.NUM for x in lx):
        return None
    total = 0
    i = 0
    big = False
    if len(lx) >= 2 and lx[1].kind is _K.THOUSAND:
        t = _unit(lx[0], after_tens=False)
        if t is None or t == 0:
            return None
        total += 1000 * t
        i = 2
        big = True
    if len(lx) - i >= 2 and lx[i + 1].kind is _K.HUNDRED:
        h = _unit(lx[i], after_tens=False)
        if h is None or (h == 0 and not big):
            return None
        total += 100 * h
        i += 2
        big = True
    rest = lx[i:]
    if not rest:
        return total if big else None
    if rest[0].kind is _K.LINH:
        if not big or len(rest) != 2:
            return None
        u = _unit(rest[1], after_tens=True)
        if u is None or u == 0 or rest[1].word in ("mốt", "lăm", "nhăm"):
            return None
        return total + u
    low = _below_100(rest, reasons)
    if low is None:
        return None
    if big and low < 10:
        return None  # "hai nghìn năm" is ambiguous; books write "không trăm linh năm"
    return total + low


def read_number_words(text: str) -> tuple[int, tuple[str, ...]] | None:
    """A number 0..9999 written in words or digits (``một nghìn chín trăm tám mươi bảy``).

    Returns (value, reasons) with the same reason codes as ``read_date_words``; None if the
    whole text is not one number.
    """
    tokens = _tokens(text)
    if not tokens:
        return None
    raw, reasons = _lex_tokens(tokens)
    if any(x is None or x.kind in _MARKERS for x in raw):
        return None
    value = _number(_resolve_tens([x for x in raw if x is not None], reasons), reasons)
    if value is None:
        return None
    return value, tuple(sorted(reasons))


def parse_number_words(text: str) -> int | None:
    """``hai nghìn không trăm mười lăm`` → 2015; None if ``text`` is not one number."""
    r = read_number_words(text)
    return r[0] if r else None


_MARKERS = frozenset((_K.DAY_M, _K.MONTH_M, _K.MUNG, _K.MONTH_NAME))


def _day(lx: list[_Lex], reasons: set[str]) -> int | None:
    if lx and lx[0].kind is _K.MUNG:
        lx = lx[1:]
    v = _number(lx, reasons)
    return v if v is not None and 1 <= v <= 31 else None


def _month(lx: list[_Lex], reasons: set[str]) -> int | None:
    if len(lx) == 1 and lx[0].kind is _K.MONTH_NAME:
        return lx[0].value
    v = _number(lx, reasons)
    return v if v is not None and 1 <= v <= 12 else None


def _year(lx: list[_Lex], reasons: set[str]) -> int | None:
    v = _number(lx, reasons)
    return v if v is not None and MIN_YEAR <= v <= MAX_YEAR else None


def _drop_trailing_digit_date(lexes: list[_Lex | None], reasons: set[str]) -> list[_Lex | None]:
    """A year in words followed by the date in digits (``… mười lăm (15/03/2015)``): the digits
    (three numbers or more after the words) are not part of the year."""
    first_num = next((i for i, x in enumerate(lexes) if x is not None and x.kind is _K.NUM), None)
    if first_num is None or first_num == 0:
        return lexes
    tail = lexes[first_num:]
    if len(tail) >= 3 and all(x is not None and x.kind is _K.NUM for x in tail):
        reasons.add("date_words_extra_tokens")
        return lexes[:first_num]
    return lexes


def _is_marker(lex: _Lex | None, kind: _K) -> bool:
    return lex is not None and lex.kind is kind


def read_date_words(text: str) -> DateReading | None:
    """Read a date written in words (``Ngày mười lăm tháng ba năm hai nghìn không trăm mười lăm``).

    Parsed by structure — [ngày] <day> tháng <month> năm <year> — because ``năm`` is both the
    year marker and the number five. Number words match accent-insensitively when unambiguous.
    """
    tokens = _tokens(text)
    if not tokens:
        return None
    raw_lexes, reasons = _lex_tokens(tokens)
    # "tháng": the first month marker. Words before it (after the last "ngày") are the day.
    try:
        m_idx = next(i for i, lx in enumerate(raw_lexes) if _is_marker(lx, _K.MONTH_M))
    except StopIteration:
        return None
    day_start = 0
    for i in range(m_idx):
        if _is_marker(raw_lexes[i], _K.DAY_M):
            day_start = i + 1
    day_raw = raw_lexes[day_start:m_idx]
    if any(x is None for x in day_raw):
        # Unknown words before the day (a label left in the value): keep the known tail.
        j = max(i for i, x in enumerate(day_raw) if x is None)
        day_raw = day_raw[j + 1 :]
        reasons.add("date_words_extra_tokens")
    day_lx = _resolve_tens([x for x in day_raw if x is not None], reasons)
    day = _day(day_lx, reasons)
    if day is None:
        return None
    after = raw_lexes[m_idx + 1 :]
    for k, lex in enumerate(after):
        if not _is_marker(lex, _K.NAM):
            continue
        month_raw = after[:k]
        if not month_raw or any(x is None for x in month_raw):
            continue
        local = set(reasons)
        month = _month(_resolve_tens([x for x in month_raw if x is not None], local), local)
        if month is None:
            continue
        year_raw = after[k + 1 :]
        # Trailing words that are not numbers (a closing label, a stamp read as text): ignore.
        if None in year_raw:
            year_raw = year_raw[: year_raw.index(None)]
            local.add("date_words_extra_tokens")
        year_raw = _drop_trailing_digit_date(year_raw, local)
        year = _year(_resolve_tens([x for x in year_raw if x is not None], local), local)
        if year is None:
            continue
        value = _make_date(year, month, day)
        if value is not None:
            return DateReading(value, tuple(sorted(local)))
    return None


def parse_date_words(text: str) -> date | None:
    """The date written in words in ``text``, or None (see ``read_date_words``)."""
    r = read_date_words(text)
    return r.value if r else None


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

# Every style is parsed back by parse_date_words (property-tested over 1900..2035).
DATE_WORD_STYLES: tuple[str, ...] = (
    "standard",  # Ngày mười lăm tháng ba năm hai nghìn không trăm mười lăm
    "mung",  # Ngày mùng năm … (days 1..10)
    "mong",  # Ngày mồng năm … (days 1..10)
    "month_names",  # tháng Giêng (1), tháng Chạp (12)
    "bon",  # bốn everywhere (tháng bốn, hai mươi bốn), một after mươi
    "southern",  # ngàn, lẻ
    "spoken",  # mươi dropped (hai mốt, tám bảy), nhăm for 5 after tens
    "digits",  # Ngày 15 tháng 3 năm 2015
    "commas",  # Ngày mười lăm, tháng ba, năm …
    "lower",  # ngày mười lăm tháng ba …
    "upper",  # NGÀY MƯỜI LĂM THÁNG BA …
    "no_ngay",  # mười lăm tháng ba năm … (no leading "Ngày")
)

_UNITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


@dataclass(frozen=True)
class _Opts:
    four_after_tens: str = "tư"
    one_after_tens: str = "mốt"
    five_after_tens: str = "lăm"
    drop_muoi: bool = False
    thousand: str = "nghìn"
    zero_tens: str = "linh"


def _words_below_100(n: int, o: _Opts) -> list[str]:
    if n < 10:
        return [_UNITS[n]]
    tens, unit = divmod(n, 10)
    if tens == 1:
        head = ["mười"]
        if unit == 0:
            return head
        return [*head, "lăm" if unit == 5 else _UNITS[unit]]
    if unit == 0:
        return [_UNITS[tens], "mươi"]
    word = {1: o.one_after_tens, 4: o.four_after_tens, 5: o.five_after_tens}.get(unit, _UNITS[unit])
    if o.drop_muoi:
        return [_UNITS[tens], word]
    return [_UNITS[tens], "mươi", word]


def number_words(n: int, *, style: str = "standard") -> str:
    """A number 0..9999 in words as the book writes it: 2005 → ``hai nghìn không trăm linh năm``."""
    if not 0 <= n <= 9999:
        raise ValueError(f"number out of range: {n}")
    return " ".join(_number_words(n, _style_opts(style)))


def _number_words(n: int, o: _Opts) -> list[str]:
    if n < 100:
        return _words_below_100(n, o)
    thousands, rest = divmod(n, 1000)
    hundreds, low = divmod(rest, 100)
    out: list[str] = []
    if thousands:
        out += [_UNITS[thousands], o.thousand]
        if rest == 0:
            return out
        out += [_UNITS[hundreds], "trăm"]
    else:
        out += [_UNITS[hundreds], "trăm"]
    if low == 0:
        return out
    if low < 10:
        return [*out, o.zero_tens, _UNITS[low]]
    return out + _words_below_100(low, o)


def _style_opts(style: str) -> _Opts:
    if style == "bon":
        return _Opts(four_after_tens="bốn", one_after_tens="một")
    if style == "southern":
        return _Opts(thousand="ngàn", zero_tens="lẻ")
    if style == "spoken":
        return _Opts(drop_muoi=True, five_after_tens="nhăm")
    if style in DATE_WORD_STYLES:
        return _Opts()
    raise ValueError(f"unknown date style {style!r}; one of {DATE_WORD_STYLES}")


def render_date_words(d: date, *, style: str = "standard") -> str:
    """The date in words, e.g. ``Ngày mười lăm tháng ba năm hai nghìn không trăm mười lăm``.

    ``style`` is one of ``DATE_WORD_STYLES``; ``standard`` is the form registry software prints.
    """
    o = _style_opts(style)
    if style == "digits":
        return f"Ngày {d.day} tháng {d.month} năm {d.year}"
    day = _words_below_100(d.day, o)
    if style in ("mung", "mong") and d.day <= 10:
        day = ["mùng" if style == "mung" else "mồng", *day]
    if d.month == 4:
        month = ["bốn" if style == "bon" else "tư"]
    elif style == "month_names" and d.month in (1, 12):
        month = ["Giêng" if d.month == 1 else "Chạp"]
    else:
        month = _words_below_100(d.month, _Opts())
    year = _number_words(d.year, o)
    sep = ", " if style == "commas" else " "
    parts = [
        " ".join(["Ngày", *day]),
        " ".join(["tháng", *month]),
        " ".join(["năm", *year]),
    ]
    text = sep.join(parts)
    if style == "lower":
        return text.lower()
    if style == "upper":
        return text.upper()
    if style == "no_ngay":
        return text[len("Ngày ") :]
    return text
