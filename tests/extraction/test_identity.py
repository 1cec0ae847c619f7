from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extraction.identity import (
    check_cmnd,
    check_id_doc_no,
    check_passport,
    check_personal_id,
    clean_digits,
    decode_personal_id,
    read_id_doc_no,
    read_passport,
    read_personal_id,
)
from extraction.vocab import provinces


def test_decode_example_from_identity_md() -> None:
    info = decode_personal_id("001315012345")
    assert info is not None
    assert info.province == "Hà Nội" and info.place_code == "001" and not info.abroad
    assert info.sex == "Nữ" and info.birth_year == 2015 and info.serial == "012345"


@pytest.mark.parametrize(
    ("number", "sex", "year"),
    [
        ("079087000001", "Nam", 1987),
        ("079187000001", "Nữ", 1987),
        ("001200000001", "Nam", 2000),
        ("001399000001", "Nữ", 2099),
        ("001401000001", "Nam", 2101),
        ("001501000001", "Nữ", 2101),
    ],
)
def test_century_and_sex_digit(number: str, sex: str, year: int) -> None:
    info = decode_personal_id(number)
    assert info is not None and info.sex == sex and info.birth_year == year


def test_abroad_code() -> None:
    info = decode_personal_id("101315012345")
    assert info is not None and info.abroad and info.province is None
    assert check_personal_id("101315012345") == ()


def test_check_personal_id_ok() -> None:
    assert check_personal_id("001315012345", sex="Nữ", birth_year=2015) == ()
    assert check_personal_id("0013 1501 2345") == ()
    assert check_personal_id("") == ()


@pytest.mark.parametrize(
    ("raw", "kwargs", "reason"),
    [
        ("00131501234", {}, "personal_id_not_12_digits"),
        ("0013150123456", {}, "personal_id_not_12_digits"),
        ("001315012345", {"sex": "Nam"}, "personal_id_sex_mismatch"),
        ("001315012345", {"birth_year": 2014}, "personal_id_year_mismatch"),
        ("001315012345", {"birth_year": 1915}, "personal_id_year_mismatch"),
        ("003315012345", {}, "personal_id_unknown_province"),
        ("099315012345", {}, "personal_id_unknown_province"),
        ("001715012345", {}, "personal_id_bad_century_digit"),
        ("OO1315O12345", {}, "id_doc_ocr_fixed"),
    ],
)
def test_check_personal_id_reasons(raw: str, kwargs: dict[str, object], reason: str) -> None:
    assert reason in check_personal_id(raw, **kwargs)  # type: ignore[arg-type]


def test_read_personal_id_reports_correction() -> None:
    r = read_personal_id("OO1315O12345")
    assert r.value == "001315012345" and r.corrected and r.ok


def test_clean_digits_leaves_words_alone() -> None:
    assert clean_digits("Nam") == ("Nam", False)
    assert clean_digits("0l2.345.678") == ("012345678", True)


def test_cmnd() -> None:
    assert check_cmnd("012345678") == ()
    assert check_cmnd("012 345 678") == ()
    assert check_cmnd("012345678901") == ()  # 12-digit cards were issued 2012-2016
    assert check_cmnd("12345") == ("cmnd_not_9_digits",)
    assert "id_doc_ocr_fixed" in check_cmnd("O12345678")


def test_passport() -> None:
    assert check_passport("B1234567") == ()
    assert check_passport("b1234567") == ()
    assert check_passport("B12345") == ("passport_bad_format",)
    r = read_passport("81234567")
    assert r.value == "B1234567" and r.corrected
    r = read_passport("C0l23456")
    assert r.value == "C0123456" and r.reasons == ("id_doc_ocr_fixed",)


def test_id_doc_no_by_type_and_by_shape() -> None:
    assert read_id_doc_no("001085012345", "cccd").value == "001085012345"
    assert check_id_doc_no("12345", "cccd") == ("personal_id_not_12_digits",)
    assert check_id_doc_no("012345678", "cmnd") == ()
    assert check_id_doc_no("B1234567", "ho_chieu") == ()
    assert check_id_doc_no("001085012345") == ()
    assert check_id_doc_no("012345678") == ()
    assert check_id_doc_no("B1234567") == ()
    r = read_id_doc_no("12AB")
    assert r.value == "12AB" and r.reasons == ("id_doc_no_unrecognised",)
    assert read_id_doc_no("  ").value is None


def test_speck_after_personal_number_is_not_a_digit() -> None:
    from extraction.identity import read_personal_id

    # "l" after the number must not become a 13th digit (l → 1).
    fixed = read_personal_id("001215284119 l")
    assert fixed.value == "001215284119" and "id_doc_ocr_fixed" in fixed.reasons
    assert read_personal_id("00121528411 l").value != "00121528411"


# --- properties over every valid layout of identity.md ---------------------------------------

_PLACES = st.one_of(
    st.sampled_from(sorted(provinces())),
    st.integers(101, 295).map(lambda n: f"{n:03d}"),
)


@st.composite
def personal_numbers(draw: st.DrawFn) -> tuple[str, str, int]:
    """(number, sex, birth year) laid out as ``PPP G YY NNNNNN``."""
    place = draw(_PLACES)
    year = draw(st.integers(1900, 2199))
    sex = draw(st.sampled_from(["Nam", "Nữ"]))
    g = 2 * ((year - 1900) // 100) + (sex == "Nữ")
    serial = draw(st.integers(0, 999_999))
    return f"{place}{g}{year % 100:02d}{serial:06d}", sex, year


@given(personal_numbers())
@settings(max_examples=300, deadline=None)
def test_every_valid_number_passes_and_decodes(case: tuple[str, str, int]) -> None:
    number, sex, year = case
    assert check_personal_id(number, sex=sex, birth_year=year) == ()
    info = decode_personal_id(number)
    assert info is not None and (info.sex, info.birth_year) == (sex, year)
    assert info.abroad == (int(number[:3]) >= 101)
    # separators as printed on cards and forms change nothing
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    assert read_personal_id(spaced) == read_personal_id(number)


@given(personal_numbers(), st.integers(1, 99))
@settings(max_examples=200, deadline=None)
def test_other_sex_or_year_is_a_warning(case: tuple[str, str, int], shift: int) -> None:
    number, sex, year = case
    other = "Nữ" if sex == "Nam" else "Nam"
    assert check_personal_id(number, sex=other, birth_year=year) == ("personal_id_sex_mismatch",)
    assert check_personal_id(number, sex=sex, birth_year=year + shift) == (
        "personal_id_year_mismatch",
    )


@given(personal_numbers(), st.integers(0, 11), st.sampled_from(["O", "l", "I", "S", "B"]))
@settings(max_examples=200, deadline=None)
def test_ocr_letters_are_mapped_and_reported(
    case: tuple[str, str, int], pos: int, letter: str
) -> None:
    number = case[0]
    digit = {"O": "0", "l": "1", "I": "1", "S": "5", "B": "8"}[letter]
    true = number[:pos] + digit + number[pos + 1 :]
    read = read_personal_id(number[:pos] + letter + number[pos + 1 :])
    assert read.value == true and read.corrected
    assert "id_doc_ocr_fixed" in read.reasons


@given(personal_numbers(), st.integers(1, 3), st.booleans())
@settings(max_examples=100, deadline=None)
def test_a_number_not_12_digits_is_an_error(case: tuple[str, str, int], n: int, cut: bool) -> None:
    number = case[0][:-n] if cut else case[0] + "7" * n
    assert "personal_id_not_12_digits" in check_personal_id(number)
    assert not read_personal_id(number).ok
