"""Text clean-up for OCR'd field values: NFC, whitespace, leaders, accent folding, tone marks.

Everything here is pure and works on one string. Two kinds of output:

- *display* text (``clean_text``): NFC, single spaces, dotted leaders and stray punctuation
  removed at the ends, written as the book has it otherwise (capitals and spelling kept);
- *keys* (``fold_accents``, ``name_key``, ``match_key``): for matching and search only, never
  stored as the value of a field (``shared/domain/names.md``).

Tone-mark placement: NFC does not unify ``hoà``/``hòa``, ``thuỷ``/``thủy``, ``khoẻ``/``khỏe``.
Two placements are in use; this module calls them

- ``"first"``: the mark on the first vowel of an open ``oa``/``oe``/``uy`` (``hòa``, ``thủy``,
  ``khỏe``), the placement most keyboards and most printed names use;
- ``"main"``: the mark on the main vowel (``hoà``, ``thuỷ``, ``khoẻ``).

Every other syllable has one placement and both styles agree on it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Literal

ToneStyle = Literal["first", "main"]

# Combining tone marks (Unicode NFD) → tone number: 1 huyền, 2 sắc, 3 hỏi, 4 ngã, 5 nặng.
TONE_MARKS: dict[str, int] = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}
TONE_CHARS: dict[int, str] = {v: k for k, v in TONE_MARKS.items()}

# Vowel letters after the tone mark is removed (NFC), lower case.
VOWELS = frozenset("aăâeêioôơuưy")
_MARKED_VOWELS = frozenset("ăâêôơư")

# Characters OCR leaves from dotted leaders and ruling, or prints as noise at a value's ends.
LEADER_CHARS = ".…_·•:|,;-–—~*'\"`´‘’“”¦!¡/\\"
_END_STRIP = LEADER_CHARS + " \t\r\n\u00a0"
_LEADER_RUN_RE = re.compile(r"(?:[.…·•_]\s*){2,}|[_]+|…+")
_SPACE_RE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT_RE = re.compile(r"\s+([,;)])")
_NO_SPACE_AFTER_PUNCT_RE = re.compile(r"([,;])(?=[^\s\d])")
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Look-alikes OCR engines emit for Vietnamese letters: Icelandic eth for Đ/đ.
_LOOKALIKES = str.maketrans(
    {"Ð": "Đ", "ð": "đ", "Ɖ": "Đ", "ɖ": "đ", "⁄": "/", "∕": "/"}  # OCR reads "/" as U+2044 too
)
_FOLD_EXTRA = str.maketrans({"Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Ɖ": "D", "ɖ": "d"})


def nfc(text: str) -> str:
    """NFC-normalise ``text``; OCR look-alikes of ``Đ``/``đ`` (eth) become the real letters."""
    return unicodedata.normalize("NFC", text).translate(_LOOKALIKES)


def collapse_spaces(text: str) -> str:
    """Every run of whitespace (incl. NBSP, tabs, new lines) becomes one space; ends trimmed."""
    return _SPACE_RE.sub(" ", _ZERO_WIDTH_RE.sub("", text)).strip()


def strip_leaders(text: str) -> str:
    """Remove leader characters and stray punctuation at both ends (``… Kinh .:`` → ``Kinh``)."""
    return text.strip(_END_STRIP)


def clean_text(text: str) -> str:
    """Display clean-up: NFC, leader runs inside removed, single spaces, ends trimmed.

    Internal single punctuation is kept (``Q. Long Biên``, ``K'Ho``); spaces around commas are
    tidied (``Long Biên ,Hà Nội`` → ``Long Biên, Hà Nội``).
    """
    s = nfc(text)
    s = _LEADER_RUN_RE.sub(" ", s)
    s = collapse_spaces(s)
    s = _SPACE_BEFORE_PUNCT_RE.sub(r"\1", s)
    s = _NO_SPACE_AFTER_PUNCT_RE.sub(r"\1 ", s)
    return collapse_spaces(strip_leaders(s))


def is_blank(text: str | None) -> bool:
    """True for an empty value: nothing, whitespace, dots, dashes, leaders only."""
    if text is None:
        return True
    s = _ZERO_WIDTH_RE.sub("", nfc(text))
    return not s.strip(_END_STRIP + "()[]")


def fold_accents(text: str) -> str:
    """Remove every diacritic, ``Đ``/``đ`` included: ``Đặng Thị Thuỷ`` → ``Dang Thi Thuy``."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", stripped)


