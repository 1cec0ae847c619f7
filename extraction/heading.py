"""Which register a page belongs to, from its printed heading (``SỔ ĐĂNG KÝ KHAI TỬ``).

A book's register type is given by the user; a page printed for another register (death pages
uploaded as births) would give records of nonsense. Each register's heading is
``forms.RegisterForm.heading``: ``SỔ ĐĂNG KÝ`` and a tail that names the register (``KHAI SINH``,
``KẾT HÔN``, ``KHAI TỬ``). A line is a heading when it starts like ``SỔ ĐĂNG KÝ``; its tail must
match one register's clearly better than the others' (the tails share letters: ``khai sinh`` and
``khai tu``), so a damaged heading says nothing rather than the wrong thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz

from extraction.forms import FORMS
from extraction.layout import visual_lines
from extraction.text import fold_accents
from ocr.types import PageText

HEADING_LINES = 8  # the heading is among the first lines of a page
PREFIX = "so dang ky"
MIN_PREFIX_SCORE = 80.0
MIN_TAIL_SCORE = 70.0
MIN_TAIL_LEAD = 15.0


@dataclass(frozen=True)
class Heading:
    register_type: str
    text: str  # the line as read
    score: float  # 0..100, how well its tail matched


def _fold(text: str) -> str:
    return " ".join(fold_accents(text).lower().replace(":", " ").split())


@cache
def _tails() -> dict[str, str]:
    """Register type → the folded tail of its heading (``khai tu``)."""
    return {t: _fold(f.heading).removeprefix(PREFIX).strip() for t, f in FORMS.items()}


def match_heading(text: str) -> Heading | None:
    """The register whose heading ``text`` is, or None when it is none (or too damaged)."""
    folded = _fold(text)
    words = folded.split()
    if len(words) < 4:
        return None
    head, tail = " ".join(words[:3]), " ".join(words[3:])
    if fuzz.ratio(head, PREFIX) < MIN_PREFIX_SCORE:
        return None
    scores = sorted(((fuzz.ratio(tail, t), rt) for rt, t in _tails().items()), reverse=True)
    best, runner_up = scores[0], scores[1]
    if best[0] < MIN_TAIL_SCORE or best[0] - runner_up[0] < MIN_TAIL_LEAD:
        return None
    return Heading(best[1], text, round(best[0], 1))


def page_heading(page: PageText) -> Heading | None:
    """The register heading printed at the top of ``page``, if one is read."""
    for line in visual_lines(page)[:HEADING_LINES]:
        found = match_heading(" ".join(w.text for w in line.words))
        if found is not None:
            return found
    return None
