"""Persons and events: person, event, person_mention, mention_field, relationship,
mention_link_event, link_review; pg_trgm for fuzzy name search on PostgreSQL.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

On PostgreSQL the ``pg_trgm`` extension is created if missing (a trusted extension since
PostgreSQL 13; it lands in the first schema of the search path, or stays wherever it already
is, and its operator class is named with that schema) and the folded-name indexes are trigram
GIN indexes; on SQLite they are plain indexes and search computes the same trigram similarity
in Python (``registry_db.queries``). Downgrading leaves the extension in place (others may use
it).
Types are spelled out, as in 0001 and 0002, so this migration stays what it was when the models
change (``registry_db/persons.py``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _enum() -> sa.types.TypeEngine[str]:
    return sa.String(length=16)


def _ts(name: str, *, nullable: bool = False, default: bool = True) -> sa.Column[object]:
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        server_default=sa.func.now() if default else None,
        nullable=nullable,
    )


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


TRGM_SCHEMA_SQL = (
    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
    "WHERE e.extname = 'pg_trgm'"
)


def _name_index(table: str, trgm_schema: str | None) -> None:
    """Folded names: a trigram GIN index on PostgreSQL (its operator class named with the
    extension's schema, which need not be on the search path), a plain index elsewhere."""
    ops = {"name_folded": f'"{trgm_schema}".gin_trgm_ops'} if trgm_schema else {}
    op.create_index(
        f"ix_{table}_name_folded",
        table,
        ["name_folded"],
        postgresql_using="gin",
        postgresql_ops=ops,
    )


def _mention_values() -> list[sa.Column[object]]:
    return [
        sa.Column("full_name", sa.Text(), nullable=True),
        sa.Column("name_key", sa.Text(), nullable=True),
        sa.Column("name_folded", sa.String(length=255), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("sex", sa.String(length=8), nullable=True),
        sa.Column("ethnicity", sa.String(length=64), nullable=True),
        sa.Column("nationality", sa.String(length=64), nullable=True),
        sa.Column("personal_id", sa.String(length=32), nullable=True),
    ]


def upgrade() -> None:
    trgm_schema = None
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        trgm_schema = op.get_bind().scalar(sa.text(TRGM_SCHEMA_SQL))

    op.create_table(
        "person",
        sa.Column("id", _id(), nullable=False),
        sa.Column("founding_mention_id", sa.BigInteger(), nullable=False),
        sa.Column("personal_id", sa.String(length=32), nullable=True),
        sa.Column("full_name", sa.Text(), nullable=True),
        sa.Column("name_key", sa.Text(), nullable=True),
        sa.Column("name_folded", sa.String(length=255), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("sex", sa.String(length=8), nullable=True),
        sa.Column("ethnicity", sa.String(length=64), nullable=True),
        sa.Column("nationality", sa.String(length=64), nullable=True),
        sa.Column("sources", _json(), nullable=False),
        sa.Column("mention_count", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("founding_mention_id", name=op.f("uq_person_founding_mention_id")),
    )
    op.create_index(op.f("ix_person_birth_year"), "person", ["birth_year"])
    op.create_index(op.f("ix_person_personal_id"), "person", ["personal_id"])
    _name_index("person", trgm_schema)

    op.create_table(
        "event",
        sa.Column("id", _id(), nullable=False),
        sa.Column("record_id", _id(), nullable=False),
        sa.Column("book_id", _id(), nullable=False),
        sa.Column("kind", _enum(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("registration_date", sa.Date(), nullable=True),
        sa.CheckConstraint(_in("kind", ("birth", "marriage", "death")), name=op.f("ck_event_kind")),
        _fk("event", "book_id", "book"),
        _fk("event", "record_id", "record"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
        sa.UniqueConstraint("record_id", name=op.f("uq_event_record_id")),
    )
    op.create_index(op.f("ix_event_book_id"), "event", ["book_id"])

    roles = ("child", "mother", "father", "wife", "husband", "deceased", "declarant")
    op.create_table(
        "person_mention",
        sa.Column("id", _id(), nullable=False),
        sa.Column("record_id", _id(), nullable=False),
        sa.Column("event_id", _id(), nullable=False),
        sa.Column("role", _enum(), nullable=False),
        *_mention_values(),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("spouse_name", sa.Text(), nullable=True),
        sa.Column("father_name", sa.Text(), nullable=True),
        sa.Column("mother_name", sa.Text(), nullable=True),
        sa.Column("person_id", _id(), nullable=True),
        sa.Column("link_weight", sa.Float(), nullable=True),
        sa.Column("pinned_by", sa.String(length=128), nullable=True),
        _ts("updated_at"),
        sa.CheckConstraint(_in("role", roles), name=op.f("ck_person_mention_role")),
        _fk("person_mention", "event_id", "event"),
        _fk("person_mention", "person_id", "person"),
        _fk("person_mention", "record_id", "record"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_mention")),
        sa.UniqueConstraint("record_id", "role", name=op.f("uq_person_mention_record_id_role")),
    )
    op.create_index(op.f("ix_person_mention_event_id"), "person_mention", ["event_id"])
    op.create_index(op.f("ix_person_mention_person_id"), "person_mention", ["person_id"])
    op.create_index(op.f("ix_person_mention_personal_id"), "person_mention", ["personal_id"])
    op.create_index(op.f("ix_person_mention_birth_year"), "person_mention", ["birth_year"])
    _name_index("person_mention", trgm_schema)

    op.create_table(
        "mention_field",
        sa.Column("id", _id(), nullable=False),
        sa.Column("mention_id", _id(), nullable=False),
        sa.Column("attribute", sa.String(length=32), nullable=False),
        sa.Column("field_value_id", _id(), nullable=False),
        _fk("mention_field", "field_value_id", "field_value"),
        _fk("mention_field", "mention_id", "person_mention"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mention_field")),
        sa.UniqueConstraint(
            "mention_id", "attribute", name=op.f("uq_mention_field_mention_id_attribute")
        ),
    )
    op.create_index(op.f("ix_mention_field_field_value_id"), "mention_field", ["field_value_id"])

    op.create_table(
        "relationship",
        sa.Column("id", _id(), nullable=False),
        sa.Column("kind", _enum(), nullable=False),
        sa.Column("subject_mention_id", _id(), nullable=False),
        sa.Column("object_mention_id", _id(), nullable=False),
        sa.Column("event_id", _id(), nullable=False),
        sa.CheckConstraint(
            _in("kind", ("parent_of", "spouse_of")), name=op.f("ck_relationship_kind")
        ),
        _fk("relationship", "event_id", "event"),
        _fk("relationship", "object_mention_id", "person_mention"),
        _fk("relationship", "subject_mention_id", "person_mention"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationship")),
        sa.UniqueConstraint(
            "kind",
            "subject_mention_id",
            "object_mention_id",
            name=op.f("uq_relationship_kind_subject_mention_id_object_mention_id"),
        ),
    )
    op.create_index(op.f("ix_relationship_event_id"), "relationship", ["event_id"])
    op.create_index(
        op.f("ix_relationship_object_mention_id"), "relationship", ["object_mention_id"]
    )

    op.create_table(
        "mention_link_event",
        sa.Column("id", _id(), nullable=False),
        sa.Column("mention_id", _id(), nullable=False),
        sa.Column("person_id", _id(), nullable=True),
        sa.Column("previous_person_id", _id(), nullable=True),
        sa.Column("by", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=True),
        _ts("at"),
        _fk("mention_link_event", "mention_id", "person_mention"),
        _fk("mention_link_event", "person_id", "person"),
        _fk("mention_link_event", "previous_person_id", "person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mention_link_event")),
    )
    op.create_index(op.f("ix_mention_link_event_mention_id"), "mention_link_event", ["mention_id"])
    op.create_index(op.f("ix_mention_link_event_person_id"), "mention_link_event", ["person_id"])

    op.create_table(
        "link_review",
        sa.Column("id", _id(), nullable=False),
        sa.Column("mention_a_id", _id(), nullable=False),
        sa.Column("mention_b_id", _id(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("weights", _json(), nullable=False),
        sa.Column("reason", sa.String(length=128), nullable=True),
        sa.Column("state", _enum(), nullable=False),
        _ts("queued_at"),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        _ts("decided_at", nullable=True, default=False),
        sa.CheckConstraint(
            _in("state", ("open", "same", "different", "withdrawn")),
            name=op.f("ck_link_review_state"),
        ),
        _fk("link_review", "mention_a_id", "person_mention"),
        _fk("link_review", "mention_b_id", "person_mention"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_review")),
        sa.UniqueConstraint(
            "mention_a_id", "mention_b_id", name=op.f("uq_link_review_mention_a_id_mention_b_id")
        ),
    )
    op.create_index(op.f("ix_link_review_state"), "link_review", ["state"])


def downgrade() -> None:
    op.drop_index(op.f("ix_link_review_state"), table_name="link_review")
    op.drop_table("link_review")
    op.drop_index(op.f("ix_mention_link_event_person_id"), table_name="mention_link_event")
    op.drop_index(op.f("ix_mention_link_event_mention_id"), table_name="mention_link_event")
    op.drop_table("mention_link_event")
    op.drop_index(op.f("ix_relationship_object_mention_id"), table_name="relationship")
    op.drop_index(op.f("ix_relationship_event_id"), table_name="relationship")
    op.drop_table("relationship")
    op.drop_index(op.f("ix_mention_field_field_value_id"), table_name="mention_field")
    op.drop_table("mention_field")
    op.drop_index("ix_person_mention_name_folded", table_name="person_mention")
    op.drop_index(op.f("ix_person_mention_birth_year"), table_name="person_mention")
    op.drop_index(op.f("ix_person_mention_personal_id"), table_name="person_mention")
    op.drop_index(op.f("ix_person_mention_person_id"), table_name="person_mention")
    op.drop_index(op.f("ix_person_mention_event_id"), table_name="person_mention")
    op.drop_table("person_mention")
    op.drop_index(op.f("ix_event_book_id"), table_name="event")
    op.drop_table("event")
    op.drop_index("ix_person_name_folded", table_name="person")
    op.drop_index(op.f("ix_person_personal_id"), table_name="person")
    op.drop_index(op.f("ix_person_birth_year"), table_name="person")
    op.drop_table("person")
