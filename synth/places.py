"""Writing places the way a register book does: wards, districts, provinces, street addresses.

A book writes places in one style (``PlaceStyle``), chosen once per book: with the administrative
words spelt out (``phường Ngọc Lâm, quận Long Biên, TP Hà Nội``), abbreviated
(``P. Ngọc Lâm, Q. Long Biên, TP. Hà Nội``) or as bare names (``Ngọc Lâm, Long Biên, Hà Nội``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from synth.data import (
    CENTRAL_CITIES,
    HANOI_DISTRICTS,
    HANOI_STREETS,
    PROVINCE_PLACES,
    pick,
)

Unit = tuple[
    str, str
]  # (kind, name): ("phường", "Ngọc Lâm"), ("tỉnh", "Nam Định"), ("tp", "Hà Nội")

_ABBREV = {
    "phường": "P.",
    "xã": "X.",
    "thị trấn": "TT.",
    "quận": "Q.",
    "huyện": "H.",
    "thị xã": "TX.",
}


@dataclass(frozen=True)
class PlaceStyle:
    mode: str  # "full" | "abbrev" | "short"
    city_word: str  # how a centrally-run city is prefixed: "TP", "TP.", "thành phố"
    capital_first: bool  # "Phường Ngọc Lâm, …" rather than "phường Ngọc Lâm, …"
    street_word: bool  # "phố Ngọc Lâm" rather than "Ngọc Lâm" after a lane number

    @classmethod
    def draw(cls, rng: random.Random) -> PlaceStyle:
        mode = pick(rng, ("full", "abbrev", "short"), (6, 2, 2))
        city_word = "TP." if mode == "abbrev" else pick(rng, ("TP", "thành phố", "TP."), (5, 3, 2))
        return cls(mode, city_word, rng.random() < 0.5, rng.random() < 0.7)


def province_unit(province: str) -> Unit:
    return ("tp", province) if province in CENTRAL_CITIES else ("tỉnh", province)


def ward_unit(ward: str, district_kind: str) -> Unit:
    """The ward as a unit; ``ward`` may carry its own prefix (``thị trấn Trâu Quỳ``)."""
    if ward.startswith("thị trấn "):
        return ("thị trấn", ward.removeprefix("thị trấn "))
    return ("xã" if district_kind == "huyện" else "phường", ward)


def format_units(units: list[Unit], style: PlaceStyle) -> str:
    """Join administrative units (smallest first) in the book's style (see ``lead``)."""
    parts: list[str] = []
    for kind, name in units:
        if style.mode == "short":
            parts.append(name)
        elif kind == "tp":
            parts.append(f"{style.city_word} {name}")
        elif kind == "tỉnh":
            parts.append(name if style.mode == "abbrev" else f"tỉnh {name}")
        elif style.mode == "abbrev":
            parts.append(f"{_ABBREV[kind]} {name}")
        else:
            parts.append(f"{kind} {name}")
    return ", ".join(parts)


def capitalise_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def lead(text: str, style: PlaceStyle) -> str:
    """``text`` as the start of a value: ``Phường Ngọc Lâm, …`` when the book writes it so."""
    return capitalise_first(text) if style.capital_first else text


@dataclass(frozen=True)
class HanoiWard:
    ward: str  # without prefix unless it is a thị trấn
    district_kind: str
    district: str

    def units(self) -> list[Unit]:
        return [
            ward_unit(self.ward, self.district_kind),
            (self.district_kind, self.district),
            ("tp", "Hà Nội"),
        ]

    @property
    def unit_name(self) -> str:
        """``phường Ngọc Lâm`` / ``xã Bát Tràng`` / ``thị trấn Trâu Quỳ``."""
        kind, name = ward_unit(self.ward, self.district_kind)
        return f"{kind} {name}"


def all_hanoi_wards() -> list[HanoiWard]:
    return [
        HanoiWard(w, kind, name) for (kind, name), wards in HANOI_DISTRICTS.items() for w in wards
    ]


def random_hanoi_ward(rng: random.Random, district: tuple[str, str] | None = None) -> HanoiWard:
    if district is None:
        district = pick(rng, list(HANOI_DISTRICTS))
    return HanoiWard(pick(rng, HANOI_DISTRICTS[district]), district[0], district[1])


def street_address(rng: random.Random, ward: HanoiWard, style: PlaceStyle) -> str:
    """A house address in ``ward``: ``Số 12, ngõ 45, phố Ngọc Lâm, phường Ngọc Lâm, …``."""
    tail = format_units(ward.units(), style)
    streets = HANOI_STREETS.get(ward.district, (ward.ward,))
    street = pick(rng, streets)
    street_txt = f"phố {street}" if style.street_word else street
    n = rng.randint(1, 180)
    if ward.district_kind == "huyện":
        form = pick(rng, ("village", "house", "group"), (5, 2, 1))
    else:
        form = pick(rng, ("lane", "house", "group", "lane2"), (5, 3, 2, 1))
    if form == "lane":
        head = f"Số {n}, ngõ {rng.randint(2, 300)}, {street_txt}"
    elif form == "lane2":
        head = f"Số {n}, ngách {rng.randint(2, 60)}/{rng.randint(2, 200)}, {street_txt}"
    elif form == "house":
        head = f"Số {n} {street_txt}"
    elif form == "group":
        head = f"Tổ {rng.randint(1, 40)}"
    else:
        head = f"Thôn {pick(rng, ('Đông', 'Đoài', 'Trung', 'Nam', 'Bắc', 'Thượng', 'Hạ'))}"
    return f"{head}, {tail}"


def home_town(rng: random.Random, province: str, style: PlaceStyle, detail: int) -> str:
    """Quê quán in ``province`` with ``detail`` 0 (province), 1 (+district), 2 (+commune)."""
    districts = PROVINCE_PLACES.get(province)
    prov = province_unit(province)
    if not districts or detail == 0:
        units = [prov]
    else:
        dkind, dname, communes = pick(rng, districts)
        units = [(dkind, dname), prov]
        if detail >= 2:
            units.insert(0, ward_unit(pick(rng, communes), dkind))
    return lead(format_units(units, style), style)


def commune_units(rng: random.Random, province: str) -> list[Unit]:
    """A commune, its district and ``province`` (province alone when none is known)."""
    districts = PROVINCE_PLACES.get(province)
    if not districts:
        return [province_unit(province)]
    dkind, dname, communes = pick(rng, districts)
    return [ward_unit(pick(rng, communes), dkind), (dkind, dname), province_unit(province)]
