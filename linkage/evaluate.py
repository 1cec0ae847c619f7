"""Pairwise precision, recall and F1 of clusters against the truth, and the exact-match baseline."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd


@dataclass(frozen=True)
class PairMetrics:
    """Counts and rates over pairs of records: a pair is predicted when both records are in one
    predicted cluster, true when both belong to one true entity."""

    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        d: dict[str, float | int] = dict(asdict(self))
        d.update(
            precision=round(self.precision, 5),
            recall=round(self.recall, 5),
            f1=round(self.f1, 5),
        )
        return d


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise_metrics(truth: pd.Series, predicted: pd.Series) -> PairMetrics:
    """Metrics of ``predicted`` cluster labels against ``truth`` entity labels (aligned rows)."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted labels differ in length")
    df = pd.DataFrame({"t": truth.to_numpy(), "p": predicted.to_numpy()})
    return PairMetrics(
        true_pairs=_pairs(df.groupby("t").size()),
        predicted_pairs=_pairs(df.groupby("p").size()),
        correct_pairs=_pairs(df.groupby(["t", "p"]).size()),
    )


def pairs_metrics(truth: pd.Series, pairs: pd.DataFrame) -> PairMetrics:
    """Metrics of a list of predicted pairs (``id_l``, ``id_r``; no closure) against ``truth``
    (entity label indexed by record id)."""
    t = truth.astype(str)
    tl = t.reindex(pairs["id_l"].astype(str)).to_numpy()
    tr = t.reindex(pairs["id_r"].astype(str)).to_numpy()
    return PairMetrics(
        true_pairs=_pairs(t.value_counts()),
        predicted_pairs=len(pairs),
        correct_pairs=int((tl == tr).sum()),
    )


def exact_baseline(keys: pd.DataFrame) -> pd.Series:
    """Cluster labels of the baseline: same accent-folded full name and same date of birth (the
    full date, or the year where only a year is written). Records lacking either stand alone."""
    dob = keys["dob"].fillna(keys["dob_y"].astype("string"))
    ok = keys["nm"].notna() & dob.notna()
    label = keys["nm"].astype("string") + "|" + dob.astype("string")
    return label.where(ok, "#" + keys["unique_id"].astype("string"))
