"""Times of day as registers write them (the time of death): ``14 giờ 30 phút`` → ``14:30``.

Accepted: ``14 giờ 30 phút``, ``14 giờ 30``, ``14 giờ``, ``14:30``, ``14h30``, ``14g30``,
``14.30`` and the hour and minute in words (``hai giờ mười chín phút``). OCR reads ``giờ`` as
``gio``/``giở`` and ``:`` as ``;``; a letter read in place of a digit (``O`` for ``0``) is fixed
and recorded. Reason codes: ``time_unparseable``, ``time_out_of_range``, ``time_ocr_fixed``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from extraction.dates import read_number_words
from extraction.text import clean_text, fold_accents

MAX_HOUR = 23
MAX_MINUTE = 59


class TimeReading(NamedTuple):
    value: str | None  # "hh:mm"
    reasons: tuple[str, ...]


# A letter OCR reads in place of a digit, in a time.
_LOOKALIKES = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "Ø": "0", "ø": "0", "l": "1", "I": "1", "|": "1"}
)
_NUM = r"[0-9OoDØølI|]{1,2}"
_DIGITS_RE = re.compile(rf"^({_NUM})(?:gio|h|g|:|;|\.)(?:({_NUM})(?:phut|p|')?)?\.?$")
_WORDS_RE = re.compile(r"^(.+?)\s+gio(?:\s+(.+?))?(?:\s+phut)?$")
# "18 giờ 48 phút" among strays ("chết 12 giờ 46 phút se", "4 giờ 29 phút. l", "17 QIỜ 39
# phút"): hour, "giờ", minute and "phút" all there, so the strays around them are no part of it.
_EMBEDDED_RE = re.compile(rf"(?<![0-9])({_NUM})\s*[gq]io\s*({_NUM})\s*phut\b")


def format_time(hour: int, minute: int) -> str:
    """``hh:mm``."""
    return f"{hour:02d}:{minute:02d}"


def _checked(hour: int, minute: int, reasons: list[str]) -> TimeReading:
    if not (0 <= hour <= MAX_HOUR and 0 <= minute <= MAX_MINUTE):
        return TimeReading(None, ("time_out_of_range",))
    return TimeReading(format_time(hour, minute), tuple(reasons))


def read_time(raw: str) -> TimeReading:
    """The time of day in ``raw`` as ``hh:mm`` (see the module docstring); blank → (None, ())."""
    text = clean_text(raw)
    if not text:
        return TimeReading(None, ())
    folded = " ".join(fold_accents(text).lower().split())
    m = _DIGITS_RE.match(folded.replace(" ", ""))
    if m is not None:
        hour_txt, minute_txt = m.group(1), m.group(2) or "0"
        fixed = (hour_txt + minute_txt).translate(_LOOKALIKES) != hour_txt + minute_txt
        hour = int(hour_txt.translate(_LOOKALIKES))
        minute = int(minute_txt.translate(_LOOKALIKES))
        return _checked(hour, minute, ["time_ocr_fixed"] if fixed else [])
    w = _WORDS_RE.match(folded)
    if w is not None:
        hour_words = read_number_words(w.group(1))
        minute_words = read_number_words(w.group(2)) if w.group(2) else (0, ())
        if hour_words is not None and minute_words is not None:
            return _checked(hour_words[0], minute_words[0], [])
    e = _EMBEDDED_RE.search(folded)
    if e is not None:
        hour_txt, minute_txt = e.group(1), e.group(2)
        if (hour_txt + minute_txt).translate(_LOOKALIKES).isdigit():
            hour = int(hour_txt.translate(_LOOKALIKES))
            minute = int(minute_txt.translate(_LOOKALIKES))
            return _checked(hour, minute, ["time_ocr_fixed"])  # strays dropped: a correction
    return TimeReading(None, ("time_unparseable",))
