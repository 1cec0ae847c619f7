"""From OCR words to labelled values: visual lines, label spans, values between labels.

Nothing here knows pixel positions of a form: labels are found by what is printed (fuzzy match of
the label variants of the register's ``forms.RegisterForm``), and a value is what follows its
label up to the next label, continued on the following line(s) when that line starts with none.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise

from rapidfuzz import fuzz

from extraction.forms import BIRTH_FORM, RegisterForm
from extraction.text import fold_accents
from ocr.types import BBox, PageText, Word, union_bbox

MAX_LABEL_WORDS = 9
UNKNOWN_LABEL = "?"  # a label too damaged to match on its own; resolved by the form's order
COLON_CHARS = ":;"


@dataclass
class VLine:
    """One visual line of words, left to right, in reading (deskewed) coordinates."""

    words: list[Word]
    cy: float
    height: float


@dataclass
class LabelHit:
    label_id: str
    line: int
    start: int  # first word index of the label
    end: int  # one past the label's last word
    score: float  # 0..1
    colon: bool
    aligned: bool  # as many words as the label variant it matched
    # Characters of the first value word that belong to the label (label and value glued).
    value_offset: int = 0


@dataclass
class Segment:
    """A found label and the words of its value (possibly over several lines)."""

    hit: LabelHit
    label_bbox: BBox
    label_text: str = ""
    words: list[Word] = field(default_factory=list)
    lines: int = 1


def _reading_centre(w: Word, cx0: float, cy0: float, cos: float, sin: float) -> tuple[float, float]:
    x = (w.bbox[0] + w.bbox[2]) / 2 - cx0
    y = (w.bbox[1] + w.bbox[3]) / 2 - cy0
    # Undo the page's skew so that one printed line has one y.
    return (x * cos - y * sin, x * sin + y * cos)


def visual_lines(page: PageText) -> list[VLine]:
    """Group words into printed lines by their deskewed vertical centres."""
    words = page.words
    if not words:
        return []
    rad = math.radians(-page.skew) if page.rotation == 0 else math.radians(page.skew)
    cos, sin = math.cos(rad), math.sin(rad)
    cx0, cy0 = page.width / 2, page.height / 2
    placed = sorted(
        ((_reading_centre(w, cx0, cy0, cos, sin), w) for w in words),
        key=lambda t: t[0][1],
    )
    heights = sorted(w.bbox[3] - w.bbox[1] for w in words)
    med_h = float(heights[len(heights) // 2]) or 1.0
    groups: list[list[tuple[tuple[float, float], Word]]] = []
    for item in placed:
        if groups:
            g = groups[-1]
            gy = sum(p[0][1] for p in g) / len(g)
            if abs(item[0][1] - gy) <= 0.45 * med_h:
                g.append(item)
                continue
        groups.append([item])
    groups = _merge_split_lines(groups)
    if page.rotation == 180:
        # Reading coordinates of a turned page run the other way.
        groups.reverse()
        for g in groups:
            g.sort(key=lambda p: -_right_edge(p))
    else:
        for g in groups:
            g.sort(key=lambda p: _left_edge(p))
    lines = []
    for g in groups:
        ws = [p[1] for p in g]
        hs = [w.bbox[3] - w.bbox[1] for w in ws]
        lines.append(VLine(ws, sum(p[0][1] for p in g) / len(g), float(max(hs))))
    return lines


_Placed = tuple[tuple[float, float], Word]


# Words of a line are ordered by where they start, not by their centres: Tesseract sometimes
# stretches a word's box over the words after it ("Nơi" boxed to the end of "Thôn" puts its
# centre after "ở:"), while a word's start stays where its ink starts.
def _left_edge(p: _Placed) -> float:
    return p[0][0] - (p[1].bbox[2] - p[1].bbox[0]) / 2


def _right_edge(p: _Placed) -> float:
    return p[0][0] + (p[1].bbox[2] - p[1].bbox[0]) / 2


def _extent(group: list[_Placed]) -> tuple[float, float]:
    tops = [c[1] - (w.bbox[3] - w.bbox[1]) / 2 for c, w in group]
    bottoms = [c[1] + (w.bbox[3] - w.bbox[1]) / 2 for c, w in group]
    return min(tops), max(bottoms)


def _x_clash(a: list[_Placed], b: list[_Placed]) -> bool:
    """Do words of the two groups stand over one another (two printed lines), rather than
    side by side (one line)?"""
    for ca, wa in a:
        half_a = (wa.bbox[2] - wa.bbox[0]) / 2
        for cb, wb in b:
            half_b = (wb.bbox[2] - wb.bbox[0]) / 2
            if abs(ca[0] - cb[0]) < 0.8 * (half_a + half_b):
                return True
    return False


# Printed lines never overlap; a typed value's band reaches into its label's by half the
# smaller height or more.
MERGE_MIN_OVERLAP = 0.5


def _merge_split_lines(groups: list[list[_Placed]]) -> list[list[_Placed]]:
    """One printed line whose labels and typed values (a bigger font, on the same baseline)
    came out as two groups, their centres apart: merged when the two bands overlap by
    ``MERGE_MIN_OVERLAP`` of the smaller one's height and no word of one stands over a word of
    the other."""
    out: list[list[_Placed]] = []
    for g in groups:
        if out:
            (t1, b1), (t2, b2) = _extent(out[-1]), _extent(g)
            overlap = min(b1, b2) - max(t1, t2)
            if overlap >= MERGE_MIN_OVERLAP * min(b1 - t1, b2 - t2) and not _x_clash(out[-1], g):
                out[-1] = out[-1] + g
                continue
        out.append(g)
    return out


_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
# Labels hold no digits: a digit in a label is a misread letter.
_DIGIT_AS_LETTER = str.maketrans({"0": "o", "1": "i", "5": "s", "8": "b", "6": "б"})


def norm_label_text(text: str) -> str:
    """Lower-case, NFC, punctuation dropped, spaces collapsed: what label matching compares."""
    t = unicodedata.normalize("NFC", text).lower()
    t = t.replace("tuỳ", "tùy")
    t = _PUNCT.sub(" ", t)
    return " ".join(t.split())


def _folded(text: str) -> str:
    return fold_accents(text.translate(_DIGIT_AS_LETTER))


@cache
def _variants(form: RegisterForm = BIRTH_FORM) -> list[tuple[str, str, str, int]]:
    out = []
    for label_id, variants in form.label_variants.items():
        for v in variants:
            n = norm_label_text(v)
            out.append((label_id, n, _folded(n), len(n.split())))
    return out


@cache
def variants_by_label(
    form: RegisterForm = BIRTH_FORM,
) -> dict[str, tuple[tuple[str, str, int], ...]]:
    """Each label id's variants as matched: (normalised text, folded text, word count)."""
    out: dict[str, list[tuple[str, str, int]]] = {}
    for label_id, norm, folded, n_words in _variants(form):
        out.setdefault(label_id, []).append((norm, folded, n_words))
    return {k: tuple(v) for k, v in out.items()}


