"""Compare exported records with ``truth.jsonl``: field accuracy, CER, straight-through, and the
error rate among accepted fields — overall and per key.

Records are paired by entry number, then (for entries whose number was misread) by page and order
on the page. A truth record with no extracted twin counts every one of its fields as wrong.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein


def canon(value: Any) -> str | None:
    """The comparison form of a value: NFC, single spaces; blank is None."""
    if value is None:
        return None
    s = " ".join(unicodedata.normalize("NFC", str(value)).split())
    return s or None


@dataclass
class KeyStats:
    total: int = 0
    correct: int = 0
    accepted: int = 0
    accepted_wrong: int = 0
    char_errors: int = 0
    chars: int = 0

    def add(self, truth: str | None, pred: str | None, accepted: bool) -> bool:
        ok = truth == pred
        self.total += 1
        self.correct += ok
        if accepted:
            self.accepted += 1
            self.accepted_wrong += not ok
        if truth is not None:
            self.chars += len(truth)
            self.char_errors += Levenshtein.distance(truth, pred or "")
        elif pred is not None:
            self.char_errors += len(pred)
        return ok

    def merge(self, other: KeyStats) -> None:
        for name in ("total", "correct", "accepted", "accepted_wrong", "char_errors", "chars"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, float | int]:
        return {
            "fields": self.total,
            "accuracy": _ratio(self.correct, self.total),
            "cer": _ratio(self.char_errors, self.chars),
            "straight_through": _ratio(self.accepted, self.total),
            "accepted_wrong_rate": _ratio(self.accepted_wrong, self.accepted),
            "accepted": self.accepted,
            "accepted_wrong": self.accepted_wrong,
        }


def _ratio(a: int, b: int) -> float:
    return round(a / b, 6) if b else 0.0


@dataclass
class EvalReport:
    overall: KeyStats = field(default_factory=KeyStats)
    per_key: dict[str, KeyStats] = field(default_factory=lambda: defaultdict(KeyStats))
    records_truth: int = 0
    records_found: int = 0
    records_unmatched: int = 0
    records_straight_through: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # wrong fields, for debugging

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.as_dict(),
            "records": {
                "truth": self.records_truth,
                "extracted": self.records_found,
                "unmatched_truth": self.records_unmatched,
                "straight_through": _ratio(self.records_straight_through, self.records_truth),
            },
            "per_key": {k: v.as_dict() for k, v in sorted(self.per_key.items())},
        }


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pair_records(
    truth: list[dict[str, Any]], pred: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Each truth record with its extracted twin (or None): by entry number on the same page,
    then by order among the unpaired records of the page (an entry number can be misread into
    another entry's number, so a number alone is not trusted)."""

    def page_of(r: dict[str, Any]) -> int:
        return int(r["pages"][0]) if r.get("pages") else -1

    by_key: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for p in pred:
        by_key[(str(p.get("entry_no")), page_of(p))].append(p)
    used: set[int] = set()
    paired: dict[int, dict[str, Any]] = {}
    for i, t in enumerate(truth):
        cands = [
            p for p in by_key.get((str(t.get("entry_no")), page_of(t)), []) if id(p) not in used
        ]
        if cands:
            used.add(id(cands[0]))
            paired[i] = cands[0]
    by_page: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for p in pred:
        if id(p) not in used:
            by_page[page_of(p)].append(p)
    pairs: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    for i, t in enumerate(truth):
        if i in paired:
            pairs.append((t, paired[i]))
            continue
        rest = by_page.get(page_of(t), [])
        pairs.append((t, rest.pop(0) if rest else None))
    return pairs


def evaluate(
    truth: Iterable[dict[str, Any]], predicted: Iterable[dict[str, Any]], *, keep_errors: int = 200
) -> EvalReport:
    truth_l = list(truth)
    pred_l = list(predicted)
    rep = EvalReport(records_truth=len(truth_l), records_found=len(pred_l))
    for t, p in pair_records(truth_l, pred_l):
        if p is None:
            rep.records_unmatched += 1
        all_accepted = p is not None
        for key, tval in t["fields"].items():
            pf = (p or {}).get("fields", {}).get(key) if p else None
            pval = canon(pf.get("value")) if pf else None
            accepted = bool(pf and pf.get("status") == "accepted")
            all_accepted = all_accepted and accepted
            tv = canon(tval)
            stats = rep.per_key[key]
            ok = stats.add(tv, pval, accepted)
            rep.overall.add(tv, pval, accepted)
            if not ok and len(rep.errors) < keep_errors:
                rep.errors.append(
                    {
                        "entry_no": t.get("entry_no"),
                        "key": key,
                        "truth": tv,
                        "value": pval,
                        "raw": pf.get("raw") if pf else None,
                        "status": pf.get("status") if pf else None,
                        "confidence": pf.get("confidence") if pf else None,
                        "reasons": pf.get("reasons") if pf else None,
                    }
                )
        rep.records_straight_through += all_accepted
    return rep


def format_table(rep: EvalReport) -> str:
    """A short plain-text table: overall line, then one line per key."""
    o = rep.overall.as_dict()
    lines = [
        f"records: {rep.records_truth} in truth, {rep.records_found} extracted, "
        f"{rep.records_unmatched} unmatched",
        f"fields: {o['fields']}  accuracy {o['accuracy']:.2%}  CER {o['cer']:.2%}  "
        f"straight-through {o['straight_through']:.2%}  "
        f"accepted-but-wrong {o['accepted_wrong_rate']:.2%} "
        f"({o['accepted_wrong']}/{o['accepted']})",
        "",
        f"{'key':34} {'acc':>8} {'cer':>7} {'accepted':>9} {'acc.wrong':>9}",
    ]
    for key, st in sorted(rep.per_key.items()):
        d = st.as_dict()
        lines.append(
            f"{key:34} {d['accuracy']:8.2%} {d['cer']:7.2%} {d['straight_through']:9.2%} "
            f"{d['accepted_wrong_rate']:9.2%}"
        )
    return "\n".join(lines)