def split_tone(syllable: str) -> tuple[str, int, int | None]:
    """Split a syllable into (toneless NFC base, tone 0..5, index in the base of the marked char).

    Tone 0 is ngang (no mark). If the syllable carries more than one tone mark the tone is -1.
    """
    decomposed = unicodedata.normalize("NFD", nfc(syllable))
    base: list[str] = []
    tone = 0
    index: int | None = None
    for ch in decomposed:
        t = TONE_MARKS.get(ch)
        if t is None:
            base.append(ch)
            continue
        if tone:
            tone = -1
            continue
        tone = t
        # The mark belongs to the last base letter (skipping other combining marks).
        letters = unicodedata.normalize("NFC", "".join(base))
        index = len(letters) - 1
    return unicodedata.normalize("NFC", "".join(base)), tone, index


def _onset_length(lower: str) -> int:
    """Length of the written onset of a toneless, lower-case syllable (``qu``/``gi`` included)."""
    i = 0
    while i < len(lower) and lower[i] not in VOWELS:
        i += 1
    if i == 1 and lower[0] == "q" and len(lower) > 1 and lower[1] == "u":
        return 2
    if i == 1 and lower[0] == "g" and len(lower) > 2 and lower[1] == "i" and lower[2] in VOWELS:
        return 2
    return i


def tone_position(base: str, style: ToneStyle = "first") -> int | None:
    """Index in the toneless ``base`` of the vowel that carries the tone mark, or None."""
    lower = base.lower()
    start = _onset_length(lower)
    end = start
    while end < len(lower) and lower[end] in VOWELS:
        end += 1
    if end == start:
        # "gi" alone (gì), "qu" + nothing: the mark goes on the onset's vowel letter.
        if start >= 2 and lower[start - 1] in VOWELS:
            return start - 1
        return None
    nucleus = lower[start:end]
    has_final = end < len(lower)
    marked = [i for i, ch in enumerate(nucleus) if ch in _MARKED_VOWELS]
    if marked:
        return start + marked[-1]
    if has_final:
        return end - 1
    if len(nucleus) == 1:
        return start
    if len(nucleus) == 2:
        if nucleus in ("oa", "oe", "uy") and style == "main":
            return start + 1
        return start
    return start + 1


def place_tone(base: str, tone: int, style: ToneStyle = "first") -> str:
    """Put ``tone`` (0..5) on the toneless syllable ``base`` following ``style``."""
    if tone <= 0:
        return base
    pos = tone_position(base, style)
    if pos is None:
        return base
    return unicodedata.normalize("NFC", base[: pos + 1] + TONE_CHARS[tone] + base[pos + 1 :])


def normalise_tone_marks(text: str, style: ToneStyle = "first") -> str:
    """Re-place the tone mark of every word of ``text`` according to ``style``.

    ``Hoà Bình`` → ``Hòa Bình`` (style ``first``); case and everything else are kept. A word with
    two tone marks (OCR noise) is left as it is.
    """

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        base, tone, _ = split_tone(word)
        if tone <= 0:
            return word
        return place_tone(base, tone, style)

    return _WORD_RE.sub(fix, nfc(text))


_WORD_RE = re.compile(r"[^\W\d_]+")
_RHYME_I_RE = re.compile(r"^([bcdđghklmnpqrstvx]+)([iy])$")