# Accents are where OCR errs most on labels; a match on folded text counts a little less.
FOLDED_PENALTY = 4.0


def label_score(span: str, variant: str, variant_folded: str) -> float:
    exact = fuzz.ratio(span, variant)
    if exact >= 100:
        return exact
    return max(exact, fuzz.ratio(_folded(span), variant_folded) - FOLDED_PENALTY)


def _min_score(label_norm: str) -> float:
    # Short labels must match nearly exactly; long ones tolerate OCR damage.
    n = len(label_norm)
    if n <= 3:
        return 100.0
    if n <= 8:
        return 88.0
    return 80.0


def _shifted(span: str, variant_folded: str) -> bool:
    """Does the span hold a value's last word before the label ("VINH Quan hệ với người được
    KS" against "Quan hệ với người được khai sinh")? Its second word is the label's first and
    its own first word is not: as many words as the label, one of them not the label's."""
    words, label = _folded(span).split(), variant_folded.split()
    return (
        len(words) >= 2
        and len(label) >= 2
        and words[1] == label[0]
        and words[0] != label[0]
        and words[0] != label[1]
    )


# A colon read as a word of its own is the label's only when it stands next to the label's last
# word: one far to the right is a speck of the line's end (a stamp, a signature's stroke).
MAX_COLON_GAP = 1.0  # in the label word's heights


