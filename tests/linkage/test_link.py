"""Linkage end to end on small generated populations (Splink on DuckDB, a few seconds each)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from linkage import (
    LinkResult,
    Thresholds,
    link_mentions,
    load_model,
    pairwise_metrics,
    prepare_mentions,
    save_model,
)
from linkage.evaluate import exact_baseline
from linkage.link import (
    DATE_CONFLICT_WEIGHT,
    MAX_SCALED_PRIOR,
    RECORDS_KEY,
    _same_date,
    cluster,
    decide,
    scaled_to,
)
from linkage.population import generate_population, mention_rows
from linkage.registry_model import registry_model

# Two mentions of one invented person, and traps around them, added to a generated population.
EXTRA = [
    # the same woman: accents lost, old tone placement, year only as a mother
    dict(mention_id="X1", person_id="T1", full_name="Quàng Thị Thuỷ",
         date_of_birth="14/02/1983", sex="Nữ", place="Xã Lạc Vệ, Tiên Du, Bắc Ninh",
         spouse_name="Lò Văn Hùng"),
    dict(mention_id="X2", person_id="T1", full_name="QUANG THI THUY", birth_year="1983",
         sex="Nữ", place="Xa Lac Ve, Tien Du, Bac Ninh", spouse_name="Lò Văn Hùng"),
    # same personal number as X4, nothing else in common: a conflict, never a link
    dict(mention_id="X3", person_id="T3", full_name="Đinh Văn Khải",
         date_of_birth="01/01/1999", sex="Nam", personal_id="027099123456"),
    dict(mention_id="X4", person_id="T4", full_name="Sầm Thị Oanh",
         date_of_birth="30/09/1971", sex="Nữ", personal_id="027099123456"),
    # identical but for the personal number: two people, never linked automatically
    dict(mention_id="X5", person_id="T5", full_name="Mạc Văn Toản",
         date_of_birth="03/03/1990", sex="Nam", personal_id="036090111111",
         place="Xã Hải Minh, Hải Hậu, Nam Định"),
    dict(mention_id="X6", person_id="T6", full_name="Mạc Văn Toản",
         date_of_birth="03/03/1990", sex="Nam", personal_id="036090999999",
         place="Xã Hải Minh, Hải Hậu, Nam Định"),
    # no date at all: may be reviewed, never linked
    dict(mention_id="X7", person_id="T1", full_name="Quàng Thị Thuỷ", sex="Nữ",
         place="Xã Lạc Vệ, Tiên Du, Bắc Ninh", spouse_name="Lò Văn Hùng"),
]  # fmt: skip


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    rows = pd.DataFrame(mention_rows(generate_population(160, seed=31), 31))
    extra = pd.DataFrame(EXTRA).fillna("")
    return pd.concat([rows, extra], ignore_index=True).fillna("")


@pytest.fixture(scope="module")
def trained(population: pd.DataFrame) -> LinkResult:
    return link_mentions(population)


def _cluster(result: LinkResult, mention: str) -> str:
    c = result.clusters.set_index("mention_id")["cluster_id"]
    return str(c[mention])


def test_links_people_across_books_better_than_exact_match(
    population: pd.DataFrame, trained: LinkResult
) -> None:
    truth = population["person_id"]
    pred = trained.clusters["cluster_id"]
    assert trained.clusters["mention_id"].tolist() == population["mention_id"].tolist()
    ours = pairwise_metrics(truth, pred)
    base = pairwise_metrics(truth, exact_baseline(prepare_mentions(population)))
    assert ours.precision > 0.95
    assert ours.recall > 0.85
    assert ours.f1 > base.f1 + 0.2


def test_accent_tone_and_year_only_variants_link(trained: LinkResult) -> None:
    assert _cluster(trained, "X1") == _cluster(trained, "X2")


def test_same_personal_number_with_different_person_goes_to_review(trained: LinkResult) -> None:
    assert _cluster(trained, "X3") != _cluster(trained, "X4")
    q = trained.review()
    row = q[(q["id_l"].isin(["X3", "X4"])) & (q["id_r"].isin(["X3", "X4"]))]
    assert row["reason"].tolist() == ["same personal number, other details differ"]


def test_different_personal_numbers_are_never_merged(trained: LinkResult) -> None:
    assert _cluster(trained, "X5") != _cluster(trained, "X6")


def test_mention_without_date_is_never_linked(trained: LinkResult) -> None:
    members = trained.clusters[trained.clusters["cluster_id"] == _cluster(trained, "X7")]
    assert members["mention_id"].tolist() == ["X7"]
    q = trained.review()
    held = q[(q["id_l"] == "X7") | (q["id_r"] == "X7")]
    assert len(held) >= 1
    assert set(held["reason"]) == {"no usable name or date"}


def test_review_queue_shows_weights_between_thresholds(trained: LinkResult) -> None:
    q = trained.review()
    plain = q[q["reason"] == ""]
    th = Thresholds()
    assert len(plain) > 0
    assert plain["match_weight"].between(th.review, th.link).all()
    w_cols = [c for c in q.columns if c.startswith("w_")]
    assert "w_name" in w_cols and "w_date_of_birth" in w_cols
    # the weights shown add up to the pair's match weight, with the prior
    prior = q["match_weight"] - q[w_cols].sum(axis=1)
    assert prior.std() < 1e-6


def test_term_frequency_makes_a_common_name_weaker(
    population: pd.DataFrame, trained: LinkResult
) -> None:
    nm = prepare_mentions(population).set_index("unique_id")["nm_a"]
    p = trained.pairs
    same = p[nm.loc[p["id_l"]].to_numpy() == nm.loc[p["id_r"]].to_numpy()]
    names = nm.loc[same["id_l"]].to_numpy()
    by_name = same.groupby(names)["w_name"].mean()
    counts = nm.value_counts().reindex(by_name.index)
    assert by_name[counts.idxmax()] < by_name[counts.idxmin()]


def test_saved_model_round_trip(population: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    save_model(registry_model(), path)
    result = link_mentions(population, model=load_model(path))
    m = pairwise_metrics(population["person_id"], result.clusters["cluster_id"])
    assert m.f1 > 0.9
    assert _cluster(result, "X1") == _cluster(result, "X2")
    assert _cluster(result, "X5") != _cluster(result, "X6")


def test_clusters_refuse_to_join_two_personal_numbers() -> None:
    keys = prepare_mentions(
        pd.DataFrame(
            {
                "mention_id": ["a", "b", "c"],
                "full_name": ["Lê An"] * 3,
                "date_of_birth": ["1990"] * 3,
                "personal_id": ["001090000001", "", "001090555555"],
            }
        )
    )
    pairs = pd.DataFrame({"id_l": ["a", "b"], "id_r": ["b", "c"], "match_weight": [12.0, 10.0]})
    decided = decide(pairs.assign(match_probability=1.0), keys, Thresholds())
    clusters, out = cluster(keys, decided)
    assert clusters["cluster_id"].tolist() == ["a", "a", "c"]
    assert out["outcome"].tolist() == ["linked", "review"]
    assert out["reason"].tolist()[1] == "would join two personal numbers"


def _one_person_keys(**extra: list[str]) -> pd.DataFrame:
    n = len(next(iter(extra.values())))
    return prepare_mentions(
        pd.DataFrame(
            {
                "mention_id": [chr(ord("a") + i) for i in range(n)],
                "full_name": ["Lê An"] * n,
                "date_of_birth": ["1990"] * n,
                **extra,
            }
        )
    )


def _chain(keys: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """a–b, b–c, … linked, strongest first."""
    ids = keys["unique_id"].tolist()
    pairs = pd.DataFrame(
        {
            "id_l": ids[:-1],
            "id_r": ids[1:],
            "match_weight": [20.0 - i for i in range(len(ids) - 1)],
            "match_probability": 1.0,
        }
    )
    return cluster(keys, decide(pairs, keys, Thresholds()))


def test_clusters_hold_two_births_or_two_deaths_for_review() -> None:
    """A person is born once and dies once: two child mentions of birth records (or two
    deceased) are not joined automatically, however alike; other roles join freely."""
    keys = _one_person_keys(role=["child", "mother", "Child", "deceased", "father", "deceased"])
    assert keys["once"].tolist() == ["birth", None, "birth", "death", None, "death"]
    clusters, out = _chain(keys)
    assert clusters["cluster_id"].tolist() == ["a", "a", "c", "c", "c", "f"]
    assert out["outcome"].tolist() == ["linked", "review", "linked", "linked", "review"]
    assert out["reason"].tolist()[1] == "would join two birth records"
    assert out["reason"].tolist()[4] == "would join two death records"


def test_two_dates_of_birth_need_a_strong_link() -> None:
    """Two namesakes of one year are joined through a mention giving only the year: a link
    joining clusters with different full dates (not one misread digit or a day-month swap
    apart) goes to review unless it is strong on its own."""
    keys = prepare_mentions(
        pd.DataFrame(
            {
                "mention_id": ["a", "b", "c", "d"],
                "full_name": ["Lê An"] * 4,
                "date_of_birth": ["12/03/1990", "1990", "07/11/1990", "13/03/1990"],
            }
        )
    )
    pairs = pd.DataFrame(
        {"id_l": ["a", "b", "a"], "id_r": ["b", "c", "d"], "match_weight": [9.0, 8.0, 6.0]}
    )  # a–b, b–c (would join two dates), a–d (one digit apart)
    clusters, out = cluster(keys, decide(pairs.assign(match_probability=1.0), keys, Thresholds()))
    assert clusters["cluster_id"].tolist() == ["a", "a", "c", "a"]
    assert out["reason"].tolist() == ["", "would join two dates of birth", ""]
    strong = pairs.assign(match_weight=[11.0, DATE_CONFLICT_WEIGHT, 6.0])
    clusters, _ = cluster(keys, decide(strong.assign(match_probability=1.0), keys, Thresholds()))
    assert clusters["cluster_id"].tolist()[:3] == ["a"] * 3  # then d's weak link is held back
    assert _same_date("1990-03-12", "1990-12-03")  # day and month swapped
    assert not _same_date("1990-03-12", "1990-11-07")


def test_one_record_never_names_one_person_twice() -> None:
    keys = _one_person_keys(record_id=["r1", "r2", "r1"])
    decided = decide(
        pd.DataFrame({"id_l": ["a", "b"], "id_r": ["c", "c"], "match_weight": [15.0, 12.0]}).assign(
            match_probability=1.0
        ),
        keys,
        Thresholds(),
    )
    assert decided["reason"].tolist() == ["one record names both", ""]
    clusters, out = _chain(keys)  # a–b then b–c: c's record is already in the cluster
    assert clusters["cluster_id"].tolist() == ["a", "a", "c"]
    assert out["reason"].tolist() == ["", "would join two mentions of one record"]


def test_saved_model_prior_follows_the_input_size() -> None:
    model = registry_model()
    n0 = model[RECORDS_KEY]
    p0 = model["probability_two_random_records_match"]
    assert scaled_to(model, n0) is model
    big = scaled_to(model, 10 * n0)
    assert big["probability_two_random_records_match"] == pytest.approx(p0 / 10, rel=1e-3)
    small = scaled_to(model, n0 // 10)  # a district's first books: more likely to match
    assert small["probability_two_random_records_match"] == pytest.approx(p0 * 10, rel=1e-2)
    tiny = scaled_to(model, 3)
    assert tiny["probability_two_random_records_match"] == MAX_SCALED_PRIOR
    assert model["probability_two_random_records_match"] == p0  # the saved model untouched


def test_thresholds_must_be_ordered() -> None:
    with pytest.raises(ValueError):
        Thresholds(link=1, review=2)


def test_other_number_is_evidence_not_a_veto(population: pd.DataFrame) -> None:
    """Two mentions alike but for a misread insurance number link; with the same number as a
    personal number they would be held back."""
    pair = pd.DataFrame(
        [
            dict(mention_id="Y1", full_name="Khổng Văn Tuệ", date_of_birth="07/08/1966",
                 sex="Nam", place="Xã Lạc Vệ, Tiên Du, Bắc Ninh", other_id="4471829"),
            dict(mention_id="Y2", full_name="KHỔNG VĂN TUỆ", date_of_birth="07/08/1966",
                 sex="Nam", place="X. Lạc Vệ, Tiên Du", other_id="4471992"),
        ]
    )  # fmt: skip
    base = population.drop(columns=["person_id"])
    result = link_mentions(pd.concat([base, pair], ignore_index=True).fillna(""))
    assert _cluster(result, "Y1") == _cluster(result, "Y2")
    as_pid = pair.rename(columns={"other_id": "personal_id"})
    held = link_mentions(pd.concat([base, as_pid], ignore_index=True).fillna(""))
    assert _cluster(held, "Y1") != _cluster(held, "Y2")
