from __future__ import annotations

import pytest

from extraction.forms import FieldType
from extraction.values import (
    BLANK,
    IdDoc,
    Normalised,
    correct_place,
    name_score,
    normalise,
    normalise_category,
    normalise_id_doc_type,
    normalise_personal_id,
    normalise_registration_kind,
    parse_id_doc,
)

F = FieldType


@pytest.mark.parametrize("ft", list(FieldType))
@pytest.mark.parametrize("raw", ["", "   ", "......", "-", "—", "…………", "_____", ". . . .", None])
def test_blank_is_none_without_reasons(ft: FieldType, raw: str | None) -> None:
    assert normalise(ft, raw) == BLANK
    assert Normalised(None, False, (), 1.0) == BLANK


def test_normalise_accepts_plain_strings_for_the_type() -> None:
    assert normalise("date", "15/03/2015").value == "2015-03-15"


@pytest.mark.parametrize(
    ("ft", "raw", "value", "corrected", "reasons"),
    [
        # dates
        (F.DATE, "15/03/2015", "2015-03-15", False, ()),
        (F.DATE, ": 5/3/2015 ....", "2015-03-05", False, ()),
        (F.DATE, "l5/O3/2015", "2015-03-15", True, ("date_ocr_chars_fixed",)),
        (F.DATE, "Ngày 15 tháng 3 năm 2015", "2015-03-15", False, ()),
        (F.DATE, "31/02/2015", None, False, ("date_unparseable",)),
        (
            F.DATE_WORDS,
            "Ngày mười lăm tháng ba năm hai nghìn không trăm mười lăm",
            "2015-03-15",
            False,
            (),
        ),
        (
            F.DATE_WORDS,
            "Ngay muoi lam thang ba nam hai nghin khong tram muoi lam",
            "2015-03-15",
            True,
            ("date_words_accent_fixed", "date_words_ambiguous_tens"),
        ),
        (F.DATE_WORDS, "15/03/2015", "2015-03-15", True, ("date_words_in_digits",)),
        (F.DATE_WORDS, "mười lăm", None, False, ("date_words_unparseable",)),
        # years
        (F.YEAR, "1987", "1987", False, ()),
        (F.YEAR, "1987.", "1987", False, ()),
        (F.YEAR, "l987", "1987", True, ("date_ocr_chars_fixed",)),
        (F.YEAR, "Năm 1987", "1987", False, ()),
        (F.YEAR, "một nghìn chín trăm tám mươi bảy", "1987", False, ()),
        (F.YEAR, "3015", "3015", False, ("year_out_of_range",)),
        (F.YEAR, "abc", None, False, ("year_unparseable",)),
        # sex, ethnicity, nationality
        (F.SEX, "Nữ", "Nữ", False, ()),
        (F.SEX, "NAM", "Nam", False, ()),
        (F.SEX, "Nu", "Nữ", True, ("sex_accent_fixed",)),
        (F.SEX, "Naml", "Nam", True, ("sex_fuzzy_match",)),
        (F.SEX, "?x", None, False, ("sex_unknown",)),
        (F.ETHNICITY, "Kinh", "Kinh", False, ()),
        (F.ETHNICITY, "Việt", "Kinh", False, ()),
        (F.ETHNICITY, "Tay", "Tày", True, ("ethnicity_accent_fixed",)),
        (F.NATIONALITY, "Viêt Nam", "Việt Nam", True, ("nationality_accent_fixed",)),
        (F.CATEGORY, "dung han", "dung_han", True, ("registration_kind_accent_fixed",)),
        (F.ETHNICITY, "Pháp", None, False, ("ethnicity_unknown",)),
        (F.NATIONALITY, "Việt Nam", "Việt Nam", False, ()),
        (F.NATIONALITY, "VIET NAM", "Việt Nam", False, ()),
        (F.NATIONALITY, "mông cổ", "Mông Cổ", False, ("nationality_not_in_list",)),
        # identity numbers
        (F.PERSONAL_ID, "001315012345", "001315012345", False, ()),
        (F.PERSONAL_ID, "0013 1501 2345", "001315012345", False, ()),
        (F.PERSONAL_ID, "OO1315O12345", "001315012345", True, ("id_doc_ocr_fixed",)),
        (F.PERSONAL_ID, "12345", None, False, ("personal_id_not_12_digits",)),
        (
            F.PERSONAL_ID,
            "003315012345",
            "003315012345",
            False,
            ("personal_id_unknown_province",),
        ),
        (F.ID_DOC_NO, "012345678", "012345678", False, ()),
        (F.ID_DOC_NO, "B1234567", "B1234567", False, ()),
        (F.ID_DOC_NO, "12AB", "12AB", False, ("id_doc_no_unrecognised",)),
        # categories
        (F.CATEGORY, "Đúng hạn", "dung_han", False, ()),
        (F.CATEGORY, "CCCD", "cccd", False, ()),
        (F.CATEGORY, "xyz", None, False, ("category_unknown",)),
        # names and text
        (F.NAME, "NGUYỄN THỊ MINH ANH ....", "NGUYỄN THỊ MINH ANH", False, ()),
        (F.NAME, "Nguyễn  Thị. Minh Anh", "Nguyễn Thị Minh Anh", False, ()),
        (F.NAME, "Nguyễn Thị Thuỷ", "Nguyễn Thị Thuỷ", False, ()),  # spelling kept
        (F.NAME, "Ngưyễn Thị Anh", "Ngưyễn Thị Anh", False, ("name_invalid_syllables",)),
        (F.TEXT, "..... Mẹ đẻ .....", "Mẹ đẻ", False, ()),
        (F.TEXT, "Chủ tịch", "Chủ tịch", False, ()),
        # entry numbers
        (F.ENTRY_NO, "125", "125", False, ()),
        (F.ENTRY_NO, "Số: 05", "5", False, ()),
        (F.ENTRY_NO, "l25", "125", True, ("date_ocr_chars_fixed",)),
        (F.ENTRY_NO, "12a", "12a", False, ()),
    ],
)
def test_normalise(
    ft: FieldType, raw: str, value: str | None, corrected: bool, reasons: tuple[str, ...]
) -> None:
    n = normalise(ft, raw)
    assert n.value == value
    assert n.corrected == corrected
    assert n.reasons == reasons
    assert 0.0 <= n.score <= 1.0
    assert not n.corrected or n.reasons  # every correction is explained
    if not corrected and not reasons:
        assert n.score == 1.0
    if corrected or reasons:
        assert n.score < 1.0


