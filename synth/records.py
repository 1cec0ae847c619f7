"""Book-level choices and the records of a synthetic birth register.

``BookSpec`` holds what is fixed for a whole book (its number, ward, the wording its press printed,
how its clerks write names and places); ``make_entries`` draws the records. Each ``Entry`` carries
the printed text per label id (what the renderer draws) and the truth per canonical key (what a
perfect reader would extract), so the two cannot drift apart.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from extraction.forms import (
    BIRTH_FORM_LINES,
    BIRTH_KEYS,
    ID_DOC_TYPES,
    LABEL_VARIANTS,
    REGISTRATION_KINDS,
)
from synth import data
from synth.data import pick, pick_weighted
from synth.dates_words import render_date_words
from synth.places import (
    HanoiWard,
    PlaceStyle,
    all_hanoi_wards,
    commune_units,
    format_units,
    home_town,
    lead,
    random_hanoi_ward,
    street_address,
)

ON_TIME_DAYS = 60  # legal period for a birth registration

Truth = dict[str, str | None]


@dataclass(frozen=True)
class Person:
    full_name: str  # in ordinary case; the book's capitals are applied when printed
    sex: str  # "Nam" | "Nữ"
    birth_year: int
    ethnicity: str | None  # canonical; None for a foreigner
    nationality: str
    home_province: str
    surname: str


@dataclass
class BookSpec:
    """Everything decided once per book."""

    book_no: str
    year: int
    authority: str  # "UBND phường Ngọc Lâm" (the truth value)
    authority_header: str  # "UBND phường Ngọc Lâm, quận Long Biên, TP Hà Nội"
    ward: HanoiWard
    labels: dict[str, str]  # label id → printed wording
    lines: tuple[tuple[str, ...], ...]  # printed lines of one entry (label ids)
    personal_id_mode: str  # "value" (2016+), "blank" (label printed, left blank) or "omit"
    caps: dict[str, bool]  # role → names printed in capitals
    blank_style: str  # "dots" | "dash"
    place_style: PlaceStyle
    birth_place_detail: int  # 0 name only, 1 + district and city, 2 + ward
    id_doc_wording: dict[str, str]
    kind_wording: dict[str, str]
    relationship_wording: dict[str, str]
    issue_date_p: float
    issuer_p: float
    signers: list[tuple[str, str]]  # (name as printed, title)
    clerks: list[str]
    first_entry_no: int
    stamp_text: str  # round-stamp ring text: "UBND PHƯỜNG NGỌC LÂM"


@dataclass
class Entry:
    entry_no: str
    printed: dict[str, str | None]  # label id → printed value (None: left blank)
    truth: Truth  # canonical key → normalised value (every BIRTH_KEYS key)
    registration_date: date
    blank_dash: bool  # blanks of this entry written as "-" rather than dots
    page: int = 0  # set by the page layout


# --- book -------------------------------------------------------------------------------------


def _variant(rng: random.Random, variants: tuple[str, ...], first_weight: float = 0.55) -> int:
    """Index of a printed variant: the first is the most common."""
    if len(variants) == 1:
        return 0
    rest = (1.0 - first_weight) / (len(variants) - 1)
    weights = [first_weight] + [rest] * (len(variants) - 1)
    return rng.choices(range(len(variants)), weights=weights)[0]


def label_key(label_id: str) -> str:
    """The LABEL_VARIANTS key of a printed label id (``mother.ethnicity`` → ``@ethnicity``)."""
    if label_id in LABEL_VARIANTS:
        return label_id
    return "@" + label_id.split(".", 1)[1]


# Adjacent one-item lines a press may print as one line.
_JOINS: tuple[tuple[str, str], ...] = (
    ("child.home_town", "child.personal_id"),
    ("declarant.full_name", "declarant.relationship"),
    ("clerk.full_name", "registration_kind"),
    ("registration_kind", "notes"),
)


def _press_lines(rng: random.Random, personal_id_mode: str) -> tuple[tuple[str, ...], ...]:
    """The entry's printed lines for this press: BIRTH_FORM_LINES, some split, some joined."""
    lines: list[tuple[str, ...]] = []
    for line in BIRTH_FORM_LINES:
        items = tuple(
            i for i in line if not (i == "child.personal_id" and personal_id_mode == "omit")
        )
        if not items:
            continue
        if len(items) > 1 and rng.random() < 0.22:
            cut = rng.randint(1, len(items) - 1)
            lines += [items[:cut], items[cut:]]
        else:
            lines.append(items)
    for a, b in _JOINS:
        if rng.random() >= 0.3:
            continue
        for i in range(len(lines) - 1):
            if lines[i] == (a,) and lines[i + 1] == (b,):
                lines[i : i + 2] = [(a, b)]
                break
    return tuple(lines)


