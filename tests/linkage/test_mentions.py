from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import pandas as pd
import pytest

from linkage.evaluate import exact_baseline, pairs_metrics, pairwise_metrics
from linkage.mentions import (
    KEY_COLUMNS,
    PartialDate,
    id_key,
    parse_partial_date,
    prepare_mentions,
    sex_key,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/03/1975", PartialDate(1975, 3, 12)),
        ("1975-03-12", PartialDate(1975, 3, 12)),
        ("19750312", PartialDate(1975, 3, 12)),
        (19750312.0, PartialDate(1975, 3, 12)),
        ("03/1975", PartialDate(1975, 3, None)),
        ("1975", PartialDate(1975, None, None)),
        (" ", PartialDate()),
        ("……", PartialDate()),
        ("không rõ", PartialDate()),
        ("45/13/1975", PartialDate(1975, None, None)),  # impossible day and month: year only
    ],
)
def test_partial_dates(text: object, expected: PartialDate) -> None:
    assert parse_partial_date(text) == expected


def test_iso_only_when_the_day_is_known() -> None:
    assert PartialDate(1975, 3, 12).iso == "1975-03-12"
    assert PartialDate(1975, 3).iso is None


def test_sex_and_id_keys() -> None:
    assert [sex_key(v) for v in ("Nam", "NỮ", "nu", "female", "M", "?", None)] == [
        "M",
        "F",
        "F",
        "F",
        "M",
        None,
        None,
    ]
    assert id_key("001 315 012345") == "001315012345"
    assert id_key(1804974.0) == "1804974"
    assert id_key("12") is None


def _keys(**cols: Sequence[object]) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    return prepare_mentions(pd.DataFrame({"mention_id": [str(i) for i in range(n)], **cols}))


def test_name_keys_fold_accents_and_unify_tone_marks() -> None:
    names = [
        "NGUYỄN THỊ THUỶ",
        "Nguyễn Thị Thủy",
        unicodedata.normalize("NFD", "Nguyễn Thị Thủy"),
        "Nguyen Thi Thuy",
        "Lý Văn Hoà",
    ]
    k = _keys(full_name=names)
    assert list(k.columns) == list(KEY_COLUMNS)
    assert k["sn"].tolist()[:4] == ["nguyen"] * 4
    # accents kept but tone placement and case unified: the first three agree exactly
    assert k["gn_a"].tolist()[:3] == ["thủy"] * 3
    assert k["gn_a"][3] == "thuy" and k["gn"][3] == "thuy"
    assert k["sn_a"][4] == "lí" and k["gn_a"][4] == "hòa"  # Lý/Lí, Hoà/Hòa
    assert k["nm"][0] == "nguyen thi thuy"


def test_separate_name_columns_win_over_the_full_name() -> None:
    k = _keys(full_name=["x y z"], surname=["Smith"], given_name=["John"])
    assert (k["sn"][0], k["mn"][0], k["gn"][0]) == ("smith", None, "john")


def test_year_only_date_and_usability() -> None:
    k = _keys(
        full_name=["Lê Văn An", "Lê Văn An", "", "Lê Văn An"],
        date_of_birth=["", "05/06/1980", "05/06/1980", ""],
        birth_year=["1980", "", "", ""],
    )
    assert k["dob_y"].tolist() == [1980, 1980, 1980, pd.NA]
    assert k["dob"].tolist() == [None, "1980-06-05", "1980-06-05", None]
    # no name, or no date at all: never linked automatically
    assert k["usable"].tolist() == [True, True, False, False]


def test_ids_must_be_unique() -> None:
    with pytest.raises(ValueError, match="not unique"):
        prepare_mentions(pd.DataFrame({"mention_id": ["a", "a"], "full_name": ["X", "Y"]}))