def _i_y_key(word: str) -> str:
    """``lý``/``lí`` → ``lí``: a bare ``i``/``y`` rhyme after a consonant is keyed as ``i``."""
    base, tone, _ = split_tone(word)
    m = _RHYME_I_RE.match(base)
    if not m or m.group(1) in ("q", "qu", "g", "gh"):
        return word
    return place_tone(m.group(1) + "i", tone)


def match_key(text: str) -> str:
    """Accent-keeping key: cleaned, lower case, tone marks placed one way, ``i``/``y`` unified."""
    s = normalise_tone_marks(clean_text(text).lower(), "first")
    return _WORD_RE.sub(lambda m: _i_y_key(m.group(0)), s)


def name_key(name: str, *, fold: bool = False) -> str:
    """Key for matching personal names: ``NGUYỄN THỊ THUỶ`` and ``Nguyễn Thị Thủy`` agree.

    Punctuation and hyphens become spaces. With ``fold=True`` accents are removed too (a looser
    key for blocking; ``Lê``/``Lệ`` then collide).
    """
    words = _WORD_RE.findall(match_key(name))
    key = " ".join(words)
    return fold_accents(key) if fold else key


def fold_key(text: str) -> str:
    """Loosest key: lower case, no accents, only letters and digits, single spaces."""
    return " ".join(re.findall(r"[^\W_]+", fold_accents(nfc(text)).lower()))


def title_case(text: str) -> str:
    """Vietnamese title case: first letter of each space-separated word upper, the rest lower."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split(" "))


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _has_tone(word: str) -> bool:
    return any(c in _TONE_MARKS for c in unicodedata.normalize("NFD", word))


def repair_case(text: str) -> tuple[str, bool]:
    """Undo OCR case slips in a value that is not written all in capitals.

    A word mixing cases inside (``SóC``, ``BerLin``, ``TrÌ``) becomes title case; an all-capital
    word that carries a tone mark (``SỐ``, ``VŨ``) does too, because abbreviations (``TP``,
    ``UBND``, ``ĐKQL``) carry none. A value written in capitals is left as it is.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters or all(c.isupper() for c in letters):
        return text, False
    out = []
    changed = False
    for word in text.split(" "):
        core = "".join(c for c in word if c.isalpha())
        fixed = word
        if len(core) >= 2:
            inner_upper = any(c.isupper() for c in core[1:])
            inner_lower = any(c.islower() for c in core[1:])
            if inner_upper and (inner_lower or (core[0].isupper() and _has_tone(core))):
                fixed = word[:1] + word[1:].lower() if word[:1].isalpha() else word.lower()
                if fixed != word:
                    changed = True
        out.append(fixed)
    return " ".join(out), changed


def capitalise_name_words(name: str) -> tuple[str, bool]:
    """Every word of a Vietnamese name starts with a capital: a word read in lower case in a
    name typed in title case (``cao Văn Tiến``, ``Vũ công Lộc``: a monospaced ``C`` differs
    from ``c`` by size alone) gets its capital back. A name in capitals is left alone."""
    letters = [c for c in name if c.isalpha()]
    if not letters or all(c.isupper() for c in letters):
        return name, False
    words = name.split(" ")
    out = [w[:1].upper() + w[1:] if w[:1].islower() else w for w in words]
    return " ".join(out), out != words


# Digits OCR reads for letters inside words, by the letter's case.
_DIGIT_AS_UPPER = {"0": "O", "1": "I", "6": "G", "5": "S", "8": "B"}
_DIGIT_AS_LOWER = {"0": "o", "1": "i", "6": "g", "5": "s"}