def test_personal_id_with_record_context() -> None:
    n = normalise_personal_id("001315012345", sex="Nam", birth_year=2014)
    assert n.value == "001315012345"
    assert n.reasons == ("personal_id_sex_mismatch", "personal_id_year_mismatch")
    assert n.score < 1.0


def test_categories_by_name() -> None:
    assert normalise_registration_kind("Quá hạn").value == "qua_han"
    assert normalise_id_doc_type("Hộ chiếu").value == "ho_chieu"
    assert normalise_category("Quá hạn", "id_doc_type").reasons == ("id_doc_type_unknown",)
    assert normalise_category("Quá hạn", "registration_kind").value == "qua_han"
    assert normalise(F.CATEGORY, "Hộ chiếu", category="id_doc_type").value == "ho_chieu"


def test_name_score() -> None:
    assert name_score("Nguyễn Thị Minh Anh") == 1.0
    assert name_score("NGUYỄN THỊ MINH ANH") == 1.0
    assert name_score("Tôn Nữ Thị Hà") == 1.0
    assert name_score("Ngưyễn Th1 Anh") == pytest.approx(1 / 3)
    assert name_score("xzq wvf") == 0.0
    assert name_score("") == 0.0
    assert name_score("H'Hen Niê") < 1.0  # minority name in Latin script: review


# --- places ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "phường Ngọc Lam, quận Long Bien, thành phố Hà Nội",
            "phường Ngọc Lâm, quận Long Biên, thành phố Hà Nội",
        ),
        ("P. Ngọc Lârn, Q. Long Biên, TP. Hà Nôi", "P. Ngọc Lâm, Q. Long Biên, TP. Hà Nội"),
        ("xã Bát Trang, huyện Gia Lâm, Hà Nội", "xã Bát Tràng, huyện Gia Lâm, Hà Nội"),
        ("Đúc Giang, Long Biên, Ha Noi", "Đức Giang, Long Biên, Hà Nội"),
        ("PHƯỜNG NGỌC LAM, LONG BIÊN", "PHƯỜNG NGỌC LÂM, LONG BIÊN"),
        ("TP Hồ Chí Mính", "TP Hồ Chí Minh"),
        ("Cầu Giây, Hà Nội", "Cầu Giấy, Hà Nội"),
        ("phường Kim Mả, quận Ba Đình", "phường Kim Mã, quận Ba Đình"),
        ("Thượnq Thanh, Long Biên", "Thượng Thanh, Long Biên"),
    ],
)
def test_correct_place_snaps_damaged_names(raw: str, expected: str) -> None:
    n = correct_place(raw)
    assert n.value == expected
    assert n.corrected and "place_component_corrected" in n.reasons
    assert 0.75 <= n.score < 1.0


