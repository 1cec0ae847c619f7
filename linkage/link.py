"""Link person mentions: score pairs, decide linked / review / not linked, build clusters.

Decisions, pair by pair (match weights in bits, ``log2`` of the Bayes factor, prior included):

- ``linked`` when the weight reaches ``thresholds.link`` and no rule below holds it back;
- ``review`` (the clerical queue, with each comparison's weight) when it reaches
  ``thresholds.review``, or when a rule holds a link back:
  a mention with no usable name or no date (not even a year) is never linked automatically;
  the same personal number with the other details saying "different person" is a conflict, not
  a link; two different personal numbers are never linked automatically;
- ``not linked`` otherwise.

Clusters are the connected components of linked pairs, built strongest link first; a link that
would put in one cluster two different personal numbers, two births or two deaths (the mentions'
``role``: a person is born once and dies once) or two mentions of one record (``record_id``) is
not made and goes to review instead; so is a link that would put in one cluster two different
full dates of birth (not a misread digit or a day-month swap apart) unless it is strong enough
to link with the dates compared (:func:`date_conflict_weight`).
Nothing is merged destructively: the output is a cluster id per mention plus the pair lists.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from linkage import model as m
from linkage import splink_engine
from linkage.mentions import one_edit_apart, prepare_mentions, present_keys

Outcome = Literal["linked", "review", "not_linked"]


@dataclass(frozen=True)
class Thresholds:
    """Two match-weight thresholds (bits): linked ≥ ``link`` > review ≥ ``review``."""

    link: float = 3.0
    review: float = 0.0

    def __post_init__(self) -> None:
        if self.review > self.link:
            raise ValueError("the review threshold must not exceed the link threshold")


@dataclass(frozen=True)
class TrainingOptions:
    """Unsupervised training: u from random pairs, m by EM on blocked pairs."""

    seed: int = 1
    u_max_pairs: float = 2e6
    em_max_pairs: float = 2e6
    recall: float = 0.8


@dataclass
class LinkResult:
    """Clusters and pair decisions of one linkage run."""

    clusters: pd.DataFrame  # mention_id, cluster_id (one row per input mention, input order)
    pairs: pd.DataFrame  # id_l, id_r, match_weight, match_probability, outcome, reason, w_*
    model: dict[str, Any]  # the trained (or loaded) Splink settings
    comparisons: list[str] = field(default_factory=list)

    def review(self) -> pd.DataFrame:
        """The clerical review queue, strongest first."""
        q = self.pairs[self.pairs["outcome"] == "review"]
        return q.sort_values("match_weight", ascending=False).reset_index(drop=True)

    def linked(self) -> pd.DataFrame:
        return self.pairs[self.pairs["outcome"] == "linked"].reset_index(drop=True)


def train_model(keys: pd.DataFrame, options: TrainingOptions | None = None) -> dict[str, Any]:
    """A model for this key table, trained on it without labels."""
    opts = options or TrainingOptions()
    present = present_keys(keys)
    settings = m.build_settings(present)
    if not settings["comparisons"]:
        raise ValueError("no column to compare: give at least a name or a date of birth")
    trained = splink_engine.train(
        keys,
        settings,
        deterministic_rules=m.deterministic_rules_for(present),
        training_rules=m.training_rules_for(present),
        recall=opts.recall,
        seed=opts.seed,
        u_max_pairs=opts.u_max_pairs,
        em_max_pairs=opts.em_max_pairs,
    )
    return {**trained, RECORDS_KEY: len(keys)}


def train_model_from_labels(
    keys: pd.DataFrame, labels: pd.Series, options: TrainingOptions | None = None
) -> dict[str, Any]:
    """A model whose m probabilities come from known true entities (``labels``, aligned with
    ``keys``), u from random pairs: trained once on labelled data, saved, reused."""
    opts = options or TrainingOptions()
    present = present_keys(keys)
    settings = m.build_settings(present)
    labelled = keys.assign(_label=labels.astype(str).to_numpy())
    trained = splink_engine.train_from_labels(
        labelled,
        settings,
        label_column="_label",
        seed=opts.seed,
        u_max_pairs=opts.u_max_pairs,
    )
    # how often two records match, counted rather than estimated
    sizes = labels.astype(str).value_counts()
    n = len(labels)
    matching = float((sizes * (sizes - 1) / 2).sum())
    trained["probability_two_random_records_match"] = matching / (n * (n - 1) / 2)
    return {**trained, RECORDS_KEY: n}


RECORDS_KEY = "civreg_records"  # how many records a model was trained on


MAX_SCALED_PRIOR = 0.05  # a registry of a few dozen records: never more likely than this


def scaled_to(model: dict[str, Any], records: int) -> dict[str, Any]:
    """``model`` for an input of ``records`` records. A person has about as many mentions in a
    large registry as in a small one, so the chance that two random records match goes as
    1 / records: the trained prior is scaled by that ratio, down on a larger input and up on
    a smaller one (a district's first books: kept at the trained prior, a model trained on
    43,869 records linked only 79 % of a 129-mention registry's true pairs), at most
    :data:`MAX_SCALED_PRIOR`."""
    trained_on = model.get(RECORDS_KEY)
    if not isinstance(trained_on, int) or records == trained_on or trained_on < 2 or records < 2:
        return model
    prior = float(model["probability_two_random_records_match"])
    scaled = prior * (trained_on - 1) / (records - 1)
    return {
        **model,
        "probability_two_random_records_match": min(scaled, max(prior, MAX_SCALED_PRIOR)),
    }


def save_model(model: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(model, indent=1, ensure_ascii=False), encoding="utf-8")


def load_model(path: Path) -> dict[str, Any]:
    model: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if "comparisons" not in model:
        raise ValueError(f"{path.name} is not a linkage model")
    return model


def _compatible(a: set[str], b: set[str]) -> bool:
    """Two clusters' personal numbers may belong to one person (none, or one within a typo)."""
    if not a or not b:
        return True
    return any(one_edit_apart(x, y) for x in a for y in b)


def decide(pairs: pd.DataFrame, keys: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    """Each scored pair's outcome and reason (before clustering)."""
    idx = pd.Index(keys["unique_id"])
    left, right = idx.get_indexer(pairs["id_l"]), idx.get_indexer(pairs["id_r"])
    if (left < 0).any() or (right < 0).any():
        raise ValueError("a scored pair names a mention that is not in the key table")
    usable = keys["usable"].to_numpy(dtype=bool)
    pid = keys["pid"].to_numpy(dtype=object)
    rec = keys["rec"].to_numpy(dtype=object)
    w = pairs["match_weight"].to_numpy(dtype=float)
    outcome = np.where(
        w >= thresholds.link, "linked", np.where(w >= thresholds.review, "review", "not_linked")
    ).astype(object)
    reason = np.full(len(pairs), "", dtype=object)

    def hold(mask: np.ndarray, why: str) -> None:
        outcome[mask] = "review"
        reason[mask] = why

    pa, pb = pid[left], pid[right]
    both = np.array([isinstance(x, str) for x in pa], dtype=bool) & np.array(
        [isinstance(x, str) for x in pb], dtype=bool
    )  # dtype given: no pairs at all is an empty bool array, not a float one
    if "w_personal_id" in pairs.columns and both.any():
        rest = w - pairs["w_personal_id"].to_numpy(dtype=float)
        same = both & (pa == pb)
        hold(same & (rest < thresholds.review), "same personal number, other details differ")
        other = np.flatnonzero(both & ~same & (outcome == "linked"))
        differ = [i for i in other.tolist() if not one_edit_apart(pa[i], pb[i])]
        hold(np.isin(np.arange(len(pairs)), differ), "personal numbers differ")
    ra, rb = rec[left], rec[right]
    linked = outcome == "linked"
    hold(linked & pd.notna(ra) & (ra == rb), "one record names both")
    hold((outcome == "linked") & ~(usable[left] & usable[right]), "no usable name or date")
    out = pairs.copy()
    out["outcome"] = outcome
    out["reason"] = reason
    return out


def _same_date(a: str, b: str) -> bool:
    """Two ISO dates of birth one person may have been written with: equal, one digit
    misread, or day and month swapped."""
    return one_edit_apart(a, b) or (a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7])


# Date levels two different dates of birth (not one digit or a swap apart) fall into.
_DATE_DISAGREE = ("same year, different day", "a year apart", "all other")


def date_conflict_weight(settings: dict[str, Any], thresholds: Thresholds) -> float:
    """How strong a link must be to join two clusters with different dates of birth: the link
    threshold plus what the model says two different dates weigh against a match (the least
    it says, of the levels such dates fall into). Such a link is how two namesakes of one
    year get joined through a mention giving only the year; it stands only if it would still
    link with the dates compared. A model that finds dates often wrong among matches (rough
    data) asks little more than the threshold."""
    for comp in settings.get("comparisons", []):
        if comp.get("output_column_name") != "date_of_birth":
            continue
        weights = [
            math.log2(lv["m_probability"] / lv["u_probability"])
            for lv in comp["comparison_levels"]
            if lv.get("label_for_charts") in _DATE_DISAGREE
            and lv.get("m_probability", 0) > 0
            and lv.get("u_probability", 0) > 0
        ]
        if weights:
            return thresholds.link - min(0.0, max(weights))
    return thresholds.link


DATE_CONFLICT_WEIGHT = 10.0  # cluster()'s default when the model is not given


def _held_back(a: _Facts, b: _Facts, weight: float, date_conflict: float) -> str:
    """Why two clusters must not be joined automatically by a link of ``weight`` bits ("" when
    they may be)."""
    if not _compatible(a.pids, b.pids):
        return "would join two personal numbers"
    if (
        weight < date_conflict
        and a.dobs
        and b.dobs
        and not all(_same_date(x, y) for x in a.dobs for y in b.dobs)
    ):
        return "would join two dates of birth"
    both = a.once & b.once
    if both:
        return f"would join two {sorted(both)[0]} records"
    if a.recs & b.recs:
        return "would join two mentions of one record"
    return ""


@dataclass
class _Facts:
    """What a cluster holds that another cluster may contradict."""

    pids: set[str] = field(default_factory=set)
    once: set[str] = field(default_factory=set)  # "birth", "death"
    recs: set[str] = field(default_factory=set)
    dobs: set[str] = field(default_factory=set)  # full dates of birth (ISO)

    def absorb(self, other: _Facts) -> None:
        self.pids |= other.pids
        self.once |= other.once
        self.recs |= other.recs
        self.dobs |= other.dobs


def _own_facts(pid: Any, once: Any, rec: Any, dob: Any) -> _Facts | None:
    """A mention's own facts (None: it has none)."""
    if not (
        isinstance(pid, str)
        or isinstance(once, str)
        or isinstance(rec, str)
        or isinstance(dob, str)
    ):
        return None
    return _Facts(
        {pid} if isinstance(pid, str) else set(),
        {once} if isinstance(once, str) else set(),
        {rec} if isinstance(rec, str) else set(),
        {dob} if isinstance(dob, str) else set(),
    )


_NO_FACTS = _Facts()


def cluster(
    keys: pd.DataFrame, pairs: pd.DataFrame, *, date_conflict: float = DATE_CONFLICT_WEIGHT
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clusters from the linked pairs, strongest first. A link is not made (it goes to review)
    when it would put in one cluster two personal numbers (not one typo apart), two births or
    two deaths (a person is born and dies once), or two mentions of one record, or when it is
    weaker than ``date_conflict`` bits and would put in one cluster two different dates of
    birth.

    Returns the clusters (``mention_id``, ``cluster_id``: the first mention of the cluster in
    input order) and the pairs with links that were held back turned into review items.
    """
    ids: list[str] = keys["unique_id"].tolist()
    parent = list(range(len(ids)))
    own = [keys[c].tolist() for c in ("pid", "once", "rec", "dob")]
    # a cluster's facts by its root, made the first time the root is met (most mentions are
    # in no link: a million of them, built up front, cost seconds)
    facts: dict[int, _Facts | None] = {}

    def facts_of(root: int) -> _Facts:
        if root not in facts:
            facts[root] = _own_facts(*(column[root] for column in own))
        return facts[root] or _NO_FACTS

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    pairs = pairs.reset_index(drop=True)
    linked = np.flatnonzero((pairs["outcome"] == "linked").to_numpy())
    all_weights = pairs["match_weight"].to_numpy()
    weights = all_weights[linked]
    order = linked[np.argsort(-weights, kind="stable")]
    held: dict[int, str] = {}
    where = pd.Index(ids)
    left, right = where.get_indexer(pairs["id_l"]), where.get_indexer(pairs["id_r"])
    if len(pairs) and min(left.min(), right.min()) < 0:
        raise KeyError("a pair names a mention that is not in the keys")
    id_l, id_r, weight_of = left.tolist(), right.tolist(), all_weights.tolist()
    for row in order.tolist():
        a, b = find(id_l[row]), find(id_r[row])
        if a == b:
            continue
        fa, fb = facts_of(a), facts_of(b)
        why = (
            _held_back(fa, fb, float(weight_of[row]), date_conflict)
            if (fa is not _NO_FACTS and fb is not _NO_FACTS)
            else ""
        )
        if why:
            held[row] = why
            continue
        # union by the smaller root index: the cluster id is its first mention in input order
        root, child = (a, b) if a < b else (b, a)
        parent[child] = root
        if fa is not _NO_FACTS or fb is not _NO_FACTS:
            big, small = (fa, fb) if len(fa.recs) >= len(fb.recs) else (fb, fa)
            if big is _NO_FACTS:
                big = _Facts()
            big.absorb(small)
            facts[root] = big
            facts.pop(child, None)
    if held:
        rows = list(held)
        pairs.loc[rows, "outcome"] = "review"
        pairs.loc[rows, "reason"] = list(held.values())
    clusters = pd.DataFrame(
        {"mention_id": ids, "cluster_id": [ids[find(i)] for i in range(len(ids))]}
    )
    return clusters, pairs


def link_mentions(
    mentions: pd.DataFrame,
    *,
    thresholds: Thresholds | None = None,
    model: dict[str, Any] | None = None,
    training: TrainingOptions | None = None,
) -> LinkResult:
    """Link a mention table (``mention_id`` + :data:`linkage.mentions.MENTION_FIELDS`) against
    itself. With ``model`` the saved parameters are used; else a model is trained on the input.
    """
    th = thresholds or Thresholds()
    keys = prepare_mentions(mentions)
    settings = scaled_to(model, len(keys)) if model is not None else train_model(keys, training)
    scored = splink_engine.score_pairs(keys, settings, min_weight=th.review)
    decided = decide(scored, keys, th)
    clusters, pairs = cluster(keys, decided, date_conflict=date_conflict_weight(settings, th))
    pairs = pairs[pairs["outcome"] != "not_linked"].reset_index(drop=True)
    names = [str(c["output_column_name"]) for c in settings["comparisons"]]
    return LinkResult(clusters=clusters, pairs=pairs, model=settings, comparisons=names)
