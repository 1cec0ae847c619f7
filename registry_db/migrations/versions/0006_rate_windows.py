"""Rate limits shared by every server process: calls counted per caller and minute.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

Until now each process counted its callers' calls in memory, so ``civreg serve --workers N``
would have let a client make N times its allowance. ``rate_window`` holds one counter per
caller (an API client, or a hashed address for public verification) and minute;
``certify.agency.RateLimiter`` increments it with an upsert and weighs the previous minute's
count (a sliding-window estimate).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_window",
        sa.Column("bucket", sa.String(96), nullable=False),
        sa.Column("window_start", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start", name=op.f("pk_rate_window")),
    )


def downgrade() -> None:
    op.drop_table("rate_window")
