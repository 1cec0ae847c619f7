"""Accuracy benchmark: 200-record birth books at each quality, seeds no test or calibration uses.

Runs the pipeline's own steps (ingest → preprocess + OCR → extract → validate → accept/review)
and compares with truth.jsonl. Writes bench/results/accuracy.{json,md}.

    .venv/bin/python -m bench.accuracy [--records 200] [--qualities clean,scan,poor]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.common import WORK, extract_book, read_book, render, truth, write_result
from extraction.evaluate import evaluate, format_table

SEEDS = {"clean": 9101, "scan": 9102, "poor": 9103}  # tests use < 1000, calibration 5000+
TARGETS = {"clean": 0.995, "scan": 0.98, "poor": 0.93}
MAX_ACCEPTED_WRONG = 0.005
MIN_STRAIGHT_THROUGH_SCAN = 0.85


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=200)
    ap.add_argument("--qualities", default="clean,scan,poor")
    args = ap.parse_args()
    results: dict[str, Any] = {}
    tables = []
    for q in args.qualities.split(","):
        name = f"acc-{q}-{SEEDS[q]}-{args.records}"
        t0 = time.perf_counter()
        out = render(name, records=args.records, seed=SEEDS[q], quality=q)
        pages = read_book(out, WORK / f"{name}-data")
        rep = evaluate(truth(out), extract_book(out, pages))
        d = rep.as_dict()
        o = d["overall"]
        d["targets"] = {
            "accuracy": TARGETS[q],
            "accuracy_met": o["accuracy"] >= TARGETS[q],
            "accepted_wrong_max": MAX_ACCEPTED_WRONG,
            "accepted_wrong_met": o["accepted_wrong_rate"] <= MAX_ACCEPTED_WRONG,
        }
        if q == "scan":
            d["targets"]["straight_through_min"] = MIN_STRAIGHT_THROUGH_SCAN
            d["targets"]["straight_through_met"] = (
                o["straight_through"] >= MIN_STRAIGHT_THROUGH_SCAN
            )
        d["seed"] = SEEDS[q]
        d["pages"] = len(pages)
        d["seconds"] = round(time.perf_counter() - t0, 1)
        d["errors_sample"] = rep.errors[:60]
        results[q] = d
        tables.append(
            f"## {q} (seed {SEEDS[q]}, {len(pages)} pages)\n\n```\n{format_table(rep)}\n```"
        )
        print(tables[-1], flush=True)
    summary = [
        "| quality | accuracy | target | accepted-but-wrong | straight-through | CER |",
        "|---|---|---|---|---|---|",
    ]
    for q, d in results.items():
        o = d["overall"]
        summary.append(
            f"| {q} | {o['accuracy']:.2%} | ≥ {TARGETS[q]:.1%} | {o['accepted_wrong_rate']:.2%} "
            f"| {o['straight_through']:.2%} | {o['cer']:.2%} |"
        )
    write_result(
        "accuracy",
        {"records": args.records, "qualities": results},
        "# Accuracy\n\n" + "\n".join(summary) + "\n\n" + "\n\n".join(tables),
    )
    print("\n".join(summary))


if __name__ == "__main__":
    main()
