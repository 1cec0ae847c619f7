"""The linkage model as data: comparisons, blocking rules and training plan over the key table.

Everything here is plain data (a Splink settings dictionary, SQL strings over the key columns of
:mod:`linkage.mentions`), built only from which key columns the input carries, so the same code
links a registry's mentions, FEBRL or any CSV. A trained model is the same dictionary with m and
u probabilities filled in; it saves to JSON and loads back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Level = dict[str, Any]
Comparison = dict[str, Any]


def _null(*cols: str) -> Level:
    cond = " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in cols)
    return {"sql_condition": cond, "label_for_charts": "null", "is_null_level": True}


def _level(sql: str, label: str, tf: str | None = None) -> Level:
    level: Level = {"sql_condition": sql, "label_for_charts": label}
    if tf:
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
    return level


def _fixed(level: Level, *, m: float, u: float) -> Level:
    """A level whose probabilities are set, not estimated: a personal number agrees by chance
    about never (u) and disagrees for the same person only through a misreading or a wrong
    number in the book (m). Training data rarely has enough pairs with two numbers to learn it."""
    return {
        **level,
        "m_probability": m,
        "u_probability": u,
        "fix_m_probability": True,
        "fix_u_probability": True,
    }


def one_edit(col: str) -> str:
    """SQL: the two sides of ``col`` at most one edit apart. The length check comes first:
    DuckDB evaluates the edit distance only where it passes (a sixth of the scoring time of a
    million mentions), and two strings one edit apart never differ in length by more."""
    return (
        f'abs(length("{col}_l") - length("{col}_r")) <= 1 '
        f'AND damerau_levenshtein("{col}_l", "{col}_r") <= 1'
    )


def _else() -> Level:
    return {"sql_condition": "ELSE", "label_for_charts": "all other"}


def _comparison(name: str, description: str, levels: list[Level]) -> Comparison:
    return {
        "output_column_name": name,
        "comparison_description": description,
        "comparison_levels": levels,
    }


def full_name_comparison(swapped: bool) -> Comparison:
    """The whole name at once, with the term frequency of the whole name: how often two people
    share a name is the frequency of that name, not the product of its parts' frequencies
    (``Thị`` and most given names say the sex already). Then the ways one name is written
    differently: accents lost, tone marks misread, a middle name left out, one typo (into a
    rare spelling, or not) — a typo in the middle name too, before "same surname and given
    name, another middle name", which is most often two people."""
    levels = [
        _null("nm"),
        _level('"nm_a_l" = "nm_a_r"', "same name", tf="nm_a"),
        _level(
            '"nm_l" = "nm_r" AND ("nm_a_l" = "nm_l" OR "nm_a_r" = "nm_r")',
            "same letters, accents lost on one side",
            tf="nm",
        ),
        _level('"nm_l" = "nm_r"', "same letters, different accents", tf="nm"),
        _level(
            '"sn_l" = "sn_r" AND "gn_l" = "gn_r" AND ("mn_l" IS NULL OR "mn_r" IS NULL '
            "OR (' ' || \"mn_l\" || ' ') LIKE ('% ' || \"mn_r\" || ' %') "
            "OR (' ' || \"mn_r\" || ' ') LIKE ('% ' || \"mn_l\" || ' %'))",
            "same surname and given name, a middle name left out",
        ),
        _level(
            f'{one_edit("nm")} AND ("nm_rare_l" OR "nm_rare_r")',
            "one typo, into a rare spelling",
        ),
        _level(one_edit("nm"), "one letter apart"),
        _level(
            '"sn_l" = "sn_r" AND "gn_l" = "gn_r"',
            "same surname and given name, another middle name",
        ),
        _level(
            '"gn_l" = "gn_r" AND jaro_winkler_similarity("sn_l", "sn_r") >= 0.9',
            "same given name, similar surname",
        ),
        _level(
            '"sn_l" = "sn_r" AND jaro_winkler_similarity("gn_l", "gn_r") >= 0.88',
            "same surname, similar given name",
        ),
    ]
    if swapped:
        levels.append(_level('"sn_l" = "gn_r" AND "gn_l" = "sn_r"', "surname and given swapped"))
    levels.append(_level('"sn_l" = "sn_r"', "same surname, another given name"))
    levels.append(_level('"gn_l" = "gn_r"', "same given name, another surname"))
    levels.append(_else())
    return _comparison("name", "whole name (term frequency of the whole name)", levels)


