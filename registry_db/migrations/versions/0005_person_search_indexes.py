"""Indexes for person search on a national-size registry: exact spellings of linked mentions
(btree) and, on PostgreSQL, the birth year and the folded name in one GIN index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

``registry_db.queries.search_persons`` looks for exact spellings first (a btree range on
``(name_folded, person_id)``, in person order) and asks for trigram matches only when those do
not fill the answer. With a year (or date) of birth, the year and the trigrams are one GIN
index on PostgreSQL (``btree_gin`` for the integer; a trusted extension since PostgreSQL 13),
so a common name in a given year costs the year's rows, not the name's (a plain index on
SQLite). Both are partial: only linked mentions are searched. Downgrading leaves the
extension in place (others may use it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKED = "person_id IS NOT NULL"
TRGM_SCHEMA_SQL = (
    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
    "WHERE e.extname = 'pg_trgm'"
)


def upgrade() -> None:
    op.create_index(
        "ix_person_mention_name_exact",
        "person_mention",
        ["name_folded", "person_id"],
        postgresql_where=sa.text(LINKED),
        sqlite_where=sa.text(LINKED),
    )
    ops = {}
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        trgm_schema = op.get_bind().scalar(sa.text(TRGM_SCHEMA_SQL))
        ops = {"name_folded": f'"{trgm_schema}".gin_trgm_ops'}
    op.create_index(  # a plain index on SQLite
        "ix_person_mention_year_name",
        "person_mention",
        ["birth_year", "name_folded"],
        postgresql_using="gin",
        postgresql_ops=ops,
        postgresql_where=sa.text(LINKED),
        sqlite_where=sa.text(LINKED),
    )


def downgrade() -> None:
    op.drop_index("ix_person_mention_year_name", table_name="person_mention")
    op.drop_index("ix_person_mention_name_exact", table_name="person_mention")
