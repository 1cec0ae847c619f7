"""Calibrate acceptance: set each field type's confidence threshold from measured errors.

Books of every quality with their own seeds (never those of bench.accuracy or the tests) are read
by the pipeline; every field with no reason gives a (type, confidence, correct?) sample. For each
type the threshold is the lowest confidence at which the accepted fields' error rate stays under
TARGET_ERROR over all qualities together and under MAX_ERROR_PER_QUALITY at each quality (below
the 0.5 % bar, leaving a margin for books unlike these). Each register has its own thresholds
(its form's ``thresholds_file``): birth writes extraction/data/thresholds.json and
bench/results/calibration.{json,md}; marriage and death their own ``thresholds_<type>.json`` and
``calibration_<type>.{json,md}``.

    .venv/bin/python -m bench.calibrate [--type birth|marriage|death] [--records 120]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from typing import Any

from bench.common import WORK, extract_book, read_book, render, truth, write_result
from extraction.calibration import CONDITIONS, DEFAULT_THRESHOLD, THRESHOLDS_FILE, page_condition
from extraction.evaluate import canon, pair_records
from extraction.extract import is_soft_reason
from extraction.forms import RegisterForm, form_for
from ocr.page import mean_conf

SEEDS_BY_TYPE: dict[str, dict[str, list[int]]] = {
    "birth": {"clean": [5101], "scan": [5201, 5202], "poor": [5301, 5302, 5303, 5304]},
    "marriage": {"clean": [6101], "scan": [6201, 6202], "poor": [6301, 6302]},
    "death": {"clean": [7101], "scan": [7201, 7202], "poor": [7301, 7302]},
}
SEEDS = SEEDS_BY_TYPE["birth"]
TARGET_ERROR = 0.003  # pooled over qualities: below the 0.5 % bar, leaving a margin
MAX_ERROR_PER_QUALITY = 0.004
MIN_ACCEPTED = 50
FLOOR = 0.50  # never accept below this confidence, whatever the data says
Sample = tuple[float, bool, str]  # confidence, correct, quality
Samples = dict[str, dict[str, list[Sample]]]  # condition → field type → samples
KeySamples = dict[str, dict[str, list[Sample]]]  # condition → key → samples
# Registers whose keys may get a threshold of their own on pages of a condition
# (``by_key_condition``): a key more often wrong than the rest of its type (the notes line
# under a stamp on a poor page reads "Sun", "nhớ") would else set the whole type's threshold.
# Birth: left to its owner's next calibration.
PER_KEY_REGISTERS = ("marriage", "death")


def field_type(key: str, form: RegisterForm) -> str:
    spec = form.spec_by_key.get(key)
    return spec.type.value if spec else "text"


def collect(records: int, form: RegisterForm) -> tuple[Samples, KeySamples]:
    samples: Samples = {c: defaultdict(list) for c in CONDITIONS}
    by_key: KeySamples = {c: defaultdict(list) for c in CONDITIONS}
    rtype = form.register_type
    for q, seeds in SEEDS_BY_TYPE[rtype].items():
        for seed in seeds:
            prefix = "cal" if rtype == "birth" else f"cal-{rtype}"
            name = f"{prefix}-{q}-{seed}-{records}"
            out = render(name, records=records, seed=seed, quality=q, register_type=rtype)
            pages = read_book(out, WORK / f"{name}-data")
            condition = {n: page_condition(mean_conf(p)) for n, p in pages.items()}
            pred = extract_book(out, pages)
            add_samples(truth(out), pred, condition, q, form, samples, by_key)
    return samples, by_key


def add_samples(
    truth_records: list[dict[str, Any]],
    pred: list[dict[str, Any]],
    condition: dict[int, str],
    quality: str,
    form: RegisterForm,
    samples: Samples,
    by_key: KeySamples,
) -> None:
    """A (confidence, correct?, quality) sample per field with no hard reason, under its page's
    condition, by field type and by key (ledger books too: ``bench.ledger --calibrate``)."""
    for t, p in pair_records(truth_records, pred):
        if p is None:
            continue
        for key, tval in t["fields"].items():
            f = p["fields"].get(key)
            if f is None or any(not is_soft_reason(r) for r in f["reasons"]):
                continue  # fields with a reason go to review whatever their confidence
            ok = canon(tval) == canon(f["value"])
            cond = condition.get(f["page"] or p["pages"][0], "degraded")
            sample = (float(f["confidence"]), ok, quality)
            samples[cond][field_type(key, form)].append(sample)
            by_key[cond][key].append(sample)


def _err(samples: list[Sample], t: float) -> tuple[int, int]:
    acc = [s for s in samples if s[0] >= t]
    return len(acc), sum(not s[1] for s in acc)


def threshold_for(samples: list[Sample]) -> float:
    """Lowest threshold at which the accepted fields of this type are wrong at most TARGET_ERROR
    of the time over all qualities, and at most MAX_ERROR_PER_QUALITY at each quality.

    A quality with fewer than MIN_ACCEPTED accepted samples at a threshold says little on its own:
    it counts in the pooled rate only.
    """
    cands = sorted({round(s[0], 4) for s in samples if s[0] >= FLOOR} | {FLOOR})
    qualities = sorted({s[2] for s in samples})
    for t in cands:
        n, bad = _err(samples, t)
        if n and bad / n > TARGET_ERROR:
            continue
        worst = 0.0
        for q in qualities:
            nq, bq = _err([s for s in samples if s[2] == q], t)
            if nq >= MIN_ACCEPTED:
                worst = max(worst, bq / nq)
        if worst <= MAX_ERROR_PER_QUALITY:
            return float(t)
    return 1.01  # nothing is safe: everything of this type goes to review


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--type", dest="register_type", default="birth", choices=list(SEEDS_BY_TYPE))
    ap.add_argument("--records", type=int, default=120)
    args = ap.parse_args()
    form = form_for(args.register_type)
    samples, key_samples = collect(args.records, form)
    pooled: dict[str, list[Sample]] = defaultdict(list)
    for per in samples.values():
        for ftype, ss in per.items():
            pooled[ftype] += ss
    groups: dict[str, dict[str, list[Sample]]] = {"any": pooled, **samples}
    thresholds: dict[str, dict[str, float]] = {}
    report: dict[str, Any] = {}
    lines = [
        "| page condition | type | samples | wrong | threshold | accepted | accepted wrong |",
        "|---|---|---|---|---|---|---|",
    ]
    for cond, per in groups.items():
        for ftype, ss in sorted(per.items()):
            t = threshold_for(ss)
            thresholds.setdefault(cond, {})[ftype] = t
            n, bad = _err(ss, t)
            wrong = sum(not s[1] for s in ss)
            report.setdefault(cond, {})[ftype] = {
                "samples": len(ss),
                "wrong": wrong,
                "threshold": t,
                "accepted": n,
                "accepted_wrong": bad,
            }
            lines.append(f"| {cond} | {ftype} | {len(ss)} | {wrong} | {t:.4f} | {n} | {bad} |")
    by_key: dict[str, dict[str, float]] = {}
    if form.register_type in PER_KEY_REGISTERS:
        for cond, per_key in key_samples.items():
            for key, ss in sorted(per_key.items()):
                t = threshold_for(ss)
                if t <= thresholds.get(cond, {}).get(field_type(key, form), FLOOR):
                    continue  # its type's threshold on these pages is strict enough
                by_key.setdefault(cond, {})[key] = t
                n, bad = _err(ss, t)
                wrong = sum(not s[1] for s in ss)
                report.setdefault(f"{cond} (key)", {})[key] = {
                    "samples": len(ss),
                    "wrong": wrong,
                    "threshold": t,
                    "accepted": n,
                    "accepted_wrong": bad,
                }
                lines.append(f"| {cond} | {key} | {len(ss)} | {wrong} | {t:.4f} | {n} | {bad} |")
    (THRESHOLDS_FILE.parent / form.thresholds_file).write_text(
        json.dumps(
            {
                "by_type": thresholds["any"],
                "by_key_condition": by_key,
                "by_condition": {c: thresholds[c] for c in CONDITIONS if c in thresholds},
                "default": DEFAULT_THRESHOLD,
                "target_error": TARGET_ERROR,
                "max_error_per_quality": MAX_ERROR_PER_QUALITY,
                "seeds": SEEDS_BY_TYPE[form.register_type],
                "records": args.records,
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    rtype = form.register_type
    write_result(
        "calibration" if rtype == "birth" else f"calibration_{rtype}",
        {"register_type": rtype, "target_error": TARGET_ERROR, "by_condition": report},
        f"# Calibration ({rtype} register)\n\n" + "\n".join(lines),
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
