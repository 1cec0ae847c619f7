"""Shared by the benchmarks: render a sample book once, run the pipeline, keep results."""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from extraction.evaluate import read_jsonl
from extraction.extract import BookContext, extract_page
from extraction.types import RecordResult, RegisterType
from flows import steps
from ingest import ingest_book
from ocr.types import PageText

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
WORK = ROOT / "out"  # rendered books and their data dirs (ignored by git)


def book_dir(name: str) -> Path:
    return WORK / name


def render(
    name: str,
    *,
    records: int,
    seed: int,
    quality: str,
    fmt: str = "pdf",
    register_type: str = "birth",
) -> Path:
    """Render a sample book unless the same one is already there."""
    from synth.book import write_sample_book

    out = book_dir(name)
    meta_path = out / "meta.json"
    want = {
        "records": records,
        "seed": seed,
        "quality": quality,
        "format": fmt,
        "register_type": register_type,
    }
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if all(meta.get(k) == v for k, v in want.items()):
            return out
    write_sample_book(
        out, register_type=register_type, records=records, seed=seed, quality=quality, fmt=fmt
    )
    return out


def source_of(out: Path) -> Path:
    for name in ("book.pdf", "book.tif", "pages"):
        if (out / name).exists():
            return out / name
    raise FileNotFoundError(out)


def read_book(out: Path, data_dir: Path, workers: int = 2) -> dict[int, PageText]:
    """Ingest and OCR a book with the pipeline's own steps (OCR kept in data_dir)."""
    book = ingest_book(source_of(out), data_dir)
    engine = steps.shared_engine()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(lambda p: steps.read_stored_page(p, data_dir, engine), book.pages))
    return {o.page_no: PageText.load(o.ocr_path) for o in outcomes if o.ok and o.ocr_path}


def extract_book(out: Path, pages: dict[int, PageText]) -> list[dict[str, Any]]:
    """Extraction only, on kept OCR: the export records, as ``civreg export`` writes them."""
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    ctx = BookContext(
        RegisterType(meta.get("register_type", "birth")),
        meta["book_no"],
        meta["registration_authority"],
        meta.get("year"),
    )
    records: list[RecordResult] = []
    for no in sorted(pages):
        records.extend(extract_page(pages[no], no, ctx))
    return [export_dict(r) for r in records]


def export_dict(r: RecordResult) -> dict[str, Any]:
    return {
        "register_type": r.register_type.value,
        "book_no": r.book_no,
        "entry_no": r.entry_no,
        "registration_authority": r.registration_authority,
        "pages": r.pages,
        "status": r.status.value,
        "fields": {
            k: {
                "value": f.value,
                "raw": f.raw,
                "confidence": f.confidence,
                "status": f.status.value,
                "reasons": f.reasons,
                "page": f.page,
                "bbox": list(f.bbox) if f.bbox else None,
            }
            for k, f in r.fields.items()
        },
    }


def truth(out: Path) -> list[dict[str, Any]]:
    return read_jsonl(out / "truth.jsonl")


def write_result(name: str, data: dict[str, Any], table: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"measured_at": time.strftime("%Y-%m-%d %H:%M"), **data}
    (RESULTS / f"{name}.json").write_text(
        json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    (RESULTS / f"{name}.md").write_text(table + "\n", encoding="utf-8")
