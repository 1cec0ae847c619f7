from __future__ import annotations

import pytest

from extraction.forms import ID_DOC_TYPES, REGISTRATION_KINDS
from extraction.text import fold_accents
from extraction.vocab import (
    ETHNIC_OTHER_NAMES,
    canonical_province,
    compact_key,
    ethnic_code,
    ethnic_groups,
    hanoi_units,
    match_ethnicity,
    match_id_doc_type,
    match_nationality,
    match_registration_kind,
    match_sex,
    place_names,
    province_name,
    provinces,
)


def test_bundled_data_loads() -> None:
    groups = ethnic_groups()
    assert len(groups) == 54
    assert groups[0].name == "Kinh" and groups[0].variants == ("Việt",)
    assert len(provinces()) == 63
    assert province_name("001") == "Hà Nội" and province_name("079") == "Hồ Chí Minh"
    assert province_name("003") is None
    assert ethnic_code("Kinh") == "01" and ethnic_code("Rơ-măm") == "54"


def test_every_group_name_and_variant_matches_itself() -> None:
    for g in ethnic_groups():
        assert match_ethnicity(g.name).value == g.name
        assert match_ethnicity(g.name).how == "exact"
        assert match_ethnicity(g.name.upper()).value == g.name
        for v in g.variants:
            m = match_ethnicity(v)
            assert m.value == g.name, v
            assert not m.corrected


def test_folded_names_do_not_collide() -> None:
    seen: dict[str, str] = {}
    for g in ethnic_groups():
        for w in (g.name, *g.variants):
            k = fold_accents(compact_key(w))
            assert seen.setdefault(k, g.name) == g.name, w


@pytest.mark.parametrize(
    ("raw", "value", "how"),
    [
        ("Kinh", "Kinh", "exact"),
        ("KINH .", "Kinh", "exact"),
        ("Việt", "Kinh", "variant"),
        ("Khơ me", "Khơ-me", "exact"),
        ("Khmer", "Khơ-me", "variant"),
        ("H'Mông", "Hmông", "exact"),
        ("Mèo", "Hmông", "variant"),
        ("Dân tộc: Kinh", "Kinh", "exact"),
        ("Tay", "Tày", "folded"),
        ("Ha nhi", "Hà Nhì", "folded"),
        ("Kirh", "Kinh", "fuzzy"),
        ("Mường", "Mường", "exact"),
    ],
)
def test_match_ethnicity(raw: str, value: str, how: str) -> None:
    m = match_ethnicity(raw)
    assert (m.value, m.how) == (value, how)
    assert m.corrected == (how in ("folded", "fuzzy"))
    assert (m.score == 1.0) == (how in ("exact", "variant"))


@pytest.mark.parametrize("raw", ["Pháp", "X", "Nừ", "abcdef"])
def test_unknown_ethnicity(raw: str) -> None:
    m = match_ethnicity(raw)
    assert m.value is None and "ethnicity_unknown" in m.reasons


def test_blank_ethnicity() -> None:
    m = match_ethnicity("....")
    assert m.value is None and m.how == "blank" and m.reasons == ()


@pytest.mark.parametrize(
    ("raw", "value", "corrected"),
    [
        ("Việt Nam", "Việt Nam", False),
        ("VIỆT NAM", "Việt Nam", False),
        ("Viet Nam", "Việt Nam", False),
        ("Việt nam.", "Việt Nam", False),
        ("Viêt Nam", "Việt Nam", True),
        ("Viẹt Narn", "Việt Nam", True),
        ("trung quốc", "Trung Quốc", False),
        ("Canada", "Ca-na-đa", False),
    ],
)
def test_match_nationality(raw: str, value: str, corrected: bool) -> None:
    m = match_nationality(raw)
    assert m.value == value and m.corrected == corrected


def test_unlisted_nationality_is_kept_in_title_case() -> None:
    m = match_nationality("mông cổ")
    assert m.value == "Mông Cổ" and m.reasons == ("nationality_not_in_list",) and m.score < 1