def fix_word_digits(text: str, is_word: Callable[[str], bool]) -> tuple[str, bool]:
    """A word of letters with one digit among them (``6ià``, ``Hàng 6ai``, ``Ma1``, ``Nh1``):
    the digit is the letter it looks like, when that makes a word ``is_word`` accepts (a
    Vietnamese syllable). House numbers and codes (``12A``, ``16/156``) are left alone."""
    out: list[str] = []
    changed = False
    for token in text.split(" "):
        core = token.strip(".,;:()\"'")
        digits = [i for i, c in enumerate(core) if c.isdigit()]
        fixed = token
        if (
            len(digits) == 1
            and sum(c.isalpha() for c in core) >= 2
            and core.replace(core[digits[0]], "").isalpha()
        ):
            i = digits[0]
            after = core[i + 1 : i + 2]
            before = core[i - 1 : i] if i else ""
            upper = (i == 0 and (after.islower() or after.isupper())) and not (before.islower())
            table = _DIGIT_AS_UPPER if upper else _DIGIT_AS_LOWER
            if i > 0 and before.isupper() and (not after or after.isupper()):
                table = _DIGIT_AS_UPPER
            letter = table.get(core[i])
            if letter is not None:
                word = core[:i] + letter + core[i + 1 :]
                if is_word(word.lower()):
                    fixed = token.replace(core, word)
        if fixed != token:
            changed = True
        out.append(fixed)
    return " ".join(out), changed


_UNIT_WORDS = ("xã", "phường", "thị trấn", "huyện", "quận", "thị xã", "tỉnh", "thành phố")
_COMPONENT_RE = re.compile(r"(,\s*)")


def match_unit_word_case(place: str) -> tuple[str, bool]:
    """An address writes its unit words one way (``…, xã Đa Tốn, huyện Gia Lâm``): a unit word
    after a comma capitalised where another after a comma is not (``Xã`` read for ``xã``: the
    two differ by size alone) takes the lower case. The first component is left as written."""
    parts = _COMPONENT_RE.split(place)
    inner = [i for i in range(2, len(parts), 2)]

    def unit_of(part: str) -> str | None:
        low = part.lower()
        for unit in _UNIT_WORDS:
            if low.startswith(unit + " "):
                return part[: len(unit)]
        return None

    units = {i: u for i in inner if (u := unit_of(parts[i])) is not None}
    if not any(u[:1].islower() for u in units.values()):
        return place, False
    changed = False
    for i, unit in units.items():
        if unit[:1].isupper():
            parts[i] = unit.lower() + parts[i][len(unit) :]
            changed = True
    return "".join(parts), changed


def collapse_doubled_vowels(text: str) -> tuple[str, bool]:
    """One vowel read twice with two sets of marks (``Nỗổ``, ``QUYÊỀN``, ``Nỗõ``): no Vietnamese
    word has the same vowel twice in a row with marks on both; the first reading is kept."""
    out: list[str] = []
    for ch in text:
        if out and ch.isalpha() and out[-1].isalpha():
            prev = out[-1]
            base_prev, base_ch = fold_accents(prev).lower(), fold_accents(ch).lower()
            if (
                base_prev == base_ch
                and base_ch in VOWELS
                and prev != fold_accents(prev)
                and ch != fold_accents(ch)
            ):
                continue
        out.append(ch)
    result = "".join(out)
    return result, result != text


_STREET_NAME_RE = re.compile(r"(?<!\w)(phố|đường) ([^,]+)")


def capitalise_street_names(place: str) -> tuple[str, bool]:
    """A street's name is a proper name, every word capitalised: a word read in lower case among
    capitalised ones (``phố chùa Bộc``) takes its capital."""

    def fix(m: re.Match[str]) -> str:
        words = m.group(2).split(" ")
        starts = [w[:1] for w in words if w[:1].isalpha()]
        if not any(c.isupper() for c in starts) or not any(c.islower() for c in starts):
            return m.group(0)
        return m.group(1) + " " + " ".join(w[:1].upper() + w[1:] for w in words)

    out = _STREET_NAME_RE.sub(fix, place)
    return out, out != place
