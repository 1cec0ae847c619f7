"""The register forms (birth, marriage, death): canonical field keys, types and printed labels.

Source: ``shared/domain/fields.md`` and ``layouts.md``. Each register is one ``RegisterForm``
(``FORMS[register_type]``); the birth register's parts keep their module-level names
(``BIRTH_FIELDS``, ``LABEL_VARIANTS``, ``BIRTH_FORM_LINES``, …).

Keys are ``role.attribute``; the same printed label (``Dân tộc``, ``Năm sinh``, ``Nơi cư trú``)
means a different key depending on the section it is printed in, so labels are given per
*attribute* and sections are opened by the labels that name a person (``… tên người mẹ`` opens
the mother's section).

Label variants are what presses printed over the decades; matching is fuzzy on top of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property


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
    TIME = "time"  # hh:mm (the time of death)
    REF_NO = "ref_no"  # a document's reference number: 430/BV-GBT (a death notice's)


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


# --- every register ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RegisterForm:
    """Everything the generator and the extractor need to know about one register's form.

    Label ids are full keys (a label printed once) or ``@attribute`` (a label printed in each
    person's section, resolved by the section it stands in). ``id_doc_groups``: the keys one
    printed identity-paper value fills (``… số …, cấp ngày …, nơi cấp: …``), its label's key
    first. ``phrase_kinds``: keys whose value is snapped to a closed list of phrases
    (``extraction.phrases``). ``thresholds_file``: the calibrated acceptance thresholds.
    """

    register_type: str
    heading: str  # the book's printed title
    fields: tuple[FieldSpec, ...]
    label_variants: Mapping[str, tuple[str, ...]]
    section_openers: Mapping[str, str]
    first_section: str
    lines: tuple[tuple[str, ...], ...]
    registration_kinds: Mapping[str, tuple[str, ...]]
    id_doc_groups: tuple[tuple[str, ...], ...]
    entry_starters: tuple[str, ...]
    phrase_kinds: Mapping[str, str]
    thresholds_file: str

    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.fields)

    @cached_property
    def spec_by_key(self) -> dict[str, FieldSpec]:
        return {s.key: s for s in self.fields}

    @cached_property
    def order(self) -> tuple[str, ...]:
        """Label ids in printed order (the lines flattened)."""
        return tuple(lid for line in self.lines for lid in line)

    def label_id(self, line_item: str) -> str:
        """The ``label_variants`` key of a printed item (``mother.ethnicity`` → ``@ethnicity``)."""
        if line_item in self.label_variants:
            return line_item
        return "@" + line_item.split(".", 1)[1]

    def key_for(self, label_id: str, section: str) -> str | None:
        """The field key a label stands for in ``section`` (None: no such key on this form)."""
        key = f"{section}.{label_id[1:]}" if label_id.startswith("@") else label_id
        return key if key in self.spec_by_key or label_id in _NON_FIELD_LABELS else None


_NON_FIELD_LABELS = frozenset({"entry_no", "book_no"})

BIRTH_PHRASE_KINDS: dict[str, str] = {
    "declarant.relationship": "relationship",
    "signer.title": "title",
    "declarant.id_doc_issuer": "issuer",
}

BIRTH_FORM = RegisterForm(
    register_type="birth",
    heading="SỔ ĐĂNG KÝ KHAI SINH",
    fields=BIRTH_FIELDS,
    label_variants=LABEL_VARIANTS,
    section_openers=SECTION_OPENERS,
    first_section="child",
    lines=BIRTH_FORM_LINES,
    registration_kinds=REGISTRATION_KINDS,
    id_doc_groups=(
        (
            "declarant.id_doc_type",
            "declarant.id_doc_no",
            "declarant.id_doc_issue_date",
            "declarant.id_doc_issuer",
        ),
    ),
    entry_starters=("entry_no", "registration_date", "child.full_name"),
    phrase_kinds=BIRTH_PHRASE_KINDS,
    thresholds_file="thresholds.json",
)


# Labels every register prints alike.
_COMMON_LABELS: dict[str, tuple[str, ...]] = {
    "entry_no": LABEL_VARIANTS["entry_no"],
    "book_no": LABEL_VARIANTS["book_no"],
    "registration_date": LABEL_VARIANTS["registration_date"],
    "signer.title": LABEL_VARIANTS["signer.title"],
    "clerk.full_name": LABEL_VARIANTS["clerk.full_name"],
    "registration_kind": LABEL_VARIANTS["registration_kind"],
    "notes": LABEL_VARIANTS["notes"],
}
_ID_DOC_LABELS = LABEL_VARIANTS["declarant.id_doc_type"]
_DATE_OF_BIRTH_LABELS = LABEL_VARIANTS["child.date_of_birth"]


def _id_doc_keys(role: str, full: bool) -> tuple[str, ...]:
    parts = ("id_doc_type", "id_doc_no", "id_doc_issue_date", "id_doc_issuer")
    return tuple(f"{role}.{p}" for p in (parts if full else parts[:2]))


# --- marriage register (Sổ đăng ký kết hôn) ---------------------------------------------------


def _spouse_fields(role: str, word: str) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(f"{role}.full_name", FieldType.NAME, True, f"Họ, chữ đệm, tên {word}"),
        FieldSpec(f"{role}.date_of_birth", FieldType.DATE, True, "Ngày, tháng, năm sinh"),
        FieldSpec(f"{role}.ethnicity", FieldType.ETHNICITY, False, "Dân tộc"),
        FieldSpec(f"{role}.nationality", FieldType.NATIONALITY, True, "Quốc tịch"),
        FieldSpec(f"{role}.residence", FieldType.PLACE, True, "Nơi cư trú"),
        FieldSpec(f"{role}.id_doc_type", FieldType.CATEGORY, True, "Giấy tờ tùy thân"),
        FieldSpec(f"{role}.id_doc_no", FieldType.ID_DOC_NO, True, "số"),
        FieldSpec(f"{role}.id_doc_issue_date", FieldType.DATE, False, "cấp ngày"),
        FieldSpec(f"{role}.id_doc_issuer", FieldType.TEXT, False, "nơi cấp"),
    )


MARRIAGE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("registration_date", FieldType.DATE, True, "Ngày, tháng, năm đăng ký"),
    *_spouse_fields("wife", "vợ"),
    *_spouse_fields("husband", "chồng"),
    FieldSpec("marriage_recognised_date", FieldType.DATE, False, "Ngày xác lập quan hệ hôn nhân"),
    FieldSpec("signer.full_name", FieldType.NAME, True, "Họ tên người ký Giấy chứng nhận kết hôn"),
    FieldSpec("signer.title", FieldType.TEXT, True, "Chức vụ"),
    FieldSpec("clerk.full_name", FieldType.NAME, True, "Người thực hiện"),
    FieldSpec("registration_kind", FieldType.CATEGORY, True, "Loại việc đăng ký"),
    FieldSpec("notes", FieldType.TEXT, False, "Ghi chú"),
)

MARRIAGE_KINDS: dict[str, tuple[str, ...]] = {
    "lan_dau": ("Đăng ký lần đầu", "Kết hôn lần đầu"),
    "dang_ky_lai": ("Đăng ký lại", "Đăng ký lại kết hôn"),
    "ghi_chu_ket_hon": ("Ghi chú kết hôn", "Ghi vào sổ việc kết hôn ở nước ngoài"),
}

MARRIAGE_FORM = RegisterForm(
    register_type="marriage",
    heading="SỔ ĐĂNG KÝ KẾT HÔN",
    fields=MARRIAGE_FIELDS,
    label_variants={
        **_COMMON_LABELS,
        "wife.full_name": (
            "Họ, chữ đệm, tên vợ",
            "Họ và tên vợ",
            "Họ tên người vợ",
            "Họ, chữ đệm và tên vợ",
        ),
        "husband.full_name": (
            "Họ, chữ đệm, tên chồng",
            "Họ và tên chồng",
            "Họ tên người chồng",
            "Họ, chữ đệm và tên chồng",
        ),
        "marriage_recognised_date": (
            "Ngày xác lập quan hệ hôn nhân",
            "Quan hệ hôn nhân được công nhận từ ngày",
            "Công nhận quan hệ hôn nhân từ ngày",
        ),
        "signer.full_name": (
            "Họ tên người ký Giấy chứng nhận kết hôn",
            "Người ký Giấy chứng nhận kết hôn",
            "Họ, chữ đệm, tên người ký",
        ),
        "@date_of_birth": _DATE_OF_BIRTH_LABELS,
        "@ethnicity": LABEL_VARIANTS["@ethnicity"],
        "@nationality": LABEL_VARIANTS["@nationality"],
        "@residence": LABEL_VARIANTS["@residence"],
        "@id_doc_type": _ID_DOC_LABELS,
    },
    section_openers={"wife.full_name": "wife", "husband.full_name": "husband"},
    first_section="wife",
    lines=(
        ("entry_no", "registration_date"),
        ("wife.full_name",),
        ("wife.date_of_birth", "wife.ethnicity", "wife.nationality"),
        ("wife.residence",),
        ("wife.id_doc_type",),
        ("husband.full_name",),
        ("husband.date_of_birth", "husband.ethnicity", "husband.nationality"),
        ("husband.residence",),
        ("husband.id_doc_type",),
        ("marriage_recognised_date",),
        ("signer.full_name", "signer.title"),
        ("clerk.full_name",),
        ("registration_kind",),
        ("notes",),
    ),
    registration_kinds=MARRIAGE_KINDS,
    id_doc_groups=(_id_doc_keys("wife", True), _id_doc_keys("husband", True)),
    entry_starters=("entry_no", "registration_date", "wife.full_name"),
    phrase_kinds={
        "signer.title": "title",
        "wife.id_doc_issuer": "issuer",
        "husband.id_doc_issuer": "issuer",
    },
    thresholds_file="thresholds_marriage.json",
)


# --- death register (Sổ đăng ký khai tử) ------------------------------------------------------

DEATH_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("registration_date", FieldType.DATE, True, "Ngày, tháng, năm đăng ký"),
    FieldSpec("deceased.full_name", FieldType.NAME, True, "Họ, chữ đệm, tên người chết"),
    FieldSpec("deceased.date_of_birth", FieldType.DATE, True, "Ngày, tháng, năm sinh"),
    FieldSpec("deceased.sex", FieldType.SEX, True, "Giới tính"),
    FieldSpec("deceased.ethnicity", FieldType.ETHNICITY, True, "Dân tộc"),
    FieldSpec("deceased.nationality", FieldType.NATIONALITY, True, "Quốc tịch"),
    FieldSpec("deceased.personal_id", FieldType.PERSONAL_ID, False, "Số định danh cá nhân"),
    FieldSpec("deceased.id_doc_type", FieldType.CATEGORY, False, "Giấy tờ tùy thân"),
    FieldSpec("deceased.id_doc_no", FieldType.ID_DOC_NO, False, "số"),
    FieldSpec("deceased.residence", FieldType.PLACE, True, "Nơi cư trú cuối cùng"),
    FieldSpec("death.time", FieldType.TIME, False, "Giờ, phút chết"),
    FieldSpec("death.date", FieldType.DATE, True, "Ngày, tháng, năm chết"),
    FieldSpec("death.date_words", FieldType.DATE_WORDS, True, "Ghi bằng chữ"),
    FieldSpec("death.place", FieldType.PLACE, True, "Nơi chết"),
    FieldSpec("death.cause", FieldType.TEXT, True, "Nguyên nhân chết"),
    FieldSpec("death_notice.no", FieldType.REF_NO, True, "Số Giấy báo tử"),
    FieldSpec("death_notice.issuer", FieldType.TEXT, True, "Nơi cấp Giấy báo tử"),
    FieldSpec("death_notice.date", FieldType.DATE, True, "Ngày cấp Giấy báo tử"),
    FieldSpec("declarant.full_name", FieldType.NAME, True, "Họ, chữ đệm, tên người đi khai tử"),
    FieldSpec("declarant.relationship", FieldType.TEXT, True, "Quan hệ với người chết"),
    FieldSpec("declarant.id_doc_type", FieldType.CATEGORY, True, "Giấy tờ tùy thân"),
    FieldSpec("declarant.id_doc_no", FieldType.ID_DOC_NO, True, "số"),
    FieldSpec("signer.full_name", FieldType.NAME, True, "Họ tên người ký Trích lục khai tử"),
    FieldSpec("signer.title", FieldType.TEXT, True, "Chức vụ"),
    FieldSpec("clerk.full_name", FieldType.NAME, True, "Người thực hiện"),
    FieldSpec("registration_kind", FieldType.CATEGORY, True, "Loại việc đăng ký"),
    FieldSpec("notes", FieldType.TEXT, False, "Ghi chú"),
)

DEATH_KINDS: dict[str, tuple[str, ...]] = {
    "dung_han": ("Đúng hạn", "Khai tử đúng hạn"),
    "qua_han": ("Quá hạn", "Khai tử quá hạn"),
    "dang_ky_lai": ("Đăng ký lại", "Đăng ký lại khai tử"),
    "duoi_1_tuoi": ("Trẻ em chết dưới 1 tuổi", "Trẻ chết dưới một tuổi"),
    "duoi_5_tuoi": ("Trẻ em chết từ 1 đến dưới 5 tuổi", "Trẻ chết từ một đến dưới năm tuổi"),
}

DEATH_FORM = RegisterForm(
    register_type="death",
    heading="SỔ ĐĂNG KÝ KHAI TỬ",
    fields=DEATH_FIELDS,
    label_variants={
        **_COMMON_LABELS,
        "deceased.full_name": (
            "Họ, chữ đệm, tên người chết",
            "Họ và tên người chết",
            "Họ tên người đã chết",
            "Họ, chữ đệm, tên người mất",
        ),
        "deceased.date_of_birth": _DATE_OF_BIRTH_LABELS,
        "deceased.sex": LABEL_VARIANTS["child.sex"],
        "deceased.ethnicity": LABEL_VARIANTS["@ethnicity"],
        "deceased.nationality": LABEL_VARIANTS["@nationality"],
        "deceased.personal_id": LABEL_VARIANTS["child.personal_id"],
        "deceased.residence": (
            "Nơi cư trú cuối cùng",
            "Nơi cư trú trước khi chết",
            "Nơi thường trú cuối cùng",
        ),
        "death.time": ("Giờ, phút chết", "Giờ phút chết", "Thời gian chết"),
        "death.date": ("Ngày, tháng, năm chết", "Ngày tháng năm chết", "Chết ngày"),
        "death.date_words": LABEL_VARIANTS["child.date_of_birth_words"],
        "death.place": ("Nơi chết",),
        "death.cause": ("Nguyên nhân chết", "Nguyên nhân"),
        "death_notice.no": ("Số Giấy báo tử", "Giấy báo tử số", "Số GBT"),
        "death_notice.date": ("Ngày cấp Giấy báo tử", "Ngày cấp GBT"),
        # not "Cơ quan cấp Giấy báo tử": the notice number's last word and "Ngày cấp Giấy báo
        # tử" (printed before it on the same line) would match it as well as their own label
        "death_notice.issuer": ("Nơi cấp Giấy báo tử", "Nơi cấp GBT", "Cơ quan cấp GBT"),
        "declarant.full_name": (
            "Họ, chữ đệm, tên người đi khai tử",
            "Họ tên người đi khai tử",
            "Người đi khai tử",
            "Họ và tên người đi khai",
        ),
        # no variant one word longer than another: "HÙNG Quan hệ với người chết" (a value's
        # last word and the label) would match it as well as the label alone
        "declarant.relationship": ("Quan hệ với người chết", "Quan hệ"),
        "signer.full_name": (
            "Họ tên người ký Trích lục khai tử",
            "Người ký Giấy chứng tử",
            "Họ, chữ đệm, tên người ký",
        ),
        "@id_doc_type": _ID_DOC_LABELS,
    },
    section_openers={"deceased.full_name": "deceased", "declarant.full_name": "declarant"},
    first_section="deceased",
    lines=(
        ("entry_no", "registration_date"),
        ("deceased.full_name",),
        ("deceased.date_of_birth", "deceased.sex"),
        ("deceased.ethnicity", "deceased.nationality"),
        ("deceased.personal_id",),
        ("deceased.id_doc_type",),
        ("deceased.residence",),
        ("death.time", "death.date"),
        ("death.date_words",),
        ("death.place",),
        ("death.cause",),
        ("death_notice.no", "death_notice.date"),
        ("death_notice.issuer",),
        ("declarant.full_name",),
        ("declarant.relationship",),
        ("declarant.id_doc_type",),
        ("signer.full_name", "signer.title"),
        ("clerk.full_name",),
        ("registration_kind",),
        ("notes",),
    ),
    registration_kinds=DEATH_KINDS,
    id_doc_groups=(_id_doc_keys("deceased", False), _id_doc_keys("declarant", False)),
    entry_starters=("entry_no", "registration_date", "deceased.full_name"),
    phrase_kinds={
        "declarant.relationship": "death_relationship",
        "signer.title": "title",
        "death.cause": "death_cause",
    },
    thresholds_file="thresholds_death.json",
)

FORMS: dict[str, RegisterForm] = {
    f.register_type: f for f in (BIRTH_FORM, MARRIAGE_FORM, DEATH_FORM)
}


def form_for(register_type: str) -> RegisterForm:
    """The form of a register type (``birth`` | ``marriage`` | ``death``)."""
    try:
        return FORMS[str(register_type)]
    except KeyError:
        raise ValueError(f"unknown register type {register_type!r}") from None