def make_book_spec(
    rng: random.Random,
    *,
    year: int,
    book_no: str,
    authority: str | None,
    first_entry_no: int,
) -> BookSpec:
    ward, authority_truth, header = _authority(rng, authority)
    place_style = PlaceStyle.draw(rng)
    header_style = PlaceStyle("full", place_style.city_word, False, True)
    if header is None:
        header = f"{authority_truth}, " + format_units(ward.units()[1:], header_style)

    labels: dict[str, str] = {}
    person_idx = None
    for key, variants in LABEL_VARIANTS.items():
        if key in ("mother.full_name", "father.full_name"):
            # a press words the mother's and the father's labels alike
            if person_idx is None:
                person_idx = _variant(rng, variants)
            labels[key] = variants[person_idx]
        else:
            labels[key] = variants[_variant(rng, variants)]

    # 2016+ books print the personal number; older ones lack the label or leave it blank
    personal_id_mode = "value" if year >= 2016 else ("omit" if rng.random() < 0.6 else "blank")

    all_caps = rng.random() < 0.55
    caps = {
        "child": all_caps or rng.random() < 0.4,
        "mother": all_caps,
        "father": all_caps,
        "declarant": all_caps and rng.random() < 0.8,
        "signer": rng.random() < 0.25,
        "clerk": rng.random() < 0.2,
    }
    signer_caps, clerk_caps = caps["signer"], caps["clerk"]
    signers = [
        (_official_name(rng, "Nam" if rng.random() < 0.7 else "Nữ", signer_caps), "Chủ tịch")
    ]
    for _ in range(rng.randint(1, 2)):
        signers.append(
            (
                _official_name(rng, "Nam" if rng.random() < 0.6 else "Nữ", signer_caps),
                "Phó Chủ tịch",
            )
        )
    clerks = [
        _official_name(rng, "Nữ" if rng.random() < 0.65 else "Nam", clerk_caps)
        for _ in range(rng.randint(1, 2))
    ]
    id_doc_wording = {code: w[_variant(rng, w, 0.6)] for code, w in ID_DOC_TYPES.items()}
    kind_wording = {code: w[_variant(rng, w, 0.7)] for code, w in REGISTRATION_KINDS.items()}
    relationship_wording = {
        role: w[_variant(rng, w, 0.6)] for role, w in data.RELATIONSHIP_WORDING.items()
    }
    return BookSpec(
        book_no=book_no,
        year=year,
        authority=authority_truth,
        authority_header=header,
        ward=ward,
        labels=labels,
        lines=_press_lines(rng, personal_id_mode),
        personal_id_mode=personal_id_mode,
        caps=caps,
        blank_style="dots" if rng.random() < 0.75 else "dash",
        place_style=place_style,
        birth_place_detail=pick(rng, (0, 1, 2), (3, 4, 3)),
        id_doc_wording=id_doc_wording,
        kind_wording=kind_wording,
        relationship_wording=relationship_wording,
        issue_date_p=pick(rng, (0.95, 0.8, 0.4)),
        issuer_p=pick(rng, (0.95, 0.75, 0.3)),
        signers=signers,
        clerks=clerks,
        first_entry_no=first_entry_no,
        stamp_text="UBND " + ward.unit_name.upper(),
    )


