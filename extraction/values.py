"""Field-value normalisers: OCR'd text → the export form of each ``forms.FieldType``.

``normalise(field_type, raw)`` returns a ``Normalised``: the value in export form (ISO dates,
``Nam``/``Nữ``, canonical ethnic group, category codes, 12-digit personal number, …), whether
the text had to be *corrected* to get it (OCR noise fixed, a fuzzy match), the reasons, and a
``score`` 0..1 (1.0 read as is). Every correction has a reason code, so ``corrected`` implies
non-empty ``reasons``. Blank values (dots, a dash, leaders only) are ``None`` with no
reasons. Nothing is guessed silently: every correction shows in ``corrected``/``reasons``.

Reason codes, by type (besides those of ``extraction.dates``, ``extraction.identity``):

- ``date_unparseable``, ``date_words_unparseable``, ``date_words_in_digits``;
- ``year_unparseable``, ``year_out_of_range``;
- ``sex_unknown``; ``ethnicity_unknown``; ``nationality_not_in_list``; ``vocab_ambiguous``;
- corrections of closed-list values: ``<kind>_accent_fixed`` (matched without accents) and
  ``<kind>_fuzzy_match`` (a letter or two wrong), kind = ``sex``, ``ethnicity``,
  ``nationality``, ``registration_kind``, ``id_doc_type``;
- ``registration_kind_unknown``, ``id_doc_type_unknown``, ``category_unknown``,
  ``category_ambiguous``;
- ``name_invalid_syllables`` (a syllable that is not Vietnamese: OCR garbage or a minority
  name), ``name_has_digits``;
- ``place_component_corrected`` (a ward/district/province name snapped to the gazetteer),
  ``place_prefix_corrected`` (``phuờng`` → ``phường``);
- ``entry_no_unparseable``;
- ``parse_id_doc``: ``id_doc_type_unknown``, ``id_doc_type_corrected``, ``id_doc_no_missing``,
  ``id_doc_no_ocr_fixed``, ``id_doc_no_not_12_digits``, ``id_doc_no_not_9_digits``,
  ``id_doc_no_bad_passport_format``, ``id_doc_no_unrecognised``, ``id_doc_no_<personal_id
  warning>`` (``…_unknown_province``, ``…_bad_century_digit``), ``id_doc_issue_date_unparseable``,
  ``id_doc_issue_date_corrected``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Literal, NamedTuple

from rapidfuzz.distance import Levenshtein

from extraction.dates import read_date_digits, read_date_words, read_number_words
from extraction.forms import FieldType
from extraction.identity import IdCheck, clean_digits, read_id_doc_no, read_personal_id
from extraction.refno import read_ref_no
from extraction.syllables import (
    OCR_CONFUSIONS,
    Lexicon,
    correct_phrase,
    is_valid_syllable,
    lexicon_key,
)
from extraction.text import clean_text, fold_accents, is_blank, nfc
from extraction.times import read_time
from extraction.vocab import (
    ADMIN_KINDS,
    AdminLevel,
    VocabMatch,
    canonical_province,
    match_ethnicity,
    match_id_doc_type,
    match_nationality,
    match_registration_kind,
    match_sex,
    place_names,
)

Category = Literal["registration_kind", "id_doc_type"]


@dataclass(frozen=True)
class Normalised:
    """A normalised field value.

    ``value``: export form, None when blank or unreadable. ``corrected``: the text had to be
    changed beyond clean-up (OCR fix, fuzzy match). ``reasons``: codes for review.
    ``score``: 0..1, how sure the normalisation is (1.0 exact/canonical).
    """

    value: str | None
    corrected: bool = False
    reasons: tuple[str, ...] = ()
    score: float = 1.0


BLANK = Normalised(None)

# How much each correction lowers the score (multiplied together).
PENALTIES: dict[str, float] = {
    "date_ocr_chars_fixed": 0.85,
    "date_spaces_removed": 0.9,
    "date_two_digit_year": 0.6,
    "date_digits_adjacent": 0.7,
    "date_words_accent_fixed": 0.9,
    "date_words_fuzzy": 0.8,
    "date_words_split": 0.9,
    "date_words_ambiguous_tens": 0.9,
    "date_words_extra_tokens": 0.85,
    "date_words_nonstandard": 0.9,
    "date_words_in_digits": 0.9,
    "id_doc_ocr_fixed": 0.85,
    "date_separator_lost": 0.8,
    "time_ocr_fixed": 0.85,
    "ref_no_ocr_fixed": 0.85,
}
_WARNING_SCORE = 0.7  # a value read cleanly but failing a check (personal number mismatch)


def _penalised(reasons: tuple[str, ...]) -> float:
    score = 1.0
    for r in reasons:
        score *= PENALTIES.get(r, 1.0)
    return round(score, 4)


def _from_vocab(m: VocabMatch, kind: str) -> Normalised:
    """``kind`` names the reason of a correction: ``<kind>_accent_fixed``/``<kind>_fuzzy_match``."""
    if m.how == "blank":
        return BLANK
    reasons = m.reasons
    if m.how == "folded":
        reasons = (*reasons, f"{kind}_accent_fixed")
    elif m.how == "fuzzy":
        reasons = (*reasons, f"{kind}_fuzzy_match")
    return Normalised(m.value, m.corrected, reasons, m.score if m.value is not None else 0.0)


# --------------------------------------------------------------------------------------------
# Dates and numbers
# --------------------------------------------------------------------------------------------


def normalise_date(raw: str) -> Normalised:
    """``15/03/2015`` (or the date in words) → ``2015-03-15``; reason ``date_unparseable``."""
    if is_blank(raw):
        return BLANK
    r = read_date_digits(raw) or read_date_words(raw)
    if r is None:
        return Normalised(None, False, ("date_unparseable",), 0.0)
    return Normalised(r.value.isoformat(), r.corrected, r.reasons, _penalised(r.reasons))


def normalise_date_words(raw: str) -> Normalised:
    """A date in words → ISO; a digit date in its place is read with ``date_words_in_digits``."""
    if is_blank(raw):
        return BLANK
    r = read_date_words(raw)
    if r is not None:
        return Normalised(r.value.isoformat(), r.corrected, r.reasons, _penalised(r.reasons))
    d = read_date_digits(raw)
    if d is not None:
        reasons = (*d.reasons, "date_words_in_digits")
        return Normalised(d.value.isoformat(), True, reasons, _penalised(reasons))
    return Normalised(None, False, ("date_words_unparseable",), 0.0)


YEAR_MIN = 1850
YEAR_MAX = 2100
_YEAR_RE = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")


def normalise_year(raw: str) -> Normalised:
    """``1987`` (also ``l987``, ``Năm 1987``, ``một nghìn chín trăm tám mươi bảy``) → ``1987``."""
    if is_blank(raw):
        return BLANK
    text = clean_text(raw)
    digits, fixed = clean_digits(text)
    reasons: tuple[str, ...] = ()
    year: int | None = None
    if len(digits) == 4 and digits.isdigit():
        year = int(digits)
        reasons = ("date_ocr_chars_fixed",) if fixed else ()
    else:
        found = _YEAR_RE.findall(text)
        if len(found) == 1:
            year = int(found[0])
        else:
            words = read_number_words(text)
            if words is not None:
                year, reasons = words
    if year is None:
        return Normalised(None, False, ("year_unparseable",), 0.0)
    if not YEAR_MIN <= year <= YEAR_MAX:
        return Normalised(str(year), bool(reasons), (*reasons, "year_out_of_range"), 0.3)
    return Normalised(str(year), bool(reasons), reasons, _penalised(reasons))


_ENTRY_RE = re.compile(r"^(?:s[ốoô0]\s*[:.]?\s*)?([0-9]+)([a-zA-Z]?)$", re.I)


def normalise_entry_no(raw: str) -> Normalised:
    """Entry number: ``125`` (``l25`` → ``125``, reported; ``05`` → ``5``); a letter suffix kept."""
    if is_blank(raw):
        return BLANK
    text = clean_text(raw)
    m = _ENTRY_RE.match(text.replace(" ", ""))
    reasons: tuple[str, ...] = ()
    if m is None:
        digits, fixed = clean_digits(text)
        m = _ENTRY_RE.match(digits)
        reasons = ("date_ocr_chars_fixed",) if fixed else ()
    if m is None:
        return Normalised(text, False, ("entry_no_unparseable",), 0.3)
    value = str(int(m.group(1))) + m.group(2)
    return Normalised(value, bool(reasons), reasons, _penalised(reasons))


# --------------------------------------------------------------------------------------------
# Identity numbers
# --------------------------------------------------------------------------------------------


def _from_id_check(c: IdCheck, *, keep_invalid: bool) -> Normalised:
    if c.value is None:
        return BLANK
    problems = tuple(r for r in c.reasons if r != "id_doc_ocr_fixed")
    hard = any(r.endswith(("not_12_digits", "not_9_digits", "bad_format")) for r in problems)
    score = _penalised(c.reasons) * (_WARNING_SCORE if problems else 1.0)
    if hard and not keep_invalid:
        return Normalised(None, c.corrected, c.reasons, 0.0)
    return Normalised(c.value, c.corrected, c.reasons, round(score, 4))


def normalise_personal_id(
    raw: str, *, sex: str | None = None, birth_year: int | None = None
) -> Normalised:
    """12-digit personal number; checks province, and sex/birth year when given (identity.md)."""
    if is_blank(raw):
        return BLANK
    return _from_id_check(read_personal_id(raw, sex=sex, birth_year=birth_year), keep_invalid=False)


def normalise_id_doc_no(raw: str, doc_type: str | None = None) -> Normalised:
    """Number of an identity paper (``forms.ID_DOC_TYPES`` code if known); kept as read if odd."""
    if is_blank(raw):
        return BLANK
    return _from_id_check(read_id_doc_no(raw, doc_type), keep_invalid=True)


# --------------------------------------------------------------------------------------------
# Closed vocabularies
# --------------------------------------------------------------------------------------------


def normalise_sex(raw: str) -> Normalised:
    """``Nam``/``Nữ``."""
    return _from_vocab(match_sex(raw), "sex")


def normalise_ethnicity(raw: str) -> Normalised:
    """Canonical group name of ``ethnic_groups.csv`` (``Việt`` → ``Kinh``)."""
    return _from_vocab(match_ethnicity(raw), "ethnicity")


def normalise_nationality(raw: str) -> Normalised:
    """``Việt Nam`` (or a listed nationality); an unlisted one as written, in title case."""
    m = match_nationality(raw)
    n = _from_vocab(m, "nationality")
    if m.value is not None and m.how in ("unknown", "ambiguous"):
        return Normalised(m.value, False, n.reasons, m.score)
    return n


def normalise_registration_kind(
    raw: str, kinds: Mapping[str, tuple[str, ...]] | None = None
) -> Normalised:
    """``Đúng hạn`` → ``dung_han``: the birth register's ``forms.REGISTRATION_KINDS``, or the
    register's own ``kinds`` (code → wordings)."""
    m = match_registration_kind(raw) if kinds is None else match_registration_kind(raw, kinds)
    return _from_vocab(m, "registration_kind")


