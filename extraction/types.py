"""A field with its provenance, and a record of fields: one type from extraction to review."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

BBox = tuple[int, int, int, int]  # pixels, top-left origin (see ocr.types)


class FieldStatus(StrEnum):
    ACCEPTED = "accepted"
    NEEDS_REVIEW = "needs_review"


class RegisterType(StrEnum):
    BIRTH = "birth"
    MARRIAGE = "marriage"
    DEATH = "death"


class FieldValue(BaseModel):
    """One field of one record, as extracted.

    ``value`` is normalised as in ``truth.jsonl`` (ISO dates, category codes, canonical ethnicity,
    ``None`` for blank); ``raw`` is the text as read on the page.
    """

    key: str
    value: str | None
    raw: str | None = None
    confidence: float = 0.0
    page: int | None = None  # 1-based page number in the book
    bbox: BBox | None = None
    status: FieldStatus = FieldStatus.NEEDS_REVIEW
    reasons: list[str] = Field(default_factory=list)
    # A structured reading of a free-text value (notes: kind, decision_no, decision_date, …;
    # see extraction.notes_nlp); never exported, the value stays as written.
    parsed: dict[str, str] | None = None


class RecordResult(BaseModel):
    register_type: RegisterType
    book_no: str
    entry_no: str | None
    registration_authority: str
    pages: list[int]
    fields: dict[str, FieldValue]

    @property
    def status(self) -> FieldStatus:
        if all(f.status == FieldStatus.ACCEPTED for f in self.fields.values()):
            return FieldStatus.ACCEPTED
        return FieldStatus.NEEDS_REVIEW