def _authority(rng: random.Random, authority: str | None) -> tuple[HanoiWard, str, str | None]:
    """The book's ward, the truth value (``UBND phường X``) and the header line (None: build
    it from the ward). A known Hanoi ward given alone gets its district and city in the header;
    an unknown one is printed as given, and addresses use a random district."""
    if authority is None:
        ward = random_hanoi_ward(rng)
        return ward, f"UBND {ward.unit_name}", None
    text = " ".join(authority.split())
    truth = text.split(",")[0].strip()
    header = text if "," in text else None
    unit = truth.removeprefix("UBND ").strip()
    name = unit
    for kind in ("phường ", "xã ", "thị trấn "):
        if unit.lower().startswith(kind):
            name = unit[len(kind) :]
            for w in all_hanoi_wards():
                if w.ward in (name, f"thị trấn {name}") and w.unit_name.startswith(kind):
                    return w, truth, header
            break
    other = random_hanoi_ward(rng)
    return HanoiWard(name, other.district_kind, other.district), truth, header or text


# --- people -----------------------------------------------------------------------------------


def _apply_caps(name: str, caps: bool) -> str:
    return name.upper() if caps else name


def _kinh_name(rng: random.Random, sex: str, birth_year: int, surname: str) -> str:
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


def _person_name(
    rng: random.Random, sex: str, birth_year: int, ethnicity: str, surname: str
) -> str:
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
    return _kinh_name(rng, sex, birth_year, surname)


def _surname(rng: random.Random, ethnicity: str) -> str:
    if ethnicity in data.HIGHLAND_CLANS:
        return pick(rng, data.HIGHLAND_CLANS[ethnicity])
    if ethnicity in data.MINORITY_SURNAMES and rng.random() < 0.9:
        return pick(rng, data.MINORITY_SURNAMES[ethnicity])
    surname = pick_weighted(rng, data.SURNAMES)
    return surname


def _home_province(rng: random.Random, ethnicity: str | None) -> str:
    if ethnicity in data.ETHNIC_HOME_PROVINCES and rng.random() < 0.85:
        return pick(rng, data.ETHNIC_HOME_PROVINCES[ethnicity])
    return pick_weighted(rng, data.HOME_PROVINCES)


def _make_person(
    rng: random.Random,
    sex: str,
    birth_year: int,
    ethnicity: str,
    surname: str | None = None,
) -> Person:
    surname = surname or _surname(rng, ethnicity)
    name = _person_name(rng, sex, birth_year, ethnicity, surname)
    return Person(
        name,
        sex,
        birth_year,
        ethnicity,
        "Việt Nam",
        _home_province(rng, ethnicity),
        surname,
    )


def _official_name(rng: random.Random, sex: str, caps: bool) -> str:
    year = rng.randint(1962, 1985)
    return _apply_caps(_kinh_name(rng, sex, year, pick_weighted(rng, data.SURNAMES)), caps)


def _ethnicity_printed(rng: random.Random, canonical: str) -> str:
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


