"""From words on a page to records: labels, sections, values, checks, acceptance.

Pages are built word by word (no OCR) so each rule is tested on exactly the text it handles.
"""

from __future__ import annotations

import pytest

from extraction.calibration import Thresholds
from extraction.extract import (
    BookContext,
    cut_at_gap,
    extract_page,
    fix_name_digits,
    is_junk_word,
    trim_junk,
)
from extraction.layout import find_labels, segments, visual_lines
from extraction.phrases import Snapped, phrase_prefix, snap_phrase
from extraction.types import FieldStatus, FieldValue, RegisterType
from ocr.types import Line, PageText, Word

CTX = BookContext(RegisterType.BIRTH, "01/2018", "UBND phường Ngọc Lâm", 2018)
LOW = Thresholds(default=0.5)


def page(
    lines: list[str], *, conf: float = 0.97, gap_after: dict[str, int] | None = None
) -> PageText:
    """Words laid out left to right, one printed line per string, 60 px apart."""
    out = []
    for i, text in enumerate(lines):
        x = 100
        words = []
        for token in text.split():
            w = 22 * len(token)
            words.append(Word(token, (x, 100 + 60 * i, x + w, 140 + 60 * i), conf))
            x += w + 14 + (gap_after or {}).get(token, 0)
        out.append(Line(words))
    return PageText(width=2480, height=3508, lines=out)


ENTRY = [
    "Số: 125 Ngày, tháng, năm đăng ký: 20/03/2018",
    "Họ, chữ đệm, tên: NGUYỄN THỊ MINH ANH",
    "Ngày, tháng, năm sinh: 15/03/2018 "
    "Ghi bằng chữ: Ngày mười lăm tháng ba năm hai nghìn không trăm mười tám",
    "Giới tính: Nữ Dân tộc: Kinh Quốc tịch: Việt Nam",
    "Nơi sinh: Bệnh viện Phụ sản Hà Nội, quận Đống Đa,",
    "thành phố Hà Nội",
    "Quê quán: Xã Phương Sơn, huyện Lục Nam, tỉnh Bắc Giang",
    "Số định danh cá nhân: 001318012345",
    "Họ, chữ đệm, tên người mẹ: Trần Thị Lan",
    "Năm sinh: 1990 Dân tộc: Tày Quốc tịch: Việt Nam",
    "Nơi cư trú: Số 5 phố Ngọc Lâm, phường Ngọc Lâm, quận Long Biên, TP Hà Nội",
    "Họ, chữ đệm, tên người cha: -",
    "Năm sinh: - Dân tộc: - Quốc tịch: -",
    "Nơi cư trú: -",
    "Họ, chữ đệm, tên người đi khai sinh: Trần Thị Lan",
    "Quan hệ với người được khai sinh: mẹ đẻ",
    "Giấy tờ tùy thân: CCCD số 001190012345, cấp ngày 12/05/2021, "
    "nơi cấp: Cục Cảnh sát QLHC về TTXH",
    "Họ tên người ký Giấy khai sinh: Vũ Văn Khang Chức vụ: Chủ tịch",
    "Người thực hiện: Lê Thu Hà",
    "Loại việc đăng ký: Đúng hạn",
    "Ghi chú: Người đi khai sinh xuất trình sổ hộ khẩu",
]


def values(rec: object) -> dict[str, str | None]:
    return {k: f.value for k, f in rec.fields.items()}  # type: ignore[attr-defined]


