from __future__ import annotations

import random
from datetime import date

import pytest

from extraction.checks import check_record
from extraction.notes_nlp import (
    annotate_notes,
    parse_note,
    parse_notes,
    pipeline,
    primary_note,
)
from extraction.types import FieldValue
from synth import data


def test_pipeline_is_a_blank_vietnamese_one_with_rules() -> None:
    nlp = pipeline()
    assert nlp.lang == "vi"
    assert nlp.pipe_names == ["entity_ruler"]
    doc = nlp("theo Quyết định số 12/QĐ-UBND ngày 05/6/2018.")
    assert "12/QĐ-UBND" in [t.text for t in doc] and "05/6/2018" in [t.text for t in doc]
    assert {e.label_ for e in doc.ents} == {"DECISION", "DATE"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'Cải chính họ, tên: từ "Nguyễn Văn Nam" thành "Nguyễn Văn Năm" theo Quyết định số'
            " 12/QĐ-UBND ngày 05/6/2018 của UBND quận Long Biên.",
            {
                "kind": "cai_chinh",
                "field": "child.full_name",
                "old_value": "Nguyễn Văn Nam",
                "new_value": "Nguyễn Văn Năm",
                "decision_no": "12/QĐ-UBND",
                "decision_date": "2018-06-05",
                "issuer": "UBND quận Long Biên",
            },
        ),
        (
            "Thay đổi quê quán từ Nam Định sang Hà Nội, QĐ số 45/2019/QĐ-UBND ngày 3 tháng 4"
            " năm 2019",
            {
                "kind": "thay_doi",
                "field": "child.home_town",
                "old_value": "Nam Định",
                "new_value": "Hà Nội",
                "decision_no": "45/2019/QĐ-UBND",
                "decision_date": "2019-04-03",
            },
        ),
        (
            "cai chinh ngay sinh tu 12/03/2015 thanh 13/03/2015 theo quyet dinh so 7/QD-UBND"
            " ngay 01/02/2016",
            {
                "kind": "cai_chinh",
                "field": "child.date_of_birth",
                "old_value": "12/03/2015",
                "new_value": "13/03/2015",
                "decision_no": "7/QD-UBND",
                "decision_date": "2016-02-01",
            },
        ),
        (
            "Xác định lại dân tộc của cha từ Kinh thành Tày theo Quyết định ngày 10/10/2020"
            " số 99/QĐ-UBND",
            {
                "kind": "xac_dinh_lai",
                "field": "father.ethnicity",
                "old_value": "Kinh",
                "new_value": "Tày",
                "decision_no": "99/QĐ-UBND",
                "decision_date": "2020-10-10",
            },
        ),
        (
            "Bổ sung tên đệm theo yêu cầu",
            {"kind": "bo_sung", "field": "child.full_name", "field_part": "middle_name"},
        ),
        ("Cấp 02 bản sao Giấy khai sinh", {"kind": "cap_ban_sao", "copies": "2"}),
        (
            "Bổ sung quốc tịch theo Quyết định số 8/QĐ-UBND ngày mười lăm tháng ba năm hai"
            " nghìn không trăm mười tám của UBND phường Ngọc Lâm",
            {
                "kind": "bo_sung",
                "field": "child.nationality",
                "decision_no": "8/QĐ-UBND",
                "decision_date": "2018-03-15",
                "issuer": "UBND phường Ngọc Lâm",
            },
        ),
        ("Đăng ký khai sinh kết hợp nhận cha, con", {"kind": "nhan_cha_me_con"}),
        ("Trẻ sinh đôi", {}),
        (
            "Người đi khai sinh xuất trình CCCD số 001085012345 do Cục Cảnh sát QLHC về TTXH"
            " cấp ngày 12/05/2021 (bà ngoại)",
            {
                "id_doc_doc_type": "cccd",
                "id_doc_number": "001085012345",
                "id_doc_issuer": "Cục Cảnh sát QLHC về TTXH",
                "id_doc_issue_date": "2021-05-12",
                "relation": "Bà ngoại",
            },
        ),
        (
            "Người đi khai là mẹ đẻ, CMND số 012345678",
            {"relation": "Mẹ đẻ", "id_doc_doc_type": "cmnd", "id_doc_number": "012345678"},
        ),
    ],
)
def test_notes_are_read_into_parts(text: str, expected: dict[str, str]) -> None:
    assert parse_note(text).as_dict() == expected


