from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extraction.dates import (
    DATE_WORD_STYLES,
    format_date_digits,
    number_words,
    parse_date_digits,
    parse_date_words,
    read_date_digits,
    read_date_words,
    render_date_words,
)

D = date(2015, 3, 15)
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2035, 12, 31))


# --- digits --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "15/03/2015",
        "15/3/2015",
        "15-03-2015",
        "15.03.2015",
        "15 / 03 / 2015",
        "  15/03/2015 ....",
        "Ngày 15/03/2015",
        ": 15/03/2015.",
    ],
)
def test_digits_clean_forms(text: str) -> None:
    r = read_date_digits(text)
    assert r is not None and r.value == D and not r.corrected


def test_digits_single_digit_day_month() -> None:
    assert parse_date_digits("5/3/2015") == date(2015, 3, 5)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("l5/O3/2O15", "date_ocr_chars_fixed"),
        ("15/03/2O15", "date_ocr_chars_fixed"),
        ("I5/03/2015", "date_ocr_chars_fixed"),
        ("1 5/03/20 15", "date_spaces_removed"),
        ("15/03/15", "date_two_digit_year"),
        ("12 15/03/2015", "date_digits_adjacent"),
        ("15/03⁄2Ø15", "date_ocr_chars_fixed"),  # fraction slash, slashed zero (mono type)
    ],
)
def test_digits_ocr_noise_is_reported(text: str, reason: str) -> None:
    r = read_date_digits(text)
    assert r is not None and r.value == D
    assert reason in r.reasons and r.corrected


@pytest.mark.parametrize("text", ["", "....", "31/02/2015", "15/13/2015", "abc", "2015", "15/03"])
def test_digits_unparseable(text: str) -> None:
    assert parse_date_digits(text) is None


def test_format_date_digits() -> None:
    assert format_date_digits(date(2015, 3, 5)) == "05/03/2015"


@given(DATES)
@settings(max_examples=200, deadline=None)
def test_digits_roundtrip(d: date) -> None:
    assert parse_date_digits(format_date_digits(d)) == d
    assert parse_date_digits(f"{d.day}/{d.month}/{d.year}") == d


# --- words: every variant of dates_in_words.md ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ngày mười lăm tháng ba năm hai nghìn không trăm mười lăm", D),
        ("ngày mười lăm tháng ba năm hai nghìn không trăm mười lăm", D),
        ("NGÀY MƯỜI LĂM THÁNG BA NĂM HAI NGHÌN KHÔNG TRĂM MƯỜI LĂM", D),
        ("Ngày mười lăm, tháng ba, năm hai nghìn không trăm mười lăm.", D),
        ("mười lăm tháng ba năm hai nghìn không trăm mười lăm", D),
        ("Ngày 15 tháng 3 năm 2015", D),
        ("Ngày 15 tháng 03 năm 2015", D),
        ("ngày mười lăm tháng ba năm hai ngàn không trăm mười lăm", D),
        ("Ngày mười nhăm tháng ba năm hai nghìn không trăm mười lăm", D),
        # 11-19, 20-99 with mốt / tư / bốn / lăm / nhăm, dropped mươi
        ("Ngày mười một tháng mười một năm một nghìn chín trăm tám mươi bảy", date(1987, 11, 11)),
        ("Ngày mười bốn tháng hai năm hai nghìn", date(2000, 2, 14)),
        ("Ngày hai mươi mốt tháng mười hai năm một nghìn chín trăm chín mươi", date(1990, 12, 21)),
        ("Ngày hai mươi một tháng mười hai năm một nghìn chín trăm chín mươi", date(1990, 12, 21)),
        ("Ngày hai mốt tháng mười hai năm một nghìn chín trăm chín mươi", date(1990, 12, 21)),
        ("Ngày hai mươi tư tháng tư năm hai nghìn không trăm linh tư", date(2004, 4, 24)),
        ("Ngày hai mươi bốn tháng bốn năm hai nghìn không trăm linh bốn", date(2004, 4, 24)),
        ("Ngày hai mươi lăm tháng năm năm hai nghìn không trăm linh năm", date(2005, 5, 25)),
        ("Ngày hai mươi nhăm tháng năm năm hai nghìn không trăm lẻ năm", date(2005, 5, 25)),
        ("Ngày hai nhăm tháng năm năm hai nghìn không trăm lẻ năm", date(2005, 5, 25)),
        ("Ngày ba mươi tháng tám năm một nghìn chín trăm tám mươi", date(1980, 8, 30)),
        ("Ngày ba mốt tháng mười năm một nghìn chín trăm tám bảy", date(1987, 10, 31)),
        # linh / lẻ, years
        ("Ngày một tháng một năm một nghìn chín trăm linh năm", date(1905, 1, 1)),
        ("Ngày một tháng một năm một nghìn chín trăm lẻ năm", date(1905, 1, 1)),
        ("Ngày một tháng một năm hai nghìn mười lăm", date(2015, 1, 1)),
        ("Ngày một tháng một năm hai nghìn linh năm", date(2005, 1, 1)),
        # mùng / mồng, Giêng / Chạp
        ("Ngày mùng năm tháng Giêng năm hai nghìn không trăm mười lăm", date(2015, 1, 5)),
        ("ngày mồng năm tháng giêng năm hai nghìn không trăm mười lăm", date(2015, 1, 5)),
        ("Ngày mồng mười tháng Chạp năm hai nghìn", date(2000, 12, 10)),
        ("Ngày năm tháng năm năm hai nghìn không trăm linh năm", date(2005, 5, 5)),
        ("Ngày bảy tháng bảy năm hai nghìn không trăm linh bảy", date(2007, 7, 7)),
        ("Ngày bẩy tháng bẩy năm hai nghìn không trăm linh bẩy", date(2007, 7, 7)),
        ("Ngày mười tháng mười năm hai nghìn không trăm mười", date(2010, 10, 10)),
        ("Ngày hai mươi tháng hai năm hai nghìn không trăm hai mươi", date(2020, 2, 20)),
        ("Ngày mười lăm tháng ba năm 2015", D),
    ],
)
def test_words_variants(text: str, expected: date) -> None:
    r = read_date_words(text)
    assert r is not None, text
    assert r.value == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Ngay muoi lam thang ba nam hai nghin khong tram muoi lam", "date_words_accent_fixed"),
        ("Ngày mười lăm tháng ba năm hai nghìn không trăm mưòi lăm", "date_words_accent_fixed"),
        ("Ngày mười lăm tháng ba năm hai nghìn khong trăm mười lam", "date_words_accent_fixed"),
        ("Ngày mười lăm thảng ba năm hai nghìn không trăm mười lăm", "date_words_accent_fixed"),
        ("Ngày mườilăm tháng ba năm hai nghìn không trăm mười lăm", "date_words_split"),
        ("Ngày mười lăm tháng ba năm hai ngh ìn không trăm mười lăm", "date_words_split"),
        ("Ngày mười lăm tháng ba năm hai nghim không trăm mười lăm", "date_words_fuzzy"),
        (
            "Ngày mười lăm tháng ba năm hai nghìn không trăm mười lăm ./. Ký",
            "date_words_extra_tokens",
        ),
        ("Ngày 15 tháng 3 năm 2O15", "date_ocr_chars_fixed"),
        (
            "Ngày mười lăm tháng ba năm hai nghìn không trăm mười lăm (15/03/2015)",
            "date_words_extra_tokens",
        ),
    ],
)
def test_words_ocr_noise_is_reported(text: str, reason: str) -> None:
    r = read_date_words(text)
    assert r is not None, text
    assert r.value == D
    assert reason in r.reasons and r.corrected


