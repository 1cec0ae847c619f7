"""The ledger layout: a ruled table, one entry per row, a header row of printed column labels.

``LEDGER_GROUPS`` says, per register, which form items (``forms.RegisterForm.lines`` items) a
press may print together in one column, stacked on separate lines in the column's order, and the
ways each group may be split into columns. A column's printed header is its items' labels (the
form's label variants) joined by "; ". The generator (``synth.ledger``) draws from these; the
reader matches each header cell against every column shape of the register by fuzzy matching of
the printed labels, so column order and widths are read from the page, never assumed.

A cell's lines go to its stacked items in order: each item starts a new line, a value too long
for the cell wraps onto lines indented further (``CellLine.dx``). Values are then normalised,
checked and scored by the form layout's own functions (``extraction.extract``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from statistics import median

from rapidfuzz import fuzz

from extraction import values
from extraction.calibration import THRESHOLDS_FILE, Thresholds, load_thresholds, page_condition
from extraction.checks import check_record
from extraction.extract import (
    BookContext,
    RawField,
    form_thresholds,
    is_junk_word,
    normalise_entry,
    score_and_decide,
    trim_junk,
)
from extraction.forms import FieldType, RegisterForm, form_for
from extraction.layout import norm_label_text, variants_by_label
from extraction.text import fold_accents
from extraction.types import FieldValue, RecordResult
from ocr.page import mean_conf
from ocr.table import Cell, CellLine, TableReading
from ocr.types import BBox, PageText, Word, union_bbox

LEDGER_VERSION = "ledger-2"  # bump when ledger extraction changes: stored books are re-extracted

Column = tuple[str, ...]  # form items stacked in one column, top to bottom
Group = tuple[tuple[Column, ...], ...]  # the ways a group of items may be split into columns


def _person(role: str, split: Sequence[int], items: Sequence[str]) -> Group:
    """A person's items as one column, or split at each position of ``split``."""
    keys = tuple(f"{role}.{i}" if "." not in i else i for i in items)
    ways: list[tuple[Column, ...]] = [(keys,)]
    for cut in split:
        ways.append((keys[:cut], keys[cut:]))
    return tuple(ways)


_ONE = "entry_no", "registration_date", "clerk.full_name", "registration_kind", "notes"

LEDGER_GROUPS: dict[str, tuple[Group, ...]] = {
    "birth": (
        ((("entry_no",),),),
        ((("registration_date",),),),
        (
            (
                (
                    "child.full_name",
                    "child.date_of_birth",
                    "child.date_of_birth_words",
                    "child.sex",
                ),
                (
                    "child.ethnicity",
                    "child.nationality",
                    "child.place_of_birth",
                    "child.home_town",
                    "child.personal_id",
                ),
            ),
            (
                (
                    "child.full_name",
                    "child.sex",
                    "child.date_of_birth",
                    "child.date_of_birth_words",
                ),
                ("child.ethnicity", "child.nationality", "child.place_of_birth"),
                ("child.home_town", "child.personal_id"),
            ),
        ),
        _person(
            "mother", (2,), ("full_name", "birth_year", "ethnicity", "nationality", "residence")
        ),
        _person(
            "father", (2,), ("full_name", "birth_year", "ethnicity", "nationality", "residence")
        ),
        _person("declarant", (2,), ("full_name", "relationship", "id_doc_type")),
        ((("signer.full_name", "signer.title"),),),
        ((("clerk.full_name",),),),
        ((("registration_kind",),),),
        ((("notes",),),),
    ),
    "marriage": (
        ((("entry_no",),),),
        ((("registration_date",),),),
        _person(
            "wife", (2, 4), ("full_name", "date_of_birth", "ethnicity", "nationality", "residence")
        ),
        ((("wife.id_doc_type",),),),
        _person(
            "husband",
            (2, 4),
            ("full_name", "date_of_birth", "ethnicity", "nationality", "residence"),
        ),
        ((("husband.id_doc_type",),),),
        ((("marriage_recognised_date",),),),
        ((("signer.full_name", "signer.title"),),),
        ((("clerk.full_name",),),),
        ((("registration_kind",),),),
        ((("notes",),),),
    ),
    "death": (
        ((("entry_no",),),),
        ((("registration_date",),),),
        (
            (
                (
                    "deceased.full_name",
                    "deceased.date_of_birth",
                    "deceased.sex",
                    "deceased.ethnicity",
                    "deceased.nationality",
                ),
                ("deceased.personal_id", "deceased.id_doc_type", "deceased.residence"),
            ),
            (
                ("deceased.full_name", "deceased.sex", "deceased.date_of_birth"),
                ("deceased.ethnicity", "deceased.nationality", "deceased.personal_id"),
                ("deceased.id_doc_type", "deceased.residence"),
            ),
        ),
        (
            (("death.time", "death.date", "death.date_words", "death.place", "death.cause"),),
            (("death.time", "death.date", "death.date_words"), ("death.place", "death.cause")),
        ),
        ((("death_notice.no", "death_notice.date", "death_notice.issuer"),),),
        _person("declarant", (2,), ("full_name", "relationship", "id_doc_type")),
        ((("signer.full_name", "signer.title"),),),
        ((("clerk.full_name",),),),
        ((("registration_kind",),),),
        ((("notes",),),),
    ),
}

