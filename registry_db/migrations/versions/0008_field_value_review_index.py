"""Field values: one small index of those needing review instead of two on every row.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

``ix_field_value_status`` indexed every field value by a column of two values, and
``ix_field_value_key`` by one of about forty keys: no query reads either (a record's fields come
by ``uq_field_value_record_id_key``, person look-ups by ``ix_field_value_person_lookup``; 0 scans
in ``pg_stat_user_indexes`` after the benchmarks on a million persons), yet every loaded field
value paid for both. What the
review queue and book summaries ask is "which fields of these records need review": a partial
index of ``record_id`` over the fields needing review (about a tenth of them) answers that and
stays small.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEEDS_REVIEW = "status = 'needs_review'"


def upgrade() -> None:
    op.drop_index("ix_field_value_key", table_name="field_value")
    op.drop_index("ix_field_value_status", table_name="field_value")
    op.create_index(
        "ix_field_value_needs_review",
        "field_value",
        ["record_id"],
        postgresql_where=sa.text(NEEDS_REVIEW),
        sqlite_where=sa.text(NEEDS_REVIEW),
    )


def downgrade() -> None:
    op.drop_index("ix_field_value_needs_review", table_name="field_value")
    op.create_index("ix_field_value_status", "field_value", ["status"])
    op.create_index("ix_field_value_key", "field_value", ["key"])
