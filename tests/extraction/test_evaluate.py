from __future__ import annotations

import pytest

from extraction.evaluate import evaluate, format_table


def rec(no: str, page: int, fields: dict[str, tuple[str | None, str]]) -> dict[str, object]:
    return {
        "entry_no": no,
        "pages": [page],
        "fields": {k: {"value": v, "status": s} for k, (v, s) in fields.items()},
    }


def test_metrics_count_what_they_say() -> None:
    truth = [
        {"entry_no": "1", "pages": [1], "fields": {"a": "Nguyễn", "b": None}},
        {"entry_no": "2", "pages": [1], "fields": {"a": "Lê", "b": "x"}},
        {"entry_no": "3", "pages": [2], "fields": {"a": "Trần", "b": "y"}},
    ]
    pred = [
        rec("1", 1, {"a": ("Nguyễn", "accepted"), "b": (None, "accepted")}),
        # entry 2's number was misread: paired by page and order
        rec("7", 1, {"a": ("Lé", "accepted"), "b": ("x", "needs_review")}),
    ]
    rep = evaluate(truth, pred)
    o = rep.overall.as_dict()
    assert rep.records_unmatched == 1  # entry 3 has no twin: its fields count as wrong
    assert o["fields"] == 6 and o["accuracy"] == 3 / 6
    assert o["accepted"] == 3 and o["accepted_wrong"] == 1
    assert rep.per_key["a"].as_dict()["accuracy"] == pytest.approx(1 / 3, abs=1e-5)
    assert rep.records_straight_through == 1
    assert "accuracy" in format_table(rep)
