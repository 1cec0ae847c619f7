"""Book-level choices of a synthetic register, and the records of a birth register.

``BookSpec`` holds what is fixed for a whole book (its register's form, number, ward, the wording
its press printed, how its clerks write names and places); ``make_entries`` draws the records
(birth entries here, marriage and death entries in ``synth.marriage`` and ``synth.death``). Each
``Entry`` carries the printed text per label id (what the renderer draws) and the truth per
canonical key (what a perfect reader would extract), so the two cannot drift apart.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from extraction.forms import BIRTH_FORM, ID_DOC_TYPES, FieldType, RegisterForm
from synth import data
from synth.data import pick, pick_weighted
from synth.dates_words import render_date_words
from synth.people import (
    Person,
    apply_caps,
    ethnicity_printed,
    fmt_date,
    id_document,
    make_person,
    official_name,
    person_name,
    personal_number,
    residence,
    surname_for,
)
from synth.places import (
    HanoiWard,
    PlaceStyle,
    all_hanoi_wards,
    commune_units,
    format_units,
    home_town,
    lead,
    random_hanoi_ward,
)

ON_TIME_DAYS = 60  # legal period for a birth registration

Truth = dict[str, str | None]


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
    form: RegisterForm = BIRTH_FORM
    time_style: str = "{h} giờ {m:02d} phút"  # how a death book prints the time of death


@dataclass
class Entry:
    entry_no: str
    printed: dict[str, str | None]  # label id → printed value (None: left blank)
    truth: Truth  # canonical key → normalised value (every key of the book's form)
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


# Adjacent one-item lines a press may print as one line, per register.
PRESS_JOINS: dict[str, tuple[tuple[str, str], ...]] = {
    "birth": (
        ("child.home_town", "child.personal_id"),
        ("declarant.full_name", "declarant.relationship"),
        ("clerk.full_name", "registration_kind"),
        ("registration_kind", "notes"),
    ),
    "marriage": (
        ("clerk.full_name", "registration_kind"),
        ("registration_kind", "notes"),
    ),
    "death": (
        ("deceased.personal_id", "deceased.id_doc_type"),
        ("declarant.full_name", "declarant.relationship"),
        ("clerk.full_name", "registration_kind"),
        ("registration_kind", "notes"),
    ),
}


def _press_lines(
    rng: random.Random, personal_id_mode: str, form: RegisterForm
) -> tuple[tuple[str, ...], ...]:
    """The entry's printed lines for this press: the form's lines, some split, some joined; the
    personal number's label left out of a book that does not print it."""
    omit = {
        s.key for s in form.fields if s.type == FieldType.PERSONAL_ID and personal_id_mode == "omit"
    }
    lines: list[tuple[str, ...]] = []
    for line in form.lines:
        items = tuple(i for i in line if i not in omit)
        if not items:
            continue
        if len(items) > 1 and rng.random() < 0.22:
            cut = rng.randint(1, len(items) - 1)
            lines += [items[:cut], items[cut:]]
        else:
            lines.append(items)
    for a, b in PRESS_JOINS[form.register_type]:
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
    form: RegisterForm = BIRTH_FORM,
) -> BookSpec:
    ward, authority_truth, header = _authority(rng, authority)
    place_style = PlaceStyle.draw(rng)
    header_style = PlaceStyle("full", place_style.city_word, False, True)
    if header is None:
        header = f"{authority_truth}, " + format_units(ward.units()[1:], header_style)

    labels: dict[str, str] = {}
    person_idx = None
    for key, variants in form.label_variants.items():
        if key in _PAIRED_LABELS:
            # a press words the mother's and the father's (wife's, husband's) labels alike
            if person_idx is None:
                person_idx = _variant(rng, variants)
            labels[key] = variants[person_idx]
        else:
            labels[key] = variants[_variant(rng, variants)]

    # 2016+ books print the personal number; older ones lack the label or leave it blank
    personal_id_mode = "value" if year >= 2016 else ("omit" if rng.random() < 0.6 else "blank")

    all_caps = rng.random() < 0.55
    if form is BIRTH_FORM:
        caps = {
            "child": all_caps or rng.random() < 0.4,
            "mother": all_caps,
            "father": all_caps,
            "declarant": all_caps and rng.random() < 0.8,
            "signer": rng.random() < 0.25,
            "clerk": rng.random() < 0.2,
        }
    else:
        caps = {role: all_caps for role in (form.first_section, *form.section_openers.values())}
        if "declarant" in caps:
            caps["declarant"] = all_caps and rng.random() < 0.8
        caps["signer"] = rng.random() < 0.25
        caps["clerk"] = rng.random() < 0.2
    signer_caps, clerk_caps = caps["signer"], caps["clerk"]
    signers = [(official_name(rng, "Nam" if rng.random() < 0.7 else "Nữ", signer_caps), "Chủ tịch")]
    for _ in range(rng.randint(1, 2)):
        signers.append(
            (
                official_name(rng, "Nam" if rng.random() < 0.6 else "Nữ", signer_caps),
                "Phó Chủ tịch",
            )
        )
    clerks = [
        official_name(rng, "Nữ" if rng.random() < 0.65 else "Nam", clerk_caps)
        for _ in range(rng.randint(1, 2))
    ]
    id_doc_wording = {code: w[_variant(rng, w, 0.6)] for code, w in ID_DOC_TYPES.items()}
    kind_wording = {code: w[_variant(rng, w, 0.7)] for code, w in form.registration_kinds.items()}
    relationships = RELATIONSHIP_WORDINGS[form.register_type]
    relationship_wording = {role: w[_variant(rng, w, 0.6)] for role, w in relationships.items()}
    spec = BookSpec(
        book_no=book_no,
        year=year,
        authority=authority_truth,
        authority_header=header,
        ward=ward,
        labels=labels,
        lines=_press_lines(rng, personal_id_mode, form),
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
        form=form,
    )
    if form.register_type == "death":
        spec.time_style = pick(rng, data.DEATH_TIME_STYLES, (5, 3, 2))
    return spec


