"""Closed-list phrases followed by strays."""

import pytest

from extraction.phrases import phrase_prefix


@pytest.mark.parametrize(
    ("text", "kind", "phrase"),
    [
        ("Công an TP Hà Nội, Ví", "issuer", "Công an TP Hà Nội"),
        ("Công an TP Hài Phòng - Âu", "issuer", "Công an TP Hải Phòng"),  # misread, then strays
        ("Mẹ đề về J1,", "relationship", "Mẹ đẻ"),  # the longest phrase wins, not "Mẹ"
        ("Phó Chủ tịch .*.V M: Ỉ", "title", "Phó Chủ tịch"),
    ],
)
def test_phrase_then_strays(text: str, kind: str, phrase: str) -> None:
    assert phrase_prefix(text, kind) == phrase


def test_a_phrase_alone_or_long_text_is_not_cut() -> None:
    assert phrase_prefix("Mẹ đẻ", "relationship") is None
    assert phrase_prefix("Mẹ của cháu bé đã đi làm xa nhiều năm", "relationship") is None


def test_phrase_within_strays_and_marks() -> None:
    from extraction.phrases import phrase_within

    assert phrase_within("Công an. TP. Hà NỘI", "issuer") == "Công an TP Hà Nội"
    assert phrase_within('Công an TP Hà Nội vờ l " " s', "issuer") == "Công an TP Hà Nội"
    assert phrase_within("Trường tiểu học", "issuer") is None
