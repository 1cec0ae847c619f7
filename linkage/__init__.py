"""Probabilistic record linkage of person mentions (Splink on an embedded DuckDB).

The public surface: a mention table in (:data:`MENTION_FIELDS`), :func:`link_mentions` out
(clusters, linked pairs, a clerical review queue with match weights). Splink stays behind
:mod:`linkage.splink_engine`.
"""

from linkage.evaluate import PairMetrics, pairwise_metrics
from linkage.link import (
    LinkResult,
    Thresholds,
    TrainingOptions,
    link_mentions,
    load_model,
    save_model,
    train_model,
)
from linkage.mentions import MENTION_FIELDS, MENTION_ID, prepare_mentions

__all__ = [
    "MENTION_FIELDS",
    "MENTION_ID",
    "LinkResult",
    "PairMetrics",
    "Thresholds",
    "TrainingOptions",
    "link_mentions",
    "load_model",
    "pairwise_metrics",
    "prepare_mentions",
    "save_model",
    "train_model",
]
