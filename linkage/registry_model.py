"""The saved model for registry mentions: m from a generated population's truth, u from random
pairs. ``python -m linkage.registry_model`` rebuilds ``linkage/data/registry_model.json``
(population seed 501, never used by the tests or the benchmark)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from linkage.link import TrainingOptions, save_model, train_model_from_labels
from linkage.mentions import prepare_mentions
from linkage.population import generate_population, mention_rows

MODEL_PATH = Path(__file__).parent / "data" / "registry_model.json"
TRAIN_FAMILIES, TRAIN_SEED = 3000, 501


def train_registry_model(families: int = TRAIN_FAMILIES, seed: int = TRAIN_SEED) -> dict[str, Any]:
    rows = pd.DataFrame(mention_rows(generate_population(families, seed), seed))
    keys = prepare_mentions(rows)
    return train_model_from_labels(keys, rows["person_id"], TrainingOptions(seed=seed))


@cache
def registry_model() -> dict[str, Any]:
    """The shipped model (a fresh copy is not needed: callers must not mutate it)."""
    model: dict[str, Any] = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return model


if __name__ == "__main__":
    MODEL_PATH.parent.mkdir(exist_ok=True)
    save_model(train_registry_model(), MODEL_PATH)
    print(f"wrote {MODEL_PATH}")