def test_a_whole_entry_comes_out_field_by_field() -> None:
    [rec] = extract_page(page(ENTRY), 3, CTX, thresholds=LOW)
    v = values(rec)
    assert rec.entry_no == "125" and rec.pages == [3]
    assert v["registration_date"] == "2018-03-20"
    assert v["child.full_name"] == "NGUYỄN THỊ MINH ANH"
    assert v["child.date_of_birth"] == v["child.date_of_birth_words"] == "2018-03-15"
    assert (v["child.sex"], v["child.ethnicity"], v["child.nationality"]) == (
        "Nữ",
        "Kinh",
        "Việt Nam",
    )
    # A wrapped value continues on the next line.
    assert v["child.place_of_birth"] == "Bệnh viện Phụ sản Hà Nội, quận Đống Đa, thành phố Hà Nội"
    # Repeated labels belong to the section they are printed in.
    assert (v["mother.birth_year"], v["mother.ethnicity"]) == ("1990", "Tày")
    assert v["father.full_name"] is None and v["father.ethnicity"] is None
    assert v["declarant.relationship"] == "Mẹ đẻ"  # snapped to the canonical phrase
    assert v["declarant.id_doc_type"] == "cccd"
    assert v["declarant.id_doc_no"] == "001190012345"
    assert v["declarant.id_doc_issue_date"] == "2021-05-12"
    assert v["declarant.id_doc_issuer"] == "Cục Cảnh sát QLHC về TTXH"
    assert (v["signer.full_name"], v["signer.title"]) == ("Vũ Văn Khang", "Chủ tịch")
    assert v["registration_kind"] == "dung_han"
    # Label words inside a value ("Người đi khai sinh") are not a label.
    assert v["notes"] == "Người đi khai sinh xuất trình sổ hộ khẩu"
    assert v["declarant.full_name"] == "Trần Thị Lan"
    f = rec.fields["child.full_name"]
    assert f.page == 3 and f.bbox is not None and f.raw == "NGUYỄN THỊ MINH ANH"
    assert f.status == FieldStatus.ACCEPTED


def test_two_entries_on_a_page_and_a_misread_entry_number() -> None:
    second = ["S0 126 " + ENTRY[0].split(" ", 2)[2], *ENTRY[1:]]
    recs = extract_page(page(ENTRY + second), 1, CTX, thresholds=LOW)
    assert len(recs) == 2
    assert recs[0].entry_no == "125"
    assert values(recs[1])["child.full_name"] == "NGUYỄN THỊ MINH ANH"


def test_ocr_damaged_labels_are_still_found() -> None:
    damaged = ENTRY.copy()
    damaged[3] = "G1ơi tình: Nữ Dân tôc: Kinh Quốc tịch: Việt Nam"
    [rec] = extract_page(page(damaged), 1, CTX, thresholds=LOW)
    assert values(rec)["child.sex"] == "Nữ"
    assert values(rec)["child.ethnicity"] == "Kinh"


def test_a_fuzzy_label_never_swallows_the_value_before_it() -> None:
    line = visual_lines(page(["Dân tộc: Tày Quốc tịch: Việt Nam"]))[0]
    hits = find_labels(line, 0)
    assert [(h.label_id, h.start, h.end) for h in hits] == [
        ("@ethnicity", 0, 2),
        ("@nationality", 3, 5),
    ]


def test_digits_and_words_that_disagree_go_to_review() -> None:
    bad = ENTRY.copy()
    bad[2] = bad[2].replace("15/03/2018", "16/03/2018")
    [rec] = extract_page(page(bad), 1, CTX, thresholds=LOW)
    for key in ("child.date_of_birth", "child.date_of_birth_words"):
        assert rec.fields[key].status == FieldStatus.NEEDS_REVIEW
        assert "date_words_mismatch" in rec.fields[key].reasons


def test_cross_field_checks_name_their_reasons() -> None:
    bad = ENTRY.copy()
    bad[9] = "Năm sinh: 2010 Dân tộc: Tày Quốc tịch: Việt Nam"  # mother 8 years older
    bad[7] = "Số định danh cá nhân: 001218012345"  # says a boy; the child is a girl
    bad[19] = "Loại việc đăng ký: Quá hạn"  # registered 5 days after birth
    [rec] = extract_page(page(bad), 1, CTX, thresholds=LOW)
    assert "parent_age_implausible" in rec.fields["mother.birth_year"].reasons
    assert "personal_id_sex_mismatch" in rec.fields["child.personal_id"].reasons
    assert "registration_kind_inconsistent" in rec.fields["registration_kind"].reasons


