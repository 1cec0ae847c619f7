"""Which preprocessing steps help: field accuracy with each step switched off in turn.

Small books of each quality (seeds of their own) are read with the pipeline's OCR and extraction;
every variant reads the same pages. Writes bench/results/preprocess.{json,md}.

    .venv/bin/python -m bench.preprocess [--records 30]
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from PIL import Image

from bench.common import extract_book, render, source_of, truth, write_result
from extraction.evaluate import evaluate
from extraction.syllables import text_plausibility
from flows.steps import shared_engine
from ingest import ingest_book
from ocr.page import read_page
from ocr.preprocess import PreprocessOptions

SEEDS = {"clean": 8101, "scan": 8201, "poor": 8301}
STEPS = (
    "deskew",
    "remove_leaders",
    "remove_rules",
    "fill_dotted_zeros",
    "flatten",
    "clip_bleed_through",
    "stamp_suppression",
)
EXTRA = {"+binarize": {"binarize": True}, "+denoise": {"denoise": True}}


def variants() -> dict[str, PreprocessOptions]:
    base = PreprocessOptions()
    out = {"default": base}
    for step in STEPS:
        out[f"-{step}"] = dataclasses.replace(base, **{step: False})
    for name, change in EXTRA.items():
        out[name] = dataclasses.replace(base, **change)
    out["none"] = PreprocessOptions(**{s: False for s in STEPS})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=30)
    args = ap.parse_args()
    engine = shared_engine()
    results: dict[str, dict[str, Any]] = {}
    for q, seed in SEEDS.items():
        out = render(f"pre-{q}-{seed}-{args.records}", records=args.records, seed=seed, quality=q)
        book = ingest_book(source_of(out), out.parent / f"pre-{q}-data")
        images = [np.asarray(Image.open(p.image_path)) for p in book.pages if p.image_path]
        for name, opts in variants().items():
            t0 = time.perf_counter()
            with ThreadPoolExecutor(max_workers=2) as pool:
                readings = list(
                    pool.map(lambda im, o=opts: read_page(im, engine, o, text_plausibility), images)
                )
            secs = time.perf_counter() - t0
            pages = {i + 1: r.text for i, r in enumerate(readings)}
            o = evaluate(truth(out), extract_book(out, pages)).overall.as_dict()
            results.setdefault(name, {})[q] = {
                "accuracy": o["accuracy"],
                "cer": o["cer"],
                "accepted_wrong_rate": o["accepted_wrong_rate"],
                "seconds": round(secs, 1),
            }
            print(q, name, o["accuracy"], round(secs, 1), flush=True)
    lines = [
        "| variant | "
        + " | ".join(f"{q} acc" for q in SEEDS)
        + " | "
        + " | ".join(f"{q} s" for q in SEEDS)
        + " |",
        "|---" * (1 + 2 * len(SEEDS)) + "|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | "
            + " | ".join(f"{r[q]['accuracy']:.2%}" for q in SEEDS)
            + " | "
            + " | ".join(f"{r[q]['seconds']}" for q in SEEDS)
            + " |"
        )
    write_result(
        "preprocess",
        {"records": args.records, "seeds": SEEDS, "variants": results},
        "# Preprocessing ablation (field accuracy; seconds for the book's OCR)\n\n"
        + "\n".join(lines),
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