_PAIRED_LABELS = frozenset(
    {"mother.full_name", "father.full_name", "wife.full_name", "husband.full_name"}
)
RELATIONSHIP_WORDINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "birth": data.RELATIONSHIP_WORDING,
    "marriage": {},
    "death": data.DEATH_RELATIONSHIP_WORDING,
}


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
        return make_person(rng, sex, rng.randint(1965, 1995), "Kinh"), wording["guardian"]
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
    return make_person(rng, sex, year, parent.ethnicity or "Kinh", surname), wording[role]


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
    mother = make_person(rng, "Nữ", birth.year - mother_age, mother_eth) if mother_known else None
    father: Person | None = None
    if father_known:
        if mother_known and kind != "dang_ky_lai" and rng.random() < 0.012:
            nationality, fname = pick(rng, data.FOREIGN_PARENTS)
            father = Person(fname, "Nam", birth.year - father_age, None, nationality, "Hà Nội", "")
        else:
            father = make_person(rng, "Nam", birth.year - father_age, father_eth)
    vn_father = father if father is not None and father.nationality == "Việt Nam" else None

    # the child
    if vn_father is not None and vn_father.ethnicity and (mother is None or rng.random() < 0.9):
        child_eth, surname = vn_father.ethnicity, vn_father.surname
    elif mother is not None and mother.ethnicity:
        child_eth, surname = mother.ethnicity, mother.surname
    else:
        child_eth = "Kinh"
        surname = surname_for(rng, "Kinh")
    if child_eth in data.HIGHLAND_CLANS and mother is not None and mother.ethnicity == child_eth:
        surname = mother.surname  # Ê-đê and Gia-rai children take the mother's clan name
    child_name = person_name(rng, sex, birth.year, child_eth, surname)
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

    residence_m = residence(rng, book, mother) if mother is not None else None
    residence_f: str | None = None
    if father is not None:
        same = residence_m is not None and rng.random() < 0.9
        residence_f = residence_m if same else residence(rng, book, father)

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
    doc_code, doc_no, doc_date, doc_issuer, doc_printed = id_document(
        rng, book, declarant, reg, own_number
    )

    signer_name, signer_title, clerk = officials(rng, book)
    notes = pick(rng, data.NOTES) if rng.random() < 0.08 else None
    caps = entry_caps(rng, book, ("child", "mother", "father", "declarant"))

    def name_of(p: Person | None, role: str) -> str | None:
        if p is None:
            return None
        if p.nationality != "Việt Nam":
            return p.full_name  # as in the passport, already in capitals
        return apply_caps(p.full_name, caps[role])

    def ethnicity_of(p: Person | None) -> tuple[str | None, str | None]:
        if p is None or p.ethnicity is None:
            return None, None
        return ethnicity_printed(rng, p.ethnicity), p.ethnicity

    child_printed = apply_caps(child_name, caps["child"])
    dob_words = render_date_words(birth, rng)
    child_eth_printed = ethnicity_printed(rng, child_eth)
    m_eth_printed, m_eth = ethnicity_of(mother)
    f_eth_printed, f_eth = ethnicity_of(father)

    printed: dict[str, str | None] = {
        "entry_no": str(entry_no),
        "registration_date": fmt_date(reg),
        "child.full_name": child_printed,
        "child.date_of_birth": fmt_date(birth),
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
    check_truth_keys(truth, book.form)
    return Entry(str(entry_no), printed, truth, reg, blank_dash(rng, book))


# --- shared by every register's entries -------------------------------------------------------


def officials(rng: random.Random, book: BookSpec) -> tuple[str, str, str]:
    """(signer's name, signer's title, clerk) of one entry: the chairman or a deputy signs."""
    if rng.random() < 0.3 or len(book.signers) == 1:
        signer_name, signer_title = book.signers[0]
    else:
        signer_name, signer_title = pick(rng, book.signers[1:])
    clerk = book.clerks[0] if rng.random() < 0.75 else pick(rng, book.clerks)
    return signer_name, signer_title, clerk


def entry_caps(rng: random.Random, book: BookSpec, roles: tuple[str, ...]) -> dict[str, bool]:
    """Which roles' names this entry prints in capitals: the book's habit, or now and then
    (another clerk typed the entry) the other case for the people of the entry."""
    caps = dict(book.caps)
    if rng.random() < 0.05:
        caps.update({r: not caps[r] for r in roles})
    return caps


def blank_dash(rng: random.Random, book: BookSpec) -> bool:
    """Blanks of this entry written as ``-`` rather than dots."""
    return (book.blank_style == "dash") != (rng.random() < 0.1)


def name_as_printed(p: Person | None, caps: bool) -> str | None:
    """A person's name as the entry prints it; a foreigner's as in the passport."""
    if p is None:
        return None
    if p.nationality != "Việt Nam":
        return p.full_name
    return apply_caps(p.full_name, caps)


def date_in_year(rng: random.Random, year: int) -> date:
    """A day of ``year``."""
    start = date(year, 1, 1)
    return start + timedelta(days=rng.randint(0, (date(year + 1, 1, 1) - start).days - 1))


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


EntryMaker = Callable[[random.Random, BookSpec, int, date], Entry]


def entry_maker(register_type: str) -> EntryMaker:
    """The function that draws one entry of a register."""
    if register_type == "birth":
        return make_entry
    # marriage and death entries build on this module's book and people
    from synth import death, marriage

    makers: dict[str, EntryMaker] = {"marriage": marriage.make_entry, "death": death.make_entry}
    return makers[register_type]


def make_entries(rng: random.Random, book: BookSpec, n: int) -> list[Entry]:
    dates = registration_dates(rng, book.year, book.first_entry_no, n)
    make = entry_maker(book.form.register_type)
    return [make(rng, book, book.first_entry_no + i, d) for i, d in enumerate(dates)]


def check_truth_keys(truth: Truth, form: RegisterForm) -> None:
    """Every key of the form, in the form's order (a programming error otherwise)."""
    if tuple(truth) != form.keys:  # pragma: no cover - a programming error
        raise RuntimeError(f"truth keys out of step with the {form.register_type} form")
