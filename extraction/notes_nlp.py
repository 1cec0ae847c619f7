"""Free text of the registers read with spaCy rules: the notes column, identity papers, relations.

A blank Vietnamese spaCy pipeline (``spacy.blank("vi")`` with ``use_pyvi`` off: no model, no
network) gets this module's tokenizer (words, numbers with their ``/``, ``-``, ``.`` kept
together: ``12/QĐ-UBND``, ``05/6/2018``) and an ``EntityRuler`` whose patterns mark:

- ``NOTE_KIND`` — a later change to the record: ``cải chính`` (correction), ``bổ sung``
  (addition), ``thay đổi`` (change), ``xác định lại`` (re-determination, of ethnicity or sex),
  and ``cấp … bản sao`` (copies issued);
- ``DECISION`` — ``Quyết định số 12/QĐ-UBND`` / ``QĐ số …`` / a number with ``/QĐ``;
- ``DATE`` — ``ngày 05/6/2018`` or ``ngày 5 tháng 6 năm 2018``;
- ``FIELD`` — what changed: ``họ, chữ đệm, tên``, ``tên đệm``, ``ngày sinh``, ``quê quán``, …;
- ``ID_DOC`` — an identity paper: ``CCCD số … do … cấp ngày …`` (read by
  ``values.parse_id_doc``);
- ``RELATION`` — a declarant's relation (``cha đẻ``, ``bà ngoại``, ``người được ủy quyền``…).

``parse_note`` turns one note into a ``NoteParse`` (kind, decision number and date, the field
and its old and new values, copies, identity paper, relation); ``parse_notes`` reads a cell
that holds several notes (``;`` or sentences). ``annotate_notes`` puts the reading of a
record's ``notes`` into ``FieldValue.parsed`` without touching the value, and flags a decision
dated before the registration (``notes_decision_before_registration``) or a date in a note that
cannot be read (``notes_date_unreadable``).

Runs offline; spaCy is imported on first use (≈ 2 s), not when ``extraction`` is imported.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from extraction.dates import read_date_digits, read_date_words
from extraction.phrases import DEATH_RELATIONSHIPS, RELATIONSHIPS
from extraction.text import clean_text, fold_accents, is_blank
from extraction.types import FieldValue

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

# Kinds of note: code → wordings (lower case; accent-free forms are added).
NOTE_KINDS: dict[str, tuple[str, ...]] = {
    "cai_chinh": ("cải chính",),
    "bo_sung": ("bổ sung",),
    "thay_doi": ("thay đổi",),
    "xac_dinh_lai": ("xác định lại",),
    "ghi_chu_ly_hon": ("ghi chú ly hôn", "ly hôn"),
    "nhan_cha_me_con": ("nhận cha, con", "nhận cha con", "nhận mẹ, con", "nhận mẹ con"),
}

# What a note changes: attribute → wordings. The register decides whose attribute it is.
NOTE_FIELDS: dict[str, tuple[str, ...]] = {
    "full_name": ("họ, chữ đệm, tên", "họ, chữ đệm và tên", "họ và tên", "họ tên", "họ, tên"),
    "middle_name": ("tên đệm", "chữ đệm"),
    "surname": ("họ",),
    "given_name": ("tên",),
    "date_of_birth": ("ngày, tháng, năm sinh", "ngày tháng năm sinh", "ngày sinh", "năm sinh"),
    "place_of_birth": ("nơi sinh",),
    "home_town": ("quê quán",),
    "ethnicity": ("dân tộc",),
    "nationality": ("quốc tịch",),
    "sex": ("giới tính",),
    "residence": ("nơi cư trú", "nơi thường trú", "địa chỉ"),
    "personal_id": ("số định danh cá nhân", "số định danh"),
}
# Whose attribute a note names ("họ tên cha"), and the register's own person.
NOTE_ROLES: dict[str, tuple[str, ...]] = {
    "mother": ("mẹ", "người mẹ"),
    "father": ("cha", "bố", "người cha"),
    "wife": ("vợ", "bên vợ"),
    "husband": ("chồng", "bên chồng"),
}
SUBJECT_ROLE = {"birth": "child", "death": "deceased"}
NAME_PARTS = ("middle_name", "surname", "given_name")

ID_DOC_WORDS: tuple[str, ...] = (
    "căn cước công dân",
    "thẻ căn cước công dân",
    "thẻ căn cước",
    "chứng minh nhân dân",
    "giấy chứng minh nhân dân",
    "hộ chiếu",
    "cccd",
    "cmnd",
    "cmtnd",
    "cmt",
)

_TOKEN_RE = re.compile(r"\w+(?:[/\-.]\w+)*|\S")
_DATE_DIGITS_RE = r"^\d{1,2}[/\-.]\d{1,2}[/\-.]\d{2,4}$"
_DECISION_NO_RE = r"^\d+[\w/\-.]*$"


@dataclass(frozen=True)
class IdPaper:
    """An identity paper named in free text."""

    doc_type: str | None  # forms.ID_DOC_TYPES code
    number: str | None
    issuer: str | None
    issue_date: str | None  # ISO


@dataclass(frozen=True)
class NoteParse:
    """The structured reading of one note; every part is None when the note does not say."""

    text: str
    kind: str | None = None  # NOTE_KINDS code, "cap_ban_sao"/"cap_ban_chinh": papers issued
    field: str | None = None  # the record key changed, e.g. "child.full_name"
    field_part: str | None = None  # for a name: "middle_name", "surname", "given_name"
    old_value: str | None = None
    new_value: str | None = None
    decision_no: str | None = None
    decision_date: str | None = None  # ISO
    issuer: str | None = None  # who decided ("UBND quận Long Biên")
    copies: int | None = None
    id_doc: IdPaper | None = None
    relation: str | None = None
    unreadable_dates: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, str]:
        """The parts found, as strings (for ``FieldValue.parsed``)."""
        out: dict[str, str] = {}
        for k, v in asdict(self).items():
            if k in ("text", "unreadable_dates") or v is None:
                continue
            if isinstance(v, dict):
                out.update({f"id_doc_{kk}": str(vv) for kk, vv in v.items() if vv is not None})
            else:
                out[k] = str(v)
        return out


# --------------------------------------------------------------------------------------------
# Pipeline
# --------------------------------------------------------------------------------------------


def _words(phrase: str) -> list[str]:
    return _TOKEN_RE.findall(phrase.lower())


def _lower_patterns(phrase: str) -> list[list[dict[str, Any]]]:
    """Token patterns for a phrase, as written and without accents."""
    out = [[{"LOWER": w} for w in _words(phrase)]]
    folded = [{"LOWER": w} for w in _words(fold_accents(phrase))]
    if folded != out[0]:
        out.append(folded)
    return out


def _patterns() -> list[dict[str, Any]]:
    pats: list[dict[str, Any]] = []

    def add(label: str, ident: str, pattern: list[dict[str, Any]]) -> None:
        pats.append({"label": label, "id": ident, "pattern": pattern})

    for code, wordings in NOTE_KINDS.items():
        for w in wordings:
            for p in _lower_patterns(w):
                add("NOTE_KIND", code, p)
    # "Cấp 02 bản sao …", "Đã cấp Giấy khai sinh bản chính": up to four words between.
    between = [{"IS_ALPHA": True, "OP": "?"}] * 4
    for word in ("cấp", "cap"):
        for copy in ("bản", "ban"):
            for ident, last in (("cap_ban_sao", ["sao"]), ("cap_ban_chinh", ["chính", "chinh"])):
                add(
                    "NOTE_KIND",
                    ident,
                    [{"LOWER": word}, {"LIKE_NUM": True, "OP": "?"}, *between,
                     {"LOWER": copy}, {"LOWER": {"IN": last}}],
                )  # fmt: skip
    for attr, wordings in NOTE_FIELDS.items():
        for w in wordings:
            for p in _lower_patterns(w):
                add("FIELD", attr, p)
    decision: list[dict[str, Any]] = [
        {"LOWER": {"IN": ["quyết", "quyet"]}},
        {"LOWER": {"IN": ["định", "dinh"]}},
    ]
    qd: list[dict[str, Any]] = [{"LOWER": {"IN": ["qđ", "qd"]}}]
    number: list[dict[str, Any]] = [
        {"LOWER": {"IN": ["số", "so"]}, "OP": "?"},
        {"TEXT": {"REGEX": _DECISION_NO_RE}},
    ]
    add("DECISION", "decision", decision + number)
    add("DECISION", "decision", qd + number)
    add("DECISION", "decision", [{"LOWER": {"IN": ["số", "so"]}}, {"TEXT": {"REGEX": r"/Q[ĐD]"}}])
    day = {"LOWER": {"IN": ["ngày", "ngay"]}}
    add("DATE", "date", [day, {"TEXT": {"REGEX": _DATE_DIGITS_RE}}])
    add(
        "DATE",
        "date",
        [day, {"LIKE_NUM": True}, {"LOWER": {"IN": ["tháng", "thang"]}}, {"LIKE_NUM": True},
         {"LOWER": {"IN": ["năm", "nam"]}}, {"LIKE_NUM": True}],
    )  # fmt: skip
    for w in ID_DOC_WORDS:
        for p in _lower_patterns(w):
            add("ID_DOC", "id_doc", [*p, {"LOWER": {"IN": ["số", "so", ":"]}, "OP": "?"},
                                     {"TEXT": {"REGEX": r"^[A-Za-z]?\d{6,}$"}}])  # fmt: skip
    for rel in dict.fromkeys((*RELATIONSHIPS, *DEATH_RELATIONSHIPS)):
        if rel.lower().startswith("là "):
            continue
        for p in _lower_patterns(rel):
            add("RELATION", rel[:1].upper() + rel[1:], p)
    return pats


class _Tokenizer:
    """Words and numbers (``12/QĐ-UBND``, ``05/6/2018`` kept whole), punctuation apart."""

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        for m in _TOKEN_RE.finditer(text):
            tok = m.group(0)
            # a full stop after a word ends a sentence: "Biên." → "Biên", "."
            if len(tok) > 1 and tok.endswith(".") and not tok[-2].isdigit():
                words += [tok[:-1], "."]
                spaces += [False, m.end() < len(text) and text[m.end()] == " "]
                continue
            words.append(tok)
            spaces.append(m.end() < len(text) and text[m.end()] == " ")
        return Doc(self.vocab, words=words, spaces=spaces)


@cache
def pipeline() -> Language:
    """The blank Vietnamese pipeline with the rules (built once per process)."""
    import spacy

    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.tokenizer = _Tokenizer(nlp.vocab)
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(_patterns())  # type: ignore[attr-defined]
    return nlp


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

_SPLIT_RE = re.compile(r";\s*|(?<=[^\d\s])\.\s+(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ])")
_QUOTES = "\"'“”‘’«»"
_END = r"(?=\s*(?:[,;(]|\btheo\b|\bcăn cứ\b|\btại\b|$))"
_OLD_NEW_RE = re.compile(
    r"\btừ\s*:?\s*(?P<old>.+?)\s+(?:thành|sang|là)\s*:?\s*(?P<new>.+?)" + _END, re.I
)
# The same in a note written without accents (only then: "Thanh" is a name in one with them).
_OLD_NEW_FOLDED_RE = re.compile(
    r"\btu\s*:?\s*(?P<old>.+?)\s+(?:thanh|sang|la)\s*:?\s*(?P<new>.+?)"
    r"(?=\s*(?:[,;(]|\btheo\b|\bcan cu\b|\btai\b|$))",
    re.I,
)
_ISSUER_RE = re.compile(
    r"\b(?:của|do|cua)\s+(?P<who>(?:UBND|Ủy ban|Uỷ ban|Chủ tịch|Sở|Tòa án|Toà án|Bộ|Cục)"
    r"[^,;()]*?)(?=\s*(?:[,;()]|\bcấp\b|\bngày\b|$))",
)
_DATE_WORDS_RE = re.compile(
    r"\b(?:ngày|ngay)\s+(?:[^\W\d_]+\s+){1,4}(?:tháng|thang)\s+(?:[^\W\d_]+\s+){1,3}"
    r"(?:năm|nam)(?:\s+[^\W\d_]+){1,9}",
    re.I,
)
# Words before a relation that make it the declarant's ("(bà ngoại)", "là mẹ đẻ", "quan hệ: …").
_RELATION_LEADS = frozenset(("(", "là", "la", ":", "hệ", "he"))


def _date_of(span: Span) -> str | None:
    text = span.text
    d = read_date_digits(text) or read_date_words(text)
    return d.value.isoformat() if d else None


def _role_after(doc: Doc, end: int) -> str | None:
    """``họ tên cha`` / ``của mẹ``: the person named just after a FIELD."""
    words = [t.lower_ for t in doc[end : end + 3]]
    if words[:1] == ["của"]:
        words = words[1:]
    for role, wordings in NOTE_ROLES.items():
        for w in wordings:
            if words[: len(w.split())] == w.split():
                return role
    return None


def parse_note(text: str, register_type: str = "birth") -> NoteParse:
    """Read one note (see the module docstring); parts the note does not name stay None."""
    from extraction.values import parse_id_doc

    clean = clean_text(text)
    doc = pipeline()(clean)
    parts: dict[str, Any] = {}
    unreadable: list[str] = []
    for ent in doc.ents:
        label, ident = ent.label_, ent.ent_id_
        if label == "NOTE_KIND" and "kind" not in parts:
            parts["kind"] = ident
            if ident in ("cap_ban_sao", "cap_ban_chinh"):
                nums = [t.text for t in ent if t.like_num]
                if nums and nums[0].isdigit():
                    parts["copies"] = int(nums[0])
        elif label == "FIELD" and "field_attr" not in parts:
            parts["field_attr"] = ident
            parts["role"] = _role_after(doc, ent.end)
        elif label == "DECISION" and "decision_no" not in parts:
            parts["decision_no"] = ent[-1].text
            m = _ISSUER_RE.search(doc[ent.end :].text)
            if m:
                parts["issuer"] = m.group("who").strip()
        elif label == "DATE":
            iso = _date_of(ent)
            if iso is None:
                unreadable.append(ent.text)
            elif "decision_no" in parts and "decision_date" not in parts:
                parts["decision_date"] = iso
            elif "date" not in parts:
                parts["date"] = iso
        elif label == "ID_DOC" and "id_doc" not in parts:
            rest = doc[ent.start :]
            cut = next((t.i for t in rest if t.text in ";()"), len(doc))
            paper = parse_id_doc(doc[ent.start : cut].text)
            parts["id_doc"] = IdPaper(paper.doc_type, paper.doc_no, paper.issuer, paper.issue_date)
        elif label == "RELATION" and "relation" not in parts:
            alone = ent.start == 0 and ent.end == len(doc)
            if alone or (ent.start > 0 and doc[ent.start - 1].lower_ in _RELATION_LEADS):
                parts["relation"] = ident
    if "decision_date" not in parts and "date" not in parts:
        # a date written in words: "ngày mười lăm tháng ba năm hai nghìn không trăm mười tám"
        w = _DATE_WORDS_RE.search(clean)
        reading = read_date_words(w.group(0)) if w else None
        if reading is not None:
            parts["date"] = reading.value.isoformat()
    # a decision's date written before its number ("theo Quyết định ngày … số …")
    if "decision_no" in parts and "decision_date" not in parts and "date" in parts:
        parts["decision_date"] = parts.pop("date")
    m = (_OLD_NEW_FOLDED_RE if fold_accents(clean) == clean else _OLD_NEW_RE).search(clean)
    old = new = None
    if m:
        old, new = m.group("old").strip(_QUOTES + " :"), m.group("new").strip(_QUOTES + " .")
    field, field_part = _field_key(parts.get("field_attr"), parts.get("role"), register_type)
    return NoteParse(
        text=clean,
        kind=parts.get("kind"),
        field=field,
        field_part=field_part,
        old_value=old or None,
        new_value=new or None,
        decision_no=parts.get("decision_no"),
        decision_date=parts.get("decision_date"),
        issuer=parts.get("issuer"),
        copies=parts.get("copies"),
        id_doc=parts.get("id_doc"),
        relation=parts.get("relation"),
        unreadable_dates=tuple(unreadable),
    )


def _field_key(
    attr: str | None, role: str | None, register_type: str
) -> tuple[str | None, str | None]:
    """(record key, name part) of a note's FIELD: ``tên đệm`` in a birth book is the child's
    ``full_name`` (part ``middle_name``); ``họ tên cha`` is ``father.full_name``."""
    if attr is None:
        return None, None
    part = attr if attr in NAME_PARTS else None
    key_attr = "full_name" if part else attr
    who = role or SUBJECT_ROLE.get(register_type)
    if who is None:
        return None, part  # a marriage note that does not say which spouse
    return f"{who}.{key_attr}", part


def parse_notes(text: str | None, register_type: str = "birth") -> list[NoteParse]:
    """Every note in a cell (split at ``;`` and between sentences); blank → []."""
    if text is None or is_blank(text):
        return []
    pieces = [p.strip(" .") for p in _SPLIT_RE.split(clean_text(text))]
    return [parse_note(p, register_type) for p in pieces if p]


def primary_note(notes: list[NoteParse]) -> NoteParse | None:
    """The note that changes the record (a correction, an addition…), else the first one."""
    for n in notes:
        if n.kind not in (None, "cap_ban_sao", "cap_ban_chinh"):
            return n
    return notes[0] if notes else None


def annotate_notes(
    fields: dict[str, FieldValue], register_type: str, registration: date | None = None
) -> NoteParse | None:
    """Put the reading of ``fields["notes"]`` into its ``parsed`` (the value stays as it is) and
    flag what does not fit: a decision dated before ``registration``, a date not readable."""
    f = fields.get("notes")
    if f is None or not f.value:
        return None
    notes = parse_notes(f.value, register_type)
    main = primary_note(notes)
    if main is None:
        return None
    f.parsed = main.as_dict()
    reasons: list[str] = []
    if any(n.unreadable_dates for n in notes):
        reasons.append("notes_date_unreadable")
    for n in notes:
        if n.decision_date and registration and date.fromisoformat(n.decision_date) < registration:
            reasons.append("notes_decision_before_registration")
    for r in dict.fromkeys(reasons):
        if r not in f.reasons:
            f.reasons.append(r)
    return main
