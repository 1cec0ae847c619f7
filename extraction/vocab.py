"""Closed vocabularies: ethnic groups, nationality, sex, provinces, category codes.

Bundled data (``extraction/data/``, loaded lazily): ``ethnic_groups.csv`` and
``province_codes.csv`` are copies of ``shared/domain``.

Every matcher returns a ``VocabMatch`` saying *how* the value was found:

- ``exact`` — the canonical wording (up to case, spaces, hyphens, tone-mark placement);
- ``variant`` — a known other wording (``Việt`` → ``Kinh``, ``CMND`` → ``cmnd``): not a guess;
- ``folded`` — matched only without accents (``Tay`` → ``Tày``): an OCR correction;
- ``fuzzy`` — matched with a letter or two wrong (``Kirh`` → ``Kinh``): an OCR correction;
- ``unknown`` / ``ambiguous`` — no value (``reasons`` says why).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from rapidfuzz.distance import Levenshtein

from extraction.forms import ID_DOC_TYPES, REGISTRATION_KINDS
from extraction.text import clean_text, fold_accents, is_blank, match_key, title_case

MatchHow = Literal["exact", "variant", "folded", "fuzzy", "unknown", "ambiguous", "blank"]

SCORE_EXACT = 1.0
SCORE_VARIANT = 1.0
SCORE_FOLDED = 0.9
SCORE_FUZZY_MAX = 0.85


@dataclass(frozen=True)
class VocabMatch:
    """Result of matching a raw value against a closed vocabulary."""

    value: str | None  # the canonical value (or code); None when unknown / blank
    how: MatchHow
    score: float  # 0..1: 1.0 exact or known variant, lower for OCR corrections
    reasons: tuple[str, ...] = ()

    @property
    def corrected(self) -> bool:
        """True when the match needed an OCR correction (accents or letters)."""
        return self.how in ("folded", "fuzzy")


# --------------------------------------------------------------------------------------------
# Bundled data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EthnicGroup:
    code: str  # "01"
    name: str  # canonical name, "Kinh"
    variants: tuple[str, ...]  # other spellings, "Việt"


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("extraction").joinpath("data", name).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def ethnic_groups() -> tuple[EthnicGroup, ...]:
    """The 54 ethnic groups of ``ethnic_groups.csv`` in code order."""
    return tuple(
        EthnicGroup(
            code=row["code"].strip(),
            name=row["name"].strip(),
            variants=tuple(v.strip() for v in row["variants"].split(";") if v.strip()),
        )
        for row in _read_csv("ethnic_groups.csv")
    )


@cache
def provinces() -> dict[str, str]:
    """Province code (``001``) → pre-2025 province name (``Hà Nội``), 63 entries."""
    return {row["code"].strip(): row["province"].strip() for row in _read_csv("province_codes.csv")}


def province_name(code: str) -> str | None:
    """``001`` → ``Hà Nội``; None if ``code`` is not a province code."""
    return provinces().get(code)


# Other ways the books write a province (the admin prefix, "TP."/"tỉnh", is handled apart).
PROVINCE_ALIASES: dict[str, tuple[str, ...]] = {
    "Hồ Chí Minh": ("TPHCM", "TP.HCM", "HCM", "Sài Gòn"),
    "Thừa Thiên Huế": ("Thừa Thiên - Huế", "Thừa Thiên-Huế", "Huế"),
    "Bà Rịa - Vũng Tàu": ("Bà Rịa-Vũng Tàu", "Bà Rịa Vũng Tàu"),
    "Hà Nội": ("HN",),
}

AdminLevel = Literal["province", "district", "ward"]

# Kind of unit as printed → level.
ADMIN_KINDS: dict[str, AdminLevel] = {
    "tỉnh": "province",
    "thành phố": "province",  # also a district-level city; callers search both
    "quận": "district",
    "huyện": "district",
    "thị xã": "district",
    "phường": "ward",
    "xã": "ward",
    "thị trấn": "ward",
}


@dataclass(frozen=True)
class AdminUnit:
    kind: str  # "phường", "quận", … (as in ADMIN_KINDS)
    name: str  # "Ngọc Lâm"
    parent: str  # "Long Biên" (the district, or the province for a district)

    @property
    def level(self) -> AdminLevel:
        return ADMIN_KINDS[self.kind]


@cache
def hanoi_units() -> tuple[AdminUnit, ...]:
    """Hà Nội's districts, wards, communes and towns before 2025 (partial: see the CSV header)."""
    return tuple(
        AdminUnit(row["kind"].strip(), row["name"].strip(), row["parent"].strip())
        for row in _read_csv("hanoi_gazetteer.csv")
    )


