"""Speed: the whole pipeline vs raw ``tesseract -l vie`` on the same pages, same parallelism.

One run, both measured in it (machines here are shared and noisy, so only the ratio is reported
as the result):
1. raw: ``tesseract PAGE out -l vie`` for every page PNG, ``--workers`` processes at a time,
   ``OMP_THREAD_LIMIT=1`` (its fastest setting on this machine).
2. pipeline: ``civreg digitize`` of the same pages as a folder (a fresh data dir and SQLite DB):
   ingest, fingerprint, preprocess, OCR, extract, validate, load, Prefect flow start-up included.

    .venv/bin/python -m bench.speed [--records 200] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import render, write_result

TARGET_RATIO = 1.25


def raw_tesseract(pages: list[Path], workers: int, out_dir: Path) -> float:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(p: Path) -> None:
        subprocess.run(
            ["tesseract", str(p), str(out_dir / p.stem), "-l", "vie"],
            check=True,
            capture_output=True,
            env=env,
        )

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - t0


def pipeline(folder: Path, workers: int, work: Path, meta: dict[str, object]) -> float:
    civreg = Path(sys.executable).with_name("civreg")
    cmd = [
        str(civreg),
        "digitize",
        str(folder),
        "--type",
        "birth",
        "--book-no",
        str(meta["book_no"]),
        "--authority",
        str(meta["registration_authority"]),
        "--workers",
        str(workers),
        "--data-dir",
        str(work / "data"),
        "--db",
        f"sqlite:///{work / 'bench.sqlite'}",
    ]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quality", default="scan")
    args = ap.parse_args()
    out = render(
        f"speed-{args.quality}-{args.records}",
        records=args.records,
        seed=7700,
        quality=args.quality,
        fmt="png",
    )
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    pages = sorted((out / "pages").glob("*.png"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "raw").mkdir()
        raw = raw_tesseract(pages, args.workers, work / "raw")
        pipe = pipeline(out / "pages", args.workers, work, meta)
        shutil.rmtree(work / "data", ignore_errors=True)
    n = len(pages)
    ratio = pipe / raw
    data = {
        "pages": n,
        "workers": args.workers,
        "quality": args.quality,
        "raw_tesseract_seconds": round(raw, 2),
        "pipeline_seconds": round(pipe, 2),
        "raw_seconds_per_page": round(raw / n, 3),
        "pipeline_seconds_per_page": round(pipe / n, 3),
        "pipeline_pages_per_minute": round(60 * n / pipe, 1),
        "raw_pages_per_minute": round(60 * n / raw, 1),
        "ratio": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        "met": ratio <= TARGET_RATIO,
    }
    table = "\n".join(
        [
            "# Speed (whole pipeline vs raw tesseract, same pages, same parallelism)",
            "",
            "| | seconds | s/page | pages/min |",
            "|---|---|---|---|",
            f"| raw `tesseract -l vie` | {raw:.1f} | {raw / n:.3f} | {60 * n / raw:.1f} |",
            f"| `civreg digitize` | {pipe:.1f} | {pipe / n:.3f} | {60 * n / pipe:.1f} |",
            "",
            f"ratio {ratio:.3f} (target ≤ {TARGET_RATIO}); {n} pages, {args.workers} workers",
        ]
    )
    write_result("speed", data, table)
    print(table)


if __name__ == "__main__":
    main()
