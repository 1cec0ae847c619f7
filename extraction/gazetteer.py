"""Places parsed into ward / district / province against a gazetteer of Vietnam's units.

The bundled gazetteer (``extraction/data/admin_*.csv``, derived from ``vietnamadminunits``, MIT
licence, see ``data/GAZETTEER_LICENSE.txt``) holds both systems:

- ``legacy``: the 63 provinces, their districts and wards before the 2025 reform (three levels,
  state of late 2024, with former names of merged units as accent-free aliases), plus the
  historical Hà Nội names of ``hanoi_gazetteer.csv`` (Từ Liêm and its communes, …);
- ``2025``: the 34 provinces and their wards/communes/special zones (two levels, no districts),
  and for every legacy ward the 2025 ward it went into (``successor``).

``parse_place`` reads an address written as the books do — ``Số 12, ngõ 45, phường Ngọc Lâm,
quận Long Biên, TP Hà Nội``, abbreviated (``P. Ngọc Lâm, Q. Long Biên, TP. Hà Nội``), bare
(``Ngọc Lâm, Long Biên, Hà Nội``) or in the 2025 form (``phường Bồ Đề, thành phố Hà Nội``) —
from the right: province, then district, then ward; what stands before them is the street or
facility. It never changes the text; it says what it found and what does not fit.

Reason codes (``PlaceParse.reasons``):

- ``place_province_unknown`` — the last component is marked as a province (``tỉnh``, ``TP``)
  but names none;
- ``place_district_not_in_province`` — a component marked as a district (``quận``, ``huyện``,
  ``thị xã``, ``thành phố`` before a ``tỉnh``) is no district of that province;
- ``place_ward_not_in_district`` — a component marked as a ward (``phường``, ``xã``, ``thị
  trấn``) is no ward of that district (nor, in the 2025 form, of that province);
- ``place_name_accents_differ`` — a unit matched only with other accents than the gazetteer's
  (``Thanh Hoa`` for ``Thanh Hóa``): the value as read is misspelt.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

from extraction.forms import FORMS, FieldType
from extraction.text import clean_text, fold_accents, match_key
from extraction.types import FieldValue

Era = Literal["legacy", "2025"]
Level = Literal["province", "district", "ward"]

PROVINCE_KINDS = ("tỉnh", "thành phố")
DISTRICT_KINDS = ("quận", "huyện", "thị xã", "thành phố")
WARD_KINDS = ("phường", "xã", "thị trấn", "đặc khu")

# Other ways the books write a province (on top of the data's aliases).
PROVINCE_EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "Hồ Chí Minh": ("TPHCM", "TP.HCM", "HCM", "Sài Gòn", "Thành phố Hồ Chí Minh"),
    "Hà Nội": ("HN",),
    "Bà Rịa - Vũng Tàu": ("Bà Rịa Vũng Tàu", "BR-VT", "BRVT"),
}


@dataclass(frozen=True)
class Unit:
    """One administrative unit: ``Unit("ward", "phường", "Ngọc Lâm", "00127", "legacy")``."""

    level: Level
    kind: str  # "tỉnh", "thành phố", "quận", "huyện", "thị xã", "phường", "xã", "thị trấn", …
    name: str
    code: str  # GSO code; "" for a historical unit the data no longer lists
    era: Era

    @property
    def full_name(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass(frozen=True)
class PlaceParse:
    """What ``parse_place`` found in an address (units are None when not found)."""

    province: Unit | None = None
    district: Unit | None = None
    ward: Unit | None = None
    street: str | None = None  # what stands before the units: house, lane, village, facility
    era: Era | None = None  # None: no unit, or fits both systems
    successor_province: Unit | None = None  # the 2025 province (for a legacy address)
    successor_ward: Unit | None = None  # the 2025 ward a legacy ward went into
    reasons: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.reasons


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------

_NON_ALNUM_RE = re.compile(r"[^0-9a-z]")
_LEADING_ZEROS_RE = re.compile(r"(?<![0-9])0+(?=[0-9])")


def _key_of_folded(folded: str) -> str:
    """``y`` read as ``i`` (``Lý``/``Lí``, ``Chiềng Ly``), leading zeros of numbers dropped."""
    return _LEADING_ZEROS_RE.sub("", _NON_ALNUM_RE.sub("", folded.lower()).replace("y", "i"))


@cache
def name_key(name: str) -> str:
    """Accent-free compact key of a unit name: ``Phường 03`` → ``phuong3``, ``Hoà`` → ``hoa``,
    ``Lý``/``Lí`` → ``li``."""
    return _key_of_folded(fold_accents(name))


@cache
def _accent_key(name: str) -> str:
    """Key that keeps the accents (tone placement and i/y unified)."""
    return _LEADING_ZEROS_RE.sub("", re.sub(r"[\W_]", "", match_key(name)))


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("extraction").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(ln for ln in text.splitlines() if ln and not ln.startswith("#")))


@dataclass
class _Entry:
    unit: Unit
    aliases: tuple[str, ...] = ()  # accent-free keys of former names
    parent: str = ""  # the code of the province (district) / district (legacy ward)
    successor: str = ""  # 2025 ward code of a legacy ward


@dataclass
class _Index:
    """Name key → entries, for one set of units (a province's districts, a district's wards…)."""

    by_key: dict[str, list[_Entry]] = field(default_factory=dict)

    def add(self, e: _Entry) -> None:
        keys = {name_key(e.unit.name), *(_key_of_folded(a) for a in e.aliases)}
        for k in keys:
            if k:
                self.by_key.setdefault(k, []).append(e)

    def find(self, name: str, kind: str | None) -> tuple[_Entry | None, bool]:
        """(entry, accents agree) for ``name`` of ``kind`` (None: any kind)."""
        hits = self.by_key.get(name_key(name), [])
        if kind is not None:
            # A unit's kind changes over the years (huyện → thị xã → thành phố, xã → phường,
            # thị trấn): the same kind is preferred, another one accepted.
            hits = [e for e in hits if e.unit.kind == kind] or hits
        if not hits:
            return None, False
        ak = _accent_key(name)
        exact = [e for e in hits if _accent_key(e.unit.name) == ak]
        if exact:
            return exact[0], True
        if len({e.unit.code or e.unit.name for e in hits}) > 1:
            return None, False  # several units of those letters, none with these accents
        e = hits[0]
        alias_only = name_key(name) != name_key(e.unit.name)
        return e, alias_only  # a former name is kept without accents: not a misspelling


@dataclass
class _Gazetteer:
    provinces: dict[Era, _Index]
    province_by_code: dict[tuple[Era, str], _Entry]
    districts: dict[str, _Index]  # legacy province code → its districts
    wards: dict[str, _Index]  # legacy district code → its wards
    province_wards: dict[str, _Index]  # legacy province code → all its wards
    wards_2025: dict[str, _Index]  # 2025 province code → its wards
    ward_2025_by_code: dict[str, _Entry]


def _split(aliases: str) -> tuple[str, ...]:
    return tuple(a for a in aliases.split(";") if a)


@cache
def gazetteer() -> _Gazetteer:
    """The bundled gazetteer, loaded once (≈ 13,000 units)."""
    g = _Gazetteer({"legacy": _Index(), "2025": _Index()}, {}, {}, {}, {}, {}, {})
    extra = {name: {name_key(a) for a in al} for name, al in PROVINCE_EXTRA_ALIASES.items()}
    for r in _rows("admin_provinces.csv"):
        era: Era = "legacy" if r["era"] == "legacy" else "2025"
        unit = Unit("province", r["kind"], r["name"], r["code"], era)
        aliases = tuple({name_key(a) for a in _split(r["aliases"])} | extra.get(r["name"], set()))
        e = _Entry(unit, aliases, successor=r["successor_code"])
        g.provinces[era].add(e)
        g.province_by_code[(era, r["code"])] = e
    seen_districts: set[str] = set()
    for r in _rows("admin_units_legacy.csv"):
        p, d = r["province_code"], r["district_code"]
        if d not in seen_districts:
            seen_districts.add(d)
            du = Unit("district", r["district_kind"], r["district"], d, "legacy")
            g.districts.setdefault(p, _Index()).add(_Entry(du, _split(r["district_aliases"]), p))
        if r["ward"]:
            wu = Unit("ward", r["ward_kind"], r["ward"], r["ward_code"], "legacy")
            we = _Entry(wu, _split(r["ward_aliases"]), d, r["successor_ward_code"])
            g.wards.setdefault(d, _Index()).add(we)
            g.province_wards.setdefault(p, _Index()).add(we)
    for r in _rows("admin_units_2025.csv"):
        wu = Unit("ward", r["ward_kind"], r["ward"], r["ward_code"], "2025")
        we = _Entry(wu, _split(r["ward_aliases"]), r["province_code"])
        g.wards_2025.setdefault(r["province_code"], _Index()).add(we)
        g.ward_2025_by_code[r["ward_code"]] = we
    _add_hanoi_history(g)
    return g


def _add_hanoi_history(g: _Gazetteer) -> None:
    """Hà Nội units of ``hanoi_gazetteer.csv`` the data no longer lists (Từ Liêm, split in
    2013, and its communes; wards merged since), as legacy units without a code."""
    hanoi = "01"
    districts = g.districts[hanoi]
    by_name: dict[str, str] = {}
    for r in _rows("hanoi_gazetteer.csv"):
        kind, name, parent = r["kind"].strip(), r["name"].strip(), r["parent"].strip()
        if kind in DISTRICT_KINDS and parent == "Hà Nội":
            found, _ = districts.find(name, kind)
            if found is None:
                found = _Entry(Unit("district", kind, name, f"hn:{name}", "legacy"), (), hanoi)
                districts.add(found)
            by_name[name] = found.unit.code
    for r in _rows("hanoi_gazetteer.csv"):
        kind, name, parent = r["kind"].strip(), r["name"].strip(), r["parent"].strip()
        if kind not in WARD_KINDS or parent not in by_name:
            continue
        code = by_name[parent]
        wards = g.wards.setdefault(code, _Index())
        if wards.find(name, kind)[0] is None:
            e = _Entry(Unit("ward", kind, name, "", "legacy"), (), code)
            wards.add(e)
            g.province_wards[hanoi].add(e)


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------

# Unit words and their abbreviations at the start of a component (lower case, accents kept:
# "Quán Thánh" is a name, not "quận Thánh"). A dot after an abbreviation may be followed by
# the name without a space ("Q.1", "P.12").
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("thành phố", "thành phố"),
    ("thị trấn", "thị trấn"),
    ("thị xã", "thị xã"),
    ("đặc khu", "đặc khu"),
    ("phường", "phường"),
    ("huyện", "huyện"),
    ("quận", "quận"),
    ("tỉnh", "tỉnh"),
    ("xã", "xã"),
    ("tp.", "thành phố"),
    ("tp", "thành phố"),
    ("tt.", "thị trấn"),
    ("tt", "thị trấn"),
    ("tx.", "thị xã"),
    ("tx", "thị xã"),
    ("p.", "phường"),
    ("q.", "quận"),
    ("h.", "huyện"),
    ("x.", "xã"),
    ("t.", "tỉnh"),
)
_COMPONENT_SPLIT_RE = re.compile(r"\s*[,;]\s*")
# A spaced dash parts components only before a unit word: "phường X - quận Y", not the
# names "Phan Rang - Tháp Chàm", "Bà Rịa - Vũng Tàu".
_DASH_SPLIT_RE = re.compile(
    r"\s+[-–]\s+(?=(?:" + "|".join(re.escape(w) for w, _ in _PREFIXES) + r")(?:\s|(?<=\.)))",
    re.I,
)
_EMBEDDED_WARD_RE = re.compile(r"\b(phường|xã|thị trấn|P\.|X\.|TT\.)\s*(\S.*)$", re.I)


@dataclass(frozen=True)
class _Component:
    text: str
    kind: str | None  # the unit word it starts with (full form), None for a bare name
    name: str


def _component(text: str) -> _Component:
    low = text.lower()
    for word, kind in _PREFIXES:
        if not low.startswith(word):
            continue
        rest = text[len(word) :]
        if word.endswith("."):
            rest = rest.lstrip()
        elif not rest.startswith(" "):
            continue
        rest = rest.strip()
        if rest:
            return _Component(text, kind, rest)
    return _Component(text, None, text)


def components(text: str) -> list[str]:
    """The comma-separated parts of an address, cleaned."""
    pieces = [
        d for c in _COMPONENT_SPLIT_RE.split(clean_text(text)) for d in _DASH_SPLIT_RE.split(c)
    ]
    return [p for p in (c.strip(" .") for c in pieces) if p]


def _find_province(c: _Component) -> tuple[_Entry | None, _Entry | None, bool]:
    """(legacy entry, 2025 entry, accents agree) for a component naming a province."""
    if c.kind is not None and c.kind not in PROVINCE_KINDS:
        return None, None, False
    g = gazetteer()
    old, old_ok = g.provinces["legacy"].find(c.name, None)
    new, new_ok = g.provinces["2025"].find(c.name, None)
    if old is None and new is None and c.kind is None:
        # "Thành phố Hồ Chí Minh" written as one bare name, or "TPHCM"
        return None, None, False
    return old, new, (old_ok if old is not None else new_ok)


def parse_place(text: str) -> PlaceParse:
    """Parse an address into its units (see the module docstring); never raises."""
    parts = [_component(p) for p in components(text)]
    if not parts:
        return PlaceParse()
    g = gazetteer()
    reasons: list[str] = []
    i = len(parts) - 1
    old_p, new_p, accents_ok = _find_province(parts[i])
    if old_p is None and new_p is None:
        last = parts[i]
        # "thành phố Thủ Đức" (a city of a province, the province left out) is no error
        if last.kind == "tỉnh" or (last.kind == "thành phố" and not _is_district(last.name)):
            reasons.append("place_province_unknown")
        return PlaceParse(street=", ".join(p.text for p in parts), reasons=tuple(reasons))
    if not accents_ok:
        reasons.append("place_name_accents_differ")
    i -= 1
    district: _Entry | None = None
    ward: _Entry | None = None
    era: Era | None = None
    if i >= 0 and old_p is not None:
        c = parts[i]
        if c.kind is None or c.kind in DISTRICT_KINDS:
            district, ok = g.districts.get(old_p.unit.code, _Index()).find(c.name, c.kind)
            if district is not None:
                if not ok:
                    reasons.append("place_name_accents_differ")
                era = "legacy"
                i -= 1
    if district is not None and i >= 0:
        ward, i = _find_ward(parts, i, g.wards.get(district.unit.code, _Index()), reasons)
        if ward is None and parts[i].kind in WARD_KINDS:
            reasons.append("place_ward_not_in_district")
    elif district is None and i >= 0:
        c = parts[i]
        # No district: a 2025 address (ward, province), or a legacy one that left it out.
        found: list[tuple[Era, _Entry, int, list[str]]] = []
        tries: tuple[tuple[Era, _Entry | None, dict[str, _Index]], ...] = (
            ("legacy", old_p, g.province_wards),
            ("2025", new_p, g.wards_2025),
        )
        for e_era, prov, wards in tries:
            if prov is None:
                continue
            why: list[str] = []
            hit, j = _find_ward(parts, i, wards.get(prov.unit.code, _Index()), why)
            if hit is not None:
                found.append((e_era, hit, j, why))
        if found:
            # a unit under its own name beats one under a former name (an alias)
            direct = [f for f in found if name_key(f[1].unit.name) in _names_in(parts[i])]
            # and one with the same accents beats one of the same letters (Thanh/Thạnh Bình)
            found = sorted(direct or found, key=lambda f: bool(f[3]))
            era = found[0][0] if len(found) == 1 or found[1][3] else None
            _, ward, i, why = found[0]
            reasons.extend(why)
        elif c.kind in DISTRICT_KINDS and (c.kind != "thành phố" or parts[-1].kind == "tỉnh"):
            # "thành phố X" before a "tỉnh" is a city of the province, else it may be the
            # province itself written twice
            reasons.append("place_district_not_in_province")
        elif c.kind in WARD_KINDS:
            reasons.append("place_ward_not_in_district")
    if ward is not None and district is None and ward.unit.era == "legacy":
        district = _district_of(ward, old_p)
    street = ", ".join(p.text for p in parts[: i + 1]) or None
    return _result(old_p, new_p, district, ward, street, era, reasons)


@cache
def _district_keys() -> frozenset[str]:
    g = gazetteer()
    return frozenset(k for index in g.districts.values() for k in index.by_key)


def _is_district(name: str) -> bool:
    return name_key(name) in _district_keys()


def _names_in(c: _Component) -> set[str]:
    """Keys of the names a component may hold: all of it, or the ward at its end."""
    keys = {name_key(c.name)}
    m = _EMBEDDED_WARD_RE.search(c.text)
    if m:
        keys.add(name_key(_component(m.group(0)).name))
    return keys


def _find_ward(
    parts: list[_Component], i: int, index: _Index, reasons: list[str]
) -> tuple[_Entry | None, int]:
    """The ward in ``parts[i]`` (also at the end of a facility: ``Trạm y tế xã Uy Nỗ``)."""
    c = parts[i]
    if c.kind is None or c.kind in WARD_KINDS:
        hit, ok = index.find(c.name, c.kind)
        if hit is not None:
            if not ok:
                reasons.append("place_name_accents_differ")
            return hit, i - 1
    if c.kind is None:
        m = _EMBEDDED_WARD_RE.search(c.text)
        if m and m.start() > 0:
            inner = _component(m.group(0))
            hit, ok = index.find(inner.name, inner.kind)
            if hit is not None:
                if not ok:
                    reasons.append("place_name_accents_differ")
                return hit, i  # the facility stays as the street part
    return None, i


def _district_of(ward: _Entry, province: _Entry | None) -> _Entry | None:
    if province is None:
        return None
    for entries in gazetteer().districts.get(province.unit.code, _Index()).by_key.values():
        for e in entries:
            if e.unit.code == ward.parent:
                return e
    return None


def _result(
    old_p: _Entry | None,
    new_p: _Entry | None,
    district: _Entry | None,
    ward: _Entry | None,
    street: str | None,
    era: Era | None,
    reasons: list[str],
) -> PlaceParse:
    g = gazetteer()
    province = new_p if era == "2025" or old_p is None else old_p
    succ_p: _Entry | None = None
    succ_w: _Entry | None = None
    if old_p is not None and old_p.successor:
        succ_p = g.province_by_code.get(("2025", old_p.successor))
    if ward is not None and ward.unit.era == "legacy" and ward.successor:
        succ_w = g.ward_2025_by_code.get(ward.successor)
    if ward is not None and ward.unit.era == "2025":
        succ_w, succ_p = ward, new_p
    if era is None and ward is None and district is None:
        era = "legacy" if new_p is None else ("2025" if old_p is None else None)
    return PlaceParse(
        province=province.unit if province else None,
        district=district.unit if district else None,
        ward=ward.unit if ward else None,
        street=street,
        era=era,
        successor_province=succ_p.unit if succ_p else None,
        successor_ward=succ_w.unit if succ_w else None,
        reasons=tuple(dict.fromkeys(reasons)),
    )


def place_reasons(text: str | None) -> tuple[str, ...]:
    """Reason codes for a place value (empty when it parses or names no unit at all)."""
    if not text:
        return ()
    return parse_place(text).reasons


@cache
def place_keys(register_type: str) -> tuple[str, ...]:
    """The keys of ``register_type``'s form that hold a place."""
    return tuple(s.key for s in FORMS[register_type].fields if s.type is FieldType.PLACE)


def check_places(fields: Mapping[str, FieldValue], keys: Iterable[str]) -> None:
    """Add ``parse_place``'s reasons to each of ``keys`` (place fields) that has a value."""
    for key in keys:
        f = fields.get(key)
        if f is None or not f.value:
            continue
        for reason in place_reasons(f.value):
            if reason not in f.reasons:
                f.reasons.append(reason)