def test_a_missing_required_label_is_flagged_not_guessed() -> None:
    [rec] = extract_page(page([ln for ln in ENTRY if not ln.startswith("Quê")]), 1, CTX)
    f = rec.fields["child.home_town"]
    assert f.value is None and f.status == FieldStatus.NEEDS_REVIEW
    assert {"label_not_found", "required_missing"} <= set(f.reasons)


def test_low_confidence_is_not_accepted() -> None:
    [rec] = extract_page(page(ENTRY, conf=0.4), 1, CTX, thresholds=Thresholds(default=0.9))
    assert rec.fields["child.full_name"].status == FieldStatus.NEEDS_REVIEW


def test_signature_strokes_after_a_value_are_dropped() -> None:
    words = [Word("Chủ", (0, 0, 60, 40), 0.95), Word("tịch", (75, 0, 150, 40), 0.95)]
    junk = [Word("(WMx>", (160, 0, 260, 40), 0.3), Word("vú", (400, 0, 440, 40), 0.9)]
    assert trim_junk(words + junk[:1]) == words
    assert cut_at_gap(words + junk[1:]) == words  # far to the right: a stamp, not the value
    assert is_junk_word(Word("~=", (0, 0, 10, 10), 0.9))
    assert not is_junk_word(Word("04/01/2018", (0, 0, 10, 10), 0.1))


@pytest.mark.parametrize(
    ("text", "want"),
    [("Hồ Như 0anh", "Hồ Như Oanh"), ("VŨ 0ANH", "VŨ OANH"), ("Số 10", "Số 10")],
)
def test_zero_in_a_name_is_an_o(text: str, want: str) -> None:
    assert fix_name_digits(text)[0] == want


def test_phrases_snap_only_when_close() -> None:
    assert snap_phrase("cha đẻ", "relationship").value == "Cha đẻ"
    assert snap_phrase("Cục Quản tý xuất nhập cảnh", "issuer").value == "Cục Quản lý xuất nhập cảnh"
    assert snap_phrase("Bạn học", "relationship").value == "Bạn học"  # other letters: kept
    # Same letters as exactly one phrase: snapped, and marked as a correction.
    assert snap_phrase("Mẹ đề", "relationship") == Snapped("Mẹ đẻ", True, 0.95)
    assert snap_phrase("Chủ tịch UBND xã", "title").changed is False
    assert phrase_prefix("Phó Chủ tịch IlÀ La", "title") == "Phó Chủ tịch"
    assert phrase_prefix("Mẹ đẻ", "relationship") is None  # a phrase itself, not "Mẹ" + junk
    assert phrase_prefix("Mẹ đẻ của cháu bé theo giấy ủy quyền", "relationship") is None


def test_a_phrase_one_letter_off_snaps_with_its_lower_score() -> None:
    assert snap_phrase("Chủ kịch", "title") == Snapped("Chủ tịch", True, 0.875)
    assert snap_phrase("Phö:-chủ tịch", "title").value == "Phó Chủ tịch"  # marks dropped first
    assert snap_phrase("Grủ tịch", "title").changed is False  # two letters off: kept
    assert snap_phrase("Bà nội", "relationship").changed is False


def test_continuation_stops_at_a_damaged_label() -> None:
    segs = segments(visual_lines(page(["Nơi sinh: Bệnh viện Bạch Mai", "Qxê qán: Hà Nội"])))
    assert " ".join(w.text for w in segs[0].words) == "Bệnh viện Bạch Mai"


def test_a_damaged_label_is_inferred_from_the_form_order() -> None:
    damaged = ENTRY.copy()
    damaged[4] = "N¿ơj xjnh: Bệnh viện Phụ sản Hà Nội, quận Đống Đa,"  # "Nơi sinh:" unreadable
    [rec] = extract_page(page(damaged), 1, CTX, thresholds=LOW)
    f = rec.fields["child.place_of_birth"]
    assert f.value is not None and f.value.startswith("Bệnh viện Phụ sản Hà Nội")
    assert "label_inferred" in f.reasons
    # the fields around it are untouched
    assert values(rec)["child.home_town"] == "Xã Phương Sơn, huyện Lục Nam, tỉnh Bắc Giang"