def normalise_id_doc_type(raw: str) -> Normalised:
    """``Căn cước công dân``/``CCCD`` → ``cccd`` (``forms.ID_DOC_TYPES``)."""
    return _from_vocab(match_id_doc_type(raw), "id_doc_type")


def normalise_category(raw: str, category: Category | None = None) -> Normalised:
    """A category code; without ``category`` both lists are tried and a unique hit wins."""
    if category == "registration_kind":
        return normalise_registration_kind(raw)
    if category == "id_doc_type":
        return normalise_id_doc_type(raw)
    if is_blank(raw):
        return BLANK
    hits = [n for n in (normalise_registration_kind(raw), normalise_id_doc_type(raw)) if n.value]
    if len(hits) == 1:
        return hits[0]
    reason = "category_ambiguous" if hits else "category_unknown"
    return Normalised(None, False, (reason,), 0.0)


# --------------------------------------------------------------------------------------------
# Names and free text
# --------------------------------------------------------------------------------------------

_NAME_NOISE_RE = re.compile(r"[.,:;|_…·•\"“”!?*~/\\()\[\]{}]+")
_SYLLABLE_SPLIT_RE = re.compile(r"[\s\-]+")


def name_syllables(name: str) -> list[str]:
    """The syllables of a name (split on spaces and hyphens, punctuation removed)."""
    text = _NAME_NOISE_RE.sub(" ", nfc(name))
    return [s.strip("'’`") for s in _SYLLABLE_SPLIT_RE.split(text) if s.strip("'’`")]


