"""Person search on a national-size registry: the folded names written (with their birth
years) as a table of their own, and btree indexes for a name's linked mentions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

``registry_db.queries.search_persons`` scores names, not mentions: a registry of two million
mentions writes a quarter of a million distinct names, and trigram similarity depends only on
a name's words. ``person_name_year`` holds every (folded name, birth year) a mention was ever
written with (0: no year): append-only, filled from ``person_mention`` by statement triggers on
PostgreSQL (transition tables), so the search's in-memory index of names learns a new name by
reading rows past the last id it saw. A pair that no mention has any more stays (the search
checks mentions anyway). On SQLite the table is created but not filled: search computes the
similarity in Python there.

The mentions of one name are then read by the btree indexes ``(name_folded, person_id)`` (in
person order) and ``(name_folded, birth_year, person_id)``, both partial to linked mentions.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKED = "person_id IS NOT NULL"

ADD_NAMES = """
CREATE FUNCTION person_name_year_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO person_name_year (name_folded, birth_year)
    SELECT DISTINCT name_folded, coalesce(birth_year, 0) FROM new_rows
    WHERE name_folded IS NOT NULL
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$
"""
TRIGGERS = ("INSERT", "UPDATE")  # one trigger each: a transition table allows one event


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "person_name_year",
        sa.Column("id", _id(), nullable=False),
        sa.Column("name_folded", sa.String(length=255), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_name_year")),
        sa.UniqueConstraint(
            "name_folded", "birth_year", name=op.f("uq_person_name_year_name_folded_birth_year")
        ),
    )
    op.create_index(
        "ix_person_mention_name_exact",
        "person_mention",
        ["name_folded", "person_id"],
        postgresql_where=sa.text(LINKED),
        sqlite_where=sa.text(LINKED),
    )
    op.create_index(
        "ix_person_mention_name_year",
        "person_mention",
        ["name_folded", "birth_year", "person_id"],
        postgresql_where=sa.text(LINKED),
        sqlite_where=sa.text(LINKED),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(ADD_NAMES)
        for event in TRIGGERS:
            op.execute(
                f"CREATE TRIGGER person_mention_names_{event.lower()} AFTER {event} ON "
                "person_mention REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
                "EXECUTE FUNCTION person_name_year_add()"
            )
        op.execute(
            "INSERT INTO person_name_year (name_folded, birth_year) "
            "SELECT DISTINCT name_folded, coalesce(birth_year, 0) FROM person_mention "
            "WHERE name_folded IS NOT NULL ORDER BY 1, 2"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for event in TRIGGERS:
            op.execute(f"DROP TRIGGER person_mention_names_{event.lower()} ON person_mention")
        op.execute("DROP FUNCTION person_name_year_add()")
    op.drop_index("ix_person_mention_name_year", table_name="person_mention")
    op.drop_index("ix_person_mention_name_exact", table_name="person_mention")
    op.drop_table("person_name_year")
