"""What an extract says: its heading, number, every field of the extract in the printed order
(dates in digits and the date of birth or death in words), where and when the event was
registered, notes and later corrections, place and date of issue, signer. Pure: the record's
values in, an :class:`ExtractContent` out (``render`` draws it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from extraction.dates import render_date_words
from extraction.types import RegisterType

NATIONAL_HEADING = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

TITLES: dict[RegisterType, str] = {
    RegisterType.BIRTH: "TRÍCH LỤC KHAI SINH",
    RegisterType.DEATH: "TRÍCH LỤC KHAI TỬ",
    RegisterType.MARRIAGE: "TRÍCH LỤC KẾT HÔN",
}
EVENT_WORDS: dict[RegisterType, str] = {
    RegisterType.BIRTH: "khai sinh",
    RegisterType.DEATH: "khai tử",
    RegisterType.MARRIAGE: "kết hôn",
}

# (label, key, kind of value): "date" is shown dd/mm/yyyy, "words" the twin date in words.
Line = tuple[str, str, str]

_BIRTH: tuple[Line, ...] = (
    ("Họ, chữ đệm, tên", "child.full_name", "text"),
    ("Ngày, tháng, năm sinh", "child.date_of_birth", "date"),
    ("Ghi bằng chữ", "child.date_of_birth", "words"),
    ("Giới tính", "child.sex", "text"),
    ("Dân tộc", "child.ethnicity", "text"),
    ("Quốc tịch", "child.nationality", "text"),
    ("Nơi sinh", "child.place_of_birth", "text"),
    ("Quê quán", "child.home_town", "text"),
    ("Số định danh cá nhân", "child.personal_id", "text"),
    ("Họ, chữ đệm, tên người mẹ", "mother.full_name", "text"),
    ("Năm sinh", "mother.birth_year", "text"),
    ("Dân tộc", "mother.ethnicity", "text"),
    ("Quốc tịch", "mother.nationality", "text"),
    ("Nơi cư trú", "mother.residence", "text"),
    ("Họ, chữ đệm, tên người cha", "father.full_name", "text"),
    ("Năm sinh", "father.birth_year", "text"),
    ("Dân tộc", "father.ethnicity", "text"),
    ("Quốc tịch", "father.nationality", "text"),
    ("Nơi cư trú", "father.residence", "text"),
)
_DEATH: tuple[Line, ...] = (
    ("Họ, chữ đệm, tên", "deceased.full_name", "text"),
    ("Ngày, tháng, năm sinh", "deceased.date_of_birth", "date"),
    ("Giới tính", "deceased.sex", "text"),
    ("Dân tộc", "deceased.ethnicity", "text"),
    ("Quốc tịch", "deceased.nationality", "text"),
    ("Số định danh cá nhân", "deceased.personal_id", "text"),
    ("Giấy tờ tùy thân", "deceased.id_doc_type", "text"),
    ("Số giấy tờ tùy thân", "deceased.id_doc_no", "text"),
    ("Nơi cư trú cuối cùng", "deceased.residence", "text"),
    ("Đã chết vào lúc", "death.time", "text"),
    ("Ngày, tháng, năm chết", "death.date", "date"),
    ("Ghi bằng chữ", "death.date", "words"),
    ("Nơi chết", "death.place", "text"),
    ("Nguyên nhân chết", "death.cause", "text"),
    ("Giấy báo tử số", "death_notice.no", "text"),
    ("Nơi cấp Giấy báo tử", "death_notice.issuer", "text"),
    ("Ngày cấp Giấy báo tử", "death_notice.date", "date"),
)
_SPOUSE: tuple[Line, ...] = (
    ("Họ, chữ đệm, tên", "full_name", "text"),
    ("Ngày, tháng, năm sinh", "date_of_birth", "date"),
    ("Dân tộc", "ethnicity", "text"),
    ("Quốc tịch", "nationality", "text"),
    ("Nơi cư trú", "residence", "text"),
    ("Giấy tờ tùy thân", "id_doc_type", "text"),
    ("Số giấy tờ tùy thân", "id_doc_no", "text"),
)
_MARRIAGE: tuple[Line, ...] = (
    *((f"{label} (vợ)", f"wife.{key}", how) for label, key, how in _SPOUSE),
    *((f"{label} (chồng)", f"husband.{key}", how) for label, key, how in _SPOUSE),
    ("Ngày công nhận quan hệ hôn nhân", "marriage_recognised_date", "date"),
)
LINES: dict[RegisterType, tuple[Line, ...]] = {
    RegisterType.BIRTH: _BIRTH,
    RegisterType.DEATH: _DEATH,
    RegisterType.MARRIAGE: _MARRIAGE,
}
# The person an extract is about (public verification shows this name) and the event's date.
SUBJECT: dict[RegisterType, tuple[str, str]] = {
    RegisterType.BIRTH: ("child.full_name", "child.date_of_birth"),
    RegisterType.DEATH: ("deceased.full_name", "death.date"),
    RegisterType.MARRIAGE: ("wife.full_name", "registration_date"),
}


def parse_iso(value: str | None) -> date | None:
    """A stored ``yyyy-mm-dd`` value as a date (None when absent or not a date)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def show_date(value: str | None) -> str:
    """``dd/mm/yyyy`` for a stored ISO date; anything else as it is."""
    day = parse_iso(value)
    return day.strftime("%d/%m/%Y") if day else (value or "")


