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


@dataclass(frozen=True)
class Thresholds:
    by_type: dict[str, float] = field(default_factory=dict)
    by_key: dict[str, float] = field(default_factory=dict)
    default: float = DEFAULT_THRESHOLD

    def for_key(self, key: str, field_type: str) -> float:
        if key in self.by_key:
            return self.by_key[key]
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
    )