def name_score(name: str) -> float:
    """Share of the name's syllables that are valid Vietnamese syllables (0.0 for no syllable).

    A low score means OCR garbage (or a minority name in Latin script: review either way).
    """
    syllables = name_syllables(name)
    if not syllables:
        return 0.0
    return sum(is_valid_syllable(s) for s in syllables) / len(syllables)


def normalise_name(raw: str) -> Normalised:
    """NFC, single spaces, stray punctuation removed; spelling and capitals kept as written."""
    if is_blank(raw):
        return BLANK
    text = " ".join(_NAME_NOISE_RE.sub(" ", clean_text(raw)).split())
    if not text:
        return BLANK
    reasons: list[str] = []
    score = name_score(text)
    if score < 1.0:
        reasons.append("name_invalid_syllables")
    if any(c.isdigit() for c in text):
        reasons.append("name_has_digits")
        score = min(score, 0.5)
    return Normalised(text, False, tuple(reasons), round(score, 4))


def normalise_text(raw: str) -> Normalised:
    """NFC, single spaces, leaders and punctuation trimmed at the ends."""
    if is_blank(raw):
        return BLANK
    text = clean_text(raw)
    return Normalised(text) if text else BLANK


# --------------------------------------------------------------------------------------------
# Places: components snapped to the gazetteer
# --------------------------------------------------------------------------------------------