def _fmt(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _random_date(rng: random.Random, lo: date, hi: date) -> date:
    if hi <= lo:
        return lo
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


def _id_document(
    rng: random.Random, book: BookSpec, person: Person, reg: date, own_number: str | None
) -> tuple[str, str, str | None, str | None, str]:
    """(code, number, issue date ISO, issuer, printed value) of the declarant's paper.

    ``own_number`` is the person's personal number when the book prints it (a chip card carries
    the same number).
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
        issued = _random_date(rng, max(adult, reg - timedelta(days=3600)), reg - timedelta(days=20))
    elif code == "cmnd":
        prefix = "01" if person.home_province == "Hà Nội" else f"{rng.randint(0, 38):02d}"
        number = f"{prefix}{rng.randrange(10_000_000):07d}"
        issued = _random_date(
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
        issued = _random_date(rng, max(adult, start), reg - timedelta(days=10))
        if code == "the_can_cuoc":
            issuer = data.ISSUER_MPS
        elif issued >= date(2021, 1, 1) or rng.random() < 0.3:
            issuer = data.ISSUER_QLHC
        else:
            issuer = data.ISSUER_DKQL
    issued = min(issued, reg)
    printed = f"{book.id_doc_wording[code]} số {number}"
    issue_iso: str | None = None
    if rng.random() < book.issue_date_p:
        printed += f", cấp ngày {_fmt(issued)}"
        issue_iso = issued.isoformat()
    if issuer is not None and rng.random() < book.issuer_p:
        printed += f", nơi cấp: {issuer}"
    else:
        issuer = None
    return code, number, issue_iso, issuer, printed


# --- one record -------------------------------------------------------------------------------

_KINDS: tuple[tuple[str, float], ...] = (
    ("dung_han", 83.0),
    ("qua_han", 9.5),
    ("dang_ky_lai", 3.5),
    ("chua_xac_dinh_cha_me", 1.3),
    ("bi_bo_roi", 0.9),
    ("ghi_vao_so", 1.8),
)


def _delay_days(rng: random.Random, kind: str) -> int:
    if kind == "dung_han":
        return max(1, min(ON_TIME_DAYS, round(rng.triangular(1, ON_TIME_DAYS, 15))))
    if kind == "qua_han":
        # mostly weeks or months late; some children are registered when they start school,
        # a few adults only when they need the paper
        roll = rng.random()
        if roll < 0.7:
            return ON_TIME_DAYS + 1 + min(round(rng.expovariate(1 / 120)), 300)
        if roll < 0.92:
            return round(rng.uniform(1, 10) * 365.25)
        return round(rng.uniform(10, 40) * 365.25)
    if kind == "dang_ky_lai":
        return round(rng.uniform(3, 55) * 365.25)
    if kind == "ghi_vao_so":
        return rng.randint(30, 5 * 365)
    return rng.randint(5, 120)  # parents unknown, abandoned child


def _birth_place(rng: random.Random, book: BookSpec, kind: str, birth: date, province: str) -> str:
    style = book.place_style
    if kind == "ghi_vao_so":
        return pick(rng, data.FOREIGN_BIRTH_PLACES)
    if kind in ("bi_bo_roi", "chua_xac_dinh_cha_me"):
        return lead(format_units(book.ward.units(), style), style)
    roll = rng.random()
    if birth.year < 1995 and roll < 0.6:  # an older birth: at the commune or at home
        units = commune_units(rng, province)
        if rng.random() < 0.5 and units[0][0] == "xã":
            commune = format_units(units[:1], PlaceStyle("full", style.city_word, False, True))
            return f"Trạm y tế {commune}, {format_units(units[1:], style)}"
        return lead(format_units(units, style), style)
    if roll < 0.85:
        name, ward, (dkind, dname), _ = rng.choices(
            data.HOSPITALS, weights=[h[3] for h in data.HOSPITALS]
        )[0]
        w = HanoiWard(ward, dkind, dname)
        detail = book.birth_place_detail
        if detail == 0:
            return name
        units = w.units() if detail == 2 else w.units()[1:]
        return f"{name}, {format_units(units, style)}"
    if roll < 0.92:  # the ward's health station
        w = book.ward if rng.random() < 0.7 else random_hanoi_ward(rng)
        station = f"Trạm y tế {w.unit_name}"
        return f"{station}, {format_units(w.units()[1:], style)}"
    near = ("Hưng Yên", "Bắc Ninh", "Hà Nam", "Vĩnh Phúc", "Hải Dương", "Nam Định", "Thái Bình")
    prov = province if province != "Hà Nội" else pick(rng, near)
    if rng.random() < 0.6:
        hosp = f"Bệnh viện Đa khoa {'thành phố' if prov in data.CENTRAL_CITIES else 'tỉnh'} {prov}"
        return hosp
    units = commune_units(rng, prov)
    if len(units) == 3:
        return f"Trung tâm Y tế {units[1][0]} {units[1][1]}, {format_units(units[2:], style)}"
    return f"Bệnh viện Đa khoa {'thành phố' if prov in data.CENTRAL_CITIES else 'tỉnh'} {prov}"


def _residence(rng: random.Random, book: BookSpec, person: Person | None) -> str:
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


def _clip_age(x: float) -> int:
    return max(18, min(45, round(x)))


def _declarant(
    rng: random.Random,
    book: BookSpec,
    *,
    parents_known: bool,
    adult_self: Person | None,
    mother: Person | None,
    father: Person | None,
) -> tuple[Person, str]:
    """Who went to register the birth, and how they are related to the child."""
    wording = book.relationship_wording
    if not parents_known:
        sex = "Nữ" if rng.random() < 0.7 else "Nam"
        return _make_person(rng, sex, rng.randint(1965, 1995), "Kinh"), wording["guardian"]
    if adult_self is not None:
        return adult_self, wording["self"]
    foreign_father = father is not None and father.nationality != "Việt Nam"
    choices: list[tuple[str, float]] = []
    if mother is not None:
        choices += [("mother", 58.0), ("ba_ngoai", 3.0), ("ong_ngoai", 1.5), ("aunt", 0.5)]
    if father is not None:
        choices.append(("father", 10.0 if foreign_father else 34.0))
        if not foreign_father:
            choices += [("ba_noi", 3.0), ("ong_noi", 2.0)]
    role = pick_weighted(rng, choices)
    if role == "mother" and mother is not None:
        return mother, wording[role]
    if role == "father" and father is not None:
        return father, wording[role]
    parent = father if role in ("ba_noi", "ong_noi") else mother
    assert parent is not None
    sex = "Nữ" if role in ("ba_noi", "ba_ngoai", "aunt") else "Nam"
    if role == "aunt":
        year = parent.birth_year + rng.randint(-8, 8)
    else:
        year = parent.birth_year - rng.randint(20, 34)
    surname = parent.surname if role in ("ong_noi", "ong_ngoai") else None
    return _make_person(rng, sex, year, parent.ethnicity or "Kinh", surname), wording[role]


def make_entry(rng: random.Random, book: BookSpec, entry_no: int, reg: date) -> Entry:
    """One record registered on ``reg``: its printed values and its truth."""
    kind = pick_weighted(rng, _KINDS)
    birth = reg - timedelta(days=_delay_days(rng, kind))
    sex = "Nam" if rng.random() < 0.52 else "Nữ"
    parents_known = kind not in ("chua_xac_dinh_cha_me", "bi_bo_roi")
    mother_known = parents_known and rng.random() < 0.995
    father_known = parents_known and (not mother_known or rng.random() < 0.87)

    mother_age = _clip_age(rng.triangular(18, 45, 27))
    father_age = _clip_age(mother_age + rng.triangular(-3, 12, 3))
    father_eth = pick_weighted(rng, data.PARENT_ETHNICITY)
    if father_known and father_eth != "Kinh" and rng.random() < 0.7:
        mother_eth = father_eth
    else:
        mother_eth = pick_weighted(rng, data.PARENT_ETHNICITY)
    mother = _make_person(rng, "Nữ", birth.year - mother_age, mother_eth) if mother_known else None
    father: Person | None = None
    if father_known:
        if mother_known and kind != "dang_ky_lai" and rng.random() < 0.012:
            nationality, fname = pick(rng, data.FOREIGN_PARENTS)
            father = Person(fname, "Nam", birth.year - father_age, None, nationality, "Hà Nội", "")
        else:
            father = _make_person(rng, "Nam", birth.year - father_age, father_eth)
    vn_father = father if father is not None and father.nationality == "Việt Nam" else None

    # the child
    if vn_father is not None and vn_father.ethnicity and (mother is None or rng.random() < 0.9):
        child_eth, surname = vn_father.ethnicity, vn_father.surname
    elif mother is not None and mother.ethnicity:
        child_eth, surname = mother.ethnicity, mother.surname
    else:
        child_eth = "Kinh"
        surname = _surname(rng, "Kinh")
    if child_eth in data.HIGHLAND_CLANS and mother is not None and mother.ethnicity == child_eth:
        surname = mother.surname  # Ê-đê and Gia-rai children take the mother's clan name
    child_name = _person_name(rng, sex, birth.year, child_eth, surname)
    family = vn_father or mother
    if family is not None:
        detail = pick(rng, (0, 1, 2), (4, 3, 3))
        child_home = home_town(rng, family.home_province, book.place_style, detail)
        birth_place = _birth_place(rng, book, kind, birth, family.home_province)
    else:
        child_home = lead(format_units(book.ward.units(), book.place_style), book.place_style)
        birth_place = _birth_place(rng, book, kind, birth, "Hà Nội")

    personal_id: str | None = None
    if book.personal_id_mode == "value":
        personal_id = personal_number(rng, "001", sex, birth.year)

    residence_m = _residence(rng, book, mother) if mother is not None else None
    residence_f: str | None = None
    if father is not None:
        same = residence_m is not None and rng.random() < 0.9
        residence_f = residence_m if same else _residence(rng, book, father)

    adult_self: Person | None = None
    if parents_known and reg.year - birth.year >= 18 and rng.random() < 0.8:
        home = family.home_province if family is not None else "Hà Nội"
        adult_self = Person(child_name, sex, birth.year, child_eth, "Việt Nam", home, surname)
    declarant, relationship = _declarant(
        rng,
        book,
        parents_known=parents_known,
        adult_self=adult_self,
        mother=mother,
        father=father,
    )
    own_number = personal_id if adult_self is not None else None
    doc_code, doc_no, doc_date, doc_issuer, doc_printed = _id_document(
        rng, book, declarant, reg, own_number
    )

    if rng.random() < 0.3 or len(book.signers) == 1:
        signer_name, signer_title = book.signers[0]
    else:
        signer_name, signer_title = pick(rng, book.signers[1:])
    clerk = book.clerks[0] if rng.random() < 0.75 else pick(rng, book.clerks)
    notes = pick(rng, data.NOTES) if rng.random() < 0.08 else None

    caps = dict(book.caps)
    if rng.random() < 0.05:  # another clerk typed this entry: the other case for the names
        caps.update({r: not caps[r] for r in ("child", "mother", "father", "declarant")})

    def name_of(p: Person | None, role: str) -> str | None:
        if p is None:
            return None
        if p.nationality != "Việt Nam":
            return p.full_name  # as in the passport, already in capitals
        return _apply_caps(p.full_name, caps[role])

    def ethnicity_of(p: Person | None) -> tuple[str | None, str | None]:
        if p is None or p.ethnicity is None:
            return None, None
        return _ethnicity_printed(rng, p.ethnicity), p.ethnicity

    child_printed = _apply_caps(child_name, caps["child"])
    dob_words = render_date_words(birth, rng)
    child_eth_printed = _ethnicity_printed(rng, child_eth)
    m_eth_printed, m_eth = ethnicity_of(mother)
    f_eth_printed, f_eth = ethnicity_of(father)

    printed: dict[str, str | None] = {
        "entry_no": str(entry_no),
        "registration_date": _fmt(reg),
        "child.full_name": child_printed,
        "child.date_of_birth": _fmt(birth),
        "child.date_of_birth_words": dob_words,
        "child.sex": sex,
        "child.ethnicity": child_eth_printed,
        "child.nationality": "Việt Nam",
        "child.place_of_birth": birth_place,
        "child.home_town": child_home,
        "child.personal_id": personal_id,
        "mother.full_name": name_of(mother, "mother"),
        "mother.birth_year": str(mother.birth_year) if mother else None,
        "mother.ethnicity": m_eth_printed,
        "mother.nationality": mother.nationality if mother else None,
        "mother.residence": residence_m,
        "father.full_name": name_of(father, "father"),
        "father.birth_year": str(father.birth_year) if father else None,
        "father.ethnicity": f_eth_printed,
        "father.nationality": father.nationality if father else None,
        "father.residence": residence_f,
        "declarant.full_name": name_of(declarant, "declarant"),
        "declarant.relationship": relationship,
        "declarant.id_doc_type": doc_printed,
        "signer.full_name": signer_name,
        "signer.title": signer_title,
        "clerk.full_name": clerk,
        "registration_kind": book.kind_wording[kind],
        "notes": notes,
    }
    truth: Truth = {
        "registration_date": reg.isoformat(),
        "child.full_name": child_printed,
        "child.date_of_birth": birth.isoformat(),
        "child.date_of_birth_words": birth.isoformat(),
        "child.sex": sex,
        "child.ethnicity": child_eth,
        "child.nationality": "Việt Nam",
        "child.place_of_birth": birth_place,
        "child.home_town": child_home,
        "child.personal_id": personal_id,
        "mother.full_name": printed["mother.full_name"],
        "mother.birth_year": printed["mother.birth_year"],
        "mother.ethnicity": m_eth,
        "mother.nationality": printed["mother.nationality"],
        "mother.residence": residence_m,
        "father.full_name": printed["father.full_name"],
        "father.birth_year": printed["father.birth_year"],
        "father.ethnicity": f_eth,
        "father.nationality": printed["father.nationality"],
        "father.residence": residence_f,
        "declarant.full_name": printed["declarant.full_name"],
        "declarant.relationship": relationship,
        "declarant.id_doc_type": doc_code,
        "declarant.id_doc_no": doc_no,
        "declarant.id_doc_issue_date": doc_date,
        "declarant.id_doc_issuer": doc_issuer,
        "signer.full_name": signer_name,
        "signer.title": signer_title,
        "clerk.full_name": clerk,
        "registration_kind": kind,
        "notes": notes,
    }
    if tuple(truth) != BIRTH_KEYS:  # pragma: no cover - a programming error
        raise RuntimeError("truth keys out of step with extraction.forms.BIRTH_KEYS")
    blank_dash = (book.blank_style == "dash") != (rng.random() < 0.1)
    return Entry(str(entry_no), printed, truth, reg, blank_dash)


# --- the book's records -----------------------------------------------------------------------


def registration_dates(rng: random.Random, year: int, first_entry_no: int, n: int) -> list[date]:
    """``n`` sorted working days of ``year``, from about where entry ``first_entry_no`` falls."""
    start = date(year, 1, 2)
    end = date(year, 12, 31)
    per_day = rng.uniform(1.2, 3.5)  # entries a working day in this ward
    offset_days = int((first_entry_no - 1) / per_day * 7 / 5.5)
    first = min(start + timedelta(days=offset_days), end - timedelta(days=10))
    span_days = max(5, int(n / per_day * 7 / 5.5))
    last = min(first + timedelta(days=span_days), end)
    days = [
        first + timedelta(days=i)
        for i in range((last - first).days + 1)
        if (first + timedelta(days=i)).weekday() < 6  # Mon–Sat (Saturday mornings)
    ] or [first]
    return sorted(pick(rng, days) for _ in range(n))


def make_entries(rng: random.Random, book: BookSpec, n: int) -> list[Entry]:
    dates = registration_dates(rng, book.year, book.first_entry_no, n)
    return [make_entry(rng, book, book.first_entry_no + i, d) for i, d in enumerate(dates)]
