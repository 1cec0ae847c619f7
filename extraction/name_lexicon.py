"""Syllables of Vietnamese personal names, to score what OCR read in a name.

OCR errs on names mostly in the diacritics (``Chi`` → ``Chỉ``, ``Văn`` → ``Vàn``, ``Tiến`` →
``Tiển``), and reads them with high confidence. Names come from a known distribution: a syllable
that is not a usual name syllable, while an accent variant of it is, is a likely misreading, so
its field's confidence drops and the calibrated threshold sends it to review. An unusual name
spelled right goes to review too, which is the cheap side of the error.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from extraction.text import fold_accents

SURNAMES = """
Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Vương Trịnh
Trương Đinh Lâm Mai Tô Hà Tạ Lưu Cao Chu Kiều Lương Quách Thái Mạc Tăng Triệu Đàm Văn Khúc
Khổng Kim Lã Lục Nông Hứa Âu Doãn Đồng Giang Hàn Hầu Lại Mẫn Nghiêm Ninh Phí Phùng Quản Thân
Tiêu Tống Từ Ứng Vi Viên Bế Cầm Lò Lường Quàng Sầm Hoàng Tôn Thất Nữ Điêu Ma Giàng Sùng Thào
Vàng Hờ Mùa Lầu Chảo Bàn Triệu Đèo Vừ Thạch Danh Sơn Kha Y Nay Ksor Rơ Đinh La Trình Ông Bạch
Cù Diệp Đới Hán Lữ Mã Nhâm Ôn Quan Sử Thiều Thịnh Văn Yên Ly Hạng Tráng Chá Lý Vừ Hoàng Cư
Phàn Chẻo Tẩn Lèng Hảng Mông Nhữ Hầu Giàng Sùng Tòng Bạc Lù Khà Lỳ Pờ Hoàng Lộc Hoàng
"""

MIDDLE_AND_GIVEN = """
Thị Văn Đức Minh Hữu Quang Thanh Ngọc Thu Xuân Hồng Kim Gia Bảo Anh Tuấn Hoàng Mạnh Quốc Công
Đình Duy Thế Trọng Tiến Trung Việt Hải Phương Thúy Thuỳ Thùy Hương Lan Mai Hoa Huệ Cúc Đào Trang
Linh Ngân Nga Nguyệt Hạnh Hà Hằng Hiền Huyền Khánh Chi Vy Vi My Mỹ Yến Nhung Nhi Như Quỳnh Thảo
Trâm Tú Uyên Vân Diệp Diệu Loan Ly Lý Lệ Liên Liễu Ánh Bích Châu Dung Giang Hậu Hoài Kiều Lâm
Lụa Mơ Mến Nhàn Oanh Phượng Sương Tâm Thắm Thơ Thư Trinh Tuyết Xoan Yên An Bình Cường Dũng Dương
Đạt Định Đông Giáp Hiếu Hiệp Hòa Hoà Hùng Huy Hưng Khang Khải Khoa Khôi Kiên Lộc Long Luân Lực
Nam Nghĩa Nhân Phát Phong Phúc Phú Quân Quý Sơn Tài Tân Thái Thành Thắng Thịnh Thông Toàn Trí
Tùng Tường Vinh Vũ Vương Bách Bằng Cảnh Chiến Chính Chung Dân Dư Đăng Điền Độ Giao Hạnh Hào Hậu
Hiển Hiệp Học Hợp Khiêm Khương Lai Lập Lợi Luận Mẫn Năng Ngân Nhật Pháp Quyết Sang Sinh Sĩ Tài
Thạch Thiện Thiết Thọ Thuận Thực Tín Toản Trường Tuệ Tuyên Văn Vĩnh Vọng Xuyên Ý Yên Kỳ Lam Nhã
Cát Đan Hân Hy Khuê Ngà Ngôn Nhiên Phụng Quế Sa Thiên Thơm Tiên Trà Tuyền Vỹ Băng Di Giao Hiền
Huân Kha Lãm Lĩnh Mậu Nguyên Phi Quảng Thân Thuấn Tịnh Trãi Triều Triết Trình Uy Viễn Đoan
Châm Chinh Cương Đài Đức Hân Hằng Hưởng Khiết Lành Loan Luyến Lương Mạnh Mận Miên Mừng Ngọc
Nhạn Nhị Phấn Quyên Sen Soa Tám Thêu Thoa Thoan Thục Thủy Thuỷ Tình Tươi Vẹn Xinh Yến Ân Ẩn
Cẩm Diễm Điệp Hảo Hoan Huyên Khanh Lan Lê Lộ Mai Mẫn Minh Ngoan Nhung Nữ Ái Ấu Bội Dạ Hoạt
Ninh Phước Quang Tuân Tuấn Tấn Tâm Thu Thuý Thúy Túc Út Bảy Tư Năm Sáu Hai Ba Lài Tín Sỹ Sĩ
Khoa Khôi Đạo Đại Hạ Kính Lễ Nhất Quỳnh Thắm Thiêm Thuần Trúc Tùng Vui Xuân Yến Diệu Duyên Đông
Phượng Bảo Tường Tuệ Hoà Hòa Thuỵ Thụy Huỳnh
"""


@cache
def name_syllables() -> frozenset[str]:
    return frozenset(w.casefold() for w in (SURNAMES + MIDDLE_AND_GIVEN).split())


@cache
def _by_folded() -> dict[str, set[str]]:
    return _folded_index(name_syllables())


def _folded_index(syllables: frozenset[str]) -> dict[str, set[str]]:
    """Casefolded syllables grouped by their letters without accents."""
    out: dict[str, set[str]] = {}
    for s in syllables:
        out.setdefault(fold_accents(s), set()).add(s)
    return out


def unusual_syllables(name: str) -> list[str]:
    """Syllables of ``name`` that are not name syllables while an accent variant of them is."""
    out = []
    for word in name.split():
        w = word.casefold().strip(".,")
        if not w or w in name_syllables():
            continue
        if fold_accents(w) in _by_folded():
            out.append(word)
    return out


# Surnames by frequency (names.md), most common first: a misread surname snaps to the most
# common surname with the same letters (``Nguyên`` → ``Nguyễn``, ``Trân`` → ``Trần``).
COMMON_SURNAMES = [
    "Nguyễn",
    "Lê",
    "Trần",
    "Vũ",
    "Võ",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Trương",
    "Bùi",
    "Đỗ",
    "Đặng",
    "Ngô",
    "Hồ",
    "Dương",
    "Lý",
    "Đào",
    "Đinh",
    "Đoàn",
    "Lương",
    "Trịnh",
    "Mai",
    "Lâm",
    "Hà",
    "Tô",
    "Tạ",
    "Lưu",
    "Cao",
    "Chu",
    "Vương",
    "Kiều",
    "Quách",
    "Thái",
    "Mạc",
    "Tăng",
    "Triệu",
    "Đàm",
    "Khúc",
    "Lục",
    "Nông",
    "Hứa",
    "Lại",
    "Phùng",
    "Tống",
    "Từ",
    "Vi",
    "Bế",
    "Cầm",
    "Lò",
    "Lường",
    "Quàng",
    "Sầm",
]


# Surnames of the ethnic minorities whose given names (Thái, Hmông, Dao, Tày …) are outside this
# lexicon: names under them are left as read.
MINORITY_SURNAMES = """
Lò Lường Quàng Cầm Sầm Bế Nông Vi Lục Tòng Bạc Lù Khà Lỳ Pờ Giàng Sùng Thào Vàng Hờ Mùa Lầu
Chảo Bàn Đèo Vừ Ksor Rơ Nay Y Mông Phàn Chẻo Tẩn Lèng Hảng Ma Điêu Hạng Tráng Chá Cư
"""


@cache
def _kinh_surnames() -> frozenset[str]:
    minority = {w.casefold() for w in MINORITY_SURNAMES.split()}
    return frozenset(s.casefold() for s in SURNAMES.split()) - minority


@cache
def _surnames() -> frozenset[str]:
    return frozenset(s.casefold() for s in SURNAMES.split())


@cache
def _surname_by_folded() -> dict[str, str]:
    out: dict[str, str] = {}
    for s in COMMON_SURNAMES:
        out.setdefault(fold_accents(s).casefold(), s)  # the most common of a letter group wins
    return out


def snap_surname(name: str) -> str | None:
    """The name with its first syllable snapped to a common surname of the same letters, when the
    syllable as read is not a surname itself; None when nothing changes."""
    words = name.split()
    if len(words) < 2:
        return None
    first = words[0]
    if first.casefold() in _surnames():
        return None  # a surname as it stands (Ly, Hạng … included)
    target = _surname_by_folded().get(fold_accents(first).casefold())
    if target is None:
        return None
    words[0] = target.upper() if first.isupper() else target
    return " ".join(words)


# The given and middle names most often written (our choice among same-letter variants when a
# tone mark was misread: ``Nhỉ`` is ``Nhi`` more often than ``Nhị``).
_COMMON_GIVEN_TEXT = """
Anh Minh Linh Huyền Hương Trang Hà Thu Vân Nhi Chi Quân Dung Dũng Tuấn Hùng Hải Hiền Hoa Lan Mai
Ngọc Hằng Phương Thảo Yến Nga Nam Long Sơn Thành Trung Đức Văn Thị Hữu Quang Thanh Tâm Hạnh Hồng
Thủy Thúy Giang Hòa Bình Hưng Huy Khánh Vy My Trâm Ngân Loan Tú Việt Cường Thắng Toàn Tùng Hoàng
Huệ Liên Nhung Quỳnh Uyên An Bảo Gia Kim Xuân Thư Trinh Duy Đình Công Mạnh Quốc Tiến Hoài Diệp
"""
COMMON_GIVEN = frozenset(w.casefold() for w in _COMMON_GIVEN_TEXT.split())

_USUAL_MIDDLE = frozenset({"văn", "thị"})
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def tone_skeleton(syllable: str) -> str:
    """The syllable without its tone mark; vowel marks (â ă ê ô ơ ư đ) stay."""
    decomposed = unicodedata.normalize("NFD", syllable.casefold())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))


@cache
def _given_by_folded() -> dict[str, set[str]]:
    return _folded_index(frozenset(w.casefold() for w in MIDDLE_AND_GIVEN.split()))


def _snap_target(w: str, given: bool = False) -> str | None:
    """The name syllable an unusual syllable most likely is: the only one of the same letters,
    else the only one differing by the tone mark alone, else the only common one of those.
    After the surname (``given``) only middle and given names are candidates."""
    options = (_given_by_folded() if given else _by_folded()).get(fold_accents(w), set())
    if len(options) == 1:
        return next(iter(options))
    same_vowels = {o for o in options if tone_skeleton(o) == tone_skeleton(w)}
    if len(same_vowels) == 1:
        return next(iter(same_vowels))
    common = same_vowels & COMMON_GIVEN
    return next(iter(common)) if len(common) == 1 else None


def snap_unusual(name: str) -> str | None:
    """The name with each unusual syllable replaced by the name syllable it most likely is
    (``Chỉ`` → ``Chi``, ``Nhỉ`` → ``Nhi``, ``HUYỆN`` → ``HUYỀN``); None when nothing is
    unambiguous to change."""
    words = name.split()
    # Minority names (Hmông, Dao, Thái …) are outside this lexicon: leave them as read.
    if not words or words[0].casefold() not in _kinh_surnames():
        return None
    changed = False
    for i, word in enumerate(words):
        w = word.casefold()
        if w in name_syllables():
            continue
        target = _snap_target(w, given=i > 0)
        options = _by_folded().get(fold_accents(w), set())
        if 0 < i < len(words) - 1 and (middle := options & _USUAL_MIDDLE):
            target = next(iter(middle))  # "Trần Vấn Anh": the middle name is Văn far more often
        if target is None:
            continue
        words[i] = target.upper() if word.isupper() else target.capitalize()
        changed = True
    return " ".join(words) if changed else None


# Single-character OCR confusions seen in names: what was read → what it may have been.
NAME_CONFUSIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("†", ("ị", "i", "t")),
    ("1", ("i", "l", "I")),
    ("0", ("o", "O")),
    ("ñ", ("ĩ",)),
    ("T", ("I", "")),
    ("Ỉ", ("I",)),
)


def repair_syllables(name: str) -> str | None:
    """Each word that is not a Vietnamese syllable, tried with one OCR confusion undone, becomes
    the first repair that is a name syllable (else a valid syllable): ``Th†`` → ``Thị``,
    ``G1ang`` → ``Giang``, ``HTIỂN`` → ``HIỂN``. None when nothing is repaired."""
    from extraction.syllables import is_valid_syllable

    words = name.split()
    changed = False
    for i, word in enumerate(words):
        if is_valid_syllable(word) or not any(c.isalpha() for c in word):
            continue
        found: str | None = None
        fallback: str | None = None
        for src, dsts in NAME_CONFUSIONS:
            pos = word.find(src)
            while pos >= 0 and found is None:
                for dst in dsts:
                    cand = word[:pos] + dst + word[pos + len(src) :]
                    if not cand:
                        continue
                    if word.isupper() and cand.upper() != cand:
                        cand = cand.upper()
                    if cand.casefold() in name_syllables():
                        found = cand
                        break
                    if fallback is None and is_valid_syllable(cand):
                        fallback = cand
                pos = word.find(src, pos + 1)
            if found:
                break
        fix = found or fallback
        # "0anh": the digit stood for a capital, as in the rest of the name.
        others_capital = all(
            w[:1].isupper() for j, w in enumerate(words) if j != i and w[:1].isalpha()
        )
        if fix and not word[:1].isalpha() and fix[:1].islower() and others_capital:
            fix = fix[:1].upper() + fix[1:]
        if fix:
            words[i] = fix
            changed = True
    return " ".join(words) if changed else None


def _tail_is_stray(word: str, others: list[str]) -> bool:
    from extraction.syllables import is_valid_syllable

    core = word.strip(".,:;")
    letters = [c for c in core if c.isalpha()]
    if not letters or len(letters) < len(core):
        return True  # a speck or a stroke: "ˆ", "l»WA/w—", "N-ày"
    if len(letters) <= 2 and not is_valid_syllable(core):
        return True  # "l", "s", "Ầ"; a longer misread word stays for the reviewer
    # A name is typed in one case, which its first two words show: a word in another case
    # after them is a printed word of the next label or a stroke ("TRẦN YẾN AN tháng").
    head = [w for w in others[:2] if w[:1].isalpha()]
    head_letters = [c for w in head for c in w if c.isalpha()]
    if not head_letters:
        return False
    if all(c.isupper() for c in head_letters):
        return not core.isupper()
    if all(w[:1].isupper() and w[1:] == w[1:].lower() for w in head):
        return core.islower() or (len(letters) > 1 and core.isupper())
    return False


def drop_name_tail(name: str) -> str | None:
    """The name without stray words after it (specks, signature strokes, the next label's
    words) or marks between its words; at least two words stay. None when nothing is
    dropped."""
    # Marks between the words (leader dashes, specks) are no part of a name.
    words = _join_split_initial([w for w in name.split() if any(c.isalnum() for c in w)])
    end = len(words)
    while end > 2 and _tail_is_stray(words[end - 1], words[: end - 1]):
        end -= 1
    out = " ".join(words[:end])
    return out if out != " ".join(name.split()) else None


def _join_split_initial(words: list[str]) -> list[str]:
    """``T hắng`` → ``Thắng``: a capital read apart from the rest of its syllable."""
    out: list[str] = []
    for w in words:
        if out and len(out[-1]) == 1 and out[-1].isupper() and w.islower():
            joined = out[-1] + w
            if joined.casefold() in name_syllables():
                out[-1] = joined
                continue
        out.append(w)
    return out
