from __future__ import annotations

import random

import pytest

from extraction.forms import FORMS
from extraction.gazetteer import check_places, gazetteer, name_key, parse_place, place_keys
from extraction.types import FieldValue
from synth.records import make_book_spec, make_entries


def test_gazetteer_holds_both_systems() -> None:
    g = gazetteer()
    legacy = [c for (era, c) in g.province_by_code if era == "legacy"]
    new = [c for (era, c) in g.province_by_code if era == "2025"]
    assert len(legacy) == 63 and len(new) == 34
    wards = {id(e) for index in g.wards.values() for es in index.by_key.values() for e in es}
    assert len(wards) > 10_000
    assert len(g.ward_2025_by_code) == 3321


@pytest.mark.parametrize(
    "text",
    [
        "Số 12, ngõ 45, phường Ngọc Lâm, quận Long Biên, TP Hà Nội",
        "P. Ngọc Lâm, Q. Long Biên, TP. Hà Nội",
        "Ngọc Lâm, Long Biên, Hà Nội",
        "PHƯỜNG NGỌC LÂM, QUẬN LONG BIÊN, THÀNH PHỐ HÀ NỘI",
        "phường Ngọc Lâm - quận Long Biên - thành phố Hà Nội",
    ],
)
def test_three_levels_in_every_style(text: str) -> None:
    r = parse_place(text)
    assert r.ok, r.reasons
    assert r.ward is not None and r.ward.full_name == "phường Ngọc Lâm"
    assert r.district is not None and r.district.full_name == "quận Long Biên"
    assert r.province is not None and r.province.name == "Hà Nội"
    assert r.era == "legacy"
    # Ngọc Lâm went into phường Bồ Đề in 2025
    assert r.successor_ward is not None and r.successor_ward.name == "Bồ Đề"
    assert r.successor_province is not None and r.successor_province.name == "Hà Nội"


def test_street_part_is_kept_apart() -> None:
    r = parse_place("Số 12, ngõ 45, phố Ngọc Lâm, phường Ngọc Lâm, quận Long Biên, TP Hà Nội")
    assert r.street == "Số 12, ngõ 45, phố Ngọc Lâm"


def test_numbered_units_and_other_provinces() -> None:
    r = parse_place("Phường 03, Quận 3, TP. Hồ Chí Minh")
    assert r.ok and r.ward is not None and r.ward.name == "3"
    assert r.district is not None and r.district.name == "3"
    r = parse_place("xã Minh Lộc, huyện Hậu Lộc, tỉnh Thanh Hóa")
    assert r.ok and r.province is not None and r.province.kind == "tỉnh"
    assert parse_place("TT. Thuận Châu, H. Thuận Châu, Sơn La").ok


def test_post_2025_two_levels() -> None:
    r = parse_place("xã Vạn Lộc, tỉnh Thanh Hóa")
    assert r.ok and r.ward is not None and r.district is None
    r = parse_place("phường Hoàn Kiếm, thành phố Hà Nội")
    assert r.ok and r.ward is not None and r.ward.name == "Hoàn Kiếm"
    # a 2025 province that did not exist before: Hà Giang's communes are now Tuyên Quang's
    r = parse_place("xã Minh Tân, tỉnh Tuyên Quang")
    assert r.ok and r.era is not None


def test_old_province_maps_to_its_2025_province() -> None:
    r = parse_place("huyện Vũ Thư, tỉnh Thái Bình")
    assert r.ok and r.province is not None and r.province.name == "Thái Bình"
    assert r.successor_province is not None and r.successor_province.name == "Hưng Yên"
    assert parse_place("Thừa Thiên Huế").province is not None


def test_former_and_renamed_units_are_accepted() -> None:
    # a commune merged into a town keeps its name as an alias
    assert parse_place("xã Chiềng Ly, huyện Thuận Châu, tỉnh Sơn La").ok
    # a district raised to a town (huyện → thị xã) is still found under its old kind
    assert parse_place("xã Việt Hùng, huyện Quế Võ, tỉnh Bắc Ninh").ok
    # Từ Liêm, split in 2013, from the Hà Nội historical list
    assert parse_place("xã Xuân Đỉnh, huyện Từ Liêm, Hà Nội").ok


def test_facility_with_a_ward_inside() -> None:
    r = parse_place("Trạm y tế xã Uy Nỗ, H. Đông Anh, TP. Hà Nội")
    assert r.ok and r.ward is not None and r.ward.name == "Uy Nỗ"
    assert r.street == "Trạm y tế xã Uy Nỗ"


@pytest.mark.parametrize(
    "text",
    [
        "Bệnh viện Thanh Nhàn",
        "Thôn Bắc, tỉnh Yên Bái",
        "",
        "...",
        "phường Linh Trung, thành phố Thủ Đức",  # a city of a province, the province left out
    ],
)
def test_no_unit_or_no_ward_is_no_error(text: str) -> None:
    assert parse_place(text).ok


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("phường Ngọc Lâm, quận Ba Đình, TP Hà Nội", "place_ward_not_in_district"),
        ("phường Ngọc Lârn, quận Long Biên, TP Hà Nội", "place_ward_not_in_district"),
        ("xã Minh Lộc, huyện Thuận Châu, tỉnh Thanh Hóa", "place_district_not_in_province"),
        ("xã Minh Lộc, tỉnh Nam Địch", "place_province_unknown"),
        ("tỉnh Nam Địch", "place_province_unknown"),
        ("phường 5, thành phố Xyz", "place_province_unknown"),
        ("xã Minh Lộc, huyện Hậu Lộc, tỉnh Thanh Hoa", "place_name_accents_differ"),
        ("phường Ngọc Lâm, quận Long Biền, TP Hà Nội", "place_name_accents_differ"),
        ("phường Xyz, thành phố Hà Nội", "place_ward_not_in_district"),
    ],
)
def test_places_that_do_not_fit_have_a_reason(text: str, reason: str) -> None:
    assert reason in parse_place(text).reasons


