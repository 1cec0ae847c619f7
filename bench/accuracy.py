"""Accuracy benchmark: 200-record books at each quality, seeds no test or calibration uses.

Runs the pipeline's own steps (ingest → preprocess + OCR → extract → validate → accept/review)
and compares with truth.jsonl. Writes bench/results/accuracy.{json,md} for birth books and
bench/results/accuracy_<type>.{json,md} for marriage and death books.

    .venv/bin/python -m bench.accuracy [--type birth|marriage|death] [--records 200]
        [--qualities clean,scan,poor]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.common import WORK, extract_book, read_book, render, truth, write_result
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--type", dest="register_type", default="birth", choices=list(SEEDS_BY_TYPE))
    ap.add_argument("--records", type=int, default=200)
    ap.add_argument("--qualities", default="clean,scan,poor")
    args = ap.parse_args()
    rtype: str = args.register_type
    seeds = SEEDS_BY_TYPE[rtype]
    results: dict[str, Any] = {}
    tables = []
    for q in args.qualities.split(","):
        prefix = "acc" if rtype == "birth" else f"acc-{rtype}"
        name = f"{prefix}-{q}-{seeds[q]}-{args.records}"
        t0 = time.perf_counter()
        out = render(name, records=args.records, seed=seeds[q], quality=q, register_type=rtype)
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
        d["seed"] = seeds[q]
        d["pages"] = len(pages)
        d["seconds"] = round(time.perf_counter() - t0, 1)
        d["errors_sample"] = rep.errors[:60]
        results[q] = d
        tables.append(
            f"## {q} (seed {seeds[q]}, {len(pages)} pages)\n\n```\n{format_table(rep)}\n```"
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
        "accuracy" if rtype == "birth" else f"accuracy_{rtype}",
        {"register_type": rtype, "records": args.records, "qualities": results},
        f"# Accuracy ({rtype} register, form layout)\n\n"
        + "\n".join(summary)
        + "\n\n"
        + "\n\n".join(tables),
    )
    print("\n".join(summary))


if __name__ == "__main__":
    main()
