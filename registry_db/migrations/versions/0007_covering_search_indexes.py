"""Person search reads a name's mentions from the index alone (PostgreSQL).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

The btree indexes of migration 0005 found a name's linked mentions, but the name as written (and
the date of birth) came from the table, one random page a mention: a common name's hundred
mentions cost most of a search on a million persons. Here both indexes also carry those columns
(``INCLUDE``), so the search is an index-only scan. SQLite has no ``INCLUDE``: its indexes stay.
Rebuilding takes a few seconds on two million mentions and blocks writes to ``person_mention``
meanwhile (run it outside loading hours on a large registry).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKED = "person_id IS NOT NULL"
INDEXES = {
    "ix_person_mention_name_exact": (["name_folded", "person_id"], ["full_name"]),
    "ix_person_mention_name_year": (
        ["name_folded", "birth_year", "person_id"],
        ["full_name", "date_of_birth"],
    ),
}


def _rebuild(include: bool) -> None:
    for name, (columns, extra) in INDEXES.items():
        op.drop_index(name, table_name="person_mention")
        op.create_index(
            name,
            "person_mention",
            columns,
            postgresql_where=sa.text(LINKED),
            postgresql_include=extra if include else [],
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _rebuild(include=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _rebuild(include=False)
