"""The birth register form: canonical field keys, their types and their printed labels.

Source: ``shared/domain/fields.md`` and ``layouts.md``. Keys are ``role.attribute``; the same
printed label (``Dân tộc``, ``Năm sinh``, ``Nơi cư trú``) means a different key depending on the
section it is printed in, so labels are given per *attribute* and sections are opened by the
labels that name a person (``… tên người mẹ`` opens the mother's section).

Label variants are what presses printed over the decades; matching is fuzzy on top of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FieldType(StrEnum):
    NAME = "name"
    DATE = "date"
    DATE_WORDS = "date_words"
    YEAR = "year"
    SEX = "sex"
    ETHNICITY = "ethnicity"
    NATIONALITY = "nationality"
    PLACE = "place"
    PERSONAL_ID = "personal_id"
    ID_DOC_NO = "id_doc_no"
    CATEGORY = "category"
    TEXT = "text"
    ENTRY_NO = "entry_no"


@dataclass(frozen=True)
class FieldSpec:
    key: str
    type: FieldType
    required: bool
    label: str  # the canonical printed label (for exports and the review screen)


BOOK_KEYS = ("register_type", "book_no", "entry_no", "registration_authority")

# Birth register: every key of fields.md, in printed order.
BIRTH_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("registration_date", FieldType.DATE, True, "Ngày, tháng, năm đăng ký"),
    FieldSpec("child.full_name", FieldType.NAME, True, "Họ, chữ đệm, tên"),
    FieldSpec("child.date_of_birth", FieldType.DATE, True, "Ngày, tháng, năm sinh"),
    FieldSpec("child.date_of_birth_words", FieldType.DATE_WORDS, True, "Ghi bằng chữ"),
    FieldSpec("child.sex", FieldType.SEX, True, "Giới tính"),
    FieldSpec("child.ethnicity", FieldType.ETHNICITY, True, "Dân tộc"),
    FieldSpec("child.nationality", FieldType.NATIONALITY, True, "Quốc tịch"),
    FieldSpec("child.place_of_birth", FieldType.PLACE, True, "Nơi sinh"),
    FieldSpec("child.home_town", FieldType.PLACE, True, "Quê quán"),
    FieldSpec("child.personal_id", FieldType.PERSONAL_ID, False, "Số định danh cá nhân"),
    FieldSpec("mother.full_name", FieldType.NAME, False, "Họ, chữ đệm, tên người mẹ"),
    FieldSpec("mother.birth_year", FieldType.YEAR, False, "Năm sinh"),
    FieldSpec("mother.ethnicity", FieldType.ETHNICITY, False, "Dân tộc"),
    FieldSpec("mother.nationality", FieldType.NATIONALITY, False, "Quốc tịch"),
    FieldSpec("mother.residence", FieldType.PLACE, False, "Nơi cư trú"),
    FieldSpec("father.full_name", FieldType.NAME, False, "Họ, chữ đệm, tên người cha"),
    FieldSpec("father.birth_year", FieldType.YEAR, False, "Năm sinh"),
    FieldSpec("father.ethnicity", FieldType.ETHNICITY, False, "Dân tộc"),
    FieldSpec("father.nationality", FieldType.NATIONALITY, False, "Quốc tịch"),
    FieldSpec("father.residence", FieldType.PLACE, False, "Nơi cư trú"),
    FieldSpec("declarant.full_name", FieldType.NAME, True, "Họ, chữ đệm, tên người đi khai sinh"),
    FieldSpec("declarant.relationship", FieldType.TEXT, True, "Quan hệ với người được khai sinh"),
    FieldSpec("declarant.id_doc_type", FieldType.CATEGORY, True, "Giấy tờ tùy thân"),
    FieldSpec("declarant.id_doc_no", FieldType.ID_DOC_NO, True, "số"),
    FieldSpec("declarant.id_doc_issue_date", FieldType.DATE, False, "cấp ngày"),
    FieldSpec("declarant.id_doc_issuer", FieldType.TEXT, False, "nơi cấp"),
    FieldSpec("signer.full_name", FieldType.NAME, True, "Họ tên người ký Giấy khai sinh"),
    FieldSpec("signer.title", FieldType.TEXT, True, "Chức vụ"),
    FieldSpec("clerk.full_name", FieldType.NAME, True, "Người thực hiện"),
    FieldSpec("registration_kind", FieldType.CATEGORY, True, "Loại việc đăng ký"),
    FieldSpec("notes", FieldType.TEXT, False, "Ghi chú"),
)

BIRTH_KEYS: tuple[str, ...] = tuple(s.key for s in BIRTH_FIELDS)
SPEC_BY_KEY: dict[str, FieldSpec] = {s.key: s for s in BIRTH_FIELDS}

# Printed label variants per *label id*. A label id is either a full key (its label is unique on
# the form) or ``@attribute`` (a label repeated in each person's section). The first variant is
# the canonical one. Presses abbreviate, drop commas, add "và", or print "Họ và tên".
LABEL_VARIANTS: dict[str, tuple[str, ...]] = {
    "entry_no": ("Số", "Số thứ tự", "Số đăng ký"),
    "book_no": ("Quyển số",),
    "registration_date": (
        "Ngày, tháng, năm đăng ký",
        "Ngày tháng năm đăng ký",
        "Ngày đăng ký",
    ),
    "child.full_name": (
        "Họ, chữ đệm, tên",
        "Họ, chữ đệm và tên",
        "Họ và tên",
        "Họ tên người được khai sinh",
    ),
    "child.date_of_birth": ("Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Sinh ngày"),
    "child.date_of_birth_words": ("Ghi bằng chữ", "Bằng chữ"),
    "child.sex": ("Giới tính",),
    "child.place_of_birth": ("Nơi sinh",),
    "child.home_town": ("Quê quán",),
    "child.personal_id": ("Số định danh cá nhân", "Số ĐDCN", "Mã định danh"),
    "mother.full_name": (
        "Họ, chữ đệm, tên người mẹ",
        "Họ và tên mẹ",
        "Họ tên người mẹ",
        "Họ, chữ đệm và tên người mẹ",
    ),
    "father.full_name": (
        "Họ, chữ đệm, tên người cha",
        "Họ và tên cha",
        "Họ tên người cha",
        "Họ, chữ đệm và tên người cha",
    ),
    "declarant.full_name": (
        "Họ, chữ đệm, tên người đi khai sinh",
        "Họ tên người đi khai sinh",
        "Người đi khai sinh",
        "Họ và tên người đi khai",
    ),
    "declarant.relationship": (
        "Quan hệ với người được khai sinh",
        "Quan hệ với người được KS",
        "Quan hệ",
    ),
    "declarant.id_doc_type": (
        "Giấy tờ tùy thân",
        "Giấy tờ tuỳ thân",
        "Giấy tờ chứng minh nhân thân",
    ),
    "signer.full_name": (
        "Họ tên người ký Giấy khai sinh",
        "Người ký Giấy khai sinh",
        "Họ, chữ đệm, tên người ký",
    ),
    "signer.title": ("Chức vụ",),
    "clerk.full_name": ("Người thực hiện", "Công chức tư pháp - hộ tịch", "Cán bộ hộ tịch"),
    "registration_kind": ("Loại việc đăng ký", "Loại đăng ký", "Hình thức đăng ký"),
    "notes": ("Ghi chú",),
    # Labels repeated in each person's section (child, mother, father):
    "@ethnicity": ("Dân tộc",),
    "@nationality": ("Quốc tịch",),
    "@birth_year": ("Năm sinh",),
    "@residence": ("Nơi cư trú", "Nơi thường trú", "Nơi ở"),
}

# Labels that open a person's section: attributes printed after them belong to that person.
SECTION_OPENERS: dict[str, str] = {
    "child.full_name": "child",
    "mother.full_name": "mother",
    "father.full_name": "father",
    "declarant.full_name": "declarant",
}

# Printed lines of one entry, in order: each inner tuple is one printed line holding these label
# ids. A press may split a long line in two or join short ones; the extractor never relies on it.
BIRTH_FORM_LINES: tuple[tuple[str, ...], ...] = (
    ("entry_no", "registration_date"),
    ("child.full_name",),
    ("child.date_of_birth", "child.date_of_birth_words"),
    ("child.sex", "child.ethnicity", "child.nationality"),
    ("child.place_of_birth",),
    ("child.home_town",),
    ("child.personal_id",),
    ("mother.full_name",),
    ("mother.birth_year", "mother.ethnicity", "mother.nationality"),
    ("mother.residence",),
    ("father.full_name",),
    ("father.birth_year", "father.ethnicity", "father.nationality"),
    ("father.residence",),
    ("declarant.full_name",),
    ("declarant.relationship",),
    # "Giấy tờ tùy thân: <type> số <no>[, cấp ngày dd/mm/yyyy][, nơi cấp: <issuer>]" — one label,
    # four keys, parsed from the value (see extraction.values.parse_id_doc).
    ("declarant.id_doc_type",),
    ("signer.full_name", "signer.title"),
    ("clerk.full_name",),
    ("registration_kind",),
    ("notes",),
)

# id_doc_type codes and their printed wording (first is canonical).
ID_DOC_TYPES: dict[str, tuple[str, ...]] = {
    "cccd": ("Căn cước công dân", "CCCD", "Thẻ căn cước công dân"),
    "cmnd": ("Chứng minh nhân dân", "CMND", "CMTND"),
    "the_can_cuoc": ("Thẻ căn cước", "Căn cước"),
    "ho_chieu": ("Hộ chiếu",),
}

# registration_kind codes (fields.md) and their printed wording (first is canonical).
REGISTRATION_KINDS: dict[str, tuple[str, ...]] = {
    "dung_han": ("Đúng hạn", "Khai sinh đúng hạn"),
    "qua_han": ("Quá hạn", "Khai sinh quá hạn"),
    "dang_ky_lai": ("Đăng ký lại", "Đăng ký lại khai sinh"),
    "chua_xac_dinh_cha_me": ("Chưa xác định được cha, mẹ", "Chưa xác định cha mẹ"),
    "bi_bo_roi": ("Trẻ bị bỏ rơi", "Bị bỏ rơi"),
    "ghi_vao_so": ("Ghi vào sổ", "Ghi vào sổ việc khai sinh ở nước ngoài"),
}

SEX_VALUES: dict[str, tuple[str, ...]] = {"Nam": ("Nam",), "Nữ": ("Nữ",)}
