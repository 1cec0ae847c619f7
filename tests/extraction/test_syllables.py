from __future__ import annotations

import pytest

from extraction.syllables import (
    Lexicon,
    correct_phrase,
    correct_syllable,
    correct_token,
    is_valid_syllable,
    similarity,
    valid_bases,
    valid_syllables,
)

COMMON = str.split(
    "nguyễn thị minh anh trần văn hùng lê hoàng phủ tôn thất quốc quý quyết giêng gìn giữ già "
    "khuya khuỷu hòa hoà thủy thuỷ khỏe khoẻ người đường nghĩa nghiêng kỳ kỹ lý lí huỳnh huých "
    "thuở ngoằn ngoèo xoong gì chuyện truyền loạn choáng uyên yêu yến ý oà uể oải ngoại mười "
    "mươi nghìn ngàn khoanh hoạch lò lường quàng cầm âu dương đặng đỗ ngô hồ bùi võ vũ phạm "
    "phan trương đinh lương tạ cao chu mai lưu đoàn la khúc kiều giáp triệu thái bế sầm vi "
    "nông hà lục hứa ngọc lâm long biên hà nội phường quận huyện xã thành phố tỉnh kinh tày "
    "mường mông khơ me gia rai ê đê việt nam nữ giấy khai sinh bệnh viện đa khoa đức giang "
    "quyên quế quăng quặp thuyền khuyên yên yết yểng ghềnh nghỉ kia kiên ghi ca cua cuốc"
)


@pytest.mark.parametrize("word", COMMON)
def test_real_syllables_are_valid(word: str) -> None:
    assert is_valid_syllable(word)
    assert is_valid_syllable(word.upper())
    assert is_valid_syllable(word.capitalize())


@pytest.mark.parametrize(
    "word",
    [
        "ngưyễn",  # ư before y
        "tr4n",
        "lẽe",
        "cinh",  # c before i: spelt k
        "ka",  # k before a: spelt c
        "ge",  # g before e: spelt gh
        "nge",  # ng before e: spelt ngh
        "gha",
        "quôc",  # stop final without sắc/nặng
        "bòp",  # stop final with huyền
        "hoàt",
        "zô",
        "fan",
        "boa",  # no medial after a labial
        "xyz",
        "",
        "nguyễẽn",  # two tone marks
    ],
)
def test_garbage_is_invalid(word: str) -> None:
    assert not is_valid_syllable(word)


def test_stop_finals_take_only_sac_and_nang() -> None:
    for base, tones in valid_bases().items():
        if base.endswith(("p", "t", "c", "ch")):
            assert tones == (2, 5), base


def test_set_size_is_plausible() -> None:
    # Real written syllables number about 7-8 thousand (one tone placement); the rule-built set
    # over-generates a little and has both placements.
    assert 10_000 < len(valid_syllables()) < 25_000


@pytest.mark.parametrize(
    ("tok", "expected"),
    [
        ("Hùnq", "Hùng"),  # q for g
        ("Hoànq", "Hoàng"),
        ("Lârn", "Lâm"),  # rn for m
        ("Phạrn", "Phạm"),
        ("Ngưyễn", "Nguyễn"),
        ("Nguyẽn", "Nguyễn"),
        ("NGUYẼN", "NGUYỄN"),
    ],
)
def test_correct_syllable(tok: str, expected: str) -> None:
    snap = correct_syllable(tok)
    assert snap is not None
    assert snap.value == expected
    assert snap.changed
    assert 0.0 < snap.score < 1.0


def test_correct_syllable_keeps_valid_word() -> None:
    snap = correct_syllable("Trần")
    assert snap is not None and snap.value == "Trần" and not snap.changed and snap.score == 1.0


def test_correct_token_with_own_candidates_and_cutoff() -> None:
    lex = Lexicon.of(["Nguyễn", "Trần", "Lê", "Phạm"])
    snap = correct_token("Nquyen", lex)
    assert snap is not None and snap.value == "Nguyễn"
    assert correct_token("Xyzw", lex, cutoff=0.8) is None
    assert correct_token("", lex) is None
    snap = correct_token("tran", ["Nguyễn", "Trần"])
    assert snap is not None and snap.value == "trần"  # case of the token kept


def test_correct_phrase() -> None:
    lex = Lexicon.of(["Ngọc Lâm", "Ngọc Thụy", "Long Biên", "Hà Nội"])
    snap = correct_phrase("Ngoc Lam", lex)
    assert snap is not None and snap.value == "Ngọc Lâm" and snap.score > 0.9
    snap = correct_phrase("NGỌC LÂM", lex)
    assert snap is not None and not snap.changed and snap.value == "Ngọc Lâm"
    snap = correct_phrase("NGOC LAM", lex)
    assert snap is not None and snap.value == "NGỌC LÂM"
    snap = correct_phrase("Hoà Bình", Lexicon.of(["Hòa Bình"]))
    assert snap is not None and not snap.changed  # tone placement is not a correction
    assert "Ngọc Lâm" in lex and "ngoc lam" not in lex


def test_snap_margin_flags_ambiguity() -> None:
    lex = Lexicon.of(["Thi", "Thị"])
    snap = correct_token("Thj", lex)
    assert snap is not None and snap.margin < 0.05


def test_similarity_prefers_right_letters_over_right_accents() -> None:
    assert similarity("Ngoc Lam", "Ngọc Lâm") > similarity("Ngọc Lâm", "Ngọc Làm") - 10
    assert similarity("Ngọc Lâm", "Ngọc Lâm") == 100.0
    assert similarity("Phú Lợi", "Phúc Lợi") < 90
