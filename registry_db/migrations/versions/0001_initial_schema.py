"""Initial schema: book, page, record, field_value, field_revision.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Types are spelled out here (not imported from the models) so this migration stays what it was
when the models change. Enumerated columns are VARCHAR(16) with CHECK constraints; timestamps are
``TIMESTAMP WITH TIME ZONE`` holding UTC; JSON is JSONB on PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
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


FIELD_STATUSES = ("accepted", "needs_review")


def upgrade() -> None:
    op.create_table(
        "book",
        sa.Column("id", _id(), nullable=False),
        sa.Column("register_type", _enum(), nullable=False),
        sa.Column("book_no", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("registration_authority", sa.String(length=255), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("source_name", sa.String(length=512), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("status", _enum(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.CheckConstraint(
            _in("register_type", ("birth", "marriage", "death")),
            name=op.f("ck_book_register_type"),
        ),
        sa.CheckConstraint(
            _in("status", ("ingested", "processing", "done", "failed")),
            name=op.f("ck_book_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book")),
        sa.UniqueConstraint(
            "register_type",
            "registration_authority",
            "book_no",
            name=op.f("uq_book_register_type_registration_authority_book_no"),
        ),
        sa.UniqueConstraint("source_sha256", name=op.f("uq_book_source_sha256")),
    )
    op.create_table(
        "page",
        sa.Column("id", _id(), nullable=False),
        sa.Column("book_id", _id(), nullable=False),
        sa.Column("page_no", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("image_path", sa.String(length=1024), nullable=True),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("dpi", sa.Integer(), nullable=True),
        sa.Column("status", _enum(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("ocr_path", sa.String(length=1024), nullable=True),
        sa.Column("ocr_engine", sa.String(length=255), nullable=True),
        sa.Column("ocr_seconds", sa.Float(), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        sa.CheckConstraint(
            _in("status", ("pending", "ocr_done", "extracted", "failed")),
            name=op.f("ck_page_status"),
        ),
        sa.CheckConstraint("page_no >= 1", name=op.f("ck_page_page_no_positive")),
        sa.ForeignKeyConstraint(["book_id"], ["book.id"], name=op.f("fk_page_book_id_book")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page")),
        sa.UniqueConstraint("book_id", "page_no", name=op.f("uq_page_book_id_page_no")),
    )
    op.create_table(
        "record",
        sa.Column("id", _id(), nullable=False),
        sa.Column("book_id", _id(), nullable=False),
        sa.Column("page_no", sa.Integer(), nullable=False),
        sa.Column("index_on_page", sa.Integer(), nullable=False),
        sa.Column("entry_no", sa.Text(), nullable=True),
        sa.Column("pages", _json(), nullable=False),
        sa.Column("status", _enum(), nullable=False),
        sa.Column("extractor_version", sa.String(length=64), nullable=False),
        _ts("superseded_at", nullable=True, default=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.CheckConstraint(_in("status", FIELD_STATUSES), name=op.f("ck_record_status")),
        sa.CheckConstraint("index_on_page >= 0", name=op.f("ck_record_index_on_page_nonnegative")),
        sa.ForeignKeyConstraint(
            ["book_id", "page_no"],
            ["page.book_id", "page.page_no"],
            name=op.f("fk_record_book_id_page_no_page"),
        ),
        sa.ForeignKeyConstraint(["book_id"], ["book.id"], name=op.f("fk_record_book_id_book")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record")),
        sa.UniqueConstraint(
            "book_id",
            "page_no",
            "index_on_page",
            name=op.f("uq_record_book_id_page_no_index_on_page"),
        ),
    )
    op.create_index(op.f("ix_record_book_id_status"), "record", ["book_id", "status"])
    op.create_table(
        "field_value",
        sa.Column("id", _id(), nullable=False),
        sa.Column("record_id", _id(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("page_no", sa.Integer(), nullable=True),
        sa.Column("bbox", _json(), nullable=True),
        sa.Column("status", _enum(), nullable=False),
        sa.Column("reasons", _json(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", _enum(), nullable=False),
        _ts("updated_at"),
        sa.CheckConstraint(
            _in("source", ("ocr", "text_layer", "reviewer")), name=op.f("ck_field_value_source")
        ),
        sa.CheckConstraint(_in("status", FIELD_STATUSES), name=op.f("ck_field_value_status")),
        sa.CheckConstraint(
            "confidence >= 0 AND confidence <= 1", name=op.f("ck_field_value_confidence_range")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["record.id"], name=op.f("fk_field_value_record_id_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_value")),
        sa.UniqueConstraint("record_id", "key", name=op.f("uq_field_value_record_id_key")),
    )
    op.create_index(op.f("ix_field_value_key"), "field_value", ["key"])
    op.create_index(op.f("ix_field_value_status"), "field_value", ["status"])
    op.create_table(
        "field_revision",
        sa.Column("id", _id(), nullable=False),
        sa.Column("field_value_id", _id(), nullable=False),
        sa.Column("revision_no", sa.Integer(), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("old_status", _enum(), nullable=True),
        sa.Column("new_status", _enum(), nullable=False),
        sa.Column("changed_by", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        _ts("changed_at"),
        sa.CheckConstraint("revision_no >= 1", name=op.f("ck_field_revision_revision_no_positive")),
        sa.ForeignKeyConstraint(
            ["field_value_id"],
            ["field_value.id"],
            name=op.f("fk_field_revision_field_value_id_field_value"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_revision")),
        sa.UniqueConstraint(
            "field_value_id",
            "revision_no",
            name=op.f("uq_field_revision_field_value_id_revision_no"),
        ),
    )


def downgrade() -> None:
    op.drop_table("field_revision")
    op.drop_index(op.f("ix_field_value_status"), table_name="field_value")
    op.drop_index(op.f("ix_field_value_key"), table_name="field_value")
    op.drop_table("field_value")
    op.drop_index(op.f("ix_record_book_id_status"), table_name="record")
    op.drop_table("record")
    op.drop_table("page")
    op.drop_table("book")