@pytest.mark.parametrize(
    "raw",
    [
        "Bệnh viện Đa khoa Đức Giang, Long Biên, Hà Nội",
        "Số 5 ngõ 12 phố Ngọc Lâm, phường Ngọc Lâm",
        "Phú Lợi, Thủ Dầu Một, Bình Dương",  # real places outside the gazetteer
        "xã Phú Đông, huyện Nhơn Trạch, Đồng Nai",
        "Tân Phú, Hồ Chí Minh",
        "Tổ 5, Hoà Bình",
        "Hà Nội - Việt Nam",
        "xã Thanh Xuân, huyện Sóc Sơn",
        "Ngọc Lặc, Thanh Hóa",
        "phường Yên Hoà, quận Cầu Giấy",  # tone placement is not a correction
        "Kim Liên Bắc",
    ],
)
def test_correct_place_leaves_known_and_unknown_names(raw: str) -> None:
    n = correct_place(raw)
    assert n.value == raw
    assert not n.corrected and n.reasons == () and n.score == 1.0


def test_correct_place_tidies_and_fixes_prefix() -> None:
    n = correct_place("..... phuờng Ngọc Lâm ,quận Long Biên .")
    assert n.value == "phường Ngọc Lâm, quận Long Biên"
    assert n.reasons == ("place_prefix_corrected",) and n.corrected


def test_a_comma_read_as_a_stop_between_address_parts_is_a_comma_again() -> None:
    got = correct_place(
        "Số 31, ngõ 261. phố Thanh Nhàn. phường Phố Huế, quận Hai Bà Trưng. TP. Hà Nội"
    )
    assert (
        got.value == "Số 31, ngõ 261, phố Thanh Nhàn, phường Phố Huế, quận Hai Bà Trưng, TP. Hà Nội"
    )
    assert "place_punctuation_corrected" in got.reasons
    # an abbreviation's stop stays
    assert correct_place("P. Phố Huế, Q. Hai Bà Trưng, TP. Hà Nội").reasons == ()
    # "Tô 13" is a residential group ("Tổ"); "phố Tô Hiến Thành" is a name
    assert correct_place("Tô 13, phường Phố Huế").value == "Tổ 13, phường Phố Huế"
    assert correct_place("Số 4 phố Tô Hiến Thành").value == "Số 4 phố Tô Hiến Thành"


def test_place_via_dispatcher() -> None:
    assert normalise(F.PLACE, "Long Bien, Hà Nội").value == "Long Biên, Hà Nội"


# --- identity paper line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Căn cước công dân số 001085012345, cấp ngày 12/05/2021, nơi cấp: Cục Cảnh sát "
            "QLHC về TTXH",
            IdDoc("cccd", "001085012345", "2021-05-12", "Cục Cảnh sát QLHC về TTXH", ()),
        ),
        (
            "CMND số 012345678 do Công an Hà Nội cấp ngày 01/01/2010",
            IdDoc("cmnd", "012345678", "2010-01-01", "Công an Hà Nội", ()),
        ),
        (
            "CMND số: 012345678, cấp ngày 1/1/2010 tại CA Hà Nội",
            IdDoc("cmnd", "012345678", "2010-01-01", "CA Hà Nội", ()),
        ),
        ("Hộ chiếu số B1234567", IdDoc("ho_chieu", "B1234567", None, None, ())),
        ("CCCD 001085012345", IdDoc("cccd", "001085012345", None, None, ())),
        (
            "Thẻ căn cước số 001085012345, nơi cấp: Bộ Công an",
            IdDoc("the_can_cuoc", "001085012345", None, "Bộ Công an", ()),
        ),
        ("....", IdDoc(None, None, None, None, ())),
    ],
)
def test_parse_id_doc(raw: str, expected: IdDoc) -> None:
    assert parse_id_doc(raw) == expected


