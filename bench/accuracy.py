"""Accuracy benchmark: 200-record books at each quality, seeds no test or calibration uses.

Runs the pipeline's own steps (ingest → preprocess + OCR → extract → validate → accept/review)
and compares with truth.jsonl. Writes bench/results/accuracy.{json,md} for birth books and
bench/results/accuracy_<type>.{json,md} for marriage and death books.

    .venv/bin/python -m bench.accuracy [--type birth|marriage|death] [--records 200]
        [--qualities clean,scan,poor]
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from bench.common import RESULTS, WORK, extract_book, read_book, render, truth, write_result
from extraction.evaluate import evaluate, format_table

# tests use < 1000, calibration 5000–7999 (bench.calibrate)
SEEDS_BY_TYPE: dict[str, dict[str, int]] = {
    "birth": {"clean": 9101, "scan": 9102, "poor": 9103},
    "marriage": {"clean": 9201, "scan": 9202, "poor": 9203},
    "death": {"clean": 9301, "scan": 9302, "poor": 9303},
}
SEEDS = SEEDS_BY_TYPE["birth"]
TARGETS = {"clean": 0.995, "scan": 0.98, "poor": 0.93}
MAX_ACCEPTED_WRONG = 0.005
MIN_STRAIGHT_THROUGH_SCAN = 0.85


def targets_for(quality: str, overall: dict[str, Any]) -> dict[str, Any]:
    """The issue's targets for a book of this quality, and whether ``overall`` meets them."""
    targets: dict[str, Any] = {
        "accuracy": TARGETS[quality],
        "accuracy_met": overall["accuracy"] >= TARGETS[quality],
        "accepted_wrong_max": MAX_ACCEPTED_WRONG,
        "accepted_wrong_met": overall["accepted_wrong_rate"] <= MAX_ACCEPTED_WRONG,
    }
    if quality == "scan":
        targets["straight_through_min"] = MIN_STRAIGHT_THROUGH_SCAN
        targets["straight_through_met"] = overall["straight_through"] >= MIN_STRAIGHT_THROUGH_SCAN
    return targets


def previous_results(name: str) -> dict[str, Any]:
    """The per-quality results of the last run, if any."""
    path = RESULTS / f"{name}.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    measured = data.get("measured_at")
    out: dict[str, Any] = {}
    for q, d in data.get("qualities", {}).items():
        out[q] = {"measured_at": measured, **d}
    return out


def table_of(d: dict[str, Any]) -> str:
    """``format_table``'s table from a quality's stored result (``EvalReport.as_dict``)."""
    o, r = d["overall"], d["records"]
    lines = [
        f"records: {r['truth']} in truth, {r['extracted']} extracted, "
        f"{r['unmatched_truth']} unmatched",
        f"fields: {o['fields']}  accuracy {o['accuracy']:.2%}  CER {o['cer']:.2%}  "
        f"straight-through {o['straight_through']:.2%}  "
        f"accepted-but-wrong {o['accepted_wrong_rate']:.2%} "
        f"({o['accepted_wrong']}/{o['accepted']})",
        "",
        f"{'key':34} {'acc':>8} {'cer':>7} {'accepted':>9} {'acc.wrong':>9}",
    ]
    for key, k in d["per_key"].items():
        lines.append(
            f"{key:34} {k['accuracy']:8.2%} {k['cer']:7.2%} {k['straight_through']:9.2%} "
            f"{k['accepted_wrong_rate']:9.2%}"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--type", dest="register_type", default="birth", choices=list(SEEDS_BY_TYPE))
    ap.add_argument("--records", type=int, default=200)
    ap.add_argument("--qualities", default="clean,scan,poor")
    args = ap.parse_args()
    rtype: str = args.register_type
    seeds = SEEDS_BY_TYPE[rtype]
    result_name = "accuracy" if rtype == "birth" else f"accuracy_{rtype}"
    # Qualities not measured in this run keep their last figures (each with its own date).
    results: dict[str, Any] = previous_results(result_name)
    for q in args.qualities.split(","):
        prefix = "acc" if rtype == "birth" else f"acc-{rtype}"
        name = f"{prefix}-{q}-{seeds[q]}-{args.records}"
        t0 = time.perf_counter()
        out = render(name, records=args.records, seed=seeds[q], quality=q, register_type=rtype)
        pages = read_book(out, WORK / f"{name}-data")
        rep = evaluate(truth(out), extract_book(out, pages))
        d = rep.as_dict()
        o = d["overall"]
        d["targets"] = targets_for(q, o)
        d["seed"] = seeds[q]
        d["pages"] = len(pages)
        d["seconds"] = round(time.perf_counter() - t0, 1)
        d["errors_sample"] = rep.errors[:60]
        d["measured_at"] = time.strftime("%Y-%m-%d %H:%M")
        results[q] = d
        print(f"## {q}\n{format_table(rep)}", flush=True)
    results = {q: results[q] for q in ("clean", "scan", "poor") if q in results}
    tables = [
        f"## {q} (seed {d.get('seed')}, {d.get('pages')} pages, measured {d.get('measured_at')})"
        f"\n\n```\n{table_of(d)}\n```"
        for q, d in results.items()
    ]
    summary = [
        "| quality | accuracy | target | accepted-but-wrong | straight-through | CER | measured |",
        "|---|---|---|---|---|---|---|",
    ]
    for q, d in results.items():
        o = d["overall"]
        summary.append(
            f"| {q} | {o['accuracy']:.2%} | ≥ {TARGETS[q]:.1%} | {o['accepted_wrong_rate']:.2%} "
            f"| {o['straight_through']:.2%} | {o['cer']:.2%} | {d.get('measured_at')} |"
        )
    write_result(
        result_name,
        {"register_type": rtype, "records": args.records, "qualities": results},
        f"# Accuracy ({rtype} register, form layout)\n\n"
        + "\n".join(summary)
        + "\n\n"
        + "\n\n".join(tables),
    )
    print("\n".join(summary))


if __name__ == "__main__":
    main()