def issue_date_words(day: date) -> str:
    """The issue line's date: ``ngày 05 tháng 03 năm 2026``."""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


@dataclass(frozen=True)
class Correction:
    """A change to the record made after it was first approved (a later correction)."""

    label: str
    old: str | None
    new: str | None
    reason: str | None
    at: datetime


@dataclass(frozen=True)
class Registration:
    office: str
    book_no: str
    entry_no: str | None
    date: str | None  # ISO


@dataclass(frozen=True)
class ExtractContent:
    kind: RegisterType
    office: str  # the issuing office
    number_text: str
    title: str
    lines: list[tuple[str, str]]  # (label, value), in printed order
    registration: Registration
    notes: list[str]
    place: str
    issued_on: date
    signer_title: str
    signer_name: str
    verify_url: str
    code: str
    subject_name: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def registration_lines(self) -> list[tuple[str, str]]:
        reg = self.registration
        return [
            (f"Nơi đăng ký {EVENT_WORDS[self.kind]}", reg.office),
            ("Số", reg.entry_no or ""),
            ("Quyển số", reg.book_no),
            ("Ngày, tháng, năm đăng ký", show_date(reg.date)),
        ]


def field_label(kind: RegisterType, key: str) -> str:
    for label, line_key, _how in LINES[kind]:
        if line_key == key:
            return label
    return {"registration_date": "Ngày đăng ký", "notes": "Ghi chú"}.get(key, key)


def extract_lines(kind: RegisterType, values: dict[str, str | None]) -> list[tuple[str, str]]:
    """Every field of the extract, in printed order (an absent value prints as empty)."""
    out: list[tuple[str, str]] = []
    for label, key, how in LINES[kind]:
        value = values.get(key)
        if how == "date":
            shown = show_date(value)
        elif how == "words":
            day = parse_iso(value)
            shown = render_date_words(day) if day else ""
        else:
            shown = value or ""
        out.append((label, shown))
    return out


def correction_notes(kind: RegisterType, corrections: list[Correction]) -> list[str]:
    notes = []
    for c in corrections:
        reason = f"; lý do: {c.reason}" if c.reason else ""
        notes.append(
            f"Ngày {c.at.strftime('%d/%m/%Y')} cải chính {c.label}: "
            f"“{c.old or ''}” thành “{c.new or ''}”{reason}"
        )
    return notes


def build_content(
    *,
    kind: RegisterType,
    values: dict[str, str | None],
    registration: Registration,
    corrections: list[Correction],
    office: str,
    number_text: str,
    place: str,
    issued_on: date,
    signer_title: str,
    signer_name: str,
    verify_url: str,
    code: str,
) -> ExtractContent:
    notes = [n for n in [values.get("notes")] if n]
    notes += correction_notes(kind, corrections)
    name_key, _ = SUBJECT[kind]
    return ExtractContent(
        kind=kind,
        office=office,
        number_text=number_text,
        title=TITLES[kind],
        lines=extract_lines(kind, values),
        registration=registration,
        notes=notes,
        place=place,
        issued_on=issued_on,
        signer_title=signer_title,
        signer_name=signer_name,
        verify_url=verify_url,
        code=code,
        subject_name=values.get(name_key) or "",
    )
