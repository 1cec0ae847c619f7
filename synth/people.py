"""People of a register entry, shared by every register: names, identity numbers and papers.

A ``Person`` is drawn with a name that fits their sex, age and ethnic group (``names.md``), a home
province, and identity papers whose numbers follow ``identity.md`` (a chip card carries the
personal number: province of birth registration, century-and-sex digit, birth year).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from synth import data
from synth.data import pick, pick_weighted
from synth.places import (
    HanoiWard,
    PlaceStyle,
    commune_units,
    format_units,
    random_hanoi_ward,
    street_address,
)


class BookStyle(Protocol):
    """What a book fixes for the people it writes about (``records.BookSpec`` has it)."""

    @property
    def ward(self) -> HanoiWard: ...
    @property
    def place_style(self) -> PlaceStyle: ...
    @property
    def id_doc_wording(self) -> dict[str, str]: ...
    @property
    def issue_date_p(self) -> float: ...
    @property
    def issuer_p(self) -> float: ...


@dataclass(frozen=True)
class Person:
    full_name: str  # in ordinary case; the book's capitals are applied when printed
    sex: str  # "Nam" | "Nữ"
    birth_year: int
    ethnicity: str | None  # canonical; None for a foreigner
    nationality: str
    home_province: str
    surname: str


# --- people -----------------------------------------------------------------------------------


def apply_caps(name: str, caps: bool) -> str:
    return name.upper() if caps else name


def kinh_name(rng: random.Random, sex: str, birth_year: int, surname: str) -> str:
    old = birth_year < 1990
    if sex == "Nữ":
        thi_p = 0.6 if old else (0.35 if birth_year < 2005 else 0.15)
        middles: list[str] = ["Thị"] if rng.random() < thi_p else [pick(rng, data.MIDDLE_FEMALE)]
        if rng.random() < (0.12 if old else 0.3):
            middles.append(pick(rng, data.MIDDLE_FEMALE))
        given = pick(rng, data.GIVEN_FEMALE)
    else:
        van_p = 0.45 if old else (0.2 if birth_year < 2005 else 0.08)
        middles = ["Văn"] if rng.random() < van_p else [pick(rng, data.MIDDLE_MALE)]
        if rng.random() < (0.08 if old else 0.25):
            middles.append(pick(rng, data.MIDDLE_MALE))
        given = pick(rng, data.GIVEN_MALE)
    if rng.random() < 0.02:
        middles = []
    middles = [m for i, m in enumerate(middles) if m != given and m not in middles[:i]]
    return " ".join([surname, *middles, given])


def person_name(rng: random.Random, sex: str, birth_year: int, ethnicity: str, surname: str) -> str:
    if ethnicity in data.HIGHLAND_CLANS:
        prefix = "Y" if sex == "Nam" else "H'"
        given = pick(rng, data.HIGHLAND_GIVEN_MALE if sex == "Nam" else data.HIGHLAND_GIVEN_FEMALE)
        return f"{prefix}{' ' if prefix == 'Y' else ''}{given} {surname}"
    if ethnicity == "Hmông":
        if sex == "Nam":
            return (
                f"{surname} {pick(rng, data.HMONG_MIDDLE_MALE)} {pick(rng, data.HMONG_GIVEN_MALE)}"
            )
        return f"{surname} Thị {pick(rng, data.HMONG_GIVEN_FEMALE)}"
    return kinh_name(rng, sex, birth_year, surname)


def surname_for(rng: random.Random, ethnicity: str) -> str:
    if ethnicity in data.HIGHLAND_CLANS:
        return pick(rng, data.HIGHLAND_CLANS[ethnicity])
    if ethnicity in data.MINORITY_SURNAMES and rng.random() < 0.9:
        return pick(rng, data.MINORITY_SURNAMES[ethnicity])
    surname = pick_weighted(rng, data.SURNAMES)
    return surname


def home_province(rng: random.Random, ethnicity: str | None) -> str:
    if ethnicity in data.ETHNIC_HOME_PROVINCES and rng.random() < 0.85:
        return pick(rng, data.ETHNIC_HOME_PROVINCES[ethnicity])
    return pick_weighted(rng, data.HOME_PROVINCES)


def make_person(
    rng: random.Random,
    sex: str,
    birth_year: int,
    ethnicity: str,
    surname: str | None = None,
) -> Person:
    surname = surname or surname_for(rng, ethnicity)
    name = person_name(rng, sex, birth_year, ethnicity, surname)
    return Person(
        name,
        sex,
        birth_year,
        ethnicity,
        "Việt Nam",
        home_province(rng, ethnicity),
        surname,
    )


def official_name(rng: random.Random, sex: str, caps: bool) -> str:
    year = rng.randint(1962, 1985)
    return apply_caps(kinh_name(rng, sex, year, pick_weighted(rng, data.SURNAMES)), caps)


def ethnicity_printed(rng: random.Random, canonical: str) -> str:
    variants = data.ETHNIC_VARIANTS.get(canonical, ())
    if not variants:
        return canonical
    p = 0.03 if canonical == "Kinh" else 0.3
    return pick(rng, variants) if rng.random() < p else canonical


# --- identity numbers -------------------------------------------------------------------------


def sex_century_digit(sex: str, birth_year: int) -> int:
    """The ``G`` digit of a personal number (identity.md)."""
    century = (birth_year // 100) - 19  # 1900s → 0, 2000s → 1, 2100s → 2
    return 2 * century + (1 if sex == "Nữ" else 0)


def personal_number(rng: random.Random, province_code: str, sex: str, birth_year: int) -> str:
    return (
        f"{province_code}{sex_century_digit(sex, birth_year)}"
        f"{birth_year % 100:02d}{rng.randrange(1_000_000):06d}"
    )


def fmt_date(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def random_date(rng: random.Random, lo: date, hi: date) -> date:
    if hi <= lo:
        return lo
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


def id_document(
    rng: random.Random,
    book: BookStyle,
    person: Person,
    reg: date,
    own_number: str | None,
    *,
    details: bool = True,
) -> tuple[str, str, str | None, str | None, str]:
    """(code, number, issue date ISO, issuer, printed value) of a person's identity paper,
    as held on ``reg``.

    ``own_number`` is the person's personal number when the book prints it (a chip card carries
    the same number). ``details``: the book prints the issue date and issuer (birth and marriage
    books do; a death book prints the paper and its number only, and both come back None).
    """
    if person.nationality != "Việt Nam":
        code = "ho_chieu"
    elif reg >= date(2024, 7, 1):
        code = pick(rng, ("the_can_cuoc", "cccd", "ho_chieu"), (45, 53, 2))
    elif reg >= date(2021, 1, 1):
        code = pick(rng, ("cccd", "cmnd", "ho_chieu"), (85, 12, 3))
    elif reg >= date(2016, 1, 1):
        share = min(0.15 + 0.12 * (reg.year - 2016), 0.6)
        code = pick(rng, ("cccd", "cmnd", "ho_chieu"), (share, 0.97 - share, 0.03))
    else:
        code = pick(rng, ("cmnd", "ho_chieu"), (96, 4))
    adult = date(person.birth_year + 14, 6, 1)
    if code == "ho_chieu":
        if person.nationality != "Việt Nam":
            number = f"{pick(rng, ('M', 'E', 'T', 'P'))}{rng.randrange(10_000_000):07d}"
            issuer = None
        else:
            letter = (
                "N" if reg >= date(2022, 7, 1) and rng.random() < 0.6 else pick(rng, ("B", "C"))
            )
            number = f"{letter}{rng.randrange(10_000_000):07d}"
            issuer = data.ISSUER_IMMIGRATION
        issued = random_date(rng, max(adult, reg - timedelta(days=3600)), reg - timedelta(days=20))
    elif code == "cmnd":
        prefix = "01" if person.home_province == "Hà Nội" else f"{rng.randint(0, 38):02d}"
        number = f"{prefix}{rng.randrange(10_000_000):07d}"
        issued = random_date(
            rng, max(adult, reg - timedelta(days=15 * 365)), reg - timedelta(days=30)
        )
        prov = person.home_province if rng.random() < 0.4 else "Hà Nội"
        issuer = f"Công an TP {prov}" if prov in data.CENTRAL_CITIES else f"Công an tỉnh {prov}"
    else:
        prov_code = data.PROVINCE_CODES.get(person.home_province, "001")
        if rng.random() < 0.3:
            prov_code = "001"
        number = own_number or personal_number(rng, prov_code, person.sex, person.birth_year)
        start = date(2024, 7, 1) if code == "the_can_cuoc" else date(2016, 1, 1)
        issued = random_date(rng, max(adult, start), reg - timedelta(days=10))
        if code == "the_can_cuoc":
            issuer = data.ISSUER_MPS
        elif issued >= date(2021, 1, 1) or rng.random() < 0.3:
            issuer = data.ISSUER_QLHC
        else:
            issuer = data.ISSUER_DKQL
    issued = min(issued, reg)
    printed = f"{book.id_doc_wording[code]} số {number}"
    if not details:
        return code, number, None, None, printed
    issue_iso: str | None = None
    if rng.random() < book.issue_date_p:
        printed += f", cấp ngày {fmt_date(issued)}"
        issue_iso = issued.isoformat()
    if issuer is not None and rng.random() < book.issuer_p:
        printed += f", nơi cấp: {issuer}"
    else:
        issuer = None
    return code, number, issue_iso, issuer, printed


def residence(rng: random.Random, book: BookStyle, person: Person | None) -> str:
    """Where a person lives: mostly the book's ward, else another Hanoi ward or a village in
    their home province."""
    roll = rng.random()
    if roll < 0.72:
        ward = book.ward
    elif roll < 0.95 or person is None:
        ward = random_hanoi_ward(rng)
    else:
        units = commune_units(rng, person.home_province)
        village = f"Thôn {pick(rng, ('Đông', 'Đoài', 'Trung', 'Nam', 'Bắc', 'Thượng', 'Hạ'))}"
        return f"{village}, {format_units(units, book.place_style)}"
    return street_address(rng, ward, book.place_style)