@pytest.mark.parametrize(
    ("raw", "value", "corrected"),
    [
        ("Nam", "Nam", False),
        ("NAM", "Nam", False),
        ("Nữ", "Nữ", False),
        ("NỮ.", "Nữ", False),
        ("Nu", "Nữ", True),
        ("Nừ", "Nữ", True),
        ("Nàm", "Nam", True),
        ("Naml", "Nam", True),
        ("Nam giới", "Nam", False),
    ],
)
def test_match_sex(raw: str, value: str, corrected: bool) -> None:
    m = match_sex(raw)
    assert m.value == value and m.corrected == corrected


@pytest.mark.parametrize("raw", ["?", "Kinh", "xx"])
def test_unknown_sex(raw: str) -> None:
    assert match_sex(raw).reasons == ("sex_unknown",)


def test_every_printed_wording_maps_to_its_code() -> None:
    for code, words in ID_DOC_TYPES.items():
        for w in words:
            assert match_id_doc_type(w).value == code, w
            assert match_id_doc_type(w.upper()).value == code, w
    for code, words in REGISTRATION_KINDS.items():
        for w in words:
            assert match_registration_kind(w).value == code, w


@pytest.mark.parametrize(
    ("raw", "code", "corrected"),
    [
        ("C.M.N.D", "cmnd", False),
        ("Hô chiêu", "ho_chieu", True),
        ("CCGD", "cccd", True),
        ("Chứng minh nhân dàn", "cmnd", True),
        ("Giấy CMND", "cmnd", False),
    ],
)
def test_match_id_doc_type_noise(raw: str, code: str, corrected: bool) -> None:
    m = match_id_doc_type(raw)
    assert m.value == code and m.corrected == corrected


@pytest.mark.parametrize(
    ("raw", "code", "corrected"),
    [
        ("dung han", "dung_han", True),
        ("ĐÚNG HẠN", "dung_han", False),
        ("Khai sinh đứng hạm", "dung_han", True),
        ("Đăng ký lai", "dang_ky_lai", True),
        ("Chưa xác định được cha mẹ", "chua_xac_dinh_cha_me", False),
    ],
)
def test_match_registration_kind_noise(raw: str, code: str, corrected: bool) -> None:
    m = match_registration_kind(raw)
    assert m.value == code and m.corrected == corrected


def test_registration_kind_custom_table_and_unknown() -> None:
    death = {"duoi_1_tuoi": ("Trẻ dưới 1 tuổi",), "dung_han": ("Đúng hạn",)}
    assert match_registration_kind("Trẻ dưới 1 tuổi", death).value == "duoi_1_tuoi"
    m = match_registration_kind("Giấy khai sinh")
    assert m.value is None and m.reasons == ("registration_kind_unknown",)
    assert match_id_doc_type("Giấy khai sinh").reasons == ("id_doc_type_unknown",)


def test_gazetteer() -> None:
    units = hanoi_units()
    districts = [u for u in units if u.level == "district" and u.name != "Từ Liêm"]
    assert len(districts) == 30  # 12 quận, 1 thị xã, 17 huyện
    long_bien = {u.name for u in units if u.parent == "Long Biên"}
    assert {"Ngọc Lâm", "Đức Giang", "Bồ Đề", "Gia Thụy"} <= long_bien and len(long_bien) == 14
    assert "Ngọc Lâm" in place_names("ward")
    assert "Hà Nội" in place_names("province") and "Huế" in place_names("province")
    assert canonical_province("Huế") == "Thừa Thiên Huế"
    assert canonical_province("HÀ NỘI") == "Hà Nội"
    assert canonical_province("Nowhere") is None


def test_other_names_of_groups_map_to_the_group() -> None:
    names = {g.name for g in ethnic_groups()}
    seen: dict[str, str] = {}
    for g in ethnic_groups():
        for w in (g.name, *g.variants):
            seen[fold_accents(compact_key(w))] = g.name
    for group, others in ETHNIC_OTHER_NAMES.items():
        assert group in names
        for w in others:
            m = match_ethnicity(w)
            assert (m.value, m.how) == (group, "variant"), w
            # no other name folds like another group's name or variant
            assert seen.setdefault(fold_accents(compact_key(w)), group) == group, w
    assert match_ethnicity("Dân tộc: Mán").value == "Dao"
    assert match_ethnicity("XA PHO").value == "Phù Lá"
