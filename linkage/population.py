"""A generated population with the true person of every mention, for tests and benchmarks.

Families over three generations: a couple (parents born 1960–1995, each perhaps with their own
birth record, their parents and a sibling), their marriage, their children's births; children
born before 2000 may marry a partner from elsewhere and have children; some people die. Each
event is an entry in a book of its commune and year (births, marriages, deaths), and each person
named in it is a *mention*. Mentions carry the noise books and OCR give names and dates: capitals,
decomposed Unicode, old/new tone-mark placement (``Hoà``/``Hòa``), ``Lý``/``Lí``, lost accents, a
misread accent, a typo, a missing middle name, day and month swapped, one wrong digit, a date
written as a year only, a parent's age off by a year, abbreviated or changed residence.

:func:`generate_population` is pure (seeded); :func:`write_population` writes the CSV.
"""

from __future__ import annotations

import csv
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from extraction.text import fold_accents, normalise_tone_marks


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Surname shares (shared/domain/names.md, 2022), then a tail of less common surnames.
SURNAME_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 31.5),
    ("Lê", 10.9),
    ("Trần", 8.9),
    ("Vũ", 3.0),
    ("Võ", 2.9),
    ("Phạm", 5.1),
    ("Hoàng", 2.5),
    ("Huỳnh", 2.4),
    ("Phan", 2.8),
    ("Trương", 2.2),
    ("Bùi", 2.1),
    ("Đỗ", 1.9),
    ("Đặng", 1.9),
    ("Ngô", 1.7),
    ("Hồ", 1.5),
    ("Dương", 1.4),
    ("Lý", 1.0),
    *(
        (s, 0.45)
        for s in _names(
            "Đào Đoàn Vương Trịnh Đinh Lâm Mai Tô Hà Tạ Lưu Cao Chu Kiều Lương Quách Thái Mạc Tăng "
            "Triệu Đàm Khúc Khổng Lã Lục Nông Hứa Doãn Giang Hàn Lại Nghiêm Phùng Quản Thân Tống "
            "Từ Vi Bế Cầm Lò Lường Quàng Sầm Điêu Thạch Ông Bạch Diệp Mã Thiều"
        )
    ),
)

MALE_MIDDLE: tuple[tuple[str, float], ...] = (
    ("Văn", 30),
    ("Đức", 8),
    ("Minh", 8),
    ("Hữu", 6),
    ("Quang", 6),
    ("Thanh", 5),
    ("Ngọc", 4),
    ("Xuân", 4),
    ("Công", 4),
    ("Đình", 4),
    ("Duy", 3),
    ("Trọng", 3),
    ("Tiến", 3),
    ("Quốc", 3),
    ("Mạnh", 2),
    ("Hoàng", 2),
    ("Gia", 2),
    ("Bảo", 2),
    ("Thế", 2),
    ("Huy", 2),
    ("Khắc", 1),
    ("Việt", 2),
    ("Tuấn", 1),
    ("Anh", 1),
)
FEMALE_MIDDLE: tuple[tuple[str, float], ...] = (
    ("Thị", 45),
    ("Ngọc", 7),
    ("Thu", 5),
    ("Thanh", 5),
    ("Kim", 4),
    ("Minh", 4),
    ("Phương", 3),
    ("Hồng", 3),
    ("Thuỳ", 3),
    ("Bảo", 2),
    ("Mai", 2),
    ("Khánh", 2),
    ("Hoài", 2),
    ("Diệu", 2),
    ("Quỳnh", 2),
    ("Hoà", 1),
    ("Lan", 1),
    ("Thuý", 1),
    ("Tuyết", 1),
    ("Xuân", 2),
)
MALE_GIVEN = _names(
    "Anh Bảo Bình Cường Chiến Công Dũng Duy Dương Đạt Định Đông Đức Giang Hải Hào Hiếu Hiệp "
    "Hòa Hoàng Hùng Hưng Huy Huân Khang Khánh Khải Khoa Khôi Kiên Lâm Linh Lộc Long Luân Mạnh "
    "Minh Nam Nghĩa Nhân Nhật Phát Phong Phúc Phú Phương Quân Quang Quốc Quý Sơn Tài Tâm Tân "
    "Thái Thành Thắng Thanh Thịnh Thông Toàn Toản Trí Trung Trường Tuấn Tùng Tú Tường Việt "
    "Vinh Vĩnh Vũ Vương Thuỷ Lý Hiển Hậu Lực Sang Tín Thuận Thọ Uy Khuê Hoà Tuệ Quyết"
)
FEMALE_GIVEN = _names(
    "An Anh Ánh Bích Châu Chi Cúc Dung Duyên Đào Giang Hà Hạnh Hằng Hiền Hoa Hòa Hồng Huệ "
    "Hương Huyền Khánh Lan Liên Linh Loan Ly Mai My Mỹ Nga Ngân Nguyệt Nhàn Nhi Nhung Oanh "
    "Phương Phượng Quyên Quỳnh Tâm Thảo Thắm Thanh Thơ Thu Thư Thủy Thúy Thùy Trang Trâm "
    "Trinh Tuyết Uyên Vân Vy Yến Xuân Ngọc Diệp Diệu Hậu Hoài Kiều Lụa Mơ Sương Thoa Tươi "
    "Hoàn Khuê Thuỵ Loan Lệ Lý Xoan Huyên Hảo Ngà"
)

