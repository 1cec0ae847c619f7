"""Closed lists of phrases that registers print in free-text fields, and snapping to them.

A declarant's relationship, a signer's title and an id paper's issuer are written as text, but
from a small set of phrases. Snapping an OCR reading to the phrase it nearly equals fixes the
errors Tesseract makes most on them: capitals that differ from lower case only in size (``cha``
for ``Cha`` in monospaced type) and one confused letter (``Quản tý`` for ``Quản lý``). A reading
not close to any phrase is kept as read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from extraction.text import fold_accents
from extraction.vocab import provinces

RELATIONSHIPS: tuple[str, ...] = (
    "Mẹ đẻ",
    "Mẹ",
    "Là mẹ",
    "Cha đẻ",
    "Bố đẻ",
    "Cha",
    "Bố",
    "Là cha",
    "Là bố",
    "Ông nội",
    "Bà nội",
    "Ông ngoại",
    "Bà ngoại",
    "Bản thân",
    "Anh ruột",
    "Chị ruột",
    "Em ruột",
    "Cô ruột",
    "Dì ruột",
    "Chú ruột",
    "Bác ruột",
    "Cậu ruột",
    "Người nuôi dưỡng",
    "Người giám hộ",
    "Người được ủy quyền",
    "Người được uỷ quyền",
)

# A death's declarant, by relation to the deceased.
DEATH_RELATIONSHIPS: tuple[str, ...] = (
    "Con đẻ",
    "Con trai",
    "Con gái",
    "Con",
    "Vợ",
    "Chồng",
    "Cháu nội",
    "Cháu ngoại",
    "Cháu ruột",
    "Anh ruột",
    "Chị ruột",
    "Em ruột",
    "Cha đẻ",
    "Bố đẻ",
    "Mẹ đẻ",
    "Người được ủy quyền",
    "Người được uỷ quyền",
)

# Causes of death as registers usually word them; a cause not among them is kept as read.
DEATH_CAUSES: tuple[str, ...] = (
    "Già yếu",
    "Tuổi cao, sức yếu",
    "Tuổi già",
    "Bệnh",
    "Bệnh tật",
    "Ốm đau",
    "Bệnh tim",
    "Suy tim",
    "Nhồi máu cơ tim",
    "Tai biến mạch máu não",
    "Đột quỵ",
    "Xuất huyết não",
    "Cao huyết áp",
    "Ung thư",
    "Ung thư phổi",
    "Ung thư gan",
    "Ung thư dạ dày",
    "Ung thư vú",
    "Ung thư đại tràng",
    "Xơ gan",
    "Viêm phổi",
    "Lao phổi",
    "Suy thận",
    "Suy hô hấp",
    "Suy đa tạng",
    "Đái tháo đường",
    "Tai nạn giao thông",
    "Tai nạn lao động",
    "Tai nạn",
    "Đuối nước",
    "Sinh non",
    "Dị tật bẩm sinh",
    "Nhiễm trùng",
    "Nhiễm trùng huyết",
    "Sốt xuất huyết",
)

TITLES: tuple[str, ...] = (
    "Chủ tịch",
    "Phó Chủ tịch",
    "Chủ tịch UBND",
    "Phó Chủ tịch UBND",
    "Công chức tư pháp - hộ tịch",
    "Trưởng phòng Tư pháp",
    "Phó Trưởng phòng Tư pháp",
)

_FIXED_ISSUERS: tuple[str, ...] = (
    "Cục Cảnh sát QLHC về TTXH",
    "Cục Cảnh sát ĐKQL cư trú và DLQG về dân cư",
    "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
    "Cục Quản lý xuất nhập cảnh",
    "Bộ Công an",
    "Bộ Ngoại giao",
)

# Snap only when the reading is this close (rapidfuzz ratio, 0–100) to one phrase and clearly
# closer to it than to the next; case differences alone always snap.
MIN_SCORE = 90.0
MIN_LEAD = 4.0


@cache
def issuers() -> tuple[str, ...]:
    police = []
    for name in provinces().values():
        police += [f"Công an tỉnh {name}", f"Công an TP {name}", f"Công an thành phố {name}"]
    return _FIXED_ISSUERS + tuple(police)


def _relationships() -> tuple[str, ...]:
    return RELATIONSHIPS


def _titles() -> tuple[str, ...]:
    return TITLES


def _death_relationships() -> tuple[str, ...]:
    return DEATH_RELATIONSHIPS


def _death_causes() -> tuple[str, ...]:
    return DEATH_CAUSES


PHRASES: dict[str, Callable[[], tuple[str, ...]]] = {
    "relationship": _relationships,
    "title": _titles,
    "issuer": issuers,
    "death_relationship": _death_relationships,
    "death_cause": _death_causes,
}


@dataclass(frozen=True)
class Snapped:
    value: str
    changed: bool
    score: float  # 0..1: how close the reading was to the phrase


def _phrases(kind: str) -> tuple[str, ...]:
    return PHRASES[kind]()


@cache
def _casefold_index(kind: str) -> dict[str, str]:
    return {p.casefold(): p for p in _phrases(kind)}


@cache
def _folded_index(kind: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for p in _phrases(kind):
        out.setdefault(fold_accents(p).casefold(), []).append(p)
    return {k: tuple(v) for k, v in out.items()}


def snap_phrase(text: str, kind: str) -> Snapped:
    """The phrase of ``kind`` that ``text`` reads as, or ``text`` unchanged."""
    exact = _casefold_index(kind).get(text.casefold())
    if exact is not None:
        return Snapped(exact, exact != text, 1.0)
    # Same letters, accents misread ("Mẹ đề" for "Mẹ đẻ"): one phrase only, or none.
    same = _folded_index(kind).get(fold_accents(text).casefold(), ())
    if len(same) == 1:
        return Snapped(same[0], True, 0.95)
    choices = _phrases(kind)
    best = process.extract(text, choices, scorer=fuzz.ratio, limit=2)
    if not best:
        return Snapped(text, False, 1.0)
    top, score, _ = best[0]
    lead = score - (best[1][1] if len(best) > 1 else 0.0)
    # Different letters, not only different accents, need a clear lead: "Cha" vs "Bà" must not
    # be confused by a fuzzy score.
    if score >= MIN_SCORE and lead >= MIN_LEAD and len(text) >= 6:
        same_letters = fold_accents(top).casefold() == fold_accents(text).casefold()
        return Snapped(top, True, score / 100.0 if not same_letters else 0.98)
    return _snap_one_letter(text, kind)


# A reading one letter off a phrase ("Chủ kịch", "Phö:-chủ tịch" once its marks go), when every
# other phrase is much further: snapped with the lower confidence of its fuzzy score.
ONE_LETTER_MIN_LEAD = 10.0
_MARKS_RE = re.compile(r"[^\w\s]")


def _snap_one_letter(text: str, kind: str) -> Snapped:
    clean = " ".join(_MARKS_RE.sub(" ", text).split()).casefold()
    if len(clean) < 6:
        return Snapped(text, False, 1.0)
    by_folded = _casefold_index(kind)
    best = process.extract(clean, list(by_folded), scorer=fuzz.ratio, limit=2)
    if not best:
        return Snapped(text, False, 1.0)
    top, score, _ = best[0]
    lead = score - (best[1][1] if len(best) > 1 else 0.0)
    if Levenshtein.distance(clean, top) <= 1 and lead >= ONE_LETTER_MIN_LEAD:
        return Snapped(by_folded[top], True, round(score / 100.0, 4))
    return Snapped(text, False, 1.0)


MAX_TRAILING_WORDS = 3


def phrase_prefix(text: str, kind: str) -> str | None:
    """The phrase of ``kind`` that the first words of ``text`` read as, when at most a few
    words follow it (a signature's strokes, a stamp, a stray word); the longest such run of
    words wins ("Mẹ đề về J1" is "Mẹ đẻ", not "Mẹ"). None when no run is a phrase."""
    if text.casefold() in _casefold_index(kind):
        return None  # the text is a phrase itself ("Mẹ đẻ" is not "Mẹ" + a stray word)
    words = text.split()
    for k in range(len(words) - 1, max(0, len(words) - 1 - MAX_TRAILING_WORDS), -1):
        head = " ".join(words[:k]).strip(" ,.;:-–")
        if not head:
            continue
        # the phrase, or the phrase misread too, then strays ("Công an TP Hài Phòng - Âu")
        found = reads_as(head, kind)
        if found is not None:
            return found
    return None


def reads_as(text: str, kind: str) -> str | None:
    """The phrase of ``kind`` that ``text`` is (any case) or snaps to, or None."""
    exact = _casefold_index(kind).get(text.casefold())
    if exact is not None:
        return exact
    snapped = snap_phrase(text, kind)
    return snapped.value if snapped.changed else None


MAX_LEADING_WORDS = 2
_WORD_PUNCT = ".,:;\"'`“”„‘’^ˆ=~_-–—*()[]{}|!?¬"


def phrase_within(text: str, kind: str) -> str | None:
    """The phrase of ``kind`` that a run of ``text``'s words reads as, once the marks OCR
    scatters over them are dropped (``Công an. TP. Hà NỘI``, ``= "công an` TP` Hà Nội``) and up
    to ``MAX_LEADING_WORDS`` stray words before it and ``MAX_TRAILING_WORDS`` after it are
    left out (``zˆ Cởng an tỉnh Thanh Hóa``); the longest run wins. None when no run is one."""
    words = [w.strip(_WORD_PUNCT) for w in text.split()]
    words = [w for w in words if w]
    n = len(words)
    for length in range(n, max(0, n - MAX_LEADING_WORDS - MAX_TRAILING_WORDS) - 1, -1):
        if length == 0:
            break
        for start in range(0, min(MAX_LEADING_WORDS, n - length) + 1):
            if n - start - length > MAX_TRAILING_WORDS:
                continue
            found = reads_as(" ".join(words[start : start + length]), kind)
            if found is not None:
                return found
    return None
