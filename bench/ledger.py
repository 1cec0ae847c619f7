"""Accuracy benchmark, ledger layout: 200-record books per register at ``scan`` and ``poor``;
and the ledger's own calibration of acceptance thresholds.

Seeds no test, calibration or form benchmark uses. Runs the pipeline's own steps (ingest → per
page: ruled table found and read cell by cell, or the page read whole → extract → checks →
accept/review, ``flows.steps.extract_stored_page``) and compares with truth.jsonl. Writes
bench/results/accuracy_ledger.{json,md}: a summary per register and quality, and the per-key
tables.

``--calibrate`` sets each register's ledger thresholds (``extraction/data/thresholds_ledger_<type>
.json``; the form layout's stay in ``thresholds*.json``) from 120-record ledger books on seeds of
their own (``CAL_SEEDS``, never the benchmark's), the way ``bench.calibrate`` does for forms:
per field type and page condition, and per key where a key is wrong more often than its type.
Results in bench/results/calibration_ledger.{json,md}.

    .venv/bin/python -m bench.ledger [--types birth,marriage,death] [--qualities scan,poor]
        [--records 200] [--calibrate]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

from bench.accuracy import TARGETS, targets_for
from bench.calibrate import (
    MAX_ERROR_PER_QUALITY,
    TARGET_ERROR,
    KeySamples,
    Sample,
    Samples,
    _err,
    add_samples,
    field_type,
    threshold_for,
)
from bench.common import RESULTS, WORK, book_dir, export_dict, source_of, truth, write_result
from extraction.calibration import CONDITIONS, DEFAULT_THRESHOLD, THRESHOLDS_FILE, page_condition
from extraction.evaluate import evaluate, format_table
from extraction.extract import BookContext
from extraction.forms import form_for
from extraction.ledger import ledger_thresholds_file
from extraction.types import RecordResult, RegisterType
from flows import steps
from ingest import ingest_book
from ocr.page import mean_conf
from ocr.table import TableReading, table_path
from ocr.types import PageText

SEEDS: dict[str, dict[str, int]] = {
    "birth": {"scan": 9412, "poor": 9413},
    "marriage": {"scan": 9422, "poor": 9423},
    "death": {"scan": 9432, "poor": 9433},
}
# Calibration books (120 records): seeds of their own, never the benchmark's above.
CAL_SEEDS: dict[str, dict[str, list[int]]] = {
    "birth": {"scan": [8411], "poor": [8412, 8413]},
    "marriage": {"scan": [8421], "poor": [8422, 8423]},
    "death": {"scan": [8431], "poor": [8432, 8433]},
}
CAL_RECORDS = 120


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


class LedgerRun(NamedTuple):
    records: list[dict[str, Any]]  # as exported
    pages: int
    tables: int  # pages whose table was found
    conditions: dict[int, str]  # page → its condition (``extraction.calibration``)


def run_book(out: Path, data_dir: Path, workers: int = 2) -> LedgerRun:
    """Read and extract a book with the pipeline's steps."""
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
    conditions: dict[int, str] = {}
    for o in sorted(outcomes, key=lambda o: o.page_no):
        if not o.ok or o.ocr_path is None:
            continue
        text = PageText.load(o.ocr_path)
        got, _ = steps.extract_stored_page(text, o.ocr_path, o.page_no, ctx)
        tp = table_path(o.ocr_path)
        table = TableReading.load(tp) if tp.exists() else None
        tables += int(table is not None and table.grid_found)
        page = table.page_text() if table is not None and table.grid_found else text
        conditions[o.page_no] = page_condition(mean_conf(page))
        records.extend(got)
    return LedgerRun([export_dict(r) for r in records], len(outcomes), tables, conditions)


