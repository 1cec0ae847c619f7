"""Reading a list of person records into a mention table, and writing linkage results."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from civreg_cli.errors import InputError
from linkage.link import LinkResult
from linkage.mentions import MENTION_FIELDS, MENTION_ID


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """``["given_name=first_name", …]`` → ``{"given_name": "first_name"}``; checks the targets."""
    out: dict[str, str] = {}
    for item in items:
        target, sep, column = item.partition("=")
        target, column = target.strip(), column.strip()
        if not sep or not target or not column:
            raise InputError(f"--map '{item}' is not name=COLUMN", advice="e.g. --map sex=gender")
        if target not in MENTION_FIELDS:
            raise InputError(
                f"--map: unknown target '{target}'",
                advice=f"use one of {', '.join(MENTION_FIELDS)}",
            )
        out[target] = column
    return out


def read_table(path: Path) -> pd.DataFrame:
    """A CSV (all columns as text) or Parquet file."""
    if not path.is_file():
        raise InputError(f"{path}: no such file", advice="check the path")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path.name}: unreadable ({type(exc).__name__})") from exc
    raise InputError(f"{path.name}: unsupported file type", advice="give a .csv or .parquet file")


def mention_table(
    records: pd.DataFrame, *, id_column: str, mapping: dict[str, str], source: str = "input"
) -> pd.DataFrame:
    """The mention table of ``records``: ``mention_id`` from ``id_column``, each canonical field
    from its mapped column, or from a column of the same name when not mapped."""
    if id_column not in records.columns:
        raise InputError(
            f"{source}: no column '{id_column}'",
            advice=f"columns are: {', '.join(map(str, records.columns[:20]))}",
        )
    ids = records[id_column].astype(str).str.strip()
    if (ids == "").any() or records[id_column].isna().any():
        raise InputError(f"{source}: column '{id_column}' has empty ids")
    dup = ids[ids.duplicated()]
    if len(dup):
        raise InputError(
            f"{source}: column '{id_column}' has {dup.nunique()} duplicate id(s), "
            f"e.g. '{dup.iloc[0]}'",
            advice="ids must be unique",
        )
    out = pd.DataFrame({MENTION_ID: ids.to_numpy()})
    for field in MENTION_FIELDS:
        column = mapping.get(field, field if field in records.columns else None)
        if column is None:
            continue
        if column not in records.columns:
            raise InputError(f"{source}: --map {field}={column}: no column '{column}'")
        out[field] = records[column].to_numpy()
    if len(out.columns) == 1:
        raise InputError(
            f"{source}: no column to link on",
            advice=f"name columns {', '.join(MENTION_FIELDS[:7])} … or map them with --map",
        )
    return out


def write_clusters(result: LinkResult, path: Path) -> None:
    """``id,cluster_id`` for every input record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    result.clusters.rename(columns={MENTION_ID: "id"}).to_csv(path, index=False)


def write_review(result: LinkResult, path: Path) -> int:
    """The clerical review queue: each pair with its match weight, probability, the reason it
    was held back (if any) and each comparison's weight. Returns the number of pairs."""
    q = result.review()
    cols = ["id_l", "id_r", "match_weight", "match_probability", "reason"]
    cols += [c for c in q.columns if c.startswith("w_")]
    path.parent.mkdir(parents=True, exist_ok=True)
    q[cols].round(3).to_csv(path, index=False)
    return len(q)