# Snapping rules, in order (tests pin them):
#  1. same letters, accents differ a little: every syllable's marks either equal the entry's,
#     are a subset of them (marks dropped: cost 0.5) or differ by one mark on one vowel (cost
#     1); total cost at most PLACE_MARK_BUDGET (0.5 a syllable for longer names). ``Ha Noi``,
#     ``Đúc Giang``, ``Kim Mả`` snap; ``Phú Đông`` does not become ``Phù Đổng`` (cost 1.5).
#  2. the same after undoing one OCR letter confusion (``Ngọc Lârn`` → ``Ngọc Lâm``).
#  3. letters differ: only when the text has a syllable that is not Vietnamese (OCR garbage),
#     and the similarity is at least PLACE_FUZZY_MIN_SCORE with a clear lead. ``Phú Lợi``
#     (Bình Dương) is never turned into ``Phúc Lợi`` (Long Biên): both are real syllables.
PLACE_MARK_BUDGET = 1.0
PLACE_FUZZY_MIN_SCORE = 0.85
PLACE_SNAP_MIN_MARGIN = 0.05
PLACE_MIN_NAME_LEN = 3

_ABBREVIATIONS: dict[str, str] = {
    "tp": "thành phố",
    "tx": "thị xã",
    "tt": "thị trấn",
    "p": "phường",
    "q": "quận",
    "h": "huyện",
    "x": "xã",
}
_ABBR_RE = re.compile(r"^(tp|tx|tt)(?:\.\s*|\s+)|^([pqhx])\.\s*", re.I)
_FOLDED_KINDS: dict[str, str] = {fold_accents(k): k for k in ADMIN_KINDS}
_COMPONENT_SPLIT_RE = re.compile(r"(\s*,\s*|\s+[-–]\s+)")


@cache
def _place_lexicon(levels: tuple[AdminLevel, ...]) -> Lexicon:
    names: list[str] = []
    for level in levels:
        names.extend(place_names(level))
    return Lexicon.of(names)


def _levels_for(kind: str | None) -> tuple[AdminLevel, ...]:
    if kind is None:
        return ("ward", "district", "province")
    if kind == "thành phố":
        return ("province", "district")
    return (ADMIN_KINDS[kind],)