def test_name_key() -> None:
    assert name_key("Phường 03") == name_key("phuong 3")
    assert name_key("Thuỵ Lí") == name_key("Thụy Lý")
    assert name_key("Hoà Bình") == name_key("Hòa Bình")


def test_generated_places_all_parse() -> None:
    """Every place the generator writes (all registers) is a known unit: no false flag."""
    bad = []
    n = 0
    for register_type in ("birth", "marriage", "death"):
        form = FORMS[register_type]
        keys = place_keys(register_type)
        for seed in range(6):
            rng = random.Random(seed)
            spec = make_book_spec(
                rng, year=2019, book_no="01", authority=None, first_entry_no=1, form=form
            )
            for e in make_entries(rng, spec, 40):
                for key in keys:
                    value = e.truth.get(key)
                    if value:
                        n += 1
                        if not parse_place(value).ok:
                            bad.append(value)
    assert n > 1000
    assert len(bad) <= n // 500, bad


def test_check_places_flags_fields() -> None:
    fields = {
        "child.home_town": FieldValue(key="child.home_town", value="huyện Nam Địch, Hà Nội"),
        "child.place_of_birth": FieldValue(
            key="child.place_of_birth", value="phường Ngọc Lâm, quận Long Biên, TP Hà Nội"
        ),
    }
    check_places(fields, place_keys("birth"))
    assert fields["child.home_town"].reasons == ["place_district_not_in_province"]
    assert fields["child.place_of_birth"].reasons == []


_ABBREV = {"phường": "P.", "xã": "X.", "thị trấn": "TT.", "quận": "Q.", "huyện": "H.",
           "thị xã": "TX.", "thành phố": "TP."}  # fmt: skip


def _legacy_rows() -> list[dict[str, str]]:
    from extraction.gazetteer import _rows

    return [r for r in _rows("admin_units_legacy.csv") if r["ward"]]


def test_legacy_units_written_in_every_style_parse_back() -> None:
    """2,000 random wards of the whole country, full / abbreviated / upper case: the same unit
    (ward and district codes) comes back, with no reason."""
    g = gazetteer()
    rows = _legacy_rows()
    rng = random.Random(5)
    for n, r in enumerate(rng.sample(rows, 2000)):
        prov = g.province_by_code[("legacy", r["province_code"])].unit
        units = [(r["ward_kind"], r["ward"]), (r["district_kind"], r["district"]),
                 (prov.kind, prov.name)]  # fmt: skip
        style = n % 3
        if style == 1:
            text = ", ".join(f"{_ABBREV.get(k, k)} {v}" for k, v in units)
        else:
            text = ", ".join(f"{k} {v}" for k, v in units)
        if style == 2:
            text = text.upper()
        p = parse_place(f"Số {n}, {text}")
        assert p.ok, (text, p.reasons)
        assert p.ward is not None and p.ward.code == r["ward_code"], text
        assert p.district is not None and p.district.code == r["district_code"], text
        assert p.street == f"Số {n}"
        if r["successor_ward_code"]:
            assert p.successor_ward is not None
            assert p.successor_ward.code == r["successor_ward_code"]


def test_2025_units_parse_back() -> None:
    from extraction.gazetteer import _rows

    g = gazetteer()
    rng = random.Random(6)
    for r in rng.sample(_rows("admin_units_2025.csv"), 500):
        prov = g.province_by_code[("2025", r["province_code"])].unit
        p = parse_place(f"{r['ward_kind']} {r['ward']}, {prov.kind} {prov.name}")
        assert p.ok, (r, p.reasons)
        # the same name may also be a ward before 2025 (then era is None: both readings fit)
        assert p.ward is not None and name_key(p.ward.name) == name_key(r["ward"])
        assert p.era in (None, "2025")
        if p.era == "2025":
            assert p.successor_ward == p.ward


def test_a_misread_ward_name_never_passes_silently() -> None:
    """One letter changed in 500 random wards: flagged, unless the result is the name of another
    real ward of that district (then nothing can tell)."""
    g = gazetteer()
    rng = random.Random(7)
    flagged = 0
    for r in rng.sample(_legacy_rows(), 500):
        name = r["ward"]
        letters = [i for i, ch in enumerate(name) if ch.isalpha()]
        if not letters:  # "Phường 3"
            continue
        i = rng.choice(letters)
        new = "x" if name[i].lower() != "x" else "k"
        misread = name[:i] + new + name[i + 1 :]
        if name_key(misread) in g.wards[r["district_code"]].by_key:
            continue
        prov = g.province_by_code[("legacy", r["province_code"])].unit
        text = f"{r['ward_kind']} {misread}, {r['district_kind']} {r['district']}, {prov.name}"
        assert "place_ward_not_in_district" in parse_place(text).reasons, text
        flagged += 1
    assert flagged > 400