# Groups whose place a press may change (the rest keep theirs): index in ``LEDGER_GROUPS``.
MOVABLE_TAIL = 4  # the last this many groups (signer, clerk, kind, notes) are shuffled


def columns_of(register_type: str) -> tuple[Column, ...]:
    """Every column shape a press may print for this register."""
    out: list[Column] = []
    for group in LEDGER_GROUPS[register_type]:
        for way in group:
            for col in way:
                if col not in out:
                    out.append(col)
    return tuple(out)


def label_ids(form: RegisterForm, column: Column) -> tuple[str, ...]:
    return tuple(form.label_id(i) for i in column)


def header_text(labels: Sequence[str]) -> str:
    """A column's printed header: its labels joined by "; " (later ones start lower-case)."""
    parts = [labels[0]] + [lab[:1].lower() + lab[1:] for lab in labels[1:]]
    return "; ".join(parts)


# --- acceptance ---------------------------------------------------------------------------


def ledger_thresholds_file(register_type: str) -> str:
    """The register's ledger thresholds (``bench.ledger --calibrate``), beside the form's."""
    return f"thresholds_ledger_{register_type}.json"


def ledger_thresholds(form: RegisterForm, thresholds: Thresholds | None = None) -> Thresholds:
    """The thresholds given, else the register's ledger calibration, else (a register not yet
    calibrated on ledgers) its form thresholds."""
    if thresholds is not None:
        return thresholds
    path = THRESHOLDS_FILE.parent / ledger_thresholds_file(form.register_type)
    return load_thresholds(path) if path.exists() else form_thresholds(form)


# --- header matching ----------------------------------------------------------------------

HEADER_MIN_SCORE = 70.0


def _fold(text: str) -> str:
    return fold_accents(norm_label_text(text))


@cache
def _shape_variants(register_type: str) -> tuple[tuple[Column, tuple[tuple[str, ...], ...]], ...]:
    """Per column shape, per stacked item, its label variants folded."""
    form = form_for(register_type)
    by_label = variants_by_label(form)
    out = []
    for col in columns_of(register_type):
        per_item = tuple(tuple(v[1] for v in by_label[lid]) for lid in label_ids(form, col))
        out.append((col, per_item))
    return tuple(out)