@pytest.mark.parametrize(
    ("read", "want"), [("NữỮ", "Nữ"), ("HữỮu", "Hữu"), ("Nguyễn", "Nguyễn"), ("AA", "AA")]
)
def test_a_letter_doubled_in_the_other_case_is_read_once(read: str, want: str) -> None:
    from extraction.extract import collapse_case_doubles

    assert collapse_case_doubles(read) == want


def test_unreadable_label_inferred_from_the_value_shape() -> None:
    from extraction.extract import FORM_ORDER, infer_label

    after = FORM_ORDER.index("child.date_of_birth_words")
    # "Giới tính" read as "cnơi tình" looks like "Nơi sinh", but "Nữ" is a sex.
    assert infer_label("cnơi tình", after, value="Nữ") == ("child.sex", after + 1)
    guess = infer_label("cnơi tình", after, value="Trạm y tế")
    assert guess is not None and guess[0] == "child.place_of_birth"


def test_section_labels_inferred_by_form_order() -> None:
    from extraction.extract import FORM_ORDER, infer_label

    after = FORM_ORDER.index("father.full_name")
    assert infer_label("năm xinh", after) == ("father.birth_year", after + 1)


def _words(text: str, y: int = 0, x0: int = 0) -> list:
    from ocr.types import Word

    out = []
    x = x0
    for t in text.split():
        out.append(Word(t, (x, y, x + 20 * len(t), y + 40), 0.9))
        x += 20 * len(t) + 15
    return out


def test_damaged_label_of_the_same_line_split_out_of_a_value() -> None:
    from extraction.extract import RawField, recover_line_labels

    words = _words("NGUYỄN VĂN TRÍ l Chức tử: Chủ tịch")
    entry = {
        "signer.full_name": RawField(
            "signer.full_name", words[:3], 1.0, 1, (0, 0, 1, 1), False, words
        )
    }
    recover_line_labels(entry)
    # the speck "l" stays in the raw words; the name's normaliser drops it
    assert entry["signer.full_name"].raw == "NGUYỄN VĂN TRÍ l"
    assert entry["signer.title"].raw == "Chủ tịch"
    assert entry["signer.title"].label_score < 1.0


def test_damaged_label_at_a_continuation_line_start() -> None:
    from extraction.extract import RawField, recover_line_labels

    first = _words("Bệnh viện Bạch Mai, quận Đống Đa, thành phố Hà Nội", y=0, x0=300)
    second = _words("Qu2 juín huyện Chương Mỹ, thành phố Hà Nội", y=60, x0=40)
    words = first + second
    entry = {
        "child.place_of_birth": RawField(
            "child.place_of_birth", words, 1.0, 1, (0, 0, 1, 1), False, words
        )
    }
    recover_line_labels(entry)
    assert entry["child.place_of_birth"].raw == "Bệnh viện Bạch Mai, quận Đống Đa, thành phố Hà Nội"
    assert entry["child.home_town"].raw == "huyện Chương Mỹ, thành phố Hà Nội"


def test_a_wrapped_value_without_a_label_stays_whole() -> None:
    from extraction.extract import RawField, recover_line_labels

    words = _words("Số 12, ngõ 3, phố Huế, phường Phố Huế,", x0=300) + _words(
        "quận Hai Bà Trưng, thành phố Hà Nội", y=60, x0=40
    )
    entry = {
        "mother.residence": RawField("mother.residence", words, 1.0, 1, (0, 0, 1, 1), False, words)
    }
    recover_line_labels(entry)
    assert list(entry) == ["mother.residence"]
    assert entry["mother.residence"].words == words


