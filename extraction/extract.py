"""Pages of a register book → records of fields with provenance, validated and scored.

The register's ``forms.RegisterForm`` (``BookContext.register_type``) names the labels, the
sections, the printed order and the checks; the birth form is the default of every step.

Pure functions: a page's ``PageText`` in, ``RecordResult``s out. The Prefect flow and the CLI are
thin wrappers around ``extract_page``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from extraction import values
from extraction.calibration import THRESHOLDS_FILE, Thresholds, load_thresholds, page_condition
from extraction.checks import check_record
from extraction.forms import (
    BIRTH_FORM,
    BIRTH_FORM_LINES,
    FieldType,
    RegisterForm,
    form_for,
)
from extraction.layout import (
    UNKNOWN_LABEL,
    Segment,
    colon_at,
    label_score,
    norm_label_text,
    segments,
    variants_by_label,
    visual_lines,
)
from extraction.name_lexicon import (
    drop_name_tail,
    repair_syllables,
    snap_surname,
    snap_unusual,
    unusual_syllables,
)
from extraction.phrases import phrase_prefix, phrase_within, reads_as, snap_phrase
from extraction.syllables import is_valid_syllable
from extraction.text import (
    capitalise_name_words,
    capitalise_street_names,
    collapse_doubled_vowels,
    fix_word_digits,
    match_unit_word_case,
    repair_case,
)
from extraction.types import FieldStatus, FieldValue, RecordResult, RegisterType
from ocr.page import mean_conf
from ocr.types import BBox, PageText, Word, union_bbox

EXTRACTOR_VERSION = "form-5"  # bump when extraction changes: stored books are re-extracted

# Label ids that start a new entry when the current one already has them (per form).
ENTRY_STARTERS = BIRTH_FORM.entry_starters


@dataclass(frozen=True)
class BookContext:
    register_type: RegisterType
    book_no: str
    registration_authority: str
    year: int | None = None


@dataclass
class RawField:
    key: str
    words: list[Word]
    label_score: float
    page: int
    label_bbox: BBox
    inferred: bool = False  # the label was too damaged to read; its place in the form told
    # The words as segmented, before junk trimming: a damaged label of the same printed line
    # may hide in them ("NGUYỄN VĂN TRÍ  Chức tử: Chủ tịch").
    untrimmed: list[Word] = field(default_factory=list)

    @property
    def raw(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def bbox(self) -> BBox:
        return union_bbox([w.bbox for w in self.words]) if self.words else self.label_bbox


_JUNK_CHARS = set("<>~#=|{}[]\\^*@$%&+_`")


def is_junk_word(w: Word) -> bool:
    """A word that is no text: a signature's or stamp's strokes read as characters."""
    t = w.text.strip(".,:;…-–'\"()")
    if not t or not any(ch.isalnum() for ch in t):
        return True
    if any(ch in _JUNK_CHARS for ch in w.text):
        return True
    if w.conf < 0.5 and not all(ch.isdigit() or ch in "/.-" for ch in t):
        return not is_valid_syllable(t.lower())
    return False


# A typed value is one run of text: a horizontal gap wider than this many text heights inside a
# line means what follows is something else (a stamp, a signature, bleed-through).
MAX_GAP_IN_VALUE = 2.5


def cut_at_gap(words: list[Word]) -> list[Word]:
    for i in range(1, len(words)):
        prev, cur = words[i - 1], words[i]
        gap = cur.bbox[0] - prev.bbox[2]
        height = max(prev.bbox[3] - prev.bbox[1], cur.bbox[3] - cur.bbox[1], 1)
        same_line = abs((cur.bbox[1] + cur.bbox[3]) - (prev.bbox[1] + prev.bbox[3])) < height
        if same_line and gap > MAX_GAP_IN_VALUE * height:
            return words[:i]
    return words


_MARK_BETWEEN_WORDS = re.compile(r"(?<=\w):(?=\s)")
_MARK_AFTER_WORD = re.compile(r"(?<=\w)[:;,.\-](?=\s)|(?<!\S)['‘’`](?=\w)")
_DOUBLED_INITIAL = re.compile(r"\b([^\W\d_])(?i:\1)(?=[^\W\d_])")
_LEADER_TAIL = re.compile(r"(?:_+|\.{2,}|…+)[._…]*$")


def collapse_case_doubles(text: str) -> str:
    """Tesseract sometimes writes a letter twice, once in each case ("NữỮ", "HữỮu"); no word
    has the same letter twice in a row in different cases."""
    out: list[str] = []
    for ch in text:
        if out and ch != out[-1] and ch.isalpha() and ch.casefold() == out[-1].casefold():
            continue
        out.append(ch)
    return "".join(out)


def strip_leader_tail(w: Word) -> Word:
    """A word glued to the leader after it ("LY_.", "VINH_......") loses the leader, and a letter
    doubled in the other case is read once."""
    text = collapse_case_doubles(_LEADER_TAIL.sub("", w.text))
    return w if text == w.text or not text else Word(text, w.bbox, w.conf)


def trim_junk(words: list[Word]) -> list[Word]:
    """Drop what follows a wide gap, then junk words at the end of a value (signatures and
    stamps sit at the line's end)."""
    words = [strip_leader_tail(w) for w in cut_at_gap(words)]
    end = len(words)
    while end and is_junk_word(words[end - 1]):
        end -= 1
    return words[:end]


def _key_for(label_id: str, section: str, form: RegisterForm = BIRTH_FORM) -> str | None:
    return form.key_for(label_id, section)


# The printed order of label ids in an entry (forms.BIRTH_FORM_LINES, flattened).
FORM_ORDER: tuple[str, ...] = tuple(lid for line in BIRTH_FORM_LINES for lid in line)
# How many labels ahead of the last one found a damaged label may be, and how alike it must be.
INFER_LOOKAHEAD = 4
INFER_MIN_SCORE = 55.0
INFERRED_PENALTY = 0.8


# Value types that say by themselves which field they are, when the label before them is
# unreadable ("cnơi tình: Nam" is the sex line): a closed list or a strict number shape.
_SELF_EVIDENT_TYPES = (FieldType.SEX, FieldType.YEAR, FieldType.ETHNICITY, FieldType.NATIONALITY)


def closed_value_prefix(
    ftype: FieldType, text: str, read: Callable[[str], values.Normalised] | None = None
) -> values.Normalised | None:
    """A closed-list value followed by strays ("Nữ l", "Nam. ¬ Nam", "Kinh Quốc tích …",
    "Đúng hạn 0105011 l"): the longest run of first words that ``read`` (by default the
    normaliser of ``ftype``) takes as a clean value, or None."""
    words = text.split()
    for k in range(len(words) - 1, 0, -1):
        head = " ".join(words[:k])
        n = read(head) if read is not None else values.normalise(ftype, head)
        if n.value is not None and not n.reasons:
            return n
    return None


def is_only_specks(text: str) -> bool:
    """No word of two letters or more that is Vietnamese: specks, strokes, a stamp's ring."""
    for word in text.split():
        core = word.strip(".,:;!?-–()\"'")
        if sum(c.isalpha() for c in core) >= 2 and is_valid_syllable(core.lower()):
            return False
    return True


# Value types whose reading is blank when it holds no word of two letters or more: a name or a
# place is never one letter ("l l l" is a blank line's specks).
SPECKS_BLANK_TYPES = (FieldType.NAME, FieldType.PLACE, FieldType.TEXT)


def is_only_marks(text: str) -> bool:
    """No word of two letters or more, Vietnamese or not: specks and strokes (``l - l``)."""
    return not any(sum(c.isalpha() for c in word) >= 2 for word in text.split())


def _value_fits(ftype: FieldType, value: str) -> bool:
    if not value.strip():
        return False
    n = values.normalise(ftype, value)
    return n.value is not None and not n.reasons


def infer_label(
    text: str, after: int, form: RegisterForm = BIRTH_FORM, value: str = ""
) -> tuple[str, int] | None:
    """The label id a damaged label most likely is: the best match among the next few labels
    the form prints after position ``after``; failing that, the next label whose type the value
    plainly is (a sex, a year, an ethnicity, a nationality)."""
    guess = _infer_by_label(text, after, form)
    if not value:
        return guess
    for pos in range(after + 1, min(after + 3, len(form.order))):
        spec = form.spec_by_key.get(form.order[pos])
        if spec is not None and spec.type in _SELF_EVIDENT_TYPES and _value_fits(spec.type, value):
            # The value's shape wins over a weak label match of another type ("cnơi tình: Nữ"
            # looks like "Nơi sinh" but is the sex line).
            guessed = form.spec_by_key.get(guess[0]) if guess else None
            if (
                guessed is None
                or guessed.type not in _SELF_EVIDENT_TYPES
                or not _value_fits(guessed.type, value)
            ):
                return form.order[pos], pos
            break
    return guess


def _infer_by_label(text: str, after: int, form: RegisterForm) -> tuple[str, int] | None:
    best: tuple[float, str, int] | None = None
    order = form.order
    for pos in range(after + 1, min(after + 1 + INFER_LOOKAHEAD, len(order))):
        lid = order[pos]
        for v, folded, _ in _variants_of(lid, form):
            score = label_score(text, v, folded)
            if score >= INFER_MIN_SCORE and (best is None or score > best[0]):
                best = (score, lid, pos)
    return (best[1], best[2]) if best else None


def _order_pos(lid: str, after: int, order: tuple[str, ...] = FORM_ORDER) -> int:
    for pos in range(after + 1, len(order)):
        if order[pos] == lid or (lid[:1] == "@" and order[pos].endswith("." + lid[1:])):
            return pos
    return after


def group_entries(
    segs: list[Segment], page_no: int, form: RegisterForm = BIRTH_FORM
) -> list[dict[str, RawField]]:
    """Split a page's labelled segments into entries and resolve repeated labels by section."""
    entries: list[dict[str, RawField]] = []
    current: dict[str, RawField] | None = None
    section = form.first_section
    order = form.order
    pos = -1  # where in the form's order the last label found stands
    for seg in segs:
        lid = seg.hit.label_id
        inferred = False
        if lid == UNKNOWN_LABEL:
            guess = infer_label(seg.label_text, pos, form, " ".join(w.text for w in seg.words))
            if guess is None or current is None:
                continue
            lid, pos = guess
            inferred = True
        elif current is not None:
            pos = _order_pos(lid, pos, order)
        if lid == "book_no":
            continue  # page header: the book number comes from the book's metadata
        # A new entry starts at its number, or when a label it already has comes again (the
        # number itself was misread).
        restart = lid == "entry_no" or (
            lid in form.entry_starters and current is not None and lid in current
        )
        if current is None or restart:
            current = {}
            entries.append(current)
            section = form.first_section
            pos = order.index(lid) if lid in order else -1
        if lid in form.section_openers:
            section = form.section_openers[lid]
        key = _key_for(lid, section, form)
        if key is None or key in current:
            continue
        current[key] = RawField(
            key=key,
            words=trim_junk(seg.words),
            label_score=INFERRED_PENALTY if inferred else seg.hit.score,
            page=page_no,
            label_bbox=seg.label_bbox,
            inferred=inferred,
            untrimmed=list(seg.words),
        )
    for entry in entries:
        recover_line_labels(entry, form)
    return [e for e in entries if len(e) >= 3]


# A label the form prints later on the same line as a value's own, missed because OCR damaged
# it ("Chức tử:" for "Chức vụ:", "Quốc tích" for "Quốc tịch"), is looked for inside that value:
# only the labels its line should still hold, so the bar is lower than for labels anywhere.
LINE_LABEL_MIN_SCORE = 70.0  # with a colon after it
LINE_LABEL_MIN_SCORE_BARE = 84.0
LINE_LABEL_MAX_WORDS = 5


def _line_followers(key: str, form: RegisterForm) -> tuple[str, ...]:
    for line in form.lines:
        if key in line:
            return line[line.index(key) + 1 :]
    return ()


def _variants_of(key: str, form: RegisterForm) -> tuple[tuple[str, str, int], ...]:
    """A key's label variants as matched (normalised, folded, word count). The order names keys
    ("father.birth_year"); a section's label is listed under its label id ("@birth_year")."""
    by_label = variants_by_label(form)
    return by_label.get(key) or by_label.get("@" + key.split(".", 1)[-1], ())


def _best_label_span(
    words: list[Word],
    spans: Iterable[tuple[int, int]],
    wanted: tuple[str, ...],
    form: RegisterForm,
    min_score: Callable[[bool], float],
) -> tuple[str, int, int, int, float] | None:
    """The best match of a ``wanted`` key's label among word spans ``(first, last)``, each as
    many words as the variant: (key, first word, end word, characters of the end word after
    the colon, score), at least ``min_score(colon after the span)``."""
    best: tuple[str, int, int, int, float] | None = None
    for i, j in spans:
        colon, tail = colon_at(words, j)
        texts = [w.text for w in words[i : j + 1]]
        if tail:
            texts[-1] = texts[-1][: len(texts[-1]) - tail]
        span = norm_label_text(" ".join(texts))
        if not span or not any(c.isalpha() for c in span):
            continue
        need = min_score(colon)
        for key in wanted:
            for v, folded, n_words in _variants_of(key, form):
                if n_words != j + 1 - i:
                    continue
                score = label_score(span, v, folded)
                if score >= need and (best is None or score > best[4]):
                    best = (key, i, j + 1, tail, score)
    return best


def find_line_label(
    words: list[Word],
    wanted: tuple[str, ...],
    form: RegisterForm = BIRTH_FORM,
    *,
    colon_only: bool = False,
) -> tuple[str, int, int, int, float] | None:
    """The best damaged label of ``wanted`` inside a value: (key, first word, end word,
    characters of the end word after the colon, score); the value's first word is never one.
    ``colon_only``: a label of another printed line, believed only with its colon."""
    spans = (
        (i, j)
        for j in range(1, len(words))
        for i in range(max(1, j - LINE_LABEL_MAX_WORDS + 1), j + 1)
    )
    bare = 101.0 if colon_only else LINE_LABEL_MIN_SCORE_BARE
    return _best_label_span(
        words, spans, wanted, form, lambda colon: LINE_LABEL_MIN_SCORE if colon else bare
    )


def _closed_reader(key: str, form: RegisterForm) -> Callable[[str], values.Normalised] | None:
    """How a closed-list key's value is read (None for a key of free text)."""
    spec = form.spec_by_key.get(key)
    if spec is None:
        return None
    if key == "registration_kind":
        kinds = form.registration_kinds
        return lambda t: values.normalise_registration_kind(t, kinds)
    kind = form.phrase_kinds.get(key)
    if kind is not None:  # a relationship, a title: a closed list of phrases
        return lambda t: values.Normalised(reads_as(t, kind))
    if spec.type in _SELF_EVIDENT_TYPES and spec.type != FieldType.YEAR:
        ftype = spec.type
        return lambda t: values.normalise(ftype, t)
    return None


def find_label_by_value(
    words: list[Word], key: str, form: RegisterForm = BIRTH_FORM
) -> tuple[str, int, int, int, float] | None:
    """A label of ``key`` damaged past reading inside a value ("… cá. PØwl ®uny ký: Đúng
    hạn"), told by what follows its colon: a clean value of ``key``'s closed list. The label
    is taken as the colon's word and the words before it that the shortest wording has; with
    no colon read, those words must look like that wording."""
    read = _closed_reader(key, form)
    if read is None:
        return None
    variants = _variants_of(key, form)
    shortest = min((n for _, _, n in variants), default=1)
    for j in range(1, len(words)):
        colon, tail = colon_at(words, j)
        if not colon:
            # no colon read ("lu9ại đăng ký Đúng hạn"): the words before must look like it
            first = max(1, j - shortest + 1)
            head = norm_label_text(" ".join(w.text for w in words[first : j + 1]))
            if not any(
                n == shortest and label_score(head, v, folded) >= INFER_MIN_SCORE
                for v, folded, n in variants
            ):
                continue
        after = " ".join(w.text for w in words[j + 1 :])
        if tail:
            after = words[j].text[len(words[j].text) - tail :] + " " + after
        reading = read(after.strip())
        if (reading.value is None or reading.reasons) and closed_value_prefix(
            FieldType.CATEGORY, after.strip(), read
        ) is None:
            continue
        return key, _label_start(words, j, variants, shortest), j + 1, tail, INFER_MIN_SCORE
    return None


def _label_start(
    words: list[Word], j: int, variants: tuple[tuple[str, str, int], ...], shortest: int
) -> int:
    """Where a damaged label ending at word ``j`` starts: the start whose words look most like
    one of its wordings ("An I.oafdàng ký:" is "I.oafdàng ký:", the name keeps "An"); the
    shortest wording's length when none looks like one."""
    best, start = 0.0, max(1, j - shortest + 1)
    for i in range(max(1, j - LINE_LABEL_MAX_WORDS + 1), j + 1):
        span = norm_label_text(" ".join(w.text for w in words[i : j + 1]))
        score = max((label_score(span, v, folded) for v, folded, _ in variants), default=0.0)
        if score > best:
            best, start = score, i
    return start


# A wrapped value's next line may instead start with the next printed label, damaged past
# recognition ("Qu2 juín" for "Quê quán"): at a line start, where only that label can stand.
NEXT_LINE_LABEL_MIN_SCORE = 55.0


def find_next_line_label(
    words: list[Word], wanted: tuple[str, ...], form: RegisterForm = BIRTH_FORM
) -> tuple[str, int, int, int, float] | None:
    """Like ``find_line_label``, for labels at the start of a continuation line of a value
    (a word left of the one before it starts a line)."""
    spans = (
        (s, j)
        for s in range(1, len(words))
        if words[s].bbox[0] < words[s - 1].bbox[0]
        for j in range(s, min(s + LINE_LABEL_MAX_WORDS, len(words)))
    )
    return _best_label_span(words, spans, wanted, form, lambda _: NEXT_LINE_LABEL_MIN_SCORE)


def _next_in_order(key: str, entry: dict[str, RawField], form: RegisterForm) -> tuple[str, ...]:
    if key not in form.order:
        return ()
    pos = form.order.index(key)
    return tuple(k for k in form.order[pos + 1 : pos + 2] if k not in entry)


def recover_line_labels(entry: dict[str, RawField], form: RegisterForm = BIRTH_FORM) -> None:
    """Split values that swallowed a damaged label of their own printed line, or of the next
    line at a line start (see above)."""
    for key in [k for k in form.order if k in entry]:
        raw: RawField | None = entry[key]
        while raw is not None and raw.untrimmed:
            wanted = tuple(k for k in _line_followers(raw.key, form) if k not in entry)
            hit = find_line_label(raw.untrimmed, wanted, form) if wanted else None
            inferred = False
            if hit is None and not _line_followers(raw.key, form):
                following = _next_in_order(raw.key, entry, form)
                hit = find_next_line_label(raw.untrimmed, following, form) if following else None
                if hit is None and following:
                    # A press that prints the next label on this line ("Người thực hiện: …
                    # Loại đăng ký: Đúng hạn"): found by its wording before a colon, or, too
                    # damaged for that, by a closed-list value after a colon.
                    hit = find_line_label(raw.untrimmed, following, form, colon_only=True)
                    if hit is None:
                        hit = find_label_by_value(raw.untrimmed, following[0], form)
                        inferred = hit is not None
            if hit is None:
                break
            found, start, end, tail, score = hit
            words = raw.untrimmed
            rest = list(words[end:])
            if tail:
                w = words[end - 1]
                rest.insert(0, Word(w.text[len(w.text) - tail :], w.bbox, w.conf))
            raw.words = trim_junk(list(words[:start]))
            raw.untrimmed = list(words[:start])
            entry[found] = RawField(
                key=found,
                words=trim_junk(rest),
                label_score=INFERRED_PENALTY if inferred else score / 100.0,
                page=raw.page,
                label_bbox=union_bbox([w.bbox for w in words[start:end]]),
                inferred=inferred,
                untrimmed=rest,
            )
            raw = entry[found]


def _ocr_conf(words: list[Word]) -> float:
    confs = [w.conf for w in words if any(ch.isalnum() for ch in w.text)]
    return min(confs) if confs else 1.0


def _field(
    key: str,
    raw: RawField | None,
    value: str | None,
    score: float,
    reasons: list[str],
) -> FieldValue:
    if raw is None:
        return FieldValue(key=key, value=value, raw=None, confidence=score, reasons=reasons)
    conf = _ocr_conf(raw.words) * min(1.0, raw.label_score) * score
    return FieldValue(
        key=key,
        value=value,
        raw=raw.raw or None,
        confidence=round(conf, 4),
        page=raw.page,
        bbox=raw.bbox if raw.words else None,
        reasons=reasons,
    )


def normalise_entry(
    entry: dict[str, RawField], form: RegisterForm = BIRTH_FORM
) -> dict[str, FieldValue]:
    """Normalise every key of the form; an id paper's keys come from one printed value."""
    out: dict[str, FieldValue] = {}
    no = entry.get("entry_no")
    digits = "".join(ch for ch in no.raw if ch.isdigit()) if no else ""
    out["entry_no"] = _field(
        "entry_no", no, digits or None, 1.0, [] if digits else ["entry_no_unreadable"]
    )
    id_doc_keys = {k for group in form.id_doc_groups for k in group}
    for spec in form.fields:
        key = spec.key
        if key in id_doc_keys:
            continue
        raw = entry.get(key)
        if raw is None:
            out[key] = FieldValue(key=key, value=None, confidence=0.0, reasons=["label_not_found"])
            continue
        text = raw.raw
        fixes: list[str] = ["label_inferred"] if raw.inferred else []
        if spec.type in CASE_REPAIRED:
            text, digit_fixed = fix_word_digits(text, is_valid_syllable)
            text, vowel_fixed = collapse_doubled_vowels(text)
            fixes += [DIGIT_FIX_REASON[spec.type]] if digit_fixed or vowel_fixed else []
            if spec.type == FieldType.PLACE:
                text = _MARK_BETWEEN_WORDS.sub("", text)  # "Thanh: Hóa", "Vĩnh: Phúc"
        if spec.type == FieldType.NAME:
            # Before case repair: the case the name was typed in tells its words from strays.
            trimmed = drop_name_tail(text)
            if trimmed is not None:
                text = trimmed
                fixes.append("name_trailing_dropped")
            # marks between name words ("NGUYÊN: BÍCH HỒNG") would hide the surname
            text = _MARK_AFTER_WORD.sub("", text)
        if spec.type in CASE_REPAIRED:
            text, recased = repair_case(text)
            if spec.type == FieldType.PLACE:
                text, unit_cased = match_unit_word_case(text)
                text, street_cased = capitalise_street_names(text)
                recased = recased or unit_cased or street_cased
            fixes += ["case_corrected"] if recased else []
        if spec.type == FieldType.NAME:
            text, capitalised = capitalise_name_words(text)
            fixes += ["case_corrected"] if capitalised and "case_corrected" not in fixes else []
            repaired = repair_syllables(text)
            if repaired is not None:
                text = repaired
                fixes.append("name_ocr_fixed")
            text, fixed = fix_name_digits(text)
            fixes += ["name_ocr_fixed"] if fixed and "name_ocr_fixed" not in fixes else []
            snapped_surname = snap_surname(text)
            if snapped_surname is not None:
                text = snapped_surname
                fixes.append("name_surname_corrected")
            snapped_syllables = snap_unusual(text)
            if snapped_syllables is not None:
                text = snapped_syllables
                fixes.append("name_syllable_corrected")
            if unusual_syllables(text):
                fixes.append("name_syllable_unusual")
        if spec.type == FieldType.DATE_WORDS:
            # No Vietnamese word starts with a doubled letter: "Llăm" is "lăm" read twice.
            undoubled = _DOUBLED_INITIAL.sub(r"\1", text)
            if undoubled != text:
                text = undoubled
                fixes.append("date_words_ocr_fixed")
        read: Callable[[str], values.Normalised] | None = None
        if spec.type == FieldType.CATEGORY and key == "registration_kind":
            kinds = form.registration_kinds

            def read(t: str, kinds: Mapping[str, tuple[str, ...]] = kinds) -> values.Normalised:
                return values.normalise_registration_kind(t, kinds)

            n = read(text)
        else:
            n = values.normalise(spec.type, text)
        if (spec.type in _SELF_EVIDENT_TYPES or read is not None) and (
            n.value is None or n.reasons
        ):
            head = closed_value_prefix(spec.type, text, read)
            if head is not None:
                n = head
                fixes.append("value_trailing_dropped")
        if n.value is not None and (
            (key == "notes" and is_only_specks(n.value))
            or (spec.type in SPECKS_BLANK_TYPES and is_only_marks(n.value))
        ):
            n = values.normalise(spec.type, "")  # "- l", "l l l": a blank line and specks
            fixes.append("value_trailing_dropped")
        value, score = n.value, n.score
        for fix in fixes:
            score *= FIX_PENALTIES.get(fix, 1.0)
        if key in form.phrase_kinds and value:
            value, factor, reason = snap_closed_list(key, value, form.phrase_kinds[key])
            score *= factor
            fixes += [reason] if reason else []
        out[key] = _field(key, raw, value, score, [*n.reasons, *fixes])
    for doc_keys in form.id_doc_groups:
        doc = entry.get(doc_keys[0])
        if doc is None:
            for k in doc_keys:
                out[k] = FieldValue(key=k, value=None, confidence=0.0, reasons=["label_not_found"])
            continue
        parsed = values.parse_id_doc(doc.raw)
        for k, v in zip(doc_keys, parsed[:4][: len(doc_keys)], strict=True):
            # The id paper's reasons name their part (``id_doc_no_…``); each goes to its key.
            part = k.split(".", 1)[1]
            reasons = [r for r in parsed[4] if r.startswith(part)]
            score = 1.0 if not reasons else 0.5
            if k in form.phrase_kinds and v:
                v, factor, reason = snap_closed_list(k, v, form.phrase_kinds[k])
                score *= factor
                reasons += [reason] if reason else []
            out[k] = _field(k, doc, v, score, reasons)
    return {k: out[k] for k in ("entry_no", *form.keys)}  # in the form's order


# A name syllable that is an accent variant of a usual one: most often a misread diacritic.
UNUSUAL_NAME_PENALTY = 0.7
SURNAME_FIXED_PENALTY = 0.85
CASE_FIXED_PENALTY = 0.9
CASE_REPAIRED = (FieldType.NAME, FieldType.PLACE, FieldType.TEXT)
DIGIT_FIX_REASON = {
    FieldType.NAME: "name_ocr_fixed",
    FieldType.PLACE: "place_ocr_fixed",
    FieldType.TEXT: "text_ocr_fixed",
}

TRAILING_DROPPED_PENALTY = 0.9
# How much each correction made before normalising lowers a field's confidence.
FIX_PENALTIES = {
    "name_syllable_unusual": UNUSUAL_NAME_PENALTY,
    "name_surname_corrected": SURNAME_FIXED_PENALTY,
    "name_syllable_corrected": UNUSUAL_NAME_PENALTY,
    "case_corrected": CASE_FIXED_PENALTY,
    "name_trailing_dropped": TRAILING_DROPPED_PENALTY,
    "value_trailing_dropped": TRAILING_DROPPED_PENALTY,
    "place_ocr_fixed": CASE_FIXED_PENALTY,
    "text_ocr_fixed": CASE_FIXED_PENALTY,
}

PHRASE_KEYS = {
    "declarant.relationship": "relationship",
    "signer.title": "title",
    "declarant.id_doc_issuer": "issuer",
}


def snap_closed_list(
    key: str, value: str, kind: str | None = None
) -> tuple[str, float, str | None]:
    """A closed-list value (relationship, title, issuer) snapped to its phrase, or the phrase it
    starts with when only stray words (signature strokes, a stamp) follow; with the confidence
    factor and the reason to record, or the value unchanged. ``kind``: the phrase list (by
    default the birth form's for ``key``)."""
    kind = kind or PHRASE_KEYS[key]
    snapped = snap_phrase(value, kind)
    if snapped.changed:
        return snapped.value, snapped.score, "phrase_corrected"
    head = phrase_prefix(value, kind)
    if head is not None:
        return head, TRAILING_DROPPED_PENALTY, "phrase_trailing_corrected"
    within = phrase_within(value, kind)
    if within is not None and within != value:  # a phrase read as it is needs no correction
        return within, TRAILING_DROPPED_PENALTY, "phrase_trailing_corrected"
    return value, 1.0, None


def fix_name_digits(text: str) -> tuple[str, bool]:
    """A 0 inside a word of letters is an O (names hold no digits): ``0anh`` → ``Oanh``."""
    words = text.split()
    changed = False
    for i, w in enumerate(words):
        if "0" in w and any(ch.isalpha() for ch in w):
            letters = [ch for ch in w if ch.isalpha()]
            upper = all(ch.isupper() for ch in letters) or w.startswith("0")
            words[i] = "".join(
                ("O" if (upper and (j == 0 or w.isupper())) or j == 0 else "o") if ch == "0" else ch
                for j, ch in enumerate(w)
            )
            changed = True
    return " ".join(words), changed


# Reasons that record an automatic correction: they lower the confidence (values.PENALTIES) and
# tell the reviewer what was changed, but on their own do not send a field to review; the
# calibrated threshold decides. Every other reason is a failed check and always does.
SOFT_REASON_SUFFIXES = ("_accent_fixed", "_fuzzy_match", "_corrected", "_ocr_fixed")


# ``low_confidence`` names why an unflagged field was not accepted: under its type's threshold.
SOFT_REASONS = frozenset(
    {
        "name_syllable_unusual",
        "low_confidence",
        "date_from_words",
        "date_from_digits",
        "label_inferred",
        "name_trailing_dropped",
        "value_trailing_dropped",
    }
)


def is_soft_reason(reason: str) -> bool:
    return (
        reason in values.PENALTIES
        or reason in SOFT_REASONS
        or reason.endswith(SOFT_REASON_SUFFIXES)
    )


def has_hard_reason(f: FieldValue) -> bool:
    return any(not is_soft_reason(r) for r in f.reasons)


def score_and_decide(
    fields: dict[str, FieldValue],
    thresholds: Thresholds,
    condition: str | None = None,
    form: RegisterForm = BIRTH_FORM,
) -> None:
    """Set each field's status: accepted only when confident enough for its type (on a page of
    this condition) and unflagged."""
    for key, f in fields.items():
        spec = form.spec_by_key.get(key)
        ftype = spec.type.value if spec else "text"
        limit = thresholds.for_key(key, ftype, condition)
        hard = has_hard_reason(f)
        ok = not hard and f.confidence >= limit
        f.status = FieldStatus.ACCEPTED if ok else FieldStatus.NEEDS_REVIEW
        if not ok and not hard and "low_confidence" not in f.reasons:
            f.reasons.append("low_confidence")


def form_thresholds(form: RegisterForm, thresholds: Thresholds | None = None) -> Thresholds:
    """The thresholds given, else the register's calibrated ones (both layouts use them)."""
    return thresholds or load_thresholds(THRESHOLDS_FILE.parent / form.thresholds_file)


def extract_page(
    page: PageText,
    page_no: int,
    ctx: BookContext,
    *,
    thresholds: Thresholds | None = None,
) -> list[RecordResult]:
    form = form_for(ctx.register_type)
    th = form_thresholds(form, thresholds)
    entries = group_entries(segments(visual_lines(page), form), page_no, form)
    condition = page_condition(mean_conf(page))
    records = []
    for entry in entries:
        fields = normalise_entry(entry, form)
        entry_no = fields.pop("entry_no", None)
        check_record(
            fields,
            form.register_type,
            book_year=ctx.year,
            authority=ctx.registration_authority,
        )
        score_and_decide(fields, th, condition, form)
        records.append(
            RecordResult(
                register_type=ctx.register_type,
                book_no=ctx.book_no,
                entry_no=entry_no.value if entry_no else None,
                registration_authority=ctx.registration_authority,
                pages=[page_no],
                fields=fields,
            )
        )
    return records


def registration_year(fields: dict[str, FieldValue]) -> int | None:
    v = fields.get("registration_date")
    if v and v.value:
        try:
            return date.fromisoformat(v.value).year
        except ValueError:
            return None
    return None