def test_parse_id_doc_ocr_noise_reasons_are_part_prefixed() -> None:
    doc = parse_id_doc("Chúng minh nhân dân sô 0l2345678, cấp ngay 01/0l/2010, noi cấp: CA Hà Nội")
    assert doc[:4] == ("cmnd", "012345678", "2010-01-01", "CA Hà Nội")
    assert set(doc.reasons) == {
        "id_doc_type_corrected",
        "id_doc_no_ocr_fixed",
        "id_doc_issue_date_corrected",
    }
    for r in doc.reasons:
        assert r.startswith(("id_doc_type", "id_doc_no", "id_doc_issue_date", "id_doc_issuer"))


def test_parse_id_doc_missing_and_bad_parts() -> None:
    doc = parse_id_doc("CMND số 12345")
    assert doc.doc_no == "12345" and doc.reasons == ("id_doc_no_not_9_digits",)
    doc = parse_id_doc("Căn cước công dân số 12345")
    assert doc.doc_no == "12345" and doc.reasons == ("id_doc_no_not_12_digits",)  # as read
    doc = parse_id_doc("số 012345678")
    assert doc.doc_type is None and "id_doc_type_unknown" in doc.reasons
    doc = parse_id_doc("Hộ chiếu")
    assert doc.doc_type == "ho_chieu" and "id_doc_no_missing" in doc.reasons
    doc = parse_id_doc("CMND số 012345678, cấp ngày 45/13/2010")
    assert doc.issue_date is None and "id_doc_issue_date_unparseable" in doc.reasons


@pytest.mark.parametrize("place", ["Quảng Bình", "Tuyên Quang", "Quán Thánh", "phố Quán Thánh"])
def test_real_place_words_are_never_turned_into_prefixes(place: str) -> None:
    assert correct_place(place).value == place


def test_a_lost_dot_below_is_snapped_back_with_y_kept() -> None:
    n = correct_place("Thôn Nam, X. Kiêu Ky, H. Gia Lâm, TP. Hà Nội")
    assert n.value == "Thôn Nam, X. Kiêu Kỵ, H. Gia Lâm, TP. Hà Nội"
    assert "place_component_corrected" in n.reasons


@pytest.mark.parametrize(
    ("read", "fixed"),
    [
        ("Số 26 phổ Minh Khai, thành phổ Hà Nội", "Số 26 phố Minh Khai, thành phố Hà Nội"),
        ("Xã Quang Kim, huyện Bát Xát, tính Lào Cai", "Xã Quang Kim, huyện Bát Xát, tỉnh Lào Cai"),
        ("Số 5 ngô 12 phố Huế", "Số 5 ngõ 12 phố Huế"),
        ("Bệnh viện Phụ sản Trùng ương", "Bệnh viện Phụ sản Trung ương"),
    ],
)
def test_address_words_with_misread_accents(read: str, fixed: str) -> None:
    from extraction.values import correct_place

    n = correct_place(read)
    assert n.value == fixed
    assert "place_prefix_corrected" in n.reasons and n.score < 1


def test_capitalised_street_names_are_not_address_words() -> None:
    from extraction.values import correct_place

    assert correct_place("Số 3 phố Phó Đức Chính").value == "Số 3 phố Phó Đức Chính"


def test_issuer_found_when_its_mark_is_misread() -> None:
    from extraction.values import parse_id_doc

    doc = parse_id_doc(
        "Chứng minh nhân dân số 154717461, cấp ngày 14/10/2011; tơi cấp: Công an tỉnh Nghệ An"
    )
    assert doc.issue_date == "2011-10-14"
    assert doc.issuer == "Công an tỉnh Nghệ An"
    assert "id_doc_issuer_ocr_fixed" in doc.reasons


def test_repair_date_digits_within_a_range() -> None:
    from datetime import date

    from extraction.values import repair_date_digits

    lo, hi = date(1977, 1, 1), date(2017, 1, 20)
    assert repair_date_digits("cấp ngày 24/09/2036", lo, hi) == (date(2016, 9, 24), 1)
    assert repair_date_digits("02/06/2065", lo, hi) == (date(2005, 6, 2), 1)
    assert repair_date_digits("42/02/2016", lo, hi) == (date(2016, 2, 12), 1)
    assert repair_date_digits("12/05/2015", lo, hi) is None  # already fine
    assert repair_date_digits("08/98/2018", lo, hi) is None  # nothing within two changes
    assert repair_date_digits("no date", lo, hi) is None


def test_cccd_with_letters_lost() -> None:
    from extraction.values import parse_id_doc

    doc = parse_id_doc("cD số 001064857418")
    assert doc.doc_type == "cccd" and doc.doc_no == "001064857418"
    assert "id_doc_type_corrected" in doc.reasons
    assert parse_id_doc("D số 1").doc_type is None