def _match_case_word(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _accent_only(head: str) -> bool:
    """``Quân``/``Huyên``/``Phuờng``: the letters of a prefix with its accents misread, and not
    another place word of those letters (``Quán``, ``Quang`` stay)."""
    folded = fold_accents(head).lower()
    kind = _FOLDED_KINDS.get(folded)
    if kind is None:
        return False
    return head.lower() in _PREFIX_MISREADS.get(kind, ())


# Accent misreadings of prefixes seen in OCR output; other same-letter words are real words.
# Real place words of the same letters ("Phương Tú", "Quan Hoa", "Xá …") are not listed.
_PREFIX_MISREADS: dict[str, tuple[str, ...]] = {
    "quận": ("quân",),
    "huyện": ("huyên", "huyen"),
    "phường": ("phuờng", "phưòng", "phuong"),
    "thành phố": ("thanh pho", "thành pho", "thanh phố"),
    "tỉnh": ("tinh",),
    "thị trấn": ("thi tran", "thị tran"),
}


def _split_prefix(component: str) -> tuple[str, str | None, str, bool]:
    """(prefix as it should be written, its kind, the name, whether the prefix was fixed)."""
    m = _ABBR_RE.match(component)
    if m:
        abbr = (m.group(1) or m.group(2)).lower()
        return m.group(0), _ABBREVIATIONS[abbr], component[m.end() :], False
    words = component.split(" ")
    for n in (2, 1):
        if len(words) <= n:
            continue
        head = " ".join(words[:n])
        folded = fold_accents(head).lower()
        # A real word is never "corrected" into a prefix: "Quảng Bình" is not "Quận Bình",
        # "Quán Thánh" is not "Quận Thánh". Only OCR garbage ("Quân", "Huyên" are fine too:
        # they differ from the prefix by accents alone) is fixed.
        exact = head.lower() in _FOLDED_KINDS.values()
        damaged = not all(is_valid_syllable(w) for w in head.split())
        kind = _FOLDED_KINDS.get(folded) if (exact or damaged or _accent_only(head)) else None
        fuzzy = False
        if kind is None and damaged and len(folded) >= 5:
            near = [k for f, k in _FOLDED_KINDS.items() if Levenshtein.distance(folded, f) <= 1]
            kind = near[0] if len(near) == 1 else None
            fuzzy = kind is not None
        if kind is None:
            continue
        fixed = fuzzy or head.lower() != kind
        written = _match_case_word(head, kind) if fixed else head
        return written + " ", kind, " ".join(words[n:]), fixed
    return "", None, component, False


@cache
def _place_folded_index(levels: tuple[AdminLevel, ...]) -> dict[str, tuple[int, ...]]:
    lex = _place_lexicon(levels)
    index: dict[str, list[int]] = {}
    for i, f in enumerate(lex.folded):
        index.setdefault(f, []).append(i)
    return {k: tuple(v) for k, v in index.items()}


def _marks(syllable: str) -> list[frozenset[str]]:
    """The diacritics on each letter of an NFC syllable (``đ`` counts as d + a stroke)."""
    out = []
    for ch in syllable:
        decomposed = unicodedata.normalize("NFD", ch)
        marks = set(decomposed[1:])
        if ch in "đĐ":
            marks.add("stroke")
        out.append(frozenset(marks))
    return out


def _mark_cost(text_syl: str, entry_syl: str) -> float:
    """0 equal; 0.5 marks only dropped; 1 one mark different on one letter; 2 more."""
    if text_syl == entry_syl:
        return 0.0
    a, b = _marks(text_syl), _marks(entry_syl)
    if len(a) != len(b):
        return 2.0
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if all(x < y for x, y in diffs):
        return 0.5
    if len(diffs) == 1 and len(diffs[0][0] ^ diffs[0][1]) <= 2:
        return 1.0
    return 2.0


def _accent_snap(key: str, levels: tuple[AdminLevel, ...]) -> tuple[int, float] | None:
    """Rule 1: the entry with the same letters and the smallest accent cost, if within budget."""
    lex = _place_lexicon(levels)
    candidates = _place_folded_index(levels).get(fold_accents(key), ())
    words = key.split(" ")
    budget = max(PLACE_MARK_BUDGET, 0.5 * len(words))
    costs: list[tuple[float, int]] = []
    for i in candidates:
        entry_words = lex.keys[i].split(" ")
        if len(entry_words) != len(words):
            continue
        cost = sum(_mark_cost(w, e) for w, e in zip(words, entry_words, strict=True))
        if cost <= budget:
            costs.append((cost, i))
    costs.sort()
    if not costs or (len(costs) > 1 and costs[1][0] == costs[0][0]):
        return None
    return costs[0][1], costs[0][0]


def _snap_name(name: str, kind: str | None) -> tuple[str, float] | None:
    """The gazetteer spelling of ``name`` and a score, if it should be snapped (see above)."""
    if sum(c.isalpha() for c in name) < PLACE_MIN_NAME_LEN:
        return None
    levels = _levels_for(kind)
    lex = _place_lexicon(levels)
    # The lexicon's own key (no i/y unification: "Kỵ" and "Ky" must stay apart here).
    key = " ".join(lexicon_key(name).split())
    if key in lex.index:
        return None  # already a gazetteer name (up to case and tone placement)
    upper = name.isupper()

    def spelt(i: int) -> str:
        return lex.entries[i].upper() if upper else lex.entries[i]

    hit = _accent_snap(key, levels)
    if hit is not None:
        return spelt(hit[0]), round(1.0 - 0.1 * hit[1], 4)
    for src, dst in OCR_CONFUSIONS:
        pos = key.find(src)
        while pos >= 0:
            variant = key[:pos] + dst + key[pos + len(src) :]
            if variant in lex.index:
                return spelt(lex.index[variant]), 0.9
            hit = _accent_snap(variant, levels)
            if hit is not None:
                return spelt(hit[0]), round(0.9 - 0.1 * hit[1], 4)
            pos = key.find(src, pos + 1)
    if all(is_valid_syllable(w) for w in name_syllables(name)):
        return None
    snap = correct_phrase(name, lex)
    if snap is None or not snap.changed:
        return None
    if snap.score < PLACE_FUZZY_MIN_SCORE or snap.margin < PLACE_SNAP_MIN_MARGIN:
        return None
    return snap.value, round(snap.score * 0.9, 4)


# Words of an address that OCR misreads by an accent, in a position only they take: before a
# name (a capital) or a number. "phổ Minh Khai" is "phố Minh Khai"; "tính Lào Cai" is "tỉnh
# Lào Cai". Lower-case only: a capitalised word there is a name ("phố Phó Đức Chính").
_PLACE_WORD_FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bthành ph[ôổồốộỗoó]\b(?!\w)"), "thành phố"),
    (re.compile(r"\bph[ôổồộỗo](?= [A-ZĐÂĂÊÔƠƯ\d])"), "phố"),
    (re.compile(r"\bt[íìịĩi]nh(?= [A-ZĐÂĂÊÔƠƯ])"), "tỉnh"),
    (re.compile(r"\bng[ôỗốồổọo](?= \d)"), "ngõ"),
    (re.compile(r"\bng[aáàạả]ch(?= \d)"), "ngách"),
    (re.compile(r"\b([Tt])r[ùúủũụ]ng ương\b"), r"\1rung ương"),
    # "TP." with its full stop read as a comma: "TP" alone is no component of an address
    (re.compile(r"\bTP, (?=[A-ZĐ])"), "TP. "),
    # the words of a health facility's kind, a case slip or a doubled letter ("Bệnh Viện",
    # "Trạm yÿy tế", "Trung tâm Y tê"), and a house number's "Số" read "Sổ"
    (re.compile(r"\b([Bb])ệnh Viện\b"), r"\1ệnh viện"),
    (re.compile(r"\b([Tt])rạm [yÿ]{1,3} t[ếêềểễệe]\b"), r"\1rạm y tế"),
    (re.compile(r"\b([Yy]) t[êềểễệe](?=\s|,|$)"), r"\1 tế"),
    (re.compile(r"(?<!\w)([Ss])[ổôồộỗ](?= \d)"), r"\1ố"),
    # a residential group's "Tổ" read "Tô", "Tố" (a surname "Tô" is never followed by a number)
    (re.compile(r"(?<!\w)([Tt])[ôốồộỗỏo](?= \d)"), r"\1ổ"),
)


