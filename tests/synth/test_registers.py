"""Marriage and death books: every key of the register, values consistent with the domain.

The truth of every drawn record must pass the register's own checks (``extraction.checks``): a
generator that drew a death before its birth, or a spouse under age, fails here.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from extraction.checks import (
    AGE_KINDS,
    DEATH_ON_TIME_DAYS,
    MARRIAGE_MIN_AGE,
    RECOGNITION_BEFORE,
    age_on,
    check_record,
)
from extraction.dates import parse_date_words
from extraction.extract import has_hard_reason
from extraction.forms import FORMS, ID_DOC_TYPES, RegisterForm
from extraction.identity import check_personal_id
from extraction.types import FieldValue
from synth import write_sample_book
from synth.data import ETHNIC_GROUPS
from synth.records import BookSpec, Entry, make_book_spec, make_entries
from synth.render import Layout, RenderStyle

CANONICAL_ETHNICITIES = {name for name, _ in ETHNIC_GROUPS}
REGISTERS = ("marriage", "death")


def _book(register_type: str, seed: int, year: int, n: int) -> tuple[BookSpec, list[Entry]]:
    rng = random.Random(seed)
    book = make_book_spec(
        rng,
        year=year,
        book_no=f"01/{year}",
        authority=None,
        first_entry_no=1,
        form=FORMS[register_type],
    )
    return book, make_entries(rng, book, n)


@pytest.fixture(scope="module")
def books() -> dict[str, list[tuple[BookSpec, list[Entry]]]]:
    return {
        t: [_book(t, seed, year, 300) for seed, year in ((1, 2016), (2, 2021), (3, 2012))]
        for t in REGISTERS
    }


def _d(value: str | None) -> date | None:
    if value is None:
        return None
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value
    return date.fromisoformat(value)


@pytest.mark.parametrize("register_type", REGISTERS)
def test_every_key_in_order_text_nfc(
    books: dict[str, list[tuple[BookSpec, list[Entry]]]], register_type: str
) -> None:
    form: RegisterForm = FORMS[register_type]
    for book, entries in books[register_type]:
        assert book.form is form
        for e in entries:
            assert tuple(e.truth) == form.keys
            for key, value in [*e.truth.items(), *e.printed.items()]:
                if value is not None:
                    assert value == unicodedata.normalize("NFC", value), key
                    assert value == " ".join(value.split()) and value, (key, value)
            assert e.truth["registration_kind"] in form.registration_kinds
            assert (
                e.printed["registration_kind"]
                in form.registration_kinds[e.truth["registration_kind"] or ""]
            )


@pytest.mark.parametrize("register_type", REGISTERS)
def test_printed_labels_are_the_forms_wordings(
    books: dict[str, list[tuple[BookSpec, list[Entry]]]], register_type: str
) -> None:
    form = FORMS[register_type]
    for book, _ in books[register_type]:
        printed = [lid for line in book.lines for lid in line]
        omitted = set(form.order) - set(printed)
        assert omitted <= {"deceased.personal_id"}  # only an old book leaves the number out
        for lid in printed:
            assert book.labels[form.label_id(lid)] in form.label_variants[form.label_id(lid)]


@pytest.mark.parametrize("register_type", REGISTERS)
def test_truth_passes_the_registers_checks(
    books: dict[str, list[tuple[BookSpec, list[Entry]]]], register_type: str
) -> None:
    """Read perfectly, no record of the generator is flagged by a check."""
    for book, entries in books[register_type]:
        for e in entries:
            fields = {
                k: FieldValue(key=k, value=v, raw=v, confidence=1.0) for k, v in e.truth.items()
            }
            check_record(fields, register_type, book_year=book.year)
            flagged = {k: f.reasons for k, f in fields.items() if has_hard_reason(f)}
            assert not flagged, (e.entry_no, flagged)


def test_death_records_are_consistent(
    books: dict[str, list[tuple[BookSpec, list[Entry]]]],
) -> None:
    kinds: dict[str, int] = defaultdict(int)
    for book, entries in books["death"]:
        for e in entries:
            t = e.truth
            birth, death, reg = (
                _d(t["deceased.date_of_birth"]),
                _d(t["death.date"]),
                _d(t["registration_date"]),
            )
            notice = _d(t["death_notice.date"])
            assert birth and death and reg and notice
            assert birth <= death <= reg and death <= notice <= reg
            assert t["death.date_words"] == t["death.date"]
            assert parse_date_words(e.printed["death.date_words"] or "") == death
            assert t["death.time"] is None or re.fullmatch(
                r"([01]\d|2[0-3]):[0-5]\d", t["death.time"]
            )
            assert t["deceased.sex"] in ("Nam", "Nữ")
            assert t["deceased.ethnicity"] in CANONICAL_ETHNICITIES
            assert t["death.cause"] and t["death_notice.no"] and t["death_notice.issuer"]
            kind = t["registration_kind"] or ""
            kinds[kind] += 1
            if kind in AGE_KINDS:
                lo, hi = AGE_KINDS[kind]
                assert lo <= age_on(birth, death) <= hi
            if kind == "dung_han":
                assert (reg - death).days <= DEATH_ON_TIME_DAYS
            if kind == "qua_han":
                assert (reg - death).days > DEATH_ON_TIME_DAYS
            pid = t["deceased.personal_id"]
            if book.year >= 2016:
                assert pid is not None and not check_personal_id(
                    pid, sex=t["deceased.sex"], birth_year=birth.year
                )
            else:
                assert pid is None
            doc = t["deceased.id_doc_type"]
            if age_on(birth, death) < 14:
                assert doc is None and t["deceased.id_doc_no"] is None
            if doc in ("cccd", "the_can_cuoc"):
                assert t["deceased.id_doc_no"] == pid
            assert t["declarant.id_doc_type"] in ID_DOC_TYPES and t["declarant.id_doc_no"]
    assert set(kinds) == set(FORMS["death"].registration_kinds)  # every kind is drawn


def test_marriage_records_are_consistent(
    books: dict[str, list[tuple[BookSpec, list[Entry]]]],
) -> None:
    recognised = 0
    for _, entries in books["marriage"]:
        for e in entries:
            t = e.truth
            reg = _d(t["registration_date"])
            since = _d(t["marriage_recognised_date"])
            assert reg
            if since is not None:
                recognised += 1
                assert since < RECOGNITION_BEFORE and t["registration_kind"] == "lan_dau"
            for role, sex in (("wife", "Nữ"), ("husband", "Nam")):
                birth = _d(t[f"{role}.date_of_birth"])
                assert birth and age_on(birth, reg) >= MARRIAGE_MIN_AGE[role]
                if since is not None:
                    assert age_on(birth, since) >= MARRIAGE_MIN_AGE[role]
                assert t[f"{role}.full_name"] and t[f"{role}.residence"]
                eth = t[f"{role}.ethnicity"]
                assert eth in CANONICAL_ETHNICITIES or (
                    eth is None and t[f"{role}.nationality"] != "Việt Nam"
                )
                if t[f"{role}.id_doc_type"] in ("cccd", "the_can_cuoc"):
                    number = t[f"{role}.id_doc_no"] or ""
                    assert not check_personal_id(number, sex=sex, birth_year=birth.year)
                issued = _d(t[f"{role}.id_doc_issue_date"])
                assert issued is None or birth < issued <= reg
    assert recognised > 0


@pytest.mark.parametrize("register_type", REGISTERS)
def test_drawn_values_are_the_printed_values(register_type: str) -> None:
    book, entries = _book(register_type, 5, 2019, 12)
    lay = Layout(book, RenderStyle.draw(random.Random(105)))
    for e in entries:
        block = lay.layout_entry(e, random.Random(1))
        drawn: dict[str, list[str]] = defaultdict(list)
        for op in block.ops:
            if op.role == "value":
                drawn[op.key].append(op.text)
        for lid in (i for line in book.lines for i in line):
            value = e.printed[lid]
            assert " ".join(drawn.get(lid, [])) in ((value,) if value else ("", "-"))


def _truth(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "truth.jsonl").read_text("utf-8").splitlines()]


@pytest.mark.parametrize("register_type", REGISTERS)
def test_same_seed_same_book(tmp_path: Path, register_type: str) -> None:
    kw: dict[str, Any] = {
        "register_type": register_type,
        "records": 2,
        "seed": 61,
        "quality": "clean",  # the scan effects are the birth books' (tests/synth/test_book.py)
        "fmt": "png",
    }
    m1 = write_sample_book(tmp_path / "a", **kw)
    m2 = write_sample_book(tmp_path / "b", **kw)
    assert m1 == m2 and m1["register_type"] == register_type
    for name in ("truth.jsonl", "meta.json", *m1["files"]):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    truth = _truth(tmp_path / "a")
    assert [r["register_type"] for r in truth] == [register_type] * 2
    assert all(tuple(r["fields"]) == FORMS[register_type].keys for r in truth)
    other = write_sample_book(tmp_path / "c", **{**kw, "seed": 62})
    assert other["register_type"] == register_type and _truth(tmp_path / "c") != truth
