from __future__ import annotations

import random
import unicodedata

import pandas as pd

from extraction.text import fold_accents
from linkage.population import (
    Noise,
    generate_population,
    mention_rows,
    noisy_date,
    noisy_name,
    write_population,
)


def test_same_seed_same_population_and_truth_for_every_mention(tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    n = write_population(a, 40, seed=5)
    write_population(b, 40, seed=5)
    assert a.read_bytes() == b.read_bytes()
    df = pd.read_csv(a, dtype=str, keep_default_na=False)
    assert len(df) == n > 400
    assert df["mention_id"].is_unique
    assert (df["person_id"] != "").all()
    assert set(df["role"]) >= {"child", "mother", "father", "wife", "husband", "deceased"}
    assert set(df["register_type"]) == {"birth", "marriage", "death"}
    # people recur across books and years: most persons with a marriage have several mentions
    per_person = df.groupby("person_id")["record_year"].nunique()
    assert (per_person > 1).sum() > 40
    # founding parents born 1960–1995 (their marriage mentions carry a full date)
    wives = df[df["role"] == "wife"]
    years = wives["date_of_birth"].str[-4:].astype(int)
    assert years.between(1935, 2010).all()
    # a parent in a birth record has only a year; a child has a full date
    assert (df.loc[df["role"] == "mother", "date_of_birth"] == "").all()
    assert (df.loc[df["role"] == "mother", "birth_year"].str.len().isin([0, 4])).all()


def test_every_kind_of_noise_shows_up() -> None:
    pop = generate_population(150, seed=9)
    rows = pd.DataFrame(mention_rows(pop, 9))
    truth = {p.person_id: p for p in pop.persons}
    names = rows["full_name"]
    assert names.str.isupper().mean() > 0.2  # capitals
    assert (names.map(lambda s: unicodedata.is_normalized("NFC", s)) == False).any()  # noqa: E712
    assert (names == names.map(fold_accents)).mean() > 0.02  # accents lost
    swapped = year_only = 0
    for _, r in rows[rows["role"] == "child"].iterrows():
        dob = truth[r["person_id"]].dob
        written = r["date_of_birth"]
        if written == str(dob.year):
            year_only += 1
        elif written == dob.strftime("%m/%d/%Y") and dob.day != dob.month:
            swapped += 1
    assert year_only > 0 and swapped > 0


def test_noise_functions() -> None:
    r = random.Random(1)
    always = Noise(
        capitals=0, decomposed=0, tone_style_main=1, i_y=0, accent_loss=0, typo=0, middle_dropped=0
    )
    assert noisy_name("Nguyễn Thị Hòa", r, always) == "Nguyễn Thị Hoà"
    loss = Noise(capitals=0, decomposed=0, tone_style_main=0, accent_loss=1)
    assert noisy_name("Đặng Thị Thủy", random.Random(2), loss) == "Dang Thi Thuy"
    only_year = Noise(date_missing=0, year_only=1)
    assert noisy_date("05/06/1980", r, only_year) == "1980"