def test_pairwise_metrics() -> None:
    truth = pd.Series(["p1", "p1", "p1", "p2", "p3"])
    pred = pd.Series(["a", "a", "b", "b", "c"])
    m = pairwise_metrics(truth, pred)
    # true pairs: 3 (p1); predicted: 2 (a: 1, b: 1); correct: 1
    assert (m.true_pairs, m.predicted_pairs, m.correct_pairs) == (3, 2, 1)
    assert m.precision == 0.5 and m.recall == pytest.approx(1 / 3)
    assert m.f1 == pytest.approx(0.4)
    t = pd.Series(["p1", "p1", "p2"], index=["x", "y", "z"])
    pm = pairs_metrics(t, pd.DataFrame({"id_l": ["x", "y"], "id_r": ["y", "z"]}))
    assert (pm.true_pairs, pm.predicted_pairs, pm.correct_pairs) == (1, 2, 1)


def test_exact_baseline_needs_name_and_date() -> None:
    k = _keys(
        full_name=["Lê Văn An", "LE VAN AN", "Lê Văn An", "Lê Văn An"],
        date_of_birth=["05/06/1980", "1980-06-05", "", "06/05/1980"],
    )
    labels = exact_baseline(k).tolist()
    assert labels[0] == labels[1]  # accents folded, two date formats
    assert labels[2] != labels[0] and labels[3] != labels[0]  # no date; swapped date


def test_place_keys_write_out_abbreviations_and_keep_the_first_part() -> None:
    keys = prepare_mentions(
        pd.DataFrame(
            {
                "mention_id": ["a", "b", "c"],
                "place": ["P. Kim Sơn, Đông Anh, Hà Nội", "Phường Kim Sơn, Đông Anh", ""],
            }
        )
    )
    assert keys["place"].tolist()[:2] == [
        "phuong kim son dong anh ha noi",
        "phuong kim son dong anh",
    ]
    assert keys["place_c"].tolist() == ["kim son", "kim son", None]
    assert keys["place_cd"].tolist() == ["kim son dong anh", "kim son dong anh", None]


def test_relatives_keep_surname_and_given_name_apart() -> None:
    k = _keys(spouse_name=["Phạm Đức Định", "PHAM DINH", "Trần Văn Đức Bình", ""])
    assert k["spouse"].tolist() == ["pham duc dinh", "pham dinh", "tran van duc binh", None]
    assert k["spouse_sg"].tolist() == ["pham dinh", None, "tran binh", None]


def test_rare_syllables_mark_misspellings() -> None:
    common = ["Nguyễn Thị Hồng"] * 5 + ["Lê Văn Hùng"] * 5
    k = _keys(full_name=[*common, "Nguyễn Thị Hồnh", "Lê Văn Hùng", ""])
    rare = k["nm_rare"].tolist()
    assert rare[:10] == [False] * 10
    assert rare[10:] == [True, False, False]


def test_a_common_names_repeated_misspelling_is_rare() -> None:
    """In a large registry a common name's misspelling repeats (``Nguễn`` three times), but it
    is far rarer than the syllable one letter away; real names one letter apart (``An``,
    ``Anh``) are both common and stay so."""
    names = ["Nguyễn Thị An"] * 40 + ["Nguyễn Thị Anh"] * 40 + ["Nguễn Thị An"] * 3
    rare = _keys(full_name=names)["nm_rare"].tolist()
    assert rare == [False] * 80 + [True] * 3


def test_usable_needs_a_name_part_and_a_year() -> None:
    keys = prepare_mentions(
        pd.DataFrame(
            {
                "mention_id": ["a", "b", "c", "d"],
                "surname": ["Lê", "", "Lê", ""],
                "given_name": ["", "An", "An", ""],
                "date_of_birth": ["1990", "1990", "", "1990"],
                "other_id": ["12345", "", "", ""],
            }
        )
    )
    assert keys["usable"].tolist() == [True, True, False, False]
    assert keys["oid"].tolist()[:2] == ["12345", None]
