"""Acceptance thresholds per field type, set from measurement (``bench/calibrate.py``).

A field is accepted when it carries no reason and its confidence reaches its type's threshold.
Thresholds are data (``extraction/data/thresholds.json``), written by the calibration benchmark
from books of every quality whose seeds the accuracy benchmark does not use: for each type, the
lowest threshold at which the accepted fields' error rate stays under the target.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

THRESHOLDS_FILE = Path(__file__).parent / "data" / "thresholds.json"
DEFAULT_THRESHOLD = 0.90


# A page's condition, from its mean word confidence (measured: clean and scan pages 0.99 and
# above, pages with bleed-through, fading and stamps 0.95–0.988). OCR is wrong more often on a
# degraded page at the same word confidence, so each condition has its own thresholds.
GOOD_PAGE_CONF = 0.989
CONDITIONS = ("good", "degraded")


def page_condition(mean_word_conf: float) -> str:
    return "good" if mean_word_conf >= GOOD_PAGE_CONF else "degraded"


@dataclass(frozen=True)
class Thresholds:
    by_type: dict[str, float] = field(default_factory=dict)
    by_key: dict[str, float] = field(default_factory=dict)
    default: float = DEFAULT_THRESHOLD
    by_condition: dict[str, dict[str, float]] = field(default_factory=dict)
    # a key more often wrong than the rest of its type, on pages of a condition: its own
    by_key_condition: dict[str, dict[str, float]] = field(default_factory=dict)

    def for_key(self, key: str, field_type: str, condition: str | None = None) -> float:
        if condition is not None and key in self.by_key_condition.get(condition, {}):
            return self.by_key_condition[condition][key]
        if key in self.by_key:
            return self.by_key[key]
        if condition is not None and condition in self.by_condition:
            per = self.by_condition[condition]
            if field_type in per:
                return per[field_type]
        return self.by_type.get(field_type, self.default)


@cache
def load_thresholds(path: Path = THRESHOLDS_FILE) -> Thresholds:
    if not path.exists():
        return Thresholds()
    d = json.loads(path.read_text(encoding="utf-8"))
    return Thresholds(
        by_type={k: float(v) for k, v in d.get("by_type", {}).items()},
        by_key={k: float(v) for k, v in d.get("by_key", {}).items()},
        default=float(d.get("default", DEFAULT_THRESHOLD)),
        by_condition={
            c: {k: float(v) for k, v in per.items()} for c, per in d.get("by_condition", {}).items()
        },
        by_key_condition={
            c: {k: float(v) for k, v in per.items()}
            for c, per in d.get("by_key_condition", {}).items()
        },
    )
