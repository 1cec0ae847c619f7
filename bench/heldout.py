"""Poor-quality birth books with seeds nobody looked at while tuning extraction.

The accuracy benchmark's poor book (seed 9103) was also the book extraction was improved
against, so its figure is optimistic; these books say how the same code does on books it has
never seen. Writes bench/results/accuracy_poor_heldout.{json,md}.

Seeds 9104 and 9105 were measured (not tuned on) in an earlier session; 9106–9108 were added
untouched as fresh held-out books when extraction was next improved (on dev seeds 74xx).

    .venv/bin/python -m bench.heldout [--seeds 9104,9105,9106,9107,9108] [--records 200]
"""

from __future__ import annotations

import argparse
from typing import Any

from bench.common import WORK, extract_book, read_book, render, truth, write_result
from extraction.evaluate import KeyStats, evaluate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="9104,9105,9106,9107,9108")
    ap.add_argument("--records", type=int, default=200)
    args = ap.parse_args()
    rows: dict[str, Any] = {}
    pooled = KeyStats()
    for seed in (int(s) for s in args.seeds.split(",")):
        name = f"heldout-poor-{seed}-{args.records}"
        out = render(name, records=args.records, seed=seed, quality="poor")
        pages = read_book(out, WORK / f"{name}-data")
        rep = evaluate(truth(out), extract_book(out, pages))
        rows[str(seed)] = rep.as_dict()["overall"]
        pooled.merge(rep.overall)
    if len(rows) > 1:
        rows["all books"] = pooled.as_dict()
    table = [
        "| seed | accuracy (target ≥ 93 %) | accepted-but-wrong (≤ 0.5 %) | straight-through |",
        "|---|---|---|---|",
    ]
    for seed_text, o in rows.items():
        table.append(
            f"| {seed_text} | {o['accuracy']:.2%} | {o['accepted_wrong_rate']:.2%} "
            f"| {o['straight_through']:.2%} |"
        )
    md = "# Poor-quality birth books, held out from tuning\n\n" + "\n".join(table)
    write_result("accuracy_poor_heldout", {"records": args.records, "seeds": rows}, md)
    print(md)


if __name__ == "__main__":
    main()
