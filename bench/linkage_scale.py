"""Time to link generated populations of growing size with the shipped model.

For each size: a population of about that many mentions (its own seed), then
:func:`linkage.link_mentions` with ``model=registry_model()`` and the default thresholds, timed in
its stages (keys, Splink scoring on DuckDB, decisions and clusters), with the number of candidate
pairs (blocking must stay near-linear), peak memory and the pairwise F1 against the truth.

    .venv/bin/python -m bench.linkage_scale --cache /tmp/civreg-pop --generate-only
    flock /tmp/civreg-heavy.lock .venv/bin/python -m bench.linkage_scale --cache /tmp/civreg-pop

Writes ``bench/results/linkage_scale.json`` and ``linkage_scale.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from linkage import Thresholds, pairwise_metrics, prepare_mentions, splink_engine
from linkage.link import cluster, decide, scaled_to
from linkage.population import generate_population, mention_rows, record_id
from linkage.registry_model import registry_model

RESULTS = Path(__file__).resolve().parent / "results"
MENTIONS_PER_FAMILY = 101_705 / 6900  # measured on seed 2027


def population(n: int, cache: Path | None) -> tuple[pd.DataFrame, int]:
    """The generated population of about ``n`` mentions (read from ``cache`` when written there
    before: generating a million mentions takes longer than linking them)."""
    seed = 9000 + n % 997
    path = None if cache is None else cache / f"population_{n}_{seed}.parquet"
    if path is not None and path.is_file():
        return pd.read_parquet(path), seed
    families = max(1, round(n / MENTIONS_PER_FAMILY))
    rows = pd.DataFrame(mention_rows(generate_population(families, seed), seed))
    rows["record_id"] = [record_id(r) for r in rows.to_dict("records")]
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        rows.to_parquet(path)
    return rows, seed


def run_size(n: int, cache: Path | None = None) -> dict[str, Any]:
    rows, seed = population(n, cache)
    load_before = round(os.getloadavg()[0], 2)
    truth = rows.pop("person_id")
    th = Thresholds()
    c0, t0 = time.process_time(), time.perf_counter()
    keys = prepare_mentions(rows)
    model = scaled_to(registry_model(), len(keys))  # as link_mentions does
    t1 = time.perf_counter()
    scored = splink_engine.score_pairs(keys, model, min_weight=th.review)
    t2 = time.perf_counter()
    clusters, pairs = cluster(keys, decide(scored, keys, th))
    t3, c3 = time.perf_counter(), time.process_time()
    m = pairwise_metrics(truth, clusters["cluster_id"])
    out = {
        "mentions": len(rows),
        "load_avg_1min_before": load_before,
        "seed": seed,
        "seconds": round(t3 - t0, 1),
        "cpu_seconds": round(c3 - c0, 1),  # all threads: less sensitive to other load
        "load_avg_1min": round(os.getloadavg()[0], 2),
        "keys_s": round(t1 - t0, 1),
        "score_s": round(t2 - t1, 1),
        "decide_cluster_s": round(t3 - t2, 1),
        "scored_pairs": len(scored),
        "linked_pairs": int((pairs["outcome"] == "linked").sum()),
        "review_pairs": int((pairs["outcome"] == "review").sum()),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        **{k: round(v, 4) for k, v in m.as_dict().items() if k in ("precision", "recall", "f1")},
    }
    print(json.dumps(out), flush=True)
    return out


def markdown(res: dict[str, Any]) -> str:
    lines = [
        "# Linking time against size (shipped model, default thresholds)",
        "",
        f"DuckDB {res['duckdb']} with {res['duckdb_threads']} threads; "
        "time from the mention table to clusters (keys, scoring, decisions and clusters).",
        "",
        "| mentions | seconds | CPU s | load avg before / after | keys | Splink scoring |"
        " decide + cluster | scored pairs |"
        " peak RSS MB | P / R / F1 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in res["sizes"]:
        lines.append(
            f"| {r['mentions']:,} | **{r['seconds']}** | {r['cpu_seconds']} | "
            f"{r.get('load_avg_1min_before', '')} / {r['load_avg_1min']} | {r['keys_s']} | "
            f"{r['score_s']} | "
            f"{r['decide_cluster_s']} | {r['scored_pairs']:,} | {r['peak_rss_mb']:,} | "
            f"{r['precision']:.3f} / {r['recall']:.3f} / {r['f1']:.3f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,300000,1000000")
    ap.add_argument("--cache", type=Path, help="keep generated populations here (parquet)")
    ap.add_argument("--generate-only", action="store_true", help="fill --cache and stop")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.generate_only:
        for n in sizes:
            population(n, args.cache)
        return
    threads = duckdb.connect().execute("SELECT current_setting('threads')").fetchone()
    res: dict[str, Any] = {
        "duckdb": duckdb.__version__,
        "duckdb_threads": threads[0] if threads else None,
        "sizes": [run_size(n, args.cache) for n in sizes],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "linkage_scale.json").write_text(json.dumps(res, indent=1), encoding="utf-8")
    (RESULTS / "linkage_scale.md").write_text(markdown(res), encoding="utf-8")
    print(markdown(res))


if __name__ == "__main__":
    main()
