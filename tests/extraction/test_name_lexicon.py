"""Name repairs: stray words after a name, tone marks misread on name syllables."""

import pytest

from extraction.name_lexicon import drop_name_tail, snap_surname, snap_unusual, tone_skeleton


@pytest.mark.parametrize(
    ("read", "kept"),
    [
        ("Bùi Thị Hạnh l s", "Bùi Thị Hạnh"),  # specks read as letters
        ("VŨ VĂN VŨ l", "VŨ VĂN VŨ"),
        ("Trần Văn Thắng ˆ", "Trần Văn Thắng"),
        ("NGUYỄN TIẾN HUY TÙNG N-ày, tháng,", "NGUYỄN TIẾN HUY TÙNG"),  # the next label
        ("Nguyễn Tuấn Hoàng có", "Nguyễn Tuấn Hoàng"),  # lower case after a name in title case
        ("Nguyễn Việt Khánh VĂN", "Nguyễn Việt Khánh"),  # capitals after title case
        ("Trần Văn T hắng", "Trần Văn Thắng"),  # a capital read apart is joined back
    ],
)
def test_stray_tail_dropped(read: str, kept: str) -> None:
    assert drop_name_tail(read) == kept


@pytest.mark.parametrize(
    "name",
    ["NGUYỄN VĂN AN", "Nguyễn Thị Ánh Hồng", "Lò Văn Pọm", "SATO KENJI", "Hoàng Thế Truùng"],
)
def test_names_kept_whole(name: str) -> None:
    # A long misread word stays for the reviewer: only specks and other-case words go.
    assert drop_name_tail(name) is None


def test_at_least_two_words_stay() -> None:
    assert drop_name_tail("AN l") is None


@pytest.mark.parametrize(
    ("read", "fixed"),
    [
        ("KIM THỊ HUYỆN", "KIM THỊ HUYỀN"),  # tone misread; Huyên is rarer than Huyền
        ("LÂM KIM VẬN", "LÂM KIM VÂN"),  # the vowel mark stays: Vân, not Văn
        ("Lê Thị Nhỉ", "Lê Thị Nhi"),  # Nhi is common, Nhị rare
        ("VÕ THẾ QUẦN", "VÕ THẾ QUÂN"),
        ("TRẦN VẤN ANH", "TRẦN VĂN ANH"),  # a middle syllable: Văn
    ],
)
def test_unusual_syllable_snapped(read: str, fixed: str) -> None:
    assert snap_unusual(read) == fixed


def test_ambiguous_or_minority_names_left_alone() -> None:
    assert snap_unusual("Vũ Thị Dụng") is None  # Dung and Dũng are both common
    assert snap_unusual("Lò Văn Pọm") is None  # a Thái name: outside the lexicon


def test_minority_surname_not_snapped_to_kinh() -> None:
    assert snap_surname("Tòng Hà Ngân") is None


def test_tone_skeleton_keeps_vowel_marks() -> None:
    assert tone_skeleton("Huyện") == "huyên"
    assert tone_skeleton("Vấn") == "vân"
    assert tone_skeleton("Văn") == "văn"
