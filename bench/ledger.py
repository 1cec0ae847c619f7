"""Accuracy benchmark, ledger layout: 200-record books per register at ``scan`` and ``poor``.

Seeds no test, calibration or form benchmark uses. Runs the pipeline's own steps (ingest → per
page: ruled table found and read cell by cell, or the page read whole → extract → checks →
accept/review, ``flows.steps.extract_stored_page``) and compares with truth.jsonl. Writes
bench/results/accuracy_ledger.{json,md}: a summary per register and quality, and the per-key
tables.

    .venv/bin/python -m bench.ledger [--types birth,marriage,death] [--qualities scan,poor]
        [--records 200]
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.accuracy import TARGETS, targets_for
from bench.common import RESULTS, WORK, book_dir, export_dict, source_of, truth, write_result
from extraction.evaluate import evaluate, format_table
from extraction.extract import BookContext
from extraction.types import RecordResult, RegisterType
from flows import steps
from ingest import ingest_book
from ocr.table import TableReading, table_path
from ocr.types import PageText

SEEDS: dict[str, dict[str, int]] = {
    "birth": {"scan": 9412, "poor": 9413},
    "marriage": {"scan": 9422, "poor": 9423},
    "death": {"scan": 9432, "poor": 9433},
}


def render_ledger(name: str, *, records: int, seed: int, quality: str, register_type: str) -> Path:
    """Render a ledger book unless the same one is already there."""
    from synth.book import write_sample_book

    out = book_dir(name)
    want = {"records": records, "seed": seed, "quality": quality, "layout": "ledger"}
    meta_path = out / "meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if all(meta.get(k) == v for k, v in want.items()):
            return out
    write_sample_book(
        out,
        register_type=register_type,
        layout="ledger",
        records=records,
        seed=seed,
        quality=quality,
        fmt="pdf",
    )
    return out


def run_book(out: Path, data_dir: Path, workers: int = 2) -> tuple[list[dict[str, Any]], int, int]:
    """Read and extract a book with the pipeline's steps: (export records, pages, pages whose
    table was found)."""
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    ctx = BookContext(
        RegisterType(meta["register_type"]),
        meta["book_no"],
        meta["registration_authority"],
        meta.get("year"),
    )
    book = ingest_book(source_of(out), data_dir)
    engine = steps.shared_engine()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(lambda p: steps.read_stored_page(p, data_dir, engine), book.pages))
    records: list[RecordResult] = []
    tables = 0
    for o in sorted(outcomes, key=lambda o: o.page_no):
        if not o.ok or o.ocr_path is None:
            continue
        got, _ = steps.extract_stored_page(PageText.load(o.ocr_path), o.ocr_path, o.page_no, ctx)
        tp = table_path(o.ocr_path)
        tables += int(tp.exists() and TableReading.load(tp).grid_found)
        records.extend(got)
    return [export_dict(r) for r in records], len(outcomes), tables


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--types", default="birth,marriage,death")
    ap.add_argument("--qualities", default="scan,poor")
    ap.add_argument("--records", type=int, default=200)
    args = ap.parse_args()
    old = RESULTS / "accuracy_ledger.json"
    results: dict[str, Any] = {}
    if old.exists():  # a run of some registers keeps the others' last figures
        results = json.loads(old.read_text(encoding="utf-8")).get("books", {})
    for rtype in args.types.split(","):
        for q in args.qualities.split(","):
            seed = SEEDS[rtype][q]
            name = f"ledger-{rtype}-{q}-{seed}-{args.records}"
            t0 = time.perf_counter()
            out = render_ledger(
                name, records=args.records, seed=seed, quality=q, register_type=rtype
            )
            exported, pages, tables = run_book(out, WORK / f"{name}-data")
            rep = evaluate(truth(out), exported)
            d = rep.as_dict()
            o = d["overall"]
            d["targets"] = targets_for(q, o)
            meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
            d.update(
                seed=seed,
                pages=pages,
                pages_with_table=tables,
                spread=meta.get("spread"),
                columns=meta.get("columns"),
                seconds=round(time.perf_counter() - t0, 1),
                errors_sample=rep.errors[:60],
                table=format_table(rep),
            )
            results[f"{rtype}/{q}"] = d
            write_summary(results, args.records)  # after each book: a cut-short run keeps them
            print(f"{rtype} {q}: {o['accuracy']:.2%} accepted-wrong {o['accepted_wrong_rate']:.2%}"
                  f" straight {o['straight_through']:.2%} ({pages} pages, {tables} tables)",
                  flush=True)  # fmt: skip


def write_summary(results: dict[str, Any], records: int) -> None:
    summary = [
        "| register, quality (seed) | field accuracy (target) | accepted-but-wrong (≤ 0.5 %) "
        "| straight-through (scan ≥ 85 %) | pages (table found) |",
        "|---|---|---|---|---|",
    ]
    sections = []
    for key, d in sorted(results.items()):
        o = d["overall"]
        rtype, q = key.split("/")
        summary.append(
            f"| {rtype}, {q} ({d['seed']}) | {o['accuracy']:.2%} (≥ {TARGETS[q]:.0%}) "
            f"| {o['accepted_wrong_rate']:.2%} | {o['straight_through']:.2%} "
            f"| {d['pages']} ({d['pages_with_table']}) |"
        )
        sections.append(f"## {rtype}, {q} (seed {d['seed']})\n\n```\n{d['table']}\n```")
    write_result(
        "accuracy_ledger",
        {"records": records, "books": results},
        "# Accuracy, ledger layout (200-record books)\n\n"
        + "\n".join(summary)
        + "\n\n"
        + "\n\n".join(sections),
    )


if __name__ == "__main__":
    main()
