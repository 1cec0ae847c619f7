"""Reference numbers of documents (a death notice's ``430/BV-GBT``): what OCR gets wrong on them.

A number is a serial, then codes separated by ``/`` or ``-``: the serial is digits, a code is
letters (``GBT``, ``BV``, ``GXN``) or a year. OCR doubles the slash (``430⁄/BV``), reads the
fraction slash ``⁄`` for ``/``, a ``G`` as ``6`` inside a code and an ``O`` for a ``0`` inside the
serial, a letter twice (``G6XN``); each is fixed and recorded (``ref_no_ocr_fixed``). What is
still no serial followed by codes (``3†``, ``G6/GBT``, ``552/GBT ¬ .ẶĂ``) is kept as read and
flagged ``ref_no_implausible``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from extraction.text import clean_text

_SLASHES = str.maketrans({"⁄": "/", "∕": "/", "\\": "/", "|": "/"})
_SEPARATOR_RE = re.compile(r"\s*([/-])\s*")
_REPEATED_RE = re.compile(r"([/-])\1+|/-|-/")
_AS_LETTER = str.maketrans({"6": "G", "0": "O", "8": "B", "5": "S", "1": "I", "2": "Z"})
# A letter read twice, once as itself and once as its digit look-alike: "G6XN" is "GXN".
_DOUBLED_RE = re.compile(r"(G6|O0|B8|S5|I1|Z2)")
_PLAUSIBLE_RE = re.compile(r"^[0-9]+(?:[/-][0-9A-Z]+)*$")
_AS_DIGIT = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "S": "5", "B": "8"})


class RefNo(NamedTuple):
    value: str | None
    reasons: tuple[str, ...]


def _fix_part(part: str, first: bool) -> str:
    if first and any(ch.isdigit() for ch in part):
        return part.translate(_AS_DIGIT)  # the serial: digits
    if any(ch.isalpha() for ch in part) and any(ch.isdigit() for ch in part):
        return _DOUBLED_RE.sub(lambda m: m.group(0)[0], part).translate(_AS_LETTER)  # a code
    return part


def read_ref_no(raw: str) -> RefNo:
    """The reference number in ``raw`` with OCR slips fixed (see the module docstring)."""
    text = clean_text(raw)
    if not text:
        return RefNo(None, ())
    joined = _SEPARATOR_RE.sub(r"\1", text.translate(_SLASHES))
    joined = _REPEATED_RE.sub(lambda m: m.group(0)[-1], joined)
    parts = re.split(r"([/-])", joined)
    fixed = "".join(p if p in "/-" else _fix_part(p, i == 0) for i, p in enumerate(parts))
    reasons = ("ref_no_ocr_fixed",) if fixed != text else ()
    if not _PLAUSIBLE_RE.match(fixed):
        reasons = (*reasons, "ref_no_implausible")
    return RefNo(fixed, reasons)