# A comma read as a full stop between two parts of an address ("ngõ 261. phố Thanh Nhàn"): a
# stop after a number or a name (never after an abbreviation: "TP.", "P.", "Q.") before a unit
# word. Addresses are written with commas between their parts.
_STOP_FOR_COMMA_RE = re.compile(
    r"(?<=[\da-zà-ỹđ])\.(?=\s+(?:phố|phường|quận|huyện|xã|thị xã|thị trấn|thôn|xóm|ấp|bản|tổ|"
    r"ngõ|ngách|hẻm|đường|tỉnh|thành phố|TP\.)\s)"
)


def fix_place_words(text: str) -> tuple[str, bool]:
    """Address words with a misread accent put right (see ``_PLACE_WORD_FIXES``)."""
    out = text
    for pattern, repl in _PLACE_WORD_FIXES:
        out = pattern.sub(repl, out)
    return out, out != text


def correct_place(raw: str) -> Normalised:
    """Clean a place and snap OCR-damaged unit names to the gazetteer.

    Split on commas (and spaced dashes); in each component an admin prefix (``phường``,
    ``P.``, ``quận``, ``TP.`` …) is recognised, and the name after it is snapped to a known
    ward/district/province when the match is close (rules above ``PLACE_MARK_BUDGET``); unknown
    components (a hospital, a street address, a place outside the gazetteer) stay as read.
    """
    if is_blank(raw):
        return BLANK
    text, words_fixed = fix_place_words(clean_text(raw))
    text, stops = _STOP_FOR_COMMA_RE.subn(",", text)
    parts = _COMPONENT_SPLIT_RE.split(text)
    out: list[str] = []
    reasons: list[str] = ["place_prefix_corrected"] if words_fixed else []
    if stops:
        reasons.append("place_punctuation_corrected")
    score = 0.9 if words_fixed else 1.0
    # The gazetteer's wards and districts are Hà Nội's: a place in another province is never
    # snapped to them ("Tiên Thắng, Tiên Lãng, Hải Phòng" is not Hà Nội's "Tiến Thắng").
    named = {canonical_province(_split_prefix(p)[2]) for p in parts[::2]} - {None}
    local_ok = not named or named == {"Hà Nội"}
    for i, part in enumerate(parts):
        if i % 2 == 1:  # a separator
            out.append(", " if "," in part else part)
            continue
        prefix, kind, name, prefix_fixed = _split_prefix(part)
        if prefix_fixed:
            reasons.append("place_prefix_corrected")
            score = min(score, 0.9)
        is_province = canonical_province(name) is not None or kind in ("tỉnh", "thành phố")
        snapped = _snap_name(name, kind) if (local_ok or is_province) else None
        if snapped is not None:
            reasons.append("place_component_corrected")
            score = min(score, snapped[1])
            name = snapped[0]
        out.append(prefix + name)
    value = "".join(out).strip()
    uniq = tuple(dict.fromkeys(reasons))
    return Normalised(value or None, bool(uniq), uniq, round(score, 4))


# --------------------------------------------------------------------------------------------
# Identity paper line: "<type> số <no>[, cấp ngày dd/mm/yyyy][, nơi cấp: <issuer>]"
# --------------------------------------------------------------------------------------------


class IdDoc(NamedTuple):
    """The four parts of an identity-paper line, and reason codes named after their part.

    Every reason starts with the part it concerns (``id_doc_type_…``, ``id_doc_no_…``,
    ``id_doc_issue_date_…``), so a caller can give each key its own reasons.
    """

    doc_type: str | None  # forms.ID_DOC_TYPES code
    doc_no: str | None
    issue_date: str | None  # ISO
    issuer: str | None
    reasons: tuple[str, ...]


def _no_reason(r: str) -> str:
    """A reason of ``extraction.identity`` renamed for the ``id_doc_no`` part."""
    if r.startswith("id_doc_no_"):
        return r
    if r == "id_doc_ocr_fixed":
        return "id_doc_no_ocr_fixed"
    if r.startswith("personal_id_"):
        return "id_doc_no_" + r.removeprefix("personal_id_")
    if r == "cmnd_not_9_digits":
        return "id_doc_no_not_9_digits"
    if r == "passport_bad_format":
        return "id_doc_no_bad_passport_format"
    return "id_doc_no_" + r