def test_register_decides_whose_field() -> None:
    assert parse_note("Cải chính ngày sinh", "death").field == "deceased.date_of_birth"
    assert parse_note("Cải chính họ tên chồng", "marriage").field == "husband.full_name"
    assert parse_note("Cải chính họ tên", "marriage").field is None


def test_a_relation_word_inside_a_sentence_is_not_the_declarant() -> None:
    assert parse_note("Xác định lại dân tộc của cha từ Kinh thành Tày").relation is None


def test_cell_with_several_notes() -> None:
    notes = parse_notes(
        "Cấp 01 bản sao; Cải chính tên từ Nam thành Năm theo QĐ số 3/QĐ-UBND ngày 2/1/2017"
    )
    assert [n.kind for n in notes] == ["cap_ban_sao", "cai_chinh"]
    main = primary_note(notes)
    assert main is not None and main.decision_no == "3/QĐ-UBND"
    assert parse_notes("....") == [] and parse_notes(None) == []


@pytest.mark.parametrize("text", [*data.NOTES, *data.MARRIAGE_NOTES, *data.DEATH_NOTES])
def test_every_generated_note_is_read_without_error(text: str) -> None:
    n = parse_note(text)
    assert n.text == text and n.unreadable_dates == ()


def test_generated_notes_kinds() -> None:
    kinds = {t: parse_note(t).kind for t in (*data.NOTES, *data.DEATH_NOTES)}
    assert kinds["Bổ sung tên đệm theo yêu cầu"] == "bo_sung"
    assert kinds["Cấp 02 bản sao Giấy khai sinh"] == "cap_ban_sao"
    assert kinds["Đã cấp Trích lục khai tử bản chính"] == "cap_ban_chinh"
    assert kinds["Cấp 01 bản sao"] == "cap_ban_sao"


def _notes_field(value: str) -> dict[str, FieldValue]:
    return {
        "notes": FieldValue(key="notes", value=value, confidence=0.9),
        "registration_date": FieldValue(
            key="registration_date", value="2018-03-01", confidence=0.99
        ),
    }


def test_annotate_keeps_the_value_and_adds_the_reading() -> None:
    text = "Cải chính tên theo Quyết định số 12/QĐ-UBND ngày 05/6/2018"
    fields = _notes_field(text)
    annotate_notes(fields, "birth", date(2018, 3, 1))
    f = fields["notes"]
    assert f.value == text and f.reasons == []
    assert f.parsed is not None and f.parsed["decision_date"] == "2018-06-05"


def test_decision_before_registration_is_flagged() -> None:
    fields = _notes_field("Cải chính tên theo Quyết định số 12/QĐ-UBND ngày 05/6/2016")
    annotate_notes(fields, "birth", date(2018, 3, 1))
    assert fields["notes"].reasons == ["notes_decision_before_registration"]


def test_unreadable_date_in_a_note_is_flagged() -> None:
    fields = _notes_field("Cải chính tên theo Quyết định số 12/QĐ-UBND ngày 35/13/2018")
    annotate_notes(fields, "birth", None)
    assert "notes_date_unreadable" in fields["notes"].reasons


def test_check_record_reads_the_notes() -> None:
    fields = _notes_field("Bổ sung tên đệm theo yêu cầu")
    check_record(fields, "birth")
    assert fields["notes"].parsed == {
        "kind": "bo_sung",
        "field": "child.full_name",
        "field_part": "middle_name",
    }


def test_noisy_variants_of_a_correction() -> None:
    rng = random.Random(3)
    for _ in range(30):
        no = f"{rng.randint(1, 999)}/QĐ-UBND"
        d = date(rng.randint(2000, 2024), rng.randint(1, 12), rng.randint(1, 28))
        day = rng.choice((f"{d.day}/{d.month}/{d.year}", f"{d.day:02d}/{d.month:02d}/{d.year}",
                          f"{d.day} tháng {d.month} năm {d.year}"))  # fmt: skip
        kind, word = rng.choice((("cai_chinh", "Cải chính"), ("bo_sung", "bổ sung"),
                                 ("thay_doi", "THAY ĐỔI")))  # fmt: skip
        lead = rng.choice(("Quyết định số", "QĐ số", "theo Quyết định"))
        text = f"{word} nơi sinh, {lead} {no} ngày {day}"
        n = parse_note(text)
        assert (n.kind, n.decision_no, n.decision_date) == (kind, no, d.isoformat()), text
        assert n.field == "child.place_of_birth"