@pytest.mark.parametrize(
    ("line", "glued"),
    [
        ("Sẽ:4 Ngày tháng năm đăng ký: 02/01/2016", 1),
        ("só 30 Ngày 03/01/2016", 0),
        ("S54 03/01/2016", 2),
    ],
)
def test_misread_entry_number_label_at_line_start(line: str, glued: int) -> None:
    from extraction.layout import VLine, find_labels

    hits = find_labels(VLine(_words(line), 0.0, 40.0), 0)
    assert hits[0].label_id == "entry_no" and hits[0].value_offset == glued


def test_an_address_line_starting_with_so_is_no_entry_number() -> None:
    from extraction.layout import VLine, find_labels

    hits = find_labels(VLine(_words("Số 64, ngõ 109, phố Nguyễn Trãi"), 0.0, 40.0), 0)
    assert all(h.label_id != "entry_no" for h in hits)


def test_a_note_of_specks_is_blank() -> None:
    from extraction.extract import is_only_specks

    assert is_only_specks("- l l l")
    assert is_only_specks("¬ Áiiiiảÿăýỷ")
    assert not is_only_specks("Cấp 02 bản sao Giấy khai sinh")


def test_closed_list_value_cut_before_strays() -> None:
    from extraction import values
    from extraction.extract import closed_value_prefix
    from extraction.forms import BIRTH_FORM, FieldType

    sex = closed_value_prefix(FieldType.SEX, "Nữ l")
    assert sex is not None and sex.value == "Nữ"

    def read(t: str) -> values.Normalised:
        return values.normalise_registration_kind(t, BIRTH_FORM.registration_kinds)

    kind = closed_value_prefix(FieldType.CATEGORY, "Đúng hạn 0105011 l", read)
    assert kind is not None and kind.value == "dung_han"


def _fv(key: str, value: str | None) -> FieldValue:

    return FieldValue(key=key, value=value, raw=value, confidence=0.99, reasons=[])


def test_named_parent_with_blank_details_is_flagged() -> None:
    from extraction.checks import check_record

    fields = {
        "mother.full_name": _fv("mother.full_name", "Vũ Thị Anh"),
        "mother.ethnicity": _fv("mother.ethnicity", None),
        "father.full_name": _fv("father.full_name", None),
        "father.ethnicity": _fv("father.ethnicity", None),
    }
    check_record(fields, "birth")
    assert "parent_detail_missing" in fields["mother.ethnicity"].reasons
    assert fields["father.ethnicity"].reasons == []  # no father named: blank is right


def test_personal_number_of_another_province_than_the_book() -> None:
    from extraction.checks import check_record

    misread = {"child.personal_id": _fv("child.personal_id", "004216670940")}
    check_record(misread, "birth", authority="UBND phường La Khê")
    assert "personal_id_province_mismatch" in misread["child.personal_id"].reasons
    right = {"child.personal_id": _fv("child.personal_id", "001216670940")}
    check_record(right, "birth", authority="UBND phường La Khê")
    assert "personal_id_province_mismatch" not in right["child.personal_id"].reasons


def test_title_outside_the_list_is_flagged() -> None:
    from extraction.checks import check_record

    fields = {"signer.title": _fv("signer.title", "Phó")}
    check_record(fields, "birth")
    assert "title_not_in_list" in fields["signer.title"].reasons


def test_words_of_a_line_go_in_the_order_they_start() -> None:
    # Tesseract boxed "Nơi" to the end of "Thôn": its centre lies after "ở:"
    words = [
        Word("ở:", (316, 100, 351, 150), 0.95),
        Word("Nơi", (240, 108, 450, 144), 0.95),
        Word("Thôn", (366, 110, 450, 144), 0.95),
        Word("Hạ", (479, 112, 541, 150), 0.95),
    ]
    lines = visual_lines(PageText(width=2480, height=3508, lines=[Line(words)]))
    assert [w.text for w in lines[0].words] == ["Nơi", "ở:", "Thôn", "Hạ"]


def test_a_value_word_before_a_label_is_not_taken_for_it() -> None:
    from extraction.layout import VLine

    text = "Người đi khai sinh: VŨ PHÚC VINH Quan hệ với người được KS: Là cha"
    line = VLine(_words(text), 0, 40)
    hits = find_labels(line, 0)
    rel = [h for h in hits if h.label_id == "declarant.relationship"]
    assert len(rel) == 1 and line.words[rel[0].start].text == "Quan"


