"""The records of a synthetic marriage register (Sổ đăng ký kết hôn).

Both spouses are of age on the day of registration (the wife 18 or older, the husband 20 or
older: Marriage and Family Law), their papers' numbers fit their sex and birth year
(``identity.md``), and a cohabitation begun before 1987 that the registration recognises carries
the day it began (``marriage_recognised_date``), when both were already of age.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from extraction.checks import MARRIAGE_MIN_AGE, RECOGNITION_BEFORE
from synth import data
from synth.data import pick, pick_weighted
from synth.people import (
    Person,
    ethnicity_printed,
    fmt_date,
    id_document,
    make_person,
    random_date,
    residence,
)
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

_KINDS: tuple[tuple[str, float], ...] = (
    ("lan_dau", 93.0),
    ("dang_ky_lai", 5.0),
    ("ghi_chu_ket_hon", 2.0),
)


def _age_on(birth: date, day: date) -> int:
    """Whole years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _birthday(rng: random.Random, day: date, age: int) -> date:
    """A date of birth that makes a person exactly ``age`` on ``day``."""
    latest = date(day.year - age, day.month, min(day.day, 28))
    return latest - timedelta(days=rng.randint(0, 360))


def _spouses(
    rng: random.Random, reg: date, kind: str, recognised: bool
) -> tuple[date, date, date | None]:
    """(wife's and husband's dates of birth, the recognised cohabitation's start or None)."""
    if recognised:
        since = random_date(rng, date(1960, 1, 1), RECOGNITION_BEFORE - timedelta(days=1))
        wife = _birthday(rng, since, round(rng.triangular(18, 30, 21)))
        husband = _birthday(rng, since, round(rng.triangular(20, 35, 24)))
        return wife, husband, since
    married = reg
    if kind == "dang_ky_lai":  # a marriage registered long ago, its record lost
        married = reg - timedelta(days=round(rng.uniform(3, 40) * 365.25))
    wife_age = max(MARRIAGE_MIN_AGE["wife"], round(rng.triangular(18, 45, 25)))
    husband_age = max(MARRIAGE_MIN_AGE["husband"], round(wife_age + rng.triangular(-3, 10, 2)))
    return _birthday(rng, married, wife_age), _birthday(rng, married, husband_age), None


def make_entry(rng: random.Random, book: BookSpec, entry_no: int, reg: date) -> Entry:
    """One marriage registered on ``reg``: its printed values and its truth."""
    kind = pick_weighted(rng, _KINDS)
    recognised = kind == "lan_dau" and rng.random() < 0.03
    wife_dob, husband_dob, since = _spouses(rng, reg, kind, recognised)

    husband_eth = pick_weighted(rng, data.PARENT_ETHNICITY)
    if husband_eth != "Kinh" and rng.random() < 0.7:
        wife_eth = husband_eth
    else:
        wife_eth = pick_weighted(rng, data.PARENT_ETHNICITY)
    wife = make_person(rng, "Nữ", wife_dob.year, wife_eth)
    husband: Person
    if not recognised and kind != "dang_ky_lai" and rng.random() < 0.01:
        nationality, passport_name = pick(rng, data.FOREIGN_PARENTS)
        husband = Person(passport_name, "Nam", husband_dob.year, None, nationality, "Hà Nội", "")
    else:
        husband = make_person(rng, "Nam", husband_dob.year, husband_eth)
        if husband.surname == wife.surname and rng.random() < 0.8:
            husband = make_person(rng, "Nam", husband_dob.year, husband_eth)

    wife_home = residence(rng, book, wife)
    husband_home = wife_home if rng.random() < 0.3 else residence(rng, book, husband)
    wife_doc = id_document(rng, book, wife, reg, None)
    husband_doc = id_document(rng, book, husband, reg, None)
    signer_name, signer_title, clerk = officials(rng, book)
    notes = pick(rng, data.MARRIAGE_NOTES) if rng.random() < 0.08 else None
    caps = entry_caps(rng, book, ("wife", "husband"))

    printed: dict[str, str | None] = {
        "entry_no": str(entry_no),
        "registration_date": fmt_date(reg),
        "marriage_recognised_date": fmt_date(since) if since else None,
        "signer.full_name": signer_name,
        "signer.title": signer_title,
        "clerk.full_name": clerk,
        "registration_kind": book.kind_wording[kind],
        "notes": notes,
    }
    truth: Truth = {"registration_date": reg.isoformat()}
    for role, person, dob, home, doc in (
        ("wife", wife, wife_dob, wife_home, wife_doc),
        ("husband", husband, husband_dob, husband_home, husband_doc),
    ):
        name = name_as_printed(person, caps[role])
        eth = person.ethnicity
        code, number, issued, issuer, doc_printed = doc
        printed |= {
            f"{role}.full_name": name,
            f"{role}.date_of_birth": fmt_date(dob),
            f"{role}.ethnicity": ethnicity_printed(rng, eth) if eth else None,
            f"{role}.nationality": person.nationality,
            f"{role}.residence": home,
            f"{role}.id_doc_type": doc_printed,
        }
        truth |= {
            f"{role}.full_name": name,
            f"{role}.date_of_birth": dob.isoformat(),
            f"{role}.ethnicity": eth,
            f"{role}.nationality": person.nationality,
            f"{role}.residence": home,
            f"{role}.id_doc_type": code,
            f"{role}.id_doc_no": number,
            f"{role}.id_doc_issue_date": issued,
            f"{role}.id_doc_issuer": issuer,
        }
    truth |= {
        "marriage_recognised_date": since.isoformat() if since else None,
        "signer.full_name": signer_name,
        "signer.title": signer_title,
        "clerk.full_name": clerk,
        "registration_kind": kind,
        "notes": notes,
    }
    check_truth_keys(truth, book.form)
    return Entry(str(entry_no), printed, truth, reg, blank_dash(rng, book))
