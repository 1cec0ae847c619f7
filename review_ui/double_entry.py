"""Double entry: the fields that matter most (names, dates, personal numbers), when the pipeline
read them with low confidence, are keyed by two reviewers, the second blind (seeing the image
only); agreement saves the field, a disagreement goes to a supervisor.

How a field appears on the review screen for the person looking at it:

- ``normal``: reviewed as any field;
- ``first``: its first keying (the reviewer sees the page as for any field);
- ``blind``: keyed once by someone else; this reviewer keys it without seeing that value, the
  OCR text or the value read;
- ``mine``: this reviewer keyed it first and waits for a second;
- ``supervisor``: the keyings disagree; a supervisor decides.
"""

from __future__ import annotations

from extraction.forms import SPEC_BY_KEY, FieldType
from extraction.types import FieldStatus
from registry_db.models import DoubleEntry, DoubleEntryState, FieldSource, FieldValueRow

KEY_TYPES = frozenset({FieldType.NAME, FieldType.DATE, FieldType.PERSONAL_ID})


def needs_double_entry(row: FieldValueRow, below: float) -> bool:
    """An important field, still as the pipeline read it, doubtful and read with low confidence."""
    spec = SPEC_BY_KEY.get(row.key)
    return (
        spec is not None
        and spec.type in KEY_TYPES
        and row.status is FieldStatus.NEEDS_REVIEW
        and row.source is not FieldSource.REVIEWER
        and row.confidence < below
    )


def mode(row: FieldValueRow, entry: DoubleEntry | None, username: str, below: float) -> str:
    if entry is None:
        return "first" if needs_double_entry(row, below) else "normal"
    if entry.state is DoubleEntryState.DISAGREED:
        return "supervisor"
    return "mine" if entry.first_by == username else "blind"


ACTIONABLE = frozenset({"normal", "first", "blind"})
