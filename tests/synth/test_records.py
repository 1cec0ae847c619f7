"""The records of a synthetic book: every key, normalised values, consistent with each other."""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import date

import pytest

from extraction.forms import BIRTH_KEYS, ID_DOC_TYPES, LABEL_VARIANTS, REGISTRATION_KINDS
from synth.data import ETHNIC_GROUPS, ETHNIC_VARIANTS
from synth.people import sex_century_digit
from synth.records import ON_TIME_DAYS, BookSpec, Entry, make_book_spec, make_entries

CANONICAL_ETHNICITIES = {name for name, _ in ETHNIC_GROUPS}
DATE_KEYS = ("registration_date", "child.date_of_birth", "declarant.id_doc_issue_date")


def _book(seed: int, year: int, n: int) -> tuple[BookSpec, list[Entry]]:
    rng = random.Random(seed)
    book = make_book_spec(
        rng, year=year, book_no=f"01/{year}", authority=None, first_entry_no=1 + seed
    )
    return book, make_entries(rng, book, n)


@pytest.fixture(scope="module")
def books() -> list[tuple[BookSpec, list[Entry]]]:
    return [_book(seed, year, 400) for seed, year in ((1, 2016), (2, 2019), (3, 2014), (4, 2025))]


def _iso(value: str | None) -> date | None:
    if value is None:
        return None
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value
    return date.fromisoformat(value)


def test_every_key_present_in_order(books: list[tuple[BookSpec, list[Entry]]]) -> None:
    for _, entries in books:
        for e in entries:
            assert tuple(e.truth) == BIRTH_KEYS


def test_text_is_nfc_single_spaced(books: list[tuple[BookSpec, list[Entry]]]) -> None:
    for _, entries in books:
        for e in entries:
            for key, value in [*e.truth.items(), *e.printed.items()]:
                if value is None:
                    continue
                assert value == unicodedata.normalize("NFC", value), key
                assert value == " ".join(value.split()), (key, value)
                assert value, key


def test_values_are_normalised(books: list[tuple[BookSpec, list[Entry]]]) -> None:
    for _, entries in books:
        for e in entries:
            t = e.truth
            for key in DATE_KEYS:
                _iso(t[key])
            assert t["child.date_of_birth_words"] == t["child.date_of_birth"]
            assert t["child.sex"] in ("Nam", "Nữ")
            assert t["child.nationality"] == "Việt Nam"
            assert t["child.ethnicity"] in CANONICAL_ETHNICITIES
            assert t["registration_kind"] in REGISTRATION_KINDS
            assert t["declarant.id_doc_type"] in ID_DOC_TYPES
            assert t["signer.title"] in ("Chủ tịch", "Phó Chủ tịch")
            for role in ("mother", "father"):
                eth = t[f"{role}.ethnicity"]
                assert eth is None or eth in CANONICAL_ETHNICITIES
                year = t[f"{role}.birth_year"]
                assert year is None or re.fullmatch(r"\d{4}", year)
            # a printed ethnicity is the canonical name or one of its variants
            printed = e.printed["child.ethnicity"]
            canon = t["child.ethnicity"]
            assert printed == canon or printed in ETHNIC_VARIANTS[canon]
            name = t["child.full_name"] or ""
            assert name == e.printed["child.full_name"]
            assert name in (name.upper(), " ".join(w[:1].upper() + w[1:] for w in name.split()))


def test_dates_and_kinds_agree(books: list[tuple[BookSpec, list[Entry]]]) -> None:
    kinds_seen = set()
    for book, entries in books:
        previous = None
        for e in entries:
            t = e.truth
            reg, birth = _iso(t["registration_date"]), _iso(t["child.date_of_birth"])
            assert reg is not None and birth is not None
            assert reg.year == book.year
            assert previous is None or previous <= reg, "registration dates go backwards"
            previous = reg
            assert birth <= reg
            delay = (reg - birth).days
            kind = t["registration_kind"]
            kinds_seen.add(kind)
            if kind == "dung_han":
                assert delay <= ON_TIME_DAYS
            elif kind == "qua_han":
                assert delay > ON_TIME_DAYS
            elif kind == "dang_ky_lai":
                assert delay > 2 * 365
            issued = _iso(t["declarant.id_doc_issue_date"])
            assert issued is None or issued <= reg
    assert {"dung_han", "qua_han", "dang_ky_lai"} <= kinds_seen


def test_entry_numbers_are_consecutive(books: list[tuple[BookSpec, list[Entry]]]) -> None:
    for book, entries in books:
        numbers = [int(e.entry_no) for e in entries]
        assert numbers == list(range(book.first_entry_no, book.first_entry_no + len(entries)))