def colon_at(words: list[Word], j: int) -> tuple[bool, int]:
    """Does the label end at word j with a colon? Returns (colon, chars after it in word j)."""
    t = words[j].text
    if j > 0 and not any(ch.isalnum() for ch in t) and not _beside(words[j - 1], words[j]):
        return False, 0
    for k, ch in enumerate(t):
        if ch in COLON_CHARS:
            return True, len(t) - k - 1
    if j + 1 < len(words) and words[j + 1].text[:1] in COLON_CHARS:
        return _beside(words[j], words[j + 1]), 0
    return False, 0


def _beside(word: Word, mark: Word) -> bool:
    """Does ``mark`` stand right after ``word`` (a colon of its own, not a speck far away)?"""
    w, c = word.bbox, mark.bbox
    return c[0] - w[2] <= MAX_COLON_GAP * max(w[3] - w[1], 1)


def _past_own_colon(h: LabelHit, cands: list[LabelHit], words: list[Word]) -> bool:
    """Does ``h`` run on past the colon of a better label that starts where it does? "Họ, chữ
    đệm và tên: NGUYỄN HÀ:" (a value word that caught a speck) is the child's name label and
    a name, not the father's label "Họ, chữ đệm và tên người cha:" read badly."""
    return any(
        o.start == h.start
        and o.end < h.end
        and words[o.end - 1].text.rstrip()[-1:] == ":"
        and o.score > h.score
        for o in cands
    )


def find_labels(line: VLine, line_no: int, form: RegisterForm = BIRTH_FORM) -> list[LabelHit]:
    """Non-overlapping label hits of ``form``'s labels on one line, left to right."""
    words = line.words
    cands: list[LabelHit] = []
    for j in range(len(words)):
        colon, tail = colon_at(words, j)
        # At the start of a line a label's colon is often read as a full stop ("Nơi cư trú.").
        stop = not colon and words[j].text.endswith(".") and len(words[j].text) > 2
        for i in range(max(0, j - MAX_LABEL_WORDS + 1), j + 1):
            colon_here = colon or (stop and i == 0)
            span_words = [w.text for w in words[i : j + 1]]
            if tail:
                last = span_words[-1]
                span_words[-1] = last[: len(last) - tail]
            span = norm_label_text(" ".join(span_words))
            if not span:
                continue
            n_words = len(span.split())
            for label_id, variant, folded, v_words in _variants(form):
                if abs(v_words - n_words) > 1:
                    continue
                need = _min_score(variant)
                if not colon_here:
                    # A label whose colon was lost is believed only at the start of a line:
                    # label words inside a value ("Người đi khai sinh …" in a note) are not.
                    if i != 0 or v_words < 2 or label_id == "entry_no":
                        continue
                    need = max(need, 92.0)
                score = label_score(span, variant, folded)
                if score >= need and not _shifted(span, folded):
                    offset = tail
                    cands.append(
                        LabelHit(
                            label_id,
                            line_no,
                            i,
                            j + 1,
                            score / 100.0,
                            colon_here,
                            n_words == v_words,
                            offset,
                        )
                    )
    # Prefer colon-ended; then spans with as many words as their label (a fuzzy span that
    # swallowed a value word, "Tày Quốc tịch:", loses to "Quốc tịch:"); then longer labels
    # ("Ngấy, tháng, năm sinh" over the "năm sinh" inside it, "… tên người chà" over "… tên");
    # then better scores. Taken greedily without overlap.
    cands = [h for h in cands if not _past_own_colon(h, cands, words)]
    cands.sort(key=lambda h: (h.colon, h.aligned, h.end - h.start, round(h.score, 2)), reverse=True)
    taken: list[LabelHit] = []
    used: set[int] = set()
    for h in cands:
        covered = set(range(h.start, h.end))
        if covered & used:
            continue
        taken.append(h)
        used |= covered
    taken.sort(key=lambda h: h.start)
    if (not taken or taken[0].start > 0) and "entry_no" in form.label_variants:
        entry_no = _damaged_entry_no(words, line_no)
        if entry_no is not None:
            taken.insert(0, entry_no)
    # A damaged label at the start of the line: words ending in a colon that matched nothing.
    first = taken[0].start if taken else len(words)
    for j in range(min(first, MAX_LABEL_WORDS)):
        colon, tail = colon_at(words, j)
        if colon and not tail:
            head = norm_label_text(" ".join(w.text for w in words[: j + 1]))
            if head and head not in IN_VALUE_LABELS and any(c.isalpha() for c in head):
                taken.insert(0, LabelHit(UNKNOWN_LABEL, line_no, 0, j + 1, 0.0, True, True))
            break
    return taken


