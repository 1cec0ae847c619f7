"""Person mentions: the plain table linkage reads, and the keys it compares.

A *mention* is one person as one record names them: the child of a birth record, its mother,
the wife of a marriage, the deceased of a death. The linkage input is a table with a unique
``mention_id`` and any of the columns in :data:`MENTION_FIELDS` (missing columns and empty
values are allowed). The registry database, an agency's CSV or a legacy export all feed it the
same way.

:func:`prepare_mentions` turns that table into the keys the model compares. Keys only: the
values as written are never changed (``shared/domain/names.md``). Name keys come from
:mod:`extraction.text` (NFC, tone marks placed one way, ``i``/``y`` unified, accents folded).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import pandas as pd
from rapidfuzz.distance import OSA

from extraction.text import fold_accents, fold_key, is_blank, name_key

MENTION_ID = "mention_id"

# Canonical input columns, all optional.
MENTION_FIELDS: tuple[str, ...] = (
    "full_name",  # Vietnamese order: surname, middle name(s), given name
    "surname",
    "middle_name",
    "given_name",
    "date_of_birth",  # a full date (dd/mm/yyyy, yyyy-mm-dd, yyyymmdd) or only a year
    "birth_year",  # parents' "Năm sinh": a year only
    "sex",  # Nam / Nữ / M / F / male / female
    "personal_id",  # 12-digit personal number, or any identity number trusted as a key
    "other_id",  # another number (insurance, record): evidence, never a key or a veto
    "place",  # residence or place of birth, free text
    "postcode",
    "address",
    "email",
    "spouse_name",  # the other spouse named in the same record
    "father_name",
    "mother_name",
    "record_id",  # the record (event) the mention comes from: one record never names a person twice
    "role",  # child / mother / father / wife / husband / deceased / declarant (or any other word)
)

# Roles that a person has once in a life: the child of a birth record, the deceased of a death
# record. A cluster never holds two of one kind automatically (a second birth registration is
# a clerk's matter).
ONCE_ROLES: dict[str, str] = {
    "child": "birth",
    "born": "birth",
    "deceased": "death",
    "dead": "death",
}

# Columns of the prepared (key) table, in order.
KEY_COLUMNS: tuple[str, ...] = (
    "unique_id",
    "sn",  # surname, accents folded
    "sn_a",  # surname, match key (accents kept, tone placement unified)
    "mn",
    "mn_a",
    "gn",
    "gn_a",
    "nm",  # whole name, folded: "nguyen thi thuy"
    "nm_a",  # whole name, match key (accents kept)
    "nm_rare",  # the name has a syllable rare in this input (most often a misspelling)
    "dob",  # ISO date when the day is known
    "dob_y",
    "dob_m",
    "dob_d",
    "sex",
    "pid",
    "oid",
    "place",
    "place_c",  # the place's first part (commune, ward) without its kind word
    "place_cd",  # the place's first two parts (commune and district), None with one part
    "postcode",
    "addr",
    "email",
    "email_u",  # an e-mail address's part before the @
    "spouse",
    "spouse_sg",  # the spouse's surname and given name (a middle name left out or misread)
    "father",
    "father_sg",
    "mother",
    "mother_sg",
    "rec",  # the record id as given
    "once",  # "birth" or "death" for a mention in a role a person has once (ONCE_ROLES)
    "usable",  # has a name (given or surname) and at least a year: may be linked automatically
)

# Key column that each canonical field feeds (for choosing which comparisons a model has).
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "surname": ("sn",),
    "middle_name": ("mn",),
    "given_name": ("gn",),
    "date_of_birth": ("dob_y",),
    "sex": ("sex",),
    "personal_id": ("pid",),
    "other_id": ("oid",),
    "place": ("place",),
    "postcode": ("postcode",),
    "address": ("addr",),
    "email": ("email",),
    "spouse_name": ("spouse",),
    "father_name": ("father",),
    "mother_name": ("mother",),
}


@dataclass(frozen=True)
class PartialDate:
    """A date that may be known only to the year (or the month)."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str | None:
        """``yyyy-mm-dd`` when fully known, else None."""
        if self.year is None or self.month is None or self.day is None:
            return None
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


