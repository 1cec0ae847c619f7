"""A book whose mentions give no scored pair at all (the first book of a registry)."""

from __future__ import annotations

import pandas as pd

from linkage.link import Thresholds, decide


def test_no_pairs_decide_nothing() -> None:
    keys = pd.DataFrame(
        {
            "unique_id": ["m1", "m2"],
            "usable": [True, True],
            "pid": [None, "001"],
            "rec": ["r1", "r2"],
        }
    )
    pairs = pd.DataFrame(
        {"id_l": pd.Series([], dtype=object), "id_r": pd.Series([], dtype=object),
         "match_weight": pd.Series([], dtype=float), "w_personal_id": pd.Series([], dtype=float)}
    )  # fmt: skip
    out = decide(pairs, keys, Thresholds())
    assert out.empty and {"outcome", "reason"} <= set(out.columns)