# "Số:" of an entry's number, too short to match fuzzily, misread ("Só", "Sẽ:4", "S54"): at a
# line's start, followed by a number, on the line that carries the registration date.
_ENTRY_NO_WORD_RE = re.compile(r"^[Ss5]([^\W\d_]{0,2})[.:;]*(\d{0,4})$")
_DATE_RE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")


def _damaged_entry_no(words: list[Word], line_no: int) -> LabelHit | None:
    if not words:
        return None
    m = _ENTRY_NO_WORD_RE.match(words[0].text)
    if m is None or any(fold_accents(c).lower() not in "oeiua" for c in m.group(1)):
        return None
    if not _DATE_RE.search(" ".join(w.text for w in words[1:])):
        return None
    glued = len(m.group(2))
    if not glued:
        following = [w.text.strip(".:;,") for w in words[1:3]]
        if not any(t[:1].isdigit() for t in following):
            return None
    return LabelHit("entry_no", line_no, 0, 1, 0.9, True, True, glued)


# Words with a colon that are part of a value, not labels of the form: the id paper's line
# "… số 0123, cấp ngày 01/02/2016, nơi cấp: Công an …" may wrap before "cấp:".
IN_VALUE_LABELS = frozenset({"cấp", "nơi cấp", "ngày cấp", "tại", "số"})


def _looks_like_label_line(line: VLine) -> bool:
    """A line whose first words end in a colon holds a (damaged) label, not a value."""
    for j in range(min(6, len(line.words))):
        if colon_at(line.words, j)[0]:
            head = norm_label_text(" ".join(w.text for w in line.words[: j + 1]))
            return head not in IN_VALUE_LABELS
    return False


def segments(lines: list[VLine], form: RegisterForm = BIRTH_FORM) -> list[Segment]:
    """Every label of ``form`` on the page in reading order, each with the words of its value."""
    hits_per_line = [find_labels(ln, i, form) for i, ln in enumerate(lines)]
    pitch = line_pitch(lines)
    out: list[Segment] = []
    for i, (line, hits) in enumerate(zip(lines, hits_per_line, strict=True)):
        if not hits:
            # A line with no label continues the value above it (a wrapped value), if close.
            if out and out[-1].hit.line + out[-1].lines == i and _continues(lines, i, pitch):
                out[-1].words.extend(line.words)
                out[-1].lines += 1
            continue
        first = hits[0]
        if first.start > 0 and out and out[-1].hit.line + out[-1].lines == i:
            # Words before the first label on a line continue the value above.
            out[-1].words.extend(line.words[: first.start])
        for k, h in enumerate(hits):
            stop = hits[k + 1].start if k + 1 < len(hits) else len(line.words)
            vals = list(line.words[h.end : stop])
            if h.value_offset:
                w = line.words[h.end - 1]
                glued = w.text[len(w.text) - h.value_offset :]
                vals.insert(0, Word(glued, w.bbox, w.conf))
            label_words = line.words[h.start : h.end]
            label_box = union_bbox([w.bbox for w in label_words])
            label_text = norm_label_text(" ".join(w.text for w in label_words))
            out.append(Segment(h, label_box, label_text, vals))
    return out


def line_pitch(lines: list[VLine]) -> float:
    """The page's usual distance between one printed line and the next (median)."""
    gaps = sorted(abs(b.cy - a.cy) for a, b in pairwise(lines))
    return gaps[len(gaps) // 2] if gaps else 0.0


# A wrapped value's next line is at most this many of the page's line pitches below (forms
# printed for handwriting space their lines more than twice the text height).
CONTINUATION_PITCHES = 1.25


def _continues(lines: list[VLine], i: int, pitch: float = 0.0) -> bool:
    prev, cur = lines[i - 1], lines[i]
    gap = cur.cy - prev.cy
    if gap > max(2.2 * max(prev.height, cur.height), CONTINUATION_PITCHES * pitch):
        return False
    return not _looks_like_label_line(cur)