@cache
def place_names(level: AdminLevel) -> tuple[str, ...]:
    """Every known name at ``level``: the 63 provinces (with aliases), or Hà Nội's units."""
    if level == "province":
        names = [*provinces().values()]
        for aliases in PROVINCE_ALIASES.values():
            names.extend(aliases)
        return tuple(dict.fromkeys(names))
    return tuple(dict.fromkeys(u.name for u in hanoi_units() if u.level == level))


def authority_province_code(authority: str) -> str | None:
    """The province code of a registering authority: named in it (``…, thành phố Hà Nội``) or,
    for ``UBND phường/xã/quận … X``, the province of the unit X in the gazetteer (Hà Nội's);
    None when it cannot be told."""
    parts = [p.strip() for p in authority.split(",") if p.strip()]
    codes = {name: code for code, name in provinces().items()}
    for part in reversed(parts):
        for prefix in ("thành phố ", "tp. ", "tp ", "tỉnh "):
            if part.lower().startswith(prefix):
                province = canonical_province(part[len(prefix) :])
                return codes.get(province) if province else None
    head = parts[0] if parts else ""
    if head.upper().startswith("UBND "):
        head = head[5:]
    for kind in sorted(ADMIN_KINDS, key=len, reverse=True):
        if head.lower().startswith(kind + " ") and ADMIN_KINDS[kind] != "province":
            name = head[len(kind) + 1 :].strip()
            if any(u.kind == kind and u.name == name for u in hanoi_units()):
                return codes.get("Hà Nội")
    return None


def canonical_province(name: str) -> str | None:
    """A province name or alias → its ``province_codes.csv`` name (``Huế`` → ``Thừa Thiên Huế``)."""
    k = compact_key(name)
    for p in provinces().values():
        if compact_key(p) == k:
            return p
    for p, aliases in PROVINCE_ALIASES.items():
        if any(compact_key(a) == k for a in aliases):
            return p
    return None


# --------------------------------------------------------------------------------------------
# Generic matcher
# --------------------------------------------------------------------------------------------

_COMPACT_RE = re.compile(r"[^\w]|_")


