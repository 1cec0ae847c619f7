"""Marriage and death registers: labels and sections, the new value types, the registers' own
checks with their reason codes, and which register a page's heading names.

Pages are built word by word (no OCR), as in ``test_extract``; ``test_rendered_pages`` reads
rendered pages with Tesseract.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extraction.calibration import Thresholds
from extraction.checks import check_death, check_marriage
from extraction.extract import BookContext, extract_page, has_hard_reason
from extraction.forms import FORMS, FieldType, form_for
from extraction.heading import match_heading, page_heading
from extraction.refno import read_ref_no
from extraction.times import read_time
from extraction.types import FieldValue, RecordResult, RegisterType
from extraction.values import normalise
from ocr.types import Line, PageText, Word

LOW = Thresholds(default=0.5)
MARRIAGE = BookContext(RegisterType.MARRIAGE, "01/2021", "UBND phường Ngọc Lâm", 2021)
DEATH = BookContext(RegisterType.DEATH, "01/2019", "UBND phường Ngọc Lâm", 2019)


def page(lines: list[str], *, conf: float = 0.97) -> PageText:
    """Words laid out left to right, one printed line per string, 60 px apart."""
    out = []
    for i, text in enumerate(lines):
        x, words = 100, []
        for token in text.split():
            w = 22 * len(token)
            words.append(Word(token, (x, 100 + 60 * i, x + w, 140 + 60 * i), conf))
            x += w + 14
        out.append(Line(words))
    return PageText(width=2480, height=3508, lines=out)


def values(rec: RecordResult) -> dict[str, str | None]:
    return {k: f.value for k, f in rec.fields.items()}


MARRIAGE_ENTRY = [
    "SỔ ĐĂNG KÝ KẾT HÔN",
    "Số: 57 Ngày, tháng, năm đăng ký: 12/06/2021",
    "Họ, chữ đệm, tên vợ: NGUYỄN THỊ LAN",
    "Ngày, tháng, năm sinh: 03/02/1996 Dân tộc: Tày Quốc tịch: Việt Nam",
    "Nơi cư trú: Số 5 phố Ngọc Lâm, phường Ngọc Lâm, quận Long Biên, TP Hà Nội",
    "Giấy tờ tùy thân: CCCD số 001196012345, cấp ngày 12/05/2021, "
    "nơi cấp: Cục Cảnh sát QLHC về TTXH",
    "Họ và tên chồng: Trần Văn Minh",
    "Ngày, tháng, năm sinh: 20/11/1993 Dân tộc: Kinh Quốc tịch: Việt Nam",
    "Nơi cư trú: Số 12, ngõ 4, phố Bồ Đề, phường Bồ Đề, quận Long Biên, TP Hà Nội",
    "Giấy tờ tùy thân: Chứng minh nhân dân số 012345678",
    "Ngày xác lập quan hệ hôn nhân: ........",
    "Họ tên người ký Giấy chứng nhận kết hôn: Vũ Văn Khang Chức vụ: Chủ tịch",
    "Người thực hiện: Lê Thu Hà",
    "Loại việc đăng ký: Đăng ký lần đầu",
    "Ghi chú: ........",
]

DEATH_ENTRY = [
    "SỔ ĐĂNG KÝ KHAI TỬ",
    "Số: 12 Ngày, tháng, năm đăng ký: 10/03/2019",
    "Họ, chữ đệm, tên người chết: PHẠM VĂN HÙNG",
    "Ngày, tháng, năm sinh: 05/07/1938 Giới tính: Nam",
    "Dân tộc: Kinh Quốc tịch: Việt Nam",
    "Số định danh cá nhân: 001038012345",
    "Giấy tờ tùy thân: CCCD số 001038012345",
    "Nơi cư trú cuối cùng: Số 8 phố Ngọc Lâm, phường Ngọc Lâm, quận Long Biên,",
    "TP Hà Nội",
    "Giờ, phút chết: 14 giờ 30 phút Ngày, tháng, năm chết: 02/03/2019",
    "Ghi bằng chữ: Ngày mồng hai tháng ba năm hai nghìn không trăm mười chín",
    "Nơi chết: Bệnh viện Bạch Mai",
    "Nguyên nhân chết: Già yếu",
    "Số Giấy báo tử: 430/BV-GBT Ngày cấp Giấy báo tử: 02/03/2019",
    "Nơi cấp Giấy báo tử: Bệnh viện Bạch Mai",
    "Họ, chữ đệm, tên người đi khai tử: PHẠM THỊ HOA",
    "Quan hệ với người chết: Con đẻ",
    "Giấy tờ tùy thân: CMND số 012345678",
    "Họ tên người ký Trích lục khai tử: Vũ Văn Khang Chức vụ: Phó Chủ tịch",
    "Người thực hiện: Lê Thu Hà",
    "Loại việc đăng ký: Đúng hạn",
    "Ghi chú: -",
]


def test_a_marriage_entry_field_by_field() -> None:
    [rec] = extract_page(page(MARRIAGE_ENTRY), 2, MARRIAGE, thresholds=LOW)
    v = values(rec)
    assert rec.entry_no == "57" and rec.register_type == RegisterType.MARRIAGE
    assert set(v) == set(FORMS["marriage"].keys)
    assert v["registration_date"] == "2021-06-12"
    # repeated labels belong to the spouse whose section they are printed in
    assert (v["wife.full_name"], v["wife.date_of_birth"], v["wife.ethnicity"]) == (
        "NGUYỄN THỊ LAN",
        "1996-02-03",
        "Tày",
    )
    assert (v["husband.full_name"], v["husband.date_of_birth"], v["husband.ethnicity"]) == (
        "Trần Văn Minh",
        "1993-11-20",
        "Kinh",
    )
    assert v["husband.residence"] == (
        "Số 12, ngõ 4, phố Bồ Đề, phường Bồ Đề, quận Long Biên, TP Hà Nội"
    )
    # each spouse's paper fills that spouse's four keys
    assert (v["wife.id_doc_type"], v["wife.id_doc_no"]) == ("cccd", "001196012345")
    assert v["wife.id_doc_issue_date"] == "2021-05-12"
    assert v["wife.id_doc_issuer"] == "Cục Cảnh sát QLHC về TTXH"
    assert (v["husband.id_doc_type"], v["husband.id_doc_no"]) == ("cmnd", "012345678")
    assert v["husband.id_doc_issue_date"] is None and v["husband.id_doc_issuer"] is None
    assert v["marriage_recognised_date"] is None and v["notes"] is None
    assert v["registration_kind"] == "lan_dau"
    assert (v["signer.full_name"], v["signer.title"]) == ("Vũ Văn Khang", "Chủ tịch")
    assert not any(has_hard_reason(f) for f in rec.fields.values()), {
        k: f.reasons for k, f in rec.fields.items() if has_hard_reason(f)
    }


def test_a_death_entry_field_by_field() -> None:
    [rec] = extract_page(page(DEATH_ENTRY), 1, DEATH, thresholds=LOW)
    v = values(rec)
    assert rec.entry_no == "12" and set(v) == set(FORMS["death"].keys)
    assert v["deceased.full_name"] == "PHẠM VĂN HÙNG"
    assert (v["deceased.date_of_birth"], v["deceased.sex"]) == ("1938-07-05", "Nam")
    assert v["deceased.personal_id"] == v["deceased.id_doc_no"] == "001038012345"
    assert v["deceased.id_doc_type"] == "cccd"
    assert v["deceased.residence"] == (
        "Số 8 phố Ngọc Lâm, phường Ngọc Lâm, quận Long Biên, TP Hà Nội"
    )
    assert (v["death.time"], v["death.date"], v["death.date_words"]) == (
        "14:30",
        "2019-03-02",
        "2019-03-02",
    )
    assert (v["death.place"], v["death.cause"]) == ("Bệnh viện Bạch Mai", "Già yếu")
    assert (v["death_notice.no"], v["death_notice.date"]) == ("430/BV-GBT", "2019-03-02")
    assert v["death_notice.issuer"] == "Bệnh viện Bạch Mai"
    # the declarant's section: its own paper, two keys
    assert (v["declarant.full_name"], v["declarant.relationship"]) == ("PHẠM THỊ HOA", "Con đẻ")
    assert (v["declarant.id_doc_type"], v["declarant.id_doc_no"]) == ("cmnd", "012345678")
    assert v["registration_kind"] == "dung_han" and v["notes"] is None
    assert not any(has_hard_reason(f) for f in rec.fields.values()), {
        k: f.reasons for k, f in rec.fields.items() if has_hard_reason(f)
    }
    # the date in words and in digits agree: both more sure than either alone
    assert rec.fields["death.date"].confidence > 0.97


def test_a_cause_misread_by_an_accent_is_snapped_to_its_phrase() -> None:
    entry = [ln.replace("Già yếu", "Đột quy") for ln in DEATH_ENTRY]
    [rec] = extract_page(page(entry), 1, DEATH, thresholds=LOW)
    cause = rec.fields["death.cause"]
    assert cause.value == "Đột quỵ" and "phrase_corrected" in cause.reasons
    other = [ln.replace("Già yếu", "Sốc phản vệ") for ln in DEATH_ENTRY]  # not in the list: kept
    [rec] = extract_page(page(other), 1, DEATH, thresholds=LOW)
    assert rec.fields["death.cause"].value == "Sốc phản vệ"


def test_a_book_of_one_register_does_not_read_anothers_labels() -> None:
    """Death labels on a page read as a birth book give no record of made-up fields."""
    birth = BookContext(RegisterType.BIRTH, "01/2019", "UBND phường Ngọc Lâm", 2019)
    recs = extract_page(page(DEATH_ENTRY), 1, birth, thresholds=LOW)
    assert all(r.fields["child.full_name"].value is None for r in recs)


@pytest.mark.parametrize("register_type", ["marriage", "death"])
def test_no_label_plus_a_value_word_reads_as_another_label(register_type: str) -> None:
    """Label matching prefers the longest span that has as many words as a variant: a variant
    one word longer than another label's, and alike, would take that label and the last word
    of the value before it ("1 Ngày cấp Giấy báo tử" read as "Cơ quan cấp Giấy báo tử")."""
    from extraction.layout import _min_score, label_score, norm_label_text
    from extraction.text import fold_accents
    from synth.records import PRESS_JOINS

    form = FORMS[register_type]
    # labels a press may print after a value on the same line
    followers = {form.label_id(i) for line in form.lines for i in line[1:]}
    followers |= {form.label_id(b) for _, b in PRESS_JOINS[register_type]}
    variants = [(lid, norm_label_text(v)) for lid, vs in form.label_variants.items() for v in vs]
    for a_id, a in variants:
        for b_id, b in variants:
            if a_id not in followers or a_id == b_id or len(b.split()) != len(a.split()) + 1:
                continue
            for word in ("1", "x", "nam", "nội"):
                span = f"{word} {a}"
                assert label_score(span, b, fold_accents(b)) < _min_score(b), (span, b_id, b)


# --- new value types --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "reasons"),
    [
        ("14 giờ 30 phút", "14:30", ()),
        ("7 giờ 05 phút.", "07:05", ()),
        ("02 giờ 19", "02:19", ()),
        ("23:59", "23:59", ()),
        ("14h30", "14:30", ()),
        ("9 giờ", "09:00", ()),
        ("hai giờ mười chín phút", "02:19", ()),
        ("O2:19", "02:19", ("time_ocr_fixed",)),
        ("1Ø giờ 15 phút", "10:15", ("time_ocr_fixed",)),
        ("24:10", None, ("time_out_of_range",)),
        ("14:75", None, ("time_out_of_range",)),
        ("sáng sớm", None, ("time_unparseable",)),
        ("........", None, ()),
        # strays around "H giờ M phút" are dropped, and that is a correction
        ("18 giờ 48 phút se se", "18:48", ("time_ocr_fixed",)),
        ("chết 12 giờ 46 phút ˆ", "12:46", ("time_ocr_fixed",)),
        ("17 QIỜ 39 phút", "17:39", ("time_ocr_fixed",)),
        ("25 giờ 10 phút x", None, ("time_out_of_range",)),
        ("12 giờ 46 se", None, ("time_unparseable",)),  # no "phút": not believed
    ],
)
def test_time_of_death(raw: str, value: str | None, reasons: tuple[str, ...]) -> None:
    assert read_time(raw) == (value, reasons)
    n = normalise(FieldType.TIME, raw)
    assert n.value == value and n.reasons == reasons


@pytest.mark.parametrize(
    ("raw", "value", "fixed"),
    [
        ("430/BV-GBT", "430/BV-GBT", False),
        ("1547/2017/GBT", "1547/2017/GBT", False),
        ("125", "125", False),
        ("430⁄/BV-GBT", "430/BV-GBT", True),  # OCR doubles a slash
        ("32/6XN", "32/GXN", True),  # G read as 6 inside a code
        ("185/G6XN", "185/GXN", True),  # G read twice: as itself and as 6
        ("43O/GBT", "430/GBT", True),  # O read for 0 in the serial
    ],
)
def test_reference_numbers(raw: str, value: str, fixed: bool) -> None:
    assert read_ref_no(raw) == (value, ("ref_no_ocr_fixed",) if fixed else ())
    assert normalise(FieldType.REF_NO, raw).value == value


@pytest.mark.parametrize("raw", ["3†", "G6/GBT", "552/GBT ¬ .ẶĂ", "67/GXÑN"])
def test_implausible_reference_numbers_are_flagged(raw: str) -> None:
    n = normalise(FieldType.REF_NO, raw)
    assert n.value and "ref_no_implausible" in n.reasons


# --- the registers' checks --------------------------------------------------------------------


def _fields(register_type: str, **overrides: str | None) -> dict[str, FieldValue]:
    """A valid record of the register (the entries above, read perfectly), with overrides."""
    entry = MARRIAGE_ENTRY if register_type == "marriage" else DEATH_ENTRY
    ctx = MARRIAGE if register_type == "marriage" else DEATH
    [rec] = extract_page(page(entry), 1, ctx, thresholds=LOW)
    fields = {
        k: FieldValue(key=k, value=f.value, raw=f.raw, confidence=1.0)
        for k, f in rec.fields.items()
    }
    for key, value in overrides.items():
        fields[key.replace("__", ".")] = FieldValue(
            key=key.replace("__", "."), value=value, raw=value or "", confidence=1.0
        )
    return fields


def _reasons(fields: dict[str, FieldValue]) -> dict[str, list[str]]:
    return {k: f.reasons for k, f in fields.items() if f.reasons}


def test_valid_records_pass() -> None:
    m = _fields("marriage")
    check_marriage(m, book_year=2021)
    assert _reasons(m) == {}
    d = _fields("death")
    check_death(d, book_year=2019)
    assert _reasons(d) == {}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # the wife is 17 on the day of registration
        ({"wife__date_of_birth": "2003-06-13"}, {"wife.date_of_birth": "spouse_under_age"}),
        # the husband is 19 (a man may marry from 20)
        ({"husband__date_of_birth": "2002-01-01"}, {"husband.date_of_birth": "spouse_under_age"}),
        # a cohabitation recognised from 1990: only those begun before 1987 are
        (
            {"marriage_recognised_date": "1990-05-01"},
            {"marriage_recognised_date": "recognised_date_implausible"},
        ),
        # the wife's chip card says a man born in 1996
        ({"wife__id_doc_no": "001096012345"}, {"wife.id_doc_no": "id_doc_no_sex_mismatch"}),
        (
            {"wife__id_doc_issue_date": "2021-07-01"},
            {"wife.id_doc_issue_date": "id_doc_issued_after_registration"},
        ),
        ({"husband__full_name": None}, {"husband.full_name": "required_missing"}),
        # closed lists and plausible text: a stamp over the line leaves a cut or junk reading
        ({"signer__title": "Phó"}, {"signer.title": "title_not_in_list"}),
        ({"wife__id_doc_issuer": "Công an TP Hà"}, {"wife.id_doc_issuer": "issuer_not_in_list"}),
        (
            {"husband__residence": "Số 12, phường Bồ Đề, quận Long Biên, TP"},
            {"husband.residence": "place_province_unreadable"},
        ),
        ({"notes": "m"}, {"notes": "text_implausible"}),
        ({"notes": "Cấp 02 bản sao Giấy chứng nhận kết hôn xzq"}, {"notes": "text_implausible"}),
    ],
)
def test_marriage_checks(overrides: dict[str, str | None], expected: dict[str, str]) -> None:
    fields = _fields("marriage", **overrides)
    check_marriage(fields, book_year=2021)
    for key, reason in expected.items():
        assert reason in fields[key].reasons, _reasons(fields)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # died before being born
        (
            {"death__date": "1930-01-01", "death__date_words": "1930-01-01"},
            {"death.date": "died_before_birth", "deceased.date_of_birth": "died_before_birth"},
        ),
        # died after the registration of the death
        (
            {"death__date": "2019-04-01", "death__date_words": "2019-04-01"},
            {
                "death.date": "died_after_registration",
                "registration_date": "died_after_registration",
            },
        ),
        # the date in words names another day
        ({"death__date_words": "2019-03-12"}, {"death.date": "date_words_mismatch"}),
        ({"death_notice__date": "2019-03-01"}, {"death_notice.date": "notice_before_death"}),
        ({"death_notice__date": "2019-03-11"}, {"death_notice.date": "notice_after_registration"}),
        # registered 23 days after the death: not on time
        (
            {"death__date": "2019-02-15", "death__date_words": "2019-02-15"},
            {"registration_kind": "registration_kind_inconsistent"},
        ),
        # a man of 80 registered as a child under 1
        (
            {"registration_kind": "duoi_1_tuoi"},
            {"registration_kind": "registration_kind_inconsistent"},
        ),
        # the personal number says a woman
        ({"deceased__sex": "Nữ"}, {"deceased.personal_id": "personal_id_sex_mismatch"}),
        # a chip card's number is the holder's personal number
        (
            {"deceased__id_doc_no": "001038099999"},
            {"deceased.id_doc_no": "id_doc_no_differs_from_personal_id"},
        ),
        ({"death__cause": None}, {"death.cause": "required_missing"}),
        ({"death__cause": "Ắ"}, {"death.cause": "text_implausible"}),
        ({"death__cause": "6ià yếu"}, {"death.cause": "text_implausible"}),
        (
            {"death_notice__issuer": "công an phường Văn Miếu"},
            {"death_notice.issuer": "case_corrected"},
        ),
        (
            {"declarant__relationship": "Con đ"},
            {"declarant.relationship": "relationship_not_in_list"},
        ),
        (
            {"deceased__residence": "Số 8 phố Ngọc Lâm, phường Ngọc Lâm, Hà TP. Nội"},
            {"deceased.residence": "place_province_unreadable"},
        ),
    ],
)
def test_death_checks(overrides: dict[str, str | None], expected: dict[str, str]) -> None:
    fields = _fields("death", **overrides)
    check_death(fields, book_year=2019)
    for key, reason in expected.items():
        assert reason in fields[key].reasons, _reasons(fields)


def test_unreadable_death_date_is_taken_from_words() -> None:
    fields = _fields("death")
    fields["death.date"] = FieldValue(key="death.date", value=None, raw="0Z/O3/2O1", confidence=0)
    check_death(fields, book_year=2019)
    assert fields["death.date"].value == "2019-03-02"
    assert "date_from_words" in fields["death.date"].reasons


def test_personal_number_not_required_before_2016() -> None:
    fields = _fields("death", deceased__personal_id=None)
    check_death(fields, book_year=2019)
    assert "required_missing" in fields["deceased.personal_id"].reasons
    old = _fields("death", deceased__personal_id=None, registration_date="2014-03-10")
    check_death(old, book_year=2014)
    assert "required_missing" not in old["deceased.personal_id"].reasons


# --- headings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "register_type"),
    [
        ("SỔ ĐĂNG KÝ KHAI SINH", "birth"),
        ("SỔ ĐĂNG KÝ KẾT HÔN", "marriage"),
        ("SỔ ĐĂNG KÝ KHAI TỬ", "death"),
        ("Sổ đăng ký khai tử", "death"),
        ("SỐ ĐĂNG KÝ KHAl SlNH", "birth"),  # OCR-damaged
        ("SO DANG KY KET HON", "marriage"),
        ("SỔ ĐĂNG KÝ KHAI", None),  # no tail: says nothing
        ("UBND phường Ngọc Lâm, quận Long Biên, TP Hà Nội", None),
        ("Số: 1 Ngày đăng ký: 02/01/2018", None),
    ],
)
def test_heading(text: str, register_type: str | None) -> None:
    found = match_heading(text)
    assert (found.register_type if found else None) == register_type


def test_page_heading() -> None:
    heading = page_heading(page(DEATH_ENTRY))
    assert heading is not None and heading.register_type == "death"
    assert page_heading(page(DEATH_ENTRY[1:])) is None
    assert all(form_for(t).heading for t in ("birth", "marriage", "death"))


# --- rendered pages, read by Tesseract ---------------------------------------------------------


@pytest.mark.parametrize(("register_type", "seed"), [("marriage", 31), ("death", 37)])
def test_rendered_pages(tmp_path: Path, tesseract: object, register_type: str, seed: int) -> None:
    """Clean rendered pages of each register come out nearly field for field."""
    from extraction.evaluate import evaluate
    from ocr.engine import OcrEngine
    from ocr.page import load_image, read_page
    from synth import write_sample_book

    assert isinstance(tesseract, OcrEngine)
    meta = write_sample_book(
        tmp_path, register_type=register_type, records=2, seed=seed, quality="clean", fmt="png"
    )
    ctx = BookContext(
        RegisterType(register_type), meta["book_no"], meta["registration_authority"], meta["year"]
    )
    records: list[RecordResult] = []
    for page_meta in meta["pages"]:
        text = read_page(load_image(tmp_path / page_meta["file"]), tesseract).text
        heading = page_heading(text)
        assert heading is not None and heading.register_type == register_type
        records += extract_page(text, page_meta["page"], ctx)
    truth = [json.loads(ln) for ln in (tmp_path / "truth.jsonl").read_text("utf-8").splitlines()]
    exported = [json.loads(r.model_dump_json()) for r in records]
    for r in exported:
        r["fields"] = {
            k: {"value": f["value"], "status": f["status"]} for k, f in r["fields"].items()
        }
    report = evaluate(truth, exported)
    assert report.records_unmatched == 0
    assert report.overall.as_dict()["accuracy"] >= 0.95, report.errors


def test_a_key_may_have_its_own_threshold_on_pages_of_a_condition() -> None:
    th = Thresholds(
        by_type={"text": 0.5},
        by_condition={"degraded": {"text": 0.6}},
        by_key_condition={"degraded": {"notes": 0.95}},
    )
    assert th.for_key("notes", "text", "degraded") == 0.95
    assert th.for_key("notes", "text", "good") == 0.5
    assert th.for_key("signer.title", "text", "degraded") == 0.6


def test_a_first_letter_read_in_lower_case_is_put_right() -> None:
    fields = _fields("death", death_notice__issuer="công an phường Văn Miếu")
    check_death(fields, book_year=2019)
    assert fields["death_notice.issuer"].value == "Công an phường Văn Miếu"


def test_death_cause_outside_the_usual_wording_goes_to_review() -> None:
    from extraction.checks import check_record
    from extraction.types import FieldValue

    def cause(text: str) -> dict[str, FieldValue]:
        return {"death.cause": FieldValue(key="death.cause", value=text, raw=text, confidence=0.99)}

    misread = cause("Bột quy")
    check_record(misread, "death")
    assert "cause_not_in_list" in misread["death.cause"].reasons
    usual = cause("Đột quỵ")
    check_record(usual, "death")
    assert "cause_not_in_list" not in usual["death.cause"].reasons