_DMY = re.compile(r"^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{4})$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[T ].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MY = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_Y = re.compile(r"^(\d{4})$")


def _valid(y: int, m: int | None, d: int | None) -> PartialDate:
    year = y if 1000 <= y <= 2999 else None
    month = m if m is not None and 1 <= m <= 12 else None
    day = d if d is not None and 1 <= d <= 31 and month is not None else None
    return PartialDate(year, month, day)


def parse_partial_date(value: object) -> PartialDate:
    """Read a date of birth as books and exports write it; unknown parts are None.

    ``12/03/1975`` (Vietnamese day first), ``1975-03-12``, ``19750312``, ``03/1975``, ``1975``,
    a ``date``/``Timestamp``, or a number such as ``19750312.0``. Anything else is unknown.
    """
    if value is None or (isinstance(value, float) and value != value):
        return PartialDate()
    if isinstance(value, datetime | date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip()
    if not s or is_blank(s):
        return PartialDate()
    if m := _DMY.match(s):
        return _valid(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    if m := _YMD.match(s):
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _COMPACT.match(s):
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _MY.match(s):
        return _valid(int(m.group(2)), int(m.group(1)), None)
    if m := _Y.match(s):
        return _valid(int(m.group(1)), None, None)
    return PartialDate()


_SEX = {
    "nam": "M",
    "m": "M",
    "male": "M",
    "man": "M",
    "1": "M",
    "nu": "F",
    "f": "F",
    "female": "F",
    "woman": "F",
    "2": "F",
}


def sex_key(value: object) -> str | None:
    """``Nam``/``Nữ`` (and English forms) → ``M``/``F``; anything else → None."""
    if not isinstance(value, str | int) or (isinstance(value, str) and is_blank(value)):
        return None
    return _SEX.get(fold_key(str(value)))


def id_key(value: object) -> str | None:
    """Digits of an identity number (``001 315 012345`` → ``001315012345``); None if < 5."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = re.sub(r"\D", "", str(value))
    return digits if len(digits) >= 5 else None


@lru_cache(maxsize=200_000)
def _word(word: str) -> tuple[str, ...]:
    return tuple(name_key(word).split())


@lru_cache(maxsize=500_000)
def _words(name: str) -> tuple[str, ...]:
    # the key is made syllable by syllable (the same as keying the whole name, and each
    # syllable of a registry's names is keyed once instead of once per distinct name)
    return tuple(k for part in name.split() for k in _word(part))


def name_words(value: object) -> tuple[str, ...]:
    """Match-key syllables of a name (accents kept, tone marks placed one way)."""
    if not isinstance(value, str) or is_blank(value):
        return ()
    return _words(value)


@lru_cache(maxsize=500_000)
def _fold(word: str) -> str:
    return fold_accents(word)


def _fold_words(words: tuple[str, ...]) -> str | None:
    return " ".join(_fold(w) for w in words) if words else None


def folded_name(value: object) -> str | None:
    """Whole name, accents folded: ``NGUYỄN Thị Thuỷ`` → ``nguyen thi thuy``."""
    return _fold_words(name_words(value))


def outer_words(name: str | None) -> str | None:
    """A folded name's first and last syllables (surname and given name) when it has three
    or more; else None (nothing is left out)."""
    if not name:
        return None
    words = name.split(" ")
    return f"{words[0]} {words[-1]}" if len(words) > 2 else None


@lru_cache(maxsize=500_000)
def _text_key(value: str) -> str | None:
    return fold_key(value) or None


def text_key(value: object) -> str | None:
    """Free text (place, address) folded: lower case, no accents, letters and digits only."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    s = str(value)
    return None if is_blank(s) else _text_key(s)


# Kind words that open an address's first part, and their abbreviations as clerks write them.
_PLACE_KIND = {
    "p": "phuong",
    "x": "xa",
    "tt": "thi tran",
    "q": "quan",
    "h": "huyen",
    "tp": "thanh pho",
    "tx": "thi xa",
}
_KIND_WORDS = ("thi tran", "thanh pho", "thi xa", "phuong", "xa", "quan", "huyen")


@lru_cache(maxsize=500_000)
def _place_parts(value: str) -> tuple[str | None, str | None, str | None]:
    parts = [fold_key(p) for p in value.split(",")]
    parts = [p for p in parts if p]
    if not parts:
        return None, None, None
    first = parts[0].split(" ")
    if first[0] in _PLACE_KIND and len(first) > 1:
        first = [*_PLACE_KIND[first[0]].split(" "), *first[1:]]
    head = " ".join(first)
    parts[0] = head
    commune = head
    for kind in _KIND_WORDS:
        if head.startswith(kind + " ") and len(head) > len(kind) + 1:
            commune = head[len(kind) + 1 :]
            break
    district = f"{commune} {parts[1]}" if len(parts) > 1 else None
    return " ".join(parts), commune, district


def place_keys(value: object) -> tuple[str | None, str | None, str | None]:
    """A place as (whole key, first-part key, first-two-parts key): ``P. Kim Sơn, Đông Anh``
    and ``Phường Kim Sơn, Đông Anh, Hà Nội`` → (``phuong kim son dong anh``, ``kim son``,
    ``kim son dong anh``) and (``phuong kim son dong anh ha noi``, ``kim son``, ``kim son dong
    anh``): kind abbreviations written out, accents folded, the first parts kept apart so that
    a shortened address still agrees on its commune and district (commune names repeat across
    districts)."""
    if value is None or (isinstance(value, float) and value != value):
        return None, None, None
    s = str(value)
    return (None, None, None) if is_blank(s) else _place_parts(s)


def email_key(value: object) -> str | None:
    """An e-mail address trimmed and in lower case; None when it has no ``@``."""
    if not isinstance(value, str):
        return None
    s = value.strip().lower()
    return s if "@" in s.strip("@") else None


def record_key(value: object) -> str | None:
    """A record id as text; None when blank."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    s = str(value).strip()
    return None if is_blank(s) else s


def once_key(value: object) -> str | None:
    """``child`` → ``birth``, ``deceased`` → ``death`` (:data:`ONCE_ROLES`); other roles None."""
    if not isinstance(value, str):
        return None
    return ONCE_ROLES.get(fold_key(value))


def _column(df: pd.DataFrame, name: str) -> list[Any]:
    if name in df.columns:
        return df[name].tolist()
    return [None] * len(df)


def _map_unique(values: list[Any], fn: Callable[[Any], Any]) -> list[Any]:
    """``fn`` applied once per distinct value (names and places repeat a great deal)."""
    cache: dict[Hashable, Any] = {}
    out = []
    for v in values:
        # a dict look-up first: isinstance(v, Hashable) is an ABC check, a third of the time
        # of preparing a million mentions
        try:
            result = cache[v]
        except KeyError:
            result = cache[v] = fn(v)
        except TypeError:  # not hashable (a list): its repr stands for it
            key = repr(v)
            if key not in cache:
                cache[key] = fn(v)
            result = cache[key]
        out.append(result)
    return out


def _split_names(
    full: list[Any], surname: list[Any], middle: list[Any], given: list[Any]
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]], list[tuple[str, ...]]]:
    """(surname, middle, given) syllables per row: separate columns win over the full name."""
    Parts = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    seen: dict[tuple[Any, ...], Parts] = {}
    sn_out, mn_out, gn_out = [], [], []
    for row in zip(full, surname, middle, given, strict=True):
        key: tuple[Any, ...] = row
        try:
            parts = seen.get(key)
        except TypeError:  # a value not hashable (a list): its repr stands for it
            key = tuple(v if isinstance(v, Hashable) else repr(v) for v in row)
            parts = seen.get(key)
        if parts is None:
            f, s, m, g = row
            sw, mw, gw = name_words(s), name_words(m), name_words(g)
            if not sw and not gw:
                words = name_words(f)
                if len(words) == 1:
                    gw = words
                elif words:
                    sw, mw, gw = words[:1], words[1:-1], words[-1:]
            parts = seen[key] = (sw, mw, gw)
        sn_out.append(parts[0])
        mn_out.append(parts[1])
        gn_out.append(parts[2])
    return sn_out, mn_out, gn_out


def prepare_mentions(mentions: pd.DataFrame) -> pd.DataFrame:
    """The key table (:data:`KEY_COLUMNS`) of a mention table; one row per mention, same order.

    Raises ``ValueError`` when ``mention_id`` is missing or not unique.
    """
    if MENTION_ID not in mentions.columns:
        raise ValueError(f"the mention table has no '{MENTION_ID}' column")
    ids = mentions[MENTION_ID].astype(str)
    if ids.duplicated().any():
        raise ValueError(f"'{MENTION_ID}' is not unique")
    sn_w, mn_w, gn_w = _split_names(
        _column(mentions, "full_name"),
        _column(mentions, "surname"),
        _column(mentions, "middle_name"),
        _column(mentions, "given_name"),
    )

    def acc(words: tuple[str, ...]) -> str | None:
        return " ".join(words) if words else None

    dob_raw = _map_unique(_column(mentions, "date_of_birth"), parse_partial_date)
    year_raw = _map_unique(_column(mentions, "birth_year"), parse_partial_date)
    emails = _map_unique(_column(mentions, "email"), email_key)
    places = _map_unique(_column(mentions, "place"), place_keys)
    dates = [d if d.year is not None else y for d, y in zip(dob_raw, year_raw, strict=True)]
    out = pd.DataFrame(
        {
            "unique_id": ids.tolist(),
            # once per distinct spelling: a million mentions have a few thousand
            "sn": (sn := _map_unique(sn_w, _fold_words)),
            "sn_a": (sn_a := _map_unique(sn_w, acc)),
            "mn": (mn := _map_unique(mn_w, _fold_words)),
            "mn_a": (mn_a := _map_unique(mn_w, acc)),
            "gn": (gn := _map_unique(gn_w, _fold_words)),
            "gn_a": (gn_a := _map_unique(gn_w, acc)),
            "dob": [d.iso for d in dates],
            "dob_y": pd.array([d.year for d in dates], dtype="Int64"),
            "dob_m": pd.array([d.month for d in dates], dtype="Int64"),
            "dob_d": pd.array([d.day for d in dates], dtype="Int64"),
            "sex": _map_unique(_column(mentions, "sex"), sex_key),
            "pid": _map_unique(_column(mentions, "personal_id"), id_key),
            "oid": _map_unique(_column(mentions, "other_id"), id_key),
            "place": [p[0] for p in places],
            "place_c": [p[1] for p in places],
            "place_cd": [p[2] for p in places],
            "postcode": _map_unique(_column(mentions, "postcode"), text_key),
            "addr": _map_unique(_column(mentions, "address"), text_key),
            "email": emails,
            "email_u": [e.split("@", 1)[0] if e else None for e in emails],
            "spouse": (spouse := _map_unique(_column(mentions, "spouse_name"), folded_name)),
            "spouse_sg": _map_unique(spouse, outer_words),
            "father": (father := _map_unique(_column(mentions, "father_name"), folded_name)),
            "father_sg": _map_unique(father, outer_words),
            "mother": (mother := _map_unique(_column(mentions, "mother_name"), folded_name)),
            "mother_sg": _map_unique(mother, outer_words),
            "rec": _map_unique(_column(mentions, "record_id"), record_key),
            "once": _map_unique(_column(mentions, "role"), once_key),
        }
    )
    for col, parts in (("nm", (sn, mn, gn)), ("nm_a", (sn_a, mn_a, gn_a))):
        out[col] = [" ".join(p for p in names if p) or None for names in zip(*parts, strict=True)]
    out["nm_rare"] = rare_syllables(out["nm"])
    # a name (given name or surname) and at least a year of birth
    out["usable"] = (out["gn"].notna() | out["sn"].notna()) & out["dob_y"].notna()
    return out[list(KEY_COLUMNS)]


RARE_PER_MENTION = 2e-5  # a syllable seen at most this often (at least twice) is rare
RARER_THAN_NEIGHBOUR = 20  # ... or this many times rarer than a syllable one letter away


def one_edit_apart(a: str, b: str) -> bool:
    """Equal, or one substitution, insertion, deletion or adjacent swap apart (the optimal string
    alignment distance is at most 1)."""
    return OSA.distance(a, b, score_cutoff=1) <= 1


def _misspelt(syllables: dict[str, int]) -> set[str]:
    """Syllables one letter away from a syllable at least :data:`RARER_THAN_NEIGHBOUR` times as
    common: ``nguen`` next to ``nguyen``, ``thnah`` next to ``thanh``. Neighbours are found by
    their single-letter deletions (two syllables one edit apart share one), then checked."""
    by_delete: dict[str, list[str]] = {}
    for w in syllables:
        for d in {w, *(w[:i] + w[i + 1 :] for i in range(len(w)))}:
            by_delete.setdefault(d, []).append(w)
    out: set[str] = set()
    for group in by_delete.values():
        if len(group) < 2:
            continue
        top = max(syllables[w] for w in group)
        for w in group:
            n = syllables[w]
            if n * RARER_THAN_NEIGHBOUR > top or w in out:
                continue
            if any(
                syllables[v] >= n * RARER_THAN_NEIGHBOUR and one_edit_apart(w, v) for v in group
            ):
                out.add(w)
    return out


def rare_syllables(names: pd.Series) -> list[bool]:
    """For each folded name, whether one of its syllables is rare in ``names``: seen at most
    ``max(2, RARE_PER_MENTION × len(names))`` times, or :data:`RARER_THAN_NEIGHBOUR` times
    rarer than a syllable one letter away. Real names repeat, and names one letter apart
    (``an``, ``anh``) are both common; a misread or mistyped syllable (``Hồnh`` for ``Hồng``)
    seldom repeats, and a common name's misspelling (``Nguễn``), repeated by chance in a large
    registry, is still far rarer than the name."""
    counts = names.value_counts()
    syllables: dict[str, int] = {}
    for name, n in counts.items():
        for w in str(name).split(" "):
            syllables[w] = syllables.get(w, 0) + int(n)
    limit = max(2, round(RARE_PER_MENTION * len(names)))
    rare = {w for w, n in syllables.items() if n <= limit} | _misspelt(syllables)
    rare_names = {name for name in counts.index if any(w in rare for w in str(name).split(" "))}
    return [isinstance(v, str) and v in rare_names for v in names.tolist()]


def present_keys(keys: pd.DataFrame) -> frozenset[str]:
    """Key columns that carry at least one value (a model compares only those)."""
    return frozenset(c for c in keys.columns if c != "unique_id" and keys[c].notna().any())
