"""Plain words for the review screen: what each reason code means and what each field is,
in Vietnamese and English. A code with no entry here is shown as it is."""

from __future__ import annotations

from extraction.forms import SPEC_BY_KEY

# code: (Vietnamese, English)
REASONS: dict[str, tuple[str, str]] = {
    "low_confidence": ("chữ đọc chưa chắc chắn", "the text was read with low confidence"),
    "label_not_found": ("không tìm thấy nhãn của mục này", "the field's label was not found"),
    "label_inferred": ("nhãn được đoán theo vị trí", "the label was guessed from its position"),
    "required_missing": ("mục bắt buộc bị trống", "a required field is empty"),
    "not_extracted": ("lần đọc mới không còn thấy mục này", "a newer reading no longer found it"),
    "date_unparseable": ("không đọc được ngày", "the date could not be read"),
    "date_words_unparseable": (
        "không đọc được ngày ghi bằng chữ",
        "the date in words could not be read",
    ),
    "date_words_mismatch": (
        "ngày ghi bằng chữ không khớp ngày ghi bằng số",
        "date in words disagrees with digits",
    ),
    "date_from_words": ("ngày bằng số lấy từ ngày ghi bằng chữ", "date taken from the words"),
    "date_from_digits": ("ngày bằng chữ lấy từ ngày bằng số", "date taken from the digits"),
    "born_after_registration": ("ngày sinh sau ngày đăng ký", "born after the registration date"),
    "parent_age_implausible": (
        "tuổi cha/mẹ khi sinh con không hợp lý",
        "parent's age at the birth is implausible",
    ),
    "registration_kind_inconsistent": (
        "loại đăng ký không khớp thời hạn 60 ngày",
        "registration kind does not fit the 60-day rule",
    ),
    "registration_kind_unknown": ("loại đăng ký không rõ", "unknown registration kind"),
    "sex_unknown": ("giới tính không rõ", "sex not recognised"),
    "ethnicity_unknown": ("dân tộc không có trong danh mục", "ethnic group not in the list"),
    "nationality_not_in_list": ("quốc tịch không có trong danh mục", "nationality not in the list"),
    "year_unparseable": ("không đọc được năm", "the year could not be read"),
    "year_out_of_range": ("năm không hợp lý", "the year is out of range"),
    "name_has_digits": ("họ tên có chữ số", "the name contains digits"),
    "name_invalid_syllables": (
        "họ tên có âm tiết không phải tiếng Việt",
        "the name has non-Vietnamese syllables",
    ),
    "name_syllable_unusual": ("họ tên có âm tiết ít gặp", "the name has an unusual syllable"),
    "name_ocr_fixed": ("họ tên đã được sửa lỗi đọc", "misread letters in the name were fixed"),
    "name_surname_corrected": ("họ đã được sửa theo danh sách họ", "surname snapped to the list"),
    "name_syllable_corrected": ("âm tiết đã được sửa dấu", "a syllable's tone mark was fixed"),
    "personal_id_not_12_digits": (
        "số định danh không đủ 12 chữ số",
        "personal number is not 12 digits",
    ),
    "personal_id_unknown_province": (
        "mã tỉnh trong số định danh không có",
        "unknown province code in the personal number",
    ),
    "personal_id_bad_century_digit": (
        "chữ số thế kỷ/giới tính sai",
        "bad century/sex digit in the personal number",
    ),
    "personal_id_sex_mismatch": (
        "số định danh không khớp giới tính",
        "personal number disagrees with the sex",
    ),
    "personal_id_year_mismatch": (
        "số định danh không khớp năm sinh",
        "personal number disagrees with the birth year",
    ),
    "id_doc_no_missing": ("thiếu số giấy tờ tùy thân", "identity paper number missing"),
    "id_doc_no_unrecognised": (
        "số giấy tờ tùy thân không hợp lệ",
        "identity paper number not recognised",
    ),
    "id_doc_type_unknown": ("loại giấy tờ tùy thân không rõ", "identity paper type not recognised"),
    "id_doc_issue_date_unparseable": ("không đọc được ngày cấp", "issue date could not be read"),
    "entry_no_unreadable": ("không đọc được số thứ tự", "entry number unreadable"),
    "case_corrected": ("chữ hoa/thường đã được sửa", "letter case was fixed"),
    "place_component_corrected": (
        "địa danh đã được sửa theo danh mục",
        "a place name was snapped to the gazetteer",
    ),
    "place_prefix_corrected": ("tiền tố địa danh đã được sửa", "a place prefix was fixed"),
    "phrase_corrected": ("cụm từ đã được sửa theo danh mục", "a phrase was snapped to the list"),
    "date_ocr_chars_fixed": (
        "chữ số ngày đã được sửa lỗi đọc",
        "misread digits in the date were fixed",
    ),
    "date_two_digit_year": ("năm chỉ có hai chữ số", "two-digit year"),
    "date_words_fuzzy": ("ngày bằng chữ đọc gần đúng", "date in words matched approximately"),
    "category_unknown": ("giá trị không có trong danh mục", "value not in the closed list"),
    "category_ambiguous": ("giá trị có thể hiểu nhiều cách", "value is ambiguous"),
}

FIELD_EN: dict[str, str] = {
    "registration_date": "Registration date",
    "child.full_name": "Child's full name",
    "child.date_of_birth": "Date of birth",
    "child.date_of_birth_words": "Date of birth in words",
    "child.sex": "Sex",
    "child.ethnicity": "Ethnicity",
    "child.nationality": "Nationality",
    "child.place_of_birth": "Place of birth",
    "child.home_town": "Home town",
    "child.personal_id": "Personal number",
    "mother.full_name": "Mother's name",
    "mother.birth_year": "Mother's birth year",
    "mother.ethnicity": "Mother's ethnicity",
    "mother.nationality": "Mother's nationality",
    "mother.residence": "Mother's residence",
    "father.full_name": "Father's name",
    "father.birth_year": "Father's birth year",
    "father.ethnicity": "Father's ethnicity",
    "father.nationality": "Father's nationality",
    "father.residence": "Father's residence",
    "declarant.full_name": "Declarant's name",
    "declarant.relationship": "Relationship to the child",
    "declarant.id_doc_type": "Identity paper type",
    "declarant.id_doc_no": "Identity paper number",
    "declarant.id_doc_issue_date": "Identity paper issue date",
    "declarant.id_doc_issuer": "Identity paper issuer",
    "signer.full_name": "Signed by",
    "signer.title": "Signer's title",
    "clerk.full_name": "Clerk",
    "registration_kind": "Registration kind",
    "notes": "Notes",
}


def reason_words(code: str) -> tuple[str, str]:
    """``(vietnamese, english)`` for a reason code."""
    return REASONS.get(code, (code.replace("_", " "), code.replace("_", " ")))


def field_label(key: str) -> tuple[str, str]:
    """``(printed Vietnamese label, English name)`` for a field key."""
    spec = SPEC_BY_KEY.get(key)
    return (spec.label if spec else key, FIELD_EN.get(key, key))
