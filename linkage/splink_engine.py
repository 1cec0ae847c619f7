"""Splink on an embedded DuckDB: the one module that knows Splink.

Two operations over a key table (:func:`linkage.mentions.prepare_mentions`): :func:`train`
returns a trained settings dictionary (u from random sampling, m by expectation maximisation,
the match rate from deterministic rules), and :func:`score_pairs` returns the candidate pairs
with their match weight and each comparison's share of it. DuckDB runs in memory with extension
auto-install off, so nothing is fetched at run time.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import pandas as pd


@contextmanager
def _linker(keys: pd.DataFrame, settings: dict[str, Any]) -> Iterator[Any]:
    from splink import DuckDBAPI, Linker

    con = duckdb.connect(
        ":memory:",
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    try:
        db_api = DuckDBAPI(connection=con)
        sdf = db_api.register(keys, table_name="mentions")
        splink_settings = {k: v for k, v in settings.items() if not k.startswith("civreg_")}
        yield Linker(sdf, splink_settings, log_level=None)
    finally:
        con.close()


M_FLOOR = 1e-4  # a level never seen among matches in training is rare, not impossible


def tidy_trained(settings: dict[str, Any]) -> dict[str, Any]:
    """Drop comparisons training could not estimate (no pair with both values among the
    matches: the comparison would only add noise), and floor m probabilities of levels never
    seen among matches (their weight would be minus infinity)."""
    kept = []
    for comp in settings["comparisons"]:
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        ms = [lv.get("m_probability") for lv in levels]
        if not any(isinstance(x, int | float) and x > 0 for x in ms):
            continue
        for lv in levels:
            m = lv.get("m_probability")
            if not isinstance(m, int | float) or m < M_FLOOR:
                lv["m_probability"] = M_FLOOR
        kept.append(comp)
    return {**settings, "comparisons": kept}


def _comparison_names(settings: dict[str, Any]) -> list[str]:
    return [str(c["output_column_name"]) for c in settings["comparisons"]]


def _quiet_logs() -> None:
    """Splink warns about every level EM could not observe; the caller reports what matters."""
    logging.getLogger("splink").setLevel(logging.ERROR)


def train(
    keys: pd.DataFrame,
    settings: dict[str, Any],
    *,
    deterministic_rules: list[str],
    training_rules: list[str],
    recall: float = 0.8,
    seed: int = 1,
    u_max_pairs: float = 2e6,
    em_max_pairs: float = 2e6,
) -> dict[str, Any]:
    """Estimate the model's parameters from ``keys`` alone (no labels).

    When EM drives the m probability of a level never seen among matches below what Splink
    accepts (1e-300), training starts again with half the iterations (at most three times)."""
    iterations = int(settings.get("max_iterations", 20))
    for _ in range(3):
        try:
            return _train_once(
                keys,
                {**settings, "max_iterations": iterations},
                deterministic_rules=deterministic_rules,
                training_rules=training_rules,
                recall=recall,
                seed=seed,
                u_max_pairs=u_max_pairs,
                em_max_pairs=em_max_pairs,
            )
        except ValueError as exc:
            if "below the minimum allowed" not in str(exc) or iterations <= 2:
                raise
            iterations //= 2
    raise ValueError("training did not converge to representable probabilities")


def _train_once(
    keys: pd.DataFrame,
    settings: dict[str, Any],
    *,
    deterministic_rules: list[str],
    training_rules: list[str],
    recall: float,
    seed: int,
    u_max_pairs: float,
    em_max_pairs: float,
) -> dict[str, Any]:
    _quiet_logs()
    with _linker(keys, settings) as linker:
        if deterministic_rules:
            linker.training.estimate_probability_two_random_records_match(
                deterministic_rules, recall=recall
            )
        linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
        for rule in training_rules:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=em_max_pairs
            )
        trained: dict[str, Any] = linker.misc.save_model_to_json()
    return tidy_trained(trained)


def train_from_labels(
    keys: pd.DataFrame,
    settings: dict[str, Any],
    *,
    label_column: str,
    seed: int = 1,
    u_max_pairs: float = 2e6,
) -> dict[str, Any]:
    """Estimate m from the true entity of each record (``label_column`` of ``keys``), u from
    random pairs: a model to save and reuse on data without labels (the caller sets the
    prior, which the labels give exactly)."""
    _quiet_logs()
    with _linker(keys, settings) as linker:
        linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
        linker.training.estimate_m_from_label_column(label_column)
        trained: dict[str, Any] = linker.misc.save_model_to_json()
    return tidy_trained(trained)


def score_pairs(keys: pd.DataFrame, settings: dict[str, Any], *, min_weight: float) -> pd.DataFrame:
    """Candidate pairs of the blocking rules with ``match_weight`` ≥ ``min_weight``, or with
    personal numbers that agree whatever their weight.

    Columns: ``id_l``, ``id_r``, ``match_weight``, ``match_probability``, then for each
    comparison ``w_<name>``: its weight in bits, term frequencies included.
    """
    _quiet_logs()
    names = _comparison_names(settings)
    out = _predict(keys, settings, names, f"match_weight >= {float(min_weight)!r}", min_weight)
    if "personal_id" in names:
        # pairs with the same number, kept whatever their weight, to be checked for a conflict
        same = {**settings, "blocking_rules_to_generate_predictions": ["l.pid = r.pid"]}
        extra = _predict(keys, same, names, '"w_personal_id" > 0', None)
        out = pd.concat([out, extra], ignore_index=True)
        out = out.drop_duplicates(["id_l", "id_r"]).reset_index(drop=True)
    return out


def _predict(
    keys: pd.DataFrame,
    settings: dict[str, Any],
    names: list[str],
    where: str,
    threshold: float | None,
) -> pd.DataFrame:
    """Scored candidate pairs of ``settings``' blocking rules; pairs under ``threshold`` are
    dropped inside DuckDB (a large input's millions of weak pairs are never stored)."""
    with _linker(keys, settings) as linker:
        pred = linker.inference.predict(threshold_match_weight=threshold)
        rel = pred.as_duckdbpyrelation()
        cols = set(rel.columns)
        select = [
            "unique_id_l AS id_l",
            "unique_id_r AS id_r",
            "match_weight",
            "match_probability",
        ]
        for n in names:
            tf = f' + coalesce("mw_tf_adj_{n}", 0)' if f"mw_tf_adj_{n}" in cols else ""
            select.append(f'"mw_{n}"{tf} AS "w_{n}"')
        out = rel.query("p", f"SELECT {', '.join(select)} FROM p WHERE {where}").df()
        pred.drop_table_from_database_and_remove_from_cache()
    out["id_l"] = out["id_l"].astype(str)
    out["id_r"] = out["id_r"].astype(str)
    return out


def weight_to_probability(weight: float) -> float:
    """Match probability of a match weight (bits): ``2^w / (1 + 2^w)``."""
    return 1.0 / (1.0 + math.pow(2.0, -weight))