def test_a_blank_line_of_specks_is_blank_for_names_and_places() -> None:
    lines = [ln.replace("Nơi cư trú: -", "Nơi cư trú: l l -  l") for ln in ENTRY]
    [rec] = extract_page(page(lines), 3, CTX, thresholds=LOW)
    assert rec.fields["father.residence"].value is None
    assert rec.fields["mother.residence"].value is not None


def test_next_label_of_a_joined_line_found_by_its_value() -> None:
    lines = [ln for ln in ENTRY if not ln.startswith(("Người thực hiện", "Loại việc"))]
    at = lines.index("Ghi chú: Người đi khai sinh xuất trình sổ hộ khẩu")
    lines.insert(at, "Người thực hiện: Lê Thu Hà cá. PØwl ®uny ký: Đúng hạn")
    [rec] = extract_page(page(lines), 3, CTX, thresholds=LOW)
    assert rec.fields["registration_kind"].value == "dung_han"
    assert "label_inferred" in rec.fields["registration_kind"].reasons
    assert rec.fields["clerk.full_name"].value == "Lê Thu Hà"
    lines[at] = "Người thực hiện: Lê Thu Hà lu9ại đăng ký Đúng hạn"
    [rec] = extract_page(page(lines), 3, CTX, thresholds=LOW)
    assert rec.fields["registration_kind"].value == "dung_han"
    lines[at] = "Người thực hiện: Lê Thu Hà Nguyễn Thị"  # no closed value: nothing split off
    [rec] = extract_page(page(lines), 3, CTX, thresholds=LOW)
    assert rec.fields["registration_kind"].value is None


def test_digits_inside_words_and_lower_case_name_words() -> None:
    lines = [
        ln.replace("Trần Thị Lan", "trần Thị Lan")
        .replace("Bệnh viện Phụ sản Hà Nội", "Bệnh Viện Phụ sản Hà Nộ1")
        .replace("Lê Thu Hà", "Lê Thu Nh1")
        for ln in ENTRY
    ]
    [rec] = extract_page(page(lines), 3, CTX, thresholds=LOW)
    assert rec.fields["mother.full_name"].value == "Trần Thị Lan"
    assert "case_corrected" in rec.fields["mother.full_name"].reasons
    assert rec.fields["child.place_of_birth"].value.startswith("Bệnh viện Phụ sản Hà Nội")
    assert rec.fields["clerk.full_name"].value == "Lê Thu Nhi"


def test_issuer_found_among_scattered_marks() -> None:
    from extraction.extract import snap_closed_list

    assert snap_closed_list("declarant.id_doc_issuer", '= "công an` TP` Hà Nội')[0] == (
        "Công an TP Hà Nội"
    )
    assert snap_closed_list("declarant.id_doc_issuer", "zˆ Cởng an tỉnh Thanh Hóa")[0] == (
        "Công an tỉnh Thanh Hóa"
    )
    assert snap_closed_list("declarant.id_doc_issuer", "Ban quản lý dự án")[2] is None


def test_issue_date_read_again_with_confusable_digits() -> None:
    from extraction.checks import check_record

    def fields(raw: str, value: str | None, reasons: list[str]) -> dict[str, FieldValue]:
        issue = FieldValue(
            key="declarant.id_doc_issue_date", value=value, raw=raw, confidence=0.95,
            reasons=reasons,
        )  # fmt: skip
        return {
            "registration_date": _fv("registration_date", "2017-01-20"),
            "declarant.id_doc_issue_date": issue,
        }

    later = fields("CMND số 018917825, cấp ngày 06/01/2034", "2034-01-06", [])
    check_record(later, "birth")
    f = later["declarant.id_doc_issue_date"]
    assert f.value == "2014-01-06" and "id_doc_issue_date_digits_repaired" in f.reasons
    bad_day = fields(
        "CCCD số 001184572155, cấp ngày 87/06/2016", None, ["id_doc_issue_date_unparseable"]
    )
    check_record(bad_day, "birth")
    assert bad_day["declarant.id_doc_issue_date"].value == "2016-06-07"
    hopeless = fields("CMND số 018917825, cấp ngày 06/01/2055", "2055-01-06", [])
    check_record(hopeless, "birth")
    reasons = hopeless["declarant.id_doc_issue_date"].reasons
    assert "id_doc_issued_after_registration" in reasons


