"""The records of a synthetic death register (Sổ đăng ký khai tử).

The deceased dies after their birth and before the registration; the death notice is issued on
or after the day of death and no later than the registration; the registration kind fits the
delay (on time within 15 days) or the age (a child under 1, a child aged 1 to 4). The personal
number and a chip card's number agree with the deceased's sex and birth year (``identity.md``).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from extraction.checks import DEATH_ON_TIME_DAYS
from synth import data
from synth.data import pick, pick_weighted
from synth.dates_words import render_date_words
from synth.people import (
    Person,
    ethnicity_printed,
    fmt_date,
    id_document,
    make_person,
    personal_number,
    residence,
)
from synth.places import HanoiWard, format_units
from synth.records import (
    BookSpec,
    Entry,
    Truth,
    blank_dash,
    check_truth_keys,
    entry_caps,
    name_as_printed,
    officials,
)

ADULT_PAPERS_AGE = 14  # identity papers are issued from this age

_ADULT_KINDS: tuple[tuple[str, float], ...] = (
    ("dung_han", 84.0),
    ("qua_han", 12.0),
    ("dang_ky_lai", 4.0),
)


def _age_days(rng: random.Random) -> tuple[int, str | None]:
    """Age at death in days, and the kind an age fixes (a young child's) or None."""
    roll = rng.random()
    if roll < 0.02:
        return rng.randint(1, 364), "duoi_1_tuoi"
    if roll < 0.04:
        return rng.randint(366, 5 * 365 - 2), "duoi_5_tuoi"
    years = max(18.0, min(104.0, rng.triangular(15, 104, 84)))
    return round(years * 365.25) + rng.randint(0, 300), None


def _delay_days(rng: random.Random, kind: str) -> int:
    if kind in ("dung_han", "duoi_1_tuoi", "duoi_5_tuoi"):
        return round(rng.triangular(0, DEATH_ON_TIME_DAYS, 2))
    if kind == "qua_han":
        if rng.random() < 0.8:
            return DEATH_ON_TIME_DAYS + 1 + min(round(rng.expovariate(1 / 90)), 700)
        return round(rng.uniform(2, 15) * 365.25)
    return round(rng.uniform(3, 35) * 365.25)  # dang_ky_lai


def _time_of_death(rng: random.Random, book: BookSpec) -> tuple[str | None, str | None]:
    """(truth ``hh:mm``, as printed) or (None, None) when the time is not known."""
    if rng.random() < 0.04:
        return None, None
    h, m = rng.randrange(24), rng.randrange(60)
    return f"{h:02d}:{m:02d}", book.time_style.format(h=h, m=m)


def _hospital(rng: random.Random, book: BookSpec) -> tuple[str, str]:
    """(the place of death as written, the hospital that issues the notice)."""
    name, ward, (dkind, dname), _ = rng.choices(
        data.DEATH_HOSPITALS, weights=[h[3] for h in data.DEATH_HOSPITALS]
    )[0]
    if book.birth_place_detail == 0:
        return name, name
    w = HanoiWard(ward, dkind, dname)
    units = w.units() if book.birth_place_detail == 2 else w.units()[1:]
    return f"{name}, {format_units(units, book.place_style)}", name


def _notice(rng: random.Random, issuer_is_hospital: bool, year: int) -> str:
    n = rng.randint(1, 4800 if issuer_is_hospital else 300)
    if issuer_is_hospital:
        return pick(rng, (f"{n}/GBT", f"{n}/{year}/GBT", f"{n}/BV-GBT"), (5, 2, 2))
    return pick(rng, (f"{n}/GXN", str(n)), (3, 2))


_RELATIVES_OF_ADULT: tuple[tuple[str, float], ...] = (
    ("son", 34.0),
    ("daughter", 22.0),
    ("wife", 14.0),
    ("husband", 8.0),
    ("grandchild", 10.0),
    ("sibling", 6.0),
)


def _declarant(
    rng: random.Random, book: BookSpec, deceased: Person, reg: date, child: bool
) -> tuple[Person, str]:
    """Who registered the death, and their relation to the deceased (as the book words it)."""
    if child:
        role = "mother" if rng.random() < 0.55 else "father"
        sex = "Nữ" if role == "mother" else "Nam"
        year = deceased.birth_year - round(rng.triangular(19, 42, 27))
        surname = deceased.surname if role == "father" else None
    else:
        role = pick_weighted(rng, _RELATIVES_OF_ADULT)
        if role == "wife" and deceased.sex == "Nữ":
            role = "husband"
        elif role == "husband" and deceased.sex == "Nam":
            role = "wife"
        sex = "Nữ" if role in ("daughter", "wife") else "Nam"
        if role == "grandchild":
            sex = "Nam" if rng.random() < 0.5 else "Nữ"
        offset = {
            "son": (18, 42),
            "daughter": (18, 42),
            "wife": (-4, 10),
            "husband": (-10, 4),
            "grandchild": (40, 65),
            "sibling": (-12, 12),
        }[role]
        year = deceased.birth_year + rng.randint(*offset)
        surname = deceased.surname if role in ("son", "sibling") and deceased.sex == "Nam" else None
    year = min(year, reg.year - 19)
    person = make_person(rng, sex, year, deceased.ethnicity or "Kinh", surname)
    return person, book.relationship_wording[role]


def make_entry(rng: random.Random, book: BookSpec, entry_no: int, reg: date) -> Entry:
    """One death registered on ``reg``: its printed values and its truth."""
    age_days, young_kind = _age_days(rng)
    kind = young_kind or pick_weighted(rng, _ADULT_KINDS)
    death = reg - timedelta(days=_delay_days(rng, kind))
    birth = death - timedelta(days=age_days)
    if birth.year < 1900:  # a death registered again long after: no one born before 1900
        birth += timedelta(days=round(20 * 365.25))
    sex = "Nam" if rng.random() < 0.53 else "Nữ"
    deceased = make_person(rng, sex, birth.year, pick_weighted(rng, data.PARENT_ETHNICITY))
    child = young_kind is not None

    personal_id: str | None = None
    if book.personal_id_mode == "value":
        province = data.PROVINCE_CODES.get(deceased.home_province, "001")
        personal_id = personal_number(
            rng, province if rng.random() < 0.7 else "001", sex, birth.year
        )
    doc: tuple[str, str, str | None, str | None, str] | None = None
    if age_days >= ADULT_PAPERS_AGE * 365.25 + 183:
        doc = id_document(rng, book, deceased, death, personal_id, details=False)
    home = residence(rng, book, deceased)

    time_truth, time_printed = _time_of_death(rng, book)
    roll = rng.random()
    if roll < (0.35 if child else 0.55):
        place, issuer = _hospital(rng, book)
        notice_no = _notice(rng, True, death.year)
    elif roll < 0.95:
        place = home  # at home
        issuer = f"{pick(rng, ('UBND', 'Công an', 'Trạm y tế'), (4, 3, 3))} {book.ward.unit_name}"
        notice_no = _notice(rng, False, death.year)
    else:
        ward = book.ward
        place = f"Trạm y tế {ward.unit_name}, {format_units(ward.units()[1:], book.place_style)}"
        issuer = f"Trạm y tế {ward.unit_name}"
        notice_no = _notice(rng, False, death.year)
    notice_date = min(reg, death + timedelta(days=round(rng.triangular(0, 4, 0))))
    cause = pick(rng, data.CHILD_DEATH_CAUSES) if child else pick_weighted(rng, data.DEATH_CAUSES)

    declarant, relationship = _declarant(rng, book, deceased, reg, child)
    decl_doc = id_document(rng, book, declarant, reg, None, details=False)
    signer_name, signer_title, clerk = officials(rng, book)
    notes = pick(rng, data.DEATH_NOTES) if rng.random() < 0.08 else None
    caps = entry_caps(rng, book, ("deceased", "declarant"))
    deceased_name = name_as_printed(deceased, caps["deceased"])
    declarant_name = name_as_printed(declarant, caps["declarant"])
    eth = deceased.ethnicity or "Kinh"

    printed: dict[str, str | None] = {
        "entry_no": str(entry_no),
        "registration_date": fmt_date(reg),
        "deceased.full_name": deceased_name,
        "deceased.date_of_birth": fmt_date(birth),
        "deceased.sex": sex,
        "deceased.ethnicity": ethnicity_printed(rng, eth),
        "deceased.nationality": deceased.nationality,
        "deceased.personal_id": personal_id,
        "deceased.id_doc_type": doc[4] if doc else None,
        "deceased.residence": home,
        "death.time": time_printed,
        "death.date": fmt_date(death),
        "death.date_words": render_date_words(death, rng),
        "death.place": place,
        "death.cause": cause,
        "death_notice.no": notice_no,
        "death_notice.date": fmt_date(notice_date),
        "death_notice.issuer": issuer,
        "declarant.full_name": declarant_name,
        "declarant.relationship": relationship,
        "declarant.id_doc_type": decl_doc[4],
        "signer.full_name": signer_name,
        "signer.title": signer_title,
        "clerk.full_name": clerk,
        "registration_kind": book.kind_wording[kind],
        "notes": notes,
    }
    truth: Truth = {
        "registration_date": reg.isoformat(),
        "deceased.full_name": deceased_name,
        "deceased.date_of_birth": birth.isoformat(),
        "deceased.sex": sex,
        "deceased.ethnicity": eth,
        "deceased.nationality": deceased.nationality,
        "deceased.personal_id": personal_id,
        "deceased.id_doc_type": doc[0] if doc else None,
        "deceased.id_doc_no": doc[1] if doc else None,
        "deceased.residence": home,
        "death.time": time_truth,
        "death.date": death.isoformat(),
        "death.date_words": death.isoformat(),
        "death.place": place,
        "death.cause": cause,
        "death_notice.no": notice_no,
        "death_notice.issuer": issuer,
        "death_notice.date": notice_date.isoformat(),
        "declarant.full_name": declarant_name,
        "declarant.relationship": relationship,
        "declarant.id_doc_type": decl_doc[0],
        "declarant.id_doc_no": decl_doc[1],
        "signer.full_name": signer_name,
        "signer.title": signer_title,
        "clerk.full_name": clerk,
        "registration_kind": kind,
        "notes": notes,
    }
    check_truth_keys(truth, book.form)
    return Entry(str(entry_no), printed, truth, reg, blank_dash(rng, book))
