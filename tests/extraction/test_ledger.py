"""Ledger extraction on hand-made table readings: header cells to keys, stacked cells to
fields, the number column, flags, and the whole-page fallback (no OCR here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extraction import ledger
from extraction.calibration import Thresholds
from extraction.extract import BookContext, form_thresholds
from extraction.forms import BIRTH_FORM, FORMS
from extraction.ledger import (
    CellMetrics,
    assign_stack,
    columns_of,
    extract_table_page,
    extract_untabled_page,
    header_text,
    label_ids,
    looks_like_ledger,
    match_headers,
    stack_groups,
)
from extraction.types import FieldStatus, RegisterType
from ocr.table import Cell, CellLine, TableReading
from ocr.types import Line, PageText, Word

CTX = BookContext(RegisterType.BIRTH, "01/2019", "UBND phường Chương Dương", 2019)
PITCH, TOP, INDENT = 44, 20, 70


def _words(text: str, x: int, y: int) -> list[Word]:
    out, cx = [], x
    for t in text.split():
        out.append(Word(t, (cx, y, cx + 18 * len(t), y + 30), 0.99))
        cx += 18 * len(t) + 12
    return out


def _cell(row: int, col: int, lines: list[tuple[str, bool]], x0: int = 0) -> Cell:
    """A cell whose printed lines are (text, wrapped) from the top, one pitch apart."""
    y0 = 200 + row * 600
    cell = Cell(row, col, (x0, y0, x0 + 500, y0 + 580))
    for k, (text, wrapped) in enumerate(lines):
        dx, dy = 15 + (INDENT if wrapped else 0), TOP + k * PITCH
        if text:
            cell.lines.append(CellLine(_words(text, x0 + dx, y0 + dy), dx, dy))
    return cell


HEADERS = [
    "Số",
    "Ngày, tháng, năm đăng ký",
    "Họ, chữ đệm, tên; ngày, tháng, năm sinh; ghi bằng chữ; giới tính",
    "Dân tộc; quốc tịch; nơi sinh; quê quán; số định danh cá nhân",
    "Họ và tên mẹ; năm sinh",
    "Dân tộc; quốc tịch; nơi cư trú",
]


def test_every_column_shape_of_every_register_is_matched_from_its_own_header() -> None:
    for rtype, form in FORMS.items():
        for col in columns_of(rtype):
            labels = [form.label_variants[lid][-1] for lid in label_ids(form, col)]
            got = match_headers([header_text(labels)], form)
            assert len(got) == 1 and got[0].score >= 90, (rtype, col)
            assert [form.label_id(k) for k in got[0].items] == list(label_ids(form, col))


def test_repeated_labels_take_the_section_of_the_person_column_to_their_left() -> None:
    damaged = [*HEADERS[:5], "Dàn tộc; quốc tich; nơi cư trù"]  # OCR damage in the last one
    cols = {m.col: m.items for m in match_headers(damaged, BIRTH_FORM)}
    assert cols[0] == ("entry_no",)
    assert cols[4] == ("mother.full_name", "mother.birth_year")
    assert cols[5] == ("mother.ethnicity", "mother.nationality", "mother.residence")
    assert cols[3][:2] == ("child.ethnicity", "child.nationality")


def test_a_header_of_nothing_known_is_left_out() -> None:
    assert match_headers(["Chữ ký của người đi khai", ""], BIRTH_FORM) == []


def test_wrapped_lines_join_their_value_and_a_lost_blank_mark_keeps_the_others_in_place() -> None:
    m = CellMetrics(indent=30, pitch=PITCH, top=TOP)
    cell = _cell(1, 0, [("HÀ MỸ ANH", False), ("", False), ("Kinh", False), ("Số 12, phố", False)])
    cell.lines.append(CellLine(_words("Hàng Bông", 85, 0), 85, TOP + 4 * PITCH))
    groups = stack_groups(cell.lines, m.indent)
    assert [len(g) for g in groups] == [1, 1, 2]
    slots, blanks, mismatch = assign_stack(groups, 4, m)
    assert blanks == [1] and not mismatch
    assert [" ".join(ln.text for ln in s) if s else None for s in slots] == [
        "HÀ MỸ ANH",
        None,
        "Kinh",
        "Số 12, phố Hàng Bông",
    ]


def _table(rows: list[list[Cell]], headers: list[str]) -> TableReading:
    head = [_cell(0, c, [(h, False)], x0=c * 520) for c, h in enumerate(headers)]
    cells = head + [c for row in rows for c in row]
    return TableReading(
        width=4960, height=3508, n_rows=1 + len(rows), n_cols=len(headers), cells=cells
    )


def _row(r: int, no: str) -> list[Cell]:
    return [
        _cell(r, 0, [(no, False)], 0),
        _cell(r, 1, [("05/01/2019", False)], 520),
        _cell(
            r,
            2,
            [
                ("TRẦN KHÁNH THỦY", False),
                ("12/12/2018", False),
                ("Ngày mười hai tháng mười hai năm", False),
                ("hai nghìn không trăm mười tám", True),
                ("Nữ", False),
            ],
            1040,
        ),
        _cell(
            r,
            3,
            [
                ("Kinh", False),
                ("Việt Nam", False),
                ("Bệnh viện Bạch Mai", False),
                ("Hà Nội", False),
                ("001318653776", False),
            ],
            1560,
        ),
        _cell(r, 4, [("HÀ MỸ ANH", False), ("1985", False)], 2080),
        _cell(r, 5, [("Tày", False), ("Việt Nam", False), ("-", False)], 2600),
    ]


def test_a_table_gives_one_record_per_row_with_values_and_provenance() -> None:
    table = _table([_row(1, "7"), _row(2, "8")], HEADERS)
    records = extract_table_page(table, 3, CTX)
    assert [r.entry_no for r in records] == ["7", "8"]
    f = records[0].fields
    assert f["child.full_name"].value == "TRẦN KHÁNH THỦY"
    assert f["child.date_of_birth"].value == "2018-12-12"
    assert f["child.date_of_birth_words"].value == "2018-12-12"
    assert f["child.sex"].value == "Nữ"
    assert f["registration_date"].value == "2019-01-05"
    assert f["mother.birth_year"].value == "1985"
    assert f["mother.ethnicity"].value == "Tày" and f["mother.residence"].value is None
    name = f["child.full_name"]
    assert name.page == 3 and name.raw == "TRẦN KHÁNH THỦY" and name.confidence > 0.5
    assert name.bbox is not None and 1040 <= name.bbox[0] < 1560  # inside its own cell
    # columns this page does not print are flagged, never guessed
    assert "ledger_column_not_found" in f["father.full_name"].reasons
    assert f["father.full_name"].status == FieldStatus.NEEDS_REVIEW
    assert "ledger_column_not_found" not in name.reasons


def test_a_misread_number_header_still_finds_the_entry_numbers() -> None:
    table = _table([_row(1, "470"), _row(2, "471")], ["Nó", *HEADERS[1:]])
    assert [r.entry_no for r in extract_table_page(table, 1, CTX)] == ["470", "471"]


def test_a_page_read_whole_keeps_every_entry_and_accepts_nothing() -> None:
    lines = [Line(_words(h, 100 + 520 * i, 300)) for i, h in enumerate(HEADERS)]
    for k, no in enumerate(("12", "13", "14")):
        y = 600 + 400 * k
        lines.append(Line([*_words(no, 100, y), *_words("TRẦN KHÁNH THỦY 12/12/2018", 1140, y)]))
    page = PageText(width=4960, height=3508, lines=lines)
    assert looks_like_ledger(page, "birth")
    records = extract_untabled_page(page, 5, CTX)
    assert [r.entry_no for r in records] == ["12", "13", "14"]
    for r in records:
        assert all(f.status == FieldStatus.NEEDS_REVIEW for f in r.fields.values())
        assert all("table_not_found" in f.reasons for f in r.fields.values())
        assert "TRẦN KHÁNH THỦY" in (r.fields["notes"].raw or "")


def test_a_garbled_header_over_a_column_of_dates_is_the_registration_date() -> None:
    garbled = [HEADERS[0], "à đăng k tý Ng ý", *HEADERS[2:]]
    records = extract_table_page(_table([_row(1, "7"), _row(2, "8")], garbled), 1, CTX)
    assert records[0].fields["registration_date"].value == "2019-01-05"


def test_a_misread_entry_number_between_consecutive_ones_is_mended() -> None:
    rows = [_row(1, "122"), _row(2, "128"), _row(3, "124"), _row(4, "125")]
    records = extract_table_page(_table(rows, HEADERS), 1, CTX)
    assert [r.entry_no for r in records] == ["122", "123", "124", "125"]
    skip = [_row(1, "5"), _row(2, "6"), _row(3, "8"), _row(4, "9")]  # a real skip stays
    assert [r.entry_no for r in extract_table_page(_table(skip, HEADERS), 1, CTX)] == [
        "5",
        "6",
        "8",
        "9",
    ]


def test_ledger_pages_take_the_ledger_calibration_else_the_form_thresholds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    form = FORMS["marriage"]
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setattr(ledger, "THRESHOLDS_FILE", data / "thresholds.json")
    # no ledger calibration for the register: the form's thresholds
    assert ledger.ledger_thresholds(form) == form_thresholds(form)
    (data / ledger.ledger_thresholds_file("marriage")).write_text(
        json.dumps({"by_type": {"place": 0.97}, "by_key_condition": {"degraded": {"notes": 1.01}}}),
        encoding="utf-8",
    )
    th = ledger.ledger_thresholds(form)
    assert th.for_key("wife.residence", "place", "good") == 0.97
    assert th.for_key("notes", "text", "degraded") == 1.01
    given = Thresholds(default=0.5)
    assert ledger.ledger_thresholds(form, given) is given
