"""``civreg sample-population`` and ``civreg link-file`` as a user runs them."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from linkage import pairwise_metrics
from tests.civreg_cli.test_cli import one_line_error, run


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pop")
    p = run("sample-population", str(out), "--families", "60", "--seed", "4")
    assert p.returncode == 0, p.stderr
    return out / "mentions.csv"


def test_link_file_writes_clusters_and_review(people: Path, tmp_path: Path) -> None:
    # an agency's export: its own column names, mapped with --map
    df = pd.read_csv(people, dtype=str, keep_default_na=False)
    export = df.rename(columns={"full_name": "ho_ten", "date_of_birth": "ngay_sinh"})
    src = tmp_path / "export.parquet"
    export.to_parquet(src)
    out, review = tmp_path / "clusters.csv", tmp_path / "review.csv"
    p = run(
        "link-file", str(src), "--id", "mention_id", "--out", str(out),
        "--map", "full_name=ho_ten", "--map", "date_of_birth=ngay_sinh",
        "--review-out", str(review), "--threshold", "6",
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    assert "persons" in p.stdout
    clusters = pd.read_csv(out, dtype=str)
    assert list(clusters.columns) == ["id", "cluster_id"]
    assert clusters["id"].tolist() == df["mention_id"].tolist()
    m = pairwise_metrics(df["person_id"], clusters["cluster_id"])
    assert m.precision > 0.95 and m.recall > 0.8
    with review.open(encoding="utf-8") as fh:
        head = next(csv.reader(fh))
    assert head[:5] == ["id_l", "id_r", "match_weight", "match_probability", "reason"]
    assert "w_name" in head


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["missing.csv", "--id", "mention_id"], "missing.csv: no such file"),
        (["{people}", "--id", "nope"], "no column 'nope'"),
        (["{people}", "--id", "mention_id", "--map", "nickname=full_name"], "unknown target"),
        (["{people}", "--id", "mention_id", "--map", "full_name=ho_ten"], "no column 'ho_ten'"),
        (["{people}", "--id", "person_id"], "duplicate id"),
    ],
)
def test_link_file_bad_input_one_line(
    people: Path, tmp_path: Path, args: list[str], needle: str
) -> None:
    argv = [a.replace("{people}", str(people)) for a in args]
    p = run("link-file", *argv, "--out", str(tmp_path / "c.csv"), cwd=tmp_path)
    assert p.returncode == 2
    assert needle in one_line_error(p)
    assert not (tmp_path / "c.csv").exists()
