"""Certificate extracts and the registry service: counters, extracts, citizen requests and their
events, API clients and the API access log; a partial index for person look-ups.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

Types are spelled out, as in 0001 and 0002, so this migration stays what it was when the models
change (``registry_db/certificates.py``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PERSON_KEYS = ("child.personal_id", "child.full_name", "deceased.personal_id", "deceased.full_name")
PERSON_KEYS_SQL = "key IN ({})".format(", ".join(f"'{k}'" for k in PERSON_KEYS))


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _enum() -> sa.types.TypeEngine[str]:
    return sa.String(length=16)


def _json() -> sa.types.TypeEngine[object]:
    from sqlalchemy.dialects import postgresql

    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts(name: str, *, nullable: bool = False, default: bool = True) -> sa.Column[object]:
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        server_default=sa.func.now() if default else None,
        nullable=nullable,
    )


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


KINDS = ("birth", "marriage", "death")


def upgrade() -> None:
    op.create_table(
        "extract_counter",
        sa.Column("id", _id(), nullable=False),
        sa.Column("office", sa.String(length=255), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(), nullable=False),
        sa.Column("last_no", sa.Integer(), nullable=False),
        sa.CheckConstraint(_in("kind", KINDS), name=op.f("ck_extract_counter_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extract_counter")),
        sa.UniqueConstraint(
            "office", "year", "kind", name=op.f("uq_extract_counter_office_year_kind")
        ),
    )
    op.create_table(
        "extract_request",
        sa.Column("id", _id(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("kind", _enum(), nullable=False),
        sa.Column("record_id", _id(), nullable=True),
        sa.Column("requester_name", sa.String(length=255), nullable=False),
        sa.Column("requester_id_no", sa.String(length=32), nullable=False),
        sa.Column("requester_contact", sa.String(length=255), nullable=False),
        sa.Column("relationship", _enum(), nullable=False),
        sa.Column("authorisation_doc", sa.String(length=255), nullable=True),
        sa.Column("purpose", sa.String(length=255), nullable=False),
        sa.Column("delivery", _enum(), nullable=False),
        sa.Column("postal_address", sa.String(length=512), nullable=True),
        sa.Column("state", _enum(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("fee_vnd", sa.Integer(), nullable=True),
        sa.Column("payment_ref", sa.String(length=128), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        sa.CheckConstraint(
            _in("state", ("submitted", "approved", "refused", "paid", "issued", "posted")),
            name=op.f("ck_extract_request_state"),
        ),
        sa.CheckConstraint(_in("kind", KINDS), name=op.f("ck_extract_request_kind")),
        sa.CheckConstraint(
            _in(
                "relationship",
                (
                    "self",
                    "parent",
                    "child",
                    "spouse",
                    "sibling",
                    "grandparent",
                    "representative",
                ),
            ),
            name=op.f("ck_extract_request_relationship"),
        ),
        sa.CheckConstraint(
            _in("delivery", ("electronic", "post")), name=op.f("ck_extract_request_delivery")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["record.id"], name=op.f("fk_extract_request_record_id_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extract_request")),
        sa.UniqueConstraint("token", name=op.f("uq_extract_request_token")),
    )
    op.create_index(op.f("ix_extract_request_state"), "extract_request", ["state"])
    op.create_table(
        "extract",
        sa.Column("id", _id(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("kind", _enum(), nullable=False),
        sa.Column("office", sa.String(length=255), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("number_text", sa.String(length=32), nullable=False),
        sa.Column("record_id", _id(), nullable=False),
        sa.Column("field_versions", _json(), nullable=False),
        sa.Column("summary", _json(), nullable=False),
        sa.Column("issued_by", sa.String(length=128), nullable=False),
        _ts("issued_at"),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", _enum(), nullable=False),
        _ts("revoked_at", nullable=True, default=False),
        sa.Column("revoked_by", sa.String(length=128), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.Column("reissue_offered", sa.Boolean(), nullable=False),
        sa.Column("replaces_id", _id(), nullable=True),
        sa.Column("request_id", _id(), nullable=True),
        sa.CheckConstraint(_in("kind", KINDS), name=op.f("ck_extract_kind")),
        sa.CheckConstraint(_in("status", ("valid", "revoked")), name=op.f("ck_extract_status")),
        sa.CheckConstraint("number >= 1", name=op.f("ck_extract_number_positive")),
        sa.ForeignKeyConstraint(
            ["record_id"], ["record.id"], name=op.f("fk_extract_record_id_record")
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"], ["extract.id"], name=op.f("fk_extract_replaces_id_extract")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["extract_request.id"],
            name=op.f("fk_extract_request_id_extract_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extract")),
        sa.UniqueConstraint("code", name=op.f("uq_extract_code")),
        sa.UniqueConstraint(
            "office", "year", "kind", "number", name=op.f("uq_extract_office_year_kind_number")
        ),
    )
    op.create_index(op.f("ix_extract_record_id"), "extract", ["record_id"])
    op.create_table(
        "extract_request_event",
        sa.Column("id", _id(), nullable=False),
        sa.Column("request_id", _id(), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("by", sa.String(length=128), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        _ts("at"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["extract_request.id"],
            name=op.f("fk_extract_request_event_request_id_extract_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extract_request_event")),
    )
    op.create_index(
        op.f("ix_extract_request_event_request_id"), "extract_request_event", ["request_id"]
    )
    op.create_table(
        "api_client",
        sa.Column("id", _id(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", _json(), nullable=False),
        sa.Column("rate_per_minute", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _ts("expires_at", nullable=True, default=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_client")),
        sa.UniqueConstraint("name", name=op.f("uq_api_client_name")),
        sa.UniqueConstraint("key_id", name=op.f("uq_api_client_key_id")),
    )
    op.create_table(
        "api_access_log",
        sa.Column("id", _id(), nullable=False),
        _ts("at"),
        sa.Column("client_id", _id(), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("endpoint", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=255), nullable=True),
        sa.Column("persons", _json(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["api_client.id"], name=op.f("fk_api_access_log_client_id_api_client")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_access_log")),
        sa.UniqueConstraint(
            "client_id", "request_id", name=op.f("uq_api_access_log_client_id_request_id")
        ),
    )
    op.create_index(op.f("ix_api_access_log_client_id_at"), "api_access_log", ["client_id", "at"])
    op.create_index(
        "ix_field_value_person_lookup",
        "field_value",
        ["key", "value"],
        postgresql_where=sa.text(PERSON_KEYS_SQL),
        sqlite_where=sa.text(PERSON_KEYS_SQL),
    )


def downgrade() -> None:
    op.drop_index("ix_field_value_person_lookup", table_name="field_value")
    op.drop_index(op.f("ix_api_access_log_client_id_at"), table_name="api_access_log")
    op.drop_table("api_access_log")
    op.drop_table("api_client")
    op.drop_index(op.f("ix_extract_request_event_request_id"), table_name="extract_request_event")
    op.drop_table("extract_request_event")
    op.drop_index(op.f("ix_extract_record_id"), table_name="extract")
    op.drop_table("extract")
    op.drop_index(op.f("ix_extract_request_state"), table_name="extract_request")
    op.drop_table("extract_request")
    op.drop_table("extract_counter")