def test_muoi_without_accent_is_decided_by_position() -> None:
    r = read_date_words("Ngày hai muoi mốt tháng muoi hai năm một nghìn chín trăm chín muoi")
    assert r is not None and r.value == date(1990, 12, 21)
    assert "date_words_ambiguous_tens" in r.reasons


def test_words_clean_reading_has_no_reasons() -> None:
    r = read_date_words("Ngày mười lăm tháng ba năm hai nghìn không trăm mười lăm")
    assert r is not None and r.reasons == ()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "........",
        "mười lăm năm hai nghìn",  # no month marker
        "Ngày ba mươi tháng hai năm hai nghìn không trăm mười lăm",  # 30 February
        "Ngày mười lăm tháng mười ba năm hai nghìn",  # month 13
        "Ngày mười lăm tháng ba năm hai nghìn năm",  # ambiguous year
        "Ngày mốt tháng ba năm hai nghìn",  # mốt only after tens
        "Ngày hai mươi không tháng ba năm hai nghìn",
        "Ngày xyz tháng ba năm hai nghìn",
        "Ngày mười lăm tháng ba năm hai nghìn không trăm 1O lăm",  # digits mixed into words
        "Ngày mười lăm tháng ba năm hai nghìn không trăm 15",  # a number in digits, not a date
    ],
)
def test_words_unparseable(text: str) -> None:
    assert parse_date_words(text) is None


# --- rendering ----------------------------------------------------------------------------


def test_render_standard_examples() -> None:
    assert render_date_words(D) == "Ngày mười lăm tháng ba năm hai nghìn không trăm mười lăm"
    assert (
        render_date_words(date(2005, 4, 21))
        == "Ngày hai mươi mốt tháng tư năm hai nghìn không trăm linh năm"
    )
    assert (
        render_date_words(date(1987, 11, 25))
        == "Ngày hai mươi lăm tháng mười một năm một nghìn chín trăm tám mươi bảy"
    )
    assert render_date_words(date(2000, 1, 1)) == "Ngày một tháng một năm hai nghìn"


def test_render_styles_examples() -> None:
    d = date(2005, 1, 5)
    assert render_date_words(d, style="mung").startswith("Ngày mùng năm tháng một")
    assert render_date_words(d, style="mong").startswith("Ngày mồng năm")
    assert render_date_words(d, style="month_names") == (
        "Ngày năm tháng Giêng năm hai nghìn không trăm linh năm"
    )
    assert render_date_words(d, style="southern").endswith("hai ngàn không trăm lẻ năm")
    assert render_date_words(d, style="digits") == "Ngày 5 tháng 1 năm 2005"
    assert render_date_words(date(1987, 3, 25), style="spoken") == (
        "Ngày hai nhăm tháng ba năm một nghìn chín trăm tám bảy"
    )


def test_render_unknown_style() -> None:
    with pytest.raises(ValueError):
        render_date_words(D, style="nope")


def test_number_words() -> None:
    assert number_words(2015) == "hai nghìn không trăm mười lăm"
    assert number_words(2005) == "hai nghìn không trăm linh năm"
    assert number_words(1987) == "một nghìn chín trăm tám mươi bảy"
    assert number_words(105) == "một trăm linh năm"
    assert number_words(21) == "hai mươi mốt"
    assert number_words(105, style="southern") == "một trăm lẻ năm"


# Every day 1900–2035 in the spec's variants: test_dates_spec.py.


@pytest.mark.parametrize("style", DATE_WORD_STYLES)
@given(d=DATES)
@settings(max_examples=150, deadline=None)
def test_every_style_roundtrip(style: str, d: date) -> None:
    text = render_date_words(d, style=style)
    r = read_date_words(text)
    assert r is not None and r.value == d, text
    assert r.reasons == ()