PROVINCES = (
    ("Hà Nội", "001", ("Long Biên", "Gia Lâm", "Đông Anh", "Hoàng Mai")),
    ("Bắc Ninh", "027", ("Từ Sơn", "Tiên Du", "Yên Phong")),
    ("Nam Định", "036", ("Hải Hậu", "Giao Thủy", "Nghĩa Hưng")),
    ("Thanh Hóa", "038", ("Hoằng Hóa", "Quảng Xương", "Thọ Xuân")),
)
COMMUNE_NAMES = _names(
    "Ngọc Lâm Bồ Đề Phúc Đồng Thạch Bàn Cự Khối Đức Giang Yên Viên Kim Sơn Phù Đổng Uy Nỗ "
    "Tiên Dương Vân Nội Định Công Hoàng Liệt Đại Kim Lĩnh Nam Đình Bảng Đồng Nguyên Phù Khê "
    "Lạc Vệ Hoàn Sơn Liên Bão Đông Phong Hòa Tiến Dũng Liệt Hải Minh Hải Quang Giao Thiện "
    "Giao Hà Nghĩa Lâm Nghĩa Thái Hoằng Lộc Hoằng Thanh Quảng Nhân Quảng Hải Xuân Hòa Thọ Lập"
)

FIRST_YEAR, LAST_YEAR = 1940, 2024
PID_FROM = 2016  # personal numbers are written in books from 2016 (fields.md)

FIELDS = (
    "mention_id",
    "person_id",
    "register_type",
    "book_no",
    "entry_no",
    "registration_authority",
    "record_year",
    "role",
    "full_name",
    "date_of_birth",
    "birth_year",
    "sex",
    "personal_id",
    "place",
    "spouse_name",
    "father_name",
    "mother_name",
)


@dataclass(frozen=True)
class Commune:
    name: str  # "phường Ngọc Lâm"
    district: str
    province: str
    code: str  # province code, first 3 digits of a personal number


@dataclass
class Person:
    person_id: str
    name: str
    sex: str  # "Nam" | "Nữ"
    dob: date
    home: Commune
    pid: str


@dataclass
class Mention:
    person: Person
    register_type: str
    record_year: int
    commune: Commune
    role: str
    date_of_birth: str | None = None
    birth_year: str | None = None
    personal_id: str | None = None
    place: str | None = None
    spouse: Person | None = None
    father: Person | None = None
    mother: Person | None = None