def calibrate(register_type: str) -> dict[str, Any]:
    """Set a register's ledger thresholds from its calibration books; returns the report."""
    form = form_for(register_type)
    samples: Samples = {c: defaultdict(list) for c in CONDITIONS}
    by_key: KeySamples = {c: defaultdict(list) for c in CONDITIONS}
    for q, seeds in CAL_SEEDS[register_type].items():
        for seed in seeds:
            name = f"cal-ledger-{register_type}-{q}-{seed}-{CAL_RECORDS}"
            out = render_ledger(
                name, records=CAL_RECORDS, seed=seed, quality=q, register_type=register_type
            )
            run = run_book(out, WORK / f"{name}-data")
            add_samples(truth(out), run.records, run.conditions, q, form, samples, by_key)
    pooled: dict[str, list[Sample]] = defaultdict(list)
    for per in samples.values():
        for ftype, ss in per.items():
            pooled[ftype] += ss
    thresholds: dict[str, dict[str, float]] = {}
    report: dict[str, dict[str, dict[str, Any]]] = {}

    def note(group: str, name: str, ss: list[Sample], t: float) -> None:
        n, bad = _err(ss, t)
        report.setdefault(group, {})[name] = {
            "samples": len(ss),
            "wrong": sum(not s[1] for s in ss),
            "threshold": t,
            "accepted": n,
            "accepted_wrong": bad,
        }

    for cond, per in {"any": pooled, **samples}.items():
        for ftype, ss in sorted(per.items()):
            t = threshold_for(ss)
            thresholds.setdefault(cond, {})[ftype] = t
            note(cond, ftype, ss, t)
    keyed: dict[str, dict[str, float]] = {}
    for cond, per_key in by_key.items():
        for key, ss in sorted(per_key.items()):
            t = threshold_for(ss)
            if t <= thresholds.get(cond, {}).get(field_type(key, form), 0.0):
                continue  # its type's threshold on these pages is strict enough
            keyed.setdefault(cond, {})[key] = t
            note(f"{cond} (key)", key, ss, t)
    path = THRESHOLDS_FILE.parent / ledger_thresholds_file(register_type)
    path.write_text(
        json.dumps(
            {
                "by_type": thresholds.get("any", {}),
                "by_key_condition": keyed,
                "by_condition": {c: thresholds[c] for c in CONDITIONS if c in thresholds},
                "default": DEFAULT_THRESHOLD,
                "target_error": TARGET_ERROR,
                "max_error_per_quality": MAX_ERROR_PER_QUALITY,
                "layout": "ledger",
                "seeds": CAL_SEEDS[register_type],
                "records": CAL_RECORDS,
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    return report


def write_calibration(reports: dict[str, Any]) -> None:
    old = RESULTS / "calibration_ledger.json"
    if old.exists():  # a run of some registers keeps the others' last figures
        reports = {**json.loads(old.read_text(encoding="utf-8")).get("registers", {}), **reports}
    lines = [
        "| register | page condition | type or key | samples | wrong | threshold | accepted "
        "| accepted wrong |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for rtype, rep in sorted(reports.items()):
        for group, rows in rep.items():
            for name, r in rows.items():
                lines.append(
                    f"| {rtype} | {group} | {name} | {r['samples']} | {r['wrong']} "
                    f"| {r['threshold']:.4f} | {r['accepted']} | {r['accepted_wrong']} |"
                )
    write_result(
        "calibration_ledger",
        {"target_error": TARGET_ERROR, "seeds": CAL_SEEDS, "registers": reports},
        "# Calibration, ledger layout (120-record books; seeds "
        + "; ".join(
            f"{t}: " + ", ".join(f"{q} {', '.join(map(str, ss))}" for q, ss in CAL_SEEDS[t].items())
            for t in sorted(reports)
        )
        + ")\n\n"
        + "\n".join(lines),
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--types", default="birth,marriage,death")
    ap.add_argument("--qualities", default="scan,poor")
    ap.add_argument("--records", type=int, default=200)
    ap.add_argument("--calibrate", action="store_true", help="set the ledger thresholds instead")
    args = ap.parse_args()
    if args.calibrate:
        write_calibration({t: calibrate(t) for t in args.types.split(",")})
        return
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
            run = run_book(out, WORK / f"{name}-data")
            pages, tables = run.pages, run.tables
            rep = evaluate(truth(out), run.records)
            d = rep.as_dict()
            o = d["overall"]
            d["targets"] = targets_for(q, o)
            meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
            d.update(
                thresholds=thresholds_used(rtype),
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


def thresholds_used(register_type: str) -> str:
    """Which thresholds a register's ledger pages are judged by (``ledger_thresholds``)."""
    ledger_file = ledger_thresholds_file(register_type)
    if (THRESHOLDS_FILE.parent / ledger_file).exists():
        return ledger_file
    return form_for(register_type).thresholds_file


def write_summary(results: dict[str, Any], records: int) -> None:
    summary = [
        "| register, quality (seed) | field accuracy (target) | accepted-but-wrong (≤ 0.5 %) "
        "| straight-through (scan ≥ 85 %) | pages (table found) | thresholds |",
        "|---|---|---|---|---|---|",
    ]
    sections = []
    for key, d in sorted(results.items()):
        o = d["overall"]
        rtype, q = key.split("/")
        summary.append(
            f"| {rtype}, {q} ({d['seed']}) | {o['accuracy']:.2%} (≥ {TARGETS[q]:.0%}) "
            f"| {o['accepted_wrong_rate']:.2%} | {o['straight_through']:.2%} "
            f"| {d['pages']} ({d['pages_with_table']}) | {d.get('thresholds', '')} |"
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