def date_of_birth_comparison() -> Comparison:
    """Date of birth that may be only a year (parents' ``birth_year``)."""
    return _comparison(
        "date_of_birth",
        "date of birth (full date or year only)",
        [
            _null("dob_y"),
            _level('"dob_l" = "dob_r"', "same date"),
            _level(
                '"dob_y_l" = "dob_y_r" AND "dob_m_l" = "dob_d_r" AND "dob_d_l" = "dob_m_r"',
                "day and month swapped",
            ),
            _level(one_edit("dob"), "one digit off"),
            _level(
                '"dob_y_l" = "dob_y_r" AND ("dob_l" IS NULL OR "dob_r" IS NULL)',
                "same year, one side year only",
            ),
            _level('"dob_y_l" = "dob_y_r"', "same year, different day"),
            _level(
                'abs("dob_y_l" - "dob_y_r") <= 1 AND ("dob_l" IS NULL OR "dob_r" IS NULL)',
                "a year apart, one side year only",
            ),
            _level('abs("dob_y_l" - "dob_y_r") <= 1', "a year apart"),
            _else(),
        ],
    )


def exact_comparison(name: str, col: str, description: str, *, tf: bool = False) -> Comparison:
    return _comparison(
        name,
        description,
        [
            _null(col),
            _level(f'"{col}_l" = "{col}_r"', "same", tf=col if tf else None),
            _else(),
        ],
    )


def personal_id_comparison() -> Comparison:
    """The personal number: strong, but one misread digit is common and equality is not proof."""
    return _comparison(
        "personal_id",
        "personal number",
        [
            _null("pid"),
            _fixed(_level('"pid_l" = "pid_r"', "same number"), m=0.96, u=1e-6),
            _fixed(
                _level(one_edit("pid"), "one digit off"),
                m=0.03,
                u=1e-5,
            ),
            _fixed(_else(), m=0.01, u=1 - 1.1e-5),
        ],
    )


def text_comparison(
    name: str, col: str, description: str, *, tf: bool = False, jw: float = 0.9
) -> Comparison:
    return _comparison(
        name,
        description,
        [
            _null(col),
            _level(f'"{col}_l" = "{col}_r"', "same", tf=col if tf else None),
            _level(f'jaro_winkler_similarity("{col}_l", "{col}_r") >= {jw}', "similar"),
            _else(),
        ],
    )


def relative_comparison(col: str, desc: str) -> Comparison:
    """The name of a relative the record gives (spouse, father, mother): the same, one letter
    apart (a typo), the same but for a middle name left out, the same surname and given name
    with another middle name (weak: ``Lê Thanh Anh`` and ``Lê Tiến Minh Anh`` are most often
    two men), similar, or another."""
    return _comparison(
        col,
        f"{desc}'s name",
        [
            _null(col),
            _level(f'"{col}_l" = "{col}_r"', "same"),
            _level(one_edit(col), "one letter apart"),
            _level(
                f'"{col}_sg_l" = "{col}_r" OR "{col}_l" = "{col}_sg_r"',
                "same surname and given name, a middle name left out",
            ),
            _level(f'"{col}_sg_l" = "{col}_sg_r"', "same surname and given name, another middle"),
            _level(f'jaro_winkler_similarity("{col}_l", "{col}_r") >= 0.92', "similar"),
            _else(),
        ],
    )


def place_comparison() -> Comparison:
    """Residence or place of birth: the same address, the same first part (commune or ward:
    ``P. Kim Sơn, Đông Anh`` against ``Phường Kim Sơn, Đông Anh, Hà Nội``), a similar one."""
    return _comparison(
        "place",
        "place (residence or birth; abbreviations written out)",
        [
            _null("place"),
            _level('"place_l" = "place_r"', "same", tf="place"),
            _level('"place_cd_l" = "place_cd_r"', "same first two parts"),
            _level('"place_c_l" = "place_c_r"', "same first part", tf="place_c"),
            _level('jaro_winkler_similarity("place_l", "place_r") >= 0.9', "similar"),
            _else(),
        ],
    )


def comparisons_for(keys: Iterable[str]) -> list[Comparison]:
    """The comparisons a model has for an input whose non-empty key columns are ``keys``."""
    k = set(keys)
    out: list[Comparison] = []
    if "nm" in k:
        out.append(full_name_comparison(swapped={"sn", "gn"} <= k))
    if "dob_y" in k:
        out.append(date_of_birth_comparison())
    if "sex" in k:
        out.append(exact_comparison("sex", "sex", "sex"))
    if "pid" in k:
        out.append(personal_id_comparison())
    if "oid" in k:
        out.append(
            _comparison(
                "other_id",
                "another identity number (evidence only)",
                [
                    _null("oid"),
                    _level('"oid_l" = "oid_r"', "same"),
                    _level(one_edit("oid"), "one digit off"),
                    _level('damerau_levenshtein("oid_l", "oid_r") <= 2', "two digits off"),
                    _else(),
                ],
            )
        )
    if "place" in k:
        out.append(place_comparison())
    if "postcode" in k:
        out.append(
            _comparison(
                "postcode",
                "postcode",
                [
                    _null("postcode"),
                    _level('"postcode_l" = "postcode_r"', "same", tf="postcode"),
                    _level(one_edit("postcode"), "one typo"),
                    _else(),
                ],
            )
        )
    if "addr" in k:
        out.append(text_comparison("address", "addr", "address"))
    if "email" in k:
        out.append(
            _comparison(
                "email",
                "e-mail address",
                [
                    _null("email"),
                    _level('"email_l" = "email_r"', "same"),
                    _level('"email_u_l" = "email_u_r"', "same user, other domain"),
                    _level('jaro_winkler_similarity("email_l", "email_r") >= 0.88', "similar"),
                    _else(),
                ],
            )
        )
    for col, desc in (("spouse", "spouse"), ("father", "father"), ("mother", "mother")):
        if col in k:
            out.append(relative_comparison(col, desc))
    return out