@dataclass
class Noise:
    """Rates of each kind of noise per mention (each applied independently)."""

    capitals: float = 0.3
    decomposed: float = 0.05
    tone_style_main: float = 0.4  # "Hoà" written the old way, when the name has such a syllable
    i_y: float = 0.3  # "Lý" written "Lí" (or back)
    accent_loss: float = 0.04
    accent_misread: float = 0.03
    typo: float = 0.03
    middle_dropped: float = 0.02
    day_month_swap: float = 0.02
    date_digit: float = 0.02
    year_only: float = 0.03
    date_missing: float = 0.01
    parent_year_off: float = 0.04
    pid_digit: float = 0.01
    place_variant: float = 0.3


@dataclass
class Population:
    persons: list[Person] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


class _Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.persons: list[Person] = []
        self.mentions: list[Mention] = []
        self.communes = self._communes()
        self.serials: set[str] = set()

    def _communes(self) -> list[Commune]:
        out = []
        names = [" ".join(COMMUNE_NAMES[i : i + 2]) for i in range(0, len(COMMUNE_NAMES), 2)]
        i = 0
        for province, code, districts in PROVINCES:
            for d in districts:
                for _ in range(3):
                    kind = "phường" if province == "Hà Nội" else "xã"
                    out.append(Commune(f"{kind} {names[i % len(names)]}", d, province, code))
                    i += 1
        return out

    # --- people -------------------------------------------------------------------------
    def _pick(self, items: tuple[tuple[str, float], ...]) -> str:
        names = [n for n, _ in items]
        weights = [w for _, w in items]
        return self.r.choices(names, weights)[0]

    def _given(self, sex: str) -> str:
        pool = MALE_GIVEN if sex == "Nam" else FEMALE_GIVEN
        return self.r.choices(pool, _zipf(len(pool)))[0]

    def name(self, sex: str, surname: str | None = None) -> str:
        sn = surname or self._pick(SURNAME_WEIGHTS)
        middle = self._pick(MALE_MIDDLE if sex == "Nam" else FEMALE_MIDDLE)
        parts = [sn, middle]
        if self.r.random() < 0.15:
            parts.append(self._pick(MALE_MIDDLE[1:] if sex == "Nam" else FEMALE_MIDDLE[1:]))
        parts.append(self._given(sex))
        return " ".join(dict.fromkeys(parts))  # no syllable twice

    def pid(self, sex: str, dob: date, home: Commune) -> str:
        century = (dob.year // 100 - 19) * 2 + (1 if sex == "Nữ" else 0)
        while True:
            serial = f"{self.r.randrange(1_000_000):06d}"
            pid = f"{home.code}{century}{dob.year % 100:02d}{serial}"
            if pid not in self.serials:
                self.serials.add(pid)
                return pid

    def person(self, sex: str, year: int, home: Commune, surname: str | None = None) -> Person:
        dob = date(year, 1, 1) + timedelta(days=self.r.randrange(365))
        p = Person(
            f"P{len(self.persons) + 1:07d}",
            self.name(sex, surname),
            sex,
            dob,
            home,
            self.pid(sex, dob, home),
        )
        self.persons.append(p)
        return p

    def commune(self, near: Commune | None = None) -> Commune:
        if near is not None and self.r.random() < 0.7:
            same = [c for c in self.communes if c.province == near.province]
            return self.r.choice(same)
        return self.r.choice(self.communes)

    # --- events -------------------------------------------------------------------------
    def birth(self, child: Person, father: Person, mother: Person) -> None:
        y = child.dob.year
        show_pid = y >= PID_FROM and self.r.random() < 0.95
        c = child.home
        residence = _address(c)
        self.mentions.append(
            Mention(
                child,
                "birth",
                y,
                c,
                "child",
                date_of_birth=child.dob.strftime("%d/%m/%Y"),
                personal_id=child.pid if show_pid else None,
                place=residence,
                father=father,
                mother=mother,
            )
        )
        for parent, other, role in ((mother, father, "mother"), (father, mother, "father")):
            self.mentions.append(
                Mention(
                    parent,
                    "birth",
                    y,
                    c,
                    role,
                    birth_year=str(parent.dob.year),
                    place=residence,
                    spouse=other,
                )
            )

    def marriage(self, husband: Person, wife: Person, year: int) -> None:
        c = husband.home
        for p, other, role in ((wife, husband, "wife"), (husband, wife, "husband")):
            show_pid = year >= PID_FROM and self.r.random() < 0.8
            self.mentions.append(
                Mention(
                    p,
                    "marriage",
                    year,
                    c,
                    role,
                    date_of_birth=p.dob.strftime("%d/%m/%Y"),
                    personal_id=p.pid if show_pid else None,
                    place=_address(p.home),
                    spouse=other,
                )
            )

    def death(self, p: Person, year: int) -> None:
        show_pid = year >= PID_FROM and self.r.random() < 0.7
        old = p.dob.year < 1950 and self.r.random() < 0.4
        self.mentions.append(
            Mention(
                p,
                "death",
                year,
                p.home,
                "deceased",
                date_of_birth=str(p.dob.year) if old else p.dob.strftime("%d/%m/%Y"),
                personal_id=p.pid if show_pid else None,
                place=_address(p.home),
            )
        )

    def maybe_die(self, p: Person, rate: float, min_age: int, after: int) -> None:
        start = max(p.dob.year + min_age, 1995, after)
        if start <= LAST_YEAR and self.r.random() < rate:
            self.death(p, self.r.randint(start, LAST_YEAR))

    def own_birth(self, p: Person, *, with_sibling: bool) -> None:
        """The birth record of a person of the first generation: their parents, maybe a
        sibling's birth record too (so the grandparents are named twice)."""
        fy = p.dob.year - self.r.randint(20, 38)
        father = self.person("Nam", fy, p.home, surname=p.name.split()[0])
        mother = self.person("Nữ", min(fy + self.r.randint(-3, 6), p.dob.year - 17), p.home)
        self.birth(p, father, mother)
        if with_sibling:
            sy = p.dob.year + self.r.choice((-4, -3, -2, 2, 3, 4, 5))
            if sy <= LAST_YEAR:
                sib = self.person(self.r.choice(("Nam", "Nữ")), sy, p.home, p.name.split()[0])
                while sib.name.split()[-1] == p.name.split()[-1]:
                    sib.name = self.name(sib.sex, p.name.split()[0])
                self.birth(sib, father, mother)
        for gp in (father, mother):
            self.maybe_die(gp, 0.4, 55, after=p.dob.year + 6)

    def family(self, husband: Person, wife: Person, year: int, generation: int) -> None:
        self.marriage(husband, wife, year)
        if self.r.random() < 0.8:
            wife.home = husband.home
        n = self.r.choices((0, 1, 2, 3, 4), (0.05, 0.25, 0.45, 0.18, 0.07))[0]
        y = year + self.r.randint(0, 2)
        given: set[str] = set()
        for _ in range(n):
            if y > LAST_YEAR:
                break
            sex = self.r.choice(("Nam", "Nữ"))
            child = self.person(sex, y, husband.home, surname=husband.name.split()[0])
            while child.name.split()[-1] in given:  # parents never give two children one name
                child.name = self.name(sex, husband.name.split()[0])
            given.add(child.name.split()[-1])
            self.birth(child, husband, wife)
            if self.r.random() < 0.01:
                self.death(child, min(y + 1, LAST_YEAR))
            elif generation == 1 and y <= 1999 and self.r.random() < 0.55:
                my = y + self.r.randint(20, 30)
                if my <= LAST_YEAR:
                    py = min(max(y + self.r.randint(-3, 4), 1975), LAST_YEAR - 18)
                    partner = self.person("Nữ" if sex == "Nam" else "Nam", py, self.commune())
                    if self.r.random() < 0.5:
                        self.own_birth(partner, with_sibling=False)
                    h, w = (child, partner) if sex == "Nam" else (partner, child)
                    self.family(h, w, my, generation + 1)
            y += self.r.randint(1, 5)
            if self.r.random() < 0.1:  # a move: later records give a new residence
                husband.home = wife.home = self.commune(husband.home)
        for p in (husband, wife):
            self.maybe_die(p, 0.06, 30, after=y)

    def founding_family(self) -> None:
        hy = self.r.randint(1960, 1995)
        wy = min(max(hy + round(self.r.gauss(-2, 3)), 1960), 1995)
        home = self.commune()
        husband = self.person("Nam", hy, home)
        wife = self.person("Nữ", wy, self.commune(home))
        for p in (husband, wife):
            if self.r.random() < 0.5:
                self.own_birth(p, with_sibling=self.r.random() < 0.3)
        my = max(hy, wy) + self.r.randint(20, 32)
        if my > LAST_YEAR:
            my = LAST_YEAR - self.r.randint(0, 3)
        self.family(husband, wife, my, 1)


def _zipf(n: int) -> list[float]:
    """Weights of a list in which a few names are far more common than the rest."""
    return [1.0 / (rank + 1) ** 0.8 for rank in range(n)]


def _address(c: Commune) -> str:
    return f"{c.name[:1].upper()}{c.name[1:]}, {c.district}, {c.province}"


def generate_population(families: int, seed: int) -> Population:
    """``families`` founding couples and everything that follows from them (no noise yet)."""
    g = _Gen(seed)
    for _ in range(families):
        g.founding_family()
    return Population(g.persons, g.mentions)


# --- noise ---------------------------------------------------------------------------------

_ACCENT_SWAPS = {
    "a": "àáảãạ",
    "ă": "ằắẳẵặ",
    "â": "ầấẩẫậ",
    "e": "èéẻẽẹ",
    "ê": "ềếểễệ",
    "i": "ìíỉĩị",
    "o": "òóỏõọ",
    "ô": "ồốổỗộ",
    "ơ": "ờớởỡợ",
    "u": "ùúủũụ",
    "ư": "ừứửữự",
    "y": "ỳýỷỹỵ",
}


def _misread_accent(word: str, r: random.Random) -> str:
    """One vowel of ``word`` read with another tone mark (``Văn`` → ``Vàn``)."""
    positions = [i for i, ch in enumerate(word) if fold_accents(ch).lower() in "aeiouy"]
    if not positions:
        return word
    i = r.choice(positions)
    ch = word[i]
    base = unicodedata.normalize("NFD", ch.lower())
    base = unicodedata.normalize(
        "NFC", "".join(c for c in base if c not in "\u0300\u0301\u0309\u0303\u0323")
    )
    options = [c for c in base + _ACCENT_SWAPS.get(base, "") if c != ch.lower()]
    if not options:
        return word
    new = r.choice(options)
    return word[:i] + (new.upper() if ch.isupper() else new) + word[i + 1 :]


def _typo(word: str, r: random.Random) -> str:
    if len(word) < 3:
        return word
    i = r.randrange(1, len(word))
    kind = r.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + r.choice("anhiutmc") + word[i + 1 :]


def noisy_name(name: str, r: random.Random, n: Noise) -> str:
    """``name`` as one record writes (and OCR reads) it."""
    words = name.split()
    if len(words) > 2 and r.random() < n.middle_dropped:
        del words[1]
    if r.random() < n.accent_misread:
        i = r.randrange(len(words))
        words[i] = _misread_accent(words[i], r)
    if r.random() < n.typo:
        i = r.randrange(len(words))
        words[i] = _typo(words[i], r)
    s = " ".join(words)
    if r.random() < n.tone_style_main:
        s = normalise_tone_marks(s, "main")
    if r.random() < n.i_y:
        s = s.replace("ý", "í").replace("Lý", "Lí") if "ý" in s else s.replace("Lí", "Lý")
    if r.random() < n.accent_loss:
        s = fold_accents(s)
    if r.random() < n.capitals:
        s = s.upper()
    if r.random() < n.decomposed:
        s = unicodedata.normalize("NFD", s)
    return s


def noisy_date(d: str | None, r: random.Random, n: Noise) -> str | None:
    """A ``dd/mm/yyyy`` date as written: swapped, one digit off, a year only or missing."""
    if d is None or len(d) != 10:
        return d
    x = r.random()
    if x < n.date_missing:
        return None
    x -= n.date_missing
    if x < n.year_only:
        return d[6:]
    x -= n.year_only
    if x < n.day_month_swap and int(d[:2]) <= 12 and d[:2] != d[3:5]:
        return f"{d[3:5]}/{d[:2]}/{d[6:]}"
    x -= n.day_month_swap
    if x < n.date_digit:
        i = r.choice((0, 1, 3, 4, 9))
        return d[:i] + str((int(d[i]) + r.randint(1, 9)) % 10) + d[i + 1 :]
    return d


def noisy_year(y: str | None, r: random.Random, n: Noise) -> str | None:
    if y is None:
        return None
    x = r.random()
    if x < n.date_missing:
        return None
    if x < n.date_missing + n.parent_year_off:
        return str(int(y) + r.choice((-1, 1)))
    return y


def noisy_pid(pid: str | None, r: random.Random, n: Noise) -> str | None:
    if pid is None or r.random() >= n.pid_digit:
        return pid
    i = r.randrange(len(pid))
    return pid[:i] + str((int(pid[i]) + r.randint(1, 9)) % 10) + pid[i + 1 :]


def noisy_place(place: str | None, r: random.Random, n: Noise) -> str | None:
    if place is None or r.random() >= n.place_variant:
        return place
    parts = place.split(", ")
    kind = r.randrange(3)
    if kind == 0:
        parts[0] = parts[0].replace("Phường ", "P. ").replace("Xã ", "X. ")
    elif kind == 1:
        parts = parts[:2]
    else:
        return fold_accents(place)
    return ", ".join(parts)


def mention_rows(pop: Population, seed: int, noise: Noise | None = None) -> list[dict[str, str]]:
    """One CSV row per mention, noise applied, in book order (year, commune, register, entry)."""
    n = noise or Noise()
    r = random.Random(seed * 7919 + 1)
    order = sorted(
        range(len(pop.mentions)),
        key=lambda i: (
            pop.mentions[i].record_year,
            pop.mentions[i].commune.name,
            pop.mentions[i].register_type,
            i,
        ),
    )
    rows = []
    entry: dict[tuple[int, str, str], int] = {}
    last_event: tuple[int, str, str, int] | None = None
    books = {"birth": "01", "marriage": "02", "death": "03"}
    for k, i in enumerate(order, start=1):
        m = pop.mentions[i]
        book = (m.record_year, m.commune.name, m.register_type)
        # mentions of one event are consecutive: a new entry starts at each child/wife/deceased
        if m.role in ("child", "wife", "deceased") or last_event is None or last_event[:3] != book:
            entry[book] = entry.get(book, 0) + 1
        last_event = (*book, entry[book])
        p = m.person
        rows.append(
            {
                "mention_id": f"M{k:07d}",
                "person_id": p.person_id,
                "register_type": m.register_type,
                "book_no": f"{books[m.register_type]}/{m.record_year}",
                "entry_no": str(entry[book]),
                "registration_authority": f"UBND {m.commune.name}",
                "record_year": str(m.record_year),
                "role": m.role,
                "full_name": noisy_name(p.name, r, n),
                "date_of_birth": noisy_date(m.date_of_birth, r, n) or "",
                "birth_year": noisy_year(m.birth_year, r, n) or "",
                "sex": p.sex,
                "personal_id": noisy_pid(m.personal_id, r, n) or "",
                "place": noisy_place(m.place, r, n) or "",
                "spouse_name": noisy_name(m.spouse.name, r, n) if m.spouse else "",
                "father_name": noisy_name(m.father.name, r, n) if m.father else "",
                "mother_name": noisy_name(m.mother.name, r, n) if m.mother else "",
            }
        )
    return rows


def record_id(row: dict[str, str]) -> str:
    """The record a mention row comes from (its authority, book and entry)."""
    return f"{row['registration_authority']}|{row['book_no']}|{row['entry_no']}"


def write_population(out: Path, families: int, seed: int, noise: Noise | None = None) -> int:
    """Write ``out`` (CSV of :data:`FIELDS`); returns the number of mentions."""
    rows = mention_rows(generate_population(families, seed), seed, noise)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(FIELDS))
        w.writeheader()
        w.writerows(rows)
    return len(rows)
