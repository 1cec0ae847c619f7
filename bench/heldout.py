"""Poor-quality birth books with seeds nobody looked at while tuning extraction.

The accuracy benchmark's poor book (seed 9103) was also the book extraction was improved
against, so its figure is optimistic; these books say how the same code does on books it has
never seen. Writes bench/results/accuracy_poor_heldout.{json,md}.

Seeds 9104 and 9105 were measured (not tuned on) in an earlier session; 9106–9108 were added
untouched as fresh held-out books when extraction was next improved (on dev seeds 74xx).

A run of some seeds keeps the other seeds' last rows, each with its date and extractor version;
the pooled row covers only the seeds read in the run.

    .venv/bin/python -m bench.heldout [--seeds 9104,9105,9106,9107,9108] [--records 200]
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from bench.common import RESULTS, WORK, extract_book, read_book, render, truth, write_result
from extraction.evaluate import KeyStats, evaluate
from extraction.extract import EXTRACTOR_VERSION

POOLED = "all books"


def previous_rows() -> dict[str, Any]:
    """The last run's per-seed rows, each with its own date and extractor version."""
    path = RESULTS / "accuracy_poor_heldout.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    rows: dict[str, Any] = {}
    for seed, row in data.get("seeds", {}).items():
        if seed == POOLED or not seed.isdigit():
            continue
        rows[seed] = {
            "measured_at": data.get("measured_at"),
            "extractor": data.get("extractor", "form-4"),
            **row,
        }
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="9104,9105,9106,9107,9108")
    ap.add_argument("--records", type=int, default=200)
    args = ap.parse_args()
    # Seeds not read in this run keep their last figures, each with its date and extractor.
    rows: dict[str, Any] = previous_rows()
    pooled = KeyStats()
    seeds = [s.strip() for s in args.seeds.split(",")]
    for seed in seeds:
        name = f"heldout-poor-{seed}-{args.records}"
        out = render(name, records=args.records, seed=int(seed), quality="poor")
        pages = read_book(out, WORK / f"{name}-data")
        rep = evaluate(truth(out), extract_book(out, pages))
        rows[seed] = {
            "measured_at": time.strftime("%Y-%m-%d %H:%M"),
            "extractor": EXTRACTOR_VERSION,
            **rep.as_dict()["overall"],
        }
        pooled.merge(rep.overall)
    rows = {k: rows[k] for k in sorted(rows)}
    if len(seeds) > 1:
        # pooled over this run's books only: figures of other versions are not added in
        rows[POOLED] = {
            "measured_at": time.strftime("%Y-%m-%d %H:%M"),
            "extractor": EXTRACTOR_VERSION,
            "seeds": seeds,
            **pooled.as_dict(),
        }
    table = [
        "| seed | accuracy (target ≥ 93 %) | accepted-but-wrong (≤ 0.5 %) | straight-through "
        "| extractor | measured |",
        "|---|---|---|---|---|---|",
    ]
    for seed_text, o in rows.items():
        label = seed_text if seed_text != POOLED else f"{POOLED} of this run ({', '.join(seeds)})"
        table.append(
            f"| {label} | {o['accuracy']:.2%} | {o['accepted_wrong_rate']:.2%} "
            f"| {o['straight_through']:.2%} | {o.get('extractor')} | {o.get('measured_at')} |"
        )
    md = "# Poor-quality birth books, held out from tuning\n\n" + "\n".join(table)
    write_result(
        "accuracy_poor_heldout",
        {"records": args.records, "extractor": EXTRACTOR_VERSION, "seeds": rows},
        md,
    )
    print(md)


if __name__ == "__main__":
    main()