def compact_key(text: str) -> str:
    """Lower case, tone marks placed one way, no spaces/hyphens/apostrophes/dots: ``khơme``."""
    return _COMPACT_RE.sub("", match_key(text))


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Canonical values with their wordings, indexed for exact, folded and fuzzy lookup."""

    exact: dict[str, str]  # compact key of the canonical wording → value
    variant: dict[str, str]  # compact key of another wording → value
    folded: dict[str, set[str]]  # folded compact key → values

    @classmethod
    def of(cls, table: Mapping[str, tuple[str, ...]], canonical_first: bool = True) -> Vocabulary:
        """``table``: value → wordings; the first wording is canonical if ``canonical_first``."""
        exact: dict[str, str] = {}
        variant: dict[str, str] = {}
        folded: dict[str, set[str]] = {}
        for value, wordings in table.items():
            for n, w in enumerate(wordings):
                k = compact_key(w)
                (exact if n == 0 and canonical_first else variant).setdefault(k, value)
                folded.setdefault(fold_accents(k), set()).add(value)
        return cls(exact, variant, folded)

    def match(self, raw: str, *, fuzzy: bool = True, unknown_reason: str) -> VocabMatch:
        if is_blank(raw):
            return VocabMatch(None, "blank", 1.0)
        k = compact_key(raw)
        if not k:
            return VocabMatch(None, "unknown", 0.0, (unknown_reason,))
        if k in self.exact:
            return VocabMatch(self.exact[k], "exact", SCORE_EXACT)
        if k in self.variant:
            return VocabMatch(self.variant[k], "variant", SCORE_VARIANT)
        f = fold_accents(k)
        values = self.folded.get(f)
        if values is not None:
            if len(values) == 1:
                return VocabMatch(next(iter(values)), "folded", SCORE_FOLDED)
            return VocabMatch(None, "ambiguous", 0.0, (unknown_reason, "vocab_ambiguous"))
        if fuzzy:
            return self._fuzzy(f, unknown_reason)
        return VocabMatch(None, "unknown", 0.0, (unknown_reason,))

    def _fuzzy(self, f: str, unknown_reason: str) -> VocabMatch:
        """Nearest folded wording within the edit budget, unique by a margin of one edit."""
        budget = 0 if len(f) < 4 else 1 if len(f) < 8 else 2
        best: dict[str, int] = {}
        for key, values in self.folded.items():
            d = Levenshtein.distance(f, key, score_cutoff=budget + 1)
            for v in values:
                if d < best.get(v, budget + 2):
                    best[v] = d
        ranked = sorted(best.items(), key=lambda t: t[1])
        if not ranked or ranked[0][1] > budget:
            return VocabMatch(None, "unknown", 0.0, (unknown_reason,))
        if len(ranked) > 1 and ranked[1][1] <= ranked[0][1]:
            return VocabMatch(None, "ambiguous", 0.0, (unknown_reason, "vocab_ambiguous"))
        value, d = ranked[0]
        score = min(SCORE_FUZZY_MAX, 1.0 - d / max(len(f), 1))
        return VocabMatch(value, "fuzzy", round(score, 4))


# --------------------------------------------------------------------------------------------
# Ethnicity, nationality, sex
# --------------------------------------------------------------------------------------------

_LEADING_LABEL_RE = re.compile(
    r"^\s*(?:dân\s*tộc|dan\s*toc|quốc\s*tịch|quoc\s*tich)\s*[:.]?\s*", re.I
)


# Other names of groups (the GSO list's "tên gọi khác") seen in older books, on top of the
# variants of ethnic_groups.csv. Only names of two syllables or more, or long ones, so that OCR
# noise is not snapped to them; none folds like another group's name (a test checks).
ETHNIC_OTHER_NAMES: dict[str, tuple[str, ...]] = {
    "Dao": ("Mán",),
    "Sán Dìu": ("Sán Dẻo",),
    "Hà Nhì": ("U Ni", "Xá U Ni"),
    "Phù Lá": ("Xá Phó",),
    "Lô Lô": ("Mun Di",),
    "Giáy": ("Nhắng", "Dẩng"),
    "Ê-đê": ("Ra-đê", "Rađê"),
    "Mnông": ("Pnông",),
    "Khơ-mú": ("Xá Cẩu",),
    "Chơ-ro": ("Châu Ro",),
    "Chu-ru": ("Chơ-ru",),
    "Cơ-tu": ("Ca-tu",),
    "Ta-ôi": ("Tôi-ôi", "Pa-cô"),
    "Gia-rai": ("Giơ-rai", "Chơ-rai"),
    "Xơ-đăng": ("Xơ-teng",),
    "Bố Y": ("Chủng Chá",),
    "Pà Thẻn": ("Pà Hưng",),
    "Pu Péo": ("Ka Pèo",),
    "Ơ Đu": ("Tày Hạt",),
    "Brâu": ("Brao",),
    "Bru-Vân Kiều": ("Măng Coong",),
    "Xinh-mun": ("Puộc",),
}


@cache
def _ethnic_vocab() -> Vocabulary:
    return Vocabulary.of(
        {
            g.name: (g.name, *g.variants, *ETHNIC_OTHER_NAMES.get(g.name, ()))
            for g in ethnic_groups()
        }
    )


@cache
def _ethnic_codes() -> dict[str, str]:
    return {g.name: g.code for g in ethnic_groups()}


def ethnic_code(name: str) -> str | None:
    """Canonical group name → its two-digit code (``Kinh`` → ``01``)."""
    return _ethnic_codes().get(name)


def match_ethnicity(raw: str) -> VocabMatch:
    """Raw ethnicity → canonical group name (``Việt`` → ``Kinh``, ``Khơ me`` → ``Khơ-me``).

    Reason when not found: ``ethnicity_unknown`` (it may be a foreign origin: review).
    """
    text = _LEADING_LABEL_RE.sub("", clean_text(raw))
    return _ethnic_vocab().match(text, unknown_reason="ethnicity_unknown")


VIET_NAM = "Việt Nam"

# Nationalities as the books write them (Vietnamese exonyms). Value → other wordings.
NATIONALITIES: dict[str, tuple[str, ...]] = {
    VIET_NAM: (
        VIET_NAM,
        "Viet Nam",
        "Vietnam",
        "VN",
        "Việt",
        "CHXHCN Việt Nam",
        "Cộng hòa xã hội chủ nghĩa Việt Nam",
    ),
    "Trung Quốc": ("Trung Quốc", "Trung Hoa"),
    "Lào": ("Lào",),
    "Campuchia": ("Campuchia", "Cam-pu-chia", "Căm-pu-chia"),
    "Thái Lan": ("Thái Lan",),
    "Hàn Quốc": ("Hàn Quốc", "Đại Hàn"),
    "Triều Tiên": ("Triều Tiên",),
    "Nhật Bản": ("Nhật Bản", "Nhật"),
    "Đài Loan": ("Đài Loan",),
    "Hoa Kỳ": ("Hoa Kỳ", "Mỹ", "USA"),
    "Pháp": ("Pháp",),
    "Đức": ("Đức",),
    "Anh": ("Anh", "Vương quốc Anh"),
    "Nga": ("Nga", "Liên bang Nga"),
    "Úc": ("Úc", "Australia", "Ô-xtrây-li-a"),
    "Ca-na-đa": ("Ca-na-đa", "Canada"),
    "Ấn Độ": ("Ấn Độ",),
    "Xin-ga-po": ("Xin-ga-po", "Singapore"),
    "Ma-lai-xi-a": ("Ma-lai-xi-a", "Malaysia"),
    "Phi-líp-pin": ("Phi-líp-pin", "Philippines"),
    "In-đô-nê-xi-a": ("In-đô-nê-xi-a", "Indonesia"),
    "Ba Lan": ("Ba Lan",),
    "Séc": ("Séc", "Cộng hòa Séc"),
    "U-crai-na": ("U-crai-na", "Ukraina", "Ukraine"),
    "Cu Ba": ("Cu Ba", "Cuba"),
}


@cache
def _nationality_vocab() -> Vocabulary:
    return Vocabulary.of(NATIONALITIES)


def match_nationality(raw: str) -> VocabMatch:
    """Raw nationality → ``Việt Nam`` (or another listed nationality).

    Not in the list: ``value`` is the text in title case, ``how`` ``unknown``, reason
    ``nationality_not_in_list`` (a foreign nationality is rare in these books: review).
    """
    text = _LEADING_LABEL_RE.sub("", clean_text(raw))
    m = _nationality_vocab().match(text, unknown_reason="nationality_not_in_list")
    if m.value is None and m.how in ("unknown", "ambiguous") and text:
        return VocabMatch(title_case(text), m.how, 0.5, m.reasons)
    return m


SEXES: dict[str, tuple[str, ...]] = {
    "Nam": ("Nam", "Nam giới", "Trai", "Con trai", "Male", "M"),
    "Nữ": ("Nữ", "Nữ giới", "Gái", "Con gái", "Female", "F"),
}


@cache
def _sex_vocab() -> Vocabulary:
    return Vocabulary.of(SEXES)


def match_sex(raw: str) -> VocabMatch:
    """``Nam``/``Nữ`` from OCR text (``NỮ``, ``Nu``, ``Nừ`` …); reason ``sex_unknown``."""
    return _sex_vocab().match(clean_text(raw), unknown_reason="sex_unknown")


# --------------------------------------------------------------------------------------------
# Category codes
# --------------------------------------------------------------------------------------------

# Wordings seen in books beyond forms.ID_DOC_TYPES (same codes).
ID_DOC_EXTRA_WORDINGS: dict[str, tuple[str, ...]] = {
    "cccd": ("Thẻ CCCD", "Căn cước CD", "CCCD số"),
    "cmnd": ("Giấy CMND", "Giấy chứng minh nhân dân", "Chứng minh thư", "CMT", "CMTND số"),
    "the_can_cuoc": ("Thẻ CC",),
    "ho_chieu": ("Passport", "HC"),
}


def _with_extra(
    base: Mapping[str, tuple[str, ...]], extra: Mapping[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    return {code: (*words, *extra.get(code, ())) for code, words in base.items()}


@cache
def _id_doc_vocab() -> Vocabulary:
    return Vocabulary.of(_with_extra(ID_DOC_TYPES, ID_DOC_EXTRA_WORDINGS))


@cache
def _kind_vocab(kinds: tuple[tuple[str, tuple[str, ...]], ...]) -> Vocabulary:
    return Vocabulary.of(dict(kinds))


def match_id_doc_type(raw: str) -> VocabMatch:
    """Printed wording of an identity paper → ``forms.ID_DOC_TYPES`` code.

    ``Căn cước công dân``/``CCCD`` → ``cccd``; ``Thẻ căn cước`` → ``the_can_cuoc``;
    reason ``id_doc_type_unknown``.
    """
    return _id_doc_vocab().match(clean_text(raw), unknown_reason="id_doc_type_unknown")


def match_registration_kind(
    raw: str, kinds: Mapping[str, tuple[str, ...]] = REGISTRATION_KINDS
) -> VocabMatch:
    """Printed wording of the registration kind → its code (``Quá hạn`` → ``qua_han``).

    ``kinds`` defaults to the birth register's ``forms.REGISTRATION_KINDS``; pass another table
    (code → wordings, canonical first) for marriage or death books. Reason
    ``registration_kind_unknown``.
    """
    vocab = _kind_vocab(tuple((k, tuple(v)) for k, v in kinds.items()))
    m = vocab.match(clean_text(raw), unknown_reason="registration_kind_unknown")
    if m.value is None and m.how == "unknown":
        return _phrase_fallback(raw, kinds, m)
    return m


def _phrase_fallback(
    raw: str, kinds: Mapping[str, tuple[str, ...]], miss: VocabMatch
) -> VocabMatch:
    """Long wordings with one or two damaged words: normalised similarity on folded keys."""
    f = fold_accents(compact_key(raw))
    if len(f) < 6:
        return miss
    scores: dict[str, float] = {}
    for code, words in kinds.items():
        for w in words:
            s = Levenshtein.normalized_similarity(f, fold_accents(compact_key(w)))
            scores[code] = max(scores.get(code, 0.0), s)
    ranked = sorted(scores.items(), key=lambda t: -t[1])
    if not ranked or ranked[0][1] < 0.75:
        return miss
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < 0.15:
        return VocabMatch(None, "ambiguous", 0.0, (*miss.reasons, "vocab_ambiguous"))
    code, s = ranked[0]
    return VocabMatch(code, "fuzzy", round(min(SCORE_FUZZY_MAX, s), 4))
