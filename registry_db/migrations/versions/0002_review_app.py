"""The review app: users, access log, uploads, book approval, audit samples, double entry.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

``book.approved_at``/``approved_by`` and ``record.final_at`` are added (batch mode on SQLite).
Types are spelled out, as in 0001, so this migration stays what it was when the models change.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


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


def upgrade() -> None:
    with op.batch_alter_table("book") as batch:
        batch.add_column(_ts("approved_at", nullable=True, default=False))
        batch.add_column(sa.Column("approved_by", sa.String(length=128), nullable=True))
    with op.batch_alter_table("record") as batch:
        batch.add_column(_ts("final_at", nullable=True, default=False))

    op.create_table(
        "app_user",
        sa.Column("id", _id(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", _enum(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _ts("last_login_at", nullable=True, default=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.CheckConstraint(
            _in("role", ("archive_staff", "reviewer", "supervisor", "admin")),
            name=op.f("ck_app_user_role"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "access_log",
        sa.Column("id", _id(), nullable=False),
        _ts("at"),
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("purpose", sa.String(length=255), nullable=False),
        sa.Column("book_id", _id(), nullable=True),
        sa.Column("record_id", _id(), nullable=True),
        sa.ForeignKeyConstraint(["book_id"], ["book.id"], name=op.f("fk_access_log_book_id_book")),
        sa.ForeignKeyConstraint(
            ["record_id"], ["record.id"], name=op.f("fk_access_log_record_id_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    op.create_index(op.f("ix_access_log_record_id"), "access_log", ["record_id"])
    op.create_index(op.f("ix_access_log_username_at"), "access_log", ["username", "at"])
    op.create_table(
        "upload",
        sa.Column("id", _id(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=512), nullable=False),
        sa.Column("stored_path", sa.String(length=1024), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("register_type", _enum(), nullable=False),
        sa.Column("book_no", sa.String(length=32), nullable=False),
        sa.Column("registration_authority", sa.String(length=255), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("uploaded_by", sa.String(length=128), nullable=False),
        sa.Column("status", _enum(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("book_id", _id(), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        sa.CheckConstraint(
            _in("status", ("queued", "running", "done", "failed")),
            name=op.f("ck_upload_status"),
        ),
        sa.CheckConstraint(
            _in("register_type", ("birth", "marriage", "death")),
            name=op.f("ck_upload_register_type"),
        ),
        sa.ForeignKeyConstraint(["book_id"], ["book.id"], name=op.f("fk_upload_book_id_book")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload")),
        sa.UniqueConstraint("sha256", name=op.f("uq_upload_sha256")),
    )
    op.create_table(
        "book_approval_event",
        sa.Column("id", _id(), nullable=False),
        sa.Column("book_id", _id(), nullable=False),
        sa.Column("action", _enum(), nullable=False),
        sa.Column("by", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        _ts("at"),
        sa.CheckConstraint(
            _in("action", ("approve", "reopen")), name=op.f("ck_book_approval_event_action")
        ),
        sa.ForeignKeyConstraint(
            ["book_id"], ["book.id"], name=op.f("fk_book_approval_event_book_id_book")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_approval_event")),
    )
    op.create_index(op.f("ix_book_approval_event_book_id"), "book_approval_event", ["book_id"])
    op.create_table(
        "audit_sample",
        sa.Column("id", _id(), nullable=False),
        sa.Column("book_id", _id(), nullable=False),
        sa.Column("field_value_id", _id(), nullable=False),
        sa.Column("field_version", sa.Integer(), nullable=False),
        sa.Column("drawn_by", sa.String(length=128), nullable=False),
        _ts("drawn_at"),
        sa.Column("verdict", _enum(), nullable=True),
        sa.Column("checked_by", sa.String(length=128), nullable=True),
        _ts("checked_at", nullable=True, default=False),
        sa.CheckConstraint(
            _in("verdict", ("correct", "wrong")), name=op.f("ck_audit_sample_verdict")
        ),
        sa.ForeignKeyConstraint(
            ["book_id"], ["book.id"], name=op.f("fk_audit_sample_book_id_book")
        ),
        sa.ForeignKeyConstraint(
            ["field_value_id"],
            ["field_value.id"],
            name=op.f("fk_audit_sample_field_value_id_field_value"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_sample")),
        sa.UniqueConstraint(
            "book_id", "field_value_id", name=op.f("uq_audit_sample_book_id_field_value_id")
        ),
    )
    op.create_table(
        "double_entry",
        sa.Column("id", _id(), nullable=False),
        sa.Column("field_value_id", _id(), nullable=False),
        sa.Column("field_version", sa.Integer(), nullable=False),
        sa.Column("state", _enum(), nullable=False),
        sa.Column("first_by", sa.String(length=128), nullable=False),
        sa.Column("first_value", sa.Text(), nullable=True),
        _ts("first_at"),
        sa.Column("second_by", sa.String(length=128), nullable=True),
        sa.Column("second_value", sa.Text(), nullable=True),
        _ts("second_at", nullable=True, default=False),
        sa.Column("resolved_by", sa.String(length=128), nullable=True),
        _ts("resolved_at", nullable=True, default=False),
        sa.CheckConstraint(
            _in("state", ("waiting", "agreed", "disagreed", "resolved")),
            name=op.f("ck_double_entry_state"),
        ),
        sa.ForeignKeyConstraint(
            ["field_value_id"],
            ["field_value.id"],
            name=op.f("fk_double_entry_field_value_id_field_value"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_double_entry")),
        sa.UniqueConstraint(
            "field_value_id",
            "field_version",
            name=op.f("uq_double_entry_field_value_id_field_version"),
        ),
    )


def downgrade() -> None:
    op.drop_table("double_entry")
    op.drop_table("audit_sample")
    op.drop_index(op.f("ix_book_approval_event_book_id"), table_name="book_approval_event")
    op.drop_table("book_approval_event")
    op.drop_table("upload")
    op.drop_index(op.f("ix_access_log_username_at"), table_name="access_log")
    op.drop_index(op.f("ix_access_log_record_id"), table_name="access_log")
    op.drop_table("access_log")
    op.drop_table("app_user")
    with op.batch_alter_table("record") as batch:
        batch.drop_column("final_at")
    with op.batch_alter_table("book") as batch:
        batch.drop_column("approved_by")
        batch.drop_column("approved_at")