def blocking_rules_for(keys: Iterable[str]) -> list[str]:
    """Candidate-pair rules. Each is an equality on a combination of keys rare enough that the
    number of pairs stays near-linear in the input (no rule on a surname alone, or a year alone:
    a third of all surnames are Nguyễn)."""
    k = set(keys)
    rules: list[str] = []

    def add(*cols: str) -> None:
        if set(cols) <= k:
            rules.append(" AND ".join(f"l.{c} = r.{c}" for c in cols))

    add("pid")
    add("oid")
    add("nm", "dob_y")  # not surname + given name + year: Nguyễn Văn Anh 1985 is a crowd
    add("sn", "gn", "dob")
    add("gn", "dob")
    add("sn", "dob")
    add("nm", "spouse")
    add("gn", "spouse")
    add("spouse", "dob_y")
    if "place_cd" in k:
        add("nm", "place_cd")
    else:
        add("nm", "place_c")
    add("nm", "father")
    add("nm", "mother")
    add("gn", "mn", "dob_y", "place_c")
    add("sn", "mn", "dob_y", "place_c")
    add("sn", "gn", "dob_y", "place_c")
    add("sn", "mn", "dob_y", "spouse")
    add("gn", "postcode")
    add("sn", "postcode")
    add("gn", "addr")
    add("sn", "addr")
    add("email")
    add("email_u")
    if {"sn", "gn"} <= k:
        rules.append("l.sn = r.gn AND l.gn = r.sn")  # surname and given name swapped
    if {"dob", "postcode"} <= k:
        rules.append("l.dob = r.dob AND l.postcode = r.postcode")
    return rules


def training_rules_for(keys: Iterable[str]) -> list[str]:
    """EM blocking rules. EM needs blocks where matches are common (else it learns "same common
    name" as the match class); each rule leaves the comparisons it uses untrained, so together
    they train all: same full date trains names and the rest, same whole name and place trains
    the date and the rest."""
    k = set(keys)
    rules = []
    if "dob" in k:
        rules.append("l.dob = r.dob")
    if {"nm", "place"} <= k:
        rules.append("l.nm = r.nm AND l.place = r.place")
    elif {"nm", "postcode"} <= k:
        rules.append("l.nm = r.nm AND l.postcode = r.postcode")
    elif {"nm", "addr"} <= k:
        rules.append("l.nm = r.nm AND l.addr = r.addr")
    elif "nm" in k:
        rules.append("l.nm = r.nm")
    if "dob" not in k and {"gn", "dob_y"} <= k:
        rules.append("l.gn = r.gn AND l.dob_y = r.dob_y")
    return rules


def deterministic_rules_for(keys: Iterable[str]) -> list[str]:
    """Rules that admit almost no false matches, to estimate how often two records match."""
    k = set(keys)
    rules = []
    if {"nm", "dob"} <= k:
        rules.append("l.nm = r.nm AND l.dob = r.dob")
    if {"pid", "gn"} <= k:
        rules.append("l.pid = r.pid AND l.gn = r.gn")
    if {"oid", "gn"} <= k:
        rules.append("l.oid = r.oid AND l.gn = r.gn")
    if {"nm", "dob_y", "spouse"} <= k:
        rules.append("l.nm = r.nm AND l.dob_y = r.dob_y AND l.spouse = r.spouse")
    if not rules and {"nm", "dob_y"} <= k:
        rules.append("l.nm = r.nm AND l.dob_y = r.dob_y")
    return rules


def build_settings(keys: Iterable[str]) -> dict[str, Any]:
    """An untrained Splink settings dictionary for an input with these non-empty key columns."""
    k = frozenset(keys)
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": comparisons_for(k),
        "blocking_rules_to_generate_predictions": blocking_rules_for(k),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
        "max_iterations": 20,
        "em_convergence": 0.001,
    }
