"""Dates written in words, the way register books write them (``dates_in_words.md``).

``render_date_words`` draws one of the written forms at random, so that a book uses every variant
the parser has to accept: ``mùng``/``mồng`` before days 1–9, ``tháng Giêng``/``tư``/``Chạp``,
``linh``/``lẻ``, ``nghìn``/``ngàn``, ``mốt``/``tư``/``lăm``/``nhăm`` after ``mươi``, capitalisation
and commas, and now and then the digits-inside form ``Ngày 15 tháng 3 năm 2015``.
"""

from __future__ import annotations

import random
from datetime import date

_UNITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _tens_units(n: int, rng: random.Random, *, drop_muoi_ok: bool = True) -> str:
    """Words for 1..99 (no hundreds), with the spoken variants after ``mươi``."""
    if not 0 < n < 100:
        raise ValueError(f"expected 1..99, got {n}")
    tens, unit = divmod(n, 10)
    if tens == 0:
        return _UNITS[unit]
    if tens == 1:
        if unit == 0:
            return "mười"
        return "mười " + ("lăm" if unit == 5 else _UNITS[unit])
    head = _UNITS[tens] + " mươi"
    if unit == 0:
        return head
    if unit == 1:
        tail = "mốt"
    elif unit == 4:
        tail = rng.choice(("tư", "bốn"))
    elif unit == 5:
        tail = "lăm" if rng.random() < 0.85 else "nhăm"
    else:
        tail = _UNITS[unit]
    # "mươi" is sometimes dropped in speech ("hai mốt"), rarely in writing.
    if drop_muoi_ok and rng.random() < 0.03:
        return f"{_UNITS[tens]} {tail}"
    return f"{head} {tail}"


def number_words(
    n: int, rng: random.Random, *, thousand: str = "nghìn", zero_tens: str = "linh"
) -> str:
    """Words for 0..9999 as a year is written: 2005 → ``hai nghìn không trăm linh năm``."""
    if not 0 <= n <= 9999:
        raise ValueError(f"expected 0..9999, got {n}")
    if n == 0:
        return "không"
    thousands, rest = divmod(n, 1000)
    hundreds, below = divmod(rest, 100)
    parts: list[str] = []
    if thousands:
        parts += [_UNITS[thousands], thousand]
        if rest == 0:
            return " ".join(parts)
        parts += [_UNITS[hundreds], "trăm"]  # "không trăm" after thousands
    elif hundreds:
        parts += [_UNITS[hundreds], "trăm"]
    if below == 0:
        return " ".join(parts)
    if parts and below < 10:
        parts += [zero_tens, _UNITS[below]]
    else:
        parts.append(_tens_units(below, rng))
    return " ".join(parts)


def _day_words(day: int, rng: random.Random) -> str:
    if day < 10:
        prefix = rng.choices(("", "mùng ", "mồng "), weights=(4, 3, 3))[0]
        return prefix + _UNITS[day]
    return _tens_units(day, rng)


def _month_words(month: int, rng: random.Random) -> str:
    if month == 1:
        return rng.choice(("một", "Giêng"))
    if month == 4:
        return rng.choice(("tư", "bốn"))
    if month == 12:
        return "Chạp" if rng.random() < 0.3 else "mười hai"
    if month == 11:
        return "mười một"
    return _tens_units(month, rng, drop_muoi_ok=False)


def _capitalise_words(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))


def render_date_words(d: date, rng: random.Random) -> str:
    """One written-in-words form of ``d``, chosen with ``rng`` (see the module docstring)."""
    if rng.random() < 0.05:  # the digits-inside-words form
        word = rng.choice(("Ngày", "ngày"))
        return f"{word} {d.day} tháng {d.month} năm {d.year}"
    day = _day_words(d.day, rng)
    month = _month_words(d.month, rng)
    thousand = "nghìn" if rng.random() < 0.75 else "ngàn"
    zero_tens = "linh" if rng.random() < 0.7 else "lẻ"
    year = number_words(d.year, rng, thousand=thousand, zero_tens=zero_tens)
    sep = ", " if rng.random() < 0.12 else " "
    text = f"ngày {day}{sep}tháng {month}{sep}năm {year}"
    style = rng.choices(("sentence", "lower", "title"), weights=(70, 22, 8))[0]
    if style == "sentence":
        return text[0].upper() + text[1:]
    if style == "title":
        return _capitalise_words(text)
    return text