def test_parents(books: list[tuple[BookSpec, list[Entry]]]) -> None:
    father_blank = 0
    for _, entries in books:
        for e in entries:
            t = e.truth
            birth_year = int((t["child.date_of_birth"] or "")[:4])
            for role in ("mother", "father"):
                fields = [t[f"{role}.{a}"] for a in ("full_name", "birth_year", "nationality")]
                assert all(f is None for f in fields) or all(f is not None for f in fields)
                if t[f"{role}.birth_year"] is not None:
                    assert 12 <= birth_year - int(t[f"{role}.birth_year"] or 0) <= 70
                    assert t[f"{role}.residence"] is not None
            unknown = t["mother.full_name"] is None and t["father.full_name"] is None
            assert unknown == (t["registration_kind"] in ("chua_xac_dinh_cha_me", "bi_bo_roi"))
            father_blank += t["father.full_name"] is None and t["mother.full_name"] is not None
    assert father_blank > 0, "a father left blank is common and must occur"


def _check_personal_number(number: str, sex: str, birth_year: int) -> None:
    assert re.fullmatch(r"\d{12}", number), number
    assert int(number[3]) == sex_century_digit(sex, birth_year)
    assert number[4:6] == f"{birth_year % 100:02d}"


def test_personal_ids(books: list[tuple[BookSpec, list[Entry]]]) -> None:
    for book, entries in books:
        for e in entries:
            t = e.truth
            pid = t["child.personal_id"]
            if book.year < 2016:
                assert pid is None
                continue
            assert pid is not None and pid.startswith("001")
            _check_personal_number(
                pid, t["child.sex"] or "", int((t["child.date_of_birth"] or "")[:4])
            )


def test_identity_papers(books: list[tuple[BookSpec, list[Entry]]]) -> None:
    mothers_cards = 0
    for book, entries in books:
        for e in entries:
            t = e.truth
            code, number = t["declarant.id_doc_type"], t["declarant.id_doc_no"] or ""
            pattern = {
                "cccd": r"\d{12}",
                "the_can_cuoc": r"\d{12}",
                "cmnd": r"\d{9}",
                "ho_chieu": r"[A-Z]\d{7}",
            }[code or ""]
            assert re.fullmatch(pattern, number), (code, number)
            printed = e.printed["declarant.id_doc_type"] or ""
            assert printed.startswith(f"{book.id_doc_wording[code or '']} số {number}")
            if t["declarant.id_doc_issue_date"]:
                d = _iso(t["declarant.id_doc_issue_date"])
                assert d is not None and f"cấp ngày {d:%d/%m/%Y}" in printed
            if t["declarant.id_doc_issuer"]:
                assert printed.endswith(f", nơi cấp: {t['declarant.id_doc_issuer']}")
            # a mother's chip card agrees with her sex and birth year
            if (
                code in ("cccd", "the_can_cuoc")
                and t["declarant.full_name"] == t["mother.full_name"]
                and t["declarant.relationship"] == book.relationship_wording["mother"]
            ):
                _check_personal_number(number, "Nữ", int(t["mother.birth_year"] or 0))
                mothers_cards += 1
            if code == "the_can_cuoc":
                assert (_iso(t["registration_date"]) or date.min) >= date(2024, 7, 1)
    assert mothers_cards > 0


def test_book_wording_is_consistent(books: list[tuple[BookSpec, list[Entry]]]) -> None:
    for book, entries in books:
        for key, label in book.labels.items():
            assert label in LABEL_VARIANTS[key]
        printed_ids = [i for line in book.lines for i in line]
        assert len(printed_ids) == len(set(printed_ids))
        if book.personal_id_mode == "omit":
            assert "child.personal_id" not in printed_ids
        kind_words = {e.truth["registration_kind"]: e.printed["registration_kind"] for e in entries}
        for code, words in kind_words.items():
            assert words == book.kind_wording[code or ""]
            assert words in REGISTRATION_KINDS[code or ""]


def test_same_seed_same_records() -> None:
    a = [e.truth for e in _book(9, 2018, 50)[1]]
    b = [e.truth for e in _book(9, 2018, 50)[1]]
    c = [e.truth for e in _book(10, 2018, 50)[1]]
    assert a == b
    assert a != c


def test_places_read_naturally(books: list[tuple[BookSpec, list[Entry]]]) -> None:
    for _, entries in books:
        for e in entries:
            for key in ("child.place_of_birth", "child.home_town", "mother.residence"):
                value = e.truth[key]
                if value is None:
                    continue
                for word in ("Phường", "Quận", "Xã", "Huyện", "Tỉnh", "Thành phố"):
                    assert f", {word} " not in value, value  # capitals only at the start
                assert not value.endswith(",")