_NO_MARK_RE = re.compile(r"\bso\s*[:.]?\s*")
_DATE_MARK_RE = re.compile(r"\b(?:cap\s*ngay|ngay\s*cap)\b\s*[:.]?\s*")
_ISSUER_MARK_RE = re.compile(r"\b(?:noi\s*cap|tai|do)\b\s*[:.]?\s*")
_NUMBER_RE = re.compile(r"\b(?:[a-z][0-9]{7}\b|[0-9oil|][0-9oil|\s.]{6,}[0-9])")
_ISSUER_START_RE = re.compile(
    r"\b(?:cong[\s.]*an|cuc\s+canh\s+sat|cuc\s+quan\s+ly|bo\s+cong\s+an|bo\s+ngoai\s+giao)\b"
)
_TRAILING_CAP_RE = re.compile(r"\s*\bc[ấâa]p\s*$", re.I)


_CCCD_LETTERS_RE = re.compile(r"^[cC]{1,3}[dD]$")


def _fold_aligned(text: str) -> str:
    """Lower-case accent folding that keeps every character's position."""
    out = []
    for c in text.lower():
        f = fold_accents(c)
        out.append(f if len(f) == 1 else c)
    return "".join(out)


def parse_id_doc(raw: str) -> IdDoc:
    """Split the value after ``Giấy tờ tùy thân:`` into type code, number, issue date, issuer.

    ``Căn cước công dân số 001085012345, cấp ngày 12/05/2021, nơi cấp: Cục Cảnh sát QLHC về
    TTXH`` → ``("cccd", "001085012345", "2021-05-12", "Cục Cảnh sát QLHC về TTXH", ())``.
    Also ``… do <issuer> cấp ngày …`` and ``… tại <issuer>``. Missing parts are None.
    """
    if is_blank(raw):
        return IdDoc(None, None, None, None, ())
    text = clean_text(raw)
    folded = _fold_aligned(text)
    reasons: list[str] = []

    no_mark = _NO_MARK_RE.search(folded)
    if no_mark is not None:
        type_end, no_start = no_mark.start(), no_mark.end()
    else:
        num = _NUMBER_RE.search(folded)
        type_end = no_start = num.start() if num else len(text)

    date_mark = _DATE_MARK_RE.search(folded, no_start)
    issuer_mark = _ISSUER_MARK_RE.search(folded, no_start)
    # (where the issuer's mark starts, where its text starts)
    issuer_span = (issuer_mark.start(), issuer_mark.end()) if issuer_mark else None
    if issuer_span is None:
        # "nơi cấp" itself misread ("tơi cấp:", "pGLiệp:"): issuers start with who they are.
        start = _ISSUER_START_RE.search(folded, no_start)
        if start is not None:
            issuer_span = (start.start(), start.start())
            reasons.append("id_doc_issuer_ocr_fixed")
    marks = sorted(
        m
        for m in (date_mark.start() if date_mark else None, issuer_span and issuer_span[0])
        if m is not None
    )
    no_end = marks[0] if marks else len(text)

    type_text = text[:type_end]
    doc_type: str | None = None
    if type_text.strip(" ,.:;"):
        t = normalise_id_doc_type(type_text)
        doc_type = t.value
        if t.value is None and _CCCD_LETTERS_RE.match(type_text.strip(" ,.:;")):
            doc_type = "cccd"  # "cD", "ccD": CCCD with letters lost (c and C alike in size)
            reasons.append("id_doc_type_corrected")
        elif t.value is None:
            reasons.append("id_doc_type_unknown")
        elif t.corrected:
            reasons.append("id_doc_type_corrected")  # folded or fuzzy: one code for the part
    else:
        reasons.append("id_doc_type_unknown")

    number_text = text[no_start:no_end].split(",")[0].strip(" .,:;")
    doc_no: str | None = None
    if number_text:
        n = normalise_id_doc_no(number_text, doc_type)
        doc_no = n.value
        reasons.extend(_no_reason(r) for r in n.reasons)
    else:
        reasons.append("id_doc_no_missing")

    issue_date: str | None = None
    if date_mark is not None:
        end = issuer_span[0] if issuer_span and issuer_span[0] > date_mark.end() else None
        d = normalise_date(text[date_mark.end() : end])
        issue_date = d.value
        if d.value is None:
            reasons.append("id_doc_issue_date_unparseable")
        elif d.corrected:
            reasons.append("id_doc_issue_date_corrected")

    issuer: str | None = None
    if issuer_span is not None:
        end = date_mark.start() if date_mark and date_mark.start() > issuer_span[1] else None
        issuer_text = _TRAILING_CAP_RE.sub("", text[issuer_span[1] : end])
        issuer = clean_text(issuer_text) or None
    return IdDoc(doc_type, doc_no, issue_date, issuer, tuple(dict.fromkeys(reasons)))


