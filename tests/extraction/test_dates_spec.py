"""Dates in words: every variant of ``shared/domain/dates_in_words.md``, written out here from the
spec (not from the renderers under test), parsed back for every day 1900–2035."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from extraction.dates import parse_date_words, read_date_words
from extraction.text import fold_accents
from synth.dates_words import render_date_words as synth_render

FIRST, LAST = date(1900, 1, 1), date(2035, 12, 31)
UNITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


# --- every written form of a number, from the spec ------------------------------------------


def below_100(n: int) -> list[str]:
    """1..99: ``mười`` + unit for 11–19; unit + ``mươi`` (+ unit) from 20, where after ``mươi``
    1 is ``mốt``, 4 ``tư`` or ``bốn``, 5 ``lăm`` or ``nhăm``; ``mươi`` may be dropped."""
    tens, unit = divmod(n, 10)
    if tens == 0:
        return [UNITS[unit]]
    if tens == 1:
        return ["mười"] if unit == 0 else ["mười " + ("lăm" if unit == 5 else UNITS[unit])]
    if unit == 0:
        return [f"{UNITS[tens]} mươi"]
    tails = {1: ["mốt"], 4: ["tư", "bốn"], 5: ["lăm", "nhăm"]}.get(unit, [UNITS[unit]])
    return [f"{UNITS[tens]} mươi {t}" for t in tails] + [f"{UNITS[tens]} {t}" for t in tails]


def year_forms(y: int) -> list[str]:
    """``hai nghìn không trăm mười lăm``; ``nghìn``/``ngàn``; ``linh``/``lẻ`` for a zero ten."""
    thousands, rest = divmod(y, 1000)
    hundreds, low = divmod(rest, 100)
    out = []
    for thousand in ("nghìn", "ngàn"):
        head = f"{UNITS[thousands]} {thousand}"
        if rest == 0:
            out.append(head)
            continue
        head += f" {UNITS[hundreds]} trăm"
        if low == 0:
            out.append(head)
        elif low < 10:
            out += [f"{head} {z} {UNITS[low]}" for z in ("linh", "lẻ")]
        else:
            out += [f"{head} {w}" for w in below_100(low)]
    return out


def day_forms(d: int) -> list[str]:
    """Days 1–9 may be preceded by ``mùng`` or ``mồng``."""
    if d < 10:
        return [UNITS[d], f"mùng {UNITS[d]}", f"mồng {UNITS[d]}"]
    return below_100(d)


def month_forms(m: int) -> list[str]:
    """``một``/``Giêng``, ``tư``/``bốn``, ``mười một``, ``mười hai``/``Chạp``."""
    special = {1: ["một", "Giêng"], 4: ["tư", "bốn"], 12: ["mười hai", "Chạp"]}
    return special.get(m, below_100(m))


def layout(day: str, month: str, year: str, style: int) -> str:
    """Capitalisation and commas vary: 0 sentence, 1 lower, 2 upper, 3 title, 4 commas."""
    sep = ", " if style == 4 else " "
    text = f"Ngày {day}{sep}tháng {month}{sep}năm {year}"
    if style == 1:
        return text.lower()
    if style == 2:
        return text.upper()
    if style == 3:
        return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    return text


# --- sweeps ---------------------------------------------------------------------------------


def test_every_day_1900_2035_in_a_rotating_variant() -> None:
    """All ~49,700 days; each day gets another combination of the spec's variants, so every
    form of every component is met many times over the sweep."""
    d, i = FIRST, 0
    while d <= LAST:
        days, months, years = day_forms(d.day), month_forms(d.month), year_forms(d.year)
        text = layout(
            days[i % len(days)],
            months[(i // 3) % len(months)],
            years[(i // 7) % len(years)],
            (i // 2) % 5,
        )
        assert parse_date_words(text) == d, text
        d += timedelta(days=1)
        i += 1


def test_every_day_and_month_form_together() -> None:
    for m in range(1, 13):
        for dd in range(1, 32):
            try:
                d = date(2016, m, dd)
            except ValueError:
                continue
            for day, month in itertools.product(day_forms(dd), month_forms(m)):
                text = layout(day, month, "hai nghìn không trăm mười sáu", 0)
                assert parse_date_words(text) == d, text


def test_every_year_form() -> None:
    for y in range(FIRST.year, LAST.year + 1):
        for year in year_forms(y):
            text = layout("mười lăm", "ba", year, 0)
            assert parse_date_words(text) == date(y, 3, 15), text


def test_digits_inside_the_words_form() -> None:
    d = FIRST
    while d <= LAST:
        assert parse_date_words(f"Ngày {d.day} tháng {d.month} năm {d.year}") == d
        d += timedelta(days=97)


def test_the_generators_renderer_is_read_back() -> None:
    """``synth.dates_words`` (what sample books print) draws the variants at random."""
    rng = random.Random(11)
    d = FIRST
    while d <= LAST:
        text = synth_render(d, rng)
        assert parse_date_words(text) == d, text
        d += timedelta(days=7)


# --- noisy variants (hypothesis) ------------------------------------------------------------


@st.composite
def noisy_date_text(draw: st.DrawFn) -> tuple[date, str, bool]:
    d = draw(st.dates(min_value=FIRST, max_value=LAST))
    day = draw(st.sampled_from(day_forms(d.day)))
    month = draw(st.sampled_from(month_forms(d.month)))
    year = draw(st.sampled_from(year_forms(d.year)))
    text = layout(day, month, year, draw(st.integers(0, 4)))
    words = text.split(" ")
    # OCR noise: one word loses its accents, spaces doubled, a full stop or "./." at the end
    folded = False
    if draw(st.booleans()):
        k = draw(st.integers(0, len(words) - 1))
        folded = fold_accents(words[k]) != words[k]
        words[k] = fold_accents(words[k])
    sep = draw(st.sampled_from([" ", "  "]))
    tail = draw(st.sampled_from(["", ".", " ./.", ";"]))
    return d, sep.join(words) + tail, folded


@given(noisy_date_text())
@settings(max_examples=400, deadline=None)
def test_noisy_variants_round_trip(case: tuple[date, str, bool]) -> None:
    d, text, folded = case
    r = read_date_words(text)
    assert r is not None and r.value == d, text
    if folded and r.reasons:
        assert set(r.reasons) <= {
            "date_words_accent_fixed",
            "date_words_ambiguous_tens",
            "date_words_extra_tokens",
        }