@cache
def _renderings(per_item: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """Every header a press could print for a shape (each item in each of its wordings)."""
    out = [""]
    for vs in per_item:
        out = [f"{head} {v}".strip() for head in out for v in vs]
    return tuple(out)


def _score(text: str, per_item: tuple[tuple[str, ...], ...]) -> float:
    """How well a header's folded text matches a shape: its best printed wording."""
    return max(float(fuzz.ratio(r, text)) for r in _renderings(per_item))


@dataclass(frozen=True)
class HeaderMatch:
    col: int  # the table column
    items: Column  # the form items stacked in it (resolved to keys)
    score: float


def match_headers(headers: Sequence[str], form: RegisterForm) -> list[HeaderMatch]:
    """Each header cell's column shape (best fuzzy match, each shape once; columns that match
    none are left out), with repeated labels (``Dân tộc``) given the section of the nearest
    person column to their left."""
    shapes = _shape_variants(form.register_type)
    texts = [_fold(h) for h in headers]
    pairs: list[tuple[float, int, int]] = []
    for ci, t in enumerate(texts):
        if not t:
            continue
        for si, (_, per_item) in enumerate(shapes):
            s = _score(t, per_item)
            if s >= HEADER_MIN_SCORE:
                pairs.append((s, ci, si))
    pairs.sort(reverse=True)
    taken_cols: set[int] = set()
    # a shape of labels repeated per person ("Dân tộc; Quốc tịch; Nơi cư trú") may stand once for
    # each person: such shapes may be taken more than once
    taken_shapes: set[Column] = set()
    chosen: dict[int, tuple[Column, float]] = {}
    for s, ci, si in pairs:
        col = shapes[si][0]
        generic = all(lid.startswith("@") for lid in label_ids(form, col))
        if ci in taken_cols or (col in taken_shapes and not generic):
            continue
        taken_cols.add(ci)
        taken_shapes.add(col)
        chosen[ci] = (col, s)
    out: list[HeaderMatch] = []
    section = form.first_section
    for ci in sorted(chosen):
        col, s = chosen[ci]
        items: list[str] = []
        for item in col:
            lid = form.label_id(item)
            if lid in form.section_openers:
                section = form.section_openers[lid]
            key = form.key_for(lid, section) if lid.startswith("@") else item
            items.append(key or item)
        out.append(HeaderMatch(ci, tuple(items), s))
    return out


# --- cells → fields -----------------------------------------------------------------------


def stack_groups(lines: Sequence[CellLine], indent: float) -> list[list[CellLine]]:
    """A cell's lines grouped per stacked value: a line indented further than the cell's first
    lines continues the value above it."""
    if not lines:
        return []
    left = min(ln.dx for ln in lines)
    groups: list[list[CellLine]] = []
    for ln in sorted(lines, key=lambda c: c.dy):
        if groups and ln.dx - left >= indent:
            groups[-1].append(ln)
        else:
            groups.append([ln])
    return groups


@dataclass(frozen=True)
class CellMetrics:
    """How a page's cells are typed: the indent that marks a wrapped line, the line pitch and
    where a cell's first line starts (offsets inside the cell, deskewed page pixels)."""

    indent: float
    pitch: float
    top: float

    def line_no(self, line: CellLine) -> int:
        return max(0, round((line.dy - self.top) / self.pitch))


def page_metrics(table: TableReading, first_row: int) -> CellMetrics:
    heights = [
        w.bbox[3] - w.bbox[1]
        for c in table.cells
        if c.row >= first_row
        for ln in c.lines
        for w in ln.words
        if w.text.isalpha()
    ]
    h = median(heights) if heights else 30.0
    steps: list[int] = []
    tops: list[int] = []
    for c in table.cells:
        if c.row < first_row or not c.lines:
            continue
        dys = sorted(ln.dy for ln in c.lines)
        tops.append(dys[0])
        steps += [b - a for a, b in pairwise(dys) if 0.8 * h < b - a < 3 * h]
    pitch = median(steps) if steps else 1.4 * h
    top = median(tops) if tops else 0.0
    return CellMetrics(indent=max(12.0, 0.9 * h), pitch=float(pitch), top=float(top))


def assign_stack(
    groups: list[list[CellLine]], n_items: int, m: CellMetrics
) -> tuple[list[list[CellLine] | None], list[int], bool]:
    """Stacked values to items by the line each starts on: an item whose line holds nothing
    (its "-" lost) is blank. Returns the group per item, the items taken as blank that way,
    and whether the stack could not be matched cleanly."""
    out: list[list[CellLine] | None] = [None] * n_items
    blanks: list[int] = []
    line = 0
    gi = 0
    for k in range(n_items):
        if gi >= len(groups):
            break
        start = m.line_no(groups[gi][0])
        must_take = n_items - k <= len(groups) - gi
        if start > line and not must_take:
            blanks.append(k)
            line += 1
            continue
        out[k] = groups[gi]
        line = m.line_no(groups[gi][-1]) + 1
        gi += 1
    clean = gi == len(groups)
    if not clean:  # more values than items: the rest joins the last one
        last = max(k for k in range(n_items) if out[k] is not None)
        tail = out[last]
        assert tail is not None
        for g in groups[gi:]:
            tail.extend(g)
    return out, blanks, not clean


def _is_blank_mark(words: list[Word]) -> bool:
    text = "".join(w.text for w in words).strip()
    return not text or all(ch in "-–—._…" for ch in text)


# A line of a cell that is mostly strokes read as characters (a stamp over the signature, a
# signature) is no value; a blank mark ("-") is one and stays.
STRAY_SHARE = 0.5


def _stray_line(line: CellLine) -> bool:
    if _is_blank_mark(line.words):
        return False
    junk = sum(1 for w in line.words if is_junk_word(w))
    return junk > STRAY_SHARE * len(line.words)


def cell_fields(
    cell: Cell, items: Column, page_no: int, m: CellMetrics, header_score: float
) -> tuple[dict[str, RawField], dict[str, list[str]]]:
    """The raw field of each stacked item of one cell, and the items to flag per reason: a
    stack whose values do not fit the column's items (``ledger_stack_mismatch``), an item taken
    as blank because its line is empty (``ledger_blank_inferred``)."""
    groups = stack_groups([ln for ln in cell.lines if not _stray_line(ln)], m.indent)
    problems: dict[str, list[str]] = {}
    slots: list[list[CellLine] | None]
    if len(items) == 1:
        slots = [[ln for g in groups for ln in g]]
    elif len(groups) == len(items) or not groups:
        slots = list(groups) or [None] * len(items)
    else:
        slots, blanks, mismatch = assign_stack(groups, len(items), m)
        if mismatch:
            problems["ledger_stack_mismatch"] = list(items)
        if blanks:
            problems["ledger_blank_inferred"] = [items[k] for k in blanks]
    out: dict[str, RawField] = {}
    for k, item in enumerate(items):
        slot = slots[k] if k < len(slots) else None
        words = [w for ln in slot for w in ln.words] if slot else []
        if words and _is_blank_mark(words):
            words = []
        out[item] = RawField(
            key=item,
            words=trim_junk(words),
            label_score=header_score / 100.0,
            page=page_no,
            label_bbox=cell.bbox,
            untrimmed=[],
        )
    return out, problems


def _flag(fields: dict[str, FieldValue], keys: Sequence[str], reason: str) -> None:
    for k in keys:
        f = fields.get(k)
        if f is not None and reason not in f.reasons:
            f.reasons.append(reason)


def _record(
    raw: dict[str, RawField],
    flagged: dict[str, list[str]],
    page_no: int,
    ctx: BookContext,
    form: RegisterForm,
    th: Thresholds,
    condition: str,
    cell_boxes: dict[str, BBox],
) -> RecordResult:
    fields = normalise_entry(raw, form)
    entry_no = fields.pop("entry_no", None)
    for key, f in fields.items():
        if f.bbox is None and key in cell_boxes and f.value is not None:
            f.bbox = cell_boxes[key]
        if f.page is None and key in raw:
            f.page = page_no
    for reason, keys in flagged.items():
        _flag(fields, keys, reason)
    check_record(
        fields, form.register_type, book_year=ctx.year, authority=ctx.registration_authority
    )
    score_and_decide(fields, th, condition, form)
    return _result(fields, entry_no, page_no, ctx)


def _result(
    fields: dict[str, FieldValue], entry_no: FieldValue | None, page_no: int, ctx: BookContext
) -> RecordResult:
    return RecordResult(
        register_type=ctx.register_type,
        book_no=ctx.book_no,
        entry_no=entry_no.value if entry_no else None,
        registration_authority=ctx.registration_authority,
        pages=[page_no],
        fields=fields,
    )


def extract_table_page(
    table: TableReading,
    page_no: int,
    ctx: BookContext,
    *,
    thresholds: Thresholds | None = None,
) -> list[RecordResult]:
    """Records of a ledger page read cell by cell: one per table row that holds any text.

    Keys of columns whose header could not be matched are flagged ``ledger_column_not_found``
    on every record of the page (they are not guessed)."""
    form = form_for(ctx.register_type)
    th = ledger_thresholds(form, thresholds)
    header_row = _header_row(table, form)
    headers = [c.text for c in table.row(header_row)]
    matches = match_headers(headers, form)
    numbers = _entry_no_column(table, header_row, matches)
    if numbers is not None:
        matches.append(numbers)
    matches += _columns_by_content(table, header_row, matches, form)
    found = {k for m in matches for k in m.items}
    for group in form.id_doc_groups:  # an identity paper's value fills its group's keys
        if group[0] in found:
            found.update(group)
    missing = [k for k in ("entry_no", *form.keys) if k not in found]
    condition = page_condition(mean_conf(table.page_text()))
    metrics = page_metrics(table, header_row + 1)
    records: list[RecordResult] = []
    for r in range(header_row + 1, table.n_rows):
        row = table.row(r)
        if not any(c.lines for c in row):
            continue  # an unused row of the last page
        raw: dict[str, RawField] = {}
        flagged: dict[str, list[str]] = {}
        boxes: dict[str, BBox] = {}
        for m in matches:
            cell = row[m.col]
            got, problems = cell_fields(cell, m.items, page_no, metrics, m.score)
            raw.update(got)
            for k in m.items:
                boxes[k] = cell.bbox
            for reason, keys in problems.items():
                flagged.setdefault(reason, []).extend(keys)
        if missing:
            flagged.setdefault("ledger_column_not_found", []).extend(missing)
        records.append(_record(raw, flagged, page_no, ctx, form, th, condition, boxes))
    mend_entry_numbers(records)
    return records


def mend_entry_numbers(records: list[RecordResult]) -> None:
    """Entry numbers misread within a run of consecutive ones ("128" between 122 and 124, or
    unreadable): rows of a ledger page are numbered one by one, so a number both neighbours
    contradict alike is theirs (at the page's ends, the two rows on one side must agree). A
    skip or a repeat that the neighbours do not contradict alike is left for the book summary."""

    def num(r: RecordResult) -> int | None:
        return int(r.entry_no) if r.entry_no and r.entry_no.isdigit() else None

    nums = [num(r) for r in records]
    last = len(nums) - 1
    # middle rows first: a page's end rows are judged by two neighbours that must be right
    for k in [*range(1, last), *([0, last] if last > 0 else [])]:
        prev = nums[k - 1] if k > 0 else None
        nxt = nums[k + 1] if k < last else None
        expect: int | None = None
        if prev is not None and nxt is not None:
            expect = prev + 1 if nxt == prev + 2 else None
        elif k == 0 and nxt is not None and k + 2 <= last and nums[k + 2] == nxt + 1:
            expect = nxt - 1
        elif k == last and prev is not None and k >= 2 and nums[k - 2] == prev - 1:
            expect = prev + 1
        if expect is not None and expect > 0 and nums[k] != expect:
            nums[k] = expect
            records[k].entry_no = str(expect)


# A column of numbers whose header was misread ("Nó" for "Số") is the entry numbers: at this
# share of its filled cells being digits, and scored as a header matched this well.
NUMBER_COLUMN_SHARE = 0.8
NUMBER_COLUMN_SCORE = 80.0


def _entry_no_column(
    table: TableReading, header_row: int, matches: list[HeaderMatch]
) -> HeaderMatch | None:
    if any("entry_no" in m.items for m in matches):
        return None
    taken = {m.col for m in matches}
    for col in range(table.n_cols):
        if col in taken:
            continue
        texts = [table.cell(r, col).text for r in range(header_row + 1, table.n_rows)]
        filled = [t for t in texts if t.strip()]
        digits = [t for t in filled if t.strip().strip(".").isdigit()]
        if filled and len(digits) >= NUMBER_COLUMN_SHARE * len(filled):
            return HeaderMatch(col, ("entry_no",), NUMBER_COLUMN_SCORE)
    return None


# A one-value column whose header was misread is known by its values when they are plainly of
# one type no other missing one-value column has (a column of dates for the registration date).
CONTENT_SHARE = 0.8
CONTENT_SCORE = 75.0
_CONTENT_TYPES = frozenset(
    {FieldType.DATE, FieldType.YEAR, FieldType.SEX, FieldType.PERSONAL_ID, FieldType.TIME}
)


def _columns_by_content(
    table: TableReading, header_row: int, matches: list[HeaderMatch], form: RegisterForm
) -> list[HeaderMatch]:
    found = {k for m in matches for k in m.items}
    missing = [
        c
        for c in columns_of(form.register_type)
        if len(c) == 1
        and c[0] not in found
        and c[0] in form.spec_by_key
        and form.spec_by_key[c[0]].type in _CONTENT_TYPES
    ]
    taken = {m.col for m in matches}
    out: list[HeaderMatch] = []
    for col in range(table.n_cols):
        if col in taken or not missing:
            continue
        texts = [table.cell(r, col).text.strip() for r in range(header_row + 1, table.n_rows)]
        filled = [t for t in texts if t]
        if not filled:
            continue
        fits = []
        for c in missing:
            ftype = form.spec_by_key[c[0]].type
            good = sum(1 for t in filled if not values.normalise(ftype, t).reasons)
            if good >= CONTENT_SHARE * len(filled):
                fits.append(c)
        if len(fits) == 1:
            out.append(HeaderMatch(col, fits[0], CONTENT_SCORE))
            missing.remove(fits[0])
    return out


def _header_row(table: TableReading, form: RegisterForm) -> int:
    """The header row: the first row whose cells match column labels (a row of column numbers
    or a blank strip may come first)."""
    best, best_n = 0, -1
    for r in range(min(3, table.n_rows)):
        n = len(match_headers([c.text for c in table.row(r)], form))
        if n > best_n:
            best, best_n = r, n
    return best


# --- no table found: whole-page reading, every field for review ---------------------------

TABLE_NOT_FOUND = "table_not_found"


# A ledger's header joins stacked labels with ";" — a form's labels never are.
MIN_HEADER_SEMICOLONS = 3


def looks_like_ledger(page: PageText, register_type: str) -> bool:
    """Does a page read whole show a ledger's header (several column shapes on its lines, their
    labels joined by semicolons)?"""
    form = form_for(register_type)
    top = page.lines[:40]
    if sum(w.text.count(";") for ln in top for w in ln.words) < MIN_HEADER_SEMICOLONS:
        return False
    texts = [_fold(" ".join(w.text for w in ln.words)) for ln in top]
    joined = " ".join(texts)
    hits = 0
    for _, per_item in _shape_variants(form.register_type):
        if len(per_item) >= 2 and _score_partial(joined, per_item) >= 85:
            hits += 1
    return hits >= 3


def _score_partial(text: str, per_item: tuple[tuple[str, ...], ...]) -> float:
    chosen = [max(vs, key=lambda v: fuzz.partial_ratio(v, text)) for vs in per_item]
    return float(fuzz.partial_ratio(" ".join(chosen), text))


# Between two ledger rows lies a rule and a cell's padding: a band free of text at least this
# many text heights high (lines of one cell are closer).
ROW_GAP = 0.9


def _text_rows(page: PageText, height: float) -> list[list[Word]]:
    """Words grouped into the table's rows by the empty bands between them, top to bottom, on
    the straightened page (boxes are on the page as scanned: the page's skew is undone, as
    ``extraction.layout.visual_lines`` does)."""
    angle = math.radians(-page.skew if page.rotation == 0 else page.skew)
    cos, sin = math.cos(angle), math.sin(angle)
    cx0, cy0 = page.width / 2, page.height / 2

    def top(w: Word) -> float:
        x, y = (w.bbox[0] + w.bbox[2]) / 2 - cx0, (w.bbox[1] + w.bbox[3]) / 2 - cy0
        return x * sin + y * cos - (w.bbox[3] - w.bbox[1]) / 2

    rows: list[list[Word]] = []
    bottom = 0.0
    for w in sorted(page.words, key=top):
        t = top(w)
        if not rows or t - bottom >= ROW_GAP * height:
            rows.append([])
            bottom = t
        rows[-1].append(w)
        bottom = max(bottom, t + w.bbox[3] - w.bbox[1])
    return rows


def extract_untabled_page(
    page: PageText,
    page_no: int,
    ctx: BookContext,
    *,
    thresholds: Thresholds | None = None,
) -> list[RecordResult]:
    """A ledger page whose grid was not found, read whole: its rows are told apart by the empty
    bands between them (below the header, whose labels are joined by ";"); each row gets a record
    with the first short number at its left as the entry number, the row's text kept as the raw
    of ``notes`` for the reviewer, and every field flagged ``table_not_found``. No row is
    dropped; nothing is accepted."""
    form = form_for(ctx.register_type)
    th = ledger_thresholds(form, thresholds)
    words = [w for ln in page.lines for w in ln.words]
    if not words:
        return []
    height = median([w.bbox[3] - w.bbox[1] for w in words])
    rows = _text_rows(page, height)
    header = next((i for i, r in enumerate(rows) if any(";" in w.text for w in r)), -1)
    records: list[RecordResult] = []
    for row in rows[header + 1 :]:
        if len(row) < 4:
            continue  # the page number under the table, a speck
        row = sorted(row, key=lambda w: (w.bbox[0], w.bbox[1]))
        numbers = [
            w for w in row if 1 <= len(w.text.strip(".")) <= 5 and w.text.strip(".").isdigit()
        ]
        first = numbers[0] if numbers and numbers[0] is row[0] else None
        rest = [w for w in row if w is not first]
        box = union_bbox([w.bbox for w in row])
        raw = {
            "entry_no": RawField("entry_no", [first] if first else [], 1.0, page_no, box),
            "notes": RawField("notes", rest, 1.0, page_no, box),
        }
        fields = normalise_entry(raw, form)
        entry_no = fields.pop("entry_no", None)
        notes = fields["notes"]
        notes.value = None  # the row as read, for the reviewer: not a value
        notes.raw = " ".join(w.text for w in sorted(rest, key=lambda w: (w.bbox[1], w.bbox[0])))
        for f in fields.values():
            f.reasons = [TABLE_NOT_FOUND]
            f.confidence = 0.0
        score_and_decide(fields, th, "degraded", form)
        records.append(_result(fields, entry_no, page_no, ctx))
    return records