# Digits a worn or dotted-zero type is misread as, by the digit printed (a slashed or dotted
# 0 reads 6, 8 or 9; a flagged 1 reads 4 or 7). Symmetric pairs only: nothing here says which
# way a reading went.
DIGIT_CONFUSIONS: dict[str, str] = {
    "0": "689",
    "6": "085",
    "8": "0369",
    "9": "08",
    "1": "473",
    "4": "1",
    "7": "1",
    "3": "81",
    "5": "6",
}
_DATE_DIGIT_GROUPS_RE = re.compile(
    r"(?<![0-9])([0-9]{1,2})\s*[/⁄.\-]\s*([0-9]{1,2})\s*[/⁄.\-]\s*([0-9]{4})"
)


def repair_date_digits(
    text: str, earliest: date, latest: date, max_changes: int = 2
) -> tuple[date, int] | None:
    """The date ``text`` most likely printed, given that it lies between ``earliest`` and
    ``latest``, when its digits as read give no date there (``24/09/2036`` for an id card issued
    before a 2017 registration, ``87/06/2016``): the one valid date in range reached by the fewest
    confusable-digit changes (``DIGIT_CONFUSIONS``), with that count; None when the reading is
    already in range, when no change reaches one, or when two dates tie."""
    m = _DATE_DIGIT_GROUPS_RE.search(nfc(text))
    if m is None:
        return None
    digits = "".join(m.groups())
    cuts = (len(m.group(1)), len(m.group(1)) + len(m.group(2)))

    def as_date(ds: str) -> date | None:
        try:
            d = date(int(ds[cuts[1] :]), int(ds[cuts[0] : cuts[1]]), int(ds[: cuts[0]]))
        except ValueError:
            return None
        return d if earliest <= d <= latest else None

    if as_date(digits) is not None:
        return None
    # (digits, positions already changed): each printed digit was misread once at most
    frontier: set[tuple[str, frozenset[int]]] = {(digits, frozenset())}
    for changes in range(1, max_changes + 1):
        nxt: set[tuple[str, frozenset[int]]] = set()
        for ds, done in frontier:
            for i in range(len(ds)):
                if i in done:
                    continue
                for alt in DIGIT_CONFUSIONS.get(digits[i], ""):
                    nxt.add((ds[:i] + alt + ds[i + 1 :], done | {i}))
        found = {d for d in (as_date(ds) for ds, _ in nxt) if d is not None}
        if len(found) == 1:
            return found.pop(), changes
        if found:
            return None
        frontier = nxt
    return None


def normalise_time(raw: str) -> Normalised:
    """``14 giờ 30 phút`` → ``14:30`` (``extraction.times``); reasons ``time_unparseable``,
    ``time_out_of_range``, ``time_ocr_fixed``."""
    t = read_time(raw)
    if t.value is None:
        return BLANK if not t.reasons else Normalised(None, False, t.reasons, 0.0)
    return Normalised(t.value, bool(t.reasons), t.reasons, _penalised(t.reasons))


def normalise_ref_no(raw: str) -> Normalised:
    """A document's reference number (``430/BV-GBT``, ``extraction.refno``); reason
    ``ref_no_ocr_fixed``."""
    r = read_ref_no(raw)
    return Normalised(r.value, bool(r.reasons), r.reasons, _penalised(r.reasons))


# --------------------------------------------------------------------------------------------
# Dispatcher
# --------------------------------------------------------------------------------------------


def normalise(
    field_type: FieldType | str, raw: str | None, *, category: Category | None = None
) -> Normalised:
    """Normalise ``raw`` as a value of ``field_type`` (see the module docstring).

    ``category`` says which closed list a ``CATEGORY`` field uses; without it both are tried.
    """
    if raw is None or is_blank(raw):
        return BLANK
    ft = FieldType(field_type)
    if ft is FieldType.DATE:
        return normalise_date(raw)
    if ft is FieldType.DATE_WORDS:
        return normalise_date_words(raw)
    if ft is FieldType.YEAR:
        return normalise_year(raw)
    if ft is FieldType.SEX:
        return normalise_sex(raw)
    if ft is FieldType.ETHNICITY:
        return normalise_ethnicity(raw)
    if ft is FieldType.NATIONALITY:
        return normalise_nationality(raw)
    if ft is FieldType.PERSONAL_ID:
        return normalise_personal_id(raw)
    if ft is FieldType.ID_DOC_NO:
        return normalise_id_doc_no(raw)
    if ft is FieldType.CATEGORY:
        return normalise_category(raw, category)
    if ft is FieldType.NAME:
        return normalise_name(raw)
    if ft is FieldType.PLACE:
        return correct_place(raw)
    if ft is FieldType.ENTRY_NO:
        return normalise_entry_no(raw)
    if ft is FieldType.TIME:
        return normalise_time(raw)
    if ft is FieldType.REF_NO:
        return normalise_ref_no(raw)
    return normalise_text(raw)