def test_personal_number_prefix_taken_from_the_record() -> None:
    from extraction.checks import check_record

    def rec(pid: str) -> dict[str, FieldValue]:
        return {
            "child.personal_id": _fv("child.personal_id", pid),
            "child.sex": _fv("child.sex", "Nữ"),
            "child.date_of_birth": _fv("child.date_of_birth", "2016-05-02"),
        }

    worn = rec("004316670940")  # 001 read 004
    check_record(worn, "birth", authority="UBND phường La Khê")
    f = worn["child.personal_id"]
    assert f.value == "001316670940"
    assert f.reasons == ["personal_id_digits_repaired"]
    other = rec("002216670940")  # 2 and 2 are no confusable reading of 1 and 3
    check_record(other, "birth", authority="UBND phường La Khê")
    assert other["child.personal_id"].value == "002216670940"
    assert "personal_id_province_mismatch" in other["child.personal_id"].reasons


def test_relationship_told_by_its_phrase_and_marks_inside_names() -> None:
    lines = [
        ln for ln in ENTRY if not ln.startswith(("Quan hệ", "Họ, chữ đệm, tên người đi khai sinh"))
    ]
    at = lines.index("Giấy tờ tùy thân: CCCD số 001190012345, cấp ngày 12/05/2021, "
                     "nơi cấp: Cục Cảnh sát QLHC về TTXH")  # fmt: skip
    lines.insert(at, "Họ, chữ đệm, tên người đi khai sinh: TRẦN: THỊ LAN Qui hệ vớTNười NS: Là mẹ")
    [rec] = extract_page(page(lines), 3, CTX, thresholds=LOW)
    assert rec.fields["declarant.relationship"].value == "Là mẹ"
    assert rec.fields["declarant.full_name"].value == "TRẦN THỊ LAN"


def test_a_phrase_read_as_it_is_is_not_marked_corrected() -> None:
    from extraction.extract import snap_closed_list

    assert snap_closed_list("signer.title", "Phó Chủ tịch") == ("Phó Chủ tịch", 1.0, None)


def test_a_colon_read_in_a_name_does_not_make_a_longer_label() -> None:
    # "HÀ:" caught a speck: "Họ, chữ đệm và tên: NGUYỄN HÀ:" is the child's label and name,
    # not the father's label "Họ, chữ đệm và tên người cha:" read badly.
    segs = segments(visual_lines(page(["Họ, chữ đệm và tên: NGUYỄN HÀ: LINH"])))
    assert [s.hit.label_id for s in segs] == ["child.full_name"]
    assert " ".join(w.text for w in segs[0].words) == "NGUYỄN HÀ: LINH"


def test_a_speck_colon_far_right_does_not_stop_a_wrapped_value() -> None:
    lines = [
        "Giấy tờ tùy thân: Chứng minh nhân dân số 256018452, cấp ngày 05/03/2014, nơi cấp: Công",
        "an TP Hà Nội :",
    ]
    segs = segments(visual_lines(page(lines, gap_after={"Nội": 1500})))
    assert [s.hit.label_id for s in segs] == ["declarant.id_doc_type"]
    assert " ".join(w.text for w in segs[0].words).endswith("nơi cấp: Công an TP Hà Nội :")
    # next to its word, a colon of its own still ends a damaged label
    near = segments(visual_lines(page(["Nơi sinh: Bệnh viện Bạch Mai", "Qxê qán : Hà Nội"])))
    assert " ".join(w.text for w in near[0].words) == "Bệnh viện Bạch Mai"
